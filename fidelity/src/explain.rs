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

/// A recreate-timing verdict's two numbers (`+28 s (10 s after the taint)`): the moment, and
/// the seconds after the node's recorded taint.
fn recreate_times(text: &str) -> Option<(f64, f64)> {
    let (at, rest) = text.trim_start_matches('+').split_once(" s (")?;
    let after = rest.split_once(" s after the taint")?.0;
    Some((at.trim().parse().ok()?, after.trim().parse().ok()?))
}

/// Whole eviction periods (10 s, within 3 s) in `seconds`, when it is that.
fn whole_periods(seconds: f64) -> Option<f64> {
    let periods = (seconds / 10.0).round();
    ((seconds - periods * 10.0).abs() <= 3.0).then_some(periods)
}

/// A pod that went one or two whole eviction periods sooner after its node's recorded taint
/// than its toleration, at the predicted moment or whole periods after it, in a run whose zone
/// taints showed the race: kube-controller-manager tainted the node twice (the second taint
/// rewrites `timeAdded`), and the eviction counts from the first taint (`taint_eviction.go`
/// keeps a scheduled eviction's start), so the export's taint is later than the one that
/// evicted the pod.
fn recreated_after_a_retaint(v: &Verdict, race_seen: bool) -> bool {
    let (Some((want, want_tol)), Some((seen, seen_tol))) =
        (recreate_times(&v.predicted), recreate_times(&v.observed))
    else {
        return false;
    };
    race_seen
        && whole_periods(seen - want).is_some_and(|p| (0.0..=2.0).contains(&p))
        && whole_periods(want_tol - seen_tol).is_some_and(|p| (1.0..=2.0).contains(&p))
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
    let race_seen = verdicts
        .iter()
        .any(|v| !v.agree && v.rule == Rule::Taint && late_by_whole_periods(v, obs.release));
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
            Rule::RecreateTiming if recreated_after_a_retaint(v, race_seen) => Some(format!(
                "the node's recorded taint is a second one, whole eviction periods (10 s) after \
                 the first, like the zone's taints in this run: kube-controller-manager tainted \
                 it twice, and the eviction counts from the first taint ({RETAINTED})"
            )),
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
    fn a_recreation_counted_from_an_earlier_taint_is_the_race_only_when_the_taints_showed_it() {
        let v = |predicted: &str, observed: &str| Verdict {
            rule: Rule::RecreateTiming,
            subject: "ops/web-1".into(),
            predicted: predicted.into(),
            observed: observed.into(),
            agree: false,
            explanation: None,
        };
        // Both seen on v1.37: on time with a taint recorded one period late, and one period late
        // with the taint recorded two periods late.
        for o in [
            "+28.4 s (0.0 s after the taint)",
            "+38.3 s (0.0 s after the taint)",
        ] {
            let seen = v("+28 s (10 s after the taint)", o);
            assert!(recreated_after_a_retaint(&seen, true), "{o}");
            assert!(!recreated_after_a_retaint(&seen, false), "{o}");
        }
        for (p, o) in [
            // Early, late by something else than whole periods, or the toleration not shortened.
            (
                "+28 s (10 s after the taint)",
                "+22.0 s (0.0 s after the taint)",
            ),
            (
                "+28 s (10 s after the taint)",
                "+43.0 s (0.0 s after the taint)",
            ),
            (
                "+28 s (10 s after the taint)",
                "+68.0 s (0.0 s after the taint)",
            ),
            (
                "+28 s (10 s after the taint)",
                "+38.0 s (10.0 s after the taint)",
            ),
            (
                "+28 s (10 s after the taint)",
                "+33.0 s (5.0 s after the taint)",
            ),
        ] {
            assert!(!recreated_after_a_retaint(&v(p, o), true), "{p} / {o}");
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
