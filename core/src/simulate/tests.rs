//! One test per rule of the behaviour model, each on a cluster small enough to check by hand.

use super::*;
use crate::testkit::*;

fn run(c: &ClusterYaml, events: &[&str]) -> (Topology, Outcome) {
    run_with(c, events, &Params::default())
}

fn run_with(c: &ClusterYaml, events: &[&str], params: &Params) -> (Topology, Outcome) {
    let t = c.topology();
    let events: Vec<Event> = events
        .iter()
        .map(|e| {
            let (verb, rest) = e.split_once(' ').unwrap();
            match verb {
                "fail" => Event::Fail(Target::parse(rest).unwrap()),
                "drain" => Event::Drain(Target::parse(rest).unwrap()),
                "recover" => Event::Recover(Target::parse(rest).unwrap()),
                "partition" => Event::parse_partition(rest).unwrap(),
                _ => panic!("{e}"),
            }
        })
        .collect();
    let o = simulate(&t, &events, params).unwrap();
    (t, o)
}

/// A Deployment `web` of two replicas on a1 and b1 holding lease `web` on a1.
fn web() -> ClusterYaml {
    three_zones()
        .deployment("app", "web", 2)
        .pod("app", "web-1-a", "ReplicaSet", "web-1", "web", "a1")
        .pod("app", "web-1-b", "ReplicaSet", "web-1", "web", "b1")
        .lease("app", "web", "web-1-a_7f3c", "2026-11-20T10:00:00Z")
}

#[test]
fn a_failed_nodes_deployment_pods_are_recreated_after_the_grace_period_and_the_toleration() {
    let (_, o) = run(&web(), &["fail node:a1"]);
    let r = o
        .rescheduled
        .iter()
        .find(|r| r.pod == "app/web-1-a")
        .unwrap();
    assert_eq!(r.after_seconds, 50 + 300);
    assert_ne!(r.to, "a1");
    assert!(
        o.timeline
            .iter()
            .any(|e| e.t == 50 && e.what.contains("NotReady"))
    );
}

#[test]
fn a_pods_own_toleration_overrides_the_default() {
    let c = three_zones()
        .deployment("app", "web", 1)
        .pod_with("app", "web-1-a", "ReplicaSet", "web-1", "web", Some("a1"), "  tolerations:\n  - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 30}\n");
    let (_, o) = run(&c, &["fail node:a1"]);
    assert_eq!(o.rescheduled[0].after_seconds, 80);
}

#[test]
fn statefulset_pods_are_not_recreated_off_an_unreachable_node_unless_out_of_service() {
    let c = three_zones() + pg_on(&["a1", "b1", "c1"]);
    let (_, o) = run(&c, &["fail node:a1"]);
    assert!(o.rescheduled.is_empty());
    assert_eq!(o.lost.len(), 1);
    assert!(o.lost[0].reason.contains("out-of-service"));
    let params = Params {
        out_of_service: true,
        ..Params::default()
    };
    let (_, o) = run_with(&c, &["fail node:a1"], &params);
    assert_eq!(o.rescheduled.len(), 1);
    assert_eq!(o.rescheduled[0].after_seconds, 50);
}

#[test]
fn a_zone_failure_strands_its_zonal_volumes_and_takes_a_2_of_3_majority() {
    let mut c = three_zones().statefulset("db", "pg", 3, "");
    for (i, n) in ["a1", "a2", "b1"].iter().enumerate() {
        let zone = if i < 2 { "eu-a" } else { "eu-b" };
        c = c
            .pod_with("db", &format!("pg-{i}"), "StatefulSet", "pg", "pg", Some(n), &format!("  volumes:\n  - {{name: data, persistentVolumeClaim: {{claimName: data-pg-{i}}}}}\n"))
            .volume("db", &format!("data-pg-{i}"), &format!("pv-{i}"), "gp3", &format!("zone:{zone}"));
    }
    let (_, o) = run(&c, &["fail zone:eu-a"]);
    let g = o.group("db/pg").unwrap();
    assert_eq!((g.available, g.needed, g.has_quorum), (1, 2, false));
    let stranded: Vec<&str> = o.stranded_volumes.iter().map(|s| s.pv.as_str()).collect();
    assert_eq!(stranded, vec!["pv-0", "pv-1"]);
    assert_eq!(o.stranded_volumes[0].pinned_to, "zone:eu-a");
}

#[test]
fn a_recreated_statefulset_pod_follows_its_zonal_volume_or_stays_pending() {
    // Out-of-service: pg-0 comes back, but only in eu-a, where a2 is still up.
    let c = three_zones()
        .statefulset("db", "pg", 1, "")
        .pod_with(
            "db",
            "pg-0",
            "StatefulSet",
            "pg",
            "pg",
            Some("a1"),
            "  volumes:\n  - {name: data, persistentVolumeClaim: {claimName: data-pg-0}}\n",
        )
        .volume("db", "data-pg-0", "pv-0", "gp3", "zone:eu-a");
    let params = Params {
        out_of_service: true,
        ..Params::default()
    };
    let (_, o) = run_with(&c, &["fail node:a1"], &params);
    assert_eq!(o.rescheduled[0].to, "a2");
    // With the whole zone down it is Pending, and each node says why.
    let (_, o) = run_with(&c, &["fail zone:eu-a"], &params);
    let p = &o.pending[0];
    assert!(
        p.reason.contains("volume node affinity conflict"),
        "{}",
        p.reason
    );
    assert!(
        p.reason.starts_with("0/6 nodes are available"),
        "{}",
        p.reason
    );
    assert!(p.excluded["b1"].contains("pv-0"), "{:?}", p.excluded);
    assert!(
        p.excluded["a2"].contains("unschedulable, NotReady"),
        "{:?}",
        p.excluded
    );
}

#[test]
fn a_local_volume_is_stranded_with_its_node() {
    let c = three_zones()
        .statefulset("cache", "redis", 1, "")
        .pod_with(
            "cache",
            "redis-0",
            "StatefulSet",
            "redis",
            "redis",
            Some("a1"),
            "  volumes:\n  - {name: data, persistentVolumeClaim: {claimName: data-redis-0}}\n",
        )
        .volume("cache", "data-redis-0", "pv-local", "local", "node:a1");
    let (_, o) = run(&c, &["fail node:a1"]);
    assert_eq!(o.stranded_volumes[0].pinned_to, "node:a1");
    let (_, o) = run(&c, &["fail node:a2"]);
    assert!(o.stranded_volumes.is_empty());
}

