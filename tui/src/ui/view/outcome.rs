//! What a scenario did, as lines: the Simulate view's Outcome box (every group) and the
//! Topology view's outcome panel (what was lost) say it in the same words, from core's
//! [`Outcome`]. Long sentences (split brain, notes) wrap at words instead of being cut.

use quorum_core::contract::count;
use quorum_core::simulate::GroupOutcome;
use quorum_core::simulate::Outcome;
use ratatui::style::Style;
use ratatui::text::Line;

use super::fit_name;
use crate::ui::theme::Theme;

/// How much the lines say.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Every group, every reason (the Simulate view).
    Full,
    /// What was lost, and names only (the panel beside the zone columns).
    Panel,
}

/// The outcome's lines for a box `width` wide, at most `budget` of them (the rest are not
/// built: a zone of 150,000 pods leaves thousands pending).
pub fn lines(
    th: &Theme,
    o: &Outcome,
    width: usize,
    budget: usize,
    detail: Detail,
) -> Vec<Line<'static>> {
    let mut out = Lines {
        lines: Vec::new(),
        budget,
        width,
    };
    let lost = o.groups.iter().filter(|g| !g.has_quorum).count();
    out.push(
        match detail {
            Detail::Full => format!("Groups: {lost} of {} without quorum", o.groups.len()),
            Detail::Panel => format!("Lost quorum ({lost})"),
        },
        th.title,
    );
    let mut groups: Vec<&GroupOutcome> = o
        .groups
        .iter()
        .filter(|g| detail == Detail::Full || !g.has_quorum)
        .collect();
    groups.sort_by_key(|g| g.has_quorum);
    for g in groups {
        if out.full() {
            break;
        }
        let style = if g.has_quorum { th.ok } else { th.critical };
        let mark = match (detail, g.has_quorum) {
            (Detail::Panel, _) => "",
            (Detail::Full, true) => "ok   ",
            (Detail::Full, false) => "LOST ",
        };
        out.name(format!("  {mark}{} {}", g.name, up(g, detail)), style);
    }

    // A partition: what each side keeps (a group with a quorum there can still write).
    let mut sides: Vec<&str> = Vec::new();
    for g in &o.groups {
        for side in &g.sides {
            if !sides.contains(&side.side.as_str()) {
                sides.push(&side.side);
            }
        }
    }
    for side in sides {
        let keep: Vec<&str> = o
            .groups
            .iter()
            .filter(|g| g.sides.iter().any(|s| s.side == side && s.has_quorum))
            .map(|g| g.name.as_str())
            .collect();
        out.wrap(
            format!(
                "Side {}: quorum for {}",
                side.replace(',', ", "),
                count(keep.len(), "group", "groups")
            ),
            th.title,
        );
        for g in keep {
            out.name(format!("  {g}"), th.ok);
        }
    }
    if !o.split_brain.is_empty() {
        out.push(format!("Split brain ({})", o.split_brain.len()), th.title);
        for b in &o.split_brain {
            // Pods named within the group's namespace, as the group is.
            let prefix = b.group.rsplit_once('/').map(|(ns, _)| format!("{ns}/"));
            let short = |p: &String| {
                prefix
                    .as_deref()
                    .and_then(|x| p.strip_prefix(x))
                    .unwrap_or(p)
                    .to_string()
            };
            let sides: Vec<String> = b
                .sides
                .iter()
                .map(|s| s.iter().map(short).collect::<Vec<_>>().join(", "))
                .collect();
            let who = format!("  {}: {}", b.group, sides.join(" | "));
            match detail {
                Detail::Panel => out.wrap(who, th.critical),
                Detail::Full => out.wrap(format!("{who}: {}", b.reason), th.critical),
            }
        }
    }

    out.push(
        match (detail, o.reelections.len()) {
            (Detail::Full, 0) => "New leaders: no re-election".to_string(),
            (Detail::Full, n) => format!(
                "New leaders: {}, at most {} at once",
                count(n, "re-election", "re-elections"),
                o.max_simultaneous_reelections
            ),
            (Detail::Panel, n) => format!("New leaders ({n})"),
        },
        th.title,
    );
    for re in &o.reelections {
        if out.full() {
            break;
        }
        match (&re.to, detail) {
            (Some(to), Detail::Full) => out.wrap(
                format!(
                    "  {}: {} → {to} after {}s",
                    re.lease,
                    re.from.as_deref().unwrap_or("–"),
                    re.after_seconds
                ),
                th.ok,
            ),
            (Some(to), Detail::Panel) => out.name(
                format!("  {} → {to} +{}s", re.lease, re.after_seconds),
                th.ok,
            ),
            (None, Detail::Full) => out.wrap(
                format!("  {}: nobody ({})", re.lease, re.reason),
                th.critical,
            ),
            (None, Detail::Panel) => out.name(format!("  {} → nobody", re.lease), th.critical),
        }
    }
    out.push(
        match detail {
            Detail::Full => format!("Pending pods: {}", o.pending.len()),
            Detail::Panel => format!("Pending pods ({})", o.pending.len()),
        },
        th.title,
    );
    for p in &o.pending {
        if out.full() {
            break;
        }
        match detail {
            Detail::Full => out.wrap(format!("  {}: {}", p.pod, p.reason), th.warning),
            Detail::Panel => out.name(format!("  {}", p.pod), th.warning),
        }
    }
    if !o.evictions.is_empty() && detail == Detail::Full {
        out.push(format!("Evictions: {}", o.evictions.len()), th.title);
        for e in &o.evictions {
            if out.full() {
                break;
            }
            let style = if e.status == "blocked" {
                th.warning
            } else {
                th.muted
            };
            out.wrap(format!("  {} {}: {}", e.status, e.pod, e.reason), style);
        }
    }
    if !o.stranded_volumes.is_empty() {
        out.push(
            format!("Stranded volumes ({})", o.stranded_volumes.len()),
            th.title,
        );
        for s in &o.stranded_volumes {
            if out.full() {
                break;
            }
            // The claim is what people know a volume by; the volume only when no claim is.
            let name = if s.pvc.is_empty() { &s.pv } else { &s.pvc };
            match detail {
                Detail::Panel => out.name(format!("  {name} ({})", s.pinned_to), th.warning),
                Detail::Full => out.wrap(
                    format!("  {name}: volume {} pinned to {}", s.pv, s.pinned_to),
                    th.warning,
                ),
            }
        }
    }
    if detail == Detail::Full {
        for warning in &o.warnings {
            out.wrap(format!("note: {warning}"), th.muted);
        }
        // Whose rules these are, as `quorum simulate` says it.
        let p = &o.params;
        out.wrap(
            format!(
                "model: {}; node-monitor grace {} s, toleration {} s",
                p.kubernetes.line(),
                p.node_monitor_grace_seconds,
                p.toleration_seconds
            ),
            th.muted,
        );
        for note in &p.kubernetes.notes {
            out.wrap(format!("note: {note}"), th.muted);
        }
    }
    out.lines
}

