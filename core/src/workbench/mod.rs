//! The workbench both front ends stand on: one cluster state (the graph, its analysis, its
//! overview, its sweep, who holds which lease, what the checks decided about each pod), the
//! what-ifs and plans run against it, and the names front ends show and parse.
//!
//! Core decides, front ends draw: the terminal UI and the desktop app keep view state only and
//! read every number from here, so they cannot disagree with each other or with the CLI. Each
//! piece is computed once per state and shared (`Arc`), so worker threads can take it.

mod risk;
mod whatif;

use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

use crate::analysis::{Analysis, analyze, analyze_after};
use crate::config::Config;
use crate::graph::*;
use crate::model::{InputReport, Snapshot};
use crate::overview::Overview;
use crate::simulate::sweep::{Sweep, sweep};

pub use risk::{About, Risk};
pub use whatif::{Pick, PlanState, WhatIf, partition, plan_state, target, what_if};

/// The stages of opening a state, for a progress line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Reading,
    Building,
    Analysing,
    Sweeping,
}

impl Stage {
    pub fn describe(self) -> &'static str {
        match self {
            Stage::Reading => "reading the files",
            Stage::Building => "building the topology",
            Stage::Analysing => "running the checks",
            Stage::Sweeping => "sweeping every single failure",
        }
    }
}

/// What the checks decided about one pod, for marking it wherever it is drawn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PodFacts {
    /// It holds at least one unexpired or expired leader record.
    pub holds_lease: bool,
    /// A replica of a quorum group.
    pub quorum_replica: bool,
    /// It runs where one of its volumes cannot be reached (`pv-zone-conflict`): that volume.
    pub volume_out_of_reach: Option<PvId>,
}

/// A snapshot built into its graph, with its input reports and configuration: what a one-shot
/// command (`analyze`, `simulate`, `sweep`, `plan`) needs, and where a [`Workbench`] starts.
pub struct Loaded {
    pub inputs: Vec<InputReport>,
    pub topology: Arc<Topology>,
    pub config: Config,
}

impl Loaded {
    pub fn build(mut snapshot: Snapshot, config: Config) -> Loaded {
        let inputs = std::mem::take(&mut snapshot.inputs);
        let topology = Topology::from_snapshot(snapshot, &config.build_options());
        Loaded {
            inputs,
            topology: Arc::new(topology),
            config,
        }
    }

    /// The checks, groups and leaders of the graph.
    pub fn analysis(&self) -> Analysis {
        analyze(&self.topology, &self.config)
    }

    /// The same analysis of another graph of this cluster (the graph after a scenario or plan).
    pub fn analysis_of(&self, graph: &Topology) -> Analysis {
        analyze(graph, &self.config)
    }

    pub fn input_errors(&self) -> usize {
        self.inputs.iter().map(|i| i.errors.len()).sum()
    }

    /// Every single failure and partition, judged (`quorum sweep`).
    pub fn sweep(&self) -> Sweep {
        sweep(&self.topology)
    }
}

impl From<Loaded> for Workbench {
    fn from(loaded: Loaded) -> Workbench {
        Workbench::new(loaded.topology, loaded.inputs, loaded.config)
    }
}

/// One loaded cluster (or several) with everything the views read. A clone is the same state
/// (same generation, same sweep once computed), its large parts shared.
#[derive(Clone)]
pub struct Workbench {
    /// Unique to this state in the process (each new state gets the next number): what caches
    /// derived from a state are keyed by.
    pub generation: u64,
    pub topology: Arc<Topology>,
    pub analysis: Arc<Analysis>,
    pub overview: Arc<Overview>,
    pub config: Arc<Config>,
    /// The inputs as read: documents, objects, and what could not be read.
    pub inputs: Vec<InputReport>,
    /// Per pod, indexed by [`PodId`].
    pub pods: Vec<PodFacts>,
    /// The worst finding about each pod, node and group.
    pub risk: Risk,
    /// Active pods on no node (Pending): counted by the analysis, drawn under no node.
    pub unplaced: Vec<PodId>,
    /// Zones that volumes are pinned to but no node of their cluster is in, with those volumes.
    pub volume_only_zones: Vec<(ClusterId, String, Vec<PvId>)>,
    /// Nodes, most leaders first.
    pub nodes_by_leaders: Vec<NodeId>,
    /// The leader records each pod or node holds, as indexes into `analysis.leaders.records`.
    held_by_pod: rustc_hash::FxHashMap<PodId, Vec<usize>>,
    held_by_node: rustc_hash::FxHashMap<NodeId, Vec<usize>>,
    /// Shared with [`Workbench::sweeper`], which may fill it from another thread.
    sweep: Arc<OnceLock<Arc<Sweep>>>,
}

