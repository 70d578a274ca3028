//! What a review document says about one state: the clusters and the time the inputs speak of,
//! the top risks worst first, the sweep, the recommended plan, and the worst zone failure and the
//! worst partition played out by `simulate`. The front ends render it; every number in it is one
//! the CLI prints for the same input (`quorum analyze`, `sweep`, `plan`, `simulate`).

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::check::Finding;
use crate::config::Config;
use crate::finding::Severity;
use crate::graph::Topology;
use crate::plan::{Goal, Handover, Options, Plan, plan};
use crate::simulate::sweep::{Scenario, Sweep};
use crate::simulate::{Event, Outcome, Params, Target, simulate};

/// Up to this many pods a review with no plan of the user's plans for every goal at once, so the
/// plan answers every finding a planner can act on; above it, for leaders only: every goal runs
/// the simulator over each wave of storage and spread steps (37 s for 3,000 pods in a debug
/// build, against 1 s for leaders), too long to wait for a document on a large cluster.
pub const ALL_GOALS_UP_TO_PODS: usize = 5_000;

/// The goal a review plans for when the user made no plan (see [`ALL_GOALS_UP_TO_PODS`]).
pub fn review_goal(t: &Topology) -> Goal {
    if t.pods.len() <= ALL_GOALS_UP_TO_PODS {
        Goal::All
    } else {
        Goal::Leaders
    }
}

/// The plan a review recommends, and whose it is.
pub struct Recommended {
    pub plan: Arc<Plan>,
    /// The user made it in the session (else core made it with [`review_goal`]).
    pub users: bool,
}

/// A scenario of the sweep played out in full by `simulate`.
pub struct Played {
    /// The sweep's row (its first moment).
    pub row: Scenario,
    pub outcome: Outcome,
    /// The flags that make `quorum simulate` play the same scenario.
    pub flags: String,
}

/// One kind of finding (one check), for the summary: how many, how bad, one example.
pub struct FindingKind<'a> {
    pub check: &'static str,
    pub severity: Severity,
    pub count: usize,
    pub example: &'a Finding,
}

/// Everything a review document says, computed once.
pub struct Review {
    pub clusters: Vec<String>,
    /// The time the inputs speak of (`--now`, a live read's clock, else the newest lease
    /// renewal); none when no input says.
    pub snapshot_time: Option<chrono::DateTime<chrono::Utc>>,
    pub sweep: Arc<Sweep>,
    pub plan: Recommended,
    pub worst_zone: Option<Played>,
    pub worst_partition: Option<Played>,
}

impl Review {
    /// The review of a state (its graph, configuration and sweep); `plan` is the user's plan
    /// when there is one.
    pub fn of(
        t: &Topology,
        config: &Config,
        sweep: Arc<Sweep>,
        users_plan: Option<Arc<Plan>>,
    ) -> Review {
        let plan = match users_plan {
            Some(plan) => Recommended { plan, users: true },
            None => Recommended {
                plan: Arc::new(plan(t, config, &review_plan_options(review_goal(t)))),
                users: false,
            },
        };
        let worst = |keep: &dyn Fn(&Event) -> bool| {
            worst_row(&sweep, keep).and_then(|row| {
                let outcome =
                    simulate(t, std::slice::from_ref(&row.scenario), &Params::of(t)).ok()?;
                Some(Played {
                    flags: simulate_flags(&row.scenario),
                    row: row.clone(),
                    outcome,
                })
            })
        };
        let worst_zone = worst(&|e| matches!(e, Event::Fail(Target::Zone(_))));
        let worst_partition = worst(&|e| matches!(e, Event::Partition(_)));
        Review {
            clusters: t.clusters.iter().map(|c| c.name.clone()).collect(),
            snapshot_time: t.now,
            sweep,
            plan,
            worst_zone,
            worst_partition,
        }
    }

    /// The findings' checks, worst first: by severity, then by how many findings, then by name.
    pub fn finding_kinds<'a>(findings: &'a [std::sync::Arc<Finding>]) -> Vec<FindingKind<'a>> {
        let mut kinds: BTreeMap<&'static str, FindingKind<'a>> = BTreeMap::new();
        for f in findings {
            let k = kinds.entry(f.check).or_insert(FindingKind {
                check: f.check,
                severity: f.severity,
                count: 0,
                example: f,
            });
            k.count += 1;
            if f.severity > k.severity {
                k.severity = f.severity;
                k.example = f;
            }
        }
        let mut kinds: Vec<FindingKind<'a>> = kinds.into_values().collect();
        kinds.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then(b.count.cmp(&a.count))
                .then(a.check.cmp(b.check))
        });
        kinds
    }
}

