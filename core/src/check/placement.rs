//! Where a group's replicas run against its failure domains: quorum already lost, one zone or one
//! node holding enough replicas to take the quorum with it, and groups with nothing to lose.

use super::*;
use crate::graph::Mode;

pub const QUORUM_LOST: Check = Check {
    id: "quorum-lost",
    severity: Severity::Critical,
    summary: "A group has fewer running replicas than it needs right now.",
    help: "Find out why replicas are Pending or on NotReady nodes before anything else fails.",
    run: None,
    per_group: Some(PerGroup {
        find: |ctx, g, out| out.extend(quorum_lost(ctx, g)),
        reads_nodes: None,
    }),
};

pub const QUORUM_ZONE_LOSS: Check = Check {
    id: "quorum-zone-loss",
    severity: Severity::Critical,
    summary: "One zone holds enough replicas of a quorum group that losing it loses quorum.",
    help: "Spread the replicas so no zone holds more than replicas minus quorum: a \
           topologySpreadConstraint on the zone label with maxSkew 1 and DoNotSchedule.",
    run: None,
    per_group: Some(PerGroup {
        find: |ctx, g, out| out.extend(quorum_zone_loss(ctx, g)),
        reads_nodes: None,
    }),
};

pub const QUORUM_NODE_LOSS: Check = Check {
    id: "quorum-node-loss",
    severity: Severity::Critical,
    summary: "One node holds enough replicas of a quorum group that losing it loses quorum.",
    help: "Add required pod anti-affinity on kubernetes.io/hostname so replicas never share a node.",
    run: None,
    per_group: Some(PerGroup {
        find: |ctx, g, out| out.extend(quorum_node_loss(ctx, g)),
        reads_nodes: Some(always),
    }),
};

pub const REPLICAS_ZONE_LOSS: Check = Check {
    id: "replicas-zone-loss",
    severity: Severity::Warning,
    summary: "Every replica of a leader-elected workload runs in one zone.",
    help: "Spread the replicas over zones so a leader can be elected after a zone outage.",
    run: None,
    per_group: Some(PerGroup {
        find: |ctx, g, out| out.extend(replicas_zone_loss(ctx, g)),
        reads_nodes: None,
    }),
};

pub const REPLICAS_NODE_LOSS: Check = Check {
    id: "replicas-node-loss",
    severity: Severity::Warning,
    summary: "Every replica of a leader-elected workload runs on one node.",
    help: "Add pod anti-affinity on kubernetes.io/hostname so a node failure leaves a candidate.",
    run: None,
    per_group: Some(PerGroup {
        find: |ctx, g, out| out.extend(replicas_node_loss(ctx, g)),
        reads_nodes: Some(always),
    }),
};

pub const SINGLE_REPLICA: Check = Check {
    id: "single-replica",
    severity: Severity::Info,
    summary: "A group of one replica has no redundancy to lose.",
    help: "Any node or zone failure takes it down; run more replicas if it must survive one.",
    run: None,
    per_group: Some(PerGroup {
        find: |ctx, g, out| out.extend(single_replica(ctx, g)),
        reads_nodes: None,
    }),
};

fn workload(ctx: &Context<'_>, g: &GroupStats) -> WorkloadId {
    ctx.topology.groups[g.id.index()].workload
}

/// The leases a leader group holds, for a message ("its lease" when none is known).
fn held(g: &GroupStats) -> String {
    if g.leases.is_empty() {
        "its lease".to_string()
    } else {
        g.leases.join(", ")
    }
}

/// Whether a group's placement can be judged: more than one replica, at least one running.
fn judged(g: &GroupStats) -> bool {
    g.replicas > 1 && g.available > 0 && g.has_quorum()
}

