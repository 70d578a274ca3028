//! One moment of a scenario, judged the same way wherever it is asked: each group's quorum and
//! each lease's fate, from where the pods run, which nodes are down and which reach their control
//! plane. The simulator asks it for its first moment and at its end; the sweep asks it for the
//! first moment of every single failure. One set of rules, so a sweep row is `simulate` of its
//! event at its first moment, by construction.

use serde::Serialize;

use super::Params;
use crate::analysis::quorum_size;
use crate::graph::*;

/// What a moment looks like to the rules: the state of the cluster, whoever holds it.
pub(crate) trait View {
    fn topology(&self) -> &Topology;
    /// Where a pod runs at this moment; None once it stopped (until it is back), or never placed.
    fn placed(&self, pod: PodId) -> Option<NodeId>;
    fn down(&self, node: NodeId) -> bool;
    /// When a pod stopped (its node failed, it was evicted) and whether gracefully; a holder that
    /// stopped lost its lease, even if it is back since.
    fn stopped(&self, pod: PodId) -> Option<(u32, bool)>;
    /// When a stopped pod runs again (recreated), if it does.
    fn back_at(&self, pod: PodId) -> Option<u32>;
    /// The node's side of a partition, when one applies.
    fn side(&self, node: NodeId) -> Option<usize>;
    /// The node reaches its cluster's control plane (its leases can renew).
    fn reaches(&self, node: NodeId) -> bool;
    /// How many sides the network is cut into (0 or 1: not partitioned).
    fn sides(&self) -> usize;
    /// A side's name: its zones (or clusters), comma-separated.
    fn side_name(&self, side: usize) -> String;
}

/// A group's replicas that run at this moment on a node that is up and Ready (on one side).
pub(crate) fn running(v: &dyn View, group: GroupId, side: Option<usize>) -> Vec<PodId> {
    let t = v.topology();
    let w = &t.workloads[t.groups[group.index()].workload.index()];
    w.pods
        .iter()
        .copied()
        .filter(|p| {
            v.placed(*p).is_some_and(|n| {
                !v.down(n)
                    && t.nodes[n.index()].node.is_ready()
                    && side.is_none_or(|s| v.side(n) == Some(s))
            })
        })
        .collect()
}

/// A group's quorum at this moment: its replicas (per side under a partition) and whether some
/// side can still act. A group whose pods are not in the input keeps what its status says.
pub(crate) fn group(v: &dyn View, g: GroupId) -> super::GroupOutcome {
    let t = v.topology();
    let info = &t.groups[g.index()];
    let w = &t.workloads[info.workload.index()];
    let replicas = w.desired();
    let needed = quorum_size(info.mode, replicas);
    if t.pods_absent(g) {
        let available = t.available_now(g);
        return super::GroupOutcome {
            name: t.group_display(g),
            mode: info.mode,
            replicas,
            available,
            needed,
            has_quorum: available >= needed && available > 0,
            pods_absent: true,
            sides: vec![],
            id: g,
        };
    }
    let available = running(v, g, None).len() as u32;
    let partitioned = v.sides() > 1;
    let sides: Vec<(usize, u32)> = if partitioned {
        (0..v.sides())
            .map(|s| (s, running(v, g, Some(s)).len() as u32))
            .collect()
    } else {
        vec![]
    };
    let has_quorum = if partitioned {
        sides.iter().any(|(_, n)| *n >= needed && *n > 0)
    } else {
        available >= needed && available > 0
    };
    super::GroupOutcome {
        name: t.group_display(g),
        mode: info.mode,
        replicas,
        available,
        needed,
        has_quorum,
        pods_absent: false,
        sides: sides
            .into_iter()
            .map(|(s, n)| super::SideCount {
                side: v.side_name(s),
                available: n,
                has_quorum: n >= needed && n > 0,
            })
            .collect(),
        id: g,
    }
}

/// What happens to a lease whose holder stopped, moved or was cut off.
#[derive(Clone, Debug)]
pub(crate) struct Decision {
    /// Seconds after t=0 when the new holder takes over, or the lease expires with no taker.
    pub after: u32,
    /// Who may take it (whoever retries first wins); empty: nobody.
    pub candidates: Vec<PodId>,
    pub reason: String,
    /// The holder still runs on a side cut off from the control plane.
    pub cut_off: bool,
}

impl Decision {
    pub fn winner(&self) -> Option<PodId> {
        self.candidates.first().copied()
    }
}

