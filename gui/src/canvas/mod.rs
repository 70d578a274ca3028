//! The topology canvas: the layout (world coordinates) painted inside a pannable, zoomable
//! [`egui::Scene`], culled to the visible rectangle, with three levels of detail:
//! zoomed out, zones with their counts; further in, node cards with a bar of their groups;
//! close, every pod as a chip in its group's colour, crowns on leaders, volumes and their lines.

mod labels;
pub mod layout;
mod legend;
pub use legend::ui as legend;
pub mod overlay;

use eframe::egui::{
    self, Align2, Color32, CornerRadius, Painter, Pos2, Rect, Sense, Shape, Stroke, StrokeKind,
    Vec2, WidgetInfo, pos2, vec2,
};
use quorum_core::check::Severity;
use quorum_core::graph::{GroupId, Mode, NodeId, PodId, Topology, ZoneId};
use quorum_core::simulate::fates::{NodeFate, PodFate};

use crate::commands::{Subject, Tool, UiCommand};
use crate::palette;
use labels::Labels;
pub use layout::Layout;
use layout::{CHIP, VolumeMark};
pub use overlay::{Crown, Overlay};
use quorum_core::workbench::Workbench;

/// Screen points per world point below which only zones are drawn, as tiles with their counts
/// and heat: a node card would be under about 32 px wide, a mosaic nobody reads.
pub const ZONES_ONLY_BELOW: f32 = 0.3;
/// Below this, node cards are drawn as bars; above, with their pods.
pub const CARDS_BELOW: f32 = 0.35;

/// What one canvas shows; several canvases (before and after) share a layout.
pub struct CanvasInput<'a> {
    pub session: &'a Workbench,
    pub layout: &'a Layout,
    pub overlay: &'a Overlay,
    pub selection: Option<Subject>,
    pub tool: Tool,
    /// The partition side of each zone, while the partition tool is in use.
    pub sides: &'a [Option<usize>],
    /// A line over the canvas ("after step 3 of 7").
    pub caption: Option<&'a str>,
}

pub struct Canvas {
    id: &'static str,
    scene_rect: Rect,
    /// Where to look next frame (locate a finding's subject).
    focus: Option<Rect>,
}

impl Canvas {
    pub fn new(id: &'static str) -> Canvas {
        Canvas {
            id,
            scene_rect: Rect::ZERO,
            focus: None,
        }
    }

    pub fn focus(&mut self, rect: Rect) {
        self.focus = Some(rect);
    }

    pub fn fit(&mut self) {
        self.scene_rect = Rect::ZERO;
    }

    /// Zoom by `factor` (above 1: closer) around the middle of the view.
    pub fn zoom(&mut self, factor: f32) {
        if self.scene_rect.is_positive() {
            let c = self.scene_rect.center();
            self.scene_rect = Rect::from_center_size(c, self.scene_rect.size() / factor);
        }
    }

    /// Fit, zoom out and zoom in, over the canvas's top right corner (above the scene's layer).
    fn zoom_buttons(&mut self, ctx: &egui::Context, canvas: Rect) {
        if !canvas.is_finite() || !canvas.is_positive() {
            return;
        }
        egui::Area::new(egui::Id::unique((self.id, "zoom")))
            .order(egui::Order::Foreground)
            .fixed_pos(canvas.right_top() + vec2(-118.0, 6.0))
            .show(ctx, |ui| {
                ui.horizontal(|ui| {
                    if ui
                        .small_button("Fit")
                        .on_hover_text("fit the cluster (F)")
                        .clicked()
                    {
                        self.fit();
                    }
                    if ui.small_button("−").on_hover_text("zoom out (-)").clicked() {
                        self.zoom(1.0 / 1.1);
                    }
                    if ui.small_button("+").on_hover_text("zoom in (+)").clicked() {
                        self.zoom(1.1);
                    }
                });
            });
    }

    /// The part of the world in view.
    pub fn scene_rect(&self) -> Rect {
        self.scene_rect
    }

