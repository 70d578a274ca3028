//! The PV node-affinity trap: a pod running where its volume cannot be, or a pod that no ready,
//! schedulable node can host because its volume pins it to a place without one.

use super::*;
use crate::model::{NodeSelector, Toleration};

pub const CHECK: Check = Check {
    id: "pv-zone-conflict",
    severity: Severity::Critical,
    summary: "A pod is outside its volume's node affinity, or no usable node can reach its volume.",
    help: "Restore the volume in a zone with capacity (snapshot and restore), or add nodes where \
           the volume is; use WaitForFirstConsumer so new volumes follow their pods.",
    // A group's pods with the group, the others with the graph.
    run: Some(ungrouped),
    per_group: Some(PerGroup {
        find,
        reads_nodes: Some(asks_every_node),
    }),
};

/// Whether judging a group's pods reads other nodes than theirs: one of them, active with a
/// bound volume, is not running on a ready node, and whether any node could host it is a scan
/// of every node ([`of_pod`]'s `Unplaced`, or more).
fn asks_every_node(ctx: &Context<'_>, g: &GroupStats) -> bool {
    let t = ctx.topology;
    let w = &t.workloads[t.groups[g.id.index()].workload.index()];
    // Its statistics counted every pod running on a ready node: none asks (read first, without
    // following a pod).
    if g.available as usize == w.pods.len() && !g.pods_absent {
        return false;
    }
    w.pods.iter().any(|p| {
        let pod = &t.pods[p.index()];
        pod.pod.is_active()
            && pod.pvcs.iter().any(|c| t.pvcs[c.index()].pv.is_some())
            && !pod.node.is_some_and(|n| t.nodes[n.index()].node.is_ready())
    })
}

/// Whether a node could take a pod as far as taints go (NoSchedule and NoExecute).
pub(crate) fn tolerated(t: &Topology, pod: PodId, node: NodeId) -> bool {
    let placement = &t.pods[pod.index()].pod.placement;
    t.nodes[node.index()]
        .node
        .taints
        .iter()
        .all(|taint| placement.tolerates(taint))
}

/// The first volume of an active, placed pod that its node cannot reach (the volume's node
/// affinity excludes it): the pod runs where its data is not. The check's rule, and the fact the
/// front ends mark on the pod.
pub fn volume_out_of_reach(t: &Topology, pod: PodId) -> Option<PvId> {
    let info = &t.pods[pod.index()];
    let id = info.node?;
    let node = &t.nodes[id.index()];
    if !info.pod.is_active() {
        return None;
    }
    info.pvcs
        .iter()
        .filter_map(|c| t.pvcs[c.index()].pv)
        .find(|pv| !t.pvs[pv.index()].admits(id, node))
}

/// The pods of one group.
fn find(ctx: &Context<'_>, g: &GroupStats, out: &mut Vec<Finding>) {
    let t = ctx.topology;
    let w = &t.workloads[t.groups[g.id.index()].workload.index()];
    let mut asking = Vec::new();
    for p in &w.pods {
        match of_pod(ctx, *p, &t.pods[p.index()]) {
            Placed::Conflict(f) => out.push(f),
            Placed::Unplaced => asking.push(*p),
            Placed::Fine => {}
        }
    }
    if !asking.is_empty() {
        out.extend(unplaced(ctx, asking));
    }
}

/// The pods of no group (bare pods, workloads that make none).
fn ungrouped(ctx: &Context<'_>) -> Vec<Finding> {
    use rayon::prelude::*;
    let t = ctx.topology;
    let grouped = |pod: &PodInfo| pod.workload.and_then(|w| t.group_of_workload(w)).is_some();
    // One pod at a time, on every core.
    let (mut findings, asking): (Vec<Finding>, Vec<PodId>) = t
        .pods
        .par_iter()
        .enumerate()
        .with_min_len(4096)
        .filter(|(_, pod)| !grouped(pod))
        .filter_map(|(i, pod)| match of_pod(ctx, PodId(i as u32), pod) {
            Placed::Conflict(f) => Some(Ok(f)),
            Placed::Unplaced => Some(Err(PodId(i as u32))),
            Placed::Fine => None,
        })
        .partition_map(|r| match r {
            Ok(f) => rayon::iter::Either::Left(f),
            Err(p) => rayon::iter::Either::Right(p),
        });
    findings.extend(unplaced(ctx, asking));
    findings
}

