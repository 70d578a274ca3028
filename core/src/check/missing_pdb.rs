//! Groups no PodDisruptionBudget protects.

use super::*;
use crate::graph::{Mode, WorkloadOrigin};

pub const CHECK: Check = Check {
    id: "missing-pdb",
    severity: Severity::Warning,
    summary: "A group with several replicas has no PodDisruptionBudget.",
    help: "Add a PodDisruptionBudget with maxUnavailable: replicas minus quorum (1 for 3 or 4 replicas).",
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let t = ctx.topology;
    ctx.groups
        .iter()
        .filter(|g| g.replicas > 1 && g.pdbs.is_empty())
        .filter(|g| {
            let w = &t.workloads[t.groups[g.id.index()].workload.index()];
            w.origin != WorkloadOrigin::Static
        })
        .map(|g| {
            let allowed = match g.mode {
                Mode::Quorum => g.replicas - g.needed,
                Mode::Leader => g.replicas - 1,
            }
            .max(1);
            let message = format!(
                "no PodDisruptionBudget selects its pods: a node drain or cluster upgrade may evict \
                 several of its {} replicas at once{}. Add a PodDisruptionBudget with \
                 maxUnavailable: {allowed}.",
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
            ctx.on_workload(t.groups[g.id.index()].workload, CHECK.id, severity, message)
        })
        .collect()
}
