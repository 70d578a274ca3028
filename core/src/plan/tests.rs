//! Plans on hand-sized clusters and random small ones: optimal, valid step by step, and never
//! taking a group below quorum.

use proptest::prelude::*;

use super::*;
use crate::testkit::*;

fn options(goal: Goal, handover: Handover) -> Options {
    Options {
        goal,
        handover,
        max_concurrent: None,
    }
}

/// Every step hands a lease to a ready replica of its group on another pod, steps apply in order,
/// and the final state is the one the plan claims.
fn check_valid(t: &Topology, p: &Plan) {
    let mut holder: Vec<Option<PodId>> = t
        .leaders
        .iter()
        .map(|l| match l.holder {
            Holder::Pod(p) => Some(p),
            _ => None,
        })
        .collect();
    for step in &p.steps {
        let Some((lease, to)) = step.handover else {
            continue;
        };
        let group = t.leaders[lease.index()]
            .group
            .expect("planned leases have a group");
        assert!(
            t.running_replicas(group).any(|r| r == to),
            "{} is not a replica of its group",
            step.to.clone().unwrap()
        );
        assert!(t.pods[to.index()].pod.ready);
        assert_eq!(
            step.from.as_deref(),
            holder[lease.index()].map(|h| t.pod_display(h)).as_deref(),
            "steps apply in order"
        );
        assert_ne!(holder[lease.index()], Some(to));
        holder[lease.index()] = Some(to);
    }
    let after = crate::analysis::leader_stats(&apply_handovers(t, &p.steps));
    assert_eq!(after.max_per_zone(), p.after.leaders.max_per_zone);
    assert_eq!(after.max_per_node(), p.after.leaders.max_per_node);
}

#[test]
fn the_leaders_plan_on_the_three_zones_sample_reaches_its_bound() {
    let s = crate::samples::find("three-zones").unwrap();
    let t = Topology::build(&s.load(), &Default::default());
    let p = plan(
        &t,
        &Default::default(),
        &options(Goal::Leaders, Handover::PreferredHolder),
    );
    assert_eq!(p.before.leaders.max_per_node, 10);
    assert_eq!(p.after.leaders.max_per_zone, p.bound.leaders.max_per_zone);
    assert_eq!(p.after.leaders.max_per_node, p.bound.leaders.max_per_node);
    assert_eq!(p.steps.len() as u32, p.bound.leaders.handovers);
    check_valid(&t, &p);
    let step = &p.steps[0];
    assert!(
        step.kubectl.contains("patch lease") && step.kubectl.contains("preferredHolder"),
        "{}",
        step.kubectl
    );
    assert!(step.dry_run.ends_with("--dry-run=server"));
    assert!(step.rollback.contains("preferredHolder"));
    // One re-election per zone per wave by default.
    let mut per_wave: BTreeMap<u32, BTreeSet<Option<ZoneId>>> = BTreeMap::new();
    for s in &p.steps {
        assert!(
            per_wave.entry(s.wave).or_default().insert(s.zone),
            "two re-elections in one zone in wave {}",
            s.wave
        );
    }
}

#[test]
fn an_empty_cluster_gives_an_empty_plan() {
    let t = ClusterYaml::new().topology();
    let p = plan(
        &t,
        &Default::default(),
        &options(Goal::All, Handover::PreferredHolder),
    );
    assert!(p.steps.is_empty());
}

#[test]
fn a_restart_is_used_only_where_every_possible_winner_keeps_the_bound() {
    // ctrl has replicas on a1 (holder), b1 and c1; a plan moving it off a1 may restart it only if
    // both b1 and c1 are acceptable.
    let mut c = three_zones();
    for i in 0..3 {
        let name = format!("ctrl-{i}");
        c = c
            .deployment("ops", &name, 3)
            .pod(
                "ops",
                &format!("{name}-1-a"),
                "ReplicaSet",
                &format!("{name}-1"),
                &name,
                "a1",
            )
            .pod(
                "ops",
                &format!("{name}-1-b"),
                "ReplicaSet",
                &format!("{name}-1"),
                &name,
                "b1",
            )
            .pod(
                "ops",
                &format!("{name}-1-c"),
                "ReplicaSet",
                &format!("{name}-1"),
                &name,
                "c1",
            )
            .lease("ops", &name, &format!("{name}-1-a"), "2026-11-20T10:00:00Z");
    }
    let t = c.topology();
    let targeted = plan(
        &t,
        &Default::default(),
        &options(Goal::Leaders, Handover::PreferredHolder),
    );
    assert_eq!(targeted.steps.len(), 2);
    let restart = plan(
        &t,
        &Default::default(),
        &options(Goal::Leaders, Handover::Restart),
    );
    for step in &restart.steps {
        assert_eq!(step.targeted, Some(false));
        assert_eq!(step.candidates.len(), 2, "{:?}", step.candidates);
        // The evicted holder's replacement starts at once elsewhere and may win too.
        assert!(!step.comeback.is_empty(), "{step:?}");
    }
    // A restart left out names the restarted pod among the possible winners when it could win.
    assert!(
        restart
            .notes
            .iter()
            .all(|n| !n.contains("possible winners"))
            || restart
                .notes
                .iter()
                .any(|n| n.contains("the restarted pod itself")),
        "{:?}",
        restart.notes
    );
    // Restarting one of three leaders on a1 could land it next to another moved one: only the
    // restarts whose every winner stays within the bound (1 per node) are kept.
    assert!(restart.steps.len() < targeted.steps.len() || restart.notes.is_empty());
}