#[test]
fn a_drain_goes_through_pdbs_and_reports_what_stays() {
    let c = (three_zones() + pg_on(&["a1", "b1", "c1"]))
        .pdb("db", "pg", "pg", "maxUnavailable: 0")
        .deployment("app", "web", 1)
        .pod("app", "web-1-a", "ReplicaSet", "web-1", "web", "a1");
    let (_, o) = run(&c, &["drain node:a1"]);
    let blocked: Vec<_> = o
        .evictions
        .iter()
        .filter(|e| e.status == "blocked")
        .collect();
    assert_eq!(blocked.len(), 1);
    assert_eq!(blocked[0].pod, "db/pg-0");
    assert!(
        blocked[0].reason.contains("PodDisruptionBudget db/pg"),
        "{}",
        blocked[0].reason
    );
    let evicted = o.evictions.iter().find(|e| e.status == "evicted").unwrap();
    assert_eq!(evicted.pod, "app/web-1-a");
    assert_ne!(o.rescheduled[0].to, "a1");
    assert!(o.group("db/pg").unwrap().has_quorum);
}

#[test]
fn a_budget_allowing_one_disruption_waits_for_the_replacement_and_blocks_if_it_never_runs() {
    // Two replicas on a1 with room in eu-a: the first is evicted and recreated on a2, then the
    // second may go (kubectl drain retries until the budget allows it).
    let with_volumes = |nodes: &[&str], zones: &[&str]| {
        let mut c = ClusterYaml::new()
            .node("a1", "eu-a")
            .node("c1", "eu-c")
            .statefulset("db", "pg", 3, "");
        for (i, n) in nodes.iter().enumerate() {
            c = c
                .pod_with("db", &format!("pg-{i}"), "StatefulSet", "pg", "pg", Some(n), &format!("  volumes:\n  - {{name: data, persistentVolumeClaim: {{claimName: data-pg-{i}}}}}\n"))
                .volume("db", &format!("data-pg-{i}"), &format!("pv-{i}"), "gp3", &format!("zone:{}", zones[i]));
        }
        c.pdb("db", "pg", "pg", "maxUnavailable: 1")
    };
    let c = with_volumes(&["a1", "a1", "c1"], &["eu-a", "eu-a", "eu-c"]).node("a2", "eu-a");
    let (_, o) = run(&c, &["drain node:a1"]);
    let statuses: Vec<&str> = o.evictions.iter().map(|e| e.status).collect();
    assert_eq!(statuses, vec!["evicted", "evicted"]);
    assert!(o.rescheduled.iter().all(|r| r.to == "a2"));
    // Without a2, the first replacement stays Pending (its volume is in eu-a): the second
    // eviction is refused for good.
    let c = with_volumes(&["a1", "a1", "c1"], &["eu-a", "eu-a", "eu-c"]);
    let (_, o) = run(&c, &["drain node:a1"]);
    let statuses: Vec<&str> = o.evictions.iter().map(|e| e.status).collect();
    assert_eq!(statuses, vec!["evicted", "blocked"]);
    assert_eq!(o.pending.len(), 1);
}

#[test]
fn draining_a_failed_node_is_a_warning_not_an_error() {
    let (_, o) = run(&web(), &["fail node:a1", "drain node:a1"]);
    assert!(
        o.warnings.iter().any(|w| w.contains("failed already")),
        "{:?}",
        o.warnings
    );
    assert!(o.evictions.is_empty());
}

#[test]
fn placement_honours_resources_taints_selectors_affinity_anti_affinity_and_spread() {
    let node = |name: &str, zone: &str, extra: &str| {
        format!(
            "apiVersion: v1\nkind: Node\nmetadata:\n  name: {name}\n  labels: {{kubernetes.io/hostname: {name}, topology.kubernetes.io/zone: {zone}, disk: ssd}}\nspec:\n{extra}status:\n  allocatable: {{cpu: '2', memory: 4Gi, pods: '10'}}\n  conditions: [{{type: Ready, status: 'True'}}]\n"
        )
    };
    let pod = |name: &str, node: &str, spec: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: x\n  labels: {{app: api}}\n  ownerReferences: [{{kind: ReplicaSet, name: api-1, controller: true}}]\nspec:\n  nodeName: {node}\n{spec}status: {{phase: Running, conditions: [{{type: Ready, status: 'True'}}]}}\n"
        )
    };
    let base = |spec: &str, nodes: &[String]| {
        let mut c = ClusterYaml::new();
        for n in nodes {
            c = c.raw(n);
        }
        c.raw("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: x}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: api}}\n  template: {metadata: {labels: {app: api}}}\n")
            .raw(&pod("api-1-a", "n1", spec))
            .raw(&pod("api-1-b", "n2", spec))
    };
    let nodes = vec![
        node("n1", "z1", ""),
        node("n2", "z2", ""),
        node(
            "n3",
            "z1",
            "  taints: [{key: dedicated, value: db, effect: NoSchedule}]\n",
        ),
    ];
    // n3 is tainted and n2 is busy with the other replica's requests: 1.5 of 2 CPUs.
    let spec = "  containers: [{name: c, resources: {requests: {cpu: 1500m}}}]\n";
    let (_, o) = run(&base(spec, &nodes), &["fail node:n1"]);
    let p = &o.pending[0];
    assert!(p.reason.contains("Insufficient cpu"), "{}", p.reason);
    assert!(
        p.reason.contains("untolerated taint {dedicated: db}"),
        "{}",
        p.reason
    );
    // Tolerating the taint lets it onto n3.
    let spec2 = "  containers: [{name: c, resources: {requests: {cpu: 1500m}}}]\n  tolerations: [{key: dedicated, operator: Equal, value: db, effect: NoSchedule}]\n";
    let (_, o) = run(&base(spec2, &nodes), &["fail node:n1"]);
    assert_eq!(o.rescheduled[0].to, "n3");
    // A nodeSelector nobody else matches.
    let spec3 = "  nodeSelector: {disk: nvme}\n  tolerations: [{operator: Exists}]\n";
    let (_, o) = run(&base(spec3, &nodes), &["fail node:n1"]);
    assert!(
        o.pending[0].reason.contains("node affinity/selector"),
        "{}",
        o.pending[0].reason
    );
    // Required node affinity to zone z2 only.
    let spec4 = "  tolerations: [{operator: Exists}]\n  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms: [{matchExpressions: [{key: topology.kubernetes.io/zone, operator: In, values: [z2]}]}]\n";
    let (_, o) = run(&base(spec4, &nodes), &["fail node:n1"]);
    assert_eq!(o.rescheduled[0].to, "n2");
    // Required anti-affinity per hostname keeps it off n2, where the other replica runs.
    let spec5 = "  tolerations: [{operator: Exists}]\n  affinity:\n    podAntiAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution: [{topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: api}}}]\n";
    let (_, o) = run(&base(spec5, &nodes), &["fail node:n1"]);
    assert_eq!(o.rescheduled[0].to, "n3");
    // Zone spread with maxSkew 1 among z1 (n3) and z2 (n2): z2 holds one already, z1 none.
    let spec6 = "  tolerations: [{operator: Exists}]\n  topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: api}}}]\n";
    let (_, o) = run(&base(spec6, &nodes), &["fail node:n1"]);
    assert_eq!(o.rescheduled[0].to, "n3");
}

