//! The topology graph: clusters → regions → zones → nodes → pods, workloads and their groups,
//! PVC → PV → StorageClass, PDBs and leader records, with indexes that make every query
//! O(answer). This is the only module that exposes petgraph ([`Topology::petgraph`]).
//!
//! Objects live in arenas (`Vec`s) addressed by small typed ids; the relations between them are
//! resolved once, here, so analysis, simulation and the front ends never match names again.

mod build;
mod export;
pub mod holder;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::model::*;
pub use build::{
    BuildOptions, Changed, DEFAULT_ZONE_LABEL, GroupMode, HOSTNAME_LABEL, LEGACY_ZONE_LABEL,
    ZONE_KEYS, pod_in_place, same_place,
};
pub use export::{Edge, Vertex, workload_kind};

macro_rules! ids {
    ($($name:ident),*) => {$(
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        pub struct $name(pub u32);
        impl $name {
            pub fn index(self) -> usize { self.0 as usize }
        }
    )*};
}
ids!(
    ClusterId, ZoneId, NodeId, PodId, WorkloadId, PvcId, PvId, ClassId, PdbId, LeaderId, GroupId
);

pub const UNKNOWN_ZONE: &str = "unknown";

#[derive(Clone, Debug, Serialize)]
pub struct ClusterInfo {
    pub name: String,
    pub zones: Vec<ZoneId>,
    /// Zones of the control-plane nodes (where this cluster's leases renew).
    pub control_plane_zones: Vec<ZoneId>,
    /// Control-plane nodes per zone (etcd members are stacked on them: a side needs a majority).
    pub control_plane_nodes: Vec<(ZoneId, u32)>,
    /// The kinds known to have been exported (listed, even empty), for the whole cluster.
    pub listed: std::collections::BTreeSet<Kind>,
    /// And for one namespace.
    pub listed_in: std::collections::BTreeSet<(Kind, String)>,
    /// Some input was exported kind by kind: a kind not listed was not exported.
    pub by_kind: bool,
}

impl ClusterInfo {
    /// Whether the export tells what there is of `kind` in `namespace`: it was listed for the
    /// cluster or that namespace, or the input is no export made kind by kind (manifests, one
    /// mixed `List`), where an absent kind has none.
    pub fn exported(&self, kind: Kind, namespace: &str) -> bool {
        !self.by_kind
            || self.listed.contains(&kind)
            || self.listed_in.contains(&(kind, namespace.to_string()))
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct ZoneInfo {
    pub cluster: ClusterId,
    pub name: String,
    pub region: String,
    pub nodes: Vec<NodeId>,
}

#[derive(Clone, Debug)]
pub struct NodeInfo {
    pub cluster: ClusterId,
    pub zone: ZoneId,
    /// Shared by the graphs a change or a scenario makes of this one, until one changes it.
    pub node: std::sync::Arc<Node>,
    pub source: Source,
    pub pods: Vec<PodId>,
}

impl NodeInfo {
    pub fn name(&self) -> &str {
        &self.node.meta.name
    }

    /// Ready, schedulable, and not tainted against ordinary pods.
    pub fn accepts_pods(&self) -> bool {
        self.node.is_ready() && !self.node.unschedulable
    }
}

#[derive(Clone, Debug)]
pub struct PodInfo {
    pub cluster: ClusterId,
    pub pod: Pod,
    pub source: Source,
    pub node: Option<NodeId>,
    pub workload: Option<WorkloadId>,
    pub pvcs: Vec<PvcId>,
}

impl PodInfo {
    pub fn name(&self) -> String {
        qualified(&self.pod.meta.namespace, &self.pod.meta.name)
    }
}

/// Where a workload's definition comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum WorkloadOrigin {
    /// An object in the input.
    Object,
    /// Inferred from its pods' owner references (the object itself was not exported).
    Inferred,
    /// Static pods of the same name on several nodes (control-plane components).
    Static,
    /// Pods an operator's custom resource owns directly (CloudNativePG `Cluster`, Strimzi
    /// `StrimziPodSet`, ...): grouped by their owner; a leader group when they hold a lease,
    /// otherwise only when `.quorum.yaml` says so.
    Operator,
}

#[derive(Clone, Debug)]
pub struct WorkloadInfo {
    pub cluster: ClusterId,
    pub workload: std::sync::Arc<Workload>,
    pub source: Option<Source>,
    pub origin: WorkloadOrigin,
    /// The owner's kind when it is a custom resource.
    pub custom_kind: Option<String>,
    pub pods: Vec<PodId>,
    pub pdbs: Vec<PdbId>,
}

impl WorkloadInfo {
    pub fn name(&self) -> String {
        qualified(&self.workload.meta.namespace, &self.workload.meta.name)
    }

