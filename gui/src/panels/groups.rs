//! The groups table: replicas up of wanted, what each survives, and (with a what-if) whether it
//! keeps its quorum after the scenario.

use eframe::egui::{self, Grid, RichText, ScrollArea};
use quorum_core::analysis::GroupStats;
use quorum_core::graph::Mode;
use quorum_core::simulate::fates::Fates;

use crate::commands::{Subject, UiCommand};
use crate::palette;
use crate::session::Session;

#[derive(Default)]
pub struct GroupsPanel;

impl GroupsPanel {
    /// `after`: the what-if's fates at the moment shown, if there is one.
    /// A click on a group's name selects it: its replicas are ringed and framed on the canvas.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        session: &Session,
        after: Option<&Fates>,
        selected: Option<Subject>,
    ) -> Vec<UiCommand> {
        let mut commands = Vec::new();
        let groups = &session.analysis.groups;
        ui.heading(format!("Groups ({})", groups.len()));
        if groups.is_empty() {
            ui.label(RichText::new("No stateful workloads or leader records.").weak());
            return commands;
        }
        // Names get what the other columns leave; a long one is cut (whole on hover).
        let name_w = (ui.available_width() - 230.0).max(120.0);
        let multi_cluster = session.topology.multi_cluster();
        ui.label(
            RichText::new("node / zone: survives the loss of any one (✔ yes, ✖ no, – does not apply); after: quorum after the what-if")
                .weak()
                .small(),
        );
        let mut headers = vec!["name", "up/wanted"];
        if after.is_some() {
            headers.push("after");
        }
        headers.extend(["node", "zone"]);
        if multi_cluster {
            headers.push("cluster");
        }
        headers.push("mode");
        // Only the rows in view are laid out: 14,000 groups stay cheap.
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
        ScrollArea::both()
            .id_salt("groups")
            .auto_shrink([false, false])
            .show_rows(ui, row_height, groups.len() + 1, |ui, rows| {
                Grid::new("groups")
                    .striped(true)
                    .spacing([10.0, 4.0])
                    .min_col_width(40.0)
                    .min_row_height(row_height - 4.0)
                    .show(ui, |ui| {
                        for row in rows {
                            if row == 0 {
                                for header in &headers {
                                    ui.label(RichText::new(*header).strong());
                                }
                            } else {
                                let g = &groups[row - 1];
                                let on = selected == Some(Subject::Group(g.id));
                                if group_row(ui, g, multi_cluster, after, name_w, on) {
                                    commands.push(UiCommand::Locate(Subject::Group(g.id)));
                                }
                            }
                            ui.end_row();
                        }
                    });
            });
        commands
    }
}

/// One row; true when its name was clicked.
fn group_row(
    ui: &mut egui::Ui,
    g: &GroupStats,
    multi_cluster: bool,
    after: Option<&Fates>,
    name_w: f32,
    selected: bool,
) -> bool {
    let clicked = ui
        .horizontal(|ui| {
            ui.set_max_width(name_w);
            super::group_swatch(ui, Some(g.id));
            ui.add(
                egui::Button::selectable(selected, &g.name)
                    .truncate()
                    .frame_when_inactive(false),
            )
            .on_hover_ui(|ui| {
                group_details(ui, g);
                ui.label(RichText::new("click: ring its replicas on the canvas").weak());
            })
            .clicked()
        })
        .inner;
    let up = RichText::new(format!("{}/{}", g.available, g.replicas));
    ui.label(if g.has_quorum() {
        up
    } else {
        up.color(palette::CRITICAL).strong()
    })
    .on_hover_text(format!("{} needed", g.needed));
    if let Some(fates) = after {
        let f = fates.groups[g.id.index()];
        let (mark, color) = palette::survives_mark(Some(f.has_quorum));
        ui.label(
            RichText::new(format!("{mark} {}/{}", f.available, g.replicas))
                .color(color)
                .strong(),
        )
        .on_hover_text(format!("{} needed after the scenario", f.needed));
    }
    let mut marks = vec![g.survives.node, g.survives.zone];
    if multi_cluster {
        marks.push(g.survives.cluster);
    }
    for survives in marks {
        let (mark, color) = palette::survives_mark(survives);
        ui.label(RichText::new(mark).color(color).strong());
    }
    ui.label(match g.mode {
        Mode::Quorum => "quorum",
        Mode::Leader => "leader",
    });
    clicked
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