#[test]
fn a_leaders_lease_expires_after_its_duration_and_a_surviving_replica_takes_over() {
    let (_, o) = run(&web(), &["fail node:a1"]);
    let r = &o.reelections[0];
    assert_eq!(r.lease, "app/web");
    assert_eq!(r.from.as_deref(), Some("app/web-1-a"));
    assert_eq!(r.to.as_deref(), Some("app/web-1-b"));
    assert_eq!(r.after_seconds, 15);
    assert_eq!(o.max_simultaneous_reelections, 1);
}

#[test]
fn a_graceful_stop_hands_over_at_once_only_when_the_elector_releases_its_lease() {
    let (_, o) = run(&web(), &["drain node:a1"]);
    assert_eq!(o.reelections[0].after_seconds, 15);
    let params = Params {
        release_on_cancel: true,
        ..Params::default()
    };
    let (_, o) = run_with(&web(), &["drain node:a1"], &params);
    assert_eq!(o.reelections[0].after_seconds, 0);
}

#[test]
fn a_quorum_group_that_lost_quorum_elects_nobody() {
    let c = (three_zones() + pg_on(&["a1", "a2", "b1"])).lease(
        "db",
        "pg-leader",
        "pg-0",
        "2026-11-20T10:00:00Z",
    );
    let (t, o) = run(&c, &["fail zone:eu-a"]);
    let r = &o.reelections[0];
    assert_eq!(r.to, None);
    assert!(r.reason.contains("no quorum"), "{}", r.reason);
    assert_eq!(o.has_leader(&t, "db/pg-leader"), Some(false));
}

#[test]
fn leaders_piled_on_one_node_fail_over_at_the_same_moment() {
    let mut c = three_zones();
    for i in 0..5 {
        let name = format!("ctrl-{i}");
        c = c
            .deployment("ops", &name, 2)
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
            .lease("ops", &name, &format!("{name}-1-a"), "2026-11-20T10:00:00Z");
    }
    let (_, o) = run(&c, &["fail node:a1"]);
    assert_eq!(o.reelections.len(), 5);
    assert_eq!(o.max_simultaneous_reelections, 5);
}

/// Control planes in eu-a and eu-b (a majority of two of three), pg 1+1+1, web leader on c1.
fn partitioned() -> ClusterYaml {
    let cp = |name: &str, zone: &str| {
        format!(
            "apiVersion: v1\nkind: Node\nmetadata:\n  name: {name}\n  labels: {{topology.kubernetes.io/zone: {zone}, node-role.kubernetes.io/control-plane: ''}}\nspec:\n  taints: [{{key: node-role.kubernetes.io/control-plane, effect: NoSchedule}}]\nstatus:\n  conditions: [{{type: Ready, status: 'True'}}]\n"
        )
    };
    (three_zones() + pg_on(&["a1", "b1", "c1"]))
        .raw(&cp("cp-a", "eu-a"))
        .raw(&cp("cp-b", "eu-b"))
        .deployment("app", "web", 2)
        .pod("app", "web-1-c", "ReplicaSet", "web-1", "web", "c1")
        .pod("app", "web-1-a", "ReplicaSet", "web-1", "web", "a1")
        .lease("app", "web", "web-1-c", "2026-11-20T10:00:00Z")
}

#[test]
fn in_a_partition_the_side_with_the_control_planes_majority_renews_and_the_cut_off_leader_is_a_split_brain_risk()
 {
    let (_, o) = run(&partitioned(), &["partition eu-a,eu-b|eu-c"]);
    let g = o.group("db/pg").unwrap();
    assert!(g.has_quorum);
    assert_eq!(
        g.sides
            .iter()
            .map(|s| (s.available, s.has_quorum))
            .collect::<Vec<_>>(),
        vec![(2, true), (1, false)]
    );
    let r = o.reelections.iter().find(|r| r.lease == "app/web").unwrap();
    assert_eq!(r.to.as_deref(), Some("app/web-1-a"));
    let risk = o.split_brain.iter().find(|s| s.group == "app/web");
    assert!(risk.is_some(), "{:?}", o.split_brain);
    // Its replicas on each side that may act: the cut-off holder's side first.
    assert_eq!(
        risk.unwrap().sides,
        vec![
            vec!["app/web-1-c".to_string()],
            vec!["app/web-1-a".to_string()]
        ]
    );
    // The web pod on the cut-off side is recreated on the control plane's side after 350 s.
    assert!(
        o.rescheduled
            .iter()
            .any(|r| r.pod == "app/web-1-c" && r.after_seconds == 350)
    );
}

#[test]
fn naming_the_control_plane_zone_overrides_the_nodes() {
    let params = Params {
        control_plane_zones: vec!["eu-c".into()],
        ..Params::default()
    };
    let (_, o) = run_with(&partitioned(), &["partition eu-a,eu-b|eu-c"], &params);
    // The leader on c1 keeps renewing; nothing moves.
    assert!(o.reelections.iter().all(|r| r.lease != "app/web"));
}

#[test]
fn a_partition_between_clusters_leaves_a_leader_on_each_side() {
    let dc = |zone: &str, node: &str| {
        ClusterYaml::new()
            .node(node, zone)
            .deployment("payments", "ledger", 1)
            .pod(
                "payments",
                "ledger-1-a",
                "ReplicaSet",
                "ledger-1",
                "ledger",
                node,
            )
            .lease("payments", "ledger", "ledger-1-a", "2026-11-20T10:00:00Z")
    };
    let (a, b) = (dc("dc-a-1", "a1"), dc("dc-b-1", "b1"));
    let texts = [
        ("dc-a".to_string(), a.yaml()),
        ("dc-b".to_string(), b.yaml()),
    ];
    let refs: Vec<(&str, &str, &[u8])> = texts
        .iter()
        .map(|(n, t)| (n.as_str(), n.as_str(), t.as_bytes()))
        .collect();
    let t = Topology::build(&crate::load::load_texts(&refs), &Default::default());
    let o = simulate(
        &t,
        &[Event::parse_partition("dc-a|dc-b").unwrap()],
        &Params::default(),
    )
    .unwrap();
    let risk = o.split_brain.iter().find(|s| s.group == "payments/ledger");
    assert!(risk.is_some(), "{:?}", o.split_brain);
    assert_eq!(
        risk.unwrap().sides,
        vec![
            vec!["dc-a/payments/ledger-1-a".to_string()],
            vec!["dc-b/payments/ledger-1-a".to_string()]
        ]
    );
    assert!(o.groups.iter().all(|g| g.has_quorum));
}

#[test]
fn a_recovered_node_brings_its_statefulset_pods_back() {
    let c = three_zones() + pg_on(&["a1", "a2", "b1"]);
    let (_, o) = run(&c, &["fail zone:eu-a", "recover zone:eu-a"]);
    assert!(o.group("db/pg").unwrap().has_quorum);
    assert!(o.lost.is_empty());
    let (_, o) = run(&c, &["recover node:a1"]);
    assert!(o.warnings.iter().any(|w| w.contains("had not failed")));
}