    pub fn set_scene_rect(&mut self, rect: Rect) {
        self.scene_rect = rect;
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, input: &CanvasInput<'_>) -> Vec<UiCommand> {
        let mut commands = Vec::new();
        if let Some(rect) = self.focus.take() {
            self.scene_rect = rect.expand(rect.width().max(rect.height()) * 0.6 + 40.0);
        }
        // Keys (unless a text field has them): F fits, + and - zoom in steps of 10%.
        if !ui.ctx().egui_wants_keyboard_input() {
            let (fit, zoom_in, zoom_out) = ui.input(|i| {
                (
                    i.key_pressed(egui::Key::F),
                    i.key_pressed(egui::Key::Plus) || i.key_pressed(egui::Key::Equals),
                    i.key_pressed(egui::Key::Minus),
                )
            });
            if fit {
                self.fit();
            } else if zoom_in {
                self.zoom(1.1);
            } else if zoom_out {
                self.zoom(1.0 / 1.1);
            }
        }
        if !self.scene_rect.is_positive() {
            self.scene_rect = input.layout.bounds.expand(40.0);
        }
        if let Some(caption) = input.caption {
            ui.label(egui::RichText::new(caption).strong());
        }
        let frame = egui::Frame::canvas(ui.style()).inner_margin(0);
        // Each canvas its own scope: two scenes side by side need their own layers.
        let shown = ui.push_id(self.id, |ui| {
            frame.show(ui, |ui| {
                let scene = egui::Scene::new()
                    .zoom_range(0.002..=8.0)
                    // A map: the wheel zooms, dragging pans.
                    .scroll_zooms(true)
                    .max_inner_size(Vec2::splat(1.0e7));
                let mut scene_rect = self.scene_rect;
                let response = scene.show(ui, &mut scene_rect, |ui| {
                    paint(ui, input, self.id, &mut commands);
                });
                self.scene_rect = scene_rect;
                if response.response.double_clicked() {
                    self.fit();
                }
            })
        });
        self.zoom_buttons(ui.ctx(), shown.inner.response.rect);
        commands
    }
}

/// The scale of the scene's layer: screen points per world point.
fn scale_of(ui: &egui::Ui) -> f32 {
    ui.ctx()
        .layer_transform_to_global(ui.layer_id())
        .map_or(1.0, |t| t.scaling)
}

fn paint(ui: &mut egui::Ui, input: &CanvasInput<'_>, id: &str, commands: &mut Vec<UiCommand>) {
    let scale = scale_of(ui);
    let visible = ui.clip_rect();
    let t = &input.session.topology;
    let layout = input.layout;
    let painter = ui.painter().clone();
    let labels = Labels::new(ui);
    let visuals = ui.visuals().clone();
    let text = visuals.text_color();
    let weak = visuals.weak_text_color();
    // Text at least this many screen points tall, in world units.
    let readable = |px: f32, world: f32| world.max(px / scale);
    // Chips and crowns go into one mesh without anti-aliasing: thousands are in view when zoomed
    // in, and one mesh costs a renderer far fewer triangles than thousands of shapes.
    let mut mesh = egui::Mesh::default();

    for cluster in &layout.clusters {
        if !cluster.rect.intersects(visible) {
            continue;
        }
        let name = &t.clusters[cluster.id.index()].name;
        let title = format!("cluster {name}");
        // Zoomed out, the region band has no room for its own label: the title names them.
        let regions_fit = 12.0 / scale <= 20.0;
        let heading = if regions_fit {
            title.clone()
        } else {
            let regions: Vec<&str> = cluster
                .regions
                .iter()
                .map(|(r, _)| r.as_str())
                .filter(|r| !r.is_empty())
                .collect();
            if regions.is_empty() {
                title.clone()
            } else {
                format!("{title} · region {}", regions.join(", "))
            }
        };
        labels.clipped(cluster.rect.expand(4.0)).fitted(
            cluster.header.left_center(),
            Align2::LEFT_CENTER,
            &heading,
            (22.0 * scale).max(14.0),
            cluster.rect.width(),
            text,
        );
        let response = ui.interact(
            cluster.header,
            ui.scope_id().with((id, "cluster", cluster.id)),
            Sense::click(),
        );
        response.widget_info(|| WidgetInfo::labeled(egui::Role::Button, true, &title));
        if response.clicked() {
            commands.push(click_command(input, Subject::Cluster(cluster.id), t));
        }
        for (region, span) in &cluster.regions {
            if region.is_empty() || !regions_fit {
                continue;
            }
            let band = Rect::from_min_max(
                pos2(span.min.x, span.min.y - 22.0),
                pos2(span.max.x, span.min.y - 4.0),
            );
            painter.line_segment(
                [band.left_bottom(), band.right_bottom()],
                Stroke::new(1.0, weak),
            );
            labels.text(
                band.left_bottom() + vec2(0.0, -3.0),
                Align2::LEFT_BOTTOM,
                format!("region {region}"),
                (13.0 * scale).max(12.0),
                weak,
            );
        }
        if let Some((rect, pods)) = &cluster.unscheduled
            && rect.intersects(visible)
        {
            painter.rect_filled(*rect, 8.0, visuals.faint_bg_color);
            labels.text(
                rect.left_top() + vec2(layout::LANE_PAD, 8.0),
                Align2::LEFT_TOP,
                format!("unscheduled · {} pods", pods.len()),
                (15.0 * scale).max(12.0),
                weak,
            );
            if scale >= CARDS_BELOW {
                for p in pods {
                    if let Some(at) = layout.chips[p.index()] {
                        chip(&painter, &mut mesh, input, *p, at, false);
                    }
                }
            }
        }
    }

    let mut hovered: Option<(Subject, Pos2)> = None;
    for (z, zone) in layout.zones.iter().enumerate() {
        if !zone.rect.intersects(visible) {
            continue;
        }
        let zid = ZoneId(z as u32);
        zone_lane(&painter, &labels, input, zid, scale, &visuals);
        let name = t.zone_display(zid);
        let response = ui.interact(
            zone.rect,
            ui.scope_id().with((id, "zone", zid)),
            Sense::click(),
        );
        response
            .widget_info(|| WidgetInfo::labeled(egui::Role::Button, true, format!("zone {name}")));
        let pos = response.hover_pos();
        let under = pos.map(|p| subject_at(input, zid, p, scale));
        if let (Some(s), Some(p)) = (under, pos) {
            hovered = Some((s, p));
        }
        if response.clicked() {
            commands.push(click_command(input, under.unwrap_or(Subject::Zone(zid)), t));
        }
        if let Some(subject) = under {
            response.on_hover_ui_at_pointer(|ui| hover_ui(ui, input, subject));
        }
    }

    if scale >= ZONES_ONLY_BELOW {
        for (n, card) in layout.cards.iter().enumerate() {
            if card.intersects(visible) {
                node_card(
                    &painter,
                    &labels,
                    &mut mesh,
                    input,
                    NodeId(n as u32),
                    *card,
                    scale,
                    &visuals,
                );
            }
        }
        if scale >= CARDS_BELOW {
            for mark in &layout.volumes {
                if mark.rect.intersects(visible) {
                    volume(&mut mesh, mark, &visuals);
                }
            }
        }
        painter.add(Shape::mesh(std::mem::take(&mut mesh)));
        // Broken affinities always; a selection's or hover's volumes with their lines.
        for mark in layout.volumes.iter().filter(|v| v.broken) {
            volume_lines(&painter, layout, mark, visible, palette::CRITICAL, 2.0);
        }
        let focus = hovered.map(|h| h.0).or(input.selection);
        for v in focus.map(|s| volumes_of(input, s)).unwrap_or_default() {
            let mark = &layout.volumes[v];
            let color = if mark.broken {
                palette::CRITICAL
            } else {
                palette::INFO
            };
            volume_lines(&painter, layout, mark, visible, color, 1.5);
        }
    }

    if let Some(Subject::Group(g)) = input.selection {
        // A group: a ring around each of its replicas.
        for rect in group_rects(input.session, layout, g) {
            painter.rect_stroke(
                rect.expand(2.0),
                3.0,
                Stroke::new(readable(2.0, 2.0), palette::INFO),
                StrokeKind::Outside,
            );
        }
    } else if let Some(selected) = input.selection
        && let Some(rect) = subject_rect(input.session, layout, selected)
    {
        painter.rect_stroke(
            rect.expand(3.0),
            4.0,
            Stroke::new(readable(2.0, 2.0), palette::INFO),
            StrokeKind::Outside,
        );
    }
}

