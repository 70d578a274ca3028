//! The right panel: the groups table (replicas up of wanted, and what each survives).

use eframe::egui::{self, Grid, RichText, ScrollArea};
use quorum_core::analysis::GroupStats;
use quorum_core::graph::Mode;

use crate::palette;
use crate::session::Session;

#[derive(Default)]
pub struct GroupsPanel;

impl GroupsPanel {
    pub fn ui(&mut self, ui: &mut egui::Ui, session: &Session) {
        let groups = &session.analysis.groups;
        ui.heading(format!("Groups ({})", groups.len()));
        ui.separator();
        if groups.is_empty() {
            ui.label(RichText::new("No stateful workloads or leader records.").weak());
            return;
        }
        let multi_cluster = session.topology.multi_cluster();
        ScrollArea::both()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                Grid::new("groups")
                    .striped(true)
                    .spacing([10.0, 4.0])
                    .show(ui, |ui| {
                        for header in ["name", "mode", "up/wanted", "node", "zone"] {
                            ui.label(RichText::new(header).strong());
                        }
                        if multi_cluster {
                            ui.label(RichText::new("cluster").strong());
                        }
                        ui.end_row();
                        for g in groups {
                            group_row(ui, g, multi_cluster);
                            ui.end_row();
                        }
                    });
                ui.add_space(6.0);
                let domains = if multi_cluster {
                    "node / zone / cluster"
                } else {
                    "node / zone"
                };
                ui.label(
                    RichText::new(format!(
                        "{domains}: survives the loss of any one (✔ yes, ✖ no, – does not apply)"
                    ))
                    .weak()
                    .small(),
                );
            });
    }
}

fn group_row(ui: &mut egui::Ui, g: &GroupStats, multi_cluster: bool) {
    ui.horizontal(|ui| {
        super::group_swatch(ui, Some(g.id));
        ui.label(&g.name).on_hover_ui(|ui| group_details(ui, g));
    });
    ui.label(match g.mode {
        Mode::Quorum => "quorum",
        Mode::Leader => "leader",
    });
    let up = RichText::new(format!("{}/{}", g.available, g.replicas));
    ui.label(if g.has_quorum() {
        up
    } else {
        up.color(palette::CRITICAL).strong()
    })
    .on_hover_text(format!("{} needed", g.needed));
    let mut marks = vec![g.survives.node, g.survives.zone];
    if multi_cluster {
        marks.push(g.survives.cluster);
    }
    for survives in marks {
        let (mark, color) = palette::survives_mark(survives);
        ui.label(RichText::new(mark).color(color).strong());
    }
}

fn group_details(ui: &mut egui::Ui, g: &GroupStats) {
    ui.label(RichText::new(format!("{} {}", g.kind, g.name)).strong());
    ui.label(format!(
        "{} of {} replicas up, {} needed",
        g.available, g.replicas, g.needed
    ));
    let per_zone: Vec<String> = g
        .per_zone
        .iter()
        .map(|(z, n)| format!("{z}: {n}"))
        .collect();
    if !per_zone.is_empty() {
        ui.label(format!("per zone: {}", per_zone.join(", ")));
    }
    if !g.leases.is_empty() {
        ui.label(format!("leases: {}", g.leases.join(", ")));
    }
    ui.label(if g.pdbs.is_empty() {
        "no PodDisruptionBudget".to_string()
    } else {
        format!("PDBs: {}", g.pdbs.join(", "))
    });
}