#[test]
fn analysis_runs_unchanged_on_the_graph_after_a_scenario() {
    let c = three_zones() + pg_on(&["a1", "a2", "b1"]);
    let (t, o) = run(&c, &["fail zone:eu-a"]);
    let after = o.after(&t);
    let a = crate::analysis::analyze(&after, &Default::default());
    assert!(
        a.findings
            .iter()
            .any(|f| f.check == "quorum-lost" && f.subject.name == "pg"),
        "{:?}",
        a.findings
    );
}

#[test]
fn an_unknown_name_in_an_event_names_the_closest_ones() {
    let t = three_zones().topology();
    let e = simulate(
        &t,
        &[Event::Fail(Target::Zone("eu-x".into()))],
        &Params::default(),
    )
    .unwrap_err();
    assert!(e.0.contains("did you mean"), "{e}");
}

#[test]
fn the_sweep_agrees_with_simulate_on_every_single_node_and_zone_failure() {
    let c = (three_zones() + pg_on(&["a1", "a2", "b1"])).lease(
        "db",
        "pg-leader",
        "pg-0",
        "2026-11-20T10:00:00Z",
    ) + web();
    let t = c.topology();
    let s = sweep::sweep(&t);
    for scenario in s.scenarios.iter().filter(|s| s.event.starts_with("fail ")) {
        let target = Target::parse(scenario.event.trim_start_matches("fail ")).unwrap();
        let o = simulate(&t, &[Event::Fail(target)], &Params::default()).unwrap();
        let lost: Vec<String> = o
            .groups
            .iter()
            .filter(|g| !g.has_quorum)
            .map(|g| g.name.clone())
            .collect();
        assert_eq!(scenario.groups_without_quorum, lost, "{}", scenario.event);
        for lease in &scenario.leaderless {
            assert_eq!(
                o.has_leader(&t, lease),
                Some(false),
                "{} {lease}",
                scenario.event
            );
        }
    }
    let zone_a = s
        .scenarios
        .iter()
        .find(|s| s.event == "fail zone:eu-a")
        .unwrap();
    assert_eq!(zone_a.groups_without_quorum, vec!["db/pg"]);
    assert_eq!(zone_a.leaderless, vec!["db/pg-leader"]);
}

#[test]
fn drills_pass_fail_and_explain_what_was_seen() {
    let c = (three_zones() + pg_on(&["a1", "a2", "b1"])).lease(
        "db",
        "pg-leader",
        "pg-0",
        "2026-11-20T10:00:00Z",
    );
    let t = c.topology();
    let text = "name: lose-a\nevents:\n  - fail: zone:eu-a\nexpect:\n  - group: db/pg\n    has_quorum: true\n  - lease: db/pg-leader\n    has_leader: false\n  - pending: 0\n";
    let drill = drill::Drill::parse("d.yaml", text).unwrap();
    let r = drill::run(&t, &drill, &Params::default()).unwrap();
    assert!(!r.passed);
    assert!(!r.checks[0].passed);
    assert!(
        r.checks[0].seen.contains("1 of 3 replicas up, 2 needed"),
        "{}",
        r.checks[0].seen
    );
    assert!(r.checks[1].passed && r.checks[2].passed);
}

#[test]
fn a_drill_with_an_unknown_key_or_a_bad_value_is_an_error_with_its_line() {
    let e = drill::Drill::parse(
        "d.yaml",
        "name: x\nevents:\n  - fail: zone:eu-a\nexpect:\n  - group: db/pg\n    has_qorum: true\n",
    )
    .unwrap_err();
    assert_eq!(e.line, 6, "{e}");
    assert!(e.message.contains("has_qorum"), "{e}");
    let e = drill::Drill::parse(
        "d.yaml",
        "name: x\nevents:\n  - fail: zone:eu-a\n  - fail: rack:r1\nexpect:\n  - pending: 0\n",
    )
    .unwrap_err();
    assert_eq!(e.line, 4, "{e}");
    assert!(e.message.contains("rack"), "{e}");
    let e = drill::Drill::parse(
        "d.yaml",
        "name: x\nevents:\n  - fail: zone:eu-a\nexpect:\n  - group: db/pg\n",
    )
    .unwrap_err();
    assert!(e.message.contains("has_quorum"), "{e}");
}

#[test]
fn every_sample_drill_passes_on_its_sample() {
    for (sample, text) in crate::samples::DRILLS {
        let s = crate::samples::find(sample).unwrap();
        let t = Topology::build(&s.load(), &Default::default());
        let drill = drill::Drill::parse(sample, text).unwrap();
        let r = drill::run(&t, &drill, &Params::default()).unwrap();
        assert!(
            r.passed,
            "{sample}: {:?}",
            r.checks.iter().filter(|c| !c.passed).collect::<Vec<_>>()
        );
    }
}

#[test]
fn evicting_one_pod_goes_through_its_budget_and_recreates_it() {
    let c = (three_zones() + pg_on(&["a1", "b1", "c1"])).pdb("db", "pg", "pg", "maxUnavailable: 1");
    let t = c.topology();
    let o = simulate(
        &t,
        &[Event::parse_evict("pod:db/pg-0").unwrap()],
        &Params::default(),
    )
    .unwrap();
    assert_eq!(o.evictions[0].status, "evicted");
    assert_eq!(o.rescheduled.len(), 1);
    let c = c.pdb("db", "pg-strict", "pg", "maxUnavailable: 0");
    let o = simulate(
        &c.topology(),
        &[Event::parse_evict("pod:db/pg-0").unwrap()],
        &Params::default(),
    )
    .unwrap();
    assert_eq!(o.evictions[0].status, "blocked");
    assert!(Event::parse_evict("db/pg-0").is_err());
    assert!(
        simulate(&t, &[Event::Evict("db/pg-9".into())], &Params::default())
            .unwrap_err()
            .0
            .contains("did you mean")
    );
}

// Behaviours seen on a real Kubernetes v1.33.13 control plane by the fidelity suite
// (fidelity/, FIDELITY.md, docs/model.md); each test names what the real cluster did.

/// Deployment `web` with one replica on each of the given nodes.
fn web_on(nodes: &[&str]) -> ClusterYaml {
    let mut c = ClusterYaml::new().deployment("app", "web", nodes.len() as u32);
    for (i, n) in nodes.iter().enumerate() {
        c = c.pod("app", &format!("web-{i}"), "ReplicaSet", "web-1", "web", n);
    }
    c
}

