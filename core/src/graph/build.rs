//! Builds the topology from a snapshot: zones from node labels, owner chains up to the workload,
//! claims to volumes to classes, PDBs to pods, leader records to their holders and groups.

use std::collections::BTreeMap;
use std::sync::Arc;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use serde::{Deserialize, Serialize};

use super::holder::{self, PodNames};
use super::*;
use crate::release::{Kubernetes, Seen};

pub const DEFAULT_ZONE_LABEL: &str = "topology.kubernetes.io/zone";
pub const LEGACY_ZONE_LABEL: &str = "failure-domain.beta.kubernetes.io/zone";
pub const REGION_LABEL: &str = "topology.kubernetes.io/region";
pub const LEGACY_REGION_LABEL: &str = "failure-domain.beta.kubernetes.io/region";
pub const HOSTNAME_LABEL: &str = "kubernetes.io/hostname";

/// Zone keys CSI drivers put in PV node affinity; their values are zone names.
pub const ZONE_KEYS: [&str; 6] = [
    DEFAULT_ZONE_LABEL,
    LEGACY_ZONE_LABEL,
    "topology.ebs.csi.aws.com/zone",
    "topology.gke.io/zone",
    "topology.disk.csi.azure.com/zone",
    "topology.cinder.csi.openstack.org/zone",
];

/// A user's override of how a workload is grouped (`.quorum.yaml`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupMode {
    Quorum,
    Leader,
    None,
}

#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    /// The node label naming the failure domain; None: the standard zone label, then the
    /// legacy beta one.
    pub zone_label: Option<String>,
    /// Per workload (`namespace/name` or `cluster/namespace/name`).
    pub group_modes: BTreeMap<String, GroupMode>,
    /// The release whose rules the model follows (`--kubernetes-version`); None: what the input
    /// says ([`crate::release::Kubernetes::choose`]).
    pub kubernetes_version: Option<String>,
}

impl BuildOptions {
    pub fn zone_label(&self) -> &str {
        self.zone_label.as_deref().unwrap_or(DEFAULT_ZONE_LABEL)
    }

    fn zone_of(&self, labels: &Labels) -> Option<String> {
        match &self.zone_label {
            Some(label) => labels.get(label).cloned(),
            None => labels
                .get(DEFAULT_ZONE_LABEL)
                .or_else(|| labels.get(LEGACY_ZONE_LABEL))
                .cloned(),
        }
    }
}

fn region_of(labels: &Labels) -> String {
    labels
        .get(REGION_LABEL)
        .or_else(|| labels.get(LEGACY_REGION_LABEL))
        .cloned()
        .unwrap_or_default()
}

pub fn build(snapshot: Snapshot, options: &BuildOptions) -> Topology {
    let mut t = Topology {
        zone_label: options.zone_label().to_string(),
        now: snapshot.now,
        ..Topology::default()
    };
    let given = snapshot.now;
    t.kubernetes = Kubernetes::choose(
        options.kubernetes_version.as_deref(),
        &snapshot.clusters.iter().map(seen).collect::<Vec<_>>(),
    );
    for objects in snapshot.clusters {
        build_cluster(&mut t, objects, given, options);
    }
    index_groups(&mut t);
    t.pods_in_order = in_order(&t.pods);
    // The time shown: the one given, else the newest any record was judged at.
    t.now = given.or_else(|| t.leaders.iter().filter_map(|l| l.judged_at).max());
    t
}

/// What one cluster's input says about the release it runs.
fn seen(c: &ClusterObjects) -> Seen {
    Seen {
        cluster: c.name.clone(),
        server: c.server_version.clone(),
        kubelets: c
            .nodes
            .iter()
            .filter_map(|(n, _)| Some((n.meta.name.clone(), n.kubelet_version.clone()?)))
            .collect(),
    }
}

/// Whether `new` is the node `old` was in every way the graph's shape reads (its name, labels,
/// control-plane role and kubelet release): what else changed (readiness, taints,
/// schedulability, capacity) the graph only stores. A node that changed only so can be replaced
/// in a graph in place ([`Topology::with_changes`]).
pub fn same_place(old: &Node, new: &Node) -> bool {
    old.meta.name == new.meta.name
        && old.meta.labels == new.meta.labels
        && old.control_plane == new.control_plane
        && old.kubelet_version == new.kubelet_version
        && old.inferred == new.inferred
}

/// Whether `new` is the pod `old` was in every way the graph's shape reads but its node: its
/// metadata (labels, owners), hostname, placement rules and claims. Its readiness and phase may
/// differ, and its node too when `exported` says both nodes, if any, are in the export (a pod
/// bound to a node, or leaving one: no node is inferred from it). A static pod stays on its node.
pub fn pod_in_place(old: &Pod, new: &Pod, exported: impl Fn(&str) -> bool) -> bool {
    let (a, b) = (&old.meta, &new.meta);
    let meta = a.name == b.name
        && a.namespace == b.namespace
        && a.labels == b.labels
        && a.annotations == b.annotations
        && a.owners == b.owners
        && a.created == b.created
        && a.generation == b.generation;
    let shape = meta
        && old.hostname == new.hostname
        && old.placement == new.placement
        && old.claims == new.claims
        && old.alone == new.alone;
    let stays = old.node_name == new.node_name && old.is_active() == new.is_active();
    let static_pod = a.controller().is_some_and(|o| o.kind == "Node");
    shape
        && (stays
            || (!static_pod
                && [&old.node_name, &new.node_name]
                    .into_iter()
                    .all(|n| n.as_deref().is_none_or(&exported))))
}

/// `t` with the leader records of `snapshot` (each cluster's, by name) at its time, and with the
/// nodes and pods `snapshot` holds in place of `t`'s of the same names, for a live change that
/// touched only leader records, nodes' states and pods' states or nodes: the leaders and the
/// groups they make are rebuilt, the nodes and pods given replaced (a pod bound to a node joins
/// its list); the other pods, the workloads, claims and volumes are shared and the small rest is
/// copied. The same graph a full build of the objects with these records, nodes and pods makes.
/// None when a node or pod of `snapshot` is not one of `t`'s in the same place ([`same_place`],
/// [`pod_in_place`]): only a full build gives that graph.
pub fn with_changes(t: &Topology, snapshot: Snapshot, options: &BuildOptions) -> Option<Topology> {
    changes_applied(t, snapshot, options).map(|(out, _)| out)
}

/// What [`changes_applied`] replaced: what a state built on the last graph's may recompute
/// alone, reusing the rest.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changed {
    /// The nodes given (their states; their place is the same).
    pub nodes: Vec<NodeId>,
    /// The pods given (their states, or the node they were bound to).
    pub pods: Vec<PodId>,
    /// The groups and the leaders each holds are the last graph's: only the records' holders,
    /// terms and times changed. Otherwise every leader was attached again.
    pub groups_kept: bool,
    /// When pods came or went: each of the last graph's pods' id in this one (None: it went).
    /// Otherwise every pod kept its id.
    pub pod_ids: Option<Arc<Vec<Option<PodId>>>>,
    /// The nodes a given pod left, and those a pod that went was on: their lists lost a pod.
    pub left: Vec<NodeId>,
    /// The workloads of the pods that went (the same ids in both graphs).
    pub gone_workloads: Vec<WorkloadId>,
}

