//! A small scheduler: where a pod can go, by the placement rules of DESIGN.md (node Ready and
//! schedulable, resources, taints and tolerations, nodeSelector, required node affinity, PV node
//! affinity, required pod anti-affinity, DoNotSchedule spread constraints), and, when nothing
//! fits, the rule that excluded each candidate.

use std::collections::BTreeMap;

use crate::graph::*;
use crate::model::{Placement, Pod, Resources, SpreadConstraint, Taint, TaintEffect};

/// What the scheduler sees of the cluster at a moment of the simulation.
pub struct View<'a> {
    pub t: &'a Topology,
    /// Nodes the scheduler may bind to (Ready, reachable, not cordoned).
    pub usable: &'a [bool],
    /// Where each pod runs now (None: not running anywhere).
    pub placed: &'a [Option<NodeId>],
    /// Requests already placed on each node.
    pub used: &'a [Resources],
    /// Nodes by (CPU requested per mille of allocatable, id): the scheduler's preference order.
    pub by_load: &'a std::collections::BTreeSet<(u64, u32)>,
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

fn label<'a>(t: &'a Topology, node: NodeId, key: &str) -> Option<&'a str> {
    t.nodes[node.index()]
        .node
        .meta
        .labels
        .get(key)
        .map(String::as_str)
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
            && !t.pvs[pv.index()].admits(n)
        {
            return Err(Excluded::VolumeAffinity(
                t.pvs[pv.index()].pv.meta.name.clone(),
            ));
        }
    }
    for spread in &prepared.spread {
        let Some(domain) = label(t, node, &spread.key) else {
            return Err(Excluded::Spread(spread.key.clone()));
        };
        let here = spread.counts.get(domain).copied().unwrap_or(0) + u32::from(spread.self_match);
        if here.saturating_sub(spread.min) > spread.max_skew {
            return Err(Excluded::Spread(spread.key.clone()));
        }
    }
    for (key, occupied) in &prepared.anti {
        if let Some(domain) = label(t, node, key)
            && let Some(with) = occupied.get(domain)
        {
            return Err(Excluded::AntiAffinity(t.pod_display(*with)));
        }
    }
    Ok(())
}

struct Spread {
    key: String,
    counts: BTreeMap<String, u32>,
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
    anti: Vec<(String, BTreeMap<String, PodId>)>,
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
            let mut occupied = BTreeMap::new();
            for (i, other) in t.pods.iter().enumerate() {
                if i == pod.index()
                    || other.cluster != info.cluster
                    || !namespaces.contains(&other.pod.meta.namespace.as_str())
                    || !term.selector.matches(&other.pod.meta.labels)
                {
                    continue;
                }
                if let Some(on) = view.placed[i]
                    && let Some(d) = label(t, on, &term.topology_key)
                {
                    occupied.entry(d.to_string()).or_insert(PodId(i as u32));
                }
            }
            (term.topology_key.clone(), occupied)
        })
        .collect();
    // The scheduler counts only nodes that carry every DoNotSchedule constraint's key.
    let hard: Vec<&SpreadConstraint> = p.spread.iter().filter(|c| c.do_not_schedule).collect();
    let spread = hard
        .iter()
        .map(|c| {
            // The domains are those of the nodes the constraint's inclusion policies admit: by
            // default every node the pod's node selector and affinity admit, taints ignored, so a
            // failed or cordoned zone stays a domain (with its terminating pods not counted);
            // with nodeTaintsPolicy: Honor a node with a taint the pod does not tolerate is none.
            let mut counts: BTreeMap<String, u32> = BTreeMap::new();
            let mut included = vec![false; t.nodes.len()];
            for (i, other) in t.nodes.iter().enumerate() {
                let labels = &other.node.meta.labels;
                if other.cluster != info.cluster
                    || !hard.iter().all(|h| labels.contains_key(&h.topology_key))
                    || (c.honor_node_affinity && !admits_by_affinity(p, other))
                    || (c.honor_node_taints && !tolerated(view, p, NodeId(i as u32)))
                {
                    continue;
                }
                counts.entry(labels[&c.topology_key].clone()).or_insert(0);
                included[i] = true;
            }
            for (i, other) in t.pods.iter().enumerate() {
                if i == pod.index()
                    || other.pod.meta.namespace != spec.meta.namespace
                    || !c.counts(&spec.meta.labels, &other.pod.meta.labels)
                {
                    continue;
                }
                if let Some(on) = view.placed[i]
                    && included[on.index()]
                    && let Some(d) = label(t, on, &c.topology_key)
                    && let Some(count) = counts.get_mut(d)
                {
                    *count += 1;
                }
            }
            // Below minDomains eligible domains the global minimum is taken as 0.
            let min = if c
                .min_domains
                .is_some_and(|m| (counts.len() as u64) < u64::from(m))
            {
                0
            } else {
                counts.values().copied().min().unwrap_or(0)
            };
            Spread {
                key: c.topology_key.clone(),
                counts,
                min,
                max_skew: c.max_skew,
                self_match: c.counts(&spec.meta.labels, &spec.meta.labels),
            }
        })
        .collect();
    Prepared { anti, spread }
}

