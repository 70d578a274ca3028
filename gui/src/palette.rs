//! Colours with a meaning: severities, groups, the state of nodes.

use eframe::egui::Color32;
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

/// Twelve hues far apart from each other and from the colours that mean something (red for
/// critical, amber for warnings, the leaders' gold), readable on the dark and the light canvas.
const GROUPS: [Color32; 12] = [
    Color32::from_rgb(0x5B, 0x8F, 0xF9), // blue
    Color32::from_rgb(0xF6, 0x90, 0x3D), // orange
    Color32::from_rgb(0x2E, 0xC4, 0xB6), // teal
    Color32::from_rgb(0xA0, 0x7C, 0xE6), // violet
    Color32::from_rgb(0x7B, 0xD9, 0x5A), // green
    Color32::from_rgb(0xFF, 0x8F, 0xC7), // pink
    Color32::from_rgb(0x6D, 0xC8, 0xEC), // sky
    Color32::from_rgb(0xB3, 0x8F, 0x6B), // brown
    Color32::from_rgb(0xC9, 0xD8, 0x4E), // lime
    Color32::from_rgb(0xE8, 0xC1, 0xA0), // sand
    Color32::from_rgb(0xD0, 0x6C, 0xD8), // magenta
    Color32::from_rgb(0x8F, 0xA3, 0xBF), // slate
];

/// A colour per group: the twelve distinct hues first, then the same hues darker, then
/// lighter, so the groups a small cluster has never share a colour.
pub fn group(group: GroupId) -> Color32 {
    let i = group.0 as usize;
    let base = GROUPS[i % GROUPS.len()];
    match (i / GROUPS.len()) % 3 {
        0 => base,
        1 => darker(base, 0.6),
        _ => lerp_white(base, 0.45),
    }
}

fn darker(c: Color32, f: f32) -> Color32 {
    let m = |v: u8| (v as f32 * f).round() as u8;
    Color32::from_rgb(m(c.r()), m(c.g()), m(c.b()))
}

fn lerp_white(c: Color32, t: f32) -> Color32 {
    let mix = |v: u8| (v as f32 + (255.0 - v as f32) * t).round() as u8;
    Color32::from_rgb(mix(c.r()), mix(c.g()), mix(c.b()))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn distance(a: Color32, b: Color32) -> i32 {
        let d = |x: u8, y: u8| (x as i32 - y as i32).abs();
        d(a.r(), b.r()) + d(a.g(), b.g()) + d(a.b(), b.b())
    }

    #[test]
    fn groups_have_distinct_colours_unlike_the_severities() {
        let colours: Vec<Color32> = (0..36).map(|g| group(GroupId(g))).collect();
        for (i, a) in colours.iter().enumerate() {
            // The first twelve far apart; the next twelve apart from each other and those.
            let apart = if i < 12 { 60 } else { 40 };
            for (j, b) in colours
                .iter()
                .enumerate()
                .skip(i + 1)
                .take_while(|(j, _)| *j < 24)
            {
                assert!(distance(*a, *b) >= apart, "groups {i} and {j}: {a:?} {b:?}");
            }
            for meaning in [CRITICAL, WARNING, LEADER] {
                assert!(
                    distance(*a, meaning) >= 60,
                    "group {i} looks like {meaning:?}"
                );
            }
        }
    }
}
