//! What a scenario leads to, as `quorum simulate` reports it: the model's parameters, each
//! group's quorum, re-elections, evictions, pods pending, lost or recreated, stranded volumes,
//! split-brain risks, the timeline and the first moment.

use std::collections::BTreeMap;

use serde::Serialize;

use super::moment;
use crate::graph::*;

/// The behaviour model's parameters; every default is named and reported.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Params {
    /// The Kubernetes release whose rules the model follows, and where that came from.
    pub kubernetes: crate::release::Kubernetes,
    /// Seconds before an unreachable node is marked NotReady (kube-controller-manager).
    pub node_monitor_grace_seconds: u32,
    /// How often the node lifecycle controller looks at the nodes (`--node-monitor-period`).
    pub node_monitor_period_seconds: u32,
    /// Default `tolerationSeconds` for not-ready/unreachable (overridden by a pod's own).
    pub toleration_seconds: u32,
    /// Lease duration when a record does not say.
    pub default_lease_seconds: u32,
    /// Candidates retry this often (client-go's RetryPeriod).
    pub retry_period_seconds: u32,
    /// Failed nodes get the `node.kubernetes.io/out-of-service` taint, so StatefulSet pods are
    /// recreated elsewhere.
    pub out_of_service: bool,
    /// Electors release their lease on a graceful stop (client-go `ReleaseOnCancel`).
    pub release_on_cancel: bool,
    /// Zones where each cluster's control plane runs, when the nodes do not say.
    pub control_plane_zones: Vec<String>,
    /// NotReady nodes tainted NoExecute per second in each zone (`--node-eviction-rate`).
    pub node_eviction_rate: f64,
    /// The same in a zone in partial disruption (`--secondary-node-eviction-rate`).
    pub secondary_node_eviction_rate: f64,
    /// Share of NotReady nodes (more than two) that puts a zone in partial disruption
    /// (`--unhealthy-zone-threshold`).
    pub unhealthy_zone_threshold: f64,
    /// Zones this large or smaller stop evicting in partial disruption
    /// (`--large-cluster-size-threshold`).
    pub large_cluster_size_threshold: u32,
}

impl Default for Params {
    fn default() -> Self {
        Params::for_release(crate::release::Kubernetes::default())
    }
}

impl Params {
    /// The defaults of the release `t`'s model follows ([`Topology::kubernetes`]).
    pub fn of(t: &Topology) -> Params {
        Params::for_release(t.kubernetes.clone())
    }