#[test]
fn targeted_handovers_of_leases_without_a_strategy_are_planned_with_a_warning() {
    // Three leases of three controllers, all led from a1: two must move.
    let with_strategy = |c: ClusterYaml, strategy: bool| {
        let mut c = c;
        for i in 0..3 {
            let name = format!("ctrl-{i}");
            // A Deployment's spec.strategy is an object: read as no lease strategy, no error.
            c = c.raw(&format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: ops\nspec:\n  replicas: 3\n  strategy: {{type: RollingUpdate, rollingUpdate: {{maxSurge: 1}}}}\n  selector:\n    matchLabels: {{app: {name}}}\n  template:\n    metadata:\n      labels: {{app: {name}}}\n"
            ));
            for node in ["a1", "b1", "c1"] {
                let pod = format!("{name}-1-{node}");
                c = c.pod("ops", &pod, "ReplicaSet", &format!("{name}-1"), &name, node);
            }
            c = c.raw(&format!(
                "apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata:\n  name: {name}\n  namespace: ops\nspec:\n  holderIdentity: {name}-1-a1\n  leaseDurationSeconds: 15\n  renewTime: '2026-11-20T10:00:00Z'\n{}",
                if strategy { "  strategy: OldestEmulationVersion\n" } else { "" }
            ));
        }
        assert_eq!(c.snapshot().error_count(), 0);
        c.topology()
    };
    let leaders = options(Goal::Leaders, Handover::PreferredHolder);
    let plain = plan(
        &with_strategy(three_zones(), false),
        &Default::default(),
        &leaders,
    );
    assert_eq!(plain.steps.len(), 2, "the steps are still planned");
    assert_eq!(plain.warnings.len(), 1);
    assert!(
        plain.warnings[0].contains("2 of 2 targeted handovers"),
        "{:?}",
        plain.warnings
    );
    assert!(plain.warnings[0].contains("--handover restart"));
    let coordinated = plan(
        &with_strategy(three_zones(), true),
        &Default::default(),
        &leaders,
    );
    assert_eq!(coordinated.steps.len(), 2);
    assert!(
        coordinated.warnings.is_empty(),
        "{:?}",
        coordinated.warnings
    );
    // Restarts need no coordinated election.
    let restart = plan(
        &with_strategy(three_zones(), false),
        &Default::default(),
        &options(Goal::Leaders, Handover::Restart),
    );
    assert!(restart.warnings.is_empty());
}

#[test]
fn the_spread_plan_migrates_a_replica_with_a_zonal_volume_instead_of_evicting_it() {
    let s = crate::samples::find("three-zones").unwrap();
    let t = Topology::build(&s.load(), &Default::default());
    let p = plan(
        &t,
        &Default::default(),
        &options(Goal::Spread, Handover::PreferredHolder),
    );
    let step = p
        .steps
        .iter()
        .find(|s| s.objects[0].starts_with("Pod db/pg-"))
        .expect("pg is rebalanced");
    assert_eq!(step.action, "migrate");
    assert_eq!(step.to.as_deref(), Some("eu-west-1c"));
    assert!(step.bytes.unwrap() > 0);
    assert!(step.manifest.as_deref().unwrap().contains("VolumeSnapshot"));
}

#[test]
fn a_spread_that_cannot_be_met_says_why_and_plans_the_rest() {
    let s = crate::samples::find("broken-storage").unwrap();
    let t = Topology::build(&s.load(), &Default::default());
    let p = plan(
        &t,
        &Default::default(),
        &options(Goal::All, Handover::PreferredHolder),
    );
    assert!(
        p.notes
            .iter()
            .any(|n| n.contains("cannot survive a zone loss") && n.contains("the cluster has 2")),
        "{:?}",
        p.notes
    );
    let class = p
        .steps
        .iter()
        .find(|s| s.action == "create-storageclass")
        .unwrap();
    assert!(
        class
            .manifest
            .as_deref()
            .unwrap()
            .contains("volumeBindingMode: WaitForFirstConsumer")
    );
    assert!(p.steps.iter().any(|s| s.action == "create-pdb"));
    assert!(p.steps.iter().any(|s| s.action == "loosen-pdb"));
}

