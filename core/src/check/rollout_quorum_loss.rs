//! StatefulSets whose rollouts take down more replicas at once than their group can spare.
//!
//! Where the release's StatefulSet controller honours `updateStrategy.rollingUpdate.maxUnavailable`
//! (1.35.0 to 1.35.3 and 1.37: `MaxUnavailableStatefulSet` on by default), an update replaces up
//! to that many pods at once; PodDisruptionBudgets do not limit a rollout. On other releases the
//! controller replaces one pod at a time and the check stays silent.

use super::*;
use crate::graph::Mode;

pub const CHECK: Check = Check {
    id: "rollout-quorum-loss",
    severity: Severity::Warning,
    summary: "A StatefulSet's rollout replaces more replicas at once than its quorum can spare (maxUnavailable, on releases that honour it).",
    help: "Set spec.updateStrategy.rollingUpdate.maxUnavailable to replicas minus quorum (1 for 3 or 4 replicas).",
    run: None,
    per_group: Some(PerGroup {
        find: |ctx, g, out| out.extend(find(ctx, g)),
        reads_nodes: None,
    }),
};

fn find(ctx: &Context<'_>, g: &GroupStats) -> Option<Finding> {
    let t = ctx.topology;
    let rules = t.kubernetes.rules();
    let w = t.groups[g.id.index()].workload;
    let info = &t.workloads[w.index()];
    let batch = info.workload.rollout_batch(&rules)?;
    let spare = g.replicas.saturating_sub(g.needed);
    if batch <= 1 || batch <= spare || g.replicas < 2 {
        return None;
    }
    let lost = match g.mode {
        Mode::Quorum => format!("its quorum needs {} of them", g.needed),
        Mode::Leader => "nobody would be left to hold the lease".to_string(),
    };
    let message = format!(
        "every rollout (an image or configuration change) replaces up to {batch} of its {} \
         replicas at once: Kubernetes {} honours its maxUnavailable ({}), and {lost}; \
         budgets do not hold a rollout back. Set maxUnavailable: {}.",
        g.replicas,
        rules.release,
        info.workload
            .max_unavailable
            .map(|v| v.to_json().to_string().trim_matches('"').to_string())
            .unwrap_or_default(),
        spare.max(1)
    );
    Some(ctx.on_workload(w, CHECK.id, CHECK.severity, message))
}
