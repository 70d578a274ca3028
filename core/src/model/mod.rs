//! Plain domain types: what Quorum knows about each Kubernetes object it reads.
//!
//! These are the slim, already-interpreted forms of the API objects (quantities parsed, owner
//! chains reduced to references, leader annotations decoded). Nothing here does I/O.

mod labels;
mod quantity;
mod selector;

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;

pub use labels::Labels;
pub use quantity::{parse_cpu_millis, parse_quantity};
pub use selector::{
    LabelSelector, NodeSelector, NodeSelectorTerm, Operator, Requirement, label_value_matches,
};

/// Where an object came from: the file, the 1-based document number in it, and the 1-based line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Source {
    pub file: Arc<str>,
    pub document: u32,
    pub line: u32,
}

/// The kinds Quorum reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Kind {
    Node,
    Pod,
    PersistentVolumeClaim,
    PersistentVolume,
    StorageClass,
    Lease,
    StatefulSet,
    Deployment,
    ReplicaSet,
    DaemonSet,
    PodDisruptionBudget,
    Namespace,
    Endpoints,
    ConfigMap,
}

impl Kind {
    /// The kinds leader records are read from.
    pub fn holds_leaders(self) -> bool {
        matches!(self, Kind::Lease | Kind::Endpoints | Kind::ConfigMap)
    }

    pub const ALL: [Kind; 14] = [
        Kind::Node,
        Kind::Pod,
        Kind::PersistentVolumeClaim,
        Kind::PersistentVolume,
        Kind::StorageClass,
        Kind::Lease,
        Kind::StatefulSet,
        Kind::Deployment,
        Kind::ReplicaSet,
        Kind::DaemonSet,
        Kind::PodDisruptionBudget,
        Kind::Namespace,
        Kind::Endpoints,
        Kind::ConfigMap,
    ];