/// The options `quorum plan --goal GOAL` plans with.
pub fn review_plan_options(goal: Goal) -> Options {
    Options {
        goal,
        handover: Handover::PreferredHolder,
        max_concurrent: None,
    }
}

/// What a row costs beyond what is wrong before anything fails, as the sweep table counts it:
/// groups newly without quorum, split-brain risks, newly leaderless leases.
pub fn row_cost(sweep: &Sweep, row: &Scenario) -> (usize, usize, usize) {
    (
        added(
            &row.groups_without_quorum,
            &sweep.before.groups_without_quorum,
        )
        .len(),
        row.split_brain.len(),
        added(&row.leaderless, &sweep.before.leaderless).len(),
    )
}

/// The items of `now` that were not in `before`.
pub fn added(now: &[String], before: &[String]) -> Vec<String> {
    now.iter()
        .filter(|i| !before.contains(i))
        .cloned()
        .collect()
}

/// The costliest row among the kind `keep` picks (the first in the sweep's order on a tie);
/// none when there is no such row or every such row costs nothing.
fn worst_row<'s>(sweep: &'s Sweep, keep: &dyn Fn(&Event) -> bool) -> Option<&'s Scenario> {
    let mut best: Option<(&Scenario, (usize, usize, usize))> = None;
    for row in sweep.scenarios.iter().filter(|r| keep(&r.scenario)) {
        let cost = row_cost(sweep, row);
        if best.as_ref().is_none_or(|(_, c)| cost > *c) {
            best = Some((row, cost));
        }
    }
    best.filter(|(_, c)| *c != (0, 0, 0)).map(|(r, _)| r)
}

/// `--fail zone:eu-a`, `--partition 'eu-a|eu-b,eu-c'`: the flags of `quorum simulate`.
pub fn simulate_flags(event: &Event) -> String {
    match event {
        Event::Fail(t) => format!("--fail {t}"),
        Event::Drain(t) => format!("--drain {t}"),
        Event::Recover(t) => format!("--recover {t}"),
        Event::Evict(pod) => format!("--evict pod:{pod}"),
        Event::Delete(pod) => format!("--delete pod:{pod}"),
        Event::Partition(sides) => format!(
            "--partition '{}'",
            sides
                .iter()
                .map(|s| s.join(","))
                .collect::<Vec<_>>()
                .join("|")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;
    use crate::workbench::Workbench;

    fn workbench(c: ClusterYaml) -> Workbench {
        Workbench::new(c.topology(), vec![], Config::default())
    }

    #[test]
    fn the_worst_zone_failure_is_the_one_that_takes_a_2_of_3_majority() {
        let wb = workbench(three_zones() + pg_on(&["a1", "a2", "b1"]));
        let r = wb.review(None);
        let zone = r.worst_zone.expect("losing eu-a costs pg its quorum");
        assert_eq!(zone.flags, "--fail zone:eu-a");
        assert_eq!(zone.row.groups_without_quorum, vec!["db/pg".to_string()]);
        assert!(!zone.outcome.group("db/pg").unwrap().has_quorum);
        assert!(!zone.outcome.timeline.is_empty());
    }

    #[test]
    fn a_cluster_that_survives_every_zone_has_no_worst_zone_failure() {
        let wb = workbench(three_zones() + pg_on(&["a1", "b1", "c1"]));
        let r = wb.review(None);
        assert!(r.worst_zone.is_none());
        assert!(!r.plan.users);
        assert_eq!(r.plan.plan.goal, Goal::All);
    }

    #[test]
    fn the_users_plan_is_the_one_recommended() {
        let wb = workbench(three_zones() + pg_on(&["a1", "a2", "b1"]));
        let options = review_plan_options(Goal::Leaders);
        let mine = Arc::new(plan(&wb.topology, &wb.config, &options));
        let r = wb.review(Some(mine));
        assert!(r.plan.users);
        assert_eq!(r.plan.plan.goal, Goal::Leaders);
    }

    #[test]
    fn a_partition_is_given_as_simulate_takes_it() {
        let e = Event::Partition(vec![
            vec!["eu-a".into()],
            vec!["eu-b".into(), "eu-c".into()],
        ]);
        assert_eq!(simulate_flags(&e), "--partition 'eu-a|eu-b,eu-c'");
        assert_eq!(
            Event::parse_partition("eu-a|eu-b,eu-c").unwrap(),
            e,
            "the flags read back as the same event"
        );
    }
}
