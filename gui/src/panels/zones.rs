//! The central panel: one swimlane per zone, each node a card listing its pods. A pod's swatch is
//! its group's colour; a crown marks the pods (and nodes) holding a leader record; cordoned and
//! NotReady nodes are greyed.

use eframe::egui::{self, Color32, Label, RichText, ScrollArea, Sense, Shape, Stroke};
use quorum_core::graph::{ClusterId, Mode, NodeId, PodId, ZoneId};

use crate::palette;
use crate::session::Session;

/// Lanes share the panel's width within these bounds; more scroll sideways.
const LANE_WIDTH: std::ops::RangeInclusive<f32> = 200.0..=320.0;
const LANE_PADDING: f32 = 8.0;
const LANE_GAP: f32 = 3.0 * LANE_PADDING;
const CROWN: &str = "👑";

#[derive(Default)]
pub struct ZonesPanel;

impl ZonesPanel {
    pub fn ui(&mut self, ui: &mut egui::Ui, session: &Session) {
        let t = &session.topology;
        ScrollArea::both()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                for (i, cluster) in t.clusters.iter().enumerate() {
                    let id = ClusterId(i as u32);
                    if t.multi_cluster() {
                        ui.label(
                            RichText::new(format!("cluster {}", cluster.name))
                                .heading()
                                .strong(),
                        );
                        ui.add_space(4.0);
                    }
                    if cluster.zones.is_empty() {
                        ui.label(RichText::new("no nodes in the input").weak());
                    }
                    let unscheduled: Vec<PodId> = t
                        .pods
                        .iter()
                        .enumerate()
                        .filter(|(_, p)| p.cluster == id && p.node.is_none() && p.pod.is_active())
                        .map(|(p, _)| PodId(p as u32))
                        .collect();
                    swimlanes(ui, session, &cluster.zones, &unscheduled);
                    ui.add_space(16.0);
                }
            });
    }
}

/// The lanes of one cluster side by side, their backgrounds stretched to the tallest.
fn swimlanes(ui: &mut egui::Ui, session: &Session, zones: &[ZoneId], unscheduled: &[PodId]) {
    let lanes = zones.len() + usize::from(!unscheduled.is_empty());
    let share = (ui.available_width() - 2.0 * LANE_PADDING) / lanes.max(1) as f32 - LANE_GAP;
    let width = share.clamp(*LANE_WIDTH.start(), *LANE_WIDTH.end());
    let mut backgrounds = Vec::new();
    ui.horizontal_top(|ui| {
        ui.spacing_mut().item_spacing.x = LANE_GAP;
        ui.add_space(LANE_PADDING);
        for zone in zones {
            let background = ui.painter().add(Shape::Noop);
            let lane = ui.vertical(|ui| {
                ui.set_width(width);
                zone_lane(ui, session, *zone);
            });
            backgrounds.push((background, lane.response.rect));
        }
        if !unscheduled.is_empty() {
            let background = ui.painter().add(Shape::Noop);
            let lane = ui.vertical(|ui| {
                ui.set_width(width);
                lane_header(
                    ui,
                    "unscheduled",
                    "",
                    &format!(
                        "{} pod{} without a node",
                        unscheduled.len(),
                        if unscheduled.len() == 1 { "" } else { "s" }
                    ),
                );
                for pod in unscheduled {
                    pod_row(ui, session, *pod);
                }
            });
            backgrounds.push((background, lane.response.rect));
        }
    });
    let bottom = backgrounds
        .iter()
        .map(|(_, r)| r.bottom())
        .fold(f32::MIN, f32::max);
    let fill = ui.visuals().faint_bg_color;
    let stroke = Stroke::new(1.0, ui.visuals().widgets.noninteractive.bg_stroke.color);
    for (background, rect) in backgrounds {
        let mut rect = rect.expand(LANE_PADDING);
        rect.max.y = bottom + LANE_PADDING;
        ui.painter()
            .set(background, Shape::rect_filled(rect, 8.0, fill));
        ui.painter()
            .rect_stroke(rect, 8.0, stroke, egui::StrokeKind::Inside);
    }
    ui.add_space(LANE_PADDING);
}

fn zone_lane(ui: &mut egui::Ui, session: &Session, zone: ZoneId) {
    let t = &session.topology;
    let z = &t.zones[zone.index()];
    let leaders = session
        .analysis
        .leaders
        .per_zone
        .get(&t.zone_display(zone))
        .copied()
        .unwrap_or(0);
    let counts = format!(
        "{} node{} · {leaders} leader{}",
        z.nodes.len(),
        if z.nodes.len() == 1 { "" } else { "s" },
        if leaders == 1 { "" } else { "s" }
    );
    lane_header(ui, &z.name, &z.region, &counts);
    for node in &z.nodes {
        node_card(ui, session, *node);
        ui.add_space(4.0);
    }
}