/// One problem in one input, as `file:line` and its message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputProblem {
    pub location: String,
    pub message: String,
}

impl Workbench {
    /// The state of a snapshot read from files, a sample or a live read.
    pub fn open(snapshot: Snapshot, config: Config) -> Workbench {
        Workbench::open_with(snapshot, config, &|_| {})
    }

    /// Same, telling `stage` where it is.
    pub fn open_with(snapshot: Snapshot, config: Config, stage: &dyn Fn(Stage)) -> Workbench {
        stage(Stage::Building);
        let loaded = Loaded::build(snapshot, config);
        Workbench::with_stages(loaded.topology, loaded.inputs, loaded.config, None, stage)
    }

    /// The state of a graph already built (a live update that changed only leases, an
    /// after-state).
    pub fn new(
        topology: impl Into<Arc<Topology>>,
        inputs: Vec<InputReport>,
        config: Config,
    ) -> Workbench {
        Workbench::with_stages(topology, inputs, config, None, &|_| {})
    }

    /// The state of `topology`, a live change applied in place to `last`'s graph
    /// ([`Topology::changes_applied`]): the same state [`Workbench::new`] builds, with what the
    /// change cannot touch (the other groups' statistics, nodes' summaries and pods' facts)
    /// taken from `last` instead of counted again.
    pub fn after(
        last: &Workbench,
        topology: impl Into<Arc<Topology>>,
        changed: &Changed,
        inputs: Vec<InputReport>,
    ) -> Workbench {
        Workbench::with_stages(
            topology,
            inputs,
            (*last.config).clone(),
            Some((last, changed)),
            &|_| {},
        )
    }

    fn with_stages(
        topology: impl Into<Arc<Topology>>,
        inputs: Vec<InputReport>,
        config: Config,
        last: Option<(&Workbench, &Changed)>,
        stage: &dyn Fn(Stage),
    ) -> Workbench {
        let topology: Arc<Topology> = topology.into();
        stage(Stage::Analysing);
        // What the front ends draw from the graph alone is built beside the checks, and the
        // groups of the records by their names.
        let (analysis, ((overview, pods, unplaced, volume_only_zones), names)) = rayon::join(
            || match last {
                Some((last, changed)) => analyze_after(&topology, &config, &last.analysis, changed),
                None => analyze(&topology, &config),
            },
            || {
                let drawn = match last {
                    Some((last, changed)) => (
                        Overview::after(&last.overview, &topology, changed),
                        pod_facts_after(&last.pods, &topology, changed),
                        unplaced_after(&last.unplaced, &topology, changed),
                        // Volumes are never changed in place.
                        last.volume_only_zones.clone(),
                    ),
                    None => (
                        Overview::of(&topology),
                        pod_facts(&topology),
                        unplaced(&topology),
                        volume_only_zones(&topology),
                    ),
                };
                (drawn, risk::Names::of(&topology))
            },
        );
        let mut nodes_by_leaders: Vec<NodeId> = (0..topology.nodes.len())
            .map(|i| NodeId(i as u32))
            .collect();
        nodes_by_leaders.sort_by_key(|n| std::cmp::Reverse(overview.node(*n).leaders));
        let mut held_by_pod: rustc_hash::FxHashMap<PodId, Vec<usize>> = Default::default();
        let mut held_by_node: rustc_hash::FxHashMap<NodeId, Vec<usize>> = Default::default();
        for (i, record) in analysis.leaders.records.iter().enumerate() {
            match topology.leaders[record.id.index()].holder {
                Holder::Pod(p) => held_by_pod.entry(p).or_default().push(i),
                Holder::Node(n) => held_by_node.entry(n).or_default().push(i),
                Holder::Unresolved | Holder::Ambiguous | Holder::External | Holder::Vacant => {}
            }
        }
        let risk = Risk::of(&topology, &names, &analysis.findings, &analysis.kept);
        drop(names);
        Workbench {
            generation: next_generation(),
            topology,
            analysis: Arc::new(analysis),
            overview: Arc::new(overview),
            config: Arc::new(config),
            inputs,
            pods,
            risk,
            unplaced,
            volume_only_zones,
            nodes_by_leaders,
            held_by_pod,
            held_by_node,
            sweep: Arc::default(),
        }
    }

    /// What a review document says about this state; `plan` is the user's plan, if any.
    pub fn review(&self, plan: Option<Arc<crate::plan::Plan>>) -> crate::report::Review {
        crate::report::Review::of(&self.topology, &self.config, self.sweep(), plan)
    }

