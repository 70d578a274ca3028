//! What-ifs and plan states: the events a selection makes, what they lead to, and the overview
//! of the graph after them — the numbers both front ends show during a what-if or a plan step.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::graph::*;
use crate::overview::Overview;
use crate::plan::Plan;
use crate::simulate::fates::Fates;
use crate::simulate::{Event, Outcome, Params, ScenarioError, Target, simulate};

/// What a selection points at, by id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pick {
    Node(NodeId),
    Zone(ZoneId),
    /// A region of a cluster, by the region's name.
    Region(ClusterId, String),
    Cluster(ClusterId),
}

/// The event target a pick names, as `simulate` resolves it.
pub fn target(t: &Topology, pick: &Pick) -> Target {
    match pick {
        Pick::Node(n) => Target::Node(t.node_display(*n)),
        Pick::Zone(z) => Target::Zone(t.zone_display(*z)),
        Pick::Region(c, region) => Target::Region(if t.multi_cluster() {
            format!("{}/{region}", t.clusters[c.index()].name)
        } else {
            region.clone()
        }),
        Pick::Cluster(c) => Target::Cluster(t.clusters[c.index()].name.clone()),
    }
}

/// The partition that cuts the network between these sides of zones (empty sides left out);
/// none unless two sides or more remain.
pub fn partition(t: &Topology, sides: &[Vec<ZoneId>]) -> Option<Event> {
    let sides: Vec<Vec<String>> = sides
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| s.iter().map(|z| t.zone_display(*z)).collect())
        .collect();
    (sides.len() >= 2).then_some(Event::Partition(sides))
}

/// A what-if's answer: the scenario's outcome and the cluster after it, counted as the
/// cluster at rest is.
pub struct WhatIf {
    /// Unique in the process, as a state's generation: what caches of it are keyed by.
    pub generation: u64,
    pub events: Vec<Event>,
    pub outcome: Outcome,
    /// The graph once the scenario has run its course.
    pub after: Arc<Topology>,
    /// What became of each pod, node and lease by then (moved, stopped, pending).
    pub fates: Fates,
    /// The per-pod facts of the graph after it (who holds a lease now).
    pub pods: Vec<super::PodFacts>,
    /// The overview of the graph once the scenario has run its course.
    pub overview: Overview,
    /// Leaders per zone and per node after it, by name (zones and nodes holding none left out).
    pub leaders_per_zone: BTreeMap<String, u32>,
    pub leaders_per_node: BTreeMap<String, u32>,
}

/// Runs the events on the graph with the default model, as `quorum simulate` does.
pub fn what_if(t: &Topology, events: &[Event]) -> Result<WhatIf, ScenarioError> {
    let outcome = simulate(t, events, &Params::of(t))?;
    let after = outcome.after(t);
    let overview = Overview::of(&after);
    let (leaders_per_zone, leaders_per_node) = overview.leaders_by_name(&after);
    let fates = outcome.fates_at(t, outcome.end_seconds());
    let pods = super::pod_facts(&after);
    Ok(WhatIf {
        generation: super::next_generation(),
        events: events.to_vec(),
        after: Arc::new(after),
        fates,
        pods,
        outcome,
        overview,
        leaders_per_zone,
        leaders_per_node,
    })
}

impl WhatIf {
    /// The overview of the graph `seconds` after the events (the whole course's at its end).
    pub fn overview_at(&self, t: &Topology, seconds: u32) -> Overview {
        if seconds >= self.outcome.end_seconds() {
            self.overview.clone()
        } else {
            Overview::of(&self.outcome.after_at(t, seconds))
        }
    }
}

/// The cluster once a plan's first `steps` steps have run, and its overview.
pub struct PlanState {
    pub steps: usize,
    pub after: Topology,
    pub overview: Overview,
}

pub fn plan_state(t: &Topology, plan: &Plan, steps: usize) -> PlanState {
    let after = plan.state_after(t, steps);
    let overview = Overview::of(&after);
    PlanState {
        steps,
        after,
        overview,
    }
}
