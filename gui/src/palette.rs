//! Colours with a meaning: severities, groups, the state of nodes.

use eframe::egui::Color32;
use eframe::egui::ecolor::Hsva;
use quorum_core::check::Severity;
use quorum_core::graph::GroupId;

pub const CRITICAL: Color32 = Color32::from_rgb(0xE5, 0x48, 0x4D);
pub const WARNING: Color32 = Color32::from_rgb(0xF2, 0xA5, 0x1A);
pub const INFO: Color32 = Color32::from_rgb(0x4C, 0x9A, 0xFF);
pub const GOOD: Color32 = Color32::from_rgb(0x3F, 0xB9, 0x50);
pub const LEADER: Color32 = Color32::from_rgb(0xF5, 0xC5, 0x18);
/// Pods that belong to no group.
pub const UNGROUPED: Color32 = Color32::from_gray(0x70);
/// How much a cordoned or NotReady node fades.
pub const GREYED_OPACITY: f32 = 0.4;

pub fn severity(severity: Severity) -> Color32 {
    match severity {
        Severity::Critical => CRITICAL,
        Severity::Warning => WARNING,
        Severity::Info => INFO,
    }
}

/// A colour per group, hues spread by the golden ratio so neighbours differ.
pub fn group(group: GroupId) -> Color32 {
    let hue = (group.0 as f32 * 0.618_034 + 0.08).fract();
    let value = if group.0.is_multiple_of(2) {
        0.95
    } else {
        0.78
    };
    Hsva::new(hue, 0.62, value, 1.0).into()
}

/// ✔, ✖ or – for "survives the loss of one": yes, no, does not apply.
pub fn survives_mark(survives: Option<bool>) -> (&'static str, Color32) {
    match survives {
        Some(true) => ("✔", GOOD),
        Some(false) => ("✖", CRITICAL),
        None => ("–", Color32::GRAY),
    }
}

/// The colour of a partition side.
pub fn side(side: usize) -> Color32 {
    const SIDES: [Color32; 4] = [
        Color32::from_rgb(0x4C, 0x9A, 0xFF),
        Color32::from_rgb(0xC0, 0x6C, 0xFF),
        Color32::from_rgb(0x2E, 0xC4, 0xB6),
        Color32::from_rgb(0xFF, 0x8C, 0x42),
    ];
    SIDES[side % SIDES.len()]
}

/// A, B, C... for partition sides.
pub fn side_name(side: usize) -> char {
    (b'A' + (side % 26) as u8) as char
}
