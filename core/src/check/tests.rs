//! Each check on a cluster small enough to check by hand: it fires where the rule says, and stays
//! quiet on the same cluster fixed.

use super::Finding;
use crate::analysis::Analysis;
use crate::testkit::*;

fn fired(a: &Analysis, check: &str) -> Vec<String> {
    a.findings
        .iter()
        .filter(|f| f.check == check)
        .map(|f| crate::model::qualified(&f.subject.namespace, &f.subject.name))
        .collect()
}

/// The first finding of `check`.
fn finding<'a>(a: &'a Analysis, check: &str) -> &'a Finding {
    a.findings
        .iter()
        .find(|f| f.check == check)
        .unwrap_or_else(|| panic!("no {check} finding"))
}

const SPREAD: &str = "      topologySpreadConstraints:\n      - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: pg}}}\n";

#[test]
fn a_statefulset_with_two_of_three_replicas_in_one_zone_loses_quorum_with_that_zone() {
    let a = (three_zones() + pg_on(&["a1", "a2", "b1"])).analysis();
    assert_eq!(fired(&a, "quorum-zone-loss"), vec!["db/pg"]);
    let f = finding(&a, "quorum-zone-loss");
    assert!(f.message.contains("eu-a"), "{}", f.message);
    assert_eq!(f.severity, super::Severity::Critical);
    let g = &a.groups[0];
    assert_eq!((g.replicas, g.needed, g.available), (3, 2, 3));
    assert_eq!(g.survives.zone, Some(false));
    assert_eq!(g.survives.node, Some(true));
}

#[test]
fn the_same_statefulset_one_per_zone_survives_any_zone() {
    let a = (three_zones() + pg_on(&["a1", "b1", "c1"])).analysis();
    assert!(fired(&a, "quorum-zone-loss").is_empty());
    assert_eq!(a.groups[0].survives.zone, Some(true));
}

#[test]
fn a_2_plus_2_statefulset_over_two_zones_loses_quorum_when_either_zone_fails() {
    let c = crate::testkit::ClusterYaml::new()
        .node("a1", "dc-1")
        .node("a2", "dc-1")
        .node("b1", "dc-2")
        .node("b2", "dc-2")
        + pg_on(&["a1", "a2", "b1", "b2"]);
    let a = c.analysis();
    assert_eq!(fired(&a, "quorum-zone-loss"), vec!["db/pg"]);
    let f = finding(&a, "quorum-zone-loss");
    assert!(f.message.contains("no layout survives"), "{}", f.message);
}

#[test]
fn a_renamed_zone_label_is_the_failure_domain() {
    // Racks instead of zones: the same situation under another label name.
    let c = crate::testkit::ClusterYaml::new()
        .raw("apiVersion: v1\nkind: Node\nmetadata:\n  name: r1n1\n  labels: {example.com/rack: r1}\n")
        .raw("apiVersion: v1\nkind: Node\nmetadata:\n  name: r1n2\n  labels: {example.com/rack: r1}\n")
        .raw("apiVersion: v1\nkind: Node\nmetadata:\n  name: r2n1\n  labels: {example.com/rack: r2}\n")
        + pg_on(&["r1n1", "r1n2", "r2n1"]);
    let snapshot = c.snapshot();
    let options = crate::graph::BuildOptions {
        zone_label: Some("example.com/rack".into()),
        ..Default::default()
    };
    let t = crate::graph::Topology::build(&snapshot, &options);
    let a = crate::analysis::analyze(&t, &Default::default());
    assert_eq!(fired(&a, "quorum-zone-loss"), vec!["db/pg"]);
    // Without the label, the nodes sit in the unknown zone and zone loss is not judged.
    let a = c.analysis();
    assert!(fired(&a, "quorum-zone-loss").is_empty());
    assert_eq!(fired(&a, "zone-labels-missing"), vec!["default"]);
}

#[test]
fn two_replicas_of_three_on_one_node_lose_quorum_with_the_node() {
    let a = (three_zones() + pg_on(&["a1", "a1", "b1"])).analysis();
    assert_eq!(fired(&a, "quorum-node-loss"), vec!["db/pg"]);
    assert!(!fired(&a, "quorum-zone-loss").is_empty());
}

