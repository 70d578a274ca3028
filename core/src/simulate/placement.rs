//! A small scheduler: where a pod can go, by the placement rules of DESIGN.md (node Ready and
//! schedulable, resources, taints and tolerations, nodeSelector, required node affinity, PV node
//! affinity, required pod anti-affinity, DoNotSchedule spread constraints), and, when nothing
//! fits, the rule that excluded each candidate.

use std::collections::BTreeMap;

use crate::graph::*;
use crate::model::{Kind, Placement, Pod, Resources, SpreadConstraint, Taint, TaintEffect};

/// What the scheduler sees of the cluster at a moment of the simulation.
pub struct View<'a> {
    pub t: &'a Topology,
    /// Nodes the scheduler may bind to (Ready, reachable, not cordoned).
    pub usable: &'a [bool],
    /// Where each pod runs now (None: not running anywhere).
    pub placed: &'a [Option<NodeId>],
    /// Requests already placed on each node.
    pub used: &'a [Resources],
    /// The same as the scheduler's resource scores count them (non-zero requests).
    pub scored: &'a [Resources],
    /// Nodes by (CPU requested per mille of allocatable, id): the scheduler's preference order.
    pub by_load: &'a std::collections::BTreeSet<(u64, u32)>,
    /// Each node's domain per label key and the pods per namespace, worked out once per
    /// simulation (labels do not change during one).
    pub index: &'a Index,
    /// The release's rules (how the scheduler scores).
    pub rules: crate::release::Rules,
}

/// Each node's domain under one label key, numbered: spread and anti-affinity count in plain
/// vectors instead of looking labels up in every node's map for every pod.
pub struct KeyDomains {
    /// The domain of each node (None: the node has no such label).
    pub of: Vec<Option<u32>>,
    /// How many domains there are.
    pub len: usize,
}

/// What the scheduler looks up again and again during one simulation, built on first use.
#[derive(Default)]
pub struct Index {
    keys: std::cell::RefCell<rustc_hash::FxHashMap<String, std::rc::Rc<KeyDomains>>>,
    namespaces: std::cell::OnceCell<rustc_hash::FxHashMap<(ClusterId, String), Vec<PodId>>>,
}

impl Index {
    /// The domains of `key` over the nodes of `t`.
    pub fn domains(&self, t: &Topology, key: &str) -> std::rc::Rc<KeyDomains> {
        if let Some(d) = self.keys.borrow().get(key) {
            return d.clone();
        }
        let mut names: rustc_hash::FxHashMap<&str, u32> = Default::default();
        let of = t
            .nodes
            .iter()
            .map(|n| {
                n.node.meta.labels.get(key).map(|v| {
                    let next = names.len() as u32;
                    *names.entry(v.as_str()).or_insert(next)
                })
            })
            .collect();
        let d = std::rc::Rc::new(KeyDomains {
            of,
            len: names.len(),
        });
        self.keys.borrow_mut().insert(key.to_string(), d.clone());
        d
    }

    /// The pods of one namespace of one cluster, in the topology's order.
    pub fn namespace<'s>(
        &'s self,
        t: &Topology,
        cluster: ClusterId,
        namespace: &str,
    ) -> &'s [PodId] {
        self.namespaces
            .get_or_init(|| {
                let mut map: rustc_hash::FxHashMap<(ClusterId, String), Vec<PodId>> =
                    Default::default();
                for (i, p) in t.pods.iter().enumerate() {
                    map.entry((p.cluster, p.pod.meta.namespace.clone()))
                        .or_default()
                        .push(PodId(i as u32));
                }
                map
            })
            .get(&(cluster, namespace.to_string()))
            .map_or(&[], Vec::as_slice)
    }
}

/// A node's load as the scheduler ranks it: CPU requested per mille of allocatable.
pub fn load(used: &Resources, node: &NodeInfo) -> u64 {
    used.cpu_millis * 1000 / node.node.allocatable.cpu_millis.max(1)
}