    /// Every single failure and partition, judged (computed on first use, then kept).
    pub fn sweep(&self) -> Arc<Sweep> {
        self.sweep
            .get_or_init(|| Arc::new(sweep(&self.topology)))
            .clone()
    }

    /// The sweep's computation, to run on another thread while this state is already shown
    /// (it takes seconds on a large cluster, and only the sweep's own view needs it): it fills
    /// the sweep [`Workbench::sweep`] and [`Workbench::sweep_if_done`] return.
    pub fn sweeper(&self) -> impl FnOnce() + Send + 'static {
        let (topology, cell) = (self.topology.clone(), self.sweep.clone());
        move || {
            cell.get_or_init(|| Arc::new(sweep(&topology)));
        }
    }

    /// The sweep when it was computed already.
    pub fn sweep_if_done(&self) -> Option<&Arc<Sweep>> {
        self.sweep.get()
    }

    /// Indexes into `analysis.leaders.records` of the leases a pod holds.
    pub fn leases_of_pod(&self, pod: PodId) -> &[usize] {
        self.held_by_pod.get(&pod).map_or(&[], Vec::as_slice)
    }

    /// Indexes into `analysis.leaders.records` of the leases a node holds itself
    /// (control-plane components that name their node).
    pub fn leases_of_node(&self, node: NodeId) -> &[usize] {
        self.held_by_node.get(&node).map_or(&[], Vec::as_slice)
    }

    /// A group's replicas: the active pods of its workload, wherever they run (or wait).
    pub fn group_pods(&self, group: GroupId) -> Vec<PodId> {
        let t = &self.topology;
        let workload = t.groups[group.index()].workload;
        t.workloads[workload.index()]
            .pods
            .iter()
            .copied()
            .filter(|p| t.pods[p.index()].pod.is_active())
            .collect()
    }

    pub fn zone_count(&self) -> usize {
        self.topology.clusters.iter().map(|c| c.zones.len()).sum()
    }

    pub fn input_errors(&self) -> usize {
        self.inputs.iter().map(|i| i.errors.len()).sum()
    }

    /// Every problem of every input, located (a live object has no line: its source alone).
    pub fn input_problems(&self) -> Vec<InputProblem> {
        self.inputs
            .iter()
            .flat_map(|input| {
                input.errors.iter().map(|e| InputProblem {
                    location: if e.line == 0 {
                        input.source.clone()
                    } else {
                        format!("{}:{}", input.source, e.line)
                    },
                    message: e.message.clone(),
                })
            })
            .collect()
    }
}

/// Follows a live session's updates into workbench states: a new snapshot is built into a new
/// graph; an update of leader records and nodes' states alone is applied to the last graph
/// ([`Topology::with_changes`]) instead of rebuilding everything.
pub struct Follower {
    config: Config,
    /// The last state given, what the next change is applied to.
    last: Option<Workbench>,
}

impl Follower {
    pub fn new(config: Config) -> Follower {
        Follower { config, last: None }
    }

    /// The state after an update (`snapshot`, or `changes` alone), when it brings one;
    /// `whole` gives every object as it is now, for changes the last state cannot take in place.
    pub fn next(
        &mut self,
        snapshot: Option<Arc<Snapshot>>,
        changes: Option<Arc<Snapshot>>,
        whole: impl FnOnce() -> Snapshot,
    ) -> Option<Workbench> {
        let options = self.config.build_options();
        let build = |mut snapshot: Snapshot| {
            let inputs = std::mem::take(&mut snapshot.inputs);
            let topology = Topology::from_snapshot(snapshot, &options);
            Workbench::new(topology, inputs, self.config.clone())
        };
        let state = match (snapshot, changes, self.last.as_ref()) {
            // The caller keeps no copy: the snapshot is ours to move into the graph.
            (Some(snapshot), _, _) => {
                build(Arc::try_unwrap(snapshot).unwrap_or_else(|s| (*s).clone()))
            }
            (None, Some(changes), Some(last)) => {
                let mut changes = Arc::try_unwrap(changes).unwrap_or_else(|s| (*s).clone());
                let inputs = std::mem::take(&mut changes.inputs);
                // The session sends only nodes and pods that stayed in their place, and pods
                // that came or went; a change that is more than that to the graph (a pod of a
                // workload it does not hold yet) is built from every object.
                match last.topology.changes_applied(changes, &options) {
                    Some((topology, changed)) => Workbench::after(last, topology, &changed, inputs),
                    None => build(whole()),
                }
            }
            (None, Some(_), None) => build(whole()),
            (None, None, _) => return None,
        };
        // The state before is freed on another thread, not before the new one is given.
        if let Some(before) = self.last.replace(state.clone()) {
            std::thread::spawn(move || drop(before));
        }
        Some(state)
    }
}