fn quorum_lost(ctx: &Context<'_>, g: &GroupStats) -> Option<Finding> {
    // A workload none of whose pods is in the input is judged by its status; without one
    // (manifests) there is no evidence its replicas are down.
    if g.replicas == 0 || g.has_quorum() {
        return None;
    }
    if g.pods_absent && ctx.topology.status_ready(g.id).is_none() {
        return None;
    }
    let message = match g.mode {
        _ if g.pods_absent => format!(
            "its status reports {} of {} replicas ready, and it needs {}{} (its pods are not \
             in the input, so this is the controller's word). Find out why the others are \
             not ready before anything else fails.",
            g.available,
            g.replicas,
            g.needed,
            if g.mode == Mode::Quorum {
                " for a quorum"
            } else {
                ""
            }
        ),
        Mode::Quorum => format!(
            "only {} of {} replicas run on a ready node; a quorum needs {}: the group cannot \
             elect a leader or accept writes now. Find out why the others are not running \
             (Pending, NotReady node) before anything else fails.",
            g.available, g.replicas, g.needed
        ),
        Mode::Leader => format!(
            "none of its {} replicas runs on a ready node: nobody can hold its lease{}.",
            g.replicas,
            if g.leases.is_empty() {
                String::new()
            } else {
                format!(" ({})", g.leases.join(", "))
            }
        ),
    };
    Some(ctx.on_workload(
        workload(ctx, g),
        QUORUM_LOST.id,
        Severity::Critical,
        message,
    ))
}

/// Whether any layout of `replicas` over `domains` domains survives losing one of them.
fn some_layout_survives(replicas: u32, needed: u32, domains: usize) -> bool {
    domains > 0 && replicas - replicas.div_ceil(domains as u32) >= needed
}

fn quorum_zone_loss(ctx: &Context<'_>, g: &GroupStats) -> Option<Finding> {
    let t = ctx.topology;
    if !judged(g) || g.mode != Mode::Quorum || g.survives.zone != Some(false) {
        return None;
    }
    let (zone, in_zone) = g.worst_zone.clone().unwrap_or_default();
    let cluster = t.groups[g.id.index()].cluster;
    let zones = t.known_zone_count(cluster);
    let left = g.available - in_zone;
    let mut message = format!(
        "{in_zone} of {} running replicas are in zone {zone}; losing it leaves {left}, and a \
         quorum needs {} of {}.",
        g.available, g.needed, g.replicas
    );
    let severity = if zones <= 1 {
        message.push_str(
            " The cluster has a single zone, so a zone outage takes the whole group: run it \
             across zones (or clusters) if it must survive one.",
        );
        Severity::Warning
    } else if some_layout_survives(g.replicas, g.needed, zones) {
        message.push_str(&format!(
            " Place at most {} per zone: add a topologySpreadConstraint on {} with \
             maxSkew: 1 and whenUnsatisfiable: DoNotSchedule, then move one replica out of {zone}.",
            crate::contract::count((g.replicas - g.needed) as usize, "replica", "replicas"),
            t.zone_label
        ));
        Severity::Critical
    } else {
        message.push_str(&format!(
            " With {} replicas over {zones} zones no layout survives losing a zone: add a \
             zone, or an odd number of replicas with a witness in a third site.",
            g.replicas
        ));
        Severity::Critical
    };
    Some(ctx.on_workload(workload(ctx, g), QUORUM_ZONE_LOSS.id, severity, message))
}

/// Nodes that can take one of the group's replicas: ready (or not in the export, assumed so),
/// schedulable, with no taint its pods do not tolerate, and admitted by their node selector and
/// required node affinity.
fn schedulable_nodes(ctx: &Context<'_>, g: &GroupStats) -> usize {
    let t = ctx.topology;
    let group = &t.groups[g.id.index()];
    let w = &t.workloads[group.workload.index()];
    // The pods' own spec when there are pods, else the workload's template.
    let placement = w
        .pods
        .first()
        .map_or(&w.workload.placement, |p| &t.pods[p.index()].pod.placement);
    t.nodes
        .iter()
        .filter(|n| n.cluster == group.cluster && n.node.is_ready() && !n.node.unschedulable)
        .filter(|n| n.node.taints.iter().all(|taint| placement.tolerates(taint)))
        .filter(|n| {
            placement
                .node_selector
                .iter()
                .all(|(k, v)| n.node.meta.labels.get(k) == Some(v))
        })
        .filter(|n| {
            placement
                .required_node_affinity
                .as_ref()
                .is_none_or(|a| a.matches(n.name(), &n.node.meta.labels))
        })
        .count()
}

