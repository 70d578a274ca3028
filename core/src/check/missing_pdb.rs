//! Groups no PodDisruptionBudget protects.

use super::*;
use crate::graph::{Mode, WorkloadOrigin};
use crate::model::Kind;

pub const CHECK: Check = Check {
    id: "missing-pdb",
    severity: Severity::Warning,
    summary: "A group with several replicas has no PodDisruptionBudget.",
    help: "Add a PodDisruptionBudget with maxUnavailable: replicas minus quorum (1 for 3 or 4 replicas).",
    run: Some(not_exported),
    per_group: Some(PerGroup {
        find: |ctx, g, out| out.extend(find(ctx, g)),
        reads_nodes: None,
    }),
};

fn find(ctx: &Context<'_>, g: &GroupStats) -> Option<Finding> {
    let t = ctx.topology;
    let w = &t.workloads[t.groups[g.id.index()].workload.index()];
    if g.replicas <= 1 || !g.pdbs.is_empty() || w.origin == WorkloadOrigin::Static {
        return None;
    }
    if !judged(ctx, g) {
        return None;
    }
    let allowed = match g.mode {
        Mode::Quorum => g.replicas - g.needed,
        Mode::Leader => g.replicas - 1,
    }
    .max(1);
    let advice = if g.mode == Mode::Quorum && g.replicas <= g.needed {
        // No budget can protect a quorum of all replicas without blocking every drain.
        format!(
            "With {} replicas a quorum needs every one of them, so even one eviction \
             takes it, and a budget that forbids that blocks every drain: run at least 3 \
             replicas, then add a PodDisruptionBudget with maxUnavailable: 1.",
            g.replicas
        )
    } else {
        format!("Add a PodDisruptionBudget with maxUnavailable: {allowed}.")
    };
    let message = format!(
        "no PodDisruptionBudget selects its pods: a node drain or cluster upgrade may evict \
         several of its {} replicas at once{}. {advice}",
        g.replicas,
        match g.mode {
            Mode::Quorum => format!(" and take the quorum ({} needed) with them", g.needed),
            Mode::Leader => String::from(" and leave nobody to take over the lease"),
        }
    );
    // A controller pair losing both replicas stalls; a quorum group losing two loses data.
    let severity = match g.mode {
        Mode::Quorum => Severity::Warning,
        Mode::Leader => Severity::Info,
    };
    Some(ctx.on_workload(t.groups[g.id.index()].workload, CHECK.id, severity, message))
}

/// Whether the export says what budgets the group's namespace has.
fn judged(ctx: &Context<'_>, g: &GroupStats) -> bool {
    let t = ctx.topology;
    let group = &t.groups[g.id.index()];
    let ns = &t.workloads[group.workload.index()].workload.meta.namespace;
    t.clusters[group.cluster.index()].exported(Kind::PodDisruptionBudget, ns)
}

/// Groups whose namespace's budgets the export does not hold (`kubectl cluster-info dump` writes
/// none; a bundle may hold some namespaces only): not judged, and that is said once a cluster.
fn not_exported(ctx: &Context<'_>) -> Vec<Finding> {
    let t = ctx.topology;
    let mut out = Vec::new();
    for (c, cluster) in t.clusters.iter().enumerate() {
        let id = ClusterId(c as u32);
        let unjudged: Vec<&GroupStats> = ctx
            .groups
            .iter()
            .map(|g| &**g)
            .filter(|g| g.replicas > 1 && t.groups[g.id.index()].cluster == id)
            .filter(|g| !judged(ctx, g))
            .collect();
        if unjudged.is_empty() {
            continue;
        }
        let namespaces: std::collections::BTreeSet<&str> = unjudged
            .iter()
            .map(|g| {
                let w = &t.workloads[t.groups[g.id.index()].workload.index()];
                w.workload.meta.namespace.as_str()
            })
            .collect();
        let meta = crate::model::Meta {
            name: cluster.name.clone(),
            ..Default::default()
        };
        let message = format!(
            "the export holds no PodDisruptionBudgets of {} {}, not even an empty list of them \
             (`kubectl cluster-info dump` writes none): whether {} there {} a budget is not \
             judged. Add `kubectl get pdb -A -o yaml` to the export.",
            if namespaces.len() == 1 {
                "namespace"
            } else {
                "namespaces"
            },
            namespaces.into_iter().collect::<Vec<_>>().join(", "),
            crate::contract::count(unjudged.len(), "group", "groups"),
            if unjudged.len() == 1 { "has" } else { "have" },
        );
        out.push(ctx.finding(
            CHECK.id,
            Severity::Info,
            id,
            "Cluster",
            &meta,
            None,
            message,
        ));
    }
    out
}
