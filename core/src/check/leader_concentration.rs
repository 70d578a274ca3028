//! Leaders piled on one node or zone: every failure of it is a storm of re-elections.

use super::*;

pub const CHECK: Check = Check {
    id: "leader-concentration",
    severity: Severity::Warning,
    summary: "More leaders on a node or in a zone than the best placement among eligible replicas gives.",
    help: "Hand leases over to replicas elsewhere (`quorum plan --goal leaders`).",
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let t = ctx.topology;
    let stats = ctx.leaders;
    let mut out = Vec::new();
    let leases_on = |pred: &dyn Fn(NodeId) -> bool| -> Vec<String> {
        stats
            .records
            .iter()
            .filter(|r| !r.expired)
            .filter(|r| t.holder_node(r.id).is_some_and(pred))
            .map(|r| r.lease.clone())
            .collect()
    };
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
            let count = stats
                .per_node
                .get(&t.node_display(id))
                .copied()
                .unwrap_or(0);
            if count > best && count >= 2 {
                let leases = leases_on(&|n| n == id);
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
            let count = stats
                .per_zone
                .get(&t.zone_display(id))
                .copied()
                .unwrap_or(0);
            if count > best && count >= 2 {
                let leases = leases_on(&|n| t.nodes[n.index()].zone == id);
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