/// The next number of the process's one counter of states and what-ifs.
fn next_generation() -> u64 {
    static GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    GENERATION.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// Zones named by volumes' node affinity where their cluster has no node, with the volumes.
fn volume_only_zones(t: &Topology) -> Vec<(ClusterId, String, Vec<PvId>)> {
    let mut out: std::collections::BTreeMap<(ClusterId, String), Vec<PvId>> = Default::default();
    for (i, pv) in t.pvs.iter().enumerate() {
        if let Pin::Zones(zones) = &pv.pin {
            let known = |z: &String| {
                t.cluster_zones(pv.cluster)
                    .iter()
                    .any(|id| &t.zones[id.index()].name == z)
            };
            if !zones.iter().any(known) {
                for z in zones {
                    out.entry((pv.cluster, z.clone()))
                        .or_default()
                        .push(PvId(i as u32));
                }
            }
        }
    }
    out.into_iter().map(|((c, z), v)| (c, z, v)).collect()
}

/// Active pods on no node.
fn unplaced(t: &Topology) -> Vec<PodId> {
    (0..t.pods.len())
        .map(|p| PodId(p as u32))
        .filter(|p| is_unplaced(t, *p))
        .collect()
}

fn is_unplaced(t: &Topology, p: PodId) -> bool {
    let pod = &t.pods[p.index()];
    pod.node.is_none() && pod.pod.is_active()
}

/// [`unplaced`] after a change applied in place: the pods given are judged again.
fn unplaced_after(last: &[PodId], t: &Topology, changed: &Changed) -> Vec<PodId> {
    let given: HashSet<PodId> = changed.pods.iter().copied().collect();
    let mut out: Vec<PodId> = last
        .iter()
        .filter_map(|p| changed.pod_id(*p))
        .filter(|p| !given.contains(p))
        .collect();
    out.extend(given.into_iter().filter(|p| is_unplaced(t, *p)));
    out.sort_unstable();
    out
}

/// Per pod: the lease it holds, its quorum group, a volume it cannot reach.
fn pod_facts(t: &Topology) -> Vec<PodFacts> {
    use rayon::prelude::*;
    let mut facts: Vec<PodFacts> = (0..t.pods.len())
        .into_par_iter()
        .map(|i| facts_of(t, PodId(i as u32)))
        .collect();
    mark_holders(t, &mut facts);
    facts
}

/// A pod's facts, but the lease it holds ([`mark_holders`]).
fn facts_of(t: &Topology, pod: PodId) -> PodFacts {
    PodFacts {
        holds_lease: false,
        quorum_replica: t.pods[pod.index()]
            .workload
            .and_then(|w| t.group_of_workload(w))
            .is_some_and(|g| t.groups[g.index()].mode == Mode::Quorum),
        volume_out_of_reach: crate::check::pv_zone_conflict::volume_out_of_reach(t, pod),
    }
}

fn mark_holders(t: &Topology, facts: &mut [PodFacts]) {
    for l in &t.leaders {
        if let Holder::Pod(p) = l.holder {
            facts[p.index()].holds_lease = true;
        }
    }
}

/// [`pod_facts`] after a change applied in place: the pods given are judged again, the others'
/// facts are `last`'s (a node changed in place keeps its labels, what its volumes' reach reads);
/// the leases held are marked anew.
fn pod_facts_after(last: &[PodFacts], t: &Topology, changed: &Changed) -> Vec<PodFacts> {
    // A pod's quorum group follows its group's mode: only the same groups keep it.
    if !changed.groups_kept
        || last.len()
            != changed
                .pod_ids
                .as_ref()
                .map_or(t.pods.len(), |ids| ids.len())
    {
        return pod_facts(t);
    }
    let mut facts: Vec<PodFacts> = match &changed.pod_ids {
        // Pods came or went: the others' facts move to their new ids.
        Some(ids) => {
            let mut facts = vec![PodFacts::default(); t.pods.len()];
            for (f, id) in last.iter().zip(ids.iter()) {
                if let Some(id) = id {
                    facts[id.index()] = *f;
                }
            }
            facts
        }
        None => last.to_vec(),
    };
    for f in &mut facts {
        f.holds_lease = false;
    }
    for p in &changed.pods {
        facts[p.index()] = facts_of(t, *p);
    }
    mark_holders(t, &mut facts);
    facts
}

#[cfg(test)]
mod tests;