impl Changed {
    /// The id in the new graph of the last graph's pod `p` (None: it went).
    pub fn pod_id(&self, p: PodId) -> Option<PodId> {
        match &self.pod_ids {
            Some(ids) => ids[p.index()],
            None => Some(p),
        }
    }
}

/// [`with_changes`], and what it replaced.
pub fn changes_applied(
    t: &Topology,
    snapshot: Snapshot,
    options: &BuildOptions,
) -> Option<(Topology, Changed)> {
    let mut replaced = Changed::default();
    let mut out = Topology {
        clusters: t.clusters.clone(),
        zones: t.zones.clone(),
        nodes: t.nodes.clone(),
        pods: t.pods.clone(),
        workloads: t.workloads.clone(),
        pvcs: t.pvcs.clone(),
        pvs: t.pvs.clone(),
        classes: t.classes.clone(),
        pdbs: t.pdbs.clone(),
        leaders: Vec::with_capacity(t.leaders.len()),
        groups: Vec::with_capacity(t.groups.len()),
        namespaces: t.namespaces.clone(),
        zone_label: t.zone_label.clone(),
        kubernetes: t.kubernetes.clone(),
        now: snapshot.now,
        node_by_name: t.node_by_name.clone(),
        group_by_workload: vec![],
        // Pods that come are put in their place in that order.
        pods_in_order: t.pods_in_order,
    };
    let given = snapshot.now;
    // Per cluster: its clock (a live read's), its leader records and the nodes and pods that
    // changed.
    type Records = (
        Option<DateTime<Utc>>,
        Vec<(LeaderRecord, Source)>,
        Vec<(Node, Source)>,
        Vec<(Pod, Source)>,
        Vec<(String, String)>,
        bool,
    );
    let mut records: BTreeMap<String, Records> = snapshot
        .clusters
        .into_iter()
        .map(|c| {
            let partial = c.leaders_changed_only;
            let changes = (c.clock, c.leaders, c.nodes, c.pods, c.pods_gone, partial);
            (c.name, changes)
        })
        .collect();
    let mut leaders = Vec::with_capacity(out.clusters.len());
    let (mut came, mut gone) = (vec![], vec![]);
    for c in 0..out.clusters.len() {
        let (clock, records, nodes, pods, pods_gone, partial) = records
            .remove(&out.clusters[c].name)
            .unwrap_or((None, vec![], vec![], vec![], vec![], false));
        for (node, source) in nodes {
            let id = *out.node_by_name[c].get(&node.meta.name)?;
            let info = &mut Arc::make_mut(&mut out.nodes)[id.index()];
            if !same_place(&info.node, &node) {
                return None;
            }
            info.node = Arc::new(node);
            info.source = source;
            replaced.nodes.push(id);
        }
        if !pods.is_empty() || !pods_gone.is_empty() {
            let cluster = ClusterId(c as u32);
            let (in_place, new) = replace_pods(&mut out, cluster, pods, &pods_gone, &mut gone)?;
            replaced.pods.extend(in_place.into_iter().map(|(id, left)| {
                replaced.left.extend(left);
                id
            }));
            came.extend(new.into_iter().map(|(pod, source)| (cluster, pod, source)));
        }
        leaders.push((clock, records, partial));
    }
    // Pods that came or went: the pods after them move up or down (a fresh build numbers the
    // pods in their order), and the records naming them are resolved again.
    let mut named = vec![];
    if !came.is_empty() || !gone.is_empty() {
        named = renumber(&mut out, &t.leaders, came, gone, &mut replaced)?;
    }
    // Only the records that changed, at a known time: the other leaders stay as they were.
    if leaders
        .iter()
        .all(|(clock, _, partial)| *partial && given.or(*clock).is_some())
    {
        let changed: Vec<_> = leaders
            .iter()
            .map(|(clock, records, _)| (given.or(*clock), records.as_slice()))
            .collect();
        let (updated, moved) = leaders_in_place(t, &out, &changed, &replaced, &named)?;
        out.leaders = updated;
        // The groups a record makes follow its workload: kept unless one changed.
        let same_groups = moved.iter().all(|l| {
            let cluster = t.leaders[l.index()].cluster;
            leader_workload(t, cluster, *l) == leader_workload(&out, cluster, *l)
        });
        if same_groups {
            out.groups = t.groups.clone();
            out.group_by_workload = t.group_by_workload.clone();
            replaced.groups_kept = true;
            return Some((out, replaced));
        }
        out.leaders = Vec::with_capacity(t.leaders.len());
    }
    let pods = out.pods.clone();
    for (c, (clock, records, partial)) in leaders.into_iter().enumerate() {
        let cluster = ClusterId(c as u32);
        let records = if partial {
            every_record(t, cluster, records)?
        } else {
            records
        };
        // Only the pods some record names: a lookup per pod, not an index of them all.
        let names = {
            let wanted: HashSet<&str> = records
                .iter()
                .flat_map(|(record, _)| holder::pod_names(record))
                .collect();
            PodNames::of(&pods, cluster, Some(&wanted))
        };
        attach_leaders(&mut out, cluster, records, given.or(clock), &names, options);
    }
    drop(pods);
    index_groups(&mut out);
    Some((out, replaced))
}

/// The leader of `t` in `cluster` that `record` is a new version of (same kind, namespace and
/// name).
fn same_leader(t: &Topology, cluster: ClusterId, record: &LeaderRecord) -> Option<usize> {
    t.leaders.iter().position(|l| {
        l.cluster == cluster
            && l.record.kind == record.kind
            && l.record.meta.name == record.meta.name
            && l.record.meta.namespace == record.meta.namespace
    })
}

/// Records a graph does not hold as leaders: kubelets' heartbeats, API servers' identities.
fn not_a_leader(record: &LeaderRecord) -> bool {
    record.is_node_heartbeat() || holder::is_apiserver_identity(record)
}

/// Every leader record of `cluster`: `t`'s, with `changed` in place of the ones of the same
/// kind, namespace and name. None when a changed record is no leader of `t` (only a whole
/// list of records says where a new one goes).
fn every_record(
    t: &Topology,
    cluster: ClusterId,
    changed: Vec<(LeaderRecord, Source)>,
) -> Option<Vec<(LeaderRecord, Source)>> {
    let mut records: Vec<(LeaderRecord, Source)> = t
        .leaders
        .iter()
        .filter(|l| l.cluster == cluster)
        .map(|l| ((*l.record).clone(), l.source.clone()))
        .collect();
    let first = t.leaders.iter().position(|l| l.cluster == cluster);
    for (record, source) in changed {
        if not_a_leader(&record) {
            continue;
        }
        let i = same_leader(t, cluster, &record)? - first?;
        records[i] = (record, source);
    }
    Some(records)
}

/// One cluster's time and the leader records that changed.
type ChangedRecords<'r> = (Option<DateTime<Utc>>, &'r [(LeaderRecord, Source)]);

