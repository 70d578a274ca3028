//! Findings grouped by severity, worst first, with a filter; a click locates the subject.

use eframe::egui::{self, CollapsingHeader, RichText, ScrollArea};
use quorum_core::check::{Finding, Severity};
use quorum_core::graph::{Holder, Topology};
use quorum_core::model::qualified;
use quorum_core::simulate::events::{resolve_node, resolve_pod};

use crate::canvas::Layout;
use crate::commands::{Subject, UiCommand};
use crate::palette;
use crate::session::Session;

/// Findings drawn per severity; the filter narrows the rest.
const SHOWN: usize = 100;

#[derive(Default)]
pub struct FindingsPanel {
    filter: String,
}

impl FindingsPanel {
    pub fn ui(&mut self, ui: &mut egui::Ui, session: &Session, layout: &Layout) -> Vec<UiCommand> {
        let mut commands = Vec::new();
        let findings = &session.analysis.findings;
        ui.heading(format!("Findings ({})", findings.len()));
        ui.add(
            egui::TextEdit::singleline(&mut self.filter)
                .hint_text("filter: check, subject or words")
                .desired_width(f32::INFINITY),
        );
        if findings.is_empty() {
            ui.label(RichText::new("No findings.").color(palette::GOOD));
            return commands;
        }
        let words: Vec<String> = self
            .filter
            .to_lowercase()
            .split_whitespace()
            .map(str::to_string)
            .collect();
        let multi_cluster = session.topology.multi_cluster();
        ScrollArea::vertical()
            .id_salt("findings")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                for severity in [Severity::Critical, Severity::Warning, Severity::Info] {
                    let of_severity: Vec<(usize, &Finding)> = findings
                        .iter()
                        .enumerate()
                        .filter(|(_, f)| f.severity == severity && matches(f, &words))
                        .map(|(i, f)| (i, &**f))
                        .collect();
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
                        .default_open(severity != Severity::Info)
                        .show(ui, |ui| {
                            for (i, finding) in of_severity.iter().take(SHOWN) {
                                if finding_ui(ui, finding, multi_cluster) {
                                    match subject_of(session, layout, *i, finding) {
                                        Some(s) => commands.push(UiCommand::Locate(s)),
                                        None => commands.push(UiCommand::Select(None)),
                                    }
                                }
                            }
                            if of_severity.len() > SHOWN {
                                ui.label(
                                    RichText::new(format!(
                                        "… {} more: type in the filter to narrow (all of them are in the report)",
                                        of_severity.len() - SHOWN
                                    ))
                                    .weak(),
                                );
                            }
                        });
                }
            });
        commands
    }
}

fn matches(f: &Finding, words: &[String]) -> bool {
    if words.is_empty() {
        return true;
    }
    let text = format!(
        "{} {} {} {} {} {}",
        f.check, f.subject.cluster, f.subject.kind, f.subject.namespace, f.subject.name, f.message
    )
    .to_lowercase();
    words.iter().all(|w| text.contains(w.as_str()))
}

/// Where a finding's subject is drawn: the pod, node or volume itself, or a pod of the workload.
/// What the `i`th finding is about, as core's risk says: a group's finding frames all its
/// replicas; a pod's or a node's, that one. Volumes and others are found by name.
fn subject_of(session: &Session, layout: &Layout, i: usize, f: &Finding) -> Option<Subject> {
    let about = session.risk.about.get(i);
    let pod = about.and_then(|a| a.pod.map(Subject::Pod));
    let node = about.and_then(|a| a.node.map(Subject::Node));
    let group = about.and_then(|a| a.group.map(Subject::Group));
    match f.subject.kind.as_str() {
        "Pod" => pod.or(group),
        "Node" => node,
        _ => group.or(pod).or(node),
    }
    .or_else(|| locate(&session.topology, layout, f))
}

pub fn locate(t: &Topology, layout: &Layout, f: &Finding) -> Option<Subject> {
    let s = &f.subject;
    let scoped = |name: &str| {
        if t.multi_cluster() {
            format!("{}/{name}", s.cluster)
        } else {
            name.to_string()
        }
    };
    let cluster = t.cluster_named(&s.cluster);
    let same = |c: quorum_core::graph::ClusterId, ns: &str, name: &str| {
        Some(c) == cluster && ns == s.namespace && name == s.name
    };
    match s.kind.as_str() {
        "Pod" => resolve_pod(t, &scoped(&qualified(&s.namespace, &s.name)))
            .ok()
            .map(Subject::Pod),
        "Node" => resolve_node(t, &scoped(&s.name)).ok().map(Subject::Node),
        "PersistentVolume" => layout
            .volumes
            .iter()
            .position(|v| {
                let pv = &t.pvs[v.pv.index()];
                Some(pv.cluster) == cluster && pv.pv.meta.name == s.name
            })
            .map(Subject::Volume),
        "PersistentVolumeClaim" => t
            .pvcs
            .iter()
            .find(|c| same(c.cluster, &c.pvc.meta.namespace, &c.pvc.meta.name))
            .and_then(|c| c.pods.first().copied())
            .map(Subject::Pod),
        "Lease" | "ConfigMap" | "Endpoints" => t
            .leaders
            .iter()
            .find(|l| same(l.cluster, &l.record.meta.namespace, &l.record.meta.name))
            .and_then(|l| match l.holder {
                Holder::Pod(p) => Some(Subject::Pod(p)),
                Holder::Node(n) => Some(Subject::Node(n)),
                _ => None,
            }),
        "PodDisruptionBudget" => t
            .pdbs
            .iter()
            .find(|p| same(p.cluster, &p.pdb.meta.namespace, &p.pdb.meta.name))
            .and_then(|p| p.pods.first().copied())
            .map(Subject::Pod),
        _ => t
            .workloads
            .iter()
            .find(|w| same(w.cluster, &w.workload.meta.namespace, &w.workload.meta.name))
            .and_then(|w| {
                w.pods
                    .iter()
                    .copied()
                    .find(|p| t.pods[p.index()].node.is_some())
            })
            .map(Subject::Pod),
    }
}

/// Draws one finding; true when it was clicked.
fn finding_ui(ui: &mut egui::Ui, f: &Finding, multi_cluster: bool) -> bool {
    let color = palette::severity(f.severity);
    let subject = qualified(&f.subject.namespace, &f.subject.name);
    let subject = if multi_cluster {
        format!("{}/{subject}", f.subject.cluster)
    } else {
        subject
    };
    let inner = egui::Frame::new()
        .stroke(egui::Stroke::new(1.0, color.gamma_multiply(0.5)))
        .corner_radius(4)
        .inner_margin(6)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(f.check).color(color).strong());
                ui.label(RichText::new(&f.subject.kind).weak());
                ui.label(RichText::new(&subject).strong());
            });
            ui.label(&f.message);
            if let Some(source) = &f.source {
                ui.label(RichText::new(source.to_string()).weak().small());
            }
        });
    ui.add_space(4.0);
    let response = ui
        .interact(
            inner.response.rect,
            ui.scope_id().with(("finding", f.check, &subject)),
            egui::Sense::click(),
        )
        .on_hover_text("show it on the canvas");
    response.widget_info(|| {
        egui::WidgetInfo::labeled(
            egui::Role::Button,
            true,
            format!("locate {} {}", f.check, subject),
        )
    });
    response.clicked()
}