/// Where each replica of a group is drawn: its chip, or its node's card.
fn group_rects<'a>(
    session: &'a Workbench,
    layout: &'a Layout,
    g: GroupId,
) -> impl Iterator<Item = Rect> + 'a {
    let t = &session.topology;
    session.group_pods(g).into_iter().filter_map(move |p| {
        layout.chips[p.index()]
            .map(|at| Rect::from_min_size(at, Vec2::splat(CHIP)))
            .or_else(|| t.pods[p.index()].node.map(|n| layout.cards[n.index()]))
    })
}

/// What a click means with the current tool.
fn click_command(input: &CanvasInput<'_>, subject: Subject, t: &Topology) -> UiCommand {
    use quorum_core::simulate::{Event, Target};
    let target = |s: Subject| -> Option<Target> {
        Some(match s {
            Subject::Cluster(c) => Target::Cluster(t.clusters[c.index()].name.clone()),
            Subject::Zone(z) => Target::Zone(t.zone_display(z)),
            Subject::Node(n) => Target::Node(t.node_display(n)),
            Subject::Pod(p) => Target::Node(t.node_display(t.pods[p.index()].node?)),
            Subject::Volume(_) | Subject::Group(_) => return None,
        })
    };
    match input.tool {
        Tool::Select => UiCommand::Select(Some(subject)),
        Tool::Fail => target(subject).map_or(UiCommand::Select(Some(subject)), |t| {
            UiCommand::AddEvent(Event::Fail(t))
        }),
        Tool::Drain => match subject {
            Subject::Cluster(_) => UiCommand::Select(Some(subject)),
            s => target(s).map_or(UiCommand::Select(Some(s)), |t| {
                UiCommand::AddEvent(Event::Drain(t))
            }),
        },
        Tool::Partition => {
            let zone = match subject {
                Subject::Zone(z) => Some(z),
                Subject::Node(n) => Some(t.nodes[n.index()].zone),
                Subject::Pod(p) => t.pod_zone(p),
                _ => None,
            };
            zone.map_or(
                UiCommand::Select(Some(subject)),
                UiCommand::CyclePartitionSide,
            )
        }
    }
}

