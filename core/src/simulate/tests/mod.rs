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
fn kube_scheduler_releases_its_lease_when_it_stops_and_kube_controller_manager_does_not() {
    // A self-hosted control plane: both run as Deployments, their leaders on a1.
    let c = three_zones()
        .deployment("kube-system", "kube-scheduler", 2)
        .pod(
            "kube-system",
            "kube-scheduler-1-a",
            "ReplicaSet",
            "kube-scheduler-1",
            "kube-scheduler",
            "a1",
        )
        .pod(
            "kube-system",
            "kube-scheduler-1-b",
            "ReplicaSet",
            "kube-scheduler-1",
            "kube-scheduler",
            "b1",
        )
        .lease(
            "kube-system",
            "kube-scheduler",
            "kube-scheduler-1-a_7f3c",
            "2026-11-20T10:00:00Z",
        )
        .deployment("kube-system", "kube-controller-manager", 2)
        .pod(
            "kube-system",
            "kcm-1-a",
            "ReplicaSet",
            "kcm-1",
            "kube-controller-manager",
            "a1",
        )
        .pod(
            "kube-system",
            "kcm-1-b",
            "ReplicaSet",
            "kcm-1",
            "kube-controller-manager",
            "b1",
        )
        .lease(
            "kube-system",
            "kube-controller-manager",
            "kcm-1-a_1b2c",
            "2026-11-20T10:00:00Z",
        );
    let (_, o) = run(&c, &["drain node:a1"]);
    let after = |lease: &str| {
        o.reelections
            .iter()
            .find(|r| r.lease == lease)
            .unwrap_or_else(|| panic!("{lease} is elected again: {:?}", o.reelections))
            .after_seconds
    };
    assert_eq!(after("kube-system/kube-scheduler"), 0);
    assert_eq!(after("kube-system/kube-controller-manager"), 15);
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

mod scheduling;