    /// The defaults of a release: Kubernetes' own, where they changed, that release's.
    pub fn for_release(kubernetes: crate::release::Kubernetes) -> Params {
        let rules = kubernetes.rules();
        Params {
            kubernetes,
            node_monitor_grace_seconds: rules.node_monitor_grace_seconds,
            node_monitor_period_seconds: 5,
            toleration_seconds: 300,
            default_lease_seconds: 15,
            retry_period_seconds: 2,
            out_of_service: false,
            release_on_cancel: false,
            control_plane_zones: vec![],
            node_eviction_rate: 0.1,
            secondary_node_eviction_rate: 0.01,
            unhealthy_zone_threshold: 0.55,
            large_cluster_size_threshold: 50,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct GroupOutcome {
    pub name: String,
    pub mode: Mode,
    pub replicas: u32,
    pub available: u32,
    pub needed: u32,
    pub has_quorum: bool,
    /// Its pods are not in the input: `available` is what its status reports, and no event
    /// can be judged for it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub pods_absent: bool,
    /// Under a partition: replicas per side and whether that side holds a majority.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sides: Vec<SideCount>,
    #[serde(skip)]
    pub id: GroupId,
}

#[derive(Clone, Debug, Serialize)]
pub struct SideCount {
    pub side: String,
    pub available: u32,
    pub has_quorum: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Reelection {
    pub lease: String,
    pub from: Option<String>,
    pub to: Option<String>,
    /// Seconds after t=0 when the new leader takes over (or the lease expires, with no taker).
    pub after_seconds: u32,
    pub candidates: Vec<String>,
    pub reason: String,
    #[serde(skip)]
    pub id: LeaderId,
}

#[derive(Clone, Debug, Serialize)]
pub struct Eviction {
    pub pod: String,
    pub node: String,
    /// `evicted` or `blocked`.
    pub status: &'static str,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct PendingPod {
    pub pod: String,
    pub reason: String,
    /// Why each candidate node was excluded.
    pub excluded: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct LostPod {
    pub pod: String,
    pub node: String,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Rescheduled {
    pub pod: String,
    pub from: String,
    pub to: String,
    pub after_seconds: u32,
    /// The pod is replaced by a new pod of another name (a ReplicaSet's or DaemonSet's); a
    /// StatefulSet's or an operator's pod is recreated under its own name.
    pub replaced: bool,
    /// Every node the real scheduler could pick as well (`to` among them): equally ranked, it
    /// picks at random. Empty when `to` is the only choice.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Stranded {
    pub pvc: String,
    pub pv: String,
    pub pinned_to: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct SplitBrain {
    pub group: String,
    /// Per side that may act: the replicas running there (the cut-off holder's side first).
    pub sides: Vec<Vec<String>>,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct TimelineEntry {
    pub t: u32,
    pub what: String,
}

/// What a scenario does to the cluster.
#[derive(Clone, Debug, Serialize)]
pub struct Outcome {
    pub version: u32,
    pub events: Vec<String>,
    pub params: Params,
    pub groups: Vec<GroupOutcome>,
    pub reelections: Vec<Reelection>,
    /// The most re-elections that happen at the same moment (the failover storm).
    pub max_simultaneous_reelections: u32,
    pub evictions: Vec<Eviction>,
    pub pending: Vec<PendingPod>,
    pub lost: Vec<LostPod>,
    pub rescheduled: Vec<Rescheduled>,
    pub stranded_volumes: Vec<Stranded>,
    pub split_brain: Vec<SplitBrain>,
    pub timeline: Vec<TimelineEntry>,
    pub warnings: Vec<String>,
    /// The first moment: every event applied, before anything is recreated or re-elected
    /// (groups without quorum, leases nobody can take, split-brain risks). The sweep's row.
    pub first_moment: moment::Moment,
    /// Where each pod runs after the scenario (for [`Outcome::after`]).
    #[serde(skip)]
    pub placed: Vec<Option<NodeId>>,
    #[serde(skip)]
    pub node_down: Vec<bool>,
    #[serde(skip)]
    pub cordoned: Vec<bool>,
    #[serde(skip)]
    pub new_holders: Vec<(LeaderId, Option<PodId>)>,
    /// When each recreated pod came back (seconds after t=0), for [`Outcome::fates_at`].
    #[serde(skip)]
    pub recreated_at: Vec<Option<u32>>,
    /// The partition side of each node (indexes into the event's sides), when one applies.
    #[serde(skip)]
    pub side_of_node: Vec<Option<usize>>,
}

impl Outcome {
    pub fn group(&self, name: &str) -> Option<&GroupOutcome> {
        self.groups.iter().find(|g| g.name == name)
    }

    /// Whether a lease has a leader after the scenario.
    pub fn has_leader(&self, t: &Topology, lease: &str) -> Option<bool> {
        let id = (0..t.leaders.len())
            .map(|i| LeaderId(i as u32))
            .find(|l| t.leader_display(*l) == lease)?;
        match self.reelections.iter().find(|r| r.id == id) {
            Some(r) => Some(r.to.is_some()),
            None => Some(!matches!(
                t.leaders[id.index()].holder,
                Holder::Vacant | Holder::Unresolved | Holder::Ambiguous
            )),
        }
    }

    /// The topology after the scenario: failed nodes NotReady, cordons, pods where they run now,
    /// leases with their new holders. Analysis runs on it unchanged.
    pub fn after(&self, t: &Topology) -> Topology {
        let mut after = t.clone();
        for (i, node) in std::sync::Arc::make_mut(&mut after.nodes)
            .iter_mut()
            .enumerate()
        {
            if self.node_down[i] {
                std::sync::Arc::make_mut(&mut node.node).ready = Some(false);
            }
            if self.cordoned[i] {
                std::sync::Arc::make_mut(&mut node.node).unschedulable = true;
            }
            node.pods.clear();
        }
        for (i, pod) in std::sync::Arc::make_mut(&mut after.pods)
            .iter_mut()
            .enumerate()
        {
            let placed = self.placed[i];
            if placed.is_none() && pod.node.is_some_and(|n| !self.node_down[n.index()]) {
                // Evicted and not recreated anywhere: Pending.
                let pod = std::sync::Arc::make_mut(pod);
                pod.pod.phase = crate::model::PodPhase::Pending;
                pod.pod.ready = false;
                pod.node = None;
            } else if let Some(n) = placed
                && pod.node != Some(n)
            {
                // Only the pods that moved are copied (a pod on a node is named after it).
                let pod = std::sync::Arc::make_mut(pod);
                pod.node = Some(n);
                pod.pod.node_name = Some(t.nodes[n.index()].name().to_string());
            }
        }
        for i in 0..after.pods.len() {
            if let Some(n) = after.pods[i].node {
                std::sync::Arc::make_mut(&mut after.nodes)[n.index()]
                    .pods
                    .push(PodId(i as u32));
            }
        }
        for (lease, holder) in &self.new_holders {
            let l = &mut after.leaders[lease.index()];
            match holder {
                Some(p) => {
                    l.holder = Holder::Pod(*p);
                    std::sync::Arc::make_mut(&mut l.record).holder =
                        Some(t.pods[p.index()].pod.meta.name.clone());
                }
                None => {
                    l.holder = Holder::Vacant;
                    std::sync::Arc::make_mut(&mut l.record).holder = None;
                }
            }
        }
        after
    }
}

/// Errors that stop a scenario before it runs (an unknown name).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0}")]
pub struct ScenarioError(pub String);
