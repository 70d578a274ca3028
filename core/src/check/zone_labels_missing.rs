//! Clusters whose nodes carry no zone label: zone failures cannot be judged.

use super::*;

pub const CHECK: Check = Check {
    id: "zone-labels-missing",
    severity: Severity::Info,
    summary: "Nodes carry no zone label, so zone failures cannot be judged.",
    help: "Label nodes with topology.kubernetes.io/zone, or name your failure-domain label with --zone-label.",
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let t = ctx.topology;
    let mut out = Vec::new();
    for (i, c) in t.clusters.iter().enumerate() {
        let id = ClusterId(i as u32);
        let unknown: Vec<&ZoneInfo> = c
            .zones
            .iter()
            .map(|z| &t.zones[z.index()])
            .filter(|z| z.name == UNKNOWN_ZONE)
            .collect();
        let Some(zone) = unknown.first() else {
            continue;
        };
        let total: usize = c.zones.iter().map(|z| t.zones[z.index()].nodes.len()).sum();
        let message = format!(
            "{} of {total} nodes have no {} label: they sit in the zone \"unknown\", and zone \
             failures of their pods cannot be judged. Label them, or name your failure-domain label \
             with --zone-label.",
            zone.nodes.len(),
            t.zone_label
        );
        let meta = crate::model::Meta {
            name: c.name.clone(),
            ..Default::default()
        };
        let source = zone.nodes.first().map(|n| &t.nodes[n.index()].source);
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