#[test]
fn a_statefulset_with_pending_replicas_has_lost_quorum_already() {
    let c = three_zones()
        .statefulset("db", "pg", 3, "")
        .pod("db", "pg-0", "StatefulSet", "pg", "pg", "a1")
        .pod_with("db", "pg-1", "StatefulSet", "pg", "pg", None, "")
        .pod_with("db", "pg-2", "StatefulSet", "pg", "pg", None, "");
    let a = c.analysis();
    assert_eq!(fired(&a, "quorum-lost"), vec!["db/pg"]);
    // It is not also reported for each failure domain.
    assert!(fired(&a, "quorum-zone-loss").is_empty());
}

#[test]
fn a_manifest_without_pods_is_not_reported_as_down() {
    let a = crate::testkit::ClusterYaml::new()
        .statefulset("db", "pg", 3, "")
        .analysis();
    assert!(fired(&a, "quorum-lost").is_empty());
    assert_eq!(fired(&a, "missing-pdb"), vec!["db/pg"]);
}

#[test]
fn a_single_replica_is_said_once_not_per_failure_domain() {
    let a = (three_zones() + pg_on(&["a1"])).analysis();
    assert_eq!(fired(&a, "single-replica"), vec!["db/pg"]);
    assert!(fired(&a, "quorum-zone-loss").is_empty());
    assert!(fired(&a, "quorum-node-loss").is_empty());
    assert!(fired(&a, "missing-pdb").is_empty());
}

#[test]
fn a_running_pod_outside_its_volumes_zone_is_a_pv_zone_conflict() {
    let c = three_zones()
        .statefulset("mq", "rabbit", 1, "")
        .pod_with(
            "mq",
            "rabbit-0",
            "StatefulSet",
            "rabbit",
            "rabbit",
            Some("a1"),
            "  volumes:\n  - {name: data, persistentVolumeClaim: {claimName: data-rabbit-0}}\n",
        )
        .volume("mq", "data-rabbit-0", "pv-r0", "gp3", "zone:eu-b");
    let a = c.analysis();
    assert_eq!(fired(&a, "pv-zone-conflict"), vec!["mq/rabbit-0"]);
    // In its volume's zone it is fine.
    let c = three_zones()
        .statefulset("mq", "rabbit", 1, "")
        .pod_with(
            "mq",
            "rabbit-0",
            "StatefulSet",
            "rabbit",
            "rabbit",
            Some("b1"),
            "  volumes:\n  - {name: data, persistentVolumeClaim: {claimName: data-rabbit-0}}\n",
        )
        .volume("mq", "data-rabbit-0", "pv-r0", "gp3", "zone:eu-b");
    assert!(fired(&c.analysis(), "pv-zone-conflict").is_empty());
}

#[test]
fn a_pending_pod_whose_volume_is_in_a_zone_without_nodes_is_a_pv_zone_conflict() {
    let c = three_zones()
        .statefulset("search", "elastic", 1, "")
        .pod_with(
            "search",
            "elastic-0",
            "StatefulSet",
            "elastic",
            "elastic",
            None,
            "  volumes:\n  - {name: data, persistentVolumeClaim: {claimName: data-elastic-0}}\n",
        )
        .volume("search", "data-elastic-0", "pv-e0", "gp2", "zone:eu-z");
    let a = c.analysis();
    assert_eq!(fired(&a, "pv-zone-conflict"), vec!["search/elastic-0"]);
    let f = finding(&a, "pv-zone-conflict");
    assert!(f.message.contains("eu-z has no nodes"), "{}", f.message);
}

#[test]
fn a_quorum_replica_on_a_local_volume_is_pinned_to_its_node() {
    let c = three_zones()
        .statefulset("cache", "redis", 3, "")
        .pod_with(
            "cache",
            "redis-0",
            "StatefulSet",
            "redis",
            "redis",
            Some("a1"),
            "  volumes:\n  - {name: data, persistentVolumeClaim: {claimName: data-redis-0}}\n",
        )
        .pod("cache", "redis-1", "StatefulSet", "redis", "redis", "b1")
        .pod("cache", "redis-2", "StatefulSet", "redis", "redis", "c1")
        .volume("cache", "data-redis-0", "pv-local-a1", "local", "node:a1");
    assert_eq!(
        fired(&c.analysis(), "pv-node-pinned"),
        vec!["cache/redis-0"]
    );
}