/// How to keep replicas on different nodes, where the cluster has enough of them; else that it
/// has not (required anti-affinity would leave the extra replicas Pending).
fn node_advice(ctx: &Context<'_>, g: &GroupStats, required: bool) -> (String, bool) {
    let nodes = schedulable_nodes(ctx, g);
    if (g.replicas as usize) > nodes {
        (
            format!(
                "The cluster has {} for {} replicas, so anti-affinity on kubernetes.io/hostname \
                 would leave replicas Pending: add nodes if the group must survive losing one.",
                crate::contract::count(nodes, "schedulable node", "schedulable nodes"),
                g.replicas
            ),
            false,
        )
    } else if required {
        (
            "Add required pod anti-affinity on kubernetes.io/hostname so no two replicas share a \
             node."
                .to_string(),
            true,
        )
    } else {
        (
            "Add pod anti-affinity on kubernetes.io/hostname.".to_string(),
            true,
        )
    }
}

fn quorum_node_loss(ctx: &Context<'_>, g: &GroupStats) -> Option<Finding> {
    if !judged(g) || g.mode != Mode::Quorum || g.survives.node != Some(false) {
        return None;
    }
    let (node, on_node) = g.worst_node.clone().unwrap_or_default();
    let (advice, fixable) = node_advice(ctx, g, true);
    let message = format!(
        "{on_node} of {} running replicas are on node {node}; losing that node leaves {}, and \
         a quorum needs {}. {advice}",
        g.available,
        g.available - on_node,
        g.needed
    );
    // Like a single zone: true, but nothing to fix inside this cluster.
    let severity = if fixable {
        Severity::Critical
    } else {
        Severity::Warning
    };
    Some(ctx.on_workload(workload(ctx, g), QUORUM_NODE_LOSS.id, severity, message))
}

fn replicas_zone_loss(ctx: &Context<'_>, g: &GroupStats) -> Option<Finding> {
    let t = ctx.topology;
    if !judged(g) || g.mode != Mode::Leader || g.survives.zone != Some(false) {
        return None;
    }
    if t.known_zone_count(t.groups[g.id.index()].cluster) <= 1 {
        return None;
    }
    let (zone, _) = g.worst_zone.clone().unwrap_or_default();
    let message = format!(
        "all {} running replicas are in zone {zone}: if it fails, no replica is left to take \
         over {}. Spread the replicas over zones.",
        g.available,
        held(g)
    );
    Some(ctx.on_workload(
        workload(ctx, g),
        REPLICAS_ZONE_LOSS.id,
        Severity::Warning,
        message,
    ))
}

fn replicas_node_loss(ctx: &Context<'_>, g: &GroupStats) -> Option<Finding> {
    if !judged(g) || g.mode != Mode::Leader || g.survives.node != Some(false) {
        return None;
    }
    let (node, _) = g.worst_node.clone().unwrap_or_default();
    let (advice, _) = node_advice(ctx, g, false);
    let message = format!(
        "all {} running replicas are on node {node}: if it fails, nobody can take over {}. \
         {advice}",
        g.available,
        held(g)
    );
    Some(ctx.on_workload(
        workload(ctx, g),
        REPLICAS_NODE_LOSS.id,
        Severity::Warning,
        message,
    ))
}

fn single_replica(ctx: &Context<'_>, g: &GroupStats) -> Option<Finding> {
    if g.replicas != 1 || !g.replicas_known {
        return None;
    }
    let message = format!(
        "one replica ({} group): any failure of its node or zone takes it down, and there is \
         no redundancy to lose. Run at least {} replicas if it must survive one failure.",
        match g.mode {
            Mode::Quorum => "quorum",
            Mode::Leader => "leader",
        },
        match g.mode {
            Mode::Quorum => 3,
            Mode::Leader => 2,
        }
    );
    Some(ctx.on_workload(workload(ctx, g), SINGLE_REPLICA.id, Severity::Info, message))
}
