//! Replicas whose data lives on one machine: local volumes and hostPath.

use super::*;

pub const CHECK: Check = Check {
    id: "pv-node-pinned",
    severity: Severity::Warning,
    summary: "A group's replica keeps its data on one node (local volume or hostPath).",
    help: "If the node fails, the replica cannot run anywhere else; make sure the group can lose \
           it, or use network storage.",
    run: None,
    per_group: Some(PerGroup {
        find,
        reads_nodes: None,
    }),
};

fn find(ctx: &Context<'_>, g: &GroupStats, out: &mut Vec<Finding>) {
    let t = ctx.topology;
    let group = &t.groups[g.id.index()];
    let w = &t.workloads[group.workload.index()];
    // Static control-plane pods live on their node by definition.
    if w.origin == crate::graph::WorkloadOrigin::Static {
        return;
    }
    for p in &w.pods {
        let pod = &t.pods[p.index()];
        let pinned = pod.pvcs.iter().find_map(|c| {
            let pv = &t.pvs[t.pvcs[c.index()].pv?.index()];
            match &pv.pin {
                Pin::Nodes(nodes) => Some(format!(
                    "{} (local to node {})",
                    pv.pv.meta.name,
                    nodes.join(", ")
                )),
                _ if pv.pv.node_local => {
                    Some(format!("{} (a {} volume)", pv.pv.meta.name, "node-local"))
                }
                _ => None,
            }
        });
        let message = match (pinned, &pod.pod.host_path) {
            (Some(what), _) => format!(
                "replica of {} keeps its data on {what}: if that node fails, the replica cannot \
                 be recreated elsewhere (its volume is bound to the node), and the group runs \
                 one replica short until the node returns.",
                g.name
            ),
            // A hostPath binds nothing: the pod is recreated elsewhere, without the data.
            (None, Some(path)) => format!(
                "replica of {} keeps data in the hostPath {path} on its node: if that node \
                 fails, a replacement elsewhere starts without that data (it stays on the \
                 node), so the group must be able to rebuild a replica from its peers.",
                g.name
            ),
            (None, None) => continue,
        };
        out.push(ctx.on_pod(*p, CHECK.id, Severity::Warning, message));
    }
}