/// The feasible nodes the scheduler scores at least (`minFeasibleNodesToFind`).
const NODES_TO_SCORE: u32 = 100;

/// Picks a node for a pod: the feasible node with the fewest pods of its workload on it, then in
/// its zone (for a pod without spread constraints of its own), then the least CPU requested (ties
/// by name), or Pending with the reason for every candidate.
pub fn schedule(view: &View<'_>, pod: PodId) -> Decision {
    let t = view.t;
    let spec = &t.pods[pod.index()].pod;
    let cluster = t.pods[pod.index()].cluster;
    let prepared = prepare(view, pod);
    // The scheduler spreads a workload's pods by default (PodTopologySpread's system defaults
    // score fewer siblings on the node, then in the zone, above the resource scores), so among the
    // first feasible nodes in load order (it scores at least 100 feasible nodes) the one with the
    // fewest siblings on it, then in its zone, then the least loaded, is the choice. A pod with
    // constraints of its own gets no system defaults: only its ScheduleAnyway constraints are
    // scored (on the node or zone key they name), else the load decides. Reasons are gathered
    // only when nothing fits.
    let own = &spec.placement.spread;
    let soft_on = |zone: bool| {
        own.iter().filter(|c| !c.do_not_schedule).any(|c| {
            if zone {
                c.topology_key == t.zone_label || ZONE_KEYS.contains(&c.topology_key.as_str())
            } else {
                c.topology_key == HOSTNAME_LABEL
            }
        })
    };
    let (by_node, by_zone) = if own.is_empty() {
        (true, true)
    } else {
        (soft_on(false), soft_on(true))
    };
    let mut on_node: BTreeMap<NodeId, u32> = BTreeMap::new();
    let mut in_zone: BTreeMap<ZoneId, u32> = BTreeMap::new();
    if let Some(w) = t.pods[pod.index()].workload
        && (by_node || by_zone)
    {
        for sibling in &t.workloads[w.index()].pods {
            if *sibling != pod
                && let Some(n) = view.placed[sibling.index()]
            {
                if by_node {
                    *on_node.entry(n).or_insert(0) += 1;
                }
                if by_zone {
                    *in_zone.entry(t.nodes[n.index()].zone).or_insert(0) += 1;
                }
            }
        }
    }
    let siblings = |n: NodeId| {
        (
            on_node.get(&n).copied().unwrap_or(0),
            in_zone.get(&t.nodes[n.index()].zone).copied().unwrap_or(0),
        )
    };
    let mut best: Option<((u32, u32), NodeId)> = None;
    let mut scored = 0;
    for node in view.by_load.iter().map(|(_, i)| NodeId(*i)) {
        if t.nodes[node.index()].cluster != cluster
            || !view.usable[node.index()]
            || check(view, &prepared, pod, spec, node).is_err()
        {
            continue;
        }
        let key = siblings(node);
        if best.is_none_or(|(b, _)| key < b) {
            best = Some((key, node));
        }
        scored += 1;
        if key == (0, 0) || scored >= NODES_TO_SCORE {
            break;
        }
    }
    // The nodes ranked as high as the choice: the same siblings and the same load.
    let ties: Vec<NodeId> = match best {
        Some((key, chosen)) => {
            let load_of = |n: NodeId| load(&view.used[n.index()], &t.nodes[n.index()]);
            let level = load_of(chosen);
            let mut tied: Vec<NodeId> = view
                .by_load
                .range((level, 0)..=(level, u32::MAX))
                .map(|(_, i)| NodeId(*i))
                .filter(|n| {
                    t.nodes[n.index()].cluster == cluster
                        && view.usable[n.index()]
                        && siblings(*n) == key
                })
                .take(NODES_TO_SCORE as usize)
                .filter(|n| check(view, &prepared, pod, spec, *n).is_ok())
                .collect();
            tied.sort();
            if tied.len() > 1 { tied } else { vec![] }
        }
        None => vec![],
    };
    let best = best.map(|(_, n)| n);
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