#[test]
fn an_immediate_class_with_zonal_volumes_in_a_multi_zone_cluster_is_flagged() {
    let c = three_zones()
        .storage_class("gp2", "ebs.csi.aws.com", "Immediate")
        .storage_class("gp3", "ebs.csi.aws.com", "WaitForFirstConsumer")
        .storage_class("nfs", "nfs.csi.k8s.io", "Immediate");
    assert_eq!(
        fired(&c.analysis(), "storageclass-immediate-binding"),
        vec!["gp2"]
    );
}

#[test]
fn a_quorum_group_without_a_budget_is_missing_a_pdb() {
    let c = three_zones() + pg_on(&["a1", "b1", "c1"]);
    assert_eq!(fired(&c.analysis(), "missing-pdb"), vec!["db/pg"]);
    let c = c.pdb("db", "pg", "pg", "maxUnavailable: 1");
    let a = c.analysis();
    assert!(fired(&a, "missing-pdb").is_empty());
    assert!(fired(&a, "pdb-blocks-drain").is_empty());
    assert_eq!(a.groups[0].pdbs, vec!["db/pg"]);
}

#[test]
fn a_budget_that_allows_no_disruption_blocks_drains() {
    for rule in ["maxUnavailable: 0", "minAvailable: 3", "minAvailable: 100%"] {
        let c = (three_zones() + pg_on(&["a1", "b1", "c1"])).pdb("db", "pg", "pg", rule);
        assert_eq!(
            fired(&c.analysis(), "pdb-blocks-drain"),
            vec!["db/pg"],
            "{rule}"
        );
    }
    let c = (three_zones() + pg_on(&["a1", "b1", "c1"])).pdb("db", "pg", "pg", "minAvailable: 2");
    assert!(fired(&c.analysis(), "pdb-blocks-drain").is_empty());
}

/// StatefulSet db/pg on three zones with `spec` in its template, one pod on each of `nodes`.
fn pg_with(spec: &str, nodes: &[&str]) -> ClusterYaml {
    let mut c = three_zones().statefulset("db", "pg", nodes.len() as u32, spec);
    for (i, n) in nodes.iter().enumerate() {
        c = c.pod("db", &format!("pg-{i}"), "StatefulSet", "pg", "pg", n);
    }
    c
}

#[test]
fn a_quorum_group_with_a_zone_spread_constraint_is_not_missing_spread() {
    let without = three_zones() + pg_on(&["a1", "b1", "c1"]);
    assert_eq!(fired(&without.analysis(), "missing-spread"), vec!["db/pg"]);
    let with = pg_with(SPREAD, &["a1", "b1", "c1"]);
    assert!(fired(&with.analysis(), "missing-spread").is_empty());
}

#[test]
fn a_zone_spread_that_selects_none_of_its_own_pods_is_missing_spread() {
    // A copy-pasted constraint still selecting another app's label counts none of pg's replicas:
    // the scheduler may stack them in one zone.
    let wrong = SPREAD.replace("{app: pg}", "{app: postgres}");
    let c = pg_with(&wrong, &["a1", "a2", "b1"]);
    let a = c.analysis();
    assert_eq!(fired(&a, "missing-spread"), vec!["db/pg"]);
    let f = finding(&a, "missing-spread");
    assert!(
        f.message
            .contains("selects none of its own pods (labels app=pg)"),
        "{}",
        f.message
    );
    // No labelSelector at all selects nothing either.
    let none = SPREAD.replace(", labelSelector: {matchLabels: {app: pg}}", "");
    let c = pg_with(&none, &["a1", "b1", "c1"]);
    assert_eq!(fired(&c.analysis(), "missing-spread"), vec!["db/pg"]);
    // The same with zone anti-affinity on the wrong label.
    let anti = "      affinity:\n        podAntiAffinity:\n          requiredDuringSchedulingIgnoredDuringExecution:\n          - {topologyKey: topology.kubernetes.io/zone, labelSelector: {matchLabels: {app: other}}}\n";
    let c = pg_with(anti, &["a1", "b1", "c1"]);
    let a = c.analysis();
    let f = finding(&a, "missing-spread");
    assert!(
        f.message.contains("required zone anti-affinity"),
        "{}",
        f.message
    );
    let right = anti.replace("app: other", "app: pg");
    let c = pg_with(&right, &["a1", "b1", "c1"]);
    assert!(fired(&c.analysis(), "missing-spread").is_empty());
}