/// The fate of one lease at this moment; None when its holder is unaffected.
pub(crate) fn lease(v: &dyn View, p: &Params, id: LeaderId) -> Option<Decision> {
    let t = v.topology();
    let info = &t.leaders[id.index()];
    let duration = info
        .record
        .duration_seconds
        .unwrap_or(p.default_lease_seconds);
    let holder_pod = match info.holder {
        Holder::Pod(p) => Some(p),
        _ => None,
    };
    let holder_node = t.holder_node(id);
    let stopped = match info.holder {
        // A holder that stopped (even if recreated since) has lost its lease.
        Holder::Pod(pod) => v.placed(pod).is_none_or(|n| v.down(n)) || v.stopped(pod).is_some(),
        Holder::Node(n) => v.down(n),
        _ => false,
    };
    let moved = holder_pod
        .is_some_and(|pod| v.placed(pod).is_some() && v.placed(pod) != t.pods[pod.index()].node);
    let cut_off = holder_node.is_some_and(|n| !v.down(n) && v.side(n).is_some() && !v.reaches(n));
    if !(stopped || moved || cut_off) {
        return None;
    }
    let graceful = holder_pod
        .and_then(|pod| v.stopped(pod))
        .is_some_and(|(_, g)| g);
    // kube-scheduler releases its lease when it stops (every release the model knows); other
    // electors only when they are built to (`--release-on-cancel`).
    let releases = p.release_on_cancel
        || crate::release::RELEASED_ON_STOP.contains(&(
            info.record.meta.namespace.as_str(),
            info.record.meta.name.as_str(),
        ));
    let after = if graceful && releases { 0 } else { duration };
    // Candidates: ready replicas of the group that can renew (reach the control plane).
    let (candidates, reason, after) = match info.group {
        None => (
            vec![],
            "no group: nobody known to take over".to_string(),
            after,
        ),
        Some(g) => {
            let group = &t.groups[g.index()];
            let w = &t.workloads[group.workload.index()];
            let needed = quorum_size(group.mode, w.desired());
            let ready: Vec<PodId> = running(v, g, None)
                .into_iter()
                .filter(|pod| {
                    let n = v.placed(*pod).expect("running");
                    v.reaches(n) && t.pods[pod.index()].pod.ready
                })
                .collect();
            // Who takes over first: a replica that never stopped measures expiry from the
            // holder's last renewal; one that runs again later (evicted and back at once,
            // recreated after its node's taint) sees the record only then and waits a whole
            // lease duration from there (client-go trusts its own clock, not renewTime), unless
            // the lease was released, or it is the holder itself back under the same identity,
            // which renews at once. A quorum group elects only once a majority runs: the first
            // moment one does, every replica whose wait is over by then may win.
            let at = |pod: PodId| takes_over(v, id, pod, holder_pod, after, duration);
            let up_by = |moment: u32| {
                ready
                    .iter()
                    .filter(|p| v.stopped(**p).is_none() || v.back_at(**p).unwrap_or(0) <= moment)
                    .count() as u32
            };
            let mut moments: Vec<u32> = ready.iter().map(|p| at(*p)).collect();
            moments.sort_unstable();
            let quorum = group.mode == Mode::Quorum;
            let when = moments
                .iter()
                .copied()
                .find(|m| !quorum || up_by(*m) >= needed);
            match when {
                Some(m) => (
                    ready.iter().copied().filter(|p| at(*p) <= m).collect(),
                    "a surviving replica takes over".to_string(),
                    m,
                ),
                None if quorum => (
                    vec![],
                    format!(
                        "{} has no quorum where the lease can renew ({} of {} needed)",
                        t.group_display(g),
                        ready.len(),
                        needed
                    ),
                    after,
                ),
                None => (
                    vec![],
                    format!(
                        "no replica of {} survives where the lease can renew",
                        t.group_display(g)
                    ),
                    after,
                ),
            }
        }
    };
    Some(Decision {
        after,
        candidates,
        reason,
        cut_off,
    })
}

/// When a replica can take a lease over whose holder stopped, in seconds after t=0: at `expiry`
/// (the holder's last renewal plus the duration, or 0 once released) for one that never stopped;
/// one that runs again at `back` first reads the record then and waits a whole duration from
/// there, unless the lease was released or it is the holder back under the same identity.
fn takes_over(
    v: &dyn View,
    id: LeaderId,
    pod: PodId,
    holder: Option<PodId>,
    expiry: u32,
    duration: u32,
) -> u32 {
    match (v.stopped(pod), v.back_at(pod)) {
        (None, _) => expiry,
        (Some(_), back) => {
            let back = back.unwrap_or(0);
            let released = expiry == 0;
            if released || (holder == Some(pod) && same_identity(v.topology(), id, pod)) {
                back
            } else {
                back + duration
            }
        }
    }
}

/// A holder that runs again elects under the identity it held the lease with: its pod keeps its
/// name and the identity is that name (not `name_<uuid>`, new with every process).
fn same_identity(t: &Topology, id: LeaderId, pod: PodId) -> bool {
    !replaced(t, pod)
        && t.leaders[id.index()].record.holder.as_deref()
            == Some(t.pods[pod.index()].pod.meta.name.as_str())
}

/// A pod recreated elsewhere comes back as a new pod of another name (a ReplicaSet's, a
/// DaemonSet's, a bare pod's), not under its own (a StatefulSet's, an operator's).
pub(crate) fn replaced(t: &Topology, pod: PodId) -> bool {
    t.pods[pod.index()].workload.is_none_or(|w| {
        let w = &t.workloads[w.index()];
        w.workload.kind != crate::model::Kind::StatefulSet && w.origin != WorkloadOrigin::Operator
    })
}

