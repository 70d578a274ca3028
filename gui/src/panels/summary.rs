//! The top bar: what is open, the clusters, the counts, and the inputs that could not be read.

use eframe::egui::{self, RichText};
use quorum_core::check::Severity;

use crate::palette;
use crate::session::Session;

#[derive(Default)]
pub struct SummaryBar;

impl SummaryBar {
    pub fn ui(&mut self, ui: &mut egui::Ui, session: &Session) {
        let t = &session.topology;
        let a = &session.analysis;
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new("Quorum").heading().strong());
            ui.separator();
            ui.label(RichText::new(&session.title).strong());
            if let Some(description) = session.description {
                ui.label(RichText::new(description).weak());
            }
        });
        ui.horizontal_wrapped(|ui| {
            let clusters: Vec<&str> = t.clusters.iter().map(|c| c.name.as_str()).collect();
            let noun = if clusters.len() == 1 {
                "cluster"
            } else {
                "clusters"
            };
            ui.label(format!("{noun} {}", clusters.join(", ")));
            ui.separator();
            for (n, what) in [
                (session.zone_count(), "zones"),
                (t.nodes.len(), "nodes"),
                (t.pods.len(), "pods"),
                (a.groups.len(), "groups"),
                (a.leaders.total as usize, "leaders"),
            ] {
                ui.label(RichText::new(n.to_string()).strong());
                ui.label(what);
                ui.add_space(6.0);
            }
            ui.separator();
            // Whose rules the what-ifs and plans follow; the hover says where that came from.
            let k = &t.kubernetes;
            let mut why = format!("{}.", k.line());
            for note in &k.notes {
                why.push_str(&format!("\n{note}."));
            }
            let text = if k.known {
                format!("Kubernetes {}", k.release)
            } else {
                format!("Kubernetes {} (nearest known)", k.release)
            };
            ui.label(text).on_hover_text(why);
            ui.separator();
            for severity in [Severity::Critical, Severity::Warning, Severity::Info] {
                let n = a.count(severity);
                let color = if n > 0 {
                    palette::severity(severity)
                } else {
                    ui.visuals().weak_text_color()
                };
                let (dot, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
                ui.painter().circle_filled(dot.center(), 4.5, color);
                ui.label(RichText::new(format!("{n} {severity}")).color(color));
                ui.add_space(4.0);
            }
        });
        ui.add_space(2.0);
    }
}