/// Ten controllers with two replicas each (one in eu-a on a1, one in eu-b), every lease held on a1.
fn piled_leaders() -> crate::testkit::ClusterYaml {
    let mut c = three_zones();
    for i in 0..10 {
        let name = format!("ctrl-{i}");
        let rs = format!("{name}-7d9f");
        c = c
            .deployment("ops", &name, 2)
            .pod("ops", &format!("{rs}-aaaa"), "ReplicaSet", &rs, &name, "a1")
            .pod(
                "ops",
                &format!("{rs}-bbbb"),
                "ReplicaSet",
                &rs,
                &name,
                if i % 2 == 0 { "b1" } else { "c1" },
            );
        let holder = format!("{rs}-aaaa_0e2b");
        c = c.lease("ops", &name, &holder, "2026-11-20T10:00:00.000000Z");
    }
    c
}

#[test]
fn ten_leaders_on_one_node_are_a_leader_concentration_with_the_best_placement_shown() {
    let a = piled_leaders().analysis();
    assert_eq!(a.leaders.max_per_node(), 10);
    assert_eq!(a.leaders.best_max_per_node, Some(4));
    assert_eq!(a.leaders.best_max_per_zone, Some(4));
    let nodes = fired(&a, "leader-concentration");
    assert!(nodes.contains(&"a1".to_string()), "{nodes:?}");
    let f = a.findings.iter().find(|f| f.subject.name == "a1").unwrap();
    assert!(
        f.message.contains("10 leaders") && f.message.contains("at most 4"),
        "{}",
        f.message
    );
    // Every lease resolved through client-go's `pod_uuid` identity to its group.
    assert!(a.leaders.records.iter().all(|r| r.group.is_some()));
}

#[test]
fn leaders_already_spread_as_well_as_possible_are_not_concentrated() {
    let healthy = crate::testkit::three_zones()
        .deployment("ops", "ctrl", 2)
        .pod("ops", "ctrl-1-a", "ReplicaSet", "ctrl-1", "ctrl", "a1")
        .pod("ops", "ctrl-1-b", "ReplicaSet", "ctrl-1", "ctrl", "b1")
        .lease("ops", "ctrl", "ctrl-1-a", "2026-11-20T10:00:00Z");
    assert!(fired(&healthy.analysis(), "leader-concentration").is_empty());
}

#[test]
fn a_lease_not_renewed_within_its_duration_is_expired() {
    let c = three_zones()
        .deployment("ops", "ctrl", 2)
        .pod("ops", "ctrl-1-a", "ReplicaSet", "ctrl-1", "ctrl", "a1")
        .pod("ops", "ctrl-1-b", "ReplicaSet", "ctrl-1", "ctrl", "b1")
        .deployment("ops", "other", 2)
        .pod("ops", "other-1-a", "ReplicaSet", "other-1", "other", "a1")
        .pod("ops", "other-1-b", "ReplicaSet", "other-1", "other", "b1")
        .lease("ops", "ctrl", "ctrl-1-a", "2026-11-20T09:59:00Z")
        .lease("ops", "other", "other-1-b", "2026-11-20T10:00:00Z");
    // The snapshot time is the newest renewTime: ctrl is 60 s old with a 15 s duration.
    assert_eq!(fired(&c.analysis(), "lease-expired"), vec!["ops/ctrl"]);
}

#[test]
fn a_lease_whose_holder_is_no_pod_or_node_is_holder_missing() {
    let c = three_zones()
        .deployment("ops", "ctrl", 2)
        .pod("ops", "ctrl-1-a", "ReplicaSet", "ctrl-1", "ctrl", "a1")
        .pod("ops", "ctrl-1-b", "ReplicaSet", "ctrl-1", "ctrl", "b1")
        .lease("ops", "ctrl", "ctrl-1-gone_5f2c", "2026-11-20T10:00:00Z")
        .lease("kube-node-lease", "a1", "a1", "2026-11-20T10:00:00Z");
    let a = c.analysis();
    assert_eq!(fired(&a, "lease-holder-missing"), vec!["ops/ctrl"]);
    // Node heartbeats are never leaders; the one record runs nowhere known.
    assert_eq!((a.leaders.total, a.leaders.elsewhere), (0, 1));
}