/// Why a node cannot take a pod.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Excluded {
    NotUsable,
    Resources(&'static str),
    Taint(String),
    NodeSelector,
    NodeAffinity,
    VolumeAffinity(String),
    AntiAffinity(String),
    Spread(String),
}

impl Excluded {
    /// The scheduler's words for the reason, as `kubectl describe pod` aggregates them.
    pub fn summary(&self) -> String {
        match self {
            Excluded::NotUsable => "node(s) were unschedulable, NotReady or unreachable".into(),
            Excluded::Resources(r) => format!("Insufficient {r}"),
            Excluded::Taint(t) => format!("node(s) had untolerated taint {{{t}}}"),
            Excluded::NodeSelector => "node(s) didn't match Pod's node affinity/selector".into(),
            Excluded::NodeAffinity => "node(s) didn't match Pod's node affinity/selector".into(),
            Excluded::VolumeAffinity(_) => "node(s) had volume node affinity conflict".into(),
            Excluded::AntiAffinity(_) => "node(s) didn't match pod anti-affinity rules".into(),
            Excluded::Spread(_) => "node(s) didn't match pod topology spread constraints".into(),
        }
    }

    pub fn detail(&self) -> String {
        match self {
            Excluded::VolumeAffinity(pv) => format!("volume {pv} is not reachable from it"),
            Excluded::AntiAffinity(with) => format!("anti-affinity with {with}"),
            Excluded::Spread(key) => format!("spread on {key} would exceed maxSkew"),
            other => other.summary(),
        }
    }
}

/// The outcome of scheduling one pod.
#[derive(Clone, Debug)]
pub enum Decision {
    /// The node the model picks, and every node the real scheduler could pick as well: equally
    /// ranked (the same siblings on it and in its zone, the same load), it picks among them at
    /// random. Empty when the choice is the only one.
    Bind(NodeId, Vec<NodeId>),
    Pending {
        /// `0/5 nodes are available: 3 node(s) had volume node affinity conflict, ...`
        reason: String,
        excluded: BTreeMap<String, String>,
    },
}

/// Checks one node for one pod.
pub fn check(
    view: &View<'_>,
    prepared: &Prepared,
    pod: PodId,
    spec: &Pod,
    node: NodeId,
) -> Result<(), Excluded> {
    let t = view.t;
    let n = &t.nodes[node.index()];
    if !view.usable[node.index()] {
        return Err(Excluded::NotUsable);
    }
    let p = &spec.placement;
    // The scheduler's filter order (NodeUnschedulable, TaintToleration, NodeAffinity,
    // NodeResourcesFit, VolumeBinding, PodTopologySpread, InterPodAffinity): a node that fails
    // several is counted under the first, as `kubectl describe pod` shows.
    if let Some(taint) = n.node.taints.iter().find(|taint| !p.tolerates(taint)) {
        return Err(Excluded::Taint(format!("{}: {}", taint.key, taint.value)));
    }
    if !p
        .node_selector
        .iter()
        .all(|(k, v)| n.node.meta.labels.get(k) == Some(v))
    {
        return Err(Excluded::NodeSelector);
    }
    if let Some(affinity) = &p.required_node_affinity
        && !affinity.matches(n.name(), &n.node.meta.labels)
    {
        return Err(Excluded::NodeAffinity);
    }
    let used = view.used[node.index()];
    let alloc = n.node.allocatable;
    if alloc.cpu_millis > 0 && used.cpu_millis + p.requests.cpu_millis > alloc.cpu_millis {
        return Err(Excluded::Resources("cpu"));
    }
    if alloc.memory_bytes > 0 && used.memory_bytes + p.requests.memory_bytes > alloc.memory_bytes {
        return Err(Excluded::Resources("memory"));
    }
    if alloc.pods > 0 && used.pods + 1 > alloc.pods {
        return Err(Excluded::Resources("pods"));
    }
    for pvc in &t.pods[pod.index()].pvcs {
        if let Some(pv) = t.pvcs[pvc.index()].pv
            && !t.pvs[pv.index()].admits(node, n)
        {
            return Err(Excluded::VolumeAffinity(
                t.pvs[pv.index()].pv.meta.name.clone(),
            ));
        }
    }
    for spread in &prepared.spread {
        let Some(domain) = spread.domains.of[node.index()] else {
            return Err(Excluded::Spread(spread.key.clone()));
        };
        let here = spread.counts[domain as usize].unwrap_or(0) + u32::from(spread.self_match);
        if here.saturating_sub(spread.min) > spread.max_skew {
            return Err(Excluded::Spread(spread.key.clone()));
        }
    }
    for (domains, occupied) in &prepared.anti {
        if let Some(domain) = domains.of[node.index()]
            && let Some(with) = occupied[domain as usize]
        {
            return Err(Excluded::AntiAffinity(t.pod_display(with)));
        }
    }
    Ok(())
}

