//! What a comparison yields: the rules of DESIGN.md's behaviour model and one verdict per
//! comparison. [`crate::compare`] makes verdicts, [`crate::explain`] annotates them,
//! [`crate::report`] and [`crate::plans`] read and write them; this module depends on none of them.

use serde::{Deserialize, Serialize};

/// A rule of the behaviour model (DESIGN.md, "How Kubernetes behaves").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// A failed node's pods stop at once.
    Stop,
    /// A NotReady node is tainted NoExecute (when, per zone).
    Taint,
    /// Deployment/ReplicaSet pods are recreated elsewhere after the grace period and toleration.
    Recreate,
    /// ... and when.
    RecreateTiming,
    /// StatefulSet pods are not recreated off an unreachable node.
    #[serde(rename = "statefulset-stays")]
    StatefulSetStays,
    /// Drains evict through PodDisruptionBudgets; a refused eviction blocks.
    Drain,
    /// A recreated or evicted pod runs, or is Pending for the reason the scheduler gives.
    Placement,
    /// ... on the node the model picked.
    PlacementNode,
    /// Pods the scenario does not touch stay where they are.
    Untouched,
    /// Volumes no surviving node can reach are stranded.
    Storage,
    /// A group's replicas up, and whether that is a quorum.
    Quorum,
    /// Who takes a lease over (a surviving ready replica; nobody without quorum).
    Reelection,
    /// ... and when.
    ReelectionTiming,
    /// A drill's expectations.
    Drill,
    /// A plan's step was carried out (by `quorum apply`, or by hand as the step says).
    PlanApply,
    /// After a plan, each workload's replicas per zone are those of its after-state.
    PlanZones,
    /// ... each lease is held by the pod the after-state names.
    PlanHolder,
    /// ... budgets and spread constraints are those of the after-state.
    PlanObjects,
    /// ... `quorum analyze` of the real cluster gives the plan's `after`.
    PlanAnalysis,
}

impl Rule {
    pub const ALL: [Rule; 19] = [
        Rule::Stop,
        Rule::Taint,
        Rule::Recreate,
        Rule::RecreateTiming,
        Rule::StatefulSetStays,
        Rule::Drain,
        Rule::Placement,
        Rule::PlacementNode,
        Rule::Untouched,
        Rule::Storage,
        Rule::Quorum,
        Rule::Reelection,
        Rule::ReelectionTiming,
        Rule::Drill,
        Rule::PlanApply,
        Rule::PlanZones,
        Rule::PlanHolder,
        Rule::PlanObjects,
        Rule::PlanAnalysis,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Rule::Stop => "stop",
            Rule::Taint => "taint",
            Rule::Recreate => "recreate",
            Rule::RecreateTiming => "recreate-timing",
            Rule::StatefulSetStays => "statefulset-stays",
            Rule::Drain => "drain",
            Rule::Placement => "placement",
            Rule::PlacementNode => "placement-node",
            Rule::Untouched => "untouched",
            Rule::Storage => "storage",
            Rule::Quorum => "quorum",
            Rule::Reelection => "reelection",
            Rule::ReelectionTiming => "reelection-timing",
            Rule::Drill => "drill",
            Rule::PlanApply => "plan-apply",
            Rule::PlanZones => "plan-zones",
            Rule::PlanHolder => "plan-holder",
            Rule::PlanObjects => "plan-objects",
            Rule::PlanAnalysis => "plan-analysis",
        }
    }

    /// The rule in DESIGN.md's words.
    pub fn title(self) -> &'static str {
        match self {
            Rule::Stop => "Node failure: its pods stop at once",
            Rule::Taint => {
                "An unreachable node is marked NotReady after the grace period (and tainted NoExecute)"
            }
            Rule::Recreate => "Deployment/ReplicaSet pods are recreated elsewhere",
            Rule::RecreateTiming => {
                "... after the grace period plus the not-ready/unreachable toleration"
            }
            Rule::StatefulSetStays => {
                "StatefulSet pods are not recreated while the node is unreachable"
            }
            Rule::Drain => "Drain: an eviction that would break a PodDisruptionBudget is refused",
            Rule::Placement => {
                "Placement: a recreated pod fits, or is Pending with the rule that excluded each node"
            }
            Rule::PlacementNode => "Placement: the node it lands on",
            Rule::Untouched => "Pods the failure does not touch keep running where they are",
            Rule::Storage => "Storage: volumes no surviving node can reach are stranded",
            Rule::Quorum => "Groups and quorum: replicas up, majority kept",
            Rule::Reelection => {
                "Re-election: a surviving ready replica takes over (nobody for a quorum group without quorum)"
            }
            Rule::ReelectionTiming => {
                "Re-election: after leaseDurationSeconds (at once on a released lease; from its pod's creation for a recreated candidate)"
            }
            Rule::Drill => "Drill expectations",
            Rule::PlanApply => {
                "Plans: each step is carried out as it says (`quorum apply`, or by hand)"
            }
            Rule::PlanZones => "Plans: each workload's replicas per zone are the after-state's",
            Rule::PlanHolder => "Plans: each lease is held by the pod the after-state names",
            Rule::PlanObjects => "Plans: budgets and spread constraints are the after-state's",
            Rule::PlanAnalysis => "Plans: `quorum analyze` of the cluster gives the plan's `after`",
        }
    }
}

/// One comparison.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Verdict {
    pub rule: Rule,
    pub subject: String,
    pub predicted: String,
    pub observed: String,
    pub agree: bool,
    /// Why they differ, when a known Kubernetes behaviour or a limit of the test bed says so.
    pub explanation: Option<String>,
}
