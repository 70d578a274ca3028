//! The eframe app: the session data (read-only once loaded) and the panels' UI state.

use eframe::egui;

use crate::panels::Panels;
use crate::session::Session;

pub struct QuorumApp {
    session: Session,
    panels: Panels,
}

impl QuorumApp {
    pub fn new(_cc: &eframe::CreationContext<'_>, session: Session) -> Self {
        Self {
            session,
            panels: Panels::default(),
        }
    }
}

impl eframe::App for QuorumApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let Self { session, panels } = self;
        // Group names carry their cluster when there are several, and the table a cluster column.
        let groups_width = if session.topology.multi_cluster() {
            540.0
        } else {
            460.0
        };
        // Side panels before the central one: it takes what is left.
        egui::Panel::top("summary").show(ui, |ui| panels.summary.ui(ui, session));
        egui::Panel::left("findings")
            .resizable(true)
            .default_size(330.0)
            .size_range(220.0..=700.0)
            .show(ui, |ui| panels.findings.ui(ui, session));
        egui::Panel::right("groups")
            .resizable(true)
            .default_size(groups_width)
            .size_range(220.0..=700.0)
            .show(ui, |ui| panels.groups.ui(ui, session));
        egui::CentralPanel::default().show(ui, |ui| panels.zones.ui(ui, session));
    }
}