struct Spread {
    key: String,
    domains: std::rc::Rc<KeyDomains>,
    /// Matching pods per domain; None for a domain the constraint does not include.
    counts: Vec<Option<u32>>,
    min: u32,
    max_skew: u32,
    /// Whether the pod counts itself (its own labels match the selector).
    self_match: bool,
}

/// The node taints the node lifecycle controller and a cordon add (NoSchedule): a node the
/// scenario took away (down, cut off from the control plane, cordoned, NotReady) carries one of
/// them, so a pod must tolerate each to see it as a spread domain under nodeTaintsPolicy: Honor.
const CONDITION_TAINTS: [&str; 3] = [
    "node.kubernetes.io/unreachable",
    "node.kubernetes.io/not-ready",
    "node.kubernetes.io/unschedulable",
];

/// Whether the pod tolerates every NoSchedule and NoExecute taint of the node, as the scheduler
/// asks for nodeTaintsPolicy: Honor.
fn tolerated(view: &View<'_>, p: &Placement, node: NodeId) -> bool {
    let n = &view.t.nodes[node.index()];
    n.node.taints.iter().all(|taint| p.tolerates(taint))
        && (view.usable[node.index()]
            || CONDITION_TAINTS.iter().all(|key| {
                p.tolerates(&Taint {
                    key: (*key).to_string(),
                    value: String::new(),
                    effect: TaintEffect::NoSchedule,
                })
            }))
}

/// Whether the pod's node selector and required node affinity admit the node.
fn admits_by_affinity(p: &Placement, node: &NodeInfo) -> bool {
    let labels = &node.node.meta.labels;
    p.node_selector
        .iter()
        .all(|(k, v)| labels.get(k) == Some(v))
        && p.required_node_affinity
            .as_ref()
            .is_none_or(|a| a.matches(node.name(), labels))
}

/// What the pod's anti-affinity and spread rules see, computed once per pod: the domains taken
/// by matching pods, and the matching pods per domain.
pub struct Prepared {
    /// Per required anti-affinity term: the first matching pod in each domain of its key.
    anti: Vec<(std::rc::Rc<KeyDomains>, Vec<Option<PodId>>)>,
    spread: Vec<Spread>,
}

