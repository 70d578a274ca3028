//! The inspector: what is selected, and the what-if actions on it.

use eframe::egui::{self, RichText};
use quorum_core::simulate::{Event, Target};

use crate::canvas::{self, Layout, Overlay};
use crate::commands::{Subject, UiCommand};
use crate::session::Session;

#[derive(Default)]
pub struct Inspector;

impl Inspector {
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        session: &Session,
        layout: &Layout,
        overlay: &Overlay,
        selection: Option<Subject>,
    ) -> Vec<UiCommand> {
        let mut commands = Vec::new();
        ui.heading("Inspector");
        let Some(subject) = selection else {
            ui.label(RichText::new("Click a zone, node, pod or volume on the canvas.").weak());
            return commands;
        };
        canvas::describe(ui, session, layout, overlay, subject);
        let t = &session.topology;
        let (kind, target) = match subject {
            Subject::Cluster(c) => (
                "cluster",
                Some(Target::Cluster(t.clusters[c.index()].name.clone())),
            ),
            Subject::Zone(z) => ("zone", Some(Target::Zone(t.zone_display(z)))),
            Subject::Node(n) => ("node", Some(Target::Node(t.node_display(n)))),
            Subject::Pod(p) => (
                "node",
                t.pods[p.index()]
                    .node
                    .map(|n| Target::Node(t.node_display(n))),
            ),
            Subject::Volume(_) | Subject::Group(_) => ("", None),
        };
        if let Some(target) = target {
            let name = match &target {
                Target::Node(n) | Target::Zone(n) | Target::Region(n) | Target::Cluster(n) => {
                    n.clone()
                }
            };
            ui.horizontal_wrapped(|ui| {
                if ui.button(format!("Fail {kind} {name}")).clicked() {
                    commands.push(UiCommand::AddEvent(Event::Fail(target.clone())));
                }
                if kind != "cluster" && ui.button(format!("Drain {kind} {name}")).clicked() {
                    commands.push(UiCommand::AddEvent(Event::Drain(target.clone())));
                }
            });
        }
        if ui.small_button("Show on canvas").clicked() {
            commands.push(UiCommand::Locate(subject));
        }
        commands
    }
}
