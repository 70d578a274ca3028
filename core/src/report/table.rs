//! The report for a person at a terminal: findings grouped by severity, then groups and leaders.

use std::fmt::Write;

use super::Report;
use crate::check::Severity;

/// ANSI styling, off for pipes, CI logs that do not want it, and NO_COLOR.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub color: bool,
    /// Terminal width for wrapping messages.
    pub width: usize,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }

    pub fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }

    pub fn severity(&self, s: Severity, text: &str) -> String {
        // Bold red / yellow / cyan read on dark and light backgrounds alike.
        match s {
            Severity::Critical => self.paint("1;31", text),
            Severity::Warning => self.paint("1;33", text),
            Severity::Info => self.paint("1;36", text),
        }
    }

    pub fn good(&self, text: &str) -> String {
        self.paint("32", text)
    }

    pub fn bad(&self, text: &str) -> String {
        self.paint("31", text)
    }
}

/// Wraps `text` to `width` columns, each line indented by `indent` spaces.
pub fn wrap(text: &str, width: usize, indent: usize) -> String {
    wrap_hanging(text, width, indent, indent)
}

/// Wraps `text` to `width` columns: the first line indented by `first` spaces, the others by
/// `rest` (a hanging indent, so a wrapped item reads as one).
pub fn wrap_hanging(text: &str, width: usize, first: usize, rest: usize) -> String {
    let mut indent = first;
    let width = width.max(first.max(rest) + 20);
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent + line.len() + 1 + word.len() > width {
            let _ = writeln!(out, "{}{line}", " ".repeat(indent));
            line.clear();
            indent = rest;
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{}{line}", " ".repeat(indent));
    }
    out
}

fn mark(style: &Style, v: Option<bool>) -> String {
    match v {
        Some(true) => style.good("yes"),
        Some(false) => style.bad("NO"),
        None => style.dim("-"),
    }
}

/// Pads a cell to `width` visible columns (styling codes do not count).
fn pad(cell: &str, visible: usize, width: usize) -> String {
    format!("{cell}{}", " ".repeat(width.saturating_sub(visible)))
}

/// Whose rules the model followed, and what was assumed about the release (dim, under a
/// report's first line).
pub fn kubernetes_lines(k: &crate::release::Kubernetes, style: &Style) -> String {
    let mut out = style.dim(&wrap(&format!("{}.", k.line()), style.width, 2));
    for note in &k.notes {
        out.push_str(&style.dim(&wrap(&format!("Note: {note}."), style.width, 2)));
    }
    out
}