pub fn prepare(view: &View<'_>, pod: PodId) -> Prepared {
    let t = view.t;
    let info = &t.pods[pod.index()];
    let spec = &info.pod;
    let p = &spec.placement;
    let anti = p
        .required_anti_affinity
        .iter()
        .map(|term| {
            let namespaces: Vec<&str> = if term.namespaces.is_empty() {
                vec![spec.meta.namespace.as_str()]
            } else {
                term.namespaces.iter().map(String::as_str).collect()
            };
            // The pods of those namespaces in the topology's order: the first one in a domain
            // is the one a reason names.
            let mut others: Vec<PodId> = namespaces
                .iter()
                .flat_map(|ns| view.index.namespace(t, info.cluster, ns).iter().copied())
                .collect();
            others.sort_unstable();
            others.dedup();
            let domains = view.index.domains(t, &term.topology_key);
            let mut occupied = vec![None; domains.len];
            for other in others {
                if other == pod
                    || !term
                        .selector
                        .matches(&t.pods[other.index()].pod.meta.labels)
                {
                    continue;
                }
                if let Some(on) = view.placed[other.index()]
                    && let Some(d) = domains.of[on.index()]
                    && occupied[d as usize].is_none()
                {
                    occupied[d as usize] = Some(other);
                }
            }
            (domains, occupied)
        })
        .collect();
    // The scheduler counts only nodes that carry every DoNotSchedule constraint's key.
    let hard: Vec<&SpreadConstraint> = p.spread.iter().filter(|c| c.do_not_schedule).collect();
    let hard_domains: Vec<std::rc::Rc<KeyDomains>> = hard
        .iter()
        .map(|c| view.index.domains(t, &c.topology_key))
        .collect();
    let same_namespace = view.index.namespace(t, info.cluster, &spec.meta.namespace);
    let spread = hard
        .iter()
        .zip(&hard_domains)
        .map(|(c, domains)| {
            // The domains are those of the nodes the constraint's inclusion policies admit: by
            // default every node the pod's node selector and affinity admit, taints ignored, so a
            // failed or cordoned zone stays a domain (with its terminating pods not counted);
            // with nodeTaintsPolicy: Honor a node with a taint the pod does not tolerate is none.
            let mut counts: Vec<Option<u32>> = vec![None; domains.len];
            let mut included = vec![false; t.nodes.len()];
            for (i, other) in t.nodes.iter().enumerate() {
                if other.cluster != info.cluster
                    || !hard_domains.iter().all(|h| h.of[i].is_some())
                    || (c.honor_node_affinity && !admits_by_affinity(p, other))
                    || (c.honor_node_taints && !tolerated(view, p, NodeId(i as u32)))
                {
                    continue;
                }
                if let Some(d) = domains.of[i] {
                    counts[d as usize].get_or_insert(0);
                    included[i] = true;
                }
            }
            for other in same_namespace {
                if *other == pod
                    || !c.counts(&spec.meta.labels, &t.pods[other.index()].pod.meta.labels)
                {
                    continue;
                }
                if let Some(on) = view.placed[other.index()]
                    && included[on.index()]
                    && let Some(d) = domains.of[on.index()]
                    && let Some(count) = counts[d as usize].as_mut()
                {
                    *count += 1;
                }
            }
            let eligible = counts.iter().flatten().count();
            // Below minDomains eligible domains the global minimum is taken as 0.
            let min = if c
                .min_domains
                .is_some_and(|m| (eligible as u64) < u64::from(m))
            {
                0
            } else {
                counts.iter().flatten().copied().min().unwrap_or(0)
            };
            Spread {
                key: c.topology_key.clone(),
                domains: domains.clone(),
                counts,
                min,
                max_skew: c.max_skew,
                self_match: c.counts(&spec.meta.labels, &spec.meta.labels),
            }
        })
        .collect();
    Prepared { anti, spread }
}

/// The feasible nodes the scheduler scores at least (`minFeasibleNodesToFind`); all of them
/// on a cluster of up to this many nodes.
const NODES_TO_SCORE: u32 = 100;

