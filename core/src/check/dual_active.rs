//! The same workload in several clusters: each cluster elects its own leader, so both write.

use super::*;
use crate::stats::groups_by_workload_name;

pub const CHECK: Check = Check {
    id: "dual-active",
    severity: Severity::Warning,
    summary: "The same workload runs in several clusters, each electing its own leader.",
    help: "Make its writes idempotent and conflict-free (deterministic keys, ON CONFLICT DO NOTHING, \
           last-writer-wins with a stable tie-break).",
    run: Some(run),
    per_group: None,
};

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let t = ctx.topology;
    let mut out = Vec::new();
    for (name, groups) in groups_by_workload_name(t) {
        let mut clusters: Vec<ClusterId> =
            groups.iter().map(|g| t.groups[g.index()].cluster).collect();
        clusters.sort();
        clusters.dedup();
        if clusters.len() < 2 {
            continue;
        }
        let names: Vec<String> = clusters
            .iter()
            .map(|c| t.clusters[c.index()].name.clone())
            .collect();
        let electing: Vec<String> = groups
            .iter()
            .filter(|g| !t.groups[g.index()].leaders.is_empty())
            .map(|g| t.clusters[t.groups[g.index()].cluster.index()].name.clone())
            .collect();
        let how = if electing.len() >= 2 {
            format!("each of {} elects its own leader", electing.join(" and "))
        } else {
            "each cluster runs it independently".to_string()
        };
        let message = format!(
            "{name} runs in {} clusters ({}), and {how}: both sides write at once, always, not only \
             during a partition. Its writes must be idempotent and conflict-free (deterministic keys, \
             ON CONFLICT DO NOTHING, last-writer-wins with a stable tie-break).",
            names.len(),
            names.join(", ")
        );
        let first = groups[0];
        out.push(ctx.on_workload(
            t.groups[first.index()].workload,
            CHECK.id,
            Severity::Warning,
            message,
        ));
    }
    out
}