#[test]
fn a_failed_zones_nodes_are_tainted_noexecute_one_every_ten_seconds() {
    // Real: zone eu-central-1b's three nodes got node.kubernetes.io/unreachable:NoExecute at
    // +8.3, +18.3 and +28.3 s (grace 8 s), their pods evicted 10 s (the toleration) after each:
    // kube-controller-manager's --node-eviction-rate of 0.1 node/s per zone.
    let c = ClusterYaml::new()
        .node("a1", "eu-a")
        .node("a2", "eu-a")
        .node("a3", "eu-a")
        .node("b1", "eu-b")
        + web_on(&["a1", "a2", "a3"]);
    let (_, o) = run(&c, &["fail zone:eu-a"]);
    let mut at: Vec<(String, u32)> = o
        .rescheduled
        .iter()
        .map(|r| (r.from.clone(), r.after_seconds))
        .collect();
    at.sort();
    assert_eq!(
        at,
        vec![("a1".into(), 350), ("a2".into(), 360), ("a3".into(), 370)]
    );
    assert!(
        o.timeline
            .iter()
            .any(|e| e.t == 70 && e.what.contains("a3 tainted"))
    );
    // Zones have their own limiter: a node of another zone is not queued behind them.
    let (_, o) = run(
        &(three_zones() + web_on(&["a1", "a2", "b1"])),
        &["fail zone:eu-a", "fail node:b1"],
    );
    let b1 = o.rescheduled.iter().find(|r| r.from == "b1").unwrap();
    assert_eq!(b1.after_seconds, 350);
}

#[test]
fn a_zone_in_partial_disruption_of_a_small_cluster_evicts_nothing() {
    // kube-controller-manager: more than two NotReady nodes and at least 55% of a zone put it in
    // partial disruption; in a zone of 50 nodes or fewer its eviction rate drops to 0.
    let c = ClusterYaml::new()
        .node("a1", "eu-a")
        .node("a2", "eu-a")
        .node("a3", "eu-a")
        .node("a4", "eu-a")
        .node("b1", "eu-b")
        + web_on(&["a1", "a2", "a3"]);
    // The events all happen at t=0: the controller sees the three NotReady together.
    let (_, o) = run(&c, &["fail node:a1", "fail node:a2", "fail node:a3"]);
    assert!(o.rescheduled.is_empty(), "{:?}", o.rescheduled);
    assert_eq!(o.lost.len(), 3);
    assert!(
        o.lost[0].reason.contains("partial disruption"),
        "{}",
        o.lost[0].reason
    );
    // Two NotReady nodes of four are a normal zone: both are evicted, 10 s apart.
    let (_, o) = run(&c, &["fail node:a1", "fail node:a2"]);
    assert_eq!(o.rescheduled.len(), 2);
}

#[test]
fn when_every_zone_is_fully_disrupted_nothing_is_evicted() {
    // kube-controller-manager enters "master disruption mode": it stops evicting everywhere.
    let c = ClusterYaml::new().node("a1", "eu-a").node("b1", "eu-b") + web_on(&["a1", "b1"]);
    let (_, o) = run(&c, &["fail zone:eu-a", "fail zone:eu-b"]);
    assert!(o.rescheduled.is_empty() && o.pending.is_empty());
    assert!(o.lost.iter().all(|l| l.reason.contains("fully disrupted")));
}

/// `c` with pods `web-0`, `web-1`, ... of ReplicaSet web-1 on `nodes`, each with `spec`.
fn web_pods_on(mut c: ClusterYaml, nodes: &[&str], spec: &str) -> ClusterYaml {
    for (i, n) in nodes.iter().enumerate() {
        c = c.pod_with(
            "app",
            &format!("web-{i}"),
            "ReplicaSet",
            "web-1",
            "web",
            Some(n),
            spec,
        );
    }
    c
}

/// Nothing was rescheduled: the replacement stays Pending on its spread constraint.
fn assert_spread_pending(o: &Outcome) {
    assert!(o.rescheduled.is_empty(), "{:?}", o.rescheduled);
    assert!(
        o.pending[0]
            .reason
            .contains("didn't match pod topology spread constraints"),
        "{}",
        o.pending[0].reason
    );
}

#[test]
fn a_failed_zone_stays_a_spread_domain_so_a_max_skew_one_replacement_stays_pending() {
    // Real (healthy sample, fail zone eu-central-1b): cert-manager's replacement stayed Pending,
    // "4 node(s) didn't match pod topology spread constraints": PodTopologySpread keeps the zones
    // of tainted nodes as domains (nodeTaintsPolicy: Ignore) and skips terminating pods, so the
    // failed zone counts 0 and one more pod in any other zone breaks maxSkew 1.
    let spread = "  topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}}]\n";
    let mut c = three_zones().deployment("app", "web", 3);
    c = web_pods_on(c, &["a1", "b1", "c1"], spread);
    let (_, o) = run(&c, &["fail zone:eu-b"]);
    assert_spread_pending(&o);
    // A drain leaves the zone a domain too: b1's pod goes to b2, the zone's other node.
    let (_, o) = run(&c, &["drain node:b1"]);
    assert_eq!(o.rescheduled[0].to, "b2");
}

/// `web-0` on a1, `web-1` on b1, `web-2` on c1, each with a zone spread constraint of maxSkew 1
/// and the `extra` fields (`nodeTaintsPolicy: Honor`, say).
fn zone_spread_web(extra: &str, tolerations: &str) -> ClusterYaml {
    let spread = format!(
        "{tolerations}  topologySpreadConstraints: [{{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {{matchLabels: {{app: web}}}}{extra}}}]\n"
    );
    let mut c = three_zones().deployment("app", "web", 3);
    c = web_pods_on(c, &["a1", "b1", "c1"], &spread);
    c
}

