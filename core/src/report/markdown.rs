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
        "{}, {}, {}, {}, {}. Findings: **{} critical**, {} warning, {} info.\n",
        crate::contract::count(t.clusters.len(), "cluster", "clusters"),
        crate::contract::count(t.nodes.len(), "node", "nodes"),
        crate::contract::count(t.pods.len(), "pod", "pods"),
        crate::contract::count(a.groups.len(), "group", "groups"),
        crate::contract::count(a.leaders.total as usize, "leader", "leaders"),
        a.count(Severity::Critical),
        a.count(Severity::Warning),
        a.count(Severity::Info)
    );
    let errors = report.input_errors();
    if errors > 0 {
        let _ = writeln!(out, "## Input errors ({errors})\n");
        for input in report.inputs {
            for e in &input.errors {
                let _ = writeln!(out, "- `{}`: {}", e.position(&input.source), e.message);
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
                .map(|s| format!("`{s}`"))
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

/// The survivability sweep as a Markdown table: one row per scenario that costs something (a
/// group's quorum, a lease's leader, a split brain), then the scenarios that cost nothing, counted.
pub fn sweep_markdown(sweep: &crate::simulate::sweep::Sweep) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## Survivability sweep\n");
    let (costly, harmless): (Vec<_>, Vec<_>) = sweep.scenarios.iter().partition(|s| {
        !s.groups_without_quorum.is_empty() || !s.leaderless.is_empty() || !s.split_brain.is_empty()
    });
    let _ = writeln!(
        out,
        "{} scenarios over {} groups: {} cost something, {} cost nothing.\n",
        sweep.scenarios.len(),
        sweep.groups,
        costly.len(),
        harmless.len()
    );
    if costly.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "| scenario | groups without quorum | leaderless leases | split brain |"
    );
    let _ = writeln!(out, "|---|---|---|---|");
    let list = |names: &[String]| {
        if names.is_empty() {
            "–".to_string()
        } else {
            names
                .iter()
                .map(|n| format!("`{}`", cell(n)))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    for s in costly {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            cell(&s.event),
            list(&s.groups_without_quorum),
            list(&s.leaderless),
            list(&s.split_brain_groups())
        );
    }
    out.push('\n');
    out
}

/// A plan as Markdown: its before/after/bound metrics and its steps, for a pull request.
/// A plan's before, after and best possible, as a Markdown table: the plan report's and the
/// review's.
pub(crate) fn plan_comparison(plan: &crate::plan::Plan) -> String {
    let mut out = String::new();
    let (b, a, bound) = (
        &plan.before.leaders,
        &plan.after.leaders,
        &plan.bound.leaders,
    );
    let _ = writeln!(
        out,
        "| | before | after | best possible |\n|---|---|---|---|"
    );
    let _ = writeln!(
        out,
        "| most leaders in one zone | {} | {} | {} |",
        b.max_per_zone, a.max_per_zone, bound.max_per_zone
    );
    let _ = writeln!(
        out,
        "| most leaders on one node | {} | {} | {} |",
        b.max_per_node, a.max_per_node, bound.max_per_node
    );
    for (what, key) in [
        ("groups surviving a node", "node"),
        ("groups surviving a zone", "zone"),
    ] {
        let _ = writeln!(
            out,
            "| {what} | {} | {} | |",
            plan.before.groups_surviving.get(key).copied().unwrap_or(0),
            plan.after.groups_surviving.get(key).copied().unwrap_or(0)
        );
    }
    for sev in ["critical", "warning", "info"] {
        let _ = writeln!(
            out,
            "| {sev} findings | {} | {} | |",
            plan.before.findings.get(sev).copied().unwrap_or(0),
            plan.after.findings.get(sev).copied().unwrap_or(0)
        );
    }
    out
}

pub fn plan_markdown(plan: &crate::plan::Plan) -> String {
    let mut out = String::new();
    let goal = serde_json::to_value(plan.goal)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let _ = writeln!(out, "## Plan: goal {goal}\n");
    out.push_str(&plan_comparison(plan));
    out.push('\n');
    if plan.steps.is_empty() {
        let _ = writeln!(out, "No steps: nothing to change.\n");
    } else {
        let _ = writeln!(out, "| # | wave | action | objects | why | command |");
        let _ = writeln!(out, "|---|---|---|---|---|---|");
        for (i, s) in plan.steps.iter().enumerate() {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | `{}` |",
                i + 1,
                s.wave,
                cell(&s.action),
                cell(&s.objects.join(", ")),
                cell(&s.reason),
                cell(&s.kubectl)
            );
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "- {}. {}",
        cell(&plan.kubernetes.line()),
        cell(&plan.targeted_handovers.sentence())
    );
    for note in &plan.notes {
        let _ = writeln!(out, "- {}", cell(note));
    }
    for warning in &plan.warnings {
        let _ = writeln!(out, "- **Before applying:** {}", cell(warning));
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::sweep::sweep;
    use crate::testkit::*;

    #[test]
    fn the_sweep_table_lists_the_zone_that_takes_a_2_of_3_majority() {
        let t = (three_zones() + pg_on(&["a1", "a2", "b1"])).topology();
        let md = sweep_markdown(&sweep(&t));
        assert!(md.contains("| fail zone:eu-a | `db/pg` |"), "{md}");
        assert!(
            !md.contains("fail zone:eu-c |"),
            "a harmless scenario is only counted: {md}"
        );
    }

    #[test]
    fn a_plan_lists_its_metrics_and_one_row_per_step() {
        let c = three_zones()
            + pg_on(&["a1", "b1", "c1"])
            + ClusterYaml::new()
                .lease("db", "pg-a", "pg-0", "2026-11-20T10:00:00Z")
                .lease("db", "pg-b", "pg-0", "2026-11-20T10:00:00Z");
        let t = c.topology();
        let options = crate::plan::Options {
            goal: crate::plan::Goal::Leaders,
            handover: crate::plan::Handover::PreferredHolder,
            max_concurrent: None,
        };
        let p = crate::plan::plan(&t, &Default::default(), &options);
        let md = plan_markdown(&p);
        assert!(md.starts_with("## Plan: goal leaders"), "{md}");
        assert!(
            md.contains("| most leaders on one node | 2 | 1 | 1 |"),
            "{md}"
        );
        assert_eq!(md.matches("| handover |").count(), p.steps.len(), "{md}");
        assert!(!p.steps.is_empty());
    }
}