/// Picks a node for a pod as kube-scheduler does: among the feasible nodes (the first
/// [`NODES_TO_SCORE`] in load order on a large cluster), the highest score of its default
/// plugins ([`scores`]); equally scored nodes are a tie it breaks at random. Pending, with the
/// reason for every node, when nothing fits.
pub fn schedule(view: &View<'_>, pod: PodId) -> Decision {
    let t = view.t;
    let spec = &t.pods[pod.index()].pod;
    let cluster = t.pods[pod.index()].cluster;
    let prepared = prepare(view, pod);
    let mut feasible = Vec::new();
    for node in view.by_load.iter().map(|(_, i)| NodeId(*i)) {
        if t.nodes[node.index()].cluster != cluster
            || !view.usable[node.index()]
            || check(view, &prepared, pod, spec, node).is_err()
        {
            continue;
        }
        feasible.push(node);
        if feasible.len() >= NODES_TO_SCORE as usize {
            break;
        }
    }
    let scores = scores(view, pod, &feasible);
    let top = scores.iter().copied().max();
    let best = feasible
        .iter()
        .zip(&scores)
        .find(|(_, s)| Some(**s) == top)
        .map(|(n, _)| *n);
    let ties: Vec<NodeId> = {
        let mut tied: Vec<NodeId> = feasible
            .iter()
            .zip(&scores)
            .filter(|(_, s)| Some(**s) == top)
            .map(|(n, _)| *n)
            .collect();
        tied.sort();
        if tied.len() > 1 { tied } else { vec![] }
    };
    let mut excluded = BTreeMap::new();
    let mut reasons: BTreeMap<String, u32> = BTreeMap::new();
    let mut candidates = 0;
    if best.is_none() {
        for (i, n) in t
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.cluster == cluster)
        {
            candidates += 1;
            if let Err(why) = check(view, &prepared, pod, spec, NodeId(i as u32)) {
                *reasons.entry(why.summary()).or_insert(0) += 1;
                excluded.insert(n.name().to_string(), why.detail());
            }
        }
    }
    match best {
        Some(node) => Decision::Bind(node, ties),
        None => {
            let mut parts: Vec<String> = reasons
                .into_iter()
                .map(|(r, n)| format!("{n} {r}"))
                .collect();
            parts.sort();
            Decision::Pending {
                reason: format!("0/{candidates} nodes are available: {}.", parts.join(", ")),
                excluded,
            }
        }
    }
}

/// kube-scheduler's score of each feasible node, by the default plugins that tell nodes apart
/// from what an export holds (the same weights in 1.30 to 1.37): NodeResourcesFit, least
/// allocated (1); NodeResourcesBalancedAllocation (1, by the release's formula);
/// PodTopologySpread (2), the pod's ScheduleAnyway constraints or, without constraints of its own, the system defaults (its controller's pods,
/// maxSkew 3 per node and 5 per zone); TaintToleration (3), PreferNoSchedule taints. Preferred
/// node and pod affinity and image locality are not scored.
pub fn scores(view: &View<'_>, pod: PodId, feasible: &[NodeId]) -> Vec<i64> {
    let t = view.t;
    let p = &t.pods[pod.index()].pod.placement;
    let spread = spread_scores(view, pod, feasible);
    let untolerated: Vec<i64> = feasible
        .iter()
        .map(|n| {
            t.nodes[n.index()]
                .node
                .taints
                .iter()
                .filter(|taint| {
                    taint.effect == TaintEffect::PreferNoSchedule
                        && !p.tolerations.iter().any(|tol| tol.tolerates(taint))
                })
                .count() as i64
        })
        .collect();
    let most = untolerated.iter().copied().max().unwrap_or(0);
    feasible
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let node = &t.nodes[n.index()].node;
            let taints = if most == 0 {
                MAX_SCORE
            } else {
                MAX_SCORE - untolerated[i] * MAX_SCORE / most
            };
            least_allocated(&view.scored[n.index()], &p.scored, &node.allocatable)
                + balanced(
                    &view.used[n.index()],
                    &p.requests,
                    &node.allocatable,
                    view.rules.balanced_allocation_by_change,
                )
                + 2 * spread[i]
                + 3 * taints
        })
        .collect()
}

const MAX_SCORE: i64 = 100;

