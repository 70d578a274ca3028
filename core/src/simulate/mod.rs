//! Failure simulation: a scenario of events applied in order to the topology, following the model
//! of how Kubernetes behaves (DESIGN.md): pods stop with their node, controllers recreate what they
//! may after the grace period and the toleration, drains go through PodDisruptionBudgets, leases
//! expire and are taken over by surviving replicas, partitions decide which side renews.
//!
//! The engine keeps an overlay over the topology (node states, where each pod runs) instead of
//! copying the graph; [`Outcome::after`] materialises the graph after the scenario for analysis.

pub mod drill;
pub mod events;
pub mod fates;
pub mod lifecycle;
pub mod moment;
mod outcome;
pub mod placement;
mod reelect;
pub mod sweep;

use std::collections::BTreeMap;

use crate::graph::*;
use crate::model::{Kind, Resources, TaintEffect};
pub use events::{Event, Target};

pub use outcome::*;

/// The engine's overlay over a topology.
struct World<'t> {
    t: &'t Topology,
    p: &'t Params,
    node_down: Vec<bool>,
    cordoned: Vec<bool>,
    /// Side of each node under a partition.
    side_of_node: Vec<Option<usize>>,
    sides: Vec<String>,
    /// Sides that reach each cluster's control plane (None: unknown, every side).
    control_sides: Vec<Option<Vec<usize>>>,
    placed: Vec<Option<NodeId>>,
    used: Vec<Resources>,
    /// The requests kube-scheduler's resource scores count on each node (non-zero requests).
    scored: Vec<Resources>,
    /// When each pod stopped, and whether gracefully.
    stopped: Vec<Option<(u32, bool)>>,
    /// Nodes the scheduler may bind to now.
    usable: Vec<bool>,
    /// When each recreated pod came back.
    recreated_at: Vec<Option<u32>>,
    /// Nodes by load, the scheduler's preference order (kept as pods are placed).
    by_load: std::collections::BTreeSet<(u64, u32)>,
    /// Node domains per label key and pods per namespace, for the scheduler.
    index: placement::Index,
    /// Nodes each zone's NoExecute tainter has queued so far.
    tainted: BTreeMap<ZoneId, u32>,
    /// Nodes some event of the scenario fails: every event happens at t=0, so the node lifecycle
    /// controller judges each zone with all of them NotReady.
    failing: Vec<bool>,
    /// Pods placed by the scenario on another node than their own (the topology indexes the rest).
    moved_to: rustc_hash::FxHashMap<NodeId, Vec<usize>>,
    /// What happens later than t=0, in time order once every event has applied: a decision made
    /// at t+350 s sees every node that is down by then.
    later: Vec<(u32, Later)>,
    out: Outcome,
}

/// A consequence due after t=0.
#[derive(Clone, Copy, Debug)]
enum Later {
    /// Recreate a stopped pod (its controller's replacement).
    Reschedule { pod: usize, from: NodeId },
    /// A replacement for a pod whose original keeps running unseen (a partition).
    Copy { pod: usize, from: NodeId },
}

fn is_recreated_elsewhere(w: &WorkloadInfo) -> bool {
    matches!(w.workload.kind, Kind::Deployment | Kind::ReplicaSet)
        && w.origin != WorkloadOrigin::Static
}