pub fn table(report: &Report<'_>, style: &Style) -> String {
    let t = report.topology;
    let a = report.analysis;
    let mut out = String::new();
    let pods = t.pods.len();
    let zones: usize = t.clusters.iter().map(|c| c.zones.len()).sum();
    let _ = writeln!(
        out,
        "{} {}, {}, {}, {}, {}, {}{}",
        style.bold("Quorum analysis:"),
        super::count(t.clusters.len(), "cluster", "clusters"),
        super::count(zones, "zone", "zones"),
        super::count(t.nodes.len(), "node", "nodes"),
        super::count(pods, "pod", "pods"),
        super::count(a.groups.len(), "group", "groups"),
        super::count(a.leaders.total as usize, "leader", "leaders"),
        if a.leaders.elsewhere > 0 {
            format!(
                " (and {} held nowhere known)",
                super::count(a.leaders.elsewhere as usize, "record", "records")
            )
        } else {
            String::new()
        }
    );
    out.push_str(&kubernetes_lines(&t.kubernetes, style));
    // Inputs with problems.
    let errors = report.input_errors();
    if errors > 0 {
        let _ = writeln!(
            out,
            "\n{}",
            style.severity(Severity::Critical, &format!("INPUT ERRORS ({errors})"))
        );
        for input in report.inputs.iter().filter(|i| !i.errors.is_empty()) {
            for e in &input.errors {
                let _ = writeln!(out, "  {}", e.position(&input.source));
                out.push_str(&wrap(&e.message, style.width, 6));
            }
        }
    }
    // What was skipped or assumed about the inputs (no error).
    let noted: Vec<_> = report
        .inputs
        .iter()
        .filter(|i| !i.notes.is_empty())
        .collect();
    if !noted.is_empty() {
        let _ = writeln!(out, "\n{}", style.bold("INPUT NOTES"));
        for input in noted {
            for note in &input.notes {
                out.push_str(&wrap(&format!("{}: {note}", input.source), style.width, 2));
            }
        }
    }
    for severity in [Severity::Critical, Severity::Warning, Severity::Info] {
        let findings: Vec<_> = a
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .collect();
        if findings.is_empty() {
            continue;
        }
        let title = format!("{} ({})", severity.as_str().to_uppercase(), findings.len());
        let _ = writeln!(out, "\n{}", style.severity(severity, &title));
        for f in findings {
            let subject = crate::model::qualified(&f.subject.namespace, &f.subject.name);
            let subject = if t.multi_cluster() {
                format!("{}/{subject}", f.subject.cluster)
            } else {
                subject
            };
            let location = f
                .source
                .as_ref()
                .map(|s| format!("  {}", style.dim(&s.to_string())))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {} {} {}{location}",
                style.severity(severity, f.check),
                f.subject.kind,
                style.bold(&subject)
            );
            out.push_str(&wrap(&f.message, style.width, 6));
        }
    }
    if a.findings.is_empty() {
        let _ = writeln!(out, "\n{}", style.good("No findings."));
    }
    if !a.groups.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            style.bold(&format!("GROUPS ({})", a.groups.len()))
        );
        let name_w = a
            .groups
            .iter()
            .map(|g| g.name.len())
            .max()
            .unwrap_or(5)
            .clamp(5, 40);
        let kind_w = a
            .groups
            .iter()
            .map(|g| g.kind.len())
            .max()
            .unwrap_or(4)
            .max(4);
        let _ = writeln!(
            out,
            "  {:name_w$}  {:kind_w$}  {:6}  {:>7}  {:4}  {:4}  {:6}  REPLICAS PER ZONE",
            "NAME", "KIND", "MODE", "UP/WANT", "NODE", "ZONE", "REGION"
        );
        for g in &a.groups {
            let up = format!("{}/{}", g.available, g.replicas);
            let up = if g.has_quorum() {
                up.clone()
            } else {
                style.bad(&up)
            };
            let visible_up = format!("{}/{}", g.available, g.replicas).len();
            let zones = g
                .per_zone
                .iter()
                .map(|(z, n)| format!("{z}:{n}"))
                .collect::<Vec<_>>()
                .join(" ");
            let cell = |v: Option<bool>| {
                let visible = match v {
                    Some(true) => 3,
                    Some(false) => 2,
                    None => 1,
                };
                pad(&mark(style, v), visible, 4)
            };
            let name = if g.name.len() > name_w {
                format!("{}…", &g.name[..name_w - 1])
            } else {
                g.name.clone()
            };
            let _ = writeln!(
                out,
                "  {:name_w$}  {:kind_w$}  {:6}  {}{}  {}  {}  {}  {zones}",
                name,
                g.kind,
                match g.mode {
                    crate::graph::Mode::Quorum => "quorum",
                    crate::graph::Mode::Leader => "leader",
                },
                " ".repeat(7usize.saturating_sub(visible_up)),
                up,
                cell(g.survives.node),
                cell(g.survives.zone),
                pad(
                    &mark(style, g.survives.region),
                    match g.survives.region {
                        Some(true) => 3,
                        Some(false) => 2,
                        None => 1,
                    },
                    6
                ),
            );
        }
    }
    let l = &a.leaders;
    if l.total > 0 {
        let best = |b: Option<u32>| b.map_or("-".to_string(), |b| b.to_string());
        let _ = writeln!(
            out,
            "\n{} {} total; most per zone {} (best possible {}); most per node {} (best possible {})",
            style.bold("LEADERS"),
            l.total,
            l.max_per_zone(),
            best(l.best_max_per_zone),
            l.max_per_node(),
            best(l.best_max_per_node)
        );
        let max = l.per_zone.values().copied().max().unwrap_or(1).max(1);
        let zone_w = l.per_zone.keys().map(|k| k.len()).max().unwrap_or(4);
        let bar_room = style.width.saturating_sub(zone_w + 12).clamp(10, 50);
        for (zone, n) in &l.per_zone {
            let bar = "#".repeat(((*n as usize) * bar_room).div_ceil(max as usize));
            let _ = writeln!(out, "  {zone:zone_w$}  {n:>4}  {bar}");
        }
    }
    let objects: u32 = report.inputs.iter().map(|i| i.objects).sum();
    let skipped: u32 = report.inputs.iter().flat_map(|i| i.skipped.values()).sum();
    let duplicates: u32 = report.inputs.iter().map(|i| i.duplicates).sum();
    let _ = writeln!(
        out,
        "\n{}",
        style.dim(&format!(
            "{} input file{}, {objects} objects read, {skipped} documents of other kinds skipped, {duplicates} duplicates, {errors} errors.",
            report.inputs.len(),
            if report.inputs.len() == 1 { "" } else { "s" },
        ))
    );
    out
}
