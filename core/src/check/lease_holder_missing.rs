//! Leader records whose holder is not a running pod or node of the cluster.

use super::*;

pub const CHECK: Check = Check {
    id: "lease-holder-missing",
    severity: Severity::Warning,
    summary: "A leader record's holder names no running pod or node of the cluster.",
    help: "The leader may be outside the export, or gone; its lease expires and a new election follows.",
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let t = ctx.topology;
    let mut out = Vec::new();
    for l in &t.leaders {
        let (severity, problem) = match l.holder {
            Holder::Vacant => (
                Severity::Info,
                "has no holder: nobody leads it (released, or never acquired)".to_string(),
            ),
            Holder::Unresolved => (
                Severity::Warning,
                format!(
                    "is held by `{}`, which names no pod or node of this cluster: the leader runs \
                     outside what was exported, or it is gone and the lease will expire",
                    l.record.holder.as_deref().unwrap_or_default()
                ),
            ),
            Holder::Pod(p) => {
                let pod = &t.pods[p.index()];
                let ready_node = pod.node.is_some_and(|n| t.nodes[n.index()].node.is_ready());
                if pod.pod.is_active() && ready_node {
                    continue;
                }
                (
                    Severity::Warning,
                    format!(
                        "is held by pod {}, which is not running on a ready node: the lease will \
                         expire and a new election follows",
                        t.pod_display(p)
                    ),
                )
            }
            Holder::Node(_) => continue,
        };
        let message = format!("{problem}.");
        out.push(ctx.finding(
            CHECK.id,
            severity,
            l.cluster,
            l.record.kind.as_str(),
            &l.record.meta,
            Some(&l.source),
            message,
        ));
    }
    out
}