#[test]
fn with_node_taints_policy_honor_a_failed_zone_is_no_spread_domain_and_its_pod_moves() {
    // The node lifecycle controller taints a lost node node.kubernetes.io/unreachable:NoSchedule;
    // under nodeTaintsPolicy: Honor PodTopologySpread leaves nodes with an untolerated taint out of
    // its domains, so the failed zone no longer holds the minimum at 0.
    let c = zone_spread_web(", nodeTaintsPolicy: Honor", "");
    let (_, o) = run(&c, &["fail zone:eu-b"]);
    assert!(o.pending.is_empty(), "{:?}", o.pending);
    assert_eq!(o.rescheduled.len(), 1, "{:?}", o.rescheduled);
    assert!(
        ["a1", "a2", "c1", "c2"].contains(&o.rescheduled[0].to.as_str()),
        "{:?}",
        o.rescheduled
    );
    // A pod that tolerates every taint still sees the failed zone as a domain: Pending, as with
    // the default policy.
    let c = zone_spread_web(
        ", nodeTaintsPolicy: Honor",
        "  tolerations: [{operator: Exists}]\n",
    );
    let (_, o) = run(&c, &["fail zone:eu-b"]);
    assert!(o.rescheduled.is_empty(), "{:?}", o.rescheduled);
    assert!(
        o.pending[0]
            .reason
            .contains("didn't match pod topology spread constraints")
    );
    // A real taint the pod does not tolerate takes a zone out of the domains as well: with c1
    // and c2 tainted (the pod on c1 keeps running), only eu-a and eu-b count.
    let taint = |name: &str| {
        format!(
            "apiVersion: v1\nkind: Node\nmetadata:\n  name: {name}\n  labels: {{topology.kubernetes.io/zone: eu-c}}\nspec:\n  taints: [{{key: dedicated, value: batch, effect: NoSchedule}}]\nstatus:\n  allocatable: {{cpu: '8', memory: 32Gi, pods: '110'}}\n  conditions: [{{type: Ready, status: 'True'}}]\n"
        )
    };
    let mut c = ClusterYaml::new()
        .node("a1", "eu-a")
        .node("a2", "eu-a")
        .node("b1", "eu-b")
        .node("b2", "eu-b")
        .raw(&taint("c1"))
        .raw(&taint("c2"))
        .deployment("app", "web", 3);
    let spread = "  tolerations: [{key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 300}]\n  topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}, nodeTaintsPolicy: Honor}]\n";
    c = web_pods_on(c, &["a1", "b1", "b2"], spread);
    // b2's pod is drained: eu-a has 1, eu-b 1 (b1's), eu-c is no domain: it fits in either.
    let (_, o) = run(&c, &["drain node:b2"]);
    assert_eq!(
        o.rescheduled.len(),
        1,
        "{:?} {:?}",
        o.rescheduled,
        o.pending
    );
    // With the default policy eu-c counts 0 and nothing fits outside it, where the taint bars.
    let ignore = c.yaml().replace(", nodeTaintsPolicy: Honor", "");
    let (_, o) = run(&ClusterYaml::new().raw(&ignore), &["drain node:b2"]);
    assert!(o.rescheduled.is_empty(), "{:?}", o.rescheduled);
}

#[test]
fn below_min_domains_the_global_minimum_is_zero_so_a_third_replica_in_two_zones_stays_pending() {
    // Two zones, three replicas (a1, b1, a2), maxSkew 1. Without minDomains the replacement of
    // a2's pod fits: both zones hold one, the minimum is 1. With minDomains: 3 the two domains are
    // fewer than three, the scheduler takes the minimum as 0, and one more pod anywhere is a skew
    // of 2.
    let make = |extra: &str| {
        let spread = format!(
            "  topologySpreadConstraints: [{{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {{matchLabels: {{app: web}}}}{extra}}}]\n"
        );
        let mut c = ClusterYaml::new()
            .node("a1", "eu-a")
            .node("a2", "eu-a")
            .node("a3", "eu-a")
            .node("b1", "eu-b")
            .node("b2", "eu-b")
            .deployment("app", "web", 3);
        c = web_pods_on(c, &["a1", "b1", "a2"], &spread);
        c
    };
    let (_, o) = run(&make(""), &["fail node:a2"]);
    assert_eq!(o.rescheduled.len(), 1, "{:?}", o.pending);
    let (_, o) = run(&make(", minDomains: 3"), &["fail node:a2"]);
    assert_spread_pending(&o);
    // minDomains: 2 is met by the two zones: the replacement fits again.
    let (_, o) = run(&make(", minDomains: 2"), &["fail node:a2"]);
    assert_eq!(o.rescheduled.len(), 1, "{:?}", o.pending);
}

#[test]
fn with_node_affinity_policy_ignore_zones_the_pod_may_not_use_are_still_domains() {
    // Three replicas kept to eu-a and eu-b by node affinity (a1, b1, a2), zone spread maxSkew 1;
    // a2 is drained. By default eu-c is no domain for them: eu-a and eu-b hold one each, the
    // minimum is 1 and the replacement fits. With nodeAffinityPolicy: Ignore eu-c is a domain with
    // no pod, the minimum is 0, and neither eu-a nor eu-b may take a second.
    let make = |extra: &str| {
        let spec = format!(
            "  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms: [{{matchExpressions: [{{key: topology.kubernetes.io/zone, operator: In, values: [eu-a, eu-b]}}]}}]\n  topologySpreadConstraints: [{{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {{matchLabels: {{app: web}}}}{extra}}}]\n"
        );
        let mut c = three_zones().deployment("app", "web", 3);
        c = web_pods_on(c, &["a1", "b1", "a2"], &spec);
        c
    };
    let (_, o) = run(&make(""), &["drain node:a2"]);
    assert_eq!(o.rescheduled.len(), 1, "{:?}", o.pending);
    let (_, o) = run(&make(", nodeAffinityPolicy: Ignore"), &["drain node:a2"]);
    assert_spread_pending(&o);
}

#[test]
fn match_label_keys_count_only_the_pods_of_the_same_revision() {
    // Pods of an older ReplicaSet (another pod-template-hash) still run in eu-b and eu-c. With
    // matchLabelKeys: [pod-template-hash] the scheduler counts only the drained pod's revision
    // (one per zone: it fits in eu-b or eu-c); without it they count too, and eu-a's one free
    // node is taken.
    let make = |extra: &str| {
        let pod = |name: &str, hash: &str, node: &str| {
            format!(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: app\n  labels: {{app: web, pod-template-hash: {hash}}}\n  ownerReferences: [{{apiVersion: apps/v1, kind: ReplicaSet, name: web-{hash}, controller: true}}]\nspec:\n  nodeName: {node}\n  containers: [{{name: c}}]\n  topologySpreadConstraints: [{{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {{matchLabels: {{app: web}}}}{extra}}}]\nstatus:\n  phase: Running\n  conditions: [{{type: Ready, status: 'True'}}]\n"
            )
        };
        // a2 has room for one pod only, taken by web-new-3.
        let full = "apiVersion: v1\nkind: Node\nmetadata:\n  name: a2\n  labels: {topology.kubernetes.io/zone: eu-a}\nstatus:\n  allocatable: {cpu: '8', memory: 32Gi, pods: '1'}\n  conditions: [{type: Ready, status: 'True'}]\n";
        ClusterYaml::new()
            .node("a1", "eu-a")
            .raw(full)
            .node("b1", "eu-b")
            .node("c1", "eu-c")
            .deployment("app", "web", 4)
            .raw(&pod("web-new-0", "new", "a1"))
            .raw(&pod("web-new-3", "new", "a2"))
            .raw(&pod("web-new-1", "new", "b1"))
            .raw(&pod("web-new-2", "new", "c1"))
            .raw(&pod("web-old-0", "old", "b1"))
            .raw(&pod("web-old-1", "old", "c1"))
    };
    let (_, o) = run(
        &make(", matchLabelKeys: [pod-template-hash]"),
        &["drain node:a1"],
    );
    assert_eq!(o.rescheduled.len(), 1, "{:?}", o.pending);
    assert!(["b1", "c1"].contains(&o.rescheduled[0].to.as_str()));
    let (_, o) = run(&make(""), &["drain node:a1"]);
    assert!(o.rescheduled.is_empty(), "{:?}", o.rescheduled);
}