#[test]
fn a_holder_that_is_a_node_short_hostname_resolves_to_the_node() {
    let c = crate::testkit::ClusterYaml::new()
        .node("ip-10-0-9-206.us-west-2.compute.internal", "us-west-2a")
        .raw("apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: kube-scheduler\n  namespace: kube-system\n  annotations:\n    control-plane.alpha.kubernetes.io/leader: '{\"holderIdentity\":\"ip-10-0-9-206\",\"leaseDurationSeconds\":15,\"renewTime\":\"2017-12-13T21:36:14Z\"}'\n");
    let a = c.analysis();
    assert!(fired(&a, "lease-holder-missing").is_empty());
    assert_eq!(
        a.leaders.records[0].node.as_deref(),
        Some("ip-10-0-9-206.us-west-2.compute.internal")
    );
}

#[test]
fn the_same_workload_electing_in_two_clusters_is_dual_active() {
    let dc = |zone: &str, node: &str| {
        crate::testkit::ClusterYaml::new()
            .node(node, zone)
            .node(&format!("{node}x"), zone)
            .deployment("payments", "ledger", 2)
            .pod(
                "payments",
                "ledger-1-a",
                "ReplicaSet",
                "ledger-1",
                "ledger",
                node,
            )
            .pod(
                "payments",
                "ledger-1-b",
                "ReplicaSet",
                "ledger-1",
                "ledger",
                &format!("{node}x"),
            )
            .lease("payments", "ledger", "ledger-1-a", "2026-11-20T10:00:00Z")
    };
    let (_, a) = multi(&[("dc-a", &dc("dc-a-1", "a1")), ("dc-b", &dc("dc-b-1", "b1"))]);
    assert_eq!(fired(&a, "dual-active"), vec!["payments/ledger"]);
    let g = a
        .groups
        .iter()
        .find(|g| g.name == "dc-a/payments/ledger")
        .unwrap();
    assert_eq!(g.survives.cluster, Some(true));
    // One cluster alone is not dual-active.
    let (_, a) = multi(&[("dc-a", &dc("dc-a-1", "a1"))]);
    assert!(fired(&a, "dual-active").is_empty());
}

#[test]
fn the_ignore_annotation_and_the_config_suppress_findings() {
    let c = three_zones()
        .raw("apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: pg\n  namespace: db\n  annotations:\n    quorum.dev/ignore: missing-pdb, missing-spread\nspec:\n  replicas: 3\n  selector: {matchLabels: {app: pg}}\n  template: {metadata: {labels: {app: pg}}}\n")
        .pod("db", "pg-0", "StatefulSet", "pg", "pg", "a1")
        .pod("db", "pg-1", "StatefulSet", "pg", "pg", "a2")
        .pod("db", "pg-2", "StatefulSet", "pg", "pg", "b1");
    let a = c.analysis();
    assert!(fired(&a, "missing-pdb").is_empty());
    assert!(fired(&a, "missing-spread").is_empty());
    assert_eq!(fired(&a, "quorum-zone-loss"), vec!["db/pg"]);
    let config = crate::config::Config::parse("ignore:\n  - check: quorum-zone-loss\n    subject: db/*\nseverity:\n  single-replica: warning\n").unwrap();
    let t = c.topology();
    let a = crate::analysis::analyze(&t, &config);
    assert!(fired(&a, "quorum-zone-loss").is_empty());
}

/// Two quorum groups with two replicas in one zone (critical), neither with a budget (warning),
/// named so that the later one in the list of workloads sorts first.
fn two_groups_short_of_a_zone() -> ClusterYaml {
    let mut c = three_zones();
    for (ns, name) in [("zz", "pg"), ("aa", "etcd")] {
        c = c.statefulset(ns, name, 3, "");
        for (i, n) in ["a1", "a2", "b1"].iter().enumerate() {
            c = c.pod(ns, &format!("{name}-{i}"), "StatefulSet", name, name, n);
        }
    }
    c
}