impl<'t> World<'t> {
    fn new(t: &'t Topology, p: &'t Params, events: &[Event]) -> World<'t> {
        let placed: Vec<Option<NodeId>> = t
            .pods
            .iter()
            .map(|pod| pod.node.filter(|_| pod.pod.is_active()))
            .collect();
        let mut used = vec![Resources::default(); t.nodes.len()];
        let mut scored = vec![Resources::default(); t.nodes.len()];
        for (i, n) in placed.iter().enumerate() {
            if let Some(n) = n {
                let p = &t.pods[i].pod.placement;
                add(&mut used[n.index()], &p.requests);
                add(&mut scored[n.index()], &p.scored);
            }
        }
        World {
            t,
            p,
            node_down: vec![false; t.nodes.len()],
            cordoned: t.nodes.iter().map(|n| n.node.unschedulable).collect(),
            side_of_node: vec![None; t.nodes.len()],
            sides: vec![],
            control_sides: vec![None; t.clusters.len()],
            placed,
            used,
            scored,
            stopped: vec![None; t.pods.len()],
            usable: vec![],
            recreated_at: vec![None; t.pods.len()],
            by_load: Default::default(),
            index: placement::Index::default(),
            tainted: BTreeMap::new(),
            failing: vec![false; t.nodes.len()],
            moved_to: Default::default(),
            later: vec![],
            out: Outcome {
                version: crate::contract::JSON_VERSION,
                events: events.iter().map(|e| e.to_string()).collect(),
                params: p.clone(),
                groups: vec![],
                reelections: vec![],
                max_simultaneous_reelections: 0,
                evictions: vec![],
                pending: vec![],
                lost: vec![],
                rescheduled: vec![],
                stranded_volumes: vec![],
                split_brain: vec![],
                timeline: vec![],
                warnings: vec![],
                first_moment: Default::default(),
                placed: vec![],
                node_down: vec![],
                cordoned: vec![],
                new_holders: vec![],
                recreated_at: vec![],
                side_of_node: vec![],
            },
        }
    }

    fn note(&mut self, t: u32, what: String) {
        self.out.timeline.push(TimelineEntry { t, what });
    }

    fn unplace(&mut self, pod: usize) {
        if let Some(n) = self.placed[pod].take() {
            self.by_load.remove(&(
                placement::load(&self.used[n.index()], &self.t.nodes[n.index()]),
                n.0,
            ));
            let p = &self.t.pods[pod].pod.placement;
            sub(&mut self.used[n.index()], &p.requests);
            sub(&mut self.scored[n.index()], &p.scored);
            self.by_load.insert((
                placement::load(&self.used[n.index()], &self.t.nodes[n.index()]),
                n.0,
            ));
        }
    }

    /// The pods that run on a node now: its own, and those the scenario moved there.
    fn pods_on(&self, node: NodeId) -> Vec<usize> {
        let own = self.t.nodes[node.index()].pods.iter().map(|p| p.index());
        let moved = self.moved_to.get(&node).into_iter().flatten().copied();
        let mut pods: Vec<usize> = own
            .chain(moved)
            .filter(|p| self.placed[*p] == Some(node))
            .collect();
        pods.sort_unstable();
        pods.dedup();
        pods
    }

    fn place(&mut self, pod: usize, node: NodeId) {
        if self.t.pods[pod].node != Some(node) {
            self.moved_to.entry(node).or_default().push(pod);
        }
        self.by_load.remove(&(
            placement::load(&self.used[node.index()], &self.t.nodes[node.index()]),
            node.0,
        ));
        let p = &self.t.pods[pod].pod.placement;
        add(&mut self.used[node.index()], &p.requests);
        add(&mut self.scored[node.index()], &p.scored);
        self.placed[pod] = Some(node);
        self.by_load.insert((
            placement::load(&self.used[node.index()], &self.t.nodes[node.index()]),
            node.0,
        ));
    }

    /// Whether the scheduler can bind to a node: up, not cordoned, reaching the control plane.
    /// Recomputed when an event changes nodes, not for every pod placed.
    fn refresh_usable(&mut self) {
        self.usable = self.compute_usable();
    }

    fn compute_usable(&self) -> Vec<bool> {
        (0..self.t.nodes.len())
            .map(|i| {
                let n = &self.t.nodes[i];
                !self.node_down[i]
                    && !self.cordoned[i]
                    && n.node.is_ready()
                    && self.reaches_control_plane(NodeId(i as u32))
            })
            .collect()
    }

    fn reaches_control_plane(&self, node: NodeId) -> bool {
        let cluster = self.t.nodes[node.index()].cluster;
        match (
            &self.control_sides[cluster.index()],
            self.side_of_node[node.index()],
        ) {
            (Some(sides), Some(side)) => sides.contains(&side),
            _ => true,
        }
    }

    /// Reschedules a pod at time `at`: now when `at` is 0, else once every event has applied
    /// (the state at `at`). Records where it went or why it is Pending.
    fn reschedule(&mut self, pod: usize, from: NodeId, at: u32) {
        if at > 0 {
            self.later.push((at, Later::Reschedule { pod, from }));
            return;
        }
        self.reschedule_now(pod, from, at);
    }

    /// The consequences due after t=0, in time order (in the order they arose at equal times).
    fn run_later(&mut self) {
        let mut later = std::mem::take(&mut self.later);
        later.sort_by_key(|(at, _)| *at);
        self.refresh_usable();
        for (at, what) in later {
            match what {
                Later::Reschedule { pod, from } => {
                    // Back already (its node recovered), or placed again by an earlier step.
                    if self.placed[pod].is_some() || self.stopped[pod].is_none() {
                        continue;
                    }
                    self.reschedule_now(pod, from, at);
                }
                Later::Copy { pod, from } => self.copy_now(pod, from, at),
            }
        }
    }

    fn reschedule_now(&mut self, pod: usize, from: NodeId, at: u32) {
        let view = placement::View {
            t: self.t,
            usable: &self.usable,
            placed: &self.placed,
            used: &self.used,
            scored: &self.scored,
            by_load: &self.by_load,
            index: &self.index,
            rules: self.p.kubernetes.rules(),
        };
        match placement::schedule(&view, PodId(pod as u32)) {
            placement::Decision::Bind(node, ties) => {
                self.place(pod, node);
                self.recreated_at[pod] = Some(at);
                let name = self.t.pod_display(PodId(pod as u32));
                let replaced = moment::replaced(self.t, PodId(pod as u32));
                let to = self.t.node_display(node);
                let on = if ties.is_empty() {
                    to.clone()
                } else {
                    let names: Vec<String> = ties.iter().map(|n| self.t.node_display(*n)).collect();
                    format!("one of {}", names.join(", "))
                };
                self.note(
                    at,
                    if replaced {
                        format!("{name} replaced by a new pod on {on}")
                    } else {
                        format!("{name} recreated on {on}")
                    },
                );
                self.out.rescheduled.push(Rescheduled {
                    pod: name,
                    from: self.t.node_display(from),
                    to,
                    after_seconds: at,
                    replaced,
                    candidates: ties.iter().map(|n| self.t.node_display(*n)).collect(),
                });
            }
            placement::Decision::Pending { reason, excluded } => {
                let name = self.t.pod_display(PodId(pod as u32));
                self.note(at, format!("{name} Pending: {reason}"));
                self.out.pending.push(PendingPod {
                    pod: name,
                    reason,
                    excluded,
                });
            }
        }
    }

    /// The toleration a pod has for an unreachable / not-ready node.
    fn toleration(&self, pod: usize) -> u32 {
        let p = &self.t.pods[pod].pod.placement;
        p.tolerations
            .iter()
            .filter(|t| {
                (t.key == "node.kubernetes.io/unreachable"
                    || t.key == "node.kubernetes.io/not-ready"
                    || (t.key.is_empty() && t.exists))
                    && t.effect.is_none_or(|e| e == TaintEffect::NoExecute)
            })
            .filter_map(|t| t.seconds)
            .min()
            .map_or(self.p.toleration_seconds, |s| s.max(0) as u32)
    }

    /// Whether the node lifecycle controller sees a node NotReady: failed, NotReady already, or
    /// cut off from its control plane.
    fn not_ready(&self, node: usize) -> bool {
        self.node_down[node]
            || self.failing[node]
            || !self.t.nodes[node].node.is_ready()
            || !self.reaches_control_plane(NodeId(node as u32))
    }

    /// Seconds after the grace period when the node lifecycle controller taints a NotReady node
    /// `unreachable:NoExecute` (its zone's rate limiter queues one node per 1/rate seconds), or
    /// why it never does. Called once per node, in the order the nodes are queued.
    fn noexecute_delay(&mut self, node: NodeId) -> Result<u32, String> {
        let t = self.t;
        let info = &t.nodes[node.index()];
        let cluster = info.cluster;
        let everywhere = t
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.cluster == cluster)
            .all(|(i, _)| self.not_ready(i));
        if everywhere {
            return Err(format!(
                "every zone of {} is fully disrupted: the node lifecycle controller stops evicting",
                t.clusters[cluster.index()].name
            ));
        }
        let zone = &t.zones[info.zone.index()];
        let not_ready = zone
            .nodes
            .iter()
            .filter(|n| self.not_ready(n.index()))
            .count();
        let ready = zone.nodes.len() - not_ready;
        let state = lifecycle::zone_state(ready, not_ready, self.p.unhealthy_zone_threshold);
        let rate = lifecycle::eviction_rate(state, zone.nodes.len(), self.p);
        if rate <= 0.0 && state != lifecycle::ZoneState::PartialDisruption {
            return Err("the node eviction rate is 0: nothing is evicted".into());
        }
        if rate <= 0.0 {
            return Err(format!(
                "zone {} is in partial disruption ({not_ready} of {} nodes NotReady): the node \
                 lifecycle controller evicts nothing there",
                t.zone_display(info.zone),
                zone.nodes.len()
            ));
        }
        let queued = self.tainted.entry(info.zone).or_insert(0);
        let delay = lifecycle::delay(*queued, rate);
        *queued += 1;
        Ok(delay)
    }

    /// When each node is tainted NoExecute (seconds after t=0), in its zone's queue order (by
    /// name: the real order is the controller's map order), with a timeline entry for each.
    fn taint_times(&mut self, nodes: &[NodeId]) -> BTreeMap<NodeId, Result<u32, String>> {
        // Up to 1.33 the controller queues the taint a pass after the one that marked the node
        // NotReady (it judges the condition it read before its own update); since 1.34, in
        // that same pass.
        let grace = self.p.node_monitor_grace_seconds
            + if self.p.kubernetes.rules().taint_in_same_pass {
                0
            } else {
                self.p.node_monitor_period_seconds
            };
        let mut sorted = nodes.to_vec();
        sorted.sort_by_key(|n| self.t.nodes[n.index()].name().to_string());
        let mut out = BTreeMap::new();
        for n in sorted {
            let at = self.noexecute_delay(n).map(|d| grace + d);
            if let Ok(at) = at {
                self.note(
                    at,
                    format!(
                        "node {} tainted node.kubernetes.io/unreachable:NoExecute",
                        self.t.node_display(n)
                    ),
                );
            }
            out.insert(n, at);
        }
        out
    }

    /// Nodes crash or become unreachable at t=0.
    fn fail(&mut self, nodes: &[NodeId], label: &str) {
        let fresh: Vec<NodeId> = nodes
            .iter()
            .copied()
            .filter(|n| !self.node_down[n.index()])
            .collect();
        if fresh.len() < nodes.len() {
            let n = nodes.len() - fresh.len();
            self.out.warnings.push(format!(
                "{label}: {} already failed",
                crate::contract::count(n, "node had", "nodes had")
            ));
        }
        let grace = self.p.node_monitor_grace_seconds;
        let mut stopped = Vec::new();
        for n in &fresh {
            self.node_down[n.index()] = true;
            // Whatever runs there now, its own pods and those moved there at t=0.
            for p in self.pods_on(*n) {
                stopped.push((p, *n));
            }
        }
        self.refresh_usable();
        self.note(
            0,
            format!(
                "{label}: {} down, {} {}",
                crate::contract::count(fresh.len(), "node", "nodes"),
                crate::contract::count(stopped.len(), "pod", "pods"),
                if stopped.len() == 1 { "stops" } else { "stop" }
            ),
        );
        if !fresh.is_empty() {
            self.note(
                grace,
                format!(
                    "{label}: {} NotReady after the {grace} s node-monitor grace period",
                    if fresh.len() == 1 {
                        "node marked"
                    } else {
                        "nodes marked"
                    }
                ),
            );
        }
        for (pod, _) in &stopped {
            self.unplace(*pod);
            self.stopped[*pod] = Some((0, false));
        }
        let tainted = self.taint_times(&fresh);
        // Controllers act once the NoExecute taint outlives each pod's toleration.
        for (pod, node) in stopped {
            let info = &self.t.pods[pod];
            let Some(w) = info.workload.map(|w| &self.t.workloads[w.index()]) else {
                self.lost(pod, node, "a bare pod: nothing recreates it".into());
                continue;
            };
            if is_recreated_elsewhere(w) {
                match &tainted[&node] {
                    Ok(at) => {
                        let at = at + self.toleration(pod);
                        self.reschedule(pod, node, at);
                    }
                    Err(why) => self.lost(pod, node, format!("not evicted: {why}")),
                }
            } else if w.workload.kind == Kind::StatefulSet && w.origin != WorkloadOrigin::Static {
                if self.p.out_of_service {
                    self.reschedule(pod, node, grace);
                } else {
                    self.lost(pod, node, format!(
                        "StatefulSet pods are not recreated while node {} is unreachable (at-most-once); \
                         delete the node or taint it node.kubernetes.io/out-of-service (--out-of-service)",
                        self.t.node_display(node)
                    ));
                }
            } else {
                let why = match w.origin {
                    WorkloadOrigin::Static => "a static pod lives on its node".to_string(),
                    WorkloadOrigin::Operator => format!(
                        "managed by {} {}: its operator is not modelled, so it is assumed not to recreate the pod elsewhere",
                        w.custom_kind.as_deref().unwrap_or("a custom resource"),
                        w.workload.meta.name
                    ),
                    _ if w.workload.kind == Kind::DaemonSet => {
                        "a DaemonSet pod lives on its node".to_string()
                    }
                    _ => "not recreated elsewhere".to_string(),
                };
                self.lost(pod, node, why);
            }
        }
    }

    fn lost(&mut self, pod: usize, node: NodeId, reason: String) {
        self.out.lost.push(LostPod {
            pod: self.t.pod_display(PodId(pod as u32)),
            node: self.t.node_display(node),
            reason,
        });
    }

    /// Healthy pods a PDB counts right now, and the healthy pods it requires.
    fn budget(&self, pdb: PdbId) -> (u32, u32) {
        let info = &self.t.pdbs[pdb.index()];
        let healthy = info
            .pods
            .iter()
            .filter(|p| self.placed[p.index()].is_some_and(|n| !self.node_down[n.index()]))
            .count() as u32;
        let mut workloads: Vec<WorkloadId> = info
            .pods
            .iter()
            .filter_map(|p| self.t.pods[p.index()].workload)
            .collect();
        workloads.sort();
        workloads.dedup();
        let expected = workloads
            .iter()
            .map(|w| self.t.workloads[w.index()].desired())
            .sum::<u32>()
            .max(info.pods.len() as u32);
        let allowed = info.pdb.allowed_disruptions(expected, healthy);
        (healthy, healthy - allowed.min(healthy))
    }

    fn drain(&mut self, nodes: &[NodeId], label: &str) {
        for node in nodes {
            let i = node.index();
            if self.node_down[i] {
                self.out.warnings.push(format!(
                    "{label}: node {} has failed already; draining it evicts nothing",
                    self.t.node_display(*node)
                ));
                continue;
            }
            self.cordoned[i] = true;
            self.refresh_usable();
            self.note(0, format!("node {} cordoned", self.t.node_display(*node)));
            let mut pods: Vec<PodId> = self
                .pods_on(*node)
                .into_iter()
                .map(|p| PodId(p as u32))
                .collect();
            pods.sort_by_key(|p| self.t.pod_display(*p));
            for p in pods {
                let workload = self.t.pods[p.index()]
                    .workload
                    .map(|w| &self.t.workloads[w.index()]);
                if workload.is_some_and(|w| {
                    w.workload.kind == Kind::DaemonSet || w.origin == WorkloadOrigin::Static
                }) {
                    continue; // kubectl drain --ignore-daemonsets; mirror pods are not evicted
                }
                self.evict(p, *node);
            }
        }
    }

    /// Evicts one pod through the eviction API: refused when a PodDisruptionBudget has no room,
    /// else the pod stops and its controller recreates it.
    fn evict(&mut self, p: PodId, node: NodeId) {
        self.remove(p, node, true);
    }

    /// Stops a pod, asking its budgets first (an eviction) or not (a deletion); its controller
    /// recreates it.
    fn remove(&mut self, p: PodId, node: NodeId, ask_budgets: bool) {
        let node = &node;
        let workload = self.t.pods[p.index()]
            .workload
            .map(|w| &self.t.workloads[w.index()]);
        let blocking = self
            .t
            .pdbs
            .iter()
            .enumerate()
            .filter(|(_, pdb)| pdb.pods.contains(&p))
            .map(|(j, _)| PdbId(j as u32))
            .find(|pdb| {
                let (healthy, required) = self.budget(*pdb);
                ask_budgets && healthy <= required
            });
        let name = self.t.pod_display(p);
        if let Some(pdb) = blocking {
            let info = &self.t.pdbs[pdb.index()];
            let (healthy, required) = self.budget(pdb);
            let reason = format!(
                "PodDisruptionBudget {} ({healthy} healthy, {required} required)",
                self.t
                    .display(info.cluster, &info.pdb.meta.namespace, &info.pdb.meta.name)
            );
            self.note(0, format!("eviction of {name} refused: {reason}"));
            self.out.evictions.push(Eviction {
                pod: name,
                node: self.t.node_display(*node),
                status: "blocked",
                reason,
            });
            return;
        }
        self.unplace(p.index());
        self.stopped[p.index()] = Some((0, true));
        let (status, reason, verb) = if ask_budgets {
            ("evicted", "no PodDisruptionBudget refused it", "evicted")
        } else {
            ("deleted", "deleted: no budget is asked", "deleted")
        };
        self.out.evictions.push(Eviction {
            pod: name.clone(),
            node: self.t.node_display(*node),
            status,
            reason: reason.into(),
        });
        self.note(0, format!("{name} {verb}"));
        match workload {
            Some(w) if is_recreated_elsewhere(w) || w.workload.kind == Kind::StatefulSet => {
                self.reschedule(p.index(), *node, 0);
            }
            _ => self.lost(
                p.index(),
                *node,
                "evicted; nothing recreates a bare pod".into(),
            ),
        }
    }

    fn recover(&mut self, nodes: &[NodeId], label: &str) {
        for node in nodes {
            let i = node.index();
            if !self.node_down[i] {
                self.out.warnings.push(format!(
                    "{label}: node {} had not failed",
                    self.t.node_display(*node)
                ));
                continue;
            }
            self.node_down[i] = false;
            self.refresh_usable();
            // Pods that were not recreated elsewhere come back with their node (its own, and
            // those the scenario had moved there).
            let moved = self.moved_to.get(node).cloned().unwrap_or_default();
            let mut back: Vec<usize> = self.t.nodes[i]
                .pods
                .iter()
                .map(|p| p.index())
                .chain(moved)
                .filter(|p| self.placed[*p].is_none() && self.stopped[*p].is_some())
                .collect();
            back.sort_unstable();
            back.dedup();
            for p in back {
                self.place(p, *node);
                self.stopped[p] = None;
                let name = self.t.pod_display(PodId(p as u32));
                self.out.lost.retain(|l| l.pod != name);
            }
            self.note(0, format!("node {} recovers", self.t.node_display(*node)));
        }
    }

    fn partition(
        &mut self,
        sides: &[Vec<ZoneId>],
        names: Vec<String>,
    ) -> Result<(), ScenarioError> {
        let mut side_of_zone: BTreeMap<ZoneId, usize> = BTreeMap::new();
        for (s, zones) in sides.iter().enumerate() {
            for z in zones {
                if side_of_zone.insert(*z, s).is_some() {
                    return Err(ScenarioError(format!(
                        "zone {} is on two sides of the partition",
                        self.t.zone_display(*z)
                    )));
                }
            }
        }
        let mut names = names;
        // Zones no side names form a side of their own.
        let rest: Vec<ZoneId> = (0..self.t.zones.len())
            .map(|z| ZoneId(z as u32))
            .filter(|z| !side_of_zone.contains_key(z))
            .collect();
        if !rest.is_empty() {
            let s = names.len();
            for z in &rest {
                side_of_zone.insert(*z, s);
            }
            names.push(
                rest.iter()
                    .map(|z| self.t.zone_display(*z))
                    .collect::<Vec<_>>()
                    .join(","),
            );
        }
        for (i, n) in self.t.nodes.iter().enumerate() {
            self.side_of_node[i] = side_of_zone.get(&n.zone).copied();
        }
        // Each cluster's leases renew on the side that holds its control plane's majority.
        let sides_count = names.len();
        for c in 0..self.t.clusters.len() {
            let lookup = |z: ZoneId| side_of_zone.get(&z).copied();
            let renewing = self.t.renewing_sides(
                ClusterId(c as u32),
                &lookup,
                sides_count,
                &self.p.control_plane_zones,
            );
            self.control_sides[c] = Some(renewing);
        }
        self.sides = names;
        self.refresh_usable();
        self.note(
            0,
            format!("network partitioned: {}", self.sides.join(" | ")),
        );
        // Nodes cut off from their control plane go NotReady; their replaceable pods are
        // recreated on the control plane's side while the originals keep running.
        let grace = self.p.node_monitor_grace_seconds;
        let cut: Vec<NodeId> = (0..self.t.nodes.len())
            .map(|i| NodeId(i as u32))
            .filter(|n| !self.node_down[n.index()] && !self.reaches_control_plane(*n))
            .collect();
        if !cut.is_empty() {
            self.note(
                grace,
                format!(
                    "{} cut off from their control plane marked NotReady",
                    crate::contract::count(cut.len(), "node", "nodes")
                ),
            );
        }
        let tainted = self.taint_times(&cut);
        for node in cut {
            for p in self.pods_on(node) {
                let p = PodId(p as u32);
                let Some(w) = self.t.pods[p.index()]
                    .workload
                    .map(|w| &self.t.workloads[w.index()])
                else {
                    continue;
                };
                if is_recreated_elsewhere(w) {
                    let Ok(tainted_at) = &tainted[&node] else {
                        continue;
                    };
                    let at = tainted_at + self.toleration(p.index());
                    // The original keeps running on its side: the replacement is a second copy.
                    self.later.push((
                        at,
                        Later::Copy {
                            pod: p.index(),
                            from: node,
                        },
                    ));
                }
            }
        }
        Ok(())
    }

    /// A replacement for a pod whose original keeps running unseen (a partition), at `at`.
    fn copy_now(&mut self, pod: usize, from: NodeId, at: u32) {
        // The original stopped since (its node failed, it was evicted): nothing to copy.
        let Some(keep) = self.placed[pod] else {
            return;
        };
        if self.node_down[keep.index()] {
            return;
        }
        self.unplace(pod);
        // The replacement only exists from `at` on: it is not a candidate for earlier elections.
        let stopped = self.stopped[pod].replace((0, false));
        self.reschedule_now(pod, from, at);
        let name = self.t.pod_display(PodId(pod as u32));
        if self.placed[pod].is_some() {
            self.note(
                at,
                format!("{name}: the original keeps running on the cut-off side (two copies)"),
            );
        } else {
            self.place(pod, keep);
            self.stopped[pod] = stopped;
        }
    }
}

