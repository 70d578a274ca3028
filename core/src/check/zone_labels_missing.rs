//! Clusters whose nodes carry no zone label: zone failures cannot be judged.

use super::*;

pub const CHECK: Check = Check {
    id: "zone-labels-missing",
    severity: Severity::Info,
    summary: "Nodes carry no zone label, so zone failures cannot be judged.",
    help: "Label nodes with topology.kubernetes.io/zone, or name your failure-domain label with --zone-label.",
    run: Some(run),
    per_group: None,
};

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let t = ctx.topology;
    let mut out = Vec::new();
    for (i, c) in t.clusters.iter().enumerate() {
        let id = ClusterId(i as u32);
        // Nodes the export does not hold have no labels to judge: `nodes-missing` says so.
        let exported = |n: &NodeId| !t.nodes[n.index()].node.inferred;
        let unlabelled: Vec<NodeId> = c
            .zones
            .iter()
            .map(|z| &t.zones[z.index()])
            .filter(|z| z.name == UNKNOWN_ZONE)
            .flat_map(|z| z.nodes.iter().copied().filter(exported))
            .collect();
        let Some(first) = unlabelled.first() else {
            continue;
        };
        let total = c
            .zones
            .iter()
            .flat_map(|z| &t.zones[z.index()].nodes)
            .filter(|n| exported(n))
            .count();
        let message = format!(
            "{} of {total} nodes have no {} label: they sit in the zone \"unknown\", and zone \
             failures of their pods cannot be judged. Label them, or name your failure-domain label \
             with --zone-label.",
            unlabelled.len(),
            t.zone_label
        );
        let meta = crate::model::Meta {
            name: c.name.clone(),
            ..Default::default()
        };
        let source = Some(&t.nodes[first.index()].source);
        out.push(ctx.finding(
            CHECK.id,
            Severity::Info,
            id,
            "Cluster",
            &meta,
            source,
            message,
        ));
    }
    out
}