    /// Where this kind stands in [`Kind::ALL`] (declared in the same order).
    pub const fn index(self) -> usize {
        self as usize
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Node => "Node",
            Kind::Pod => "Pod",
            Kind::PersistentVolumeClaim => "PersistentVolumeClaim",
            Kind::PersistentVolume => "PersistentVolume",
            Kind::StorageClass => "StorageClass",
            Kind::Lease => "Lease",
            Kind::StatefulSet => "StatefulSet",
            Kind::Deployment => "Deployment",
            Kind::ReplicaSet => "ReplicaSet",
            Kind::DaemonSet => "DaemonSet",
            Kind::PodDisruptionBudget => "PodDisruptionBudget",
            Kind::Namespace => "Namespace",
            Kind::Endpoints => "Endpoints",
            Kind::ConfigMap => "ConfigMap",
        }
    }

    pub fn parse(kind: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == kind)
    }

    pub fn is_workload(self) -> bool {
        matches!(
            self,
            Kind::StatefulSet | Kind::Deployment | Kind::ReplicaSet | Kind::DaemonSet
        )
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The identity of an object: kind, namespace (empty when cluster-scoped) and name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ObjectKey {
    pub kind: Kind,
    pub namespace: String,
    pub name: String,
}

impl ObjectKey {
    /// `namespace/name`, or `name` for cluster-scoped objects.
    pub fn qualified(&self) -> String {
        qualified(&self.namespace, &self.name)
    }
}

pub fn qualified(namespace: &str, name: &str) -> String {
    if namespace.is_empty() {
        name.to_string()
    } else {
        format!("{namespace}/{name}")
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OwnerRef {
    pub kind: String,
    pub name: String,
    pub controller: bool,
}

/// Metadata every object carries.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Meta {
    pub name: String,
    pub namespace: String,
    pub labels: Labels,
    /// Only the annotations Quorum reads (leader records, `quorum.dev/*`).
    pub annotations: Labels,
    pub owners: Vec<OwnerRef>,
    pub created: Option<DateTime<Utc>>,
    /// The object's version when read: a plan's patches carry it, so a step whose object changed
    /// since the plan is refused (409) instead of overwriting someone else's change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_version: Option<String>,
    /// `metadata.generation`: it moves with the spec only, where the version moves with every
    /// status update too. A workload's patch is refused when its spec changed since the plan,
    /// not when its controller updated its status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generation: Option<i64>,
}

impl Meta {
    /// Who rewrites this object from elsewhere, when someone does: its owner (an operator's
    /// resource, another controller) or the manager its `app.kubernetes.io/managed-by` label
    /// names (Helm, an operator). A change made to the object itself would be undone there.
    pub fn manager(&self) -> Option<String> {
        if let Some(owner) = self.controller() {
            return Some(format!("its owner, {} {}", owner.kind, owner.name));
        }
        let by = self.labels.get("app.kubernetes.io/managed-by")?;
        Some(match by.as_str() {
            "Helm" => "its Helm chart (app.kubernetes.io/managed-by: Helm)".to_string(),
            other => format!("{other}, which manages it (app.kubernetes.io/managed-by)"),
        })
    }

    pub fn controller(&self) -> Option<&OwnerRef> {
        self.owners
            .iter()
            .find(|o| o.controller)
            .or_else(|| self.owners.first())
    }

    /// Check ids suppressed on this object by `quorum.dev/ignore`.
    pub fn ignored_checks(&self) -> impl Iterator<Item = &str> {
        self.annotations
            .get(IGNORE_ANNOTATION)
            .map(|s| s.as_str())
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
}

pub const IGNORE_ANNOTATION: &str = "quorum.dev/ignore";
pub const LEADER_ANNOTATION: &str = "control-plane.alpha.kubernetes.io/leader";
pub const PATRONI_LEADER_ANNOTATION: &str = "leader";

/// CPU in millicores, memory in bytes, pods as a count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Resources {
    pub cpu_millis: u64,
    pub memory_bytes: u64,
    pub pods: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum TaintEffect {
    NoSchedule,
    PreferNoSchedule,
    NoExecute,
}

impl TaintEffect {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "NoSchedule" => Some(Self::NoSchedule),
            "PreferNoSchedule" => Some(Self::PreferNoSchedule),
            "NoExecute" => Some(Self::NoExecute),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Taint {
    pub key: String,
    pub value: String,
    pub effect: TaintEffect,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Toleration {
    /// Empty key with `Exists` tolerates everything.
    pub key: String,
    pub exists: bool,
    pub value: String,
    /// None tolerates every effect.
    pub effect: Option<TaintEffect>,
    pub seconds: Option<i64>,
}

impl Toleration {
    pub fn tolerates(&self, taint: &Taint) -> bool {
        if let Some(effect) = self.effect
            && effect != taint.effect
        {
            return false;
        }
        if self.key.is_empty() {
            return self.exists;
        }
        self.key == taint.key && (self.exists || self.value == taint.value)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Node {
    pub meta: Meta,
    /// The API server's id of this node: two nodes of one name with different ids are two
    /// clusters' nodes, mixed up in one export.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    /// Not in the export: named by the pods that run on it (a namespace-scoped export, a bundle
    /// without nodes). Its readiness, labels and capacity are unknown; it is assumed Ready.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub inferred: bool,
    /// The scheme of `spec.providerID` (`aws`, `gce`, `azure`, ...): whose machine it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// None when the export has no Ready condition.
    pub ready: Option<bool>,
    pub unschedulable: bool,
    pub taints: Vec<Taint>,
    pub allocatable: Resources,
    pub control_plane: bool,
    /// `status.nodeInfo.kubeletVersion` (`v1.33.5-eks-...`): what release the cluster runs,
    /// when no server says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kubelet_version: Option<String>,
}

impl Node {
    pub fn is_ready(&self) -> bool {
        self.ready.unwrap_or(true)
    }

    /// A node the export does not hold, named by a pod that runs on it.
    pub fn inferred(name: &str) -> Node {
        Node {
            meta: Meta {
                name: name.to_string(),
                ..Meta::default()
            },
            uid: None,
            inferred: true,
            provider: None,
            ready: None,
            unschedulable: false,
            taints: vec![],
            allocatable: Resources::default(),
            control_plane: false,
            kubelet_version: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PodAffinityTerm {
    pub selector: LabelSelector,
    pub topology_key: String,
    /// Empty means the pod's own namespace.
    pub namespaces: Vec<String>,
}

/// A `topologySpreadConstraint`, with the scheduler's defaults for what was left out.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SpreadConstraint {
    pub max_skew: u32,
    pub topology_key: String,
    pub do_not_schedule: bool,
    /// None: no `labelSelector`, which counts no pod (a nil selector selects nothing).
    pub selector: Option<LabelSelector>,
    /// `minDomains` (DoNotSchedule only): with fewer eligible domains the global minimum is 0.
    pub min_domains: Option<u32>,
    /// `nodeAffinityPolicy: Honor` (the default): only nodes the pod's node selector and
    /// required node affinity admit are domains.
    pub honor_node_affinity: bool,
    /// `nodeTaintsPolicy: Honor` (default Ignore): nodes with a NoSchedule or NoExecute taint
    /// the pod does not tolerate are not domains.
    pub honor_node_taints: bool,
    /// `matchLabelKeys`: only pods with the same values of these labels as the pod count.
    pub match_label_keys: Vec<String>,
}

impl SpreadConstraint {
    /// The constraint as the API writes it, every field the scheduler reads spelled out.
    pub fn to_json(&self) -> serde_json::Value {
        let mut out = serde_json::json!({
            "maxSkew": self.max_skew,
            "topologyKey": self.topology_key,
            "whenUnsatisfiable": if self.do_not_schedule { "DoNotSchedule" } else { "ScheduleAnyway" },
            "nodeAffinityPolicy": if self.honor_node_affinity { "Honor" } else { "Ignore" },
            "nodeTaintsPolicy": if self.honor_node_taints { "Honor" } else { "Ignore" },
        });
        if let Some(selector) = &self.selector {
            out["labelSelector"] = selector.to_json();
        }
        if let Some(min) = self.min_domains {
            out["minDomains"] = min.into();
        }
        if !self.match_label_keys.is_empty() {
            out["matchLabelKeys"] = serde_json::json!(self.match_label_keys);
        }
        out
    }

    /// Whether `other`'s labels count for a pod labelled `own` under this constraint.
    pub fn counts(&self, own: &Labels, other: &Labels) -> bool {
        self.selector.as_ref().is_some_and(|s| s.matches(other))
            && self.match_label_keys.iter().all(|k| match own.get(k) {
                // A key the pod does not carry is ignored, as the scheduler does.
                Some(v) => other.get(k) == Some(v),
                None => true,
            })
    }
}

/// The scheduling-relevant part of a pod spec, shared by pods and workload templates.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Placement {
    pub node_selector: Labels,
    pub required_node_affinity: Option<NodeSelector>,
    pub required_anti_affinity: Vec<PodAffinityTerm>,
    pub preferred_anti_affinity: Vec<PodAffinityTerm>,
    pub tolerations: Vec<Toleration>,
    pub spread: Vec<SpreadConstraint>,
    pub requests: Resources,
    /// The requests kube-scheduler's resource scores count: a container that sets no CPU or
    /// memory request counts 100m CPU and 200 MiB (its "non-zero" requests).
    pub scored: Resources,
}

impl Placement {
    /// Whether a taint leaves the pod free to be scheduled there: a PreferNoSchedule taint, or
    /// one of the pod's tolerations tolerates it.
    pub fn tolerates(&self, taint: &Taint) -> bool {
        taint.effect == TaintEffect::PreferNoSchedule
            || self.tolerations.iter().any(|tol| tol.tolerates(taint))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum PodPhase {
    Pending,
    Running,
    Succeeded,
    Failed,
    Unknown,
}

impl PodPhase {
    pub fn parse(s: &str) -> Self {
        match s {
            "Pending" => Self::Pending,
            "Running" => Self::Running,
            "Succeeded" => Self::Succeeded,
            "Failed" => Self::Failed,
            _ => Self::Unknown,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pod {
    pub meta: Meta,
    pub node_name: Option<String>,
    pub phase: PodPhase,
    pub ready: bool,
    pub placement: Placement,
    /// Names of the PVCs the pod mounts (same namespace).
    pub claims: Vec<String>,
    /// The first hostPath volume that can hold data (not the node's own machinery: the
    /// kubelet's directories, `/dev`, `/sys`, `/run`, `/etc`, logs, runtime sockets).
    pub host_path: Option<String>,
    /// Read from a file that holds it alone (Insights' `config/pod/<ns>/<pod>.json`, a
    /// must-gather's `pods/<pod>/<pod>.yaml`): a selection of pods, not a listing of them, so
    /// the pods seen of a workload need not be all its replicas.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub alone: bool,
    /// `spec.hostname`, when set: the hostname its containers see instead of its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    pub deleting: bool,
}

impl Pod {
    /// Counts as a live replica: scheduled and not finished.
    pub fn is_active(&self) -> bool {
        !matches!(self.phase, PodPhase::Succeeded | PodPhase::Failed) && !self.deleting
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pvc {
    pub meta: Meta,
    pub volume_name: Option<String>,
    pub storage_class: Option<String>,
    pub phase: String,
    pub request_bytes: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pv {
    pub meta: Meta,
    /// `namespace/name` of the bound claim.
    pub claim: Option<(String, String)>,
    pub storage_class: Option<String>,
    pub node_affinity: Option<NodeSelector>,
    /// `local` or `hostPath`: the data lives on one machine.
    pub node_local: bool,
    pub driver: Option<String>,
    pub capacity_bytes: u64,
    pub phase: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StorageClass {
    pub meta: Meta,
    pub provisioner: String,
    pub wait_for_first_consumer: bool,
    pub allowed_topologies: Option<NodeSelector>,
    pub is_default: bool,
    /// Regional disks (replicated across zones) do not pin to one zone.
    pub regional: bool,
}

/// Where a leader record is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum LeaderStyle {
    /// `coordination.k8s.io` Lease.
    Lease,
    /// `control-plane.alpha.kubernetes.io/leader` annotation on Endpoints or ConfigMap.
    Annotation,
    /// Patroni's `leader` annotation.
    Patroni,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LeaderRecord {
    pub meta: Meta,
    pub kind: Kind,
    pub style: LeaderStyle,
    pub holder: Option<String>,
    pub duration_seconds: Option<u32>,
    pub renew_time: Option<DateTime<Utc>>,
    pub acquire_time: Option<DateTime<Utc>>,
    pub transitions: Option<u32>,
    pub preferred_holder: Option<String>,
    /// `spec.strategy` (coordinated leader election): without it an API server drops
    /// `spec.preferredHolder`, so a targeted handover cannot happen.
    pub strategy: Option<String>,
}

impl LeaderRecord {
    pub const DEFAULT_DURATION_SECONDS: u32 = 15;

    pub fn duration(&self) -> u32 {
        self.duration_seconds
            .unwrap_or(Self::DEFAULT_DURATION_SECONDS)
    }

    /// Expired when `renewTime + leaseDurationSeconds` is before `now`.
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        self.expires_at().is_some_and(|at| at < now)
    }

    /// The instant after which it is expired (its last renewal or acquisition and its
    /// duration); None when it has neither time.
    pub fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.renew_time
            .or(self.acquire_time)
            .map(|t| t + chrono::Duration::seconds(i64::from(self.duration())))
    }

    /// Heartbeat leases of the kubelets, never leaders.
    pub fn is_node_heartbeat(&self) -> bool {
        self.meta.namespace == "kube-node-lease"
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VolumeClaimTemplate {
    pub name: String,
    pub storage_class: Option<String>,
    pub request_bytes: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Workload {
    pub meta: Meta,
    pub kind: Kind,
    /// Desired replicas (None for DaemonSets).
    pub replicas: Option<u32>,
    pub selector: LabelSelector,
    pub template_labels: Labels,
    pub placement: Placement,
    pub claim_templates: Vec<VolumeClaimTemplate>,
    /// `status.readyReplicas` as its controller reported it; None without a status (manifests).
    pub ready_replicas: Option<u32>,
    /// A StatefulSet's `updateStrategy.rollingUpdate.maxUnavailable`: how many pods a rollout
    /// may replace at once, on releases whose controller honours it
    /// ([`crate::release::Rules::statefulset_max_unavailable`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_unavailable: Option<IntOrPercent>,
}

impl Workload {
    /// How many of its pods a rollout replaces at once under `rules`: a StatefulSet's
    /// `maxUnavailable` (scaled against its replicas, rounded down, at least 1) where the release
    /// honours it, else 1. Deployments are not judged here (None).
    pub fn rollout_batch(&self, rules: &crate::release::Rules) -> Option<u32> {
        if self.kind != Kind::StatefulSet {
            return None;
        }
        let replicas = self.replicas.unwrap_or(1);
        Some(match self.max_unavailable {
            Some(v) if rules.statefulset_max_unavailable => match v {
                IntOrPercent::Int(n) => n.max(0) as u32,
                IntOrPercent::Percent(p) => (u64::from(replicas) * u64::from(p) / 100) as u32,
            }
            .max(1),
            _ => 1,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum IntOrPercent {
    Int(i64),
    Percent(u32),
}

impl IntOrPercent {
    /// As the API writes it: a number, or a string ending in `%`.
    pub fn to_json(self) -> serde_json::Value {
        match self {
            Self::Int(n) => n.into(),
            Self::Percent(p) => format!("{p}%").into(),
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        if let Some(p) = s.strip_suffix('%') {
            p.trim().parse().ok().map(Self::Percent)
        } else {
            s.parse().ok().map(Self::Int)
        }
    }

    /// Resolved against `total`; percentages round up as Kubernetes does for PDBs.
    pub fn resolve(self, total: u32) -> u32 {
        match self {
            Self::Int(n) => n.max(0) as u32,
            Self::Percent(p) => (u64::from(total) * u64::from(p)).div_ceil(100) as u32,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pdb {
    pub meta: Meta,
    pub selector: LabelSelector,
    pub min_available: Option<IntOrPercent>,
    pub max_unavailable: Option<IntOrPercent>,
    pub disruptions_allowed: Option<i64>,
}

impl Pdb {
    /// How many of `healthy` pods out of `expected` may be disrupted at once.
    pub fn allowed_disruptions(&self, expected: u32, healthy: u32) -> u32 {
        let desired = match (self.min_available, self.max_unavailable) {
            (Some(min), _) => min.resolve(expected),
            (None, Some(max)) => expected.saturating_sub(max.resolve(expected)),
            (None, None) => expected.saturating_sub(1),
        };
        healthy.saturating_sub(desired)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Namespace {
    pub meta: Meta,
}

/// One object as loaded, with where it came from.
#[derive(Clone, Debug, PartialEq)]
pub enum Object {
    Node(Node),
    Pod(Pod),
    Pvc(Pvc),
    Pv(Pv),
    StorageClass(StorageClass),
    Leader(LeaderRecord),
    Workload(Workload),
    Pdb(Pdb),
    Namespace(Namespace),
}

impl Object {
    pub fn meta(&self) -> &Meta {
        match self {
            Object::Node(o) => &o.meta,
            Object::Pod(o) => &o.meta,
            Object::Pvc(o) => &o.meta,
            Object::Pv(o) => &o.meta,
            Object::StorageClass(o) => &o.meta,
            Object::Leader(o) => &o.meta,
            Object::Workload(o) => &o.meta,
            Object::Pdb(o) => &o.meta,
            Object::Namespace(o) => &o.meta,
        }
    }

    pub fn meta_mut(&mut self) -> &mut Meta {
        match self {
            Object::Node(o) => &mut o.meta,
            Object::Pod(o) => &mut o.meta,
            Object::Pvc(o) => &mut o.meta,
            Object::Pv(o) => &mut o.meta,
            Object::StorageClass(o) => &mut o.meta,
            Object::Leader(o) => &mut o.meta,
            Object::Workload(o) => &mut o.meta,
            Object::Pdb(o) => &mut o.meta,
            Object::Namespace(o) => &mut o.meta,
        }
    }

    pub fn kind(&self) -> Kind {
        match self {
            Object::Node(_) => Kind::Node,
            Object::Pod(_) => Kind::Pod,
            Object::Pvc(_) => Kind::PersistentVolumeClaim,
            Object::Pv(_) => Kind::PersistentVolume,
            Object::StorageClass(_) => Kind::StorageClass,
            Object::Leader(l) => l.kind,
            Object::Workload(w) => w.kind,
            Object::Pdb(_) => Kind::PodDisruptionBudget,
            Object::Namespace(_) => Kind::Namespace,
        }
    }

    pub fn key(&self) -> ObjectKey {
        let meta = self.meta();
        ObjectKey {
            kind: self.kind(),
            namespace: meta.namespace.clone(),
            name: meta.name.clone(),
        }
    }
}

/// Every object of one cluster, by kind, each with its source.
#[derive(Clone, Debug, Default)]
pub struct ClusterObjects {
    pub name: String,
    /// The time this cluster was read at, when it is known (a live read's clock); files are
    /// judged at each file's newest renewal instead.
    pub clock: Option<DateTime<Utc>>,
    /// The kinds known to have been exported for this cluster (listed, even when empty): a
    /// kind that is absent from an export was not looked at, which says nothing of the cluster.
    pub listed: std::collections::BTreeSet<Kind>,
    /// Kinds known to have been exported for one namespace.
    pub listed_in: std::collections::BTreeSet<(Kind, String)>,
    /// Some of its input was exported kind by kind: a kind not listed (for the cluster, or for
    /// a namespace) was not exported. Otherwise (manifests, one mixed `List`) an absent kind
    /// has none.
    pub by_kind: bool,
    /// The live server's `/version` (`gitVersion`), when it was read live.
    pub server_version: Option<String>,
    pub nodes: Vec<(Node, Source)>,
    /// In a snapshot of changes, the pods that changed or came since the last one; otherwise
    /// every pod.
    pub pods: Vec<(Pod, Source)>,
    /// In a snapshot of changes, the pods (namespace, name) that went since the last one (one
    /// of the same name may have come since: it is in `pods`).
    pub pods_gone: Vec<(String, String)>,
    pub pvcs: Vec<(Pvc, Source)>,
    pub pvs: Vec<(Pv, Source)>,
    pub storage_classes: Vec<(StorageClass, Source)>,
    pub leaders: Vec<(LeaderRecord, Source)>,
    /// In a snapshot of changes ([`crate::graph::Topology::with_changes`]), `leaders` holds only
    /// the records that changed since the last one (none came or went); otherwise it holds all.
    pub leaders_changed_only: bool,
    pub workloads: Vec<(Workload, Source)>,
    pub pdbs: Vec<(Pdb, Source)>,
    pub namespaces: Vec<(Namespace, Source)>,
}

impl ClusterObjects {
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    pub fn push(&mut self, object: Object, source: Source) {
        match object {
            Object::Node(o) => self.nodes.push((o, source)),
            Object::Pod(o) => self.pods.push((o, source)),
            Object::Pvc(o) => self.pvcs.push((o, source)),
            Object::Pv(o) => self.pvs.push((o, source)),
            Object::StorageClass(o) => self.storage_classes.push((o, source)),
            Object::Leader(o) => self.leaders.push((o, source)),
            Object::Workload(o) => self.workloads.push((o, source)),
            Object::Pdb(o) => self.pdbs.push((o, source)),
            Object::Namespace(o) => self.namespaces.push((o, source)),
        }
    }

    /// Room for this many more objects of each kind (counted in the order of `Kind::ALL`), so
    /// that a load fills vectors of their final size instead of doubling them.
    pub fn reserve(&mut self, counts: &[usize; Kind::ALL.len()]) {
        let mut by_vector = [0usize; 9];
        for (kind, n) in Kind::ALL.iter().zip(counts) {
            let vector = match kind {
                Kind::Node => 0,
                Kind::Pod => 1,
                Kind::PersistentVolumeClaim => 2,
                Kind::PersistentVolume => 3,
                Kind::StorageClass => 4,
                Kind::Lease | Kind::Endpoints | Kind::ConfigMap => 5,
                Kind::StatefulSet | Kind::Deployment | Kind::ReplicaSet | Kind::DaemonSet => 6,
                Kind::PodDisruptionBudget => 7,
                Kind::Namespace => 8,
            };
            by_vector[vector] += n;
        }
        let [
            nodes,
            pods,
            pvcs,
            pvs,
            classes,
            leaders,
            workloads,
            pdbs,
            namespaces,
        ] = by_vector;
        self.nodes.reserve_exact(nodes);
        self.pods.reserve_exact(pods);
        self.pvcs.reserve_exact(pvcs);
        self.pvs.reserve_exact(pvs);
        self.storage_classes.reserve_exact(classes);
        self.leaders.reserve_exact(leaders);
        self.workloads.reserve_exact(workloads);
        self.pdbs.reserve_exact(pdbs);
        self.namespaces.reserve_exact(namespaces);
    }

    pub fn object_count(&self) -> usize {
        self.nodes.len()
            + self.pods.len()
            + self.pvcs.len()
            + self.pvs.len()
            + self.storage_classes.len()
            + self.leaders.len()
            + self.workloads.len()
            + self.pdbs.len()
            + self.namespaces.len()
    }

    pub fn is_empty(&self) -> bool {
        self.object_count() == 0
    }
}

/// A problem with one document of one input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InputError {
    pub document: u32,
    pub line: u32,
    pub message: String,
}

impl InputError {
    /// Where it is, for people: `file:line (document N)`, or the file alone for a problem with
    /// the file (or directory) as a whole, or a live object.
    pub fn position(&self, source: &str) -> String {
        if self.document == 0 && self.line == 0 {
            source.to_string()
        } else {
            format!("{source}:{} (document {})", self.line, self.document)
        }
    }
}

/// What one input file gave.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct InputReport {
    pub source: String,
    pub cluster: String,
    pub documents: u32,
    pub objects: u32,
    /// Documents of kinds Quorum does not read (custom resources, Services, ...), by kind.
    pub skipped: BTreeMap<String, u32>,
    pub duplicates: u32,
    pub errors: Vec<InputError>,
    /// Documents or items that are no Kubernetes object at all (version and metadata files,
    /// arrays of messages): skipped with a note.
    pub not_kubernetes: u32,
    /// Documents that are Kubernetes objects or lists (read, skipped, empty or broken).
    pub kubernetes_documents: u32,
    /// Things said about this input that are no error (logs skipped, two clusters mixed up).
    pub notes: Vec<String>,
    /// The kinds this input shows were exported: its objects' kinds, and the kinds of its empty
    /// lists (an empty `PodDisruptionBudgetList` says there are none, no list says nothing).
    #[serde(skip)]
    pub kinds: std::collections::BTreeSet<Kind>,
    /// Kinds this input shows were exported for one namespace only (a bundle's
    /// `pod-disruption-budgets/<ns>.json`, a must-gather's `namespaces/<ns>/...`).
    #[serde(skip)]
    pub namespaced_kinds: std::collections::BTreeSet<(Kind, String)>,
    /// The export is made kind by kind (typed lists, or files and folders named by kind, as
    /// `kubectl cluster-info dump`, support bundles, must-gathers and sonobuoy write): a kind
    /// without its list or folder was not exported there.
    #[serde(skip)]
    pub by_kind: bool,
    /// It holds a list (its objects were listed, not picked out one by one).
    #[serde(skip)]
    pub listing: bool,
    /// A version document in the input (`kubectl version -o json`, `kubectl get --raw
    /// /version`, a support bundle's `cluster_version.json`): the server's `gitVersion`.
    #[serde(skip)]
    pub server_version: Option<String>,
}

/// The objects of one or more clusters, as loaded, plus what each input gave.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    pub clusters: Vec<ClusterObjects>,
    pub inputs: Vec<InputReport>,
    /// The snapshot time for lease expiry.
    pub now: Option<DateTime<Utc>>,
}

impl Snapshot {
    pub fn error_count(&self) -> usize {
        self.inputs.iter().map(|i| i.errors.len()).sum()
    }

    pub fn cluster_mut(&mut self, name: &str) -> &mut ClusterObjects {
        if let Some(i) = self.clusters.iter().position(|c| c.name == name) {
            &mut self.clusters[i]
        } else {
            self.clusters.push(ClusterObjects::new(name));
            self.clusters.last_mut().expect("just pushed")
        }
    }

    /// The newest renewTime of any leader record.
    pub fn newest_renew_time(&self) -> Option<DateTime<Utc>> {
        self.clusters
            .iter()
            .flat_map(|c| c.leaders.iter())
            .filter_map(|(l, _)| l.renew_time)
            .max()
    }
}

#[cfg(test)]
mod kind_tests {
    use super::Kind;

    #[test]
    fn every_kind_stands_at_its_index_in_all() {
        for (i, kind) in Kind::ALL.iter().enumerate() {
            assert_eq!(kind.index(), i, "{kind:?}");
        }
    }
}