/// The report's order: most severe first, then the checks in the registry's order, then the
/// subject; what `.quorum.yaml` changes a severity to is what the order follows.
fn in_report_order(a: &Analysis) {
    let place = |f: &Finding| super::CHECKS.iter().position(|c| c.id == f.check).unwrap();
    for pair in a.findings.windows(2) {
        let key = |f: &Finding| (std::cmp::Reverse(f.severity), place(f), f.subject.clone());
        assert!(
            key(&pair[0]) <= key(&pair[1]),
            "{} {} {:?} listed before {} {} {:?}",
            pair[0].severity,
            pair[0].check,
            pair[0].subject,
            pair[1].severity,
            pair[1].check,
            pair[1].subject
        );
    }
}

#[test]
fn findings_are_listed_most_severe_first_then_by_check_then_by_subject() {
    let c = two_groups_short_of_a_zone();
    let a = c.analysis();
    in_report_order(&a);
    assert_eq!(fired(&a, "quorum-zone-loss"), vec!["aa/etcd", "zz/pg"]);
    assert_eq!(fired(&a, "missing-pdb"), vec!["aa/etcd", "zz/pg"]);
    let first_warning = a
        .findings
        .iter()
        .position(|f| f.severity < super::Severity::Critical)
        .expect("warnings");
    assert_eq!(a.findings[0].check, "quorum-zone-loss");
    assert!(
        a.findings[first_warning..]
            .iter()
            .any(|f| f.check == "missing-pdb")
    );

    // Raised to critical, the missing budgets join the critical findings, after the zone loss
    // (the registry's order), before every warning; ignored for one namespace, that one goes.
    let config = crate::config::Config::parse(
        "severity:\n  missing-pdb: critical\nignore:\n  - check: missing-pdb\n    subject: zz/*\n",
    )
    .unwrap();
    let a = crate::analysis::analyze(&c.topology(), &config);
    in_report_order(&a);
    assert_eq!(fired(&a, "missing-pdb"), vec!["aa/etcd"]);
    let checks: Vec<&str> = a.findings.iter().take(3).map(|f| f.check).collect();
    assert_eq!(
        checks,
        ["quorum-zone-loss", "quorum-zone-loss", "missing-pdb"]
    );
}

#[test]
fn every_check_of_the_registry_is_unique_and_documented() {
    // The registry is the list: its ids are unique, and the README's table of checks and the
    // JSON contract (docs/json.md) name each of them, and name no check the registry lacks.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let contract = std::fs::read_to_string(root.join("docs/json.md")).unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for check in super::CHECKS {
        assert!(seen.insert(check.id), "{} twice in the registry", check.id);
        assert!(
            readme.contains(&format!("| `{}` |", check.id)),
            "README.md's table of checks lacks {}",
            check.id
        );
        assert!(
            contract.contains(&format!("`{}`", check.id)),
            "docs/json.md lacks {}",
            check.id
        );
    }
    let documented: Vec<&str> = readme
        .lines()
        .skip_while(|l| !l.starts_with("## Checks"))
        .take_while(|l| !l.starts_with("### "))
        .filter_map(|l| l.strip_prefix("| `")?.split('`').next())
        .collect();
    assert!(!documented.is_empty());
    for id in documented {
        assert!(
            super::find(id).is_some(),
            "README.md names {id}, unknown to the registry"
        );
    }
}

#[test]
fn findings_point_at_the_line_of_their_subject() {
    let a = (three_zones() + pg_on(&["a1", "a2", "b1"])).analysis();
    let f = finding(&a, "quorum-zone-loss");
    let src = f.source.as_ref().unwrap();
    assert_eq!(src.file, "test.yaml");
    let text = (three_zones() + pg_on(&["a1", "a2", "b1"])).yaml();
    let line = text.lines().nth(src.line as usize - 1).unwrap();
    assert_eq!(line, "apiVersion: apps/v1", "line {}", src.line);
    assert_eq!(
        text.lines().nth(src.line as usize).unwrap(),
        "kind: StatefulSet"
    );
}