    /// The replica count the workload is meant to have: spec, or the pods seen.
    pub fn desired(&self) -> u32 {
        self.workload.replicas.unwrap_or(self.pods.len() as u32)
    }

    /// Whether [`Self::desired`] is its replica count: its spec says so, or its pods were listed
    /// with their peers (not picked out one by one, when others may exist unseen).
    pub fn replicas_known(&self, pods: &[std::sync::Arc<PodInfo>]) -> bool {
        self.workload.replicas.is_some() || self.pods.iter().all(|p| !pods[p.index()].pod.alone)
    }
}

/// How a volume pins the pods that use it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Pin {
    /// No node affinity: the volume follows the pod (network storage) or is unknown.
    None,
    /// Only nodes in these zones (zonal disks).
    Zones(Vec<String>),
    /// Only these nodes (local volumes, hostPath).
    Nodes(Vec<String>),
    /// Some other node affinity: check it against each node.
    Other,
}

impl Pin {
    pub fn describe(&self) -> String {
        match self {
            Pin::None => "nothing".into(),
            Pin::Zones(z) => format!("zone:{}", z.join(",")),
            Pin::Nodes(n) => format!("node:{}", n.join(",")),
            Pin::Other => "node affinity".into(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct PvcInfo {
    pub cluster: ClusterId,
    pub pvc: std::sync::Arc<Pvc>,
    pub source: Source,
    pub pv: Option<PvId>,
    pub pods: Vec<PodId>,
}

#[derive(Clone, Debug)]
pub struct PvInfo {
    pub cluster: ClusterId,
    pub pv: Pv,
    pub source: Source,
    pub class: Option<ClassId>,
    pub pvc: Option<PvcId>,
    pub pin: Pin,
    /// For a volume pinned to zones, the nodes of its cluster its node affinity admits, by
    /// [`NodeId`] (one bit each), shared by the volumes of the same affinity: asked for every
    /// pod, the affinity itself costs a walk through the node's labels. Node labels never
    /// change in a graph (a relabelled node is a new build).
    pub reach: Option<std::sync::Arc<[u64]>>,
}

impl PvInfo {
    /// Whether node `id` can reach this volume (its node affinity admits the node).
    pub fn admits(&self, id: NodeId, node: &NodeInfo) -> bool {
        let i = id.index();
        match (&self.reach, &self.pv.node_affinity) {
            (Some(bits), affinity) if node.cluster == self.cluster && i / 64 < bits.len() => {
                let admitted = bits[i / 64] >> (i % 64) & 1 == 1;
                debug_assert_eq!(
                    Some(admitted),
                    affinity
                        .as_ref()
                        .map(|a| a.matches(node.name(), &node.node.meta.labels)),
                    "volume {}: its reach is not its affinity's (changed without set_affinity)",
                    self.pv.meta.name
                );
                admitted
            }
            (_, Some(sel)) => sel.matches(node.name(), &node.node.meta.labels),
            (_, None) => true,
        }
    }

    /// Gives the volume another node affinity (data restored elsewhere) and its pin, with its
    /// reach among `nodes` (the graph's).
    pub fn set_affinity(&mut self, affinity: NodeSelector, pin: Pin, nodes: &[NodeInfo]) {
        self.pin = pin;
        self.reach =
            matches!(self.pin, Pin::Zones(_)).then(|| reach_of(nodes, self.cluster, &affinity));
        self.pv.node_affinity = Some(affinity);
    }
}

/// The nodes of `cluster` among `nodes` that `affinity` admits, one bit per [`NodeId`].
pub fn reach_of(
    nodes: &[NodeInfo],
    cluster: ClusterId,
    affinity: &NodeSelector,
) -> std::sync::Arc<[u64]> {
    let mut bits = vec![0u64; nodes.len().div_ceil(64)];
    for (i, n) in nodes.iter().enumerate() {
        if n.cluster == cluster && affinity.matches(n.name(), &n.node.meta.labels) {
            bits[i / 64] |= 1 << (i % 64);
        }
    }
    bits.into()
}

#[derive(Clone, Debug)]
pub struct ClassInfo {
    pub cluster: ClusterId,
    pub class: StorageClass,
    pub source: Source,
    pub pvs: Vec<PvId>,
}

#[derive(Clone, Debug)]
pub struct PdbInfo {
    pub cluster: ClusterId,
    pub pdb: std::sync::Arc<Pdb>,
    pub source: Source,
    pub pods: Vec<PodId>,
}

/// Who holds a leader record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Holder {
    Pod(PodId),
    Node(NodeId),
    /// A holder identity that names neither a pod nor a node of this cluster.
    Unresolved,
    /// An identity that could be several pods (or nodes): not guessed
    /// ([`LeaderInfo::candidates`] lists the pods).
    Ambiguous,
    /// A control-plane election held by machines outside the export (a managed control plane).
    External,
    /// Nobody holds it (empty holderIdentity).
    Vacant,
}

#[derive(Clone, Debug)]
pub struct LeaderInfo {
    pub cluster: ClusterId,
    /// Shared by the graphs a change or a scenario makes of this one, until one changes it.
    pub record: std::sync::Arc<LeaderRecord>,
    pub source: Source,
    pub holder: Holder,
    pub group: Option<GroupId>,
    /// The time this record is judged at: the time given (`--now`, a live read's clock), else
    /// its own file's collection time, the newest renewal in that file (an export collected
    /// piece by piece is judged piece by piece). None: no time is known.
    pub judged_at: Option<DateTime<Utc>>,
    /// Whether `judged_at` is a file's newest renewal, so electors' clock skew is allowed for.
    pub judged_at_file_time: bool,
    /// The pods an ambiguous identity could be.
    pub candidates: Vec<PodId>,
}

/// The clock skew between electors allowed when a lease is judged at its file's newest
/// renewal: a record renewed this much less recently than its neighbours is not yet expired.
pub const LEASE_SKEW_SECONDS: i64 = 5;

impl LeaderInfo {
    /// Not renewed within its duration at the time it is judged at.
    pub fn expired(&self) -> bool {
        let Some(at) = self.judged_at else {
            return false;
        };
        let skew = if self.judged_at_file_time {
            LEASE_SKEW_SECONDS
        } else {
            0
        };
        self.record.is_expired(at - chrono::Duration::seconds(skew))
    }

    pub fn name(&self) -> String {
        qualified(&self.record.meta.namespace, &self.record.meta.name)
    }
}

/// Whether a group needs a majority of its replicas or just one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Quorum,
    Leader,
}

/// A workload's replicas plus the leader records their pods hold.
#[derive(Clone, Debug)]
pub struct GroupInfo {
    pub cluster: ClusterId,
    pub workload: WorkloadId,
    pub mode: Mode,
    pub leaders: Vec<LeaderId>,
}

/// The topology of one or more clusters.
#[derive(Clone, Debug, Default)]
pub struct Topology {
    pub clusters: Vec<ClusterInfo>,
    pub zones: Vec<ZoneInfo>,
    /// The nodes, pods, workloads, claims and volumes are shared between copies of the graph
    /// (plans and simulations change leaders and placement, a live lease change only leaders):
    /// a copy of the topology does not copy 150,000 pods. `Arc::make_mut` to change them.
    pub nodes: std::sync::Arc<Vec<NodeInfo>>,
    /// Each pod behind its own `Arc` as well: a live change of a few pods' states, or a what-if
    /// that moves some, copies those pods and not the others.
    pub pods: std::sync::Arc<Vec<std::sync::Arc<PodInfo>>>,
    pub workloads: std::sync::Arc<Vec<WorkloadInfo>>,
    pub pvcs: std::sync::Arc<Vec<PvcInfo>>,
    pub pvs: std::sync::Arc<Vec<PvInfo>>,
    pub classes: Vec<ClassInfo>,
    pub pdbs: Vec<PdbInfo>,
    pub leaders: Vec<LeaderInfo>,
    pub groups: Vec<GroupInfo>,
    pub namespaces: Vec<(ClusterId, Namespace, Source)>,
    /// The label that names the failure domain.
    pub zone_label: String,
    /// The Kubernetes release whose rules the model follows on this graph.
    pub kubernetes: crate::release::Kubernetes,
    /// The snapshot time (lease expiry).
    pub now: Option<chrono::DateTime<chrono::Utc>>,
    pub(crate) node_by_name: Vec<std::sync::Arc<BTreeMap<String, NodeId>>>,
    pub(crate) group_by_workload: Vec<Option<GroupId>>,
    /// The pods are in the order a live session lists them (by cluster, namespace and name),
    /// each once: a pod is found by its name with a binary search.
    pub(crate) pods_in_order: bool,
}

impl Topology {
    /// Builds from a snapshot, copying its objects (see [`Topology::from_snapshot`]).
    pub fn build(snapshot: &Snapshot, options: &BuildOptions) -> Topology {
        build::build(snapshot.clone(), options)
    }

    /// Builds from a snapshot, moving its objects in (no copy of the cluster). The inputs'
    /// reports are dropped with it: take them first if they are needed.
    pub fn from_snapshot(snapshot: Snapshot, options: &BuildOptions) -> Topology {
        build::build(snapshot, options)
    }

    /// This graph with the leader records of `snapshot` instead of its own, and its nodes in
    /// place of the same nodes' (a live change that touched only leader records and nodes'
    /// states): the leaders and groups are rebuilt, the nodes given replaced, the rest shared.
    /// None when a node of `snapshot` is not in its place ([`same_place`]): build it whole.
    pub fn with_changes(&self, snapshot: Snapshot, options: &BuildOptions) -> Option<Topology> {
        build::with_changes(self, snapshot, options)
    }

    /// [`Topology::with_changes`], and what it replaced.
    pub fn changes_applied(
        &self,
        snapshot: Snapshot,
        options: &BuildOptions,
    ) -> Option<(Topology, Changed)> {
        build::changes_applied(self, snapshot, options)
    }

    pub fn multi_cluster(&self) -> bool {
        self.clusters.len() > 1
    }

    /// `namespace/name`, prefixed by the cluster when there are several.
    pub fn display(&self, cluster: ClusterId, namespace: &str, name: &str) -> String {
        let local = qualified(namespace, name);
        if self.multi_cluster() {
            format!("{}/{local}", self.clusters[cluster.index()].name)
        } else {
            local
        }
    }

    /// Whether `shown` is what [`Topology::display`] writes of these (without writing it).
    pub fn displays(&self, cluster: ClusterId, namespace: &str, name: &str, shown: &str) -> bool {
        let local = match self.multi_cluster() {
            true => match shown
                .strip_prefix(self.clusters[cluster.index()].name.as_str())
                .and_then(|rest| rest.strip_prefix('/'))
            {
                Some(local) => local,
                None => return false,
            },
            false => shown,
        };
        match namespace.is_empty() {
            true => local == name,
            false => {
                local
                    .strip_prefix(namespace)
                    .and_then(|rest| rest.strip_prefix('/'))
                    == Some(name)
            }
        }
    }

    pub fn zone_display(&self, zone: ZoneId) -> String {
        let z = &self.zones[zone.index()];
        if self.multi_cluster() {
            format!("{}/{}", self.clusters[z.cluster.index()].name, z.name)
        } else {
            z.name.clone()
        }
    }

    pub fn node_display(&self, node: NodeId) -> String {
        let n = &self.nodes[node.index()];
        if self.multi_cluster() {
            format!("{}/{}", self.clusters[n.cluster.index()].name, n.name())
        } else {
            n.name().to_string()
        }
    }

    pub fn pod_display(&self, pod: PodId) -> String {
        let p = &self.pods[pod.index()];
        self.display(p.cluster, &p.pod.meta.namespace, &p.pod.meta.name)
    }

    pub fn workload_display(&self, workload: WorkloadId) -> String {
        let w = &self.workloads[workload.index()];
        self.display(w.cluster, &w.workload.meta.namespace, &w.workload.meta.name)
    }

    pub fn leader_display(&self, leader: LeaderId) -> String {
        let l = &self.leaders[leader.index()];
        self.display(l.cluster, &l.record.meta.namespace, &l.record.meta.name)
    }

    pub fn group_display(&self, group: GroupId) -> String {
        self.workload_display(self.groups[group.index()].workload)
    }

    pub fn node_named(&self, cluster: ClusterId, name: &str) -> Option<NodeId> {
        self.node_by_name[cluster.index()].get(name).copied()
    }

    pub fn group_of_workload(&self, workload: WorkloadId) -> Option<GroupId> {
        self.group_by_workload[workload.index()]
    }

    pub fn pod_zone(&self, pod: PodId) -> Option<ZoneId> {
        self.pods[pod.index()]
            .node
            .map(|n| self.nodes[n.index()].zone)
    }

    /// The node a leader record's holder runs on.
    pub fn holder_node(&self, leader: LeaderId) -> Option<NodeId> {
        match self.leaders[leader.index()].holder {
            Holder::Pod(p) => self.pods[p.index()].node,
            Holder::Node(n) => Some(n),
            Holder::Unresolved | Holder::Ambiguous | Holder::External | Holder::Vacant => None,
        }
    }

    pub fn cluster_named(&self, name: &str) -> Option<ClusterId> {
        self.clusters
            .iter()
            .position(|c| c.name == name)
            .map(|i| ClusterId(i as u32))
    }

    /// Zones that have at least one node in a cluster (excludes nothing: "unknown" included).
    pub fn cluster_zones(&self, cluster: ClusterId) -> &[ZoneId] {
        &self.clusters[cluster.index()].zones
    }

    /// Real failure domains of a cluster: zones other than "unknown".
    pub fn known_zone_count(&self, cluster: ClusterId) -> usize {
        self.cluster_zones(cluster)
            .iter()
            .filter(|z| self.zones[z.index()].name != UNKNOWN_ZONE)
            .count()
    }

    /// A group whose workload is in the input but none of its pods (a bundle of workloads
    /// without pods, manifests): where its replicas run is unknown, so no failure can be judged
    /// for it; how many are ready is what its status says ([`Topology::status_ready`]).
    pub fn pods_absent(&self, group: GroupId) -> bool {
        let w = &self.workloads[self.groups[group.index()].workload.index()];
        w.pods.is_empty() && w.origin == WorkloadOrigin::Object
    }

    /// The ready replicas a group's workload status reports; None without a status (manifests).
    pub fn status_ready(&self, group: GroupId) -> Option<u32> {
        self.workloads[self.groups[group.index()].workload.index()]
            .workload
            .ready_replicas
    }

    /// The replicas of a group that run now: its running pods on ready nodes, or, with its pods
    /// absent from the input, what its status reports (0 without a status). One count for the
    /// analysis, the sweep and the simulator.
    pub fn available_now(&self, group: GroupId) -> u32 {
        if self.pods_absent(group) {
            return self.status_ready(group).unwrap_or(0);
        }
        self.running_replicas(group)
            .filter(|p| {
                self.pods[p.index()]
                    .node
                    .is_some_and(|n| self.nodes[n.index()].node.is_ready())
            })
            .count() as u32
    }

    /// The pods of a group that currently run: placed on a node, active.
    pub fn running_replicas(&self, group: GroupId) -> impl Iterator<Item = PodId> + '_ {
        let w = &self.workloads[self.groups[group.index()].workload.index()];
        w.pods.iter().copied().filter(|p| {
            let info = &self.pods[p.index()];
            info.node.is_some() && info.pod.is_active()
        })
    }

    /// The sides (indexes into `sides`) whose leases can renew: the side holding a majority of the
    /// cluster's control-plane nodes (its etcd quorum); every side when they are unknown; no side
    /// when no side holds a majority.
    pub fn renewing_sides(
        &self,
        cluster: ClusterId,
        side_of_zone: &dyn Fn(ZoneId) -> Option<usize>,
        sides: usize,
        override_zones: &[String],
    ) -> Vec<usize> {
        let c = &self.clusters[cluster.index()];
        let members: Vec<(ZoneId, u32)> = if override_zones.is_empty() {
            c.control_plane_nodes.clone()
        } else {
            c.zones
                .iter()
                .filter(|z| {
                    override_zones
                        .iter()
                        .any(|name| *name == self.zones[z.index()].name)
                })
                .map(|z| (*z, 1))
                .collect()
        };
        if members.is_empty() {
            return (0..sides).collect();
        }
        let total: u32 = members.iter().map(|(_, n)| n).sum();
        let mut per_side = vec![0u32; sides];
        for (z, n) in &members {
            if let Some(s) = side_of_zone(*z) {
                per_side[s] += n;
            }
        }
        per_side
            .iter()
            .enumerate()
            .filter(|(_, n)| **n * 2 > total)
            .map(|(s, _)| s)
            .collect()
    }

    pub fn petgraph(&self) -> petgraph::Graph<Vertex, Edge> {
        export::graph(self)
    }
}

#[cfg(test)]
mod tests;
