//! The report as Markdown, for a pull-request comment or a wiki page.

use std::fmt::Write;

use super::Report;
use crate::check::Severity;

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn mark(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "✅",
        Some(false) => "❌",
        None => "–",
    }
}

pub fn markdown(report: &Report<'_>) -> String {
    let t = report.topology;
    let a = report.analysis;
    let mut out = String::new();
    let _ = writeln!(out, "# Quorum analysis\n");
    let _ = writeln!(
        out,
        "{} cluster(s), {} nodes, {} pods, {} groups, {} leaders. Findings: **{} critical**, {} warning, {} info.\n",
        t.clusters.len(),
        t.nodes.len(),
        t.pods.len(),
        a.groups.len(),
        a.leaders.total,
        a.count(Severity::Critical),
        a.count(Severity::Warning),
        a.count(Severity::Info)
    );
    let errors = report.input_errors();
    if errors > 0 {
        let _ = writeln!(out, "## Input errors ({errors})\n");
        for input in report.inputs {
            for e in &input.errors {
                let _ = writeln!(
                    out,
                    "- `{}:{}` (document {}): {}",
                    input.source, e.line, e.document, e.message
                );
            }
        }
        out.push('\n');
    }
    if !a.findings.is_empty() {
        let _ = writeln!(out, "## Findings\n");
        let _ = writeln!(out, "| severity | check | subject | message | source |");
        let _ = writeln!(out, "|---|---|---|---|---|");
        for f in &a.findings {
            let subject = crate::model::qualified(&f.subject.namespace, &f.subject.name);
            let subject = if t.multi_cluster() {
                format!("{}/{subject}", f.subject.cluster)
            } else {
                subject
            };
            let source = f
                .source
                .as_ref()
                .map(|s| format!("`{}:{}`", s.file, s.line))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "| {} | `{}` | {} `{}` | {} | {} |",
                f.severity,
                f.check,
                f.subject.kind,
                cell(&subject),
                cell(&f.message),
                source
            );
        }
        out.push('\n');
    }
    if !a.groups.is_empty() {
        let _ = writeln!(out, "## Groups\n");
        let _ = writeln!(
            out,
            "| group | kind | mode | up / wanted | survives node | survives zone | survives region | per zone |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---|---|---|");
        for g in &a.groups {
            let zones = g
                .per_zone
                .iter()
                .map(|(z, n)| format!("{z}: {n}"))
                .collect::<Vec<_>>()
                .join(", ");
            let _ = writeln!(
                out,
                "| `{}` | {} | {:?} | {}/{} | {} | {} | {} | {} |",
                g.name,
                g.kind,
                g.mode,
                g.available,
                g.replicas,
                mark(g.survives.node),
                mark(g.survives.zone),
                mark(g.survives.region),
                cell(&zones)
            );
        }
        out.push('\n');
    }
    let l = &a.leaders;
    if l.total > 0 {
        let _ = writeln!(out, "## Leaders\n");
        let best = |b: Option<u32>| b.map_or("–".to_string(), |b| b.to_string());
        let _ = writeln!(
            out,
            "{} leader records. Most per zone: {} (best possible {}); most per node: {} (best possible {}).\n",
            l.total,
            l.max_per_zone(),
            best(l.best_max_per_zone),
            l.max_per_node(),
            best(l.best_max_per_node)
        );
        let _ = writeln!(out, "| zone | leaders |\n|---|---|");
        for (z, n) in &l.per_zone {
            let _ = writeln!(out, "| {z} | {n} |");
        }
        out.push('\n');
    }
    out
}