/// NodeResourcesFit's least-allocated score: the share of CPU and memory left free once the
/// pod is placed, averaged (requests as the scheduler counts them, defaults for the unset).
fn least_allocated(used: &Resources, pod: &Resources, alloc: &Resources) -> i64 {
    let part = |used: u64, pod: u64, alloc: u64| {
        let requested = used + pod;
        if requested > alloc {
            0
        } else {
            ((alloc - requested) as i64 * MAX_SCORE) / alloc as i64
        }
    };
    let mut sum = 0;
    let mut count = 0;
    if alloc.cpu_millis > 0 {
        sum += part(used.cpu_millis, pod.cpu_millis, alloc.cpu_millis);
        count += 1;
    }
    if alloc.memory_bytes > 0 {
        sum += part(used.memory_bytes, pod.memory_bytes, alloc.memory_bytes);
        count += 1;
    }
    if count == 0 { 0 } else { sum / count }
}

/// NodeResourcesBalancedAllocation: how close the CPU and memory shares requested are once the
/// pod is placed (actual requests); since 1.36 (`by_change`) how much the pod improves that
/// balance, `50 + (50 + with - without) / 2`. A pod that requests nothing is not scored.
fn balanced(used: &Resources, pod: &Resources, alloc: &Resources, by_change: bool) -> i64 {
    if pod.cpu_millis == 0 && pod.memory_bytes == 0 {
        return 0;
    }
    let with = balance(used, pod, alloc);
    if by_change {
        let without = balance(used, &Resources::default(), alloc);
        MAX_SCORE / 2 + (MAX_SCORE / 2 + with - without) / 2
    } else {
        with
    }
}

/// `(1 - std) * 100` of the CPU and memory shares requested with `pod` on the node.
fn balance(used: &Resources, pod: &Resources, alloc: &Resources) -> i64 {
    let fraction = |used: u64, pod: u64, alloc: u64| ((used + pod) as f64 / alloc as f64).min(1.0);
    let mut fractions = Vec::with_capacity(2);
    if alloc.cpu_millis > 0 {
        fractions.push(fraction(used.cpu_millis, pod.cpu_millis, alloc.cpu_millis));
    }
    if alloc.memory_bytes > 0 {
        fractions.push(fraction(
            used.memory_bytes,
            pod.memory_bytes,
            alloc.memory_bytes,
        ));
    }
    let std = if fractions.len() == 2 {
        ((fractions[0] - fractions[1]) / 2.0).abs()
    } else {
        0.0
    };
    ((1.0 - std) * MAX_SCORE as f64) as i64
}

/// One spread constraint as PodTopologySpread scores it.
struct Soft {
    key: String,
    domains: std::rc::Rc<KeyDomains>,
    max_skew: u32,
    /// The matching pods (running, in the pod's namespace) per node.
    per_node: BTreeMap<NodeId, u32>,
    /// The constraint's node inclusion: which nodes' pods count toward a domain.
    honor_affinity: bool,
    honor_taints: bool,
}