/// `t`'s leaders judged at each cluster's time, with the changed records of each cluster
/// (`changed`, by cluster) resolved again against `out`'s pods, and the ids of those; None when
/// a changed record is no leader of `t`. Their groups are still `t`'s.
fn leaders_in_place(
    t: &Topology,
    out: &Topology,
    changed: &[ChangedRecords<'_>],
    pods: &Changed,
    naming: &[LeaderId],
) -> Option<(Vec<LeaderInfo>, Vec<LeaderId>)> {
    let mut leaders = t.leaders.clone();
    for (i, l) in leaders.iter_mut().enumerate() {
        l.judged_at = changed[l.cluster.index()].0;
        l.judged_at_file_time = false;
        // Pods numbered anew: the pods a record names that did not come or go keep theirs.
        if pods.pod_ids.is_some() && !naming.contains(&LeaderId(i as u32)) {
            if let Holder::Pod(p) = l.holder {
                l.holder = Holder::Pod(pods.pod_id(p)?);
            }
            for p in &mut l.candidates {
                *p = pods.pod_id(*p)?;
            }
        }
    }
    // The records that name a pod that came or went are resolved again.
    let mut moved = naming.to_vec();
    for c in 0..out.clusters.len() {
        let cluster = ClusterId(c as u32);
        let here: Vec<usize> = naming
            .iter()
            .map(|l| l.index())
            .filter(|l| leaders[*l].cluster == cluster)
            .collect();
        if here.is_empty() {
            continue;
        }
        let wanted: HashSet<&str> = here
            .iter()
            .flat_map(|l| holder::pod_names(&t.leaders[*l].record))
            .collect();
        let names = PodNames::of(&out.pods, cluster, Some(&wanted));
        for l in here {
            let (holder, candidates) = holder::resolve(out, cluster, &names, &t.leaders[l].record);
            (leaders[l].holder, leaders[l].candidates) = (holder, candidates);
        }
    }
    for (c, (_, records)) in changed.iter().enumerate() {
        if records.is_empty() {
            continue;
        }
        let cluster = ClusterId(c as u32);
        let wanted: HashSet<&str> = records
            .iter()
            .flat_map(|(record, _)| holder::pod_names(record))
            .collect();
        let names = PodNames::of(&out.pods, cluster, Some(&wanted));
        for (record, source) in records.iter() {
            if not_a_leader(record) {
                continue;
            }
            let i = same_leader(t, cluster, record)?;
            let (holder, candidates) = holder::resolve(out, cluster, &names, record);
            let l = &mut leaders[i];
            l.record = Arc::new(record.clone());
            l.source = source.clone();
            l.holder = holder;
            l.candidates = candidates;
            moved.push(LeaderId(i as u32));
        }
    }
    Some((leaders, moved))
}

/// A pod given in place of the graph's pod of its name: its id, and the node it left.
type InPlace = (PodId, Option<NodeId>);

/// The pods given that replaced the graph's, and those that came.
type Replaced = (Vec<InPlace>, Vec<(Pod, Source)>);

/// Puts `pods` in place of `t`'s pods of the same names in `cluster`, each on its node's list,
/// and adds to `gone` the ids of the pods named in `pods_gone`; returns the pods replaced and
/// those that came (not in the graph, or going). None when one is not in its place
/// ([`pod_in_place`]).
fn replace_pods(
    t: &mut Topology,
    cluster: ClusterId,
    pods: Vec<(Pod, Source)>,
    pods_gone: &[(String, String)],
    gone: &mut Vec<PodId>,
) -> Option<Replaced> {
    let ids: Vec<Option<PodId>> = {
        // In a live session's order, a pod is found where its name puts it; else every pod of
        // a name given is indexed.
        let names = (!t.pods_in_order).then(|| {
            let wanted: HashSet<&str> = pods
                .iter()
                .map(|(p, _)| p.meta.name.as_str())
                .chain(pods_gone.iter().map(|(_, name)| name.as_str()))
                .collect();
            PodNames::of(&t.pods, cluster, Some(&wanted))
        });
        let find = |ns: &str, name: &str| match &names {
            Some(names) => names.by_key.get(&(ns, name)).copied(),
            None => t
                .pods
                .binary_search_by(|p| pod_key(p).cmp(&(cluster, ns, name)))
                .ok()
                .map(|i| PodId(i as u32)),
        };
        // A pod that went is gone even when one of its name came since.
        let first = gone.len();
        gone.extend(pods_gone.iter().filter_map(|(ns, name)| find(ns, name)));
        let going = &gone[first..];
        pods.iter()
            .map(|(p, _)| find(&p.meta.namespace, &p.meta.name).filter(|id| !going.contains(id)))
            .collect()
    };
    let c = cluster.index();
    let (mut in_place, mut came) = (vec![], vec![]);
    for (id, (pod, source)) in ids.into_iter().zip(pods) {
        let Some(id) = id else {
            came.push((pod, source));
            continue;
        };
        let old = &t.pods[id.index()];
        let exported = |name: &str| {
            t.node_by_name[c]
                .get(name)
                .is_some_and(|n| !t.nodes[n.index()].node.inferred)
        };
        if !pod_in_place(&old.pod, &pod, exported) {
            return None;
        }
        let node = match pod.node_name.as_deref() {
            Some(name) => Some(*t.node_by_name[c].get(name)?),
            None => None,
        };
        let left = old.node.filter(|n| Some(*n) != node);
        if old.node != node {
            let nodes = Arc::make_mut(&mut t.nodes);
            if let Some(n) = old.node {
                nodes[n.index()].pods.retain(|p| *p != id);
            }
            if let Some(n) = node {
                let list = &mut nodes[n.index()].pods;
                let at = list.partition_point(|p| *p < id);
                list.insert(at, id);
            }
        }
        let info = PodInfo {
            cluster,
            pod,
            source,
            node,
            workload: old.workload,
            pvcs: old.pvcs.clone(),
        };
        Arc::make_mut(&mut t.pods)[id.index()] = Arc::new(info);
        in_place.push((id, left));
    }
    Some((in_place, came))
}

/// A pod's place in the order a live snapshot lists pods in: by cluster, namespace and name.
fn pod_key(p: &PodInfo) -> (ClusterId, &str, &str) {
    (p.cluster, &p.pod.meta.namespace, &p.pod.meta.name)
}

/// Whether `pods` are in the order a live snapshot lists them, each once ([`pod_key`]).
fn in_order(pods: &[Arc<PodInfo>]) -> bool {
    use rayon::prelude::*;
    pods.par_windows(2)
        .with_min_len(8192)
        .all(|pair| pod_key(&pair[0]) < pod_key(&pair[1]))
}

/// Pods that came (each with its cluster) and went (`gone`, ids) applied to `t`: the pods are
/// numbered as a fresh build of the objects numbers them, the came pods joined to their node,
/// workload, claims and budgets, and every list of pods renumbered. Returns the ones of
/// `leaders` (the last graph's) that name one of those pods: their holders are resolved again.
/// None when the change is more than the pods: a pod on a node known only from pods, a static
/// pod, a workload that gains its first pod or loses its last, one inferred anew or from
/// another first pod, a workload whose budgets change.
fn renumber(
    t: &mut Topology,
    leaders: &[LeaderInfo],
    came: Vec<(ClusterId, Pod, Source)>,
    mut gone: Vec<PodId>,
    changed: &mut Changed,
) -> Option<Vec<LeaderId>> {
    gone.sort_unstable();
    gone.dedup();
    let exported = |t: &Topology, n: NodeId| !t.nodes[n.index()].node.inferred;
    for g in &gone {
        let pod = &t.pods[g.index()];
        if is_static(&pod.pod) || pod.node.is_some_and(|n| !exported(t, n)) {
            return None;
        }
        changed.left.extend(pod.node);
        changed.gone_workloads.extend(pod.workload);
    }
    // Where each came pod goes (before the pod now at that index), its node, workload and claims.
    let mut placed = Vec::with_capacity(came.len());
    for (cluster, pod, source) in came {
        let c = cluster.index();
        if is_static(&pod) {
            return None;
        }
        let node = match pod.node_name.as_deref() {
            Some(name) => Some(*t.node_by_name[c].get(name).filter(|n| exported(t, **n))?),
            None => None,
        };
        let key = (cluster, pod.meta.namespace.as_str(), pod.meta.name.as_str());
        let at = t.pods.partition_point(|p| pod_key(p) < key);
        let find = |kind: Kind, ns: &str, name: &str| {
            let at = t.workloads.iter().rposition(|w| {
                w.cluster == cluster
                    && w.workload.kind == kind
                    && w.workload.meta.namespace == ns
                    && w.workload.meta.name == name
            })?;
            Some(WorkloadId(at as u32))
        };
        let workload = match owner_of(t, &pod, find) {
            Owner::None => None,
            Owner::Found(w) => Some(w),
            Owner::New { .. } => return None,
        };
        let pvcs: Vec<PvcId> = pod
            .claims
            .iter()
            .filter_map(|claim| {
                let at = t.pvcs.iter().rposition(|c| {
                    c.cluster == cluster
                        && c.pvc.meta.namespace == pod.meta.namespace
                        && &c.pvc.meta.name == claim
                })?;
                Some(PvcId(at as u32))
            })
            .collect();
        let info = PodInfo {
            cluster,
            pod,
            source,
            node,
            workload,
            pvcs,
        };
        placed.push((at, info));
    }
    placed.sort_by(|(a, x), (b, y)| (a, pod_key(x)).cmp(&(b, pod_key(y))));
    // The records that name a pod that came or went.
    let named: HashSet<(ClusterId, &str)> = gone
        .iter()
        .map(|g| &*t.pods[g.index()])
        .chain(placed.iter().map(|(_, p)| p))
        .flat_map(|p| {
            [p.pod.meta.name.as_str(), holder::pod_hostname(&p.pod)].map(|n| (p.cluster, n))
        })
        .collect();
    // The names a record's holder may be found under are parts of its identity: a record whose
    // identity contains none of these names is passed over without reading its format.
    let parts: Vec<&str> = named.iter().map(|(_, n)| *n).collect();
    let naming: Vec<LeaderId> = leaders
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            l.record
                .holder
                .as_deref()
                .is_some_and(|h| parts.iter().any(|n| h.contains(n)))
                && holder::pod_names(&l.record)
                    .into_iter()
                    .any(|n| named.contains(&(l.cluster, n)))
        })
        .map(|(i, _)| LeaderId(i as u32))
        .collect();
    drop(named);

    // The workloads that lose or gain a pod, and their first pods before.
    let mut touched: Vec<WorkloadId> = changed.gone_workloads.clone();
    touched.extend(placed.iter().filter_map(|(_, p)| p.workload));
    touched.sort_unstable();
    touched.dedup();
    let first_pods: Vec<Option<PodId>> = touched
        .iter()
        .map(|w| t.workloads[w.index()].pods.first().copied())
        .collect();

    // The pods in their new order.
    let mut ids: Vec<Option<PodId>> = vec![None; t.pods.len()];
    let mut pods: Vec<Arc<PodInfo>> = Vec::with_capacity(t.pods.len() + placed.len());
    let mut came_ids = Vec::with_capacity(placed.len());
    let mut placed = placed.into_iter().peekable();
    let mut going = gone.iter().peekable();
    for (i, pod) in t.pods.iter().enumerate() {
        while let Some((_, info)) = placed.next_if(|(at, _)| *at == i) {
            came_ids.push(PodId(pods.len() as u32));
            pods.push(Arc::new(info));
        }
        if going.next_if(|g| g.index() == i).is_some() {
            continue;
        }
        ids[i] = Some(PodId(pods.len() as u32));
        pods.push(pod.clone());
    }
    for (_, info) in placed {
        came_ids.push(PodId(pods.len() as u32));
        pods.push(Arc::new(info));
    }
    t.pods = Arc::new(pods);
    // The first pod whose id changed: lists of pods before it stay as they are.
    let first = ids
        .iter()
        .enumerate()
        .position(|(i, id)| *id != Some(PodId(i as u32)));

    // Every list of pods renumbered, the came pods joined to theirs.
    let renumber = |list: &mut Vec<PodId>| {
        if first.is_some_and(|f| list.last().is_some_and(|p| p.index() >= f)) {
            list.retain_mut(|p| match ids[p.index()] {
                Some(id) => {
                    *p = id;
                    true
                }
                None => false,
            });
        }
    };
    let join = |list: &mut Vec<PodId>, id: PodId| {
        let at = list.partition_point(|p| *p < id);
        list.insert(at, id);
    };
    for n in Arc::make_mut(&mut t.nodes) {
        renumber(&mut n.pods);
    }
    for w in Arc::make_mut(&mut t.workloads) {
        renumber(&mut w.pods);
    }
    for c in Arc::make_mut(&mut t.pvcs) {
        renumber(&mut c.pods);
    }
    for b in &mut t.pdbs {
        renumber(&mut b.pods);
    }
    for id in &came_ids {
        let pod = t.pods[id.index()].clone();
        if let Some(n) = pod.node {
            join(&mut Arc::make_mut(&mut t.nodes)[n.index()].pods, *id);
        }
        if let Some(w) = pod.workload {
            join(&mut Arc::make_mut(&mut t.workloads)[w.index()].pods, *id);
        }
        for c in &pod.pvcs {
            join(&mut Arc::make_mut(&mut t.pvcs)[c.index()].pods, *id);
        }
        for b in &mut t.pdbs {
            if b.cluster == pod.cluster
                && b.pdb.meta.namespace == pod.pod.meta.namespace
                && b.pdb.selector.matches(&pod.pod.meta.labels)
            {
                join(&mut b.pods, *id);
            }
        }
    }
    // A workload keeps pods, its first pod (an inferred workload is made from it) and its
    // budgets (those that select one of its pods).
    for (w, first) in touched.into_iter().zip(first_pods) {
        let info = &t.workloads[w.index()];
        let first_kept = first.and_then(|p| ids[p.index()]) == info.pods.first().copied();
        if first.is_none()
            || info.pods.is_empty()
            || (info.origin != WorkloadOrigin::Object && !first_kept)
        {
            return None;
        }
        // A budget selects pods of its own namespace only: the others' pods are not read.
        let pdbs: Vec<PdbId> = (0..t.pdbs.len())
            .filter(|b| {
                let b = &t.pdbs[*b];
                b.cluster == info.cluster
                    && b.pdb.meta.namespace == info.workload.meta.namespace
                    && b.pods.iter().any(|p| info.pods.binary_search(p).is_ok())
            })
            .map(|b| PdbId(b as u32))
            .collect();
        if pdbs != info.pdbs {
            return None;
        }
    }
    changed.pods = changed
        .pods
        .iter()
        .map(|p| ids[p.index()])
        .collect::<Option<Vec<_>>>()?;
    changed.pods.extend(came_ids);
    changed.pod_ids = Some(Arc::new(ids));
    Some(naming)
}