/// The most specific thing under a point of a zone's lane.
fn subject_at(input: &CanvasInput<'_>, zone: ZoneId, pos: Pos2, scale: f32) -> Subject {
    let t = &input.session.topology;
    let layout = input.layout;
    if scale < ZONES_ONLY_BELOW || layout.zones[zone.index()].header.contains(pos) {
        return Subject::Zone(zone);
    }
    if scale >= CARDS_BELOW
        && let Some(v) = layout.volume_at(pos)
    {
        return Subject::Volume(v);
    }
    let Some(node) = layout.node_at(t, zone, pos) else {
        return Subject::Zone(zone);
    };
    if scale >= CARDS_BELOW
        && let Some(pod) = layout.pod_at(t, node, pos)
    {
        return Subject::Pod(pod);
    }
    Subject::Node(node)
}

/// Where a subject is drawn, for the selection outline and for locating it.
pub fn subject_rect(session: &Workbench, layout: &Layout, subject: Subject) -> Option<Rect> {
    let t = &session.topology;
    match subject {
        Subject::Cluster(c) => layout.clusters.iter().find(|b| b.id == c).map(|b| b.rect),
        Subject::Zone(z) => Some(layout.zones[z.index()].rect),
        Subject::Node(n) => Some(layout.cards[n.index()]),
        Subject::Pod(p) => layout.chips[p.index()]
            .map(|at| Rect::from_min_size(at, Vec2::splat(CHIP)))
            .or_else(|| t.pods[p.index()].node.map(|n| layout.cards[n.index()])),
        Subject::Volume(v) => layout.volumes.get(v).map(|m| m.rect),
        // Every replica, wherever it runs: the frame around all of them.
        Subject::Group(g) => group_rects(session, layout, g).reduce(|a, b| a.union(b)),
    }
}

