//! Leaders piled on one node or zone: every failure of it is a storm of re-elections.

use super::*;

pub const CHECK: Check = Check {
    id: "leader-concentration",
    severity: Severity::Warning,
    summary: "More leaders on a node or in a zone than the best placement among eligible replicas gives.",
    help: "Hand leases over to replicas elsewhere (`quorum plan --goal leaders`).",
    run: Some(run),
    per_group: None,
};

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let t = ctx.topology;
    let stats = ctx.leaders;
    let mut out = Vec::new();
    // Leases by the node and zone that hold them, in one pass.
    let mut on_node: Vec<Vec<&str>> = vec![Vec::new(); t.nodes.len()];
    let mut in_zone: Vec<Vec<&str>> = vec![Vec::new(); t.zones.len()];
    for r in stats.records.iter().filter(|r| !r.expired) {
        if let Some(n) = t.holder_node(r.id) {
            on_node[n.index()].push(&r.lease);
            in_zone[t.nodes[n.index()].zone.index()].push(&r.lease);
        }
    }
    let names = |leases: &[&str]| leases.iter().map(|l| l.to_string()).collect::<Vec<_>>();
    let severity = |count: u32, best: u32| {
        if count >= best + 2 || count > 2 * best.max(1) {
            Severity::Warning
        } else {
            Severity::Info
        }
    };
    if let Some(best) = stats.best_max_per_node {
        for (i, node) in t.nodes.iter().enumerate() {
            let id = NodeId(i as u32);
            let count = on_node[id.index()].len() as u32;
            if count > best && count >= 2 {
                let leases = names(&on_node[id.index()]);
                let message = format!(
                    "holds {count} leaders ({}); the best placement among eligible replicas gives at \
                     most {best} per node. A failure of this node re-elects {count} leaders at once \
                     (a failover storm). Hand some leases over: quorum plan --goal leaders.",
                    list(&leases, 4)
                );
                out.push(ctx.finding(
                    CHECK.id,
                    severity(count, best),
                    node.cluster,
                    "Node",
                    &node.node.meta,
                    Some(&node.source),
                    message,
                ));
            }
        }
    }
    if let Some(best) = stats.best_max_per_zone {
        for (i, zone) in t.zones.iter().enumerate() {
            let id = ZoneId(i as u32);
            let count = in_zone[id.index()].len() as u32;
            if count > best && count >= 2 {
                let leases = names(&in_zone[id.index()]);
                let message = format!(
                    "holds {count} leaders ({}); the best placement among eligible replicas gives at \
                     most {best} per zone. An outage of this zone re-elects {count} leaders at once. \
                     Spread them: quorum plan --goal leaders.",
                    list(&leases, 4)
                );
                let meta = crate::model::Meta {
                    name: zone.name.clone(),
                    ..Default::default()
                };
                let source = zone.nodes.first().map(|n| &t.nodes[n.index()].source);
                out.push(ctx.finding(
                    CHECK.id,
                    severity(count, best),
                    zone.cluster,
                    "Zone",
                    &meta,
                    source,
                    message,
                ));
            }
        }
    }
    out
}