fn index_groups(t: &mut Topology) {
    t.group_by_workload = vec![None; t.workloads.len()];
    for (i, g) in t.groups.iter().enumerate() {
        t.group_by_workload[g.workload.index()] = Some(GroupId(i as u32));
    }
}

fn build_cluster(
    t: &mut Topology,
    objects: ClusterObjects,
    given: Option<DateTime<Utc>>,
    options: &BuildOptions,
) {
    let cluster = ClusterId(t.clusters.len() as u32);
    t.clusters.push(ClusterInfo {
        name: objects.name.clone(),
        zones: vec![],
        control_plane_zones: vec![],
        control_plane_nodes: vec![],
        listed: objects.listed.clone(),
        listed_in: objects.listed_in.clone(),
        by_kind: objects.by_kind,
    });

    // Nodes the running pods name that are not in the export: known only by name (an unknown
    // node is not a NotReady node).
    let mut node_objects = objects.nodes;
    let exported: HashSet<&str> = node_objects
        .iter()
        .map(|(n, _)| n.meta.name.as_str())
        .collect();
    let mut inferred: BTreeMap<&str, &Source> = BTreeMap::new();
    for (pod, source) in &objects.pods {
        if let Some(name) = pod.node_name.as_deref()
            && pod.is_active()
            && !exported.contains(name)
        {
            inferred.entry(name).or_insert(source);
        }
    }
    let inferred: Vec<(Node, Source)> = inferred
        .into_iter()
        .map(|(name, source)| (Node::inferred(name), source.clone()))
        .collect();
    drop(exported);
    node_objects.extend(inferred);

    // Zones, sorted by name, "unknown" last; nodes sorted by name within their zone.
    let mut by_zone: BTreeMap<(bool, String), Vec<(Node, Source)>> = BTreeMap::new();
    for entry in node_objects {
        let zone = options.zone_of(&entry.0.meta.labels);
        let key = match zone {
            Some(z) if !z.is_empty() => (false, z),
            _ => (true, UNKNOWN_ZONE.to_string()),
        };
        by_zone.entry(key).or_default().push(entry);
    }
    let mut names = BTreeMap::new();
    for ((_, zone_name), mut nodes) in by_zone {
        nodes.sort_by(|a, b| a.0.meta.name.cmp(&b.0.meta.name));
        let zone = ZoneId(t.zones.len() as u32);
        // The region every node of the zone names (none when they disagree or some name none:
        // the "unknown" zone can gather nodes of several).
        let regions: std::collections::BTreeSet<String> = nodes
            .iter()
            .map(|(n, _)| region_of(&n.meta.labels))
            .collect();
        let region = match regions.len() {
            1 => regions.into_iter().next().unwrap_or_default(),
            _ => String::new(),
        };
        let mut ids = Vec::new();
        for (node, source) in nodes {
            let id = NodeId(t.nodes.len() as u32);
            names.insert(node.meta.name.clone(), id);
            if node.control_plane {
                let c = &mut t.clusters[cluster.index()];
                if !c.control_plane_zones.contains(&zone) {
                    c.control_plane_zones.push(zone);
                    c.control_plane_nodes.push((zone, 0));
                }
                if let Some(entry) = c.control_plane_nodes.iter_mut().find(|(z, _)| *z == zone) {
                    entry.1 += 1;
                }
            }
            Arc::make_mut(&mut t.nodes).push(NodeInfo {
                cluster,
                zone,
                node: Arc::new(node),
                source,
                pods: vec![],
            });
            ids.push(id);
        }
        t.zones.push(ZoneInfo {
            cluster,
            name: zone_name,
            region,
            nodes: ids,
        });
        t.clusters[cluster.index()].zones.push(zone);
    }
    t.node_by_name.push(Arc::new(names));

    // Room for every object at once: growing a vector of 150,000 pods by doubling copies it
    // again and again into freshly faulted pages.
    Arc::make_mut(&mut t.pods).reserve(objects.pods.len());
    Arc::make_mut(&mut t.workloads).reserve(objects.workloads.len());
    Arc::make_mut(&mut t.pvcs).reserve(objects.pvcs.len());
    Arc::make_mut(&mut t.pvs).reserve(objects.pvs.len());
    t.leaders.reserve(objects.leaders.len());

    // Workload objects.
    let mut workload_index: WorkloadIndex = HashMap::default();
    for (workload, source) in objects.workloads {
        let id = WorkloadId(t.workloads.len() as u32);
        workload_index.entry(workload.kind).or_default().insert(
            &workload.meta.namespace,
            &workload.meta.name,
            id,
        );
        Arc::make_mut(&mut t.workloads).push(WorkloadInfo {
            cluster,
            workload: Arc::new(workload),
            source: Some(source),
            origin: WorkloadOrigin::Object,
            custom_kind: None,
            pods: vec![],
            pdbs: vec![],
        });
    }

    // PVCs by (namespace, name).
    let first_pvc = t.pvcs.len();
    let mut pvc_index: Named<PvcId> = Named::default();
    for (pvc, source) in objects.pvcs {
        let id = PvcId(t.pvcs.len() as u32);
        pvc_index.insert(&pvc.meta.namespace, &pvc.meta.name, id);
        Arc::make_mut(&mut t.pvcs).push(PvcInfo {
            cluster,
            pvc: Arc::new(pvc),
            source,
            pv: None,
            pods: vec![],
        });
    }

    // Pods: node, owner chain, claims.
    for (pod, source) in objects.pods {
        let id = PodId(t.pods.len() as u32);
        let node = pod
            .node_name
            .as_ref()
            .and_then(|n| t.node_by_name[cluster.index()].get(n).copied());
        if let Some(n) = node {
            Arc::make_mut(&mut t.nodes)[n.index()].pods.push(id);
        }
        let workload = owner_workload(t, cluster, &mut workload_index, &pod);
        if let Some(w) = workload {
            Arc::make_mut(&mut t.workloads)[w.index()].pods.push(id);
        }
        let pvcs: Vec<PvcId> = pod
            .claims
            .iter()
            .filter_map(|c| pvc_index.get(&pod.meta.namespace, c))
            .collect();
        for pvc in &pvcs {
            Arc::make_mut(&mut t.pvcs)[pvc.index()].pods.push(id);
        }
        Arc::make_mut(&mut t.pods).push(Arc::new(PodInfo {
            cluster,
            pod,
            source,
            node,
            workload,
            pvcs,
        }));
    }

    // Storage classes, PVs and their pins.
    let mut class_index: HashMap<String, ClassId> = HashMap::default();
    for (class, source) in objects.storage_classes {
        let id = ClassId(t.classes.len() as u32);
        class_index.insert(class.meta.name.clone(), id);
        t.classes.push(ClassInfo {
            cluster,
            class,
            source,
            pvs: vec![],
        });
    }
    let mut pv_index: HashMap<String, PvId> = HashMap::default();
    // The nodes each zone affinity admits, once per affinity.
    let mut reaches: HashMap<NodeSelector, Arc<[u64]>> = HashMap::default();
    for (pv, source) in objects.pvs {
        let id = PvId(t.pvs.len() as u32);
        pv_index.insert(pv.meta.name.clone(), id);
        let class = pv
            .storage_class
            .as_ref()
            .and_then(|c| class_index.get(c).copied());
        if let Some(c) = class {
            t.classes[c.index()].pvs.push(id);
        }
        let pvc = pv
            .claim
            .as_ref()
            .and_then(|(ns, name)| pvc_index.get(ns, name));
        let pin = pin_of(&pv);
        let reach = match (&pin, &pv.node_affinity) {
            (Pin::Zones(_), Some(affinity)) => Some(match reaches.get(affinity) {
                Some(reach) => reach.clone(),
                None => {
                    let reach = reach_of(&t.nodes, cluster, affinity);
                    reaches.insert(affinity.clone(), reach.clone());
                    reach
                }
            }),
            _ => None,
        };
        Arc::make_mut(&mut t.pvs).push(PvInfo {
            cluster,
            pin,
            reach,
            pv,
            source,
            class,
            pvc,
        });
    }
    for i in first_pvc..t.pvcs.len() {
        let by_name = t.pvcs[i]
            .pvc
            .volume_name
            .as_ref()
            .and_then(|n| pv_index.get(n).copied());
        if let Some(pv) = by_name {
            Arc::make_mut(&mut t.pvcs)[i].pv = Some(pv);
            Arc::make_mut(&mut t.pvs)[pv.index()]
                .pvc
                .get_or_insert(PvcId(i as u32));
        }
    }

    // PDBs select pods in their namespace: candidates come from an index on one of the
    // selector's labels, so matching is O(pods of that label), not O(pods).
    // The pods are shared, not copied: the indexes borrow their names while `t` changes.
    let pods = t.pods.clone();
    let mut by_label: HashMap<(&str, &str, &str), Vec<PodId>> = HashMap::default();
    let mut by_namespace: HashMap<&str, Vec<PodId>> = HashMap::default();
    {
        // One pod per name (the last, as the index of names the leader records use keeps).
        let mut by_key: HashMap<(&str, &str), PodId> = HashMap::default();
        by_key.reserve(pods.len());
        for (i, p) in pods
            .iter()
            .enumerate()
            .filter(|(_, p)| p.cluster == cluster)
        {
            let (ns, name) = (p.pod.meta.namespace.as_str(), p.pod.meta.name.as_str());
            by_key.insert((ns, name), PodId(i as u32));
        }
        for ((ns, _), p) in by_key {
            by_namespace.entry(ns).or_default().push(p);
        }
    }
    // Only the label keys some budget selects on are indexed (a few, against every pod's labels).
    let selected_keys: HashSet<String> = objects
        .pdbs
        .iter()
        .flat_map(|(pdb, _)| pdb.selector.match_labels.keys().cloned())
        .collect();
    for (i, pod) in pods
        .iter()
        .enumerate()
        .filter(|(_, p)| p.cluster == cluster)
    {
        for (k, v) in pod
            .pod
            .meta
            .labels
            .iter()
            .filter(|(k, _)| selected_keys.contains(k.as_str()))
        {
            by_label
                .entry((pod.pod.meta.namespace.as_str(), k.as_str(), v.as_str()))
                .or_default()
                .push(PodId(i as u32));
        }
    }
    // Workloads without pods (manifests, ReplicaSets scaled to zero) by the same selected labels:
    // a namespace can hold hundreds of old ReplicaSets, and each budget would test them all.
    let mut podless_by_namespace: HashMap<&str, Vec<WorkloadId>> = HashMap::default();
    let mut podless_by_label: HashMap<(&str, &str, &str), Vec<WorkloadId>> = HashMap::default();
    for (i, w) in t.workloads.iter().enumerate() {
        if w.cluster == cluster && w.pods.is_empty() && !w.workload.template_labels.is_empty() {
            let ns = w.workload.meta.namespace.as_str();
            podless_by_namespace
                .entry(ns)
                .or_default()
                .push(WorkloadId(i as u32));
            for (k, v) in w
                .workload
                .template_labels
                .iter()
                .filter(|(k, _)| selected_keys.contains(k.as_str()))
            {
                podless_by_label
                    .entry((ns, k.as_str(), v.as_str()))
                    .or_default()
                    .push(WorkloadId(i as u32));
            }
        }
    }
    let mut pdb_of_workload: Vec<(WorkloadId, PdbId)> = Vec::new();
    let mut pdb_infos = Vec::new();
    for (pdb, source) in objects.pdbs {
        let id = PdbId((t.pdbs.len() + pdb_infos.len()) as u32);
        let ns = pdb.meta.namespace.as_str();
        let mut pods: Vec<PodId> = candidates(&by_label, &by_namespace, ns, &pdb.selector)
            .iter()
            .copied()
            .filter(|p| pdb.selector.matches(&t.pods[p.index()].pod.meta.labels))
            .collect();
        pods.sort();
        pods.dedup();
        let mut workloads: Vec<WorkloadId> = pods
            .iter()
            .filter_map(|p| t.pods[p.index()].workload)
            .collect();
        // Workloads without pods (manifests) are matched by their template labels.
        let podless = candidates(&podless_by_label, &podless_by_namespace, ns, &pdb.selector);
        workloads.extend(podless.iter().copied().filter(|w| {
            pdb.selector
                .matches(&t.workloads[w.index()].workload.template_labels)
        }));
        workloads.sort();
        workloads.dedup();
        pdb_of_workload.extend(workloads.into_iter().map(|w| (w, id)));
        pdb_infos.push(PdbInfo {
            cluster,
            pdb: Arc::new(pdb),
            source,
            pods,
        });
    }
    drop(by_label);
    drop(by_namespace);
    drop(podless_by_namespace);
    drop(podless_by_label);
    for (w, id) in pdb_of_workload {
        Arc::make_mut(&mut t.workloads)[w.index()].pdbs.push(id);
    }
    t.pdbs.extend(pdb_infos);

    // Only the pods some record names, as for a live change of the records alone (the same graph:
    // a test builds both ways).
    let names = {
        let wanted: HashSet<&str> = objects
            .leaders
            .iter()
            .flat_map(|(record, _)| holder::pod_names(record))
            .collect();
        PodNames::of(&pods, cluster, Some(&wanted))
    };
    attach_leaders(
        t,
        cluster,
        objects.leaders,
        given.or(objects.clock),
        &names,
        options,
    );
}