/// PodTopologySpread's normalized score per feasible node (0 to 100: fewer matching pods in the
/// node's domains score higher).
fn spread_scores(view: &View<'_>, pod: PodId, feasible: &[NodeId]) -> Vec<i64> {
    let t = view.t;
    let info = &t.pods[pod.index()];
    let spec = &info.pod;
    let p = &spec.placement;
    let placed_on = |other: usize| view.placed[other];
    let mut soft: Vec<Soft> = Vec::new();
    let own = !p.spread.is_empty();
    if own {
        let same_namespace = view.index.namespace(t, info.cluster, &spec.meta.namespace);
        for c in p.spread.iter().filter(|c| !c.do_not_schedule) {
            let mut per_node = BTreeMap::new();
            for other in same_namespace {
                if !c.counts(&spec.meta.labels, &t.pods[other.index()].pod.meta.labels) {
                    continue;
                }
                if let Some(n) = placed_on(other.index()) {
                    *per_node.entry(n).or_insert(0) += 1;
                }
            }
            soft.push(Soft {
                key: c.topology_key.clone(),
                domains: view.index.domains(t, &c.topology_key),
                max_skew: c.max_skew,
                per_node,
                honor_affinity: c.honor_node_affinity,
                honor_taints: c.honor_node_taints,
            });
        }
    } else if let Some(w) = info.workload
        && defaults_apply(t, w)
    {
        // The system defaults: the pods of its controller (ReplicaSet, StatefulSet).
        let mut per_node = BTreeMap::new();
        for sibling in &t.workloads[w.index()].pods {
            if *sibling != pod
                && let Some(n) = placed_on(sibling.index())
            {
                *per_node.entry(n).or_insert(0) += 1;
            }
        }
        for (key, max_skew) in [(HOSTNAME_LABEL, 3), (DEFAULT_ZONE_LABEL, 5)] {
            soft.push(Soft {
                key: key.to_string(),
                domains: view.index.domains(t, key),
                max_skew,
                per_node: per_node.clone(),
                honor_affinity: true,
                honor_taints: false,
            });
        }
    }
    if soft.is_empty() || feasible.is_empty() {
        return vec![0; feasible.len()];
    }
    // With constraints of its own, a node without every key is not scored (0).
    let lacks_a_key = |n: NodeId| soft.iter().any(|c| c.domains.of[n.index()].is_none());
    let ignored: Vec<bool> = feasible.iter().map(|n| own && lacks_a_key(*n)).collect();
    let scored_nodes = ignored.iter().filter(|i| !**i).count();
    let raw: Vec<Option<i64>> = {
        // Per constraint: the domains of the scored nodes, each with its matching pods on
        // every node of the cluster the constraint includes.
        let mut weights = Vec::new();
        let mut domain_counts: Vec<Vec<Option<u32>>> = Vec::new();
        for c in &soft {
            let mut counts: Vec<Option<u32>> = vec![None; c.domains.len];
            for (i, n) in feasible.iter().enumerate() {
                if !ignored[i]
                    && let Some(d) = c.domains.of[n.index()]
                {
                    counts[d as usize] = Some(0);
                }
            }
            let size = if c.key == HOSTNAME_LABEL {
                scored_nodes
            } else {
                counts.iter().flatten().count()
            };
            weights.push(((size + 2) as f64).ln());
            if c.key != HOSTNAME_LABEL {
                for (n, count) in &c.per_node {
                    let node = &t.nodes[n.index()];
                    if (own && lacks_a_key(*n))
                        || (c.honor_affinity && !admits_by_affinity(p, node))
                        || (c.honor_taints && !tolerated(view, p, *n))
                    {
                        continue;
                    }
                    if let Some(d) = c.domains.of[n.index()]
                        && let Some(total) = counts[d as usize].as_mut()
                    {
                        *total += count;
                    }
                }
            }
            domain_counts.push(counts);
        }
        feasible
            .iter()
            .enumerate()
            .map(|(i, n)| {
                if ignored[i] {
                    return None;
                }
                let mut score = 0.0;
                for (j, c) in soft.iter().enumerate() {
                    let Some(d) = c.domains.of[n.index()] else {
                        continue;
                    };
                    let count = if c.key == HOSTNAME_LABEL {
                        c.per_node.get(n).copied().unwrap_or(0)
                    } else {
                        domain_counts[j][d as usize].unwrap_or(0)
                    };
                    score += f64::from(count) * weights[j] + f64::from(c.max_skew) - 1.0;
                }
                Some(score.round() as i64)
            })
            .collect()
    };
    let min = raw.iter().flatten().copied().min().unwrap_or(0);
    let max = raw.iter().flatten().copied().max().unwrap_or(0);
    raw.iter()
        .map(|s| match s {
            None => 0,
            Some(_) if max == 0 => MAX_SCORE,
            Some(s) => MAX_SCORE * (max + min - s) / max,
        })
        .collect()
}

/// The system default spread applies to a pod a ReplicaSet or a StatefulSet owns (or a
/// ReplicationController, or a Service selects: not in the model).
fn defaults_apply(t: &Topology, w: WorkloadId) -> bool {
    let w = &t.workloads[w.index()];
    matches!(
        w.workload.kind,
        Kind::Deployment | Kind::ReplicaSet | Kind::StatefulSet
    ) && w.origin != WorkloadOrigin::Operator
}