fn volumes_of(input: &CanvasInput<'_>, subject: Subject) -> Vec<usize> {
    let layout = input.layout;
    let t = &input.session.topology;
    let of_pods = |pods: &mut dyn Iterator<Item = PodId>| -> Vec<usize> {
        let mut v: Vec<usize> = pods
            .flat_map(|p| layout.volumes_of_pod.get(&p).cloned().unwrap_or_default())
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    match subject {
        Subject::Pod(p) => of_pods(&mut std::iter::once(p)),
        Subject::Node(n) => of_pods(&mut t.nodes[n.index()].pods.iter().copied()),
        Subject::Volume(v) => vec![v],
        Subject::Group(g) => of_pods(&mut input.session.group_pods(g).into_iter()),
        Subject::Zone(_) | Subject::Cluster(_) => vec![],
    }
}

fn zone_lane(
    painter: &Painter,
    labels: &Labels,
    input: &CanvasInput<'_>,
    zone: ZoneId,
    scale: f32,
    visuals: &egui::Visuals,
) {
    let t = &input.session.topology;
    let layout = input.layout;
    let b = &layout.zones[zone.index()];
    let info = &t.zones[zone.index()];
    let down = input.overlay.nodes.as_ref().map_or(0, |fates| {
        info.nodes
            .iter()
            .filter(|n| fates[n.index()] == NodeFate::Down)
            .count()
    });
    let all_down = down > 0 && down == info.nodes.len();
    let side = input.sides.get(zone.index()).copied().flatten();
    let fill = match side {
        Some(s) => palette::side(s).gamma_multiply(0.18),
        None if all_down => visuals.faint_bg_color.gamma_multiply(0.4),
        None => visuals.faint_bg_color,
    };
    painter.rect_filled(b.rect, 8.0, fill);
    let stroke = match side {
        Some(s) => Stroke::new(2.0 / scale.max(0.05), palette::side(s)),
        None => Stroke::new(
            1.0 / scale.max(1.0),
            visuals.widgets.noninteractive.bg_stroke.color,
        ),
    };
    painter.rect_stroke(b.rect, 8.0, stroke, StrokeKind::Inside);
    // The state drawn's counts (today, the what-if's moment, the plan's step), from core.
    let summary = input.overlay.overview(input.session).zone(zone);
    let mut counts = format!(
        "{} nodes · {} pods\n{} leaders",
        info.nodes.len(),
        summary.pods,
        summary.leaders
    );
    if down > 0 {
        counts.push_str(&format!(" · {down} nodes down"));
    }
    let name_color = if all_down {
        visuals.weak_text_color()
    } else {
        visuals.strong_text_color()
    };
    let mut title = info.name.clone();
    if let Some(s) = side {
        title.push_str(&format!("  [side {}]", palette::side_name(s)));
    }
    if scale < ZONES_ONLY_BELOW {
        zone_tile(
            labels, painter, input, zone, scale, visuals, &title, name_color, down,
        );
        return;
    }
    let h = b.header;
    let labels = labels.clipped(h);
    let room = h.width() - 2.0 * layout::LANE_PAD;
    labels.fitted(
        h.left_top() + vec2(layout::LANE_PAD, 8.0),
        Align2::LEFT_TOP,
        &title,
        18.0 * scale,
        room,
        name_color,
    );
    for (i, line) in counts.lines().enumerate() {
        labels.fitted(
            h.left_top() + vec2(layout::LANE_PAD, 30.0 + 12.0 * i as f32),
            Align2::LEFT_TOP,
            line,
            11.0 * scale,
            room,
            visuals.text_color(),
        );
    }
}

/// The height of a node's name on its card at `scale`: at least 12 px where the card's header
/// has room for it (from 86% zoom), so the first picture of a small cluster names its nodes.
pub fn node_name_px(scale: f32) -> f32 {
    (11.0 * scale).max(12.0).min(14.0 * scale)
}

/// A zone zoomed out: a tile whose fill is its share of the leaders (heat), whose border is
/// the worst finding about its nodes, with its name and counts stacked at sizes people read.
#[allow(clippy::too_many_arguments)]
fn zone_tile(
    labels: &Labels,
    painter: &Painter,
    input: &CanvasInput<'_>,
    zone: ZoneId,
    scale: f32,
    visuals: &egui::Visuals,
    title: &str,
    name_color: Color32,
    down: usize,
) {
    let t = &input.session.topology;
    let b = &input.layout.zones[zone.index()];
    let info = &t.zones[zone.index()];
    let overview = input.overlay.overview(input.session);
    let summary = overview.zone(zone);
    let most = overview.zones.iter().map(|z| z.leaders).max().unwrap_or(0);
    let heat = if most == 0 {
        0.0
    } else {
        summary.leaders as f32 / most as f32
    };
    painter.rect_filled(
        b.rect,
        8.0,
        palette::LEADER.gamma_multiply(0.08 + 0.22 * heat),
    );
    let mut critical = 0;
    let mut warning = 0;
    if input.overlay.today {
        for n in &info.nodes {
            match input.session.risk.nodes[n.index()] {
                Some(Severity::Critical) => critical += 1,
                Some(Severity::Warning) => warning += 1,
                _ => {}
            }
        }
    }
    let border = if critical > 0 {
        Some(palette::CRITICAL)
    } else if warning > 0 {
        Some(palette::WARNING)
    } else {
        None
    };
    if let Some(c) = border {
        painter.rect_stroke(b.rect, 8.0, Stroke::new(3.0 / scale, c), StrokeKind::Inside);
    }
    let width_px = b.rect.width() * scale;
    let px = (width_px / 9.0).clamp(11.0, 26.0);
    let labels = labels.clipped(b.rect);
    let room = b.rect.width() * 0.9;
    let mut y = b.rect.top() + 1.2 * px / scale;
    let mut line = |text: &str, px: f32, color: Color32| {
        labels.fitted(
            pos2(b.rect.center().x, y),
            Align2::CENTER_TOP,
            text,
            px,
            room,
            color,
        );
        y += 1.35 * px / scale;
    };
    line(title, px, name_color);
    let small = (px * 0.62).max(11.0);
    let text = visuals.text_color();
    line(
        &format!("{}/{} nodes ready", summary.ready_nodes, summary.nodes),
        small,
        if down > 0 { palette::CRITICAL } else { text },
    );
    line(&format!("{} pods", summary.pods), small, text);
    line(
        &format!("{} leaders", summary.leaders),
        small,
        palette::LEADER,
    );
    line(
        &format!("{} quorum replicas", summary.quorum_replicas),
        small,
        text,
    );
    if critical > 0 {
        line(
            &format!("{critical} nodes with a critical finding"),
            small,
            palette::CRITICAL,
        );
    }
    if warning > 0 {
        line(
            &format!("{warning} nodes with a warning"),
            small,
            palette::WARNING,
        );
    }
    if down > 0 && down == info.nodes.len() {
        line("DOWN", px * 1.5, palette::CRITICAL);
    }
}

#[allow(clippy::too_many_arguments)]
fn node_card(
    painter: &Painter,
    labels: &Labels,
    mesh: &mut egui::Mesh,
    input: &CanvasInput<'_>,
    node: NodeId,
    card: Rect,
    scale: f32,
    visuals: &egui::Visuals,
) {
    let t = &input.session.topology;
    let info = &t.nodes[node.index()];
    let fate = input.overlay.node(node);
    let down = fate == NodeFate::Down || !info.node.is_ready();
    let cordoned = fate == NodeFate::Cordoned || info.node.unschedulable;
    let opacity = if down || cordoned {
        palette::GREYED_OPACITY
    } else {
        1.0
    };
    let fill = visuals
        .extreme_bg_color
        .gamma_multiply(if down { 0.5 } else { 1.0 });
    painter.rect_filled(card, CornerRadius::same(4), fill);
    // At rest, the worst finding about the node, its pods or a critical group on it.
    let risk = input
        .overlay
        .today
        .then(|| input.session.risk.nodes[node.index()])
        .flatten();
    let border = if down {
        Stroke::new(1.5, palette::CRITICAL.gamma_multiply(0.7))
    } else if cordoned {
        Stroke::new(1.5, palette::WARNING.gamma_multiply(0.8))
    } else {
        match risk {
            Some(s @ (Severity::Critical | Severity::Warning)) => {
                Stroke::new(2.0 / scale.max(0.5), palette::severity(s))
            }
            _ => visuals.widgets.noninteractive.bg_stroke,
        }
    };
    painter.rect_stroke(card, CornerRadius::same(4), border, StrokeKind::Inside);
    if scale < CARDS_BELOW {
        // A bar of the node's groups, widest first.
        let bar = Rect::from_min_size(
            card.min + vec2(layout::CARD_PAD, layout::CARD_PAD),
            vec2(
                card.width() - 2.0 * layout::CARD_PAD,
                (card.height() - 2.0 * layout::CARD_PAD).min(24.0),
            ),
        );
        let total: u32 = input.layout.bars[node.index()].iter().map(|(_, k)| k).sum();
        let mut x = bar.min.x;
        for (g, k) in input.layout.bars[node.index()].iter().take(4) {
            let w = bar.width() * *k as f32 / total.max(1) as f32;
            let color = g
                .map_or(palette::UNGROUPED, palette::group)
                .gamma_multiply(opacity);
            painter.rect_filled(
                Rect::from_min_size(pos2(x, bar.min.y), vec2(w, bar.height())),
                0.0,
                color,
            );
            x += w;
        }
        if x < bar.max.x && total > 0 {
            painter.rect_filled(
                Rect::from_min_max(pos2(x, bar.min.y), bar.max),
                0.0,
                palette::UNGROUPED.gamma_multiply(opacity),
            );
        }
        return;
    }
    let mut name_color = visuals.strong_text_color();
    if down || cordoned {
        name_color = name_color.gamma_multiply(0.6);
    }
    let mut label = info.name().to_string();
    if down {
        label.push_str(" ✖");
    } else if cordoned {
        // A word: the fonts the app ships have no ⊘.
        label.push_str(" · cordoned");
    }
    labels.clipped(card.shrink(2.0)).fitted(
        card.left_top() + vec2(layout::CARD_PAD, 4.0),
        Align2::LEFT_TOP,
        &label,
        node_name_px(scale),
        card.width() - 2.0 * layout::CARD_PAD - 12.0,
        name_color,
    );
    if !input.session.leases_of_node(node).is_empty() {
        crown(
            painter,
            mesh,
            card.right_top() + vec2(-10.0, 10.0),
            Crown::Held,
        );
    }
    for p in &info.pods {
        if let Some(at) = input.layout.chips[p.index()] {
            chip(painter, mesh, input, *p, at, false);
        }
    }
    // Pods recreated here: in the card's free slots after its own, outlined; the rest counted.
    if let Some(arrived) = input.overlay.arrivals.get(&node) {
        let start = info.pods.len();
        let slots = layout::card_rows(start) * layout::CHIPS_PER_ROW - start;
        for (i, p) in arrived.iter().take(slots).enumerate() {
            chip(
                painter,
                mesh,
                input,
                *p,
                layout::chip_at(card, start + i),
                true,
            );
        }
        let badge = if arrived.len() > slots {
            format!("+{} (+{} more)", arrived.len(), arrived.len() - slots)
        } else {
            format!("+{}", arrived.len())
        };
        labels.text(
            card.right_top() + vec2(-layout::CARD_PAD, 4.0),
            Align2::RIGHT_TOP,
            badge,
            (10.0 * labels.scale()).max(11.0),
            palette::GOOD,
        );
    }
}

fn chip(
    painter: &Painter,
    mesh: &mut egui::Mesh,
    input: &CanvasInput<'_>,
    pod: PodId,
    at: Pos2,
    arrived: bool,
) {
    let t = &input.session.topology;
    let info = &t.pods[pod.index()];
    let group = info.workload.and_then(|w| t.group_of_workload(w));
    let rect = Rect::from_min_size(at, Vec2::splat(CHIP));
    let base = group.map_or(palette::UNGROUPED, palette::group);
    let fate = if arrived {
        PodFate::Running
    } else {
        input.overlay.pod(pod)
    };
    let lost_quorum = group.is_some_and(|g| {
        input
            .overlay
            .lost_quorum
            .get(g.index())
            .copied()
            .unwrap_or(false)
    });
    match fate {
        PodFate::Running if info.pod.is_active() => {
            mesh.add_colored_rect(rect, base);
        }
        PodFate::Moved(_) => {
            // Gone from here: a ghost.
            painter.rect_stroke(
                rect.shrink(0.5),
                2.0,
                Stroke::new(1.0, base.gamma_multiply(0.6)),
                StrokeKind::Inside,
            );
        }
        PodFate::Stopped => {
            painter.rect_filled(rect, 2.0, base.gamma_multiply(0.25));
            painter.line_segment(
                [rect.left_top(), rect.right_bottom()],
                Stroke::new(1.0, palette::CRITICAL),
            );
        }
        PodFate::Pending | PodFate::Unscheduled | PodFate::Running => {
            painter.rect_stroke(
                rect.shrink(0.5),
                2.0,
                Stroke::new(1.0, base),
                StrokeKind::Inside,
            );
        }
    }
    if arrived {
        painter.rect_stroke(
            rect.expand(1.0),
            2.0,
            Stroke::new(1.2, Color32::WHITE),
            StrokeKind::Outside,
        );
    }
    // At rest, a pod with a critical or warning finding (its own or its group's) is ringed.
    let risk = input
        .overlay
        .today
        .then(|| input.session.risk.pods[pod.index()])
        .flatten();
    if !lost_quorum && let Some(s @ (Severity::Critical | Severity::Warning)) = risk {
        painter.rect_stroke(
            rect.expand(1.0),
            2.0,
            Stroke::new(1.0, palette::severity(s)),
            StrokeKind::Outside,
        );
    }
    if lost_quorum {
        painter.rect_stroke(
            rect.expand(1.5),
            2.0,
            Stroke::new(1.5, palette::CRITICAL),
            StrokeKind::Outside,
        );
    }
    if input.session.pods[pod.index()]
        .volume_out_of_reach
        .is_some()
    {
        painter.circle_filled(rect.right_bottom(), 2.5, palette::CRITICAL);
    }
    if let Some(c) = input.overlay.crowns.get(&pod) {
        crown(painter, mesh, rect.center_top() + vec2(0.0, -1.0), *c);
    }
}

/// A small crown: three points on a band.
pub(crate) fn crown(painter: &Painter, mesh: &mut egui::Mesh, at: Pos2, state: Crown) {
    let (fill, stroke) = match state {
        Crown::Held => (Some(palette::LEADER), palette::LEADER),
        Crown::Moved => (Some(palette::GOOD), palette::GOOD),
        Crown::Expiring => (Some(palette::WARNING), palette::WARNING),
        Crown::Lost => (None, Color32::GRAY),
    };
    let w = 4.5;
    let points = vec![
        at + vec2(-w, 2.0),
        at + vec2(-w, -3.5),
        at + vec2(-w / 2.0, -0.5),
        at + vec2(0.0, -4.5),
        at + vec2(w / 2.0, -0.5),
        at + vec2(w, -3.5),
        at + vec2(w, 2.0),
    ];
    match fill {
        Some(color) => {
            // A fan from the middle of the band reaches every point of the crown.
            let base = mesh.vertices.len() as u32;
            mesh.colored_vertex(at + vec2(0.0, 1.0), color);
            for p in &points {
                mesh.colored_vertex(*p, color);
            }
            for i in 1..points.len() as u32 {
                mesh.add_triangle(base, base + i, base + i + 1);
            }
        }
        None => {
            painter.add(Shape::closed_line(points, Stroke::new(1.0, stroke)));
        }
    }
}

fn volume(mesh: &mut egui::Mesh, mark: &VolumeMark, visuals: &egui::Visuals) {
    let color = if mark.broken {
        palette::CRITICAL
    } else {
        visuals.text_color().gamma_multiply(0.7)
    };
    // A disk: a body and a lighter lid.
    mesh.add_colored_rect(mark.rect, color.gamma_multiply(0.45));
    let lid = Rect::from_min_max(mark.rect.min, pos2(mark.rect.max.x, mark.rect.min.y + 2.5));
    mesh.add_colored_rect(lid, color);
}

fn volume_lines(
    painter: &Painter,
    layout: &Layout,
    mark: &VolumeMark,
    visible: Rect,
    color: Color32,
    width: f32,
) {
    let from = mark.rect.center();
    for p in &mark.pods {
        let Some(at) = layout.chips[p.index()] else {
            continue;
        };
        let to = at + Vec2::splat(CHIP / 2.0);
        if !Rect::from_two_pos(from, to).intersects(visible) {
            continue;
        }
        painter.line_segment([from, to], Stroke::new(width, color));
    }
}

fn hover_ui(ui: &mut egui::Ui, input: &CanvasInput<'_>, subject: Subject) {
    describe(ui, input.session, input.layout, input.overlay, subject);
}

/// A few lines about a subject: used for hovers and by the inspector.
pub fn describe(
    ui: &mut egui::Ui,
    session: &Workbench,
    layout: &Layout,
    overlay: &Overlay,
    subject: Subject,
) {
    let t = &session.topology;
    match subject {
        Subject::Group(g) => {
            let Some(stats) = session.analysis.groups.iter().find(|s| s.id == g) else {
                return;
            };
            ui.strong(format!(
                "{} {} ({})",
                stats.kind,
                stats.name,
                mode_name(t, g)
            ));
            let up = format!(
                "{} of {} replicas up, {} needed",
                stats.available, stats.replicas, stats.needed
            );
            if stats.has_quorum() {
                ui.label(up);
            } else {
                ui.colored_label(palette::CRITICAL, up);
            }
            let per_zone: Vec<String> = stats
                .per_zone
                .iter()
                .map(|(z, n)| format!("{z}: {n}"))
                .collect();
            ui.label(format!("per zone: {}", per_zone.join(", ")));
            if let Some(s) = session.risk.groups[g.index()] {
                ui.colored_label(
                    palette::severity(s),
                    format!("worst finding: {}", s.as_str()),
                );
            }
        }
        Subject::Cluster(c) => {
            let info = &t.clusters[c.index()];
            ui.strong(format!("cluster {}", info.name));
            ui.label(format!("{} zones", info.zones.len()));
        }
        Subject::Zone(z) => {
            let info = &t.zones[z.index()];
            ui.strong(format!("zone {}", t.zone_display(z)));
            if !info.region.is_empty() {
                ui.label(format!("region {}", info.region));
            }
            let summary = overlay.overview(session).zone(z);
            ui.label(format!(
                "{} nodes, {} pods, {} leaders",
                info.nodes.len(),
                summary.pods,
                summary.leaders
            ));
        }
        Subject::Node(n) => {
            let info = &t.nodes[n.index()];
            ui.strong(format!("node {}", t.node_display(n)));
            ui.label(format!("zone {}", t.zone_display(info.zone)));
            ui.label(format!(
                "{} pods{}{}",
                info.pods.len(),
                if info.node.is_ready() {
                    ""
                } else {
                    ", NotReady"
                },
                if info.node.unschedulable {
                    ", cordoned"
                } else {
                    ""
                }
            ));
            match overlay.node(n) {
                NodeFate::Down => {
                    ui.colored_label(palette::CRITICAL, "down in this scenario");
                }
                NodeFate::Cordoned if !info.node.unschedulable => {
                    ui.colored_label(palette::WARNING, "drained in this scenario");
                }
                _ => {}
            }
        }
        Subject::Pod(p) => {
            let info = &t.pods[p.index()];
            ui.strong(format!("pod {}", t.pod_display(p)));
            ui.label(format!(
                "{:?}{}{}",
                info.pod.phase,
                if info.pod.ready {
                    ", ready"
                } else {
                    ", not ready"
                },
                info.node
                    .map_or(String::new(), |n| format!(", on {}", t.node_display(n)))
            ));
            match info.workload.and_then(|w| t.group_of_workload(w)) {
                Some(g) => {
                    ui.label(format!(
                        "group {} ({})",
                        t.group_display(g),
                        mode_name(t, g)
                    ));
                }
                None => {
                    ui.weak("in no group");
                }
            }
            let held = session.leases_of_pod(p);
            if !held.is_empty() {
                let names: Vec<&str> = held
                    .iter()
                    .map(|i| session.analysis.leaders.records[*i].lease.as_ref())
                    .collect();
                ui.colored_label(palette::LEADER, format!("holds {}", names.join(", ")));
            }
            match overlay.pod(p) {
                PodFate::Stopped => {
                    ui.colored_label(palette::CRITICAL, "stopped in this scenario");
                }
                PodFate::Moved(n) => {
                    ui.colored_label(palette::GOOD, format!("recreated on {}", t.node_display(n)));
                }
                PodFate::Pending => {
                    ui.colored_label(palette::WARNING, "pending: no node fits it");
                }
                _ => {}
            }
            if session.pods[p.index()].volume_out_of_reach.is_some() {
                ui.colored_label(
                    palette::CRITICAL,
                    "runs where one of its volumes cannot be reached",
                );
            }
        }
        Subject::Volume(v) => {
            let mark = &layout.volumes[v];
            let pv = &t.pvs[mark.pv.index()];
            ui.strong(format!("volume {}", pv.pv.meta.name));
            ui.label(format!("pinned to {}", pv.pin.describe()));
            let pods: Vec<String> = mark.pods.iter().map(|p| t.pod_display(*p)).collect();
            ui.label(if pods.is_empty() {
                "used by no pod".to_string()
            } else {
                format!("used by {}", pods.join(", "))
            });
            if mark.broken {
                ui.colored_label(
                    palette::CRITICAL,
                    "a pod using it runs where it cannot be reached",
                );
            }
        }
    }
}

fn mode_name(t: &Topology, g: GroupId) -> &'static str {
    match t.groups[g.index()].mode {
        Mode::Quorum => "quorum",
        Mode::Leader => "leader",
    }
}