#[test]
fn the_script_runs_a_dry_run_before_each_change_and_waits_after() {
    let s = crate::samples::find("three-zones").unwrap();
    let t = Topology::build(&s.load(), &Default::default());
    let p = plan(
        &t,
        &Default::default(),
        &options(Goal::Leaders, Handover::PreferredHolder),
    );
    let text = script(&p);
    assert!(text.contains("set -euo pipefail"));
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if line.starts_with("kubectl")
            && line.contains("patch lease")
            && !line.contains("--dry-run=server")
        {
            assert!(
                lines[i - 1].contains("--dry-run=server"),
                "no dry run before {line}"
            );
            assert!(
                lines[i + 1].contains("holderIdentity"),
                "no wait after {line}"
            );
        }
    }
}

/// A random small cluster: controllers with 1-3 replicas over six nodes, each leader anywhere.
fn random_cluster() -> impl Strategy<Value = ClusterYaml> {
    proptest::collection::vec(
        (
            proptest::collection::vec(0usize..6, 1..4),
            0usize..3,
            any::<bool>(),
        ),
        1..7,
    )
    .prop_map(|groups| {
        let nodes = ["a1", "a2", "b1", "b2", "c1", "c2"];
        let mut c = three_zones();
        for (g, (placements, holder, stateful)) in groups.into_iter().enumerate() {
            let name = format!("g{g}");
            c = if stateful {
                c.statefulset("ns", &name, placements.len() as u32, "")
            } else {
                c.deployment("ns", &name, placements.len() as u32)
            };
            for (i, n) in placements.iter().enumerate() {
                c = if stateful {
                    c.pod(
                        "ns",
                        &format!("{name}-{i}"),
                        "StatefulSet",
                        &name,
                        &name,
                        nodes[*n],
                    )
                } else {
                    c.pod(
                        "ns",
                        &format!("{name}-{i}"),
                        "ReplicaSet",
                        &format!("{name}-1"),
                        &name,
                        nodes[*n],
                    )
                };
            }
            let h = holder % placements.len();
            c = c.lease("ns", &name, &format!("{name}-{h}"), "2026-11-20T10:00:00Z");
        }
        c
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]

    #[test]
    fn plans_on_random_clusters_are_valid_reach_their_bound_and_never_drop_a_quorum(c in random_cluster(), restart in any::<bool>()) {
        let t = c.topology();
        let handover = if restart { Handover::Restart } else { Handover::PreferredHolder };
        let p = plan(&t, &Default::default(), &options(Goal::Leaders, handover));
        check_valid(&t, &p);
        if !restart {
            prop_assert_eq!(p.after.leaders.max_per_zone, p.bound.leaders.max_per_zone);
            prop_assert_eq!(p.after.leaders.max_per_node, p.bound.leaders.max_per_node);
        }
        // Every wave: at most one replica of a group disrupted, and each group keeps quorum
        // with the wave's restarted pod down.
        let mut waves: BTreeMap<u32, Vec<PodId>> = BTreeMap::new();
        for s in p.steps.iter().filter(|s| s.action == "restart") {
            let from = s.from.clone().unwrap();
            let pod = (0..t.pods.len()).map(|i| PodId(i as u32)).find(|p| t.pod_display(*p) == from).unwrap();
            waves.entry(s.wave).or_default().push(pod);
        }
        for pods in waves.values() {
            let mut groups = BTreeSet::new();
            for pod in pods {
                let g = t.pods[pod.index()].workload.and_then(|w| t.group_of_workload(w)).unwrap();
                prop_assert!(groups.insert(g), "two replicas of one group in one wave");
            }
            for pod in pods {
                let g = t.pods[pod.index()].workload.and_then(|w| t.group_of_workload(w)).unwrap();
                let w = &t.workloads[t.groups[g.index()].workload.index()];
                let needed = quorum_size(t.groups[g.index()].mode, w.desired());
                let up = t.running_replicas(g).count() as u32;
                prop_assert!(up > needed || p.safety.iter().any(|s| s.contains("below quorum") || s.contains("refused")));
            }
        }
    }
}

#[test]
fn a_budget_or_template_an_operator_or_chart_makes_is_changed_there_not_patched() {
    let pdb = |owner: &str| {
        format!(
            "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: kafka\n  namespace: queue\n{owner}spec:\n  maxUnavailable: 0\n  selector:\n    matchLabels: {{app: kafka}}\n"
        )
    };
    let kafka = |owner: &str| {
        three_zones()
            .statefulset("queue", "kafka", 3, "")
            .pod("queue", "kafka-0", "StatefulSet", "kafka", "kafka", "a1")
            .pod("queue", "kafka-1", "StatefulSet", "kafka", "kafka", "b1")
            .pod("queue", "kafka-2", "StatefulSet", "kafka", "kafka", "c1")
            .raw(&pdb(owner))
            .topology()
    };
    let storage = |t: &Topology| {
        plan(
            t,
            &Default::default(),
            &options(Goal::Storage, Handover::PreferredHolder),
        )
    };
    // Made by hand: patched, and the rollback puts back exactly the value the patch replaces.
    let p = storage(&kafka(""));
    let step = p.steps.iter().find(|s| s.action == "loosen-pdb").unwrap();
    assert_eq!(step.calls.len(), 1);
    assert!(
        step.rollback
            .contains(r#"{"spec":{"maxUnavailable":0,"minAvailable":null}}"#),
        "{}",
        step.rollback
    );
    // Owned by the operator's resource: the step says where to change it and changes nothing.
    let owned = "  ownerReferences:\n  - {apiVersion: kafka.strimzi.io/v1beta2, kind: Kafka, name: events, controller: true}\n";
    let p = storage(&kafka(owned));
    let step = p.steps.iter().find(|s| s.action == "loosen-pdb").unwrap();
    assert!(step.calls.is_empty(), "{step:?}");
    assert!(step.kubectl.contains("Kafka events"), "{}", step.kubectl);
    let chart = "  labels: {app.kubernetes.io/managed-by: Helm}\n";
    let step = storage(&kafka(chart))
        .steps
        .into_iter()
        .find(|s| s.action == "loosen-pdb")
        .unwrap();
    assert!(step.calls.is_empty() && step.kubectl.contains("Helm chart"));
}

#[test]
fn an_added_spread_constraint_is_rolled_back_to_the_constraints_the_template_had() {
    let t = three_zones()
        .statefulset("db", "pg", 3, "")
        .pod("db", "pg-0", "StatefulSet", "pg", "pg", "a1")
        .pod("db", "pg-1", "StatefulSet", "pg", "pg", "b1")
        .pod("db", "pg-2", "StatefulSet", "pg", "pg", "c1")
        .topology();
    let p = plan(
        &t,
        &Default::default(),
        &options(Goal::Storage, Handover::PreferredHolder),
    );
    let step = p.steps.iter().find(|s| s.action == "add-spread").unwrap();
    assert!(
        step.rollback.contains(
            r#"[{"op":"remove","path":"/spec/template/spec/topologySpreadConstraints"}]"#
        ),
        "{}",
        step.rollback
    );
    assert!(!step.rollback.contains("previous manifest"));
}

#[test]
fn a_plans_after_is_the_analysis_of_the_graph_its_steps_lead_to() {
    let s = crate::samples::find("three-zones").unwrap();
    let t = Topology::build(&s.load(), &Default::default());
    let config = Config::default();
    for goal in [Goal::Leaders, Goal::Spread, Goal::Storage, Goal::All] {
        let p = plan(&t, &config, &options(goal, Handover::PreferredHolder));
        let predicted = crate::analysis::analyze(&p.state_after(&t, p.steps.len()), &config);
        assert_eq!(
            format!("{:?}", p.after),
            format!("{:?}", metrics(&predicted)),
            "{goal:?}"
        );
    }
    // The spread goal moves pg's skewed replica: after it, pg survives a zone.
    let p = plan(
        &t,
        &config,
        &options(Goal::Spread, Handover::PreferredHolder),
    );
    assert!(
        p.after.groups_surviving["zone"] > p.before.groups_surviving["zone"],
        "{:?} -> {:?}",
        p.before.groups_surviving,
        p.after.groups_surviving
    );
    assert!(p.after.findings["critical"] < p.before.findings["critical"]);
    // The storage goal's budgets and constraints are in its after.
    let p = plan(
        &t,
        &config,
        &options(Goal::Storage, Handover::PreferredHolder),
    );
    assert!(p.after.findings["warning"] < p.before.findings["warning"]);
}

#[test]
fn waves_are_numbered_once_across_goals_in_the_order_they_run() {
    let s = crate::samples::find("three-zones").unwrap();
    let t = Topology::build(&s.load(), &Default::default());
    let p = plan(
        &t,
        &Config::default(),
        &options(Goal::All, Handover::PreferredHolder),
    );
    let waves: Vec<u32> = p.steps.iter().map(|s| s.wave).collect();
    assert!(waves.windows(2).all(|w| w[0] <= w[1]), "{waves:?}");
    // Changes to objects (budgets) first, in one wave; the moves after them; a constraint added
    // to a template (a rollout) after the last move of its workload.
    let moves = ["handover", "restart", "evict", "migrate"];
    let workload_of = |s: &crate::plan::Step| match s.change {
        Some(Change::Evict { pod } | Change::Migrate { pod, .. }) => t.pods[pod.index()].workload,
        Some(Change::AddSpread { workload, .. }) => Some(workload),
        _ => None,
    };
    let mut rollouts = 0;
    for s in &p.steps {
        if moves.contains(&s.action.as_str()) {
            assert!(s.wave > 1, "{} in wave {}", s.action, s.wave);
        } else if s.action == "add-spread" {
            rollouts += 1;
            let w = workload_of(s);
            for m in p
                .steps
                .iter()
                .filter(|m| m.action != "add-spread" && workload_of(m) == w)
            {
                assert!(
                    m.wave < s.wave,
                    "{} after the rollout of {:?}",
                    m.action,
                    s.objects
                );
            }
        } else {
            assert_eq!(s.wave, 1, "{}", s.action);
        }
    }
    assert!(rollouts > 0, "the sample's plan adds a spread constraint");
    let moving: BTreeSet<u32> = p
        .steps
        .iter()
        .filter(|s| moves.contains(&s.action.as_str()))
        .map(|s| s.wave)
        .collect();
    let first = *moving.iter().next().unwrap();
    assert_eq!(
        moving.iter().copied().collect::<Vec<_>>(),
        (first..first + moving.len() as u32).collect::<Vec<_>>(),
        "the waves of the moves follow on without a gap or a restart"
    );
}

#[test]
fn a_spread_constraint_is_added_only_where_every_running_pod_still_fits_after_the_moves() {
    // db/pg: three replicas on zonal volumes, two in eu-a. Under a zone constraint of maxSkew 1
    // the rollout would leave the second eu-a replica Pending: the storage goal alone leaves the
    // constraint out and says why; with the migration of --goal all it follows the move.
    let c = three_zones()
        + ClusterYaml::new()
            .statefulset("db", "pg", 3, "")
            .pod_with(
                "db",
                "pg-0",
                "StatefulSet",
                "pg",
                "pg",
                Some("a1"),
                "  volumes: [{name: d, persistentVolumeClaim: {claimName: data-pg-0}}]\n",
            )
            .pod_with(
                "db",
                "pg-1",
                "StatefulSet",
                "pg",
                "pg",
                Some("a2"),
                "  volumes: [{name: d, persistentVolumeClaim: {claimName: data-pg-1}}]\n",
            )
            .pod_with(
                "db",
                "pg-2",
                "StatefulSet",
                "pg",
                "pg",
                Some("b1"),
                "  volumes: [{name: d, persistentVolumeClaim: {claimName: data-pg-2}}]\n",
            )
            .volume("db", "data-pg-0", "pv-0", "gp3", "zone:eu-a")
            .volume("db", "data-pg-1", "pv-1", "gp3", "zone:eu-a")
            .volume("db", "data-pg-2", "pv-2", "gp3", "zone:eu-b");
    let t = c.topology();
    let storage = plan(
        &t,
        &Config::default(),
        &options(Goal::Storage, Handover::PreferredHolder),
    );
    assert!(
        !storage.steps.iter().any(|s| s.action == "add-spread"),
        "{:?}",
        storage.steps.iter().map(|s| &s.action).collect::<Vec<_>>()
    );
    assert!(
        storage
            .notes
            .iter()
            .any(|n| n.contains("db/pg") && n.contains("db/pg-1 Pending")),
        "{:?}",
        storage.notes
    );
    let all = plan(
        &t,
        &Config::default(),
        &options(Goal::All, Handover::PreferredHolder),
    );
    let migrate = all
        .steps
        .iter()
        .find(|s| s.action == "migrate")
        .expect("a migration");
    let rollout = all
        .steps
        .iter()
        .find(|s| s.action == "add-spread")
        .expect("a rollout");
    assert!(migrate.wave < rollout.wave);
    // Nothing the plan does leaves a replica Pending.
    assert_eq!(all.after.groups_surviving["zone"], 1);
    assert_eq!(
        all.after.findings["critical"], 0,
        "{:?}",
        all.after.findings
    );
}