/// The leader records of `cluster` (resolved to their holders) and the groups they make.
fn attach_leaders(
    t: &mut Topology,
    cluster: ClusterId,
    leaders: Vec<(LeaderRecord, Source)>,
    clock: Option<DateTime<Utc>>,
    names: &PodNames<'_>,
    options: &BuildOptions,
) {
    // Without a clock, each file's records are judged at its newest renewal (heartbeats too:
    // the kubelets renew every ten seconds, the best witness of when a file was collected).
    let mut file_time: HashMap<&str, DateTime<Utc>> = HashMap::default();
    if clock.is_none() {
        for (record, source) in &leaders {
            if let Some(at) = record.renew_time.or(record.acquire_time) {
                let entry = file_time.entry(&*source.file).or_insert(at);
                *entry = (*entry).max(at);
            }
        }
    }
    let file_time: HashMap<String, DateTime<Utc>> = file_time
        .into_iter()
        .map(|(f, at)| (f.to_string(), at))
        .collect();
    // Leader records (never the kubelets' heartbeats or the API servers' identities), each
    // election once.
    let first_leader = t.leaders.len();
    for (record, source) in one_record_per_election(leaders) {
        if record.is_node_heartbeat() || holder::is_apiserver_identity(&record) {
            continue;
        }
        let (holder, candidates) = holder::resolve(t, cluster, names, &record);
        // A time the record carries (an after-state written by Quorum) stands for its file's.
        let carried = record
            .meta
            .annotations
            .get(crate::contract::JUDGED_AT_ANNOTATION)
            .and_then(|at| chrono::DateTime::parse_from_rfc3339(at).ok())
            .map(|at| at.with_timezone(&Utc));
        let judged_at = clock
            .or(carried)
            .or_else(|| file_time.get(&*source.file).copied());
        t.leaders.push(LeaderInfo {
            cluster,
            record: Arc::new(record),
            source,
            holder,
            group: None,
            judged_at,
            judged_at_file_time: clock.is_none() && carried.is_none(),
            candidates,
        });
    }

    // Groups: StatefulSets are quorum groups; other workloads whose pods hold a leader record
    // are leader groups; users override per workload.
    let first_group = t.groups.len();
    let mut leaders_of: HashMap<WorkloadId, Vec<LeaderId>> = HashMap::default();
    for i in first_leader..t.leaders.len() {
        if let Some(w) = leader_workload(t, cluster, LeaderId(i as u32)) {
            leaders_of.entry(w).or_default().push(LeaderId(i as u32));
        }
    }
    let cluster_name = t.clusters[cluster.index()].name.clone();
    for (i, w) in t.workloads.iter().enumerate() {
        if w.cluster != cluster {
            continue;
        }
        // Pods owned by a Deployment's ReplicaSet belong to the Deployment, not to both.
        if w.workload.kind == Kind::ReplicaSet && w.pods.is_empty() {
            continue;
        }
        let id = WorkloadId(i as u32);
        // Names are made only when some workload is overridden.
        let overridden = (!options.group_modes.is_empty())
            .then(|| {
                let name = w.name();
                options
                    .group_modes
                    .get(&format!("{cluster_name}/{name}"))
                    .or_else(|| options.group_modes.get(&name))
                    .copied()
            })
            .flatten();
        let leaders = leaders_of.remove(&id).unwrap_or_default();
        let mode = match overridden {
            Some(GroupMode::Quorum) => Some(Mode::Quorum),
            Some(GroupMode::Leader) => Some(Mode::Leader),
            Some(GroupMode::None) => None,
            None if w.workload.kind == Kind::StatefulSet && w.origin != WorkloadOrigin::Static => {
                Some(Mode::Quorum)
            }
            None if !leaders.is_empty() => Some(Mode::Leader),
            None => None,
        };
        if let Some(mode) = mode {
            t.groups.push(GroupInfo {
                cluster,
                workload: id,
                mode,
                leaders,
            });
        }
    }
    for g in first_group..t.groups.len() {
        for l in t.groups[g].leaders.clone() {
            t.leaders[l.index()].group = Some(GroupId(g as u32));
        }
    }
}