#[test]
fn pods_an_operator_owns_directly_are_grouped_by_their_owner() {
    let mut c = three_zones();
    for (i, n) in ["a1", "a2", "b1"].iter().enumerate() {
        c = c.pod("db", &format!("pg-{i}"), "Cluster", "pg", "pg", n);
    }
    // Without a lease nor a config, an operator's pods are not a group.
    assert!(c.analysis().groups.is_empty());
    // With a lease held by one of them: a leader group of kind Cluster.
    let leased = c.clone().lease("db", "pg", "pg-0", "2026-11-20T10:00:00Z");
    let a = leased.analysis();
    assert_eq!(a.groups.len(), 1);
    assert_eq!(a.groups[0].kind, "Cluster");
    // The configuration makes it a quorum group, and its zone skew shows.
    let config = crate::config::Config::parse("groups:\n  db/pg: quorum\n").unwrap();
    let t = crate::graph::Topology::build(&c.snapshot(), &config.build_options());
    let a = crate::analysis::analyze(&t, &config);
    assert_eq!(fired(&a, "quorum-zone-loss"), vec!["db/pg"]);
}

// ---- what an export may lack ----

#[test]
fn running_pods_on_nodes_the_export_lacks_are_running_and_the_gap_is_said_once() {
    // A namespace-scoped user's export: pods, their StatefulSet, no Node objects.
    let a = pg_on(&["ip-10-0-1-5", "ip-10-0-1-5", "ip-10-0-2-7"]).analysis();
    assert!(fired(&a, "quorum-lost").is_empty(), "{:?}", a.findings);
    assert_eq!(fired(&a, "nodes-missing"), vec!["default"]);
    assert!(
        finding(&a, "nodes-missing")
            .message
            .contains("no Node objects")
    );
    assert!(fired(&a, "zone-labels-missing").is_empty());
    let pg = a.groups.iter().find(|g| g.name == "db/pg").unwrap();
    assert_eq!(pg.available, 3);
    // Which pods share a node is known: two on one node lose the quorum with it.
    assert_eq!(fired(&a, "quorum-node-loss"), vec!["db/pg"]);
    // Where the nodes are is not: no zone is judged.
    assert_eq!(pg.survives.zone, None);
    assert!(fired(&a, "quorum-zone-loss").is_empty());
}

#[test]
fn a_workload_whose_pods_are_absent_is_judged_by_its_status() {
    let sts = |ready: &str| {
        ClusterYaml::new().raw(&format!(
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: kafka\n  namespace: queue\nspec:\n  replicas: 4\n  selector:\n    matchLabels: {{app: kafka}}\n  template:\n    metadata:\n      labels: {{app: kafka}}\n    spec:\n      containers: [{{name: c}}]\nstatus:\n  observedGeneration: 3\n  replicas: 4\n{ready}"
        ))
    };
    let healthy = sts("  readyReplicas: 4\n").analysis();
    let kafka = healthy
        .groups
        .iter()
        .find(|g| g.name == "queue/kafka")
        .unwrap();
    assert_eq!((kafka.available, kafka.replicas), (4, 4));
    assert!(kafka.pods_absent);
    assert!(fired(&healthy, "quorum-lost").is_empty());
    // Go leaves `readyReplicas: 0` out of a status: none ready is a lost quorum, by its status.
    let down = sts("").analysis();
    assert_eq!(fired(&down, "quorum-lost"), vec!["queue/kafka"]);
    assert!(
        finding(&down, "quorum-lost")
            .message
            .contains("its status reports 0 of 4")
    );
}

