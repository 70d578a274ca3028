//! Rebalancing plans: ordered steps as values (never executed here), with before/after/bound
//! metrics from the analysis of the predicted graphs.
//!
//! - `leaders`: a holder for every movable lease, minimising lexicographically the leaders in the
//!   fullest zone, on the fullest node, and the handovers; solved exactly ([`mcf`]).
//! - `spread`: moves so every quorum group survives the loss of any one zone; a replica on a
//!   zonal volume moves by data migration (snapshot, restore in the target zone), never eviction.
//! - `storage`: StorageClasses to replace, PDBs to add or loosen, spread constraints to add.

mod call;
mod leaders;
pub mod mcf;
mod predict;
mod script;
mod spread;
mod storage;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::analysis::{Analysis, analyze, eligible_nodes, quorum_size};
use crate::check::Severity;
use crate::config::Config;
use crate::graph::*;
use crate::model::Kind;
pub use call::{Call, Expect, Verb};
pub use predict::{Change, predict};
pub use script::script;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Goal {
    Leaders,
    Spread,
    Storage,
    All,
}

impl Goal {
    pub const ALL: [Goal; 4] = [Goal::Leaders, Goal::Spread, Goal::Storage, Goal::All];

    pub fn parse(s: &str) -> Option<Goal> {
        Goal::ALL.into_iter().find(|g| g.name() == s)
    }

    /// The name `--goal` takes and the JSON writes.
    pub fn name(self) -> &'static str {
        match self {
            Goal::Leaders => "leaders",
            Goal::Spread => "spread",
            Goal::Storage => "storage",
            Goal::All => "all",
        }
    }

    /// What the goal pursues, in a few words (menus and help).
    pub fn describe(self) -> &'static str {
        match self {
            Goal::Leaders => "spread election leaders over zones and nodes",
            Goal::Spread => "move replicas so every quorum group survives a zone",
            Goal::Storage => "late binding, budgets, spread constraints",
            Goal::All => "all of the above",
        }
    }
}

/// The files a plan is written to (`quorum plan -o`, the desktop app's Export).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Json,
    Yaml,
    Script,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 3] =
        [ExportFormat::Json, ExportFormat::Yaml, ExportFormat::Script];

    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Json => "json",
            ExportFormat::Yaml => "yaml",
            ExportFormat::Script => "script",
        }
    }

    /// The file name's extension.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Json => "json",
            ExportFormat::Yaml => "yaml",
            ExportFormat::Script => "sh",
        }
    }

    /// The plan as this format writes it.
    pub fn render(self, plan: &Plan) -> Result<String, String> {
        Ok(match self {
            ExportFormat::Json => {
                let mut s = serde_json::to_string_pretty(plan).map_err(|e| e.to_string())?;
                s.push('\n');
                s
            }
            ExportFormat::Yaml => crate::load::yaml_to_string(plan).map_err(|e| e.to_string())?,
            ExportFormat::Script => script(plan),
        })
    }
}

/// How a lease changes hands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Handover {
    /// Lease `spec.preferredHolder` (coordinated leader election): targeted.
    PreferredHolder,
    /// Delete the leader pod gracefully: any surviving replica may win.
    Restart,
}