/// A split-brain risk: a group (or a lease without one) that may have a leader acting on more
/// than one side at once, with its running replicas on each of those sides.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SplitRisk {
    pub group: String,
    /// Per side that may act: the replicas running there (the cut-off holder's side first).
    pub sides: Vec<Vec<String>>,
}

/// The split-brain risk a decision makes: a holder on a cut-off side keeps acting while another
/// side elects. Named by its group (or the lease, without a group).
pub(crate) fn split_brain(v: &dyn View, id: LeaderId, d: &Decision) -> Option<SplitRisk> {
    let winner = d.winner().filter(|_| d.cut_off)?;
    let t = v.topology();
    let info = &t.leaders[id.index()];
    let names = |pods: Vec<PodId>| pods.into_iter().map(|p| t.pod_display(p)).collect();
    let Some(g) = info.group else {
        let holder = match info.holder {
            Holder::Pod(p) => t.pod_display(p),
            Holder::Node(n) => t.node_display(n),
            _ => info.record.holder.clone().unwrap_or_default(),
        };
        return Some(SplitRisk {
            group: t.leader_display(id),
            sides: vec![vec![holder], vec![t.pod_display(winner)]],
        });
    };
    let holder_side = match info.holder {
        Holder::Pod(p) => v.placed(p),
        Holder::Node(n) => Some(n),
        _ => None,
    }
    .and_then(|n| v.side(n));
    let mut order: Vec<usize> = (0..v.sides()).collect();
    order.sort_by_key(|s| Some(*s) != holder_side);
    let sides = order
        .into_iter()
        .map(|s| running(v, g, Some(s)))
        .filter(|pods| !pods.is_empty())
        .map(names)
        .collect();
    Some(SplitRisk {
        group: t.group_display(g),
        sides,
    })
}

/// Under any partition, a workload running in several clusters elects in each: every side keeps a
/// leader and writes. Once per workload, with its replicas per cluster.
pub(crate) fn dual_active(v: &dyn View) -> Vec<SplitRisk> {
    let t = v.topology();
    crate::analysis::groups_by_workload_name(t)
        .into_iter()
        .filter(|(_, groups)| {
            let clusters: std::collections::BTreeSet<ClusterId> =
                groups.iter().map(|g| t.groups[g.index()].cluster).collect();
            clusters.len() > 1
                && groups
                    .iter()
                    .any(|g| !t.groups[g.index()].leaders.is_empty())
        })
        .map(|(name, groups)| SplitRisk {
            group: name,
            sides: groups
                .iter()
                .map(|g| {
                    running(v, *g, None)
                        .into_iter()
                        .map(|p| t.pod_display(p))
                        .collect()
                })
                .collect(),
        })
        .collect()
}

/// What one moment costs: the groups without quorum, the leases nobody can take over, and the
/// split-brain risks. A sweep row, and `simulate`'s `first_moment`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Moment {
    pub groups_without_quorum: Vec<String>,
    pub leaderless: Vec<String>,
    pub split_brain: Vec<SplitRisk>,
}

/// Per group (has quorum) and per lease (its decision), in index order: the parts of a moment.
pub(crate) struct Parts {
    pub quorum: Vec<bool>,
    pub leases: Vec<Option<Decision>>,
}

impl Parts {
    /// Every group and lease judged on `v`.
    pub fn judge(v: &dyn View, p: &Params) -> Parts {
        let t = v.topology();
        Parts {
            quorum: (0..t.groups.len())
                .map(|g| group(v, GroupId(g as u32)).has_quorum)
                .collect(),
            leases: (0..t.leaders.len())
                .map(|l| lease(v, p, LeaderId(l as u32)))
                .collect(),
        }
    }

    pub fn moment(&self, v: &dyn View, partitioned: bool) -> Moment {
        let t = v.topology();
        let mut risks: Vec<SplitRisk> = Vec::new();
        for (l, d) in self.leases.iter().enumerate() {
            if let Some(risk) = d
                .as_ref()
                .and_then(|d| split_brain(v, LeaderId(l as u32), d))
            {
                risks.push(risk);
            }
        }
        if partitioned {
            risks.extend(dual_active(v));
        }
        // A group's risk once, however many of its leases make it.
        let mut seen = std::collections::HashSet::new();
        risks.retain(|risk| seen.insert(risk.group.clone()));
        Moment {
            groups_without_quorum: self
                .quorum
                .iter()
                .enumerate()
                .filter(|(_, q)| !**q)
                .map(|(g, _)| t.group_display(GroupId(g as u32)))
                .collect(),
            leaderless: self
                .leases
                .iter()
                .enumerate()
                .filter(|(_, d)| d.as_ref().is_some_and(|d| d.winner().is_none()))
                .map(|(l, _)| t.leader_display(LeaderId(l as u32)))
                .collect(),
            split_brain: risks,
        }
    }
}