#[test]
fn each_file_of_an_export_collected_piece_by_piece_is_judged_at_its_own_time() {
    let lease = |ns: &str, name: &str, renew: &str| {
        format!(
            "apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n  holderIdentity: {name}-0\n  leaseDurationSeconds: 15\n  renewTime: '{renew}'\n"
        )
    };
    // Collected 40 s apart: each file's leases are fresh at their own file's time.
    let ops = [
        lease("ops", "a", "2026-11-20T10:00:00Z"),
        lease("ops", "b", "2026-11-20T09:59:57Z"),
    ]
    .join("---\n");
    let db = [
        lease("db", "c", "2026-11-20T10:00:40Z"),
        // 30 s older than its file's newest renewal: expired whatever the skew allowance.
        lease("db", "d", "2026-11-20T10:00:10Z"),
    ]
    .join("---\n");
    let snapshot = crate::load::load_texts(&[
        ("default", "leases/ops.yaml", ops.as_bytes()),
        ("default", "leases/db.yaml", db.as_bytes()),
    ]);
    let t = crate::graph::Topology::build(&snapshot, &Default::default());
    let a = crate::analysis::analyze(&t, &crate::config::Config::default());
    assert_eq!(fired(&a, "lease-expired"), vec!["db/d"]);
    let judged: Vec<(&str, Option<&str>)> = a
        .leaders
        .records
        .iter()
        .map(|r| (&*r.lease, r.judged_at.as_deref()))
        .collect();
    assert!(
        judged.contains(&("ops/b", Some("2026-11-20T10:00:00Z"))),
        "{judged:?}"
    );
    assert!(
        judged.contains(&("db/d", Some("2026-11-20T10:00:40Z"))),
        "{judged:?}"
    );
    // Two clusters captured years apart: each at its own time.
    let old = lease("ops", "a", "2019-03-01T08:00:00Z");
    let snapshot = crate::load::load_texts(&[
        ("dc-a", "dc-a.yaml", old.as_bytes()),
        ("dc-b", "dc-b.yaml", db.as_bytes()),
    ]);
    let t = crate::graph::Topology::build(&snapshot, &Default::default());
    let a = crate::analysis::analyze(&t, &crate::config::Config::default());
    assert_eq!(fired(&a, "lease-expired"), vec!["db/d"]);
}

#[test]
fn a_hostpath_into_the_nodes_own_machinery_holds_no_data() {
    // A CSI controller: its sidecars mount the kubelet's directories and the device tree.
    let machinery = "      volumes:\n      - {name: plugins, hostPath: {path: /var/lib/kubelet/plugins/ebs.csi.aws.com/}}\n      - {name: registry, hostPath: {path: /var/lib/kubelet/plugins_registry}}\n      - {name: dev, hostPath: {path: /dev}}\n      - {name: sock, hostPath: {path: /run/containerd/containerd.sock, type: Socket}}\n";
    let data = "      volumes:\n      - {name: data, hostPath: {path: /var/lib/etcd}}\n";
    let with = |volumes: &str| {
        let spec = volumes.replace("      ", "  ");
        three_zones()
            .statefulset("db", "pg", 3, "")
            .pod_with("db", "pg-0", "StatefulSet", "pg", "pg", Some("a1"), &spec)
            .pod("db", "pg-1", "StatefulSet", "pg", "pg", "b1")
            .pod("db", "pg-2", "StatefulSet", "pg", "pg", "c1")
            .analysis()
    };
    assert!(fired(&with(machinery), "pv-node-pinned").is_empty());
    let a = with(data);
    assert_eq!(fired(&a, "pv-node-pinned"), vec!["db/pg-0"]);
    assert!(
        finding(&a, "pv-node-pinned")
            .message
            .contains("/var/lib/etcd")
    );
    // A path is inside a machinery directory only below it: `/devices` is no `/dev`.
    assert!(crate::load::convert::holds_data("/devices/data"));
    assert!(!crate::load::convert::holds_data("/var/lib/kubelet/pods/"));
}

#[test]
fn on_a_single_node_cluster_no_anti_affinity_is_advised_that_would_leave_pods_pending() {
    let single = ClusterYaml::new().node("k3s-server", "z1");
    let a = (single + pg_on(&["k3s-server", "k3s-server", "k3s-server"])).analysis();
    let f = finding(&a, "quorum-node-loss");
    assert!(
        !f.message.contains("Add required pod anti-affinity"),
        "{}",
        f.message
    );
    assert!(
        f.message.contains("1 schedulable node for 3 replicas"),
        "{}",
        f.message
    );
    assert_eq!(f.severity, super::Severity::Warning);
    // With nodes enough, the advice stands.
    let a = (three_zones() + pg_on(&["a1", "a1", "b1"])).analysis();
    assert!(
        finding(&a, "quorum-node-loss")
            .message
            .contains("anti-affinity")
    );
}
