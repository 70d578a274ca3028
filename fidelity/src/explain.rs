//! Why a verdict disagrees, when the run's own evidence shows a Kubernetes behaviour the model
//! leaves out (docs/model.md names each). A disagreement nothing here explains fails the suite.

use crate::scenario::Observation;
use crate::verdict::{Rule, Verdict};

/// The docs/model.md sections the explanations point at.
pub const DRAINED_LIMITER: &str =
    "docs/model.md#a-zone-that-passes-through-partial-disruption-taints-its-first-node-late";
pub const SCHEDULER_SCORING: &str = "docs/model.md#which-feasible-node-the-scheduler-picks";

/// The lines of a component's log kept by the run.
fn log(obs: &Observation, component: &str, cluster: &str) -> String {
    std::fs::read_to_string(obs.dir.join(format!("{component}-{cluster}.log"))).unwrap_or_default()
}

/// Whether kube-controller-manager put a zone in partial disruption during the run.
fn passed_through_partial_disruption(obs: &Observation, cluster: &str, zone: &str) -> bool {
    let needle = format!("\\x00:{zone}\" newState=\"PartialDisruption\"");
    log(obs, "kube-controller-manager", cluster)
        .lines()
        .any(|l| l.contains(&needle))
}

/// Attaches explanations to the disagreements the evidence accounts for.
pub fn explain(obs: &Observation, verdicts: &mut [Verdict]) {
    let multi = obs.clusters.len() > 1;
    for v in verdicts.iter_mut().filter(|v| !v.agree) {
        v.explanation = match v.rule {
            Rule::Taint => {
                // "zone [cluster/]NAME"
                let subject = v.subject.trim_start_matches("zone ");
                let (cluster, zone) = match subject.split_once('/') {
                    Some((c, z)) if multi => (c.to_string(), z.to_string()),
                    _ => (obs.clusters[0].name.clone(), subject.to_string()),
                };
                passed_through_partial_disruption(obs, &cluster, &zone).then(|| {
                    format!(
                        "kube-controller-manager saw zone {zone} in PartialDisruption for one pass before \
                         FullDisruption (its nodes' NotReady detected in two passes); the limiter it swaps \
                         back in starts drained, so every taint comes one eviction period (10 s) late \
                         ({DRAINED_LIMITER})"
                    )
                })
            }
            Rule::PlacementNode if v.observed != "does not run" => Some(format!(
                "the model scores the feasible nodes as kube-scheduler's default plugins do, but not \
                 what an export does not show (images on nodes, Services selecting the pod, preferred \
                 affinities) nor the order in which the scheduler's queue takes pods scored on the same \
                 nodes ({SCHEDULER_SCORING})"
            )),
            _ => None,
        };
    }
}
