//! Why a verdict disagrees, when the run's own evidence shows a Kubernetes behaviour the model
//! leaves out (docs/model.md names each). A disagreement nothing here explains fails the suite.

use crate::scenario::Observation;
use crate::verdict::{Rule, Verdict};

/// The docs/model.md sections the explanations point at.
pub const DRAINED_LIMITER: &str =
    "docs/model.md#a-zone-that-passes-through-partial-disruption-taints-its-first-node-late";
pub const SCHEDULER_SCORING: &str = "docs/model.md#which-feasible-node-the-scheduler-picks";
pub const RETAINTED: &str = "FIDELITY.md#what-differs-on-v137";

/// `+8.0 s, +18.0 s` (the comparison's words) as seconds.
fn times(text: &str) -> Vec<f64> {
    text.split(", ")
        .filter_map(|t| {
            t.trim()
                .trim_start_matches('+')
                .trim_end_matches(" s")
                .parse()
                .ok()
        })
        .collect()
}

/// The taints of a zone came whole eviction periods (10 s) late, never early: on 1.34 and later
/// the node lifecycle controller can spend a rate-limiter token on a node its cache does not yet
/// see NotReady, or taint a node twice (FIDELITY.md, "What differs on v1.37", item 3). The model
/// gives the first moment the limiter allows.
fn late_by_whole_periods(v: &Verdict, release: crate::controlplane::Release) -> bool {
    let (want, seen) = (times(&v.predicted), times(&v.observed));
    release != crate::controlplane::Release::V1_33
        && !want.is_empty()
        && want.len() == seen.len()
        && want.iter().zip(&seen).all(|(w, s)| {
            let late = s - w;
            let periods = (late / 10.0).round();
            (0.0..=2.0).contains(&periods) && (late - periods * 10.0).abs() <= 3.0
        })
        && want.iter().zip(&seen).any(|(w, s)| s - w > 5.0)
}

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
                if passed_through_partial_disruption(obs, &cluster, &zone) {
                    Some(format!(
                        "kube-controller-manager saw zone {zone} in PartialDisruption for one pass before \
                         FullDisruption (its nodes' NotReady detected in two passes); the limiter it swaps \
                         back in starts drained, so every taint comes one eviction period (10 s) late \
                         ({DRAINED_LIMITER})"
                    ))
                } else if late_by_whole_periods(v, obs.release) {
                    Some(format!(
                        "zone {zone}'s taints came whole eviction periods (10 s) late, none early: \
                         kube-controller-manager spent a limiter token on a node its cache did not \
                         see NotReady yet, or tainted a node twice ({RETAINTED})"
                    ))
                } else {
                    None
                }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controlplane::Release;
    use crate::verdict::Rule;

    fn taint(predicted: &str, observed: &str) -> Verdict {
        Verdict {
            rule: Rule::Taint,
            subject: "zone z-b".into(),
            predicted: predicted.into(),
            observed: observed.into(),
            agree: false,
            explanation: None,
        }
    }

    #[test]
    fn only_taints_late_by_whole_eviction_periods_on_a_newer_release_are_the_race() {
        let late = taint("+8.0 s, +18.0 s, +28.0 s", "+19.0 s, +29.0 s, +39.0 s");
        assert!(late_by_whole_periods(&late, Release::V1_37));
        assert!(!late_by_whole_periods(&late, Release::V1_33));
        let gap = taint("+8.0 s, +18.0 s, +28.0 s", "+7.5 s, +27.5 s, +37.5 s");
        assert!(late_by_whole_periods(&gap, Release::V1_37));
        // Early, or late by something else than whole periods, or a taint missing: not it.
        for (p, o) in [
            ("+8.0 s, +18.0 s", "+2.0 s, +12.0 s"),
            ("+8.0 s, +18.0 s", "+14.0 s, +24.0 s"),
            ("+8.0 s, +18.0 s", "+18.0 s"),
            ("+8.0 s", "+48.0 s"),
        ] {
            assert!(
                !late_by_whole_periods(&taint(p, o), Release::V1_37),
                "{p} / {o}"
            );
        }
    }
}