fn lane_header(ui: &mut egui::Ui, name: &str, region: &str, counts: &str) {
    ui.horizontal(|ui| {
        ui.add(Label::new(RichText::new(name).size(17.0).strong()).truncate());
        if !region.is_empty() {
            ui.label(RichText::new(region).weak());
        }
    });
    ui.label(RichText::new(counts).weak());
    ui.add_space(4.0);
}

fn node_card(ui: &mut egui::Ui, session: &Session, node: NodeId) {
    let t = &session.topology;
    let info = &t.nodes[node.index()];
    let not_ready = !info.node.is_ready();
    let cordoned = info.node.unschedulable;
    let greyed = not_ready || cordoned;
    let mut frame = egui::Frame::new()
        .fill(ui.visuals().extreme_bg_color)
        .stroke(ui.visuals().widgets.noninteractive.bg_stroke)
        .corner_radius(5)
        .inner_margin(6);
    if greyed {
        frame = frame.multiply_with_opacity(palette::GREYED_OPACITY);
    }
    frame.show(ui, |ui| {
        ui.set_width(ui.available_width());
        if greyed {
            ui.set_opacity(palette::GREYED_OPACITY);
        }
        ui.horizontal_wrapped(|ui| {
            ui.spacing_mut().item_spacing.x = 6.0;
            ui.label(RichText::new(info.name()).strong());
            if info.node.control_plane {
                badge(ui, "control plane", ui.visuals().weak_text_color());
            }
            if cordoned {
                badge(ui, "cordoned", palette::WARNING);
            }
            if not_ready {
                badge(ui, "NotReady", palette::CRITICAL);
            }
            let held = session.leases_of_node(node);
            if !held.is_empty() {
                let leases = lease_names(session, held);
                ui.label(RichText::new(format!("{CROWN}{}", held.len())).color(palette::LEADER))
                    .on_hover_text(format!("the node holds {}", leases.join(", ")));
            }
        });
        if info.pods.is_empty() {
            ui.label(RichText::new("no pods").weak().small());
        }
        for pod in &info.pods {
            pod_row(ui, session, *pod);
        }
    });
}

fn badge(ui: &mut egui::Ui, text: &str, color: Color32) {
    egui::Frame::new()
        .stroke(Stroke::new(1.0, color))
        .corner_radius(3)
        .inner_margin(egui::Margin::symmetric(4, 0))
        .show(ui, |ui| ui.label(RichText::new(text).small().color(color)));
}

fn pod_row(ui: &mut egui::Ui, session: &Session, pod: PodId) {
    let t = &session.topology;
    let info = &t.pods[pod.index()];
    let group = info.workload.and_then(|w| t.group_of_workload(w));
    let held = session.leases_of_pod(pod);
    let row = ui.horizontal(|ui| {
        ui.spacing_mut().item_spacing.x = 4.0;
        super::group_swatch(ui, group);
        if !held.is_empty() {
            let expired = held
                .iter()
                .all(|i| session.analysis.leaders.records[*i].expired);
            let color = if expired {
                ui.visuals().weak_text_color()
            } else {
                palette::LEADER
            };
            ui.label(RichText::new(CROWN).color(color));
        }
        let mut name = RichText::new(info.name());
        if !info.pod.is_active() {
            name = name.weak().strikethrough();
        } else if !info.pod.ready {
            name = name.weak();
        } else if group.is_none() {
            name = name.color(ui.visuals().weak_text_color());
        }
        ui.add(Label::new(name).truncate());
    });
    row.response.interact(Sense::hover()).on_hover_ui(|ui| {
        ui.label(RichText::new(info.name()).strong());
        ui.label(format!(
            "{:?}{}",
            info.pod.phase,
            if info.pod.ready {
                ", ready"
            } else {
                ", not ready"
            }
        ));
        match group {
            Some(g) => {
                let mode = match t.groups[g.index()].mode {
                    Mode::Quorum => "quorum",
                    Mode::Leader => "leader",
                };
                ui.label(format!("group {} ({mode})", t.group_display(g)));
            }
            None => {
                ui.label(RichText::new("in no group").weak());
            }
        }
        if !held.is_empty() {
            ui.label(
                RichText::new(format!(
                    "{CROWN} holds {}",
                    lease_names(session, held).join(", ")
                ))
                .color(palette::LEADER),
            );
        }
    });
}

/// The names of leader records, "(expired)" after the ones past their renew time.
fn lease_names(session: &Session, records: &[usize]) -> Vec<String> {
    records
        .iter()
        .map(|i| {
            let r = &session.analysis.leaders.records[*i];
            if r.expired {
                format!("{} (expired)", r.lease)
            } else {
                r.lease.clone()
            }
        })
        .collect()
}