/// client-go's migration locks (`endpointsleases`, `configmapsleases`) keep one election in two
/// objects of one name, an Endpoints or ConfigMap and a Lease; after a move to Leases alone the
/// old object stays behind, frozen. One election, so one record: the newest renewal (the Lease
/// when they tie). Patroni's records are no such pair.
fn one_record_per_election(
    leaders: Vec<(LeaderRecord, Source)>,
) -> impl Iterator<Item = (LeaderRecord, Source)> {
    let mut best: HashMap<(String, String), usize> = HashMap::default();
    let key = |r: &LeaderRecord| (r.meta.namespace.clone(), r.meta.name.clone());
    let rank = |r: &LeaderRecord| (r.renew_time.or(r.acquire_time), r.kind == Kind::Lease);
    for (i, (record, _)) in leaders.iter().enumerate() {
        if record.style == LeaderStyle::Patroni || record.is_node_heartbeat() {
            continue;
        }
        match best.get(&key(record)) {
            Some(&j) if rank(&leaders[j].0) >= rank(record) => {}
            _ => {
                best.insert(key(record), i);
            }
        }
    }
    leaders
        .into_iter()
        .enumerate()
        .filter_map(move |(i, entry)| {
            let paired = entry.0.style != LeaderStyle::Patroni && !entry.0.is_node_heartbeat();
            (!paired || best.get(&key(&entry.0)) == Some(&i)).then_some(entry)
        })
}