#[derive(Clone, Debug)]
pub struct Options {
    pub goal: Goal,
    pub handover: Handover,
    /// Re-elections per wave; None: one per zone.
    pub max_concurrent: Option<u32>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct LeaderMetrics {
    pub max_per_zone: u32,
    pub max_per_node: u32,
    pub per_zone: BTreeMap<String, u32>,
    pub per_node: BTreeMap<String, u32>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Metrics {
    pub leaders: LeaderMetrics,
    /// Groups that survive the loss of any one node / zone.
    pub groups_surviving: BTreeMap<String, u32>,
    pub findings: BTreeMap<String, usize>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Bound {
    pub leaders: BoundLeaders,
}

#[derive(Clone, Debug, Serialize)]
pub struct BoundLeaders {
    pub max_per_zone: u32,
    pub max_per_node: u32,
    pub handovers: u32,
}

/// One step of a plan.
#[derive(Clone, Debug, Serialize)]
pub struct Step {
    /// Steps in one wave may run together; waves run in order.
    pub wave: u32,
    pub action: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lease: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub targeted: Option<bool>,
    /// For an untargeted handover: every replica that could win.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<String>,
    /// For a restart: the nodes where the restarted pod itself may run again and win the lease
    /// back (its replacement under a new name, or itself under its own).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub comeback: Vec<String>,
    pub objects: Vec<String>,
    pub reason: String,
    pub preconditions: Vec<String>,
    pub effect: String,
    /// The mutating command; `dry_run` is its server-side twin and `wait` waits for its effect.
    pub kubectl: String,
    pub dry_run: String,
    pub wait: String,
    pub rollback: String,
    /// The same change as API calls, for `quorum apply`; empty for a step done by hand.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub calls: Vec<Call>,
    /// The effect `quorum apply` waits for after the calls.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expect: Option<Expect>,
    /// A manifest to apply (storage goal).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manifest: Option<String>,
    /// Bytes to copy for a data migration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    #[serde(skip)]
    pub handover: Option<(LeaderId, PodId)>,
    /// What the step changes in the graph (None: done by hand, or elsewhere).
    #[serde(skip)]
    pub change: Option<Change>,
    /// The zone where the step's re-election or new replica lands (one per zone per wave).
    #[serde(skip)]
    pub zone: Option<ZoneId>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Plan {
    pub version: u32,
    pub goal: Goal,
    pub handover: Handover,
    pub clusters: Vec<String>,
    pub before: Metrics,
    pub after: Metrics,
    pub bound: Bound,
    pub steps: Vec<Step>,
    /// What could not be planned, and why.
    pub notes: Vec<String>,
    /// Planned, but to check before applying.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// The safety check: the simulator over every wave.
    pub safety: Vec<String>,
    /// The release whose rules the plan follows.
    pub kubernetes: crate::release::Kubernetes,
    /// Whether targeted handovers (Lease `spec.preferredHolder`) can work on that release.
    pub targeted_handovers: TargetedHandovers,
}

/// Whether a Lease's `spec.preferredHolder` can move a leader on the cluster's release.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TargetedHandovers {
    /// `yes` (the input shows coordinated leader election on), `with-gate` (only once the
    /// administrator turns it on), `no` (the release has none).
    pub possible: &'static str,
    pub why: String,
}

impl TargetedHandovers {
    /// The sentence every report says it in: `Targeted handovers: with-gate (...).`
    pub fn sentence(&self) -> String {
        format!("Targeted handovers: {} ({}).", self.possible, self.why)
    }

    pub fn of(t: &Topology) -> TargetedHandovers {
        use crate::release::Handover as H;
        let rules = t.kubernetes.rules();
        // The API server drops `spec.strategy` while the gate is off: a Lease that carries one
        // was written with coordinated leader election on.
        let with_strategy = t
            .leaders
            .iter()
            .find(|l| l.record.kind == Kind::Lease && l.record.strategy.is_some());
        match (rules.targeted_handover(), with_strategy) {
            (H::Impossible, _) => TargetedHandovers {
                possible: "no",
                why: rules.handover_note(),
            },
            (_, Some(l)) => TargetedHandovers {
                possible: "yes",
                why: format!(
                    "Lease {} carries spec.strategy, so this cluster's API server runs with \
                     coordinated leader election on; each elector must still honour \
                     spec.preferredHolder",
                    l.name()
                ),
            },
            (H::Default, None) => TargetedHandovers {
                possible: "yes",
                why: rules.handover_note(),
            },
            (H::NeedsGate(_), None) => TargetedHandovers {
                possible: "with-gate",
                why: rules.handover_note(),
            },
        }
    }
}

fn metrics(a: &Analysis) -> Metrics {
    let l = &a.leaders;
    let mut surviving = BTreeMap::new();
    surviving.insert(
        "node".into(),
        a.groups
            .iter()
            .filter(|g| g.survives.node == Some(true))
            .count() as u32,
    );
    surviving.insert(
        "zone".into(),
        a.groups
            .iter()
            .filter(|g| g.survives.zone == Some(true))
            .count() as u32,
    );
    let mut findings = BTreeMap::new();
    for s in [Severity::Critical, Severity::Warning, Severity::Info] {
        findings.insert(s.as_str().to_string(), a.count(s));
    }
    Metrics {
        leaders: LeaderMetrics {
            max_per_zone: l.max_per_zone(),
            max_per_node: l.max_per_node(),
            per_zone: l.per_zone.clone(),
            per_node: l.per_node.clone(),
        },
        groups_surviving: surviving,
        findings,
    }
}

/// Applies a plan's handovers to a copy of the graph (the predicted state).
pub fn apply_handovers(t: &Topology, steps: &[Step]) -> Topology {
    let mut after = t.clone();
    for (lease, pod) in steps.iter().filter_map(|s| s.handover) {
        let l = &mut after.leaders[lease.index()];
        l.holder = Holder::Pod(pod);
        std::sync::Arc::make_mut(&mut l.record).holder =
            Some(t.pods[pod.index()].pod.meta.name.clone());
    }
    after
}

impl Plan {
    /// The predicted graph after the first `steps` steps (in the order they run).
    pub fn state_after(&self, t: &Topology, steps: usize) -> Topology {
        predict(t, &self.steps[..steps.min(self.steps.len())])
    }
}

pub fn plan(t: &Topology, config: &Config, options: &Options) -> Plan {
    // The analysis of today's graph and the leaders' solve are independent: one per core.
    let wants_leaders = matches!(options.goal, Goal::Leaders | Goal::All);
    let (before, solved) = rayon::join(
        || analyze(t, config),
        || wants_leaders.then(|| leaders::leaders(t, options)),
    );
    let mut steps = Vec::new();
    let mut notes = Vec::new();
    let mut bound = BoundLeaders {
        max_per_zone: before.leaders.max_per_zone(),
        max_per_node: before.leaders.max_per_node(),
        handovers: 0,
    };
    if let Some((leader_steps, b, n)) = solved {
        steps.extend(leader_steps);
        bound = b;
        notes.extend(n);
    }
    if matches!(options.goal, Goal::Spread | Goal::All) {
        let (s, n) = spread::spread(t, &before);
        steps.extend(s);
        notes.extend(n);
    }
    if matches!(options.goal, Goal::Storage | Goal::All) {
        steps.extend(storage::storage(t, &before));
    }
    let mut steps = rollouts(t, steps, &mut notes);
    let safety = waves(t, &mut steps, options);
    let warnings = preferred_holder_warning(t, &steps)
        .into_iter()
        .chain(rollout_warnings(t, &steps))
        .collect();
    // The analysis of the graph every step of every goal leads to.
    let after = analyze(&predict(t, &steps), config);
    Plan {
        version: crate::contract::JSON_VERSION,
        goal: options.goal,
        handover: options.handover,
        clusters: t.clusters.iter().map(|c| c.name.clone()).collect(),
        before: metrics(&before),
        after: metrics(&after),
        bound: Bound { leaders: bound },
        steps,
        notes,
        warnings,
        safety,
        kubernetes: t.kubernetes.clone(),
        targeted_handovers: TargetedHandovers::of(t),
    }
}

/// A StatefulSet rollout (a spread constraint added) that replaces more pods at once than its
/// quorum can spare: the release honours its `maxUnavailable`.
fn rollout_warnings(t: &Topology, steps: &[Step]) -> Vec<String> {
    let rules = t.kubernetes.rules();
    steps
        .iter()
        .filter_map(rolled_out)
        .filter_map(|w| {
            let info = &t.workloads[w.index()];
            let batch = info.workload.rollout_batch(&rules)?;
            let g = t.group_of_workload(w)?;
            let group = &t.groups[g.index()];
            let replicas = info.desired();
            let needed = crate::stats::quorum_size(group.mode, replicas);
            (batch > 1 && replicas.saturating_sub(batch) < needed).then(|| {
                format!(
                    "rolling {} out replaces up to {batch} of its {replicas} replicas at once \
                     (maxUnavailable, honoured on Kubernetes {}), and its quorum needs {needed}: \
                     set spec.updateStrategy.rollingUpdate.maxUnavailable to {} first",
                    t.workload_display(w),
                    rules.release,
                    replicas.saturating_sub(needed).max(1)
                )
            })
        })
        .collect()
}

/// Targeted handovers need coordinated leader election: an API server keeps a Lease's
/// `spec.preferredHolder` only with the CoordinatedLeaderElection feature on and a `spec.strategy`
/// on the lease, and otherwise accepts the patch and drops the field (seen on a real v1.33).
fn preferred_holder_warning(t: &Topology, steps: &[Step]) -> Option<String> {
    let targeted: Vec<&LeaderInfo> = steps
        .iter()
        .filter(|s| s.targeted == Some(true))
        .filter_map(|s| s.handover)
        .map(|(lease, _)| &t.leaders[lease.index()])
        .filter(|l| l.record.kind == Kind::Lease)
        .collect();
    let without: Vec<String> = targeted
        .iter()
        .filter(|l| l.record.strategy.is_none())
        .map(|l| l.name())
        .collect();
    let rules = t.kubernetes.rules();
    if !targeted.is_empty() && rules.targeted_handover() == crate::release::Handover::Impossible {
        return Some(rules.handover_note());
    }
    let gate = match rules.coordinated_election {
        Some(c) => format!(
            "the CoordinatedLeaderElection feature gate on (off by default on Kubernetes {}; \
             coordination.k8s.io/{} served)",
            rules.release, c.api
        ),
        None => "the CoordinatedLeaderElection feature gate on".to_string(),
    };
    (!without.is_empty()).then(|| {
        format!(
            "needs coordinated leader election, else plan with --handover restart: {} of {} patch a Lease without spec.strategy ({}{}), and an API server keeps spec.preferredHolder only with {gate} and a strategy on the lease (otherwise it drops the field and quorum apply stops at the dry run)",
            without.len(),
            crate::contract::count(targeted.len(), "targeted handover", "targeted handovers"),
            without.iter().take(3).cloned().collect::<Vec<_>>().join(", "),
            if without.len() > 3 { ", ..." } else { "" }
        )
    })
}

/// The workload a step rolls out (a constraint added to its template), if any.
fn rolled_out(step: &Step) -> Option<WorkloadId> {
    match step.change {
        Some(Change::AddSpread { workload, .. }) => Some(workload),
        _ => None,
    }
}

/// The workload whose pod a step moves (an eviction or a data migration), if any.
fn moved_workload(t: &Topology, step: &Step) -> Option<WorkloadId> {
    match step.change {
        Some(Change::Evict { pod } | Change::Migrate { pod, .. }) => t.pods[pod.index()].workload,
        _ => None,
    }
}

/// A constraint added to a pod template rolls every pod of the workload out. Keeps such a step
/// only when every pod running now runs again under the constraint once the plan's moves of that
/// workload are done (a pod a zonal volume holds where the constraint allows no more replicas
/// would stay Pending), and leaves out handovers to or from pods a rollout replaces under new
/// names (a ReplicaSet's), saying why in `notes`.
fn rollouts(t: &Topology, steps: Vec<Step>, notes: &mut Vec<String>) -> Vec<Step> {
    let mut dropped = vec![false; steps.len()];
    for (i, step) in steps.iter().enumerate() {
        let Some(w) = rolled_out(step) else { continue };
        let mut first: Vec<Step> = steps
            .iter()
            .filter(|s| moved_workload(t, s) == Some(w))
            .cloned()
            .collect();
        first.push(step.clone());
        let then = predict(t, &first);
        let stuck: Vec<String> = t.workloads[w.index()]
            .pods
            .iter()
            .filter(|p| t.pods[p.index()].node.is_some() && then.pods[p.index()].node.is_none())
            .map(|p| t.pod_display(*p))
            .collect();
        if !stuck.is_empty() {
            dropped[i] = true;
            notes.push(format!(
                "storage: no zone spread constraint for {} yet: rolling its pods out under it would leave {} Pending (a volume holds it in a zone that already has more replicas than the constraint allows); move its replicas first (--goal spread), or plan --goal all",
                t.workload_display(w),
                stuck.join(", ")
            ));
        }
    }
    let renamed: BTreeSet<WorkloadId> = steps
        .iter()
        .zip(&dropped)
        .filter(|(_, d)| !**d)
        .filter_map(|(s, _)| rolled_out(s))
        .filter(|w| crate::simulate::replaced_on_rollout(t, *w))
        .collect();
    let mut left_out: BTreeMap<WorkloadId, u32> = BTreeMap::new();
    for (i, step) in steps.iter().enumerate() {
        if let Some((lease, to)) = step.handover {
            let from = match t.leaders[lease.index()].holder {
                Holder::Pod(p) => t.pods[p.index()].workload,
                _ => None,
            };
            let hit = [from, t.pods[to.index()].workload]
                .into_iter()
                .flatten()
                .find(|w| renamed.contains(w));
            if let Some(w) = hit {
                dropped[i] = true;
                *left_out.entry(w).or_insert(0) += 1;
            }
        }
    }
    for (w, n) in left_out {
        notes.push(format!(
            "leaders: {} left out: the plan rolls {} out (a zone spread constraint) and its new pods get new names; plan --goal leaders again once it has rolled out",
            crate::contract::count(n as usize, "handover", "handovers"),
            t.workload_display(w)
        ));
    }
    steps
        .into_iter()
        .zip(dropped)
        .filter(|(_, d)| !d)
        .map(|(s, _)| s)
        .collect()
}

/// Whether a step rolls out one of `workloads`.
fn s_workload_in(step: &Step, workloads: &BTreeSet<WorkloadId>) -> bool {
    rolled_out(step).is_some_and(|w| workloads.contains(&w))
}

/// Orders steps into waves: at most `max_concurrent` disruptions per wave (one per zone by
/// default), never two replicas of one group at once, and each disruption checked with the
/// simulator's rules: the group keeps quorum while the replica is down, and PDBs allow it.
fn waves(t: &Topology, steps: &mut [Step], options: &Options) -> Vec<String> {
    let per_wave = options.max_concurrent.unwrap_or_else(|| {
        t.zones
            .iter()
            .filter(|z| z.name != UNKNOWN_ZONE)
            .count()
            .max(1) as u32
    });
    let mut safety = Vec::new();
    // Changes to objects disrupt nothing and make the moves safe (budgets, spread constraints in
    // place first): one first wave. The moves follow, numbered on from there, whatever goal
    // they serve.
    // A rollout (a constraint added to a template) replaces pods: it follows the moves of its
    // workload, or, without any, runs in the wave after the object changes, before the moves
    // and handovers.
    let rollout = |s: &Step| s.action == "add-spread";
    let changes_objects = |s: &Step| {
        !rollout(s)
            && !matches!(
                s.action.as_str(),
                "handover" | "restart" | "evict" | "migrate"
            )
    };
    let moving: BTreeSet<WorkloadId> = steps.iter().filter_map(|s| moved_workload(t, s)).collect();
    let early = |s: &Step| rollout(s) && !s_workload_in(s, &moving);
    let mut first = u32::from(steps.iter().any(changes_objects));
    for step in steps.iter_mut().filter(|s| changes_objects(s)) {
        step.wave = 1;
    }
    if steps.iter().any(early) {
        first += 1;
        for step in steps.iter_mut().filter(|s| early(s)) {
            step.wave = first;
        }
    }
    // Earliest wave with room, where neither the step's group nor its zone is busy yet.
    let mut used: std::collections::HashMap<String, BTreeSet<u32>> = Default::default();
    let mut count: Vec<u32> = Vec::new();
    for step in steps.iter_mut().filter(|s| !changes_objects(s)) {
        let group = match step.handover {
            Some((lease, _)) => t.leaders[lease.index()].group.map(|g| t.group_display(g)),
            None => None,
        }
        .or_else(|| step.objects.first().cloned())
        .unwrap_or_default();
        let zone = format!(
            "zone {}",
            step.zone.map(|z| t.zone_display(z)).unwrap_or_default()
        );
        // Each key's waves fill from the bottom: start at the first wave both keys leave free.
        let first_free = |key: &String| match used.get(key) {
            None => 0,
            Some(waves) if waves.last().is_some_and(|l| *l as usize + 1 == waves.len()) => {
                waves.len() as u32
            }
            Some(waves) => (0..).find(|w| !waves.contains(w)).unwrap_or(0),
        };
        let mut w = first_free(&group).max(first_free(&zone));
        loop {
            let busy = |key: &String| used.get(key).is_some_and(|waves| waves.contains(&w));
            if count.get(w as usize).copied().unwrap_or(0) < per_wave
                && !busy(&group)
                && !busy(&zone)
            {
                break;
            }
            w += 1;
        }
        if count.len() <= w as usize {
            count.resize(w as usize + 1, 0);
        }
        count[w as usize] += 1;
        used.entry(group).or_default().insert(w);
        used.entry(zone).or_default().insert(w);
        step.wave = first + w + 1;
    }
    // The other rollouts: after the last move of their workload.
    let last_move: BTreeMap<WorkloadId, u32> = steps.iter().fold(BTreeMap::new(), |mut acc, s| {
        if let Some(w) = moved_workload(t, s) {
            let e = acc.entry(w).or_insert(0);
            *e = (*e).max(s.wave);
        }
        acc
    });
    for step in steps.iter_mut().filter(|s| rollout(s)) {
        if let Some(w) = rolled_out(step).and_then(|w| last_move.get(&w)) {
            step.wave = w + 1;
        } else if step.wave == 0 {
            step.wave = first.max(1);
        }
    }
    // Listed in the order they run.
    steps.sort_by_key(|s| s.wave);
    let wave_count = steps.iter().map(|s| s.wave).max().unwrap_or(0);
    // Prove each wave with the simulator: its disruptions (restarts, evictions, migrations) as
    // evictions through the eviction API, on the cluster as it is; every group that had quorum
    // must keep it, and no budget may refuse.
    let mut by_wave: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    for step in steps.iter() {
        let pod = match step.action.as_str() {
            "restart" => step.from.clone(),
            "evict" | "migrate" => step
                .objects
                .first()
                .and_then(|o| o.strip_prefix("Pod ").map(String::from)),
            _ => None,
        };
        if let Some(pod) = pod {
            by_wave.entry(step.wave).or_default().push(pod);
        }
    }
    // Only waves that disrupt pods need the simulator (and the baseline to compare with).
    let had_quorum: BTreeSet<String> = if by_wave.is_empty() {
        BTreeSet::new()
    } else {
        crate::simulate::simulate(t, &[], &crate::simulate::Params::of(t))
            .map(|o| {
                o.groups
                    .into_iter()
                    .filter(|g| g.has_quorum)
                    .map(|g| g.name)
                    .collect()
            })
            .unwrap_or_default()
    };
    for (wave, pods) in &by_wave {
        let events: Vec<crate::simulate::Event> = pods
            .iter()
            .cloned()
            .map(crate::simulate::Event::Evict)
            .collect();
        // The cluster as the waves before this one leave it.
        let before: Vec<Step> = steps.iter().filter(|s| s.wave < *wave).cloned().collect();
        let then = predict(t, &before);
        match crate::simulate::simulate(&then, &events, &crate::simulate::Params::of(t)) {
            Ok(outcome) => {
                for e in outcome.evictions.iter().filter(|e| e.status == "blocked") {
                    safety.push(format!(
                        "wave {wave}: the eviction of {} is refused ({})",
                        e.pod, e.reason
                    ));
                }
                for g in outcome
                    .groups
                    .iter()
                    .filter(|g| !g.has_quorum && had_quorum.contains(&g.name))
                {
                    safety.push(format!(
                        "wave {wave}: {} would drop below quorum ({} of {} up, {} needed)",
                        g.name, g.available, g.replicas, g.needed
                    ));
                }
            }
            Err(e) => safety.push(format!("wave {wave}: cannot be simulated: {e}")),
        }
    }
    if safety.is_empty() {
        safety.push(format!(
            "checked: {} in {}, at most {} per wave, never two replicas of one group at once; the simulator ran the {} that disrupt pods: no group drops below quorum and no budget refuses",
            crate::contract::count(steps.len(), "step", "steps"),
            crate::contract::count(wave_count as usize, "wave", "waves"),
            crate::contract::count(per_wave as usize, "re-election", "re-elections"),
            crate::contract::count(by_wave.len(), "wave", "waves")
        ));
    }
    safety
}

/// `kubectl -n NS`, or plain `kubectl` for an object without a namespace (a manifest, applied to
/// the current context's namespace).
pub(crate) fn kubectl_in(ns: &str) -> String {
    if ns.is_empty() {
        "kubectl".into()
    } else {
        format!("kubectl -n {ns}")
    }
}

/// A manifest's `  namespace: NS` line, or none for an object without a namespace.
pub(crate) fn namespace_line(ns: &str) -> String {
    if ns.is_empty() {
        String::new()
    } else {
        format!("  namespace: {ns}\n")
    }
}

#[cfg(test)]
mod tests;
