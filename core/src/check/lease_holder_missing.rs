//! Leader records whose holder is not a running pod or node of the cluster.

use super::*;

pub const CHECK: Check = Check {
    id: "lease-holder-missing",
    severity: Severity::Warning,
    summary: "A leader record's holder names no running pod or node of the cluster.",
    help: "The leader may be outside the export, or gone; its lease expires and a new election follows.",
    run: Some(run),
    per_group: None,
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
            Holder::Ambiguous => (
                Severity::Info,
                format!(
                    "is held by `{}`, which could be {}: the holder is not guessed, so this \
                     leader is not counted where it runs",
                    l.record.holder.as_deref().unwrap_or_default(),
                    if l.candidates.is_empty() {
                        "several nodes".to_string()
                    } else {
                        format!(
                            "any of the pods {}",
                            l.candidates
                                .iter()
                                .map(|p| t.pod_display(*p))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    }
                ),
            ),
            // Said once per cluster, below.
            Holder::External => continue,
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
    out.extend(external_control_planes(ctx));
    out
}

/// A managed control plane's elections (EKS, GKE, AKS): held by machines no node or pod of the
/// export names. Said once per cluster, as information: nobody can act on it.
fn external_control_planes(ctx: &Context<'_>) -> Vec<Finding> {
    let t = ctx.topology;
    let mut out = Vec::new();
    for (c, cluster) in t.clusters.iter().enumerate() {
        let id = ClusterId(c as u32);
        let held: Vec<&LeaderInfo> = t
            .leaders
            .iter()
            .filter(|l| l.cluster == id && l.holder == Holder::External)
            .collect();
        let Some(first) = held.first() else {
            continue;
        };
        let providers: std::collections::BTreeSet<&str> = t
            .nodes
            .iter()
            .filter(|n| n.cluster == id)
            .filter_map(|n| n.node.provider.as_deref())
            .collect();
        let provider = match providers.iter().next() {
            Some(&"aws") if providers.len() == 1 => " (EKS, by the nodes' provider)",
            Some(&"gce") if providers.len() == 1 => " (GKE, by the nodes' provider)",
            Some(&"azure") if providers.len() == 1 => " (AKS, by the nodes' provider)",
            _ => "",
        };
        let names: Vec<String> = held.iter().map(|l| l.name()).collect();
        let message = format!(
            "the control plane's elections ({}) are held by machines that no node or pod of the \
             export names: a managed control plane{provider}, run outside the cluster. Nothing to \
             act on; its failures are the provider's to survive.",
            names.join(", ")
        );
        let meta = crate::model::Meta {
            name: cluster.name.clone(),
            ..Default::default()
        };
        out.push(ctx.finding(
            CHECK.id,
            Severity::Info,
            id,
            "Cluster",
            &meta,
            Some(&first.source),
            message,
        ));
    }
    out
}