/// What a budget's selector could match in `namespace`: the shortest list of one of its
/// `matchLabels` (each indexed by namespace, key and value), else all of the namespace. The caller
/// still tests the whole selector.
fn candidates<'m, T>(
    by_label: &'m HashMap<(&'m str, &'m str, &'m str), Vec<T>>,
    by_namespace: &'m HashMap<&'m str, Vec<T>>,
    namespace: &'m str,
    selector: &'m LabelSelector,
) -> &'m [T] {
    let shortest = selector
        .match_labels
        .iter()
        .map(|(k, v)| {
            by_label
                .get(&(namespace, k.as_str(), v.as_str()))
                .map_or(&[][..], Vec::as_slice)
        })
        .min_by_key(|c| c.len());
    shortest.unwrap_or_else(|| by_namespace.get(namespace).map_or(&[][..], Vec::as_slice))
}

/// Objects of one kind by namespace and name, looked up without building a key: the graph looks
/// up a workload and claims for each of 150,000 pods.
struct Named<V>(HashMap<String, HashMap<String, V>>);

impl<V> Default for Named<V> {
    fn default() -> Self {
        Named(HashMap::default())
    }
}

impl<V: Copy> Named<V> {
    fn get(&self, namespace: &str, name: &str) -> Option<V> {
        self.0.get(namespace)?.get(name).copied()
    }

    /// The last object inserted under a name wins, as in a map.
    fn insert(&mut self, namespace: &str, name: &str, value: V) {
        match self.0.get_mut(namespace) {
            Some(names) => {
                names.insert(name.to_string(), value);
            }
            None => {
                let names = HashMap::from_iter([(name.to_string(), value)]);
                self.0.insert(namespace.to_string(), names);
            }
        }
    }
}

/// The workloads of one cluster by kind, namespace and name.
type WorkloadIndex = HashMap<Kind, Named<WorkloadId>>;

/// Where a pod's controller leads: to no workload (no owner, a Job), to a workload the graph
/// has, or to one it infers.
enum Owner<'a> {
    None,
    Found(WorkloadId),
    New {
        kind: Kind,
        name: std::borrow::Cow<'a, str>,
        origin: WorkloadOrigin,
        /// The kind of the pod's controller.
        owner_kind: &'a str,
    },
}

