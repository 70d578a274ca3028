//! The left panel: findings grouped by severity, worst first.

use eframe::egui::{self, CollapsingHeader, RichText, ScrollArea};
use quorum_core::check::{Finding, Severity};
use quorum_core::model::qualified;

use crate::palette;
use crate::session::Session;

#[derive(Default)]
pub struct FindingsPanel;

impl FindingsPanel {
    pub fn ui(&mut self, ui: &mut egui::Ui, session: &Session) {
        let findings = &session.analysis.findings;
        ui.heading(format!("Findings ({})", findings.len()));
        ui.separator();
        if findings.is_empty() {
            ui.label(RichText::new("No findings.").color(palette::GOOD));
            return;
        }
        let multi_cluster = session.topology.multi_cluster();
        ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                for severity in [Severity::Critical, Severity::Warning, Severity::Info] {
                    let of_severity: Vec<&Finding> =
                        findings.iter().filter(|f| f.severity == severity).collect();
                    if of_severity.is_empty() {
                        continue;
                    }
                    let color = palette::severity(severity);
                    let title = RichText::new(format!(
                        "{} ({})",
                        severity.as_str().to_uppercase(),
                        of_severity.len()
                    ))
                    .color(color)
                    .strong();
                    CollapsingHeader::new(title)
                        .id_salt(severity.as_str())
                        .default_open(true)
                        .show(ui, |ui| {
                            for finding in of_severity {
                                finding_ui(ui, finding, multi_cluster);
                            }
                        });
                }
            });
    }
}

fn finding_ui(ui: &mut egui::Ui, f: &Finding, multi_cluster: bool) {
    let color = palette::severity(f.severity);
    let subject = qualified(&f.subject.namespace, &f.subject.name);
    let subject = if multi_cluster {
        format!("{}/{subject}", f.subject.cluster)
    } else {
        subject
    };
    egui::Frame::new()
        .stroke(egui::Stroke::new(1.0, color.gamma_multiply(0.5)))
        .corner_radius(4)
        .inner_margin(6)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(f.check).color(color).strong());
                ui.label(RichText::new(&f.subject.kind).weak());
                ui.label(RichText::new(subject).strong());
            });
            ui.label(&f.message);
            if let Some(source) = &f.source {
                ui.label(
                    RichText::new(format!("{}:{}", source.file, source.line))
                        .weak()
                        .small(),
                );
            }
        });
    ui.add_space(4.0);
}
