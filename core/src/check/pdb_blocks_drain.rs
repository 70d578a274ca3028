//! PodDisruptionBudgets that allow no disruption at all: every drain of their nodes hangs.

use super::*;

pub const CHECK: Check = Check {
    id: "pdb-blocks-drain",
    severity: Severity::Warning,
    summary: "A PodDisruptionBudget allows no voluntary disruption even when all pods are healthy.",
    help: "Loosen it to maxUnavailable: 1 (or minAvailable below the replica count).",
    run: Some(run),
    per_group: None,
};

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let t = ctx.topology;
    let mut out = Vec::new();
    // The workloads each budget covers, found once.
    let mut covered: Vec<Vec<WorkloadId>> = vec![vec![]; t.pdbs.len()];
    for (w, info) in t.workloads.iter().enumerate() {
        for p in &info.pdbs {
            covered[p.index()].push(WorkloadId(w as u32));
        }
    }
    for (i, pdb) in t.pdbs.iter().enumerate() {
        // Expected pods: the replicas of the workloads it covers (those whose pods it selects,
        // and those without pods in the export whose template it selects), or the pods it
        // selects.
        let expected = {
            let mut workloads: Vec<WorkloadId> = pdb
                .pods
                .iter()
                .filter_map(|p| t.pods[p.index()].workload)
                .chain(covered[i].iter().copied())
                .collect();
            workloads.sort();
            workloads.dedup();
            let from_workloads: u32 = workloads
                .iter()
                .map(|w| t.workloads[w.index()].desired())
                .sum();
            from_workloads.max(pdb.pods.len() as u32)
        };
        if expected == 0 {
            continue;
        }
        if pdb.pdb.allowed_disruptions(expected, expected) > 0 {
            continue;
        }
        let rule = match (pdb.pdb.min_available, pdb.pdb.max_unavailable) {
            (Some(min), _) => format!("minAvailable {} of {expected} pods", describe(min)),
            (None, Some(max)) => format!("maxUnavailable {}", describe(max)),
            (None, None) => "no limit set".to_string(),
        };
        let message = format!(
            "allows no disruption even with all {expected} pods healthy ({rule}): every kubectl \
             drain of a node running one of its pods blocks, so node upgrades and repairs stall. \
             Loosen it to maxUnavailable: 1.",
        );
        out.push(ctx.finding(
            CHECK.id,
            Severity::Warning,
            pdb.cluster,
            "PodDisruptionBudget",
            &pdb.pdb.meta,
            Some(&pdb.source),
            message,
        ));
    }
    out
}

fn describe(v: crate::model::IntOrPercent) -> String {
    match v {
        crate::model::IntOrPercent::Int(n) => n.to_string(),
        crate::model::IntOrPercent::Percent(p) => format!("{p}%"),
    }
}