/// Whether a workload's pods come back under new names when its controller recreates them (a
/// ReplicaSet's), so a rollout leaves none of today's names.
pub fn replaced_on_rollout(t: &Topology, w: WorkloadId) -> bool {
    t.workloads[w.index()]
        .pods
        .first()
        .is_some_and(|p| moment::replaced(t, *p))
}

/// A pod's requests added to a node's (and one pod more).
fn add(used: &mut Resources, r: &Resources) {
    used.cpu_millis += r.cpu_millis;
    used.memory_bytes += r.memory_bytes;
    used.pods += 1;
}

/// A pod's requests taken off a node's.
fn sub(used: &mut Resources, r: &Resources) {
    used.cpu_millis = used.cpu_millis.saturating_sub(r.cpu_millis);
    used.memory_bytes = used.memory_bytes.saturating_sub(r.memory_bytes);
    used.pods = used.pods.saturating_sub(1);
}

/// A lease's duration, or the default for a record without one.
fn duration_of(t: &Topology, id: LeaderId, p: &Params) -> u32 {
    t.leaders[id.index()]
        .record
        .duration_seconds
        .unwrap_or(p.default_lease_seconds)
}

/// Runs a scenario.
pub fn simulate(t: &Topology, events: &[Event], params: &Params) -> Result<Outcome, ScenarioError> {
    let mut world = World::new(t, params, events);
    for event in events {
        match event {
            Event::Fail(target) => {
                for n in events::nodes_of(t, target).unwrap_or_default() {
                    world.failing[n.index()] = true;
                }
            }
            Event::Recover(target) => {
                for n in events::nodes_of(t, target).unwrap_or_default() {
                    world.failing[n.index()] = false;
                }
            }
            _ => {}
        }
    }
    world.refresh_usable();
    world.by_load = (0..t.nodes.len())
        .map(|i| (placement::load(&world.used[i], &t.nodes[i]), i as u32))
        .collect();
    for event in events {
        let label = event.to_string();
        match event {
            Event::Fail(target) => {
                let nodes = events::nodes_of(t, target).map_err(ScenarioError)?;
                world.fail(&nodes, &label);
            }
            Event::Drain(target) => {
                let nodes = events::nodes_of(t, target).map_err(ScenarioError)?;
                world.drain(&nodes, &label);
            }
            Event::Recover(target) => {
                let nodes = events::nodes_of(t, target).map_err(ScenarioError)?;
                world.recover(&nodes, &label);
            }
            Event::Evict(name) | Event::Delete(name) => {
                let pod = events::resolve_pod(t, name).map_err(ScenarioError)?;
                let ask_budgets = matches!(event, Event::Evict(_));
                match world.placed[pod.index()] {
                    Some(node) if !world.node_down[node.index()] => {
                        world.remove(pod, node, ask_budgets)
                    }
                    _ => world
                        .out
                        .warnings
                        .push(format!("{label}: the pod is not running")),
                }
            }
            Event::Partition(sides) => {
                let zones: Vec<Vec<ZoneId>> = sides
                    .iter()
                    .map(|s| events::side_zones(t, s))
                    .collect::<Result<_, _>>()
                    .map_err(ScenarioError)?;
                let names = sides.iter().map(|s| s.join(",")).collect();
                world.partition(&zones, names)?;
            }
        }
    }
    // The first moment: every event applied, nothing recreated yet (what the sweep judges).
    world.out.first_moment =
        moment::Parts::judge(&world, params).moment(&world, world.sides.len() > 1);
    world.run_later();
    Ok(world.finish())
}

#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;