#[test]
fn a_spread_constraint_without_a_label_selector_counts_no_pod() {
    // A nil labelSelector selects nothing: the constraint never blocks (the same cluster with the
    // selector keeps the replacement Pending, as in the test above it).
    let c = zone_spread_web("", "");
    let without = c
        .yaml()
        .replace(", labelSelector: {matchLabels: {app: web}}", "");
    let (_, o) = run(&ClusterYaml::new().raw(&without), &["fail zone:eu-b"]);
    assert_eq!(o.rescheduled.len(), 1, "{:?}", o.pending);
    let (_, o) = run(&c, &["fail zone:eu-b"]);
    assert!(o.rescheduled.is_empty());
}

#[test]
fn a_pod_with_spread_constraints_of_its_own_gets_no_default_spreading() {
    // Real (drill spread-policies-lose-b): with its own zone constraint a replacement landed on the
    // node beside its sibling in four of five cases (equal scores: the scheduler's coin).
    // kube-scheduler applies PodTopologySpread's system defaults (its controller's pods per node
    // and per zone) only to pods that define no constraint; otherwise it scores the pod's
    // ScheduleAnyway constraints alone, and the resource scores decide the rest.
    // Nodes a1, b1, b2, c1, c2; a pod on a1, b1 and c1, a busy neighbour on b2 and c2; a1 is
    // drained.
    let busy = |node: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: other-{node}\n  namespace: app\n  labels: {{app: other}}\nspec:\n  nodeName: {node}\n  containers: [{{name: c, resources: {{requests: {{cpu: '1'}}}}}}]\nstatus:\n  phase: Running\n  conditions: [{{type: Ready, status: 'True'}}]\n"
        )
    };
    let cluster = |spec: &str| {
        let c = ClusterYaml::new()
            .node("a1", "eu-a")
            .node("b1", "eu-b")
            .node("b2", "eu-b")
            .node("c1", "eu-c")
            .node("c2", "eu-c")
            .deployment("app", "web", 3)
            .raw(&busy("b2"))
            .raw(&busy("c2"));
        web_pods_on(c, &["a1", "b1", "c1"], spec)
    };
    let tie = |o: &Outcome| o.rescheduled[0].candidates.clone();
    // Without constraints: a node without a sibling, however busy (default spreading).
    let (_, o) = run(&cluster(""), &["drain node:a1"]);
    assert_eq!(tie(&o), ["b2", "c2"]);
    // With a hard zone constraint any zone may take it (maxSkew 2) and nothing counts siblings:
    // the least requested nodes, beside a sibling.
    let hard = "  topologySpreadConstraints: [{maxSkew: 2, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}}]\n";
    let (_, o) = run(&cluster(hard), &["drain node:a1"]);
    assert_eq!(tie(&o), ["b1", "c1"]);
    // A soft constraint on the hostname brings node spreading back.
    let soft = "  topologySpreadConstraints: [{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: web}}}]\n";
    let (_, o) = run(&cluster(soft), &["drain node:a1"]);
    assert_eq!(tie(&o), ["b2", "c2"]);
}

#[test]
fn a_node_failing_several_filters_is_counted_under_the_schedulers_first() {
    // kube-scheduler runs TaintToleration and NodeAffinity before NodeResourcesFit, and
    // PodTopologySpread before InterPodAffinity; `kubectl describe pod` counts a node once, under
    // the first filter it fails.
    let c = ClusterYaml::new()
        .raw("apiVersion: v1\nkind: Node\nmetadata:\n  name: cp1\n  labels: {topology.kubernetes.io/zone: eu-a}\nspec:\n  taints: [{key: node-role.kubernetes.io/control-plane, effect: NoSchedule}]\nstatus:\n  allocatable: {cpu: '1', memory: 1Gi, pods: '110'}\n  conditions: [{type: Ready, status: 'True'}]\n")
        .node("a1", "eu-a")
        .statefulset("db", "pg", 1, "")
        .raw("apiVersion: v1\nkind: Pod\nmetadata:\n  name: pg-0\n  namespace: db\n  labels: {app: pg}\n  ownerReferences: [{apiVersion: apps/v1, kind: StatefulSet, name: pg, controller: true}]\nspec:\n  nodeName: a1\n  containers: [{name: c, resources: {requests: {cpu: '4'}}}]\nstatus:\n  phase: Running\n  conditions: [{type: Ready, status: 'True'}]\n");
    let params = Params {
        out_of_service: true,
        ..Params::default()
    };
    let (_, o) = run_with(&c, &["fail node:a1"], &params);
    let p = &o.pending[0];
    assert!(
        p.excluded["cp1"].contains("untolerated taint"),
        "{:?}",
        p.excluded
    );
}

#[test]
fn a_replacement_goes_where_its_workload_has_no_pod_before_the_least_loaded_node() {
    // Real (three-zones sample, fail zone eu-west-1a): kyverno's replacement went to ip-10-0-3-11,
    // with no kyverno pod, not to the less loaded ip-10-0-3-12 that had one: the scheduler's
    // default topology spread scoring (by hostname, then zone) outweighs the resource scores.
    let c = three_zones() + web_on(&["a1", "b1", "c1"]) + pg_on(&["b2", "c2", "c2"]);
    // a2 is the only node whose zone has no web pod left.
    let (_, o) = run(&c, &["fail node:a1"]);
    assert_eq!(o.rescheduled[0].to, "a2");
    // With eu-a gone, b2 and c2 have no web pod and one in their zone: the less loaded, b2
    // (c2 runs two pg pods), wins although b1 and c1 are emptier.
    let c = c
        + ClusterYaml::new().raw("apiVersion: v1\nkind: Pod\nmetadata:\n  name: big\n  namespace: db\n  labels: {app: other}\nspec:\n  nodeName: c2\n  containers: [{name: c, resources: {requests: {cpu: '2'}}}]\nstatus:\n  phase: Running\n  conditions: [{type: Ready, status: 'True'}]\n");
    let (_, o) = run(&c, &["fail zone:eu-a"]);
    assert_eq!(o.rescheduled[0].to, "b2");
}

#[test]
fn a_replica_recreated_before_the_lease_expires_is_a_candidate_too() {
    // Real (broken-storage sample, drain ip-10-1-1-11): the evicted leader's replacement ran a
    // second after the eviction and took lease external-attacher-leader-ebs-csi-aws-com over at
    // +17 s, ahead of the replica that never stopped.
    let c = web() + ClusterYaml::new().node("a3", "eu-a");
    let (_, o) = run(&c, &["drain node:a1"]);
    let r = &o.reelections[0];
    assert_eq!(r.after_seconds, 15);
    assert_eq!(r.candidates.len(), 2, "{:?}", r.candidates);
    assert!(r.candidates.contains(&"app/web-1-a".to_string()));
}

