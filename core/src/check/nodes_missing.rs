//! Pods that run on nodes the export does not hold (a namespace-scoped user cannot list nodes; a
//! bundle of one namespace has none). Those nodes are assumed Ready, as their pods report; what
//! that limits is said once per cluster.

use super::*;

pub const CHECK: Check = Check {
    id: "nodes-missing",
    severity: Severity::Info,
    summary: "Pods run on nodes the export does not hold: they are assumed Ready, their zones unknown.",
    help: "Export the nodes too (`kubectl get nodes -o yaml`, which needs a cluster-scoped read) for zone answers.",
    run: Some(run),
    per_group: None,
};

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let t = ctx.topology;
    let mut out = Vec::new();
    for (i, c) in t.clusters.iter().enumerate() {
        let nodes: Vec<&NodeInfo> = c
            .zones
            .iter()
            .flat_map(|z| &t.zones[z.index()].nodes)
            .map(|n| &t.nodes[n.index()])
            .collect();
        let missing: Vec<&NodeInfo> = nodes.iter().copied().filter(|n| n.node.inferred).collect();
        let Some(first) = missing.first() else {
            continue;
        };
        let names: Vec<&str> = missing.iter().take(3).map(|n| n.name()).collect();
        let more = if missing.len() > 3 { ", ..." } else { "" };
        let what = if missing.len() == nodes.len() {
            format!(
                "The export holds no Node objects; its running pods name {} node{} ({}{more}).",
                missing.len(),
                if missing.len() == 1 { "" } else { "s" },
                names.join(", ")
            )
        } else {
            format!(
                "{} that running pods name {} not among the export's {} ({}{more}).",
                crate::contract::count(missing.len(), "node", "nodes"),
                if missing.len() == 1 { "is" } else { "are" },
                crate::contract::count(nodes.len() - missing.len(), "node", "nodes"),
                names.join(", ")
            )
        };
        let message = format!(
            "{what} They are assumed Ready, as their pods report; their zones, labels and capacity \
             are unknown, so zone failures cannot be judged for their pods, and node failures are \
             judged from the pods' nodeName alone. Export the nodes too for zone answers."
        );
        let meta = crate::model::Meta {
            name: c.name.clone(),
            ..Default::default()
        };
        out.push(ctx.finding(
            CHECK.id,
            Severity::Info,
            ClusterId(i as u32),
            "Cluster",
            &meta,
            Some(&first.source),
            message,
        ));
    }
    out
}