/// Replicas up against the group's size and majority; under a partition, per side.
fn up(g: &GroupOutcome, detail: Detail) -> String {
    let sides: Vec<String> = g.sides.iter().map(|s| s.available.to_string()).collect();
    match (sides.is_empty(), detail) {
        (true, Detail::Full) => format!("{}/{} (needs {})", g.available, g.replicas, g.needed),
        (true, Detail::Panel) => format!("{}/{} need {}", g.available, g.replicas, g.needed),
        (false, Detail::Full) => format!(
            "{} of {} by side (needs {} on one)",
            sides.join(" | "),
            g.replicas,
            g.needed
        ),
        (false, Detail::Panel) => {
            format!("{}/{} need {}", sides.join("|"), g.replicas, g.needed)
        }
    }
}

struct Lines {
    lines: Vec<Line<'static>>,
    budget: usize,
    width: usize,
}

impl Lines {
    fn full(&self) -> bool {
        self.lines.len() >= self.budget
    }

    fn push(&mut self, text: String, style: Style) {
        if !self.full() {
            self.lines.push(Line::styled(text, style));
        }
    }

    /// A line naming things: cut in the middle if it must be (the end says which one).
    fn name(&mut self, text: String, style: Style) {
        let text = fit_name(&text, self.width);
        self.push(text, style);
    }

    /// A sentence: wrapped at words, later lines indented under the first's text.
    fn wrap(&mut self, text: String, style: Style) {
        let indent = text.len() - text.trim_start().len() + 2;
        for line in super::wrap_words(&text, self.width, indent) {
            self.push(line, style);
        }
    }
}