/// Follows a pod's controller up to its workload (ReplicaSet → Deployment); `find` looks a
/// workload of the cluster up by kind, namespace and name.
fn owner_of<'a>(
    t: &'a Topology,
    pod: &'a Pod,
    find: impl Fn(Kind, &str, &str) -> Option<WorkloadId>,
) -> Owner<'a> {
    use std::borrow::Cow;
    // A static pod's mirror: owned by its Node since 1.17, by nobody before; marked either way.
    let (owner_kind, owner_name) = match pod.meta.controller() {
        Some(owner) => (owner.kind.as_str(), owner.name.as_str()),
        None if is_mirror(pod) => ("Node", pod.node_name.as_deref().unwrap_or_default()),
        None => return Owner::None,
    };
    let ns = pod.meta.namespace.as_str();
    let (kind, name, origin): (Kind, Cow<str>, WorkloadOrigin) = match owner_kind {
        "Node" => {
            // A static pod is named `<component>-<node>`.
            let node = pod.node_name.as_deref().unwrap_or(owner_name);
            let base = pod
                .meta
                .name
                .strip_suffix(node)
                .and_then(|b| b.strip_suffix('-'))
                .unwrap_or(&pod.meta.name);
            (Kind::Pod, base.into(), WorkloadOrigin::Static)
        }
        "ReplicaSet" => {
            let rs = find(Kind::ReplicaSet, ns, owner_name);
            let deployment: Option<&str> = match rs {
                Some(rs) => t.workloads[rs.index()]
                    .workload
                    .meta
                    .controller()
                    .filter(|o| o.kind == "Deployment")
                    .map(|o| o.name.as_str()),
                // A ReplicaSet `<deployment>-<hash>` that was not exported.
                None => owner_name.rsplit_once('-').map(|(d, _)| d),
            };
            match deployment {
                Some(d) => (Kind::Deployment, d.into(), WorkloadOrigin::Inferred),
                None => (
                    Kind::ReplicaSet,
                    owner_name.into(),
                    WorkloadOrigin::Inferred,
                ),
            }
        }
        "StatefulSet" => (
            Kind::StatefulSet,
            owner_name.into(),
            WorkloadOrigin::Inferred,
        ),
        "DaemonSet" => (Kind::DaemonSet, owner_name.into(), WorkloadOrigin::Inferred),
        "Deployment" => (
            Kind::Deployment,
            owner_name.into(),
            WorkloadOrigin::Inferred,
        ),
        // Jobs finish: not replicas of anything.
        "Job" | "CronJob" => return Owner::None,
        // An operator's custom resource owns its pods directly.
        _ => (Kind::Pod, owner_name.into(), WorkloadOrigin::Operator),
    };
    match find(kind, ns, &name) {
        Some(id) => Owner::Found(id),
        None => Owner::New {
            kind,
            name,
            origin,
            owner_kind,
        },
    }
}

/// A static pod: its mirror, owned by its node (or, before 1.17, by nobody, but marked).
fn is_static(pod: &Pod) -> bool {
    match pod.meta.controller() {
        Some(owner) => owner.kind == "Node",
        None => is_mirror(pod),
    }
}

fn is_mirror(pod: &Pod) -> bool {
    pod.meta
        .annotations
        .contains_key("kubernetes.io/config.mirror")
}

/// Follows a pod's controller up to its workload ([`owner_of`]), inferring workloads that were
/// not exported.
fn owner_workload(
    t: &mut Topology,
    cluster: ClusterId,
    index: &mut WorkloadIndex,
    pod: &Pod,
) -> Option<WorkloadId> {
    let (kind, name, origin, owner_kind) =
        match owner_of(t, pod, |kind, ns, name| index.get(&kind)?.get(ns, name)) {
            Owner::None => return None,
            Owner::Found(id) => return Some(id),
            Owner::New {
                kind,
                name,
                origin,
                owner_kind,
            } => (kind, name.into_owned(), origin, owner_kind),
        };
    let ns = pod.meta.namespace.as_str();
    let custom_kind = (origin == WorkloadOrigin::Operator).then(|| owner_kind.to_string());
    let id = WorkloadId(t.workloads.len() as u32);
    index.entry(kind).or_default().insert(ns, &name, id);
    Arc::make_mut(&mut t.workloads).push(WorkloadInfo {
        cluster,
        workload: Arc::new(Workload {
            meta: Meta {
                name,
                namespace: ns.to_string(),
                ..Meta::default()
            },
            kind,
            replicas: None,
            selector: LabelSelector::default(),
            template_labels: Labels::new(),
            placement: pod.placement.clone(),
            claim_templates: vec![],
            ready_replicas: None,
            max_unavailable: None,
        }),
        source: None,
        origin,
        custom_kind,
        pods: vec![],
        pdbs: vec![],
    });
    Some(id)
}

/// A volume's pin: the zones or nodes its node affinity admits.
fn pin_of(pv: &Pv) -> Pin {
    let Some(affinity) = &pv.node_affinity else {
        return Pin::None;
    };
    for key in ZONE_KEYS {
        if let Some(zones) = affinity.allowed_values(key) {
            return Pin::Zones(zones);
        }
    }
    if let Some(nodes) = affinity.allowed_values(HOSTNAME_LABEL) {
        return Pin::Nodes(nodes);
    }
    let by_field: Option<Vec<String>> = affinity
        .terms
        .iter()
        .map(|t| {
            t.fields
                .iter()
                .find(|r| r.key == "metadata.name" && r.operator == Operator::In)
                .map(|r| r.values.clone())
        })
        .collect::<Option<Vec<_>>>()
        .map(|v| v.concat());
    match by_field {
        Some(nodes) if !nodes.is_empty() => Pin::Nodes(nodes),
        _ => Pin::Other,
    }
}

/// The workload a leader record belongs to: its holder pod's; a static component of the record's
/// name on its holder node; the one workload every pod an ambiguous identity could be belongs
/// to; or, for a holder gone from the export, a workload the record is named after. A record
/// nobody holds, or that only locks for a second (a mutex, no election), is attached to nothing
/// by its name alone.
fn leader_workload(t: &Topology, cluster: ClusterId, leader: LeaderId) -> Option<WorkloadId> {
    let info = &t.leaders[leader.index()];
    match info.holder {
        Holder::Pod(p) => return t.pods[p.index()].workload,
        Holder::Node(n) => {
            return t.nodes[n.index()].pods.iter().find_map(|p| {
                let w = t.pods[p.index()].workload?;
                let wi = &t.workloads[w.index()];
                (wi.origin == WorkloadOrigin::Static
                    && wi.workload.meta.name == info.record.meta.name)
                    .then_some(w)
            });
        }
        Holder::Ambiguous => {
            let mut workloads = info.candidates.iter().map(|p| t.pods[p.index()].workload);
            let first = workloads.next().flatten()?;
            return workloads.all(|w| w == Some(first)).then_some(first);
        }
        Holder::Vacant | Holder::External => return None,
        Holder::Unresolved if info.record.duration() <= 1 => return None,
        Holder::Unresolved => {}
    }
    let lease = &info.record.meta;
    t.workloads
        .iter()
        .enumerate()
        .filter(|(_, w)| {
            w.cluster == cluster
                && w.workload.meta.namespace == lease.namespace
                && w.workload.kind != Kind::ReplicaSet
                && (lease.name == w.workload.meta.name
                    || lease
                        .name
                        .strip_prefix(w.workload.meta.name.as_str())
                        .is_some_and(|rest| rest.starts_with('-')))
        })
        .max_by_key(|(_, w)| w.workload.meta.name.len())
        .map(|(i, _)| WorkloadId(i as u32))
}
