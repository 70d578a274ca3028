//! `simulate`, `sweep` and `drill` through the real binary.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn quorum() -> Command {
    let mut cmd = Command::cargo_bin("quorum").unwrap();
    cmd.env("CI", "1").env_remove("COLUMNS");
    cmd
}

fn sample(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .join("samples")
        .join(path)
}

fn json(cmd: &mut Command) -> serde_json::Value {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn simulate_json_follows_the_contract() {
    let v = json(
        quorum()
            .arg("simulate")
            .arg(sample("three-zones/cluster.yaml"))
            .args(["--fail", "zone:eu-west-1a", "-o", "json"]),
    );
    assert_eq!(v["version"], 1);
    assert_eq!(v["events"][0], "fail zone:eu-west-1a");
    let pg = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "db/pg")
        .unwrap();
    assert_eq!(
        (
            pg["replicas"].as_u64(),
            pg["available"].as_u64(),
            pg["needed"].as_u64()
        ),
        (Some(3), Some(1), Some(2))
    );
    assert_eq!(pg["has_quorum"], false);
    let r = v["reelections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["lease"] == "db/pg-leader")
        .unwrap();
    assert_eq!(r["from"], "db/pg-0");
    assert!(r["to"].is_null());
    assert_eq!(r["after_seconds"], 15);
    let stranded = v["stranded_volumes"].as_array().unwrap();
    assert!(
        stranded
            .iter()
            .any(|s| s["pvc"] == "db/data-pg-0" && s["pinned_to"] == "zone:eu-west-1a")
    );
    // The sample's kubelets are v1.31.2: that release's 40 s default.
    assert_eq!(v["params"]["kubernetes"]["release"], "1.31");
    assert_eq!(v["params"]["node_monitor_grace_seconds"], 40);
    assert_eq!(v["params"]["toleration_seconds"], 300);
    assert!(v["max_simultaneous_reelections"].as_u64().unwrap() >= 10);
}

#[test]
fn a_drain_reports_evictions_blocked_by_a_budget() {
    let v = json(
        quorum()
            .arg("simulate")
            .arg(sample("broken-storage/cluster.yaml"))
            .args(["--drain", "node:ip-10-1-1-11.ec2.internal", "-o", "json"]),
    );
    let e = v["evictions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["pod"] == "search/elastic-0")
        .unwrap();
    assert_eq!(e["status"], "blocked");
    assert!(
        e["reason"]
            .as_str()
            .unwrap()
            .contains("PodDisruptionBudget search/elastic")
    );
    let p = v["pending"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["pod"] == "cache/redis-0")
        .unwrap();
    assert!(
        p["reason"]
            .as_str()
            .unwrap()
            .contains("volume node affinity conflict"),
        "{p}"
    );
}

#[test]
fn events_apply_in_the_order_given_and_contradictions_are_warnings() {
    let file = sample("three-zones/cluster.yaml");
    quorum()
        .arg("simulate")
        .arg(&file)
        .args([
            "--fail",
            "node:ip-10-0-1-11",
            "--drain",
            "node:ip-10-0-1-11",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("warning:"))
        .stdout(predicate::str::contains(
            "Scenario: fail node:ip-10-0-1-11, then drain node:ip-10-0-1-11",
        ));
    quorum()
        .arg("simulate")
        .arg(&file)
        .args([
            "--drain",
            "node:ip-10-0-1-11",
            "--fail",
            "node:ip-10-0-1-11",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Scenario: drain node:ip-10-0-1-11, then fail node:ip-10-0-1-11",
        ));
}

#[test]
fn an_unknown_name_exits_2_naming_the_closest() {
    quorum()
        .arg("simulate")
        .arg(sample("three-zones/cluster.yaml"))
        .args(["--fail", "zone:eu-west-1d"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean eu-west-1a"));
    quorum()
        .arg("simulate")
        .arg(sample("three-zones/cluster.yaml"))
        .args(["--fail", "rack:r1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown kind"));
    quorum()
        .arg("simulate")
        .arg(sample("three-zones/cluster.yaml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no event"));
}

#[test]
fn a_partition_across_two_clusters_shows_the_dual_active_split_brain() {
    let v = json(quorum().args([
        "simulate",
        "--cluster",
        &format!("dc-a={}", sample("two-dcs/dc-a.yaml").display()),
        "--cluster",
        &format!("dc-b={}", sample("two-dcs/dc-b.yaml").display()),
        "--partition",
        "dc-a|dc-b",
        "-o",
        "json",
    ]));
    assert!(
        v["split_brain"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["group"] == "payments/ledger-writer")
    );
}

#[test]
fn the_sweep_table_fits_80_columns_and_its_json_follows_the_contract() {
    let out = quorum()
        .arg("sweep")
        .arg(sample("three-zones/cluster.yaml"))
        .env("COLUMNS", "80")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for line in text.lines() {
        assert!(
            line.chars().count() <= 80,
            "{} columns: {line}",
            line.chars().count()
        );
    }
    assert!(text.contains("fail zone:eu-west-1a"));
    let v = json(
        quorum()
            .arg("sweep")
            .arg(sample("three-zones/cluster.yaml"))
            .args(["-o", "json"]),
    );
    assert_eq!(v["version"], 1);
    let zone = v["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["event"] == "fail zone:eu-west-1a")
        .unwrap();
    assert_eq!(zone["groups_without_quorum"], serde_json::json!(["db/pg"]));
    assert_eq!(zone["leaderless"], serde_json::json!(["db/pg-leader"]));
    // Every node appears as a scenario.
    let nodes = v["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["event"].as_str().unwrap().starts_with("fail node:"))
        .count();
    assert_eq!(nodes, 9);
    // Every row carries split_brain, each risk with the replicas on each side that may act:
    // cutting eu-west-1a off leaves kafka's leader kafka-0 there while 1b and 1c elect.
    assert!(zone["split_brain"].as_array().unwrap().is_empty());
    let cut = v["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["event"] == "partition eu-west-1a|eu-west-1b,eu-west-1c")
        .unwrap();
    let kafka = cut["split_brain"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["group"] == "kafka/kafka")
        .unwrap();
    assert_eq!(
        kafka["sides"],
        serde_json::json!([["kafka/kafka-0"], ["kafka/kafka-1", "kafka/kafka-2"]])
    );
    // simulate of the same partition names the same risk with the same sides.
    let sim = json(
        quorum()
            .arg("simulate")
            .arg(sample("three-zones/cluster.yaml"))
            .args([
                "--partition",
                "eu-west-1a|eu-west-1b,eu-west-1c",
                "-o",
                "json",
            ]),
    );
    let same = sim["split_brain"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["group"] == "kafka/kafka")
        .unwrap();
    assert_eq!(same["sides"], kafka["sides"]);
    assert_eq!(sim["first_moment"]["split_brain"], cut["split_brain"]);
}

#[test]
fn sample_drills_pass_and_a_failing_drill_exits_1_saying_what_was_seen() {
    quorum()
        .arg("drill")
        .arg(sample("three-zones"))
        .arg(sample("drills/three-zones-lose-a.yaml"))
        .assert()
        .success()
        .stdout(predicate::str::contains("PASS"));
    quorum()
        .args([
            "drill",
            "--cluster",
            &format!("dc-a={}", sample("two-dcs/dc-a.yaml").display()),
            "--cluster",
            &format!("dc-b={}", sample("two-dcs/dc-b.yaml").display()),
        ])
        .arg(sample("drills/two-dcs-lose-dc-a-1.yaml"))
        .assert()
        .success();
    let dir = tempfile::tempdir().unwrap();
    let drill = dir.path().join("wrong.yaml");
    std::fs::write(&drill, "name: wrong\nevents:\n  - fail: zone:eu-west-1a\nexpect:\n  - group: db/pg\n    has_quorum: true\n").unwrap();
    quorum()
        .arg("drill")
        .arg(sample("three-zones/cluster.yaml"))
        .arg(&drill)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("FAIL"))
        .stdout(predicate::str::contains(
            "saw has_quorum: false (1 of 3 replicas up, 2 needed)",
        ));
    std::fs::write(
        &drill,
        "name: typo\nevents:\n  - fail: zone:eu-west-1a\nexpect:\n  - grup: db/pg\n",
    )
    .unwrap();
    quorum()
        .arg("drill")
        .arg(sample("three-zones/cluster.yaml"))
        .arg(&drill)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("wrong.yaml:5"))
        .stderr(predicate::str::contains("grup"));
}

#[test]
fn plan_json_follows_the_contract_and_reaches_its_bound() {
    let v = json(
        quorum()
            .arg("plan")
            .arg(sample("three-zones/cluster.yaml"))
            .args(["--goal", "leaders", "-o", "json"]),
    );
    assert_eq!(v["version"], 1);
    assert_eq!(v["goal"], "leaders");
    assert_eq!(v["before"]["leaders"]["max_per_node"], 10);
    assert_eq!(
        v["after"]["leaders"]["max_per_zone"],
        v["bound"]["leaders"]["max_per_zone"]
    );
    assert_eq!(
        v["after"]["leaders"]["max_per_node"],
        v["bound"]["leaders"]["max_per_node"]
    );
    let step = &v["steps"][0];
    assert_eq!(step["action"], "handover");
    assert_eq!(step["targeted"], true);
    for field in [
        "lease", "from", "to", "kubectl", "reason", "rollback", "effect",
    ] {
        assert!(step[field].is_string(), "{field}: {step}");
    }
    assert!(
        step["kubectl"]
            .as_str()
            .unwrap()
            .starts_with("kubectl -n ops patch lease")
    );
}

#[test]
fn plan_writes_yaml_a_script_and_a_diff() {
    let file = sample("three-zones/cluster.yaml");
    let out = quorum()
        .arg("plan")
        .arg(&file)
        .args(["-o", "yaml"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("goal: leaders") && text.contains("steps:"),
        "{text}"
    );
    quorum()
        .arg("plan")
        .arg(&file)
        .args(["--goal", "all", "-o", "script"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("#!/usr/bin/env bash"))
        .stdout(predicate::str::contains("set -euo pipefail"))
        .stdout(predicate::str::contains("--dry-run=server"));
    quorum()
        .arg("plan")
        .arg(&file)
        .arg("--diff")
        .assert()
        .success()
        .stdout(predicate::str::contains("LEADERS PER ZONE"))
        .stdout(predicate::str::contains("eu-west-1a"));
    quorum()
        .arg("plan")
        .arg(&file)
        .args(["--goal", "everything"])
        .assert()
        .code(2);
    let dir = tempfile::tempdir().unwrap();
    // An export of an empty cluster: nothing to plan.
    let empty = dir.path().join("empty.yaml");
    std::fs::write(&empty, "apiVersion: v1\nkind: List\nitems: []\n").unwrap();
    quorum()
        .arg("plan")
        .arg(&empty)
        .assert()
        .success()
        .stdout(predicate::str::contains("0 steps"));
    // A file with nothing of Kubernetes in it is the wrong file: exit 2, saying so.
    let nothing = dir.path().join("nothing.yaml");
    std::fs::write(&nothing, "").unwrap();
    quorum()
        .arg("plan")
        .arg(&nothing)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no Kubernetes object or list"));
}

#[test]
fn simulate_can_analyse_the_cluster_after_the_scenario() {
    let v = json(
        quorum()
            .arg("simulate")
            .arg(sample("three-zones/cluster.yaml"))
            .args(["--fail", "zone:eu-west-1a", "--findings", "-o", "json"]),
    );
    let after = v["findings_after"].as_array().unwrap();
    assert!(
        after
            .iter()
            .any(|f| f["check"] == "quorum-lost" && f["subject"]["name"] == "pg"),
        "{after:?}"
    );
}

/// What `analyze -o json` says of a cluster, as the plan's metrics count it.
fn metrics_of(analysis: &serde_json::Value) -> serde_json::Value {
    let s = &analysis["summary"];
    let groups = analysis["groups"].as_array().unwrap();
    let surviving = |kind: &str| {
        groups
            .iter()
            .filter(|g| g["survives"][kind] == true)
            .count()
    };
    serde_json::json!({
        "findings": {"critical": s["critical"], "warning": s["warning"], "info": s["info"]},
        "groups_surviving": {"node": surviving("node"), "zone": surviving("zone")},
        "leaders": analysis["leaders"]["per_zone"],
    })
}

#[test]
fn analyze_on_a_plans_after_state_prints_the_plans_after_for_every_goal() {
    let dir = tempfile::tempdir().unwrap();
    for goal in ["leaders", "spread", "storage", "all"] {
        let file = dir.path().join(format!("after-{goal}.json"));
        let plan = json(
            quorum()
                .arg("plan")
                .arg(sample("three-zones"))
                .args(["--goal", goal, "-o", "json", "--after-state"])
                .arg(&file),
        );
        let after = &plan["after"];
        let analysis =
            json(
                quorum()
                    .arg("analyze")
                    .arg(&file)
                    .args(["-o", "json", "--fail-on", "never"]),
            );
        let expected = serde_json::json!({
            "findings": after["findings"],
            "groups_surviving": after["groups_surviving"],
            "leaders": after["leaders"]["per_zone"],
        });
        assert_eq!(metrics_of(&analysis), expected, "goal {goal}");
        // It holds cluster details: readable by its owner only.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "{mode:o}");
        }
    }
}

#[test]
fn simulate_writes_the_cluster_at_a_moment_of_the_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let early = dir.path().join("early.json");
    let late = dir.path().join("late.json");
    for (file, at) in [(&early, "10"), (&late, "3600")] {
        quorum()
            .arg("simulate")
            .arg(sample("three-zones"))
            .args(["--fail", "zone:eu-west-1a", "--after-state"])
            .arg(file)
            .args(["--at", at])
            .assert()
            .success();
    }
    // At t+10 s nothing is recreated yet: the failed zone's Deployment pods are still there
    // (NotReady); an hour later they run in the other zones.
    let early_text = std::fs::read_to_string(&early).unwrap();
    let late_text = std::fs::read_to_string(&late).unwrap();
    let on_failed = |text: &str| text.matches("\"nodeName\": \"ip-10-0-1-").count();
    assert!(
        on_failed(&early_text) > on_failed(&late_text),
        "{} {}",
        on_failed(&early_text),
        on_failed(&late_text)
    );
}
