//! One struct per panel. Each owns only its UI state, draws from the read-only [`Session`] and
//! returns commands instead of changing anything.

pub mod findings;
mod groups;
mod inspector;
mod leaders;
mod summary;
mod sweep;

pub use findings::FindingsPanel;
pub use groups::GroupsPanel;
pub use inspector::Inspector;
pub use leaders::LeadersPanel;
pub use summary::SummaryBar;
pub use sweep::SweepPanel;

use eframe::egui::{self, Sense, Stroke, StrokeKind, vec2};
use quorum_core::graph::GroupId;

use crate::palette;

#[derive(Default)]
pub struct Panels {
    pub summary: SummaryBar,
    pub findings: FindingsPanel,
    pub groups: GroupsPanel,
    pub leaders: LeadersPanel,
    pub sweep: SweepPanel,
    pub inspector: Inspector,
}

/// A small square in the group's colour; an empty one for pods of no group.
fn group_swatch(ui: &mut egui::Ui, group: Option<GroupId>) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(vec2(10.0, 10.0), Sense::hover());
    match group {
        Some(g) => ui.painter().rect_filled(rect, 2.0, palette::group(g)),
        None => ui.painter().rect_stroke(
            rect.shrink(1.0),
            2.0,
            Stroke::new(1.0, palette::UNGROUPED),
            StrokeKind::Inside,
        ),
    };
    response
}