/// The findings of pods not running on a ready node (`asking`) that no usable node can host.
/// Each asks whether any usable node of its cluster reaches its volumes, a scan of every node,
/// answered once for all the pods that ask it the same way (same cluster, tolerations and
/// volume affinities).
fn unplaced(ctx: &Context<'_>, asking: Vec<PodId>) -> Vec<Finding> {
    let t = ctx.topology;
    let mut findings = Vec::new();
    type Question<'t> = (ClusterId, &'t [Toleration], Vec<Option<&'t NodeSelector>>);
    let mut answers: Vec<(Question<'_>, bool)> = Vec::new();
    for id in asking {
        let pod = &t.pods[id.index()];
        let pvs = volumes(t, pod);
        let question: Question<'_> = (
            pod.cluster,
            &pod.pod.placement.tolerations,
            pvs.iter()
                .map(|pv| t.pvs[pv.index()].pv.node_affinity.as_ref())
                .collect(),
        );
        let reachable = match answers.iter().find(|(q, _)| *q == question) {
            Some((_, answer)) => *answer,
            None => {
                let answer = reachable(t, id, &pvs);
                answers.push((question, answer));
                answer
            }
        };
        if !reachable && !t.clusters[pod.cluster.index()].zones.is_empty() {
            findings.push(unreachable(ctx, id, &pvs));
        }
    }
    findings
}

/// What one pod's volumes say: it runs out of their reach, it asks where it could run, or
/// nothing is wrong.
enum Placed {
    Conflict(Finding),
    Unplaced,
    Fine,
}

/// The bound volumes of a pod's claims.
fn volumes(t: &Topology, pod: &PodInfo) -> Vec<PvId> {
    pod.pvcs
        .iter()
        .filter_map(|c| t.pvcs[c.index()].pv)
        .collect()
}

/// Whether some ready, schedulable node of the pod's cluster whose taints it tolerates reaches
/// every one of `pvs`.
fn reachable(t: &Topology, id: PodId, pvs: &[PvId]) -> bool {
    let cluster = t.pods[id.index()].cluster;
    t.clusters[cluster.index()].zones.iter().any(|z| {
        t.zones[z.index()].nodes.iter().any(|n| {
            let node = &t.nodes[n.index()];
            node.accepts_pods()
                && tolerated(t, id, *n)
                && pvs.iter().all(|pv| t.pvs[pv.index()].admits(*n, node))
        })
    })
}

fn of_pod(ctx: &Context<'_>, id: PodId, pod: &PodInfo) -> Placed {
    let t = ctx.topology;
    // Most pods claim no volume: that is read first, without following the pod's spec.
    if pod.pvcs.is_empty() || !pod.pod.is_active() {
        return Placed::Fine;
    }
    if !pod.pvcs.iter().any(|c| t.pvcs[c.index()].pv.is_some()) {
        return Placed::Fine;
    }
    let running_on = pod.node.filter(|n| t.nodes[n.index()].node.is_ready());
    if let Some(node) = pod.node {
        let n = &t.nodes[node.index()];
        if let Some(pv) = volume_out_of_reach(t, id) {
            let pv = &t.pvs[pv.index()];
            let message = format!(
                "runs on node {} in zone {}, but its volume {} is pinned to {}: the pod is not \
                 where its data is (a rescheduled pod kept a stale or empty volume). Stop it, and \
                 restore the data into a volume {} can reach, or move the pod back to {}.",
                t.node_display(node),
                t.zone_display(n.zone),
                pv.pv.meta.name,
                pv.pin.describe(),
                t.zone_display(n.zone),
                pv.pin.describe()
            );
            return Placed::Conflict(ctx.on_pod(id, CHECK.id, Severity::Critical, message));
        }
    }
    if running_on.is_some() {
        Placed::Fine
    } else {
        Placed::Unplaced
    }
}

/// The finding of a pod no usable node can host because of its volumes (`pvs`, not empty).
fn unreachable(ctx: &Context<'_>, id: PodId, pvs: &[PvId]) -> Finding {
    let t = ctx.topology;
    let cluster = t.pods[id.index()].cluster;
    let pv = &t.pvs[pvs[0].index()];
    let usable_in_pin = match &pv.pin {
        Pin::Zones(zones) => {
            let nodes: usize = t.clusters[cluster.index()]
                .zones
                .iter()
                .filter(|z| zones.contains(&t.zones[z.index()].name))
                .map(|z| t.zones[z.index()].nodes.len())
                .sum();
            if nodes == 0 {
                format!("{} has no nodes at all", zones.join(", "))
            } else {
                format!("none of the {nodes} nodes there is ready, schedulable and tolerated")
            }
        }
        _ => "no ready, schedulable node matches it".to_string(),
    };
    let message = format!(
        "cannot be scheduled anywhere: its volume {} is pinned to {}, and {usable_in_pin}. \
         The pod stays Pending until a node there is available; restore the data into a \
         zone with capacity (snapshot and restore) or add nodes to that zone.",
        pv.pv.meta.name,
        pv.pin.describe(),
    );
    ctx.on_pod(id, CHECK.id, Severity::Critical, message)
}