#[test]
fn a_replacement_reads_the_lease_when_it_starts_and_waits_a_whole_duration_from_there() {
    // Real (stacked-node-then-zone drill): both replicas of a Deployment stopped with their
    // nodes; the first replacement ran at +18 s and took the lease at +34.6 s, a lease duration
    // after it first read the record, not when the record expired (+15 s).
    let c = three_zones()
        .deployment("app", "web", 2)
        .pod("app", "web-1-a", "ReplicaSet", "web-1", "web", "a1")
        .pod("app", "web-1-b", "ReplicaSet", "web-1", "web", "a2")
        .lease("app", "web", "web-1-a", "2026-11-20T10:00:00Z");
    let (_, o) = run(&c, &["fail zone:eu-a"]);
    let back = o.rescheduled.iter().map(|r| r.after_seconds).min().unwrap();
    assert!(back > 15, "{back}");
    let r = &o.reelections[0];
    assert_eq!(r.after_seconds, back + 15);
    assert!(
        o.timeline.iter().any(|e| e.what
            == "lease app/web expires; the new pod replacing its holder takes over"
            || e.what.starts_with("lease app/web expires; one of")),
        "{:?}",
        o.timeline
    );
}

#[test]
fn a_statefulset_holder_back_under_the_same_identity_renews_at_once() {
    // pg-0 holds the lease as "pg-0": evicted and recreated under its own name, its elector is
    // the holder the record names and renews; with a per-process identity it is a newcomer.
    let c = three_zones() + pg_on(&["a1", "b1", "c1"]);
    let (_, o) = run(
        &c.clone()
            .lease("db", "pg-leader", "pg-0", "2026-11-20T10:00:00Z"),
        &["drain node:a1"],
    );
    let r = &o.reelections[0];
    assert_eq!(
        (r.to.as_deref(), r.after_seconds),
        (Some("db/pg-0"), 0),
        "{r:?} {:?}",
        o.timeline
    );
    assert!(
        o.timeline.iter().any(|e| e
            .what
            .contains("recreated under the same identity, renews it")),
        "{:?}",
        o.timeline
    );
    let (_, o) = run(
        &c.lease("db", "pg-leader", "pg-0_5d1e", "2026-11-20T10:00:00Z"),
        &["drain node:a1"],
    );
    let r = &o.reelections[0];
    assert_eq!(r.after_seconds, 15);
    assert_eq!(r.candidates.len(), 3, "{:?}", r.candidates);
}

// ---- stacked events: a decision made later sees every node down by then ----

/// Deployment pods on a1 and a2 only, with room for them on every node.
fn crowded_a() -> ClusterYaml {
    three_zones()
        .deployment("app", "web", 4)
        .pod("app", "web-1-w", "ReplicaSet", "web-1", "web", "a1")
        .pod("app", "web-1-x", "ReplicaSet", "web-1", "web", "a1")
        .pod("app", "web-1-y", "ReplicaSet", "web-1", "web", "a2")
        .pod("app", "web-1-z", "ReplicaSet", "web-1", "web", "a2")
}

#[test]
fn a_replacement_is_never_placed_on_a_node_a_later_event_failed() {
    // a1's pods are replaced at t+350 s; the only node that could take them, a2, has been down
    // since t=0 by then (b1 is cordoned): they stay Pending.
    let two = ClusterYaml::new()
        .node("a1", "eu-a")
        .node("a2", "eu-a")
        .raw("apiVersion: v1\nkind: Node\nmetadata:\n  name: b1\n  labels: {topology.kubernetes.io/zone: eu-b}\nspec:\n  unschedulable: true\nstatus:\n  conditions: [{type: Ready, status: 'True'}]\n")
        .deployment("app", "web", 2)
        .pod("app", "web-1-x", "ReplicaSet", "web-1", "web", "a1")
        .pod("app", "web-1-y", "ReplicaSet", "web-1", "web", "a1");
    let (_, o) = run(&two, &["fail node:a1", "fail node:a2"]);
    assert!(o.rescheduled.is_empty(), "{:?}", o.rescheduled);
    assert_eq!(o.pending.len(), 2, "{:?}", o.pending);
    // With more room: nowhere in a failed node or zone.
    let (_, o) = run(&crowded_a(), &["fail node:a1", "fail node:a2"]);
    assert_eq!(o.rescheduled.len(), 4, "{:?}", o.rescheduled);
    for r in &o.rescheduled {
        assert!(r.to != "a1" && r.to != "a2", "{r:?}");
    }
    // The same when the second event takes the node's whole zone.
    let (_, o) = run(&crowded_a(), &["fail node:a1", "fail zone:eu-a"]);
    for r in &o.rescheduled {
        assert!(!r.to.starts_with('a'), "{r:?}");
    }
    // And the order of the events does not matter for where they end.
    let (_, o) = run(&crowded_a(), &["fail node:a2", "fail node:a1"]);
    assert!(o.rescheduled.iter().all(|r| r.to != "a1" && r.to != "a2"));
}

#[test]
fn a_pod_evicted_onto_a_node_that_fails_next_stops_with_it() {
    // Drain a1: its pods move at once (no budget), some of them onto b1; then b1 fails.
    let (t, o) = run(&crowded_a(), &["drain node:a1", "fail node:b1"]);
    let b1 = t.node_named(ClusterId(0), "b1").unwrap();
    assert!(
        o.placed.iter().all(|n| *n != Some(b1)),
        "a pod still runs on the failed b1: {:?}",
        o.rescheduled
    );
}

#[test]
fn a_node_that_recovers_at_once_gets_its_pods_back_and_none_is_replaced() {
    let (_, o) = run(&crowded_a(), &["fail node:a1", "recover node:a1"]);
    assert!(o.rescheduled.is_empty(), "{:?}", o.rescheduled);
    assert!(o.lost.is_empty(), "{:?}", o.lost);
}

#[test]
fn a_replacement_among_equally_ranked_nodes_names_the_tie() {
    // b1, b2, c1, c2 are empty and alike: the real scheduler picks among them at random.
    let c = three_zones().deployment("app", "web", 1).pod(
        "app",
        "web-1-a",
        "ReplicaSet",
        "web-1",
        "web",
        "a1",
    );
    let (_, o) = run(&c, &["fail node:a1"]);
    let r = &o.rescheduled[0];
    assert_eq!(r.candidates, ["a2", "b1", "b2", "c1", "c2"], "{r:?}");
    assert!(r.candidates.contains(&r.to));
    // One node left that fits: no tie.
    let (_, o) = run(
        &c,
        &[
            "fail node:a1",
            "fail node:a2",
            "fail zone:eu-b",
            "fail node:c2",
        ],
    );
    assert!(
        o.rescheduled.iter().all(|r| r.candidates.is_empty()),
        "{:?}",
        o.rescheduled
    );
}
