//! The model follows the cluster's Kubernetes release: each rule that changed between releases
//! gives a different answer through the real binary where, and only where, the rules differ
//! (docs/kubernetes-versions.md lists them with the source they were read from).

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn quorum() -> Command {
    let mut cmd = Command::cargo_bin("quorum").unwrap();
    cmd.env_remove("NO_COLOR").env("CI", "1");
    cmd
}

fn node(name: &str, zone: &str, kubelet: Option<&str>) -> String {
    let info = kubelet
        .map(|v| format!("  nodeInfo: {{kubeletVersion: {v}}}\n"))
        .unwrap_or_default();
    format!(
        "apiVersion: v1
kind: Node
metadata:
  name: {name}
  labels: {{topology.kubernetes.io/zone: {zone}, kubernetes.io/hostname: {name}}}
status:
  allocatable: {{cpu: '4', memory: 16Gi, pods: '110'}}
  conditions: [{{type: Ready, status: 'True'}}]
{info}"
    )
}

fn pod(name: &str, owner_kind: &str, owner: &str, app: &str, node: &str) -> String {
    format!(
        "apiVersion: v1
kind: Pod
metadata:
  name: {name}
  namespace: db
  labels: {{app: {app}}}
  ownerReferences: [{{apiVersion: apps/v1, kind: {owner_kind}, name: {owner}, controller: true}}]
spec:
  nodeName: {node}
  containers: [{{name: c, image: x, resources: {{requests: {{cpu: 100m, memory: 128Mi}}}}}}]
status:
  phase: Running
  conditions: [{{type: Ready, status: 'True'}}]
"
    )
}

/// Three zones, a three-replica StatefulSet whose rollouts may take `max_unavailable` pods at
/// once, and a two-replica Deployment; the nodes' kubelets say `kubelet` when given.
fn cluster(dir: &Path, kubelet: Option<&str>, max_unavailable: &str, extra: &str) -> PathBuf {
    let mut docs = vec![
        node("a1", "zone-a", kubelet),
        node("b1", "zone-b", kubelet),
        node("c1", "zone-c", kubelet),
        format!(
            "apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: pg, namespace: db}}
spec:
  replicas: 3
  selector: {{matchLabels: {{app: pg}}}}
  updateStrategy:
    type: RollingUpdate
    rollingUpdate: {{maxUnavailable: {max_unavailable}}}
  template:
    metadata: {{labels: {{app: pg}}}}
    spec: {{containers: [{{name: c, image: x}}]}}
"
        ),
        "apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: db}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: x}]}
"
        .to_string(),
        "apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web-5d8f
  namespace: db
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, controller: true}]
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: x}]}
"
        .to_string(),
        pod("pg-0", "StatefulSet", "pg", "pg", "a1"),
        pod("pg-1", "StatefulSet", "pg", "pg", "b1"),
        pod("pg-2", "StatefulSet", "pg", "pg", "c1"),
        pod("web-5d8f-x1", "ReplicaSet", "web-5d8f", "web", "a1"),
        pod("web-5d8f-x2", "ReplicaSet", "web-5d8f", "web", "b1"),
        "apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: pg-leader, namespace: db}
spec: {holderIdentity: pg-0, leaseDurationSeconds: 15, renewTime: '2026-12-01T10:00:00.000000Z'}
"
        .to_string(),
    ];
    if !extra.is_empty() {
        docs.push(extra.to_string());
    }
    let path = dir.join("cluster.yaml");
    std::fs::write(&path, docs.join("---\n")).unwrap();
    path
}

fn json(args: &[&str]) -> Value {
    let out = quorum().args(args).output().unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn simulate(file: &Path, version: &str, event: &[&str]) -> Value {
    let mut args = vec!["simulate", file.to_str().unwrap()];
    args.extend_from_slice(event);
    args.extend_from_slice(&["--kubernetes-version", version, "-o", "json"]);
    json(&args)
}

/// When the Deployment's pod of the failed node runs again elsewhere.
fn web_back_after(o: &Value) -> u64 {
    o["rescheduled"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["pod"] == "db/web-5d8f-x1")
        .unwrap_or_else(|| panic!("web-5d8f-x1 is rescheduled: {o:#}"))["after_seconds"]
        .as_u64()
        .unwrap()
}

fn fired(report: &Value, check: &str) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == check)
        .map(|f| {
            format!(
                "{}/{}",
                f["subject"]["namespace"].as_str().unwrap(),
                f["subject"]["name"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn the_node_monitor_grace_period_is_40_s_up_to_1_31_and_50_s_since() {
    let dir = tempfile::tempdir().unwrap();
    let file = cluster(dir.path(), None, "1", "");
    let fail = ["--fail", "node:a1"];
    let old = simulate(&file, "1.31", &fail);
    let new = simulate(&file, "1.32", &fail);
    assert_eq!(old["params"]["node_monitor_grace_seconds"], 40);
    assert_eq!(new["params"]["node_monitor_grace_seconds"], 50);
    assert_eq!(old["params"]["kubernetes"]["release"], "1.31");
    assert_eq!(new["params"]["kubernetes"]["release"], "1.32");
    // Both up to 1.33: tainted a monitor period (5 s) after NotReady, then 300 s tolerated.
    assert_eq!(web_back_after(&old), 40 + 5 + 300);
    assert_eq!(web_back_after(&new), 50 + 5 + 300);
    // An explicit grace period wins over the release's.
    let mut args = vec!["simulate", file.to_str().unwrap(), "--fail", "node:a1"];
    args.extend_from_slice(&[
        "--kubernetes-version",
        "1.31",
        "--node-monitor-grace",
        "8",
        "-o",
        "json",
    ]);
    assert_eq!(json(&args)["params"]["node_monitor_grace_seconds"], 8);
}

#[test]
fn since_1_34_a_silent_node_is_tainted_in_the_pass_that_marks_it_not_ready() {
    let dir = tempfile::tempdir().unwrap();
    let file = cluster(dir.path(), None, "1", "");
    let fail = ["--fail", "node:a1"];
    let before = simulate(&file, "1.33", &fail);
    let since = simulate(&file, "1.34", &fail);
    assert_eq!(web_back_after(&before), 50 + 5 + 300);
    assert_eq!(web_back_after(&since), 50 + 300);
    let tainted = |o: &Value| {
        o["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["what"].as_str().unwrap().contains("tainted"))
            .map(|e| e["t"].as_u64().unwrap())
    };
    assert_eq!(tainted(&before), Some(55));
    assert_eq!(tainted(&since), Some(50));
    // The controller's period is a parameter (a control plane run with a shorter one).
    let mut args = vec!["simulate", file.to_str().unwrap(), "--fail", "node:a1"];
    args.extend_from_slice(&[
        "--kubernetes-version",
        "1.33",
        "--node-monitor-period",
        "1",
        "-o",
        "json",
    ]);
    assert_eq!(web_back_after(&json(&args)), 50 + 1 + 300);
}

#[test]
fn a_statefulset_max_unavailable_breaks_quorum_only_where_the_release_honours_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = cluster(dir.path(), None, "2", "");
    let analyze = |version: &str| {
        json(&[
            "analyze",
            file.to_str().unwrap(),
            "--kubernetes-version",
            version,
            "-o",
            "json",
            "--fail-on",
            "never",
        ])
    };
    // MaxUnavailableStatefulSet: on by default in 1.35.0 to 1.35.3 and 1.37, off otherwise.
    for (version, fires) in [
        ("1.34", false),
        ("v1.35.2", true),
        ("v1.35.4", false),
        ("1.36", false),
        ("1.37", true),
    ] {
        let report = analyze(version);
        assert_eq!(
            fired(&report, "rollout-quorum-loss"),
            if fires {
                vec!["db/pg".to_string()]
            } else {
                vec![]
            },
            "on {version}"
        );
    }
    let message = analyze("1.37")["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "rollout-quorum-loss")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.contains("up to 2 of its 3 replicas") && message.contains("maxUnavailable: 1"),
        "{message}"
    );
    // One a rollout can spare is no finding on any release.
    let spare = cluster(dir.path(), None, "1", "");
    let report = json(&[
        "analyze",
        spare.to_str().unwrap(),
        "--kubernetes-version",
        "1.37",
        "-o",
        "json",
        "--fail-on",
        "never",
    ]);
    assert!(fired(&report, "rollout-quorum-loss").is_empty());
}

#[test]
fn targeted_handovers_are_said_possible_per_release() {
    let dir = tempfile::tempdir().unwrap();
    let file = cluster(dir.path(), None, "1", "");
    let plan = |file: &Path, version: &str| {
        json(&[
            "plan",
            file.to_str().unwrap(),
            "--goal",
            "leaders",
            "--kubernetes-version",
            version,
            "-o",
            "json",
        ])
    };
    let old = plan(&file, "1.30");
    assert_eq!(old["targeted_handovers"]["possible"], "no");
    assert_eq!(old["kubernetes"]["release"], "1.30");
    let new = plan(&file, "1.37");
    assert_eq!(new["targeted_handovers"]["possible"], "with-gate");
    let why = new["targeted_handovers"]["why"].as_str().unwrap();
    assert!(
        why.contains("CoordinatedLeaderElection") && why.contains("coordination.k8s.io/v1beta1"),
        "{why}"
    );
    assert!(
        plan(&file, "1.32")["targeted_handovers"]["why"]
            .as_str()
            .unwrap()
            .contains("v1alpha2")
    );
    // A Lease that carries spec.strategy was written with the gate on.
    let gated = dir.path().join("gated");
    std::fs::create_dir(&gated).unwrap();
    let file = cluster(
        &gated,
        None,
        "1",
        "apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: other, namespace: db}
spec: {holderIdentity: pg-1, leaseDurationSeconds: 15, strategy: OldestEmulationVersion}
",
    );
    assert_eq!(plan(&file, "1.37")["targeted_handovers"]["possible"], "yes");
}

#[test]
fn the_release_comes_from_the_flag_else_the_newest_kubelet_else_the_newest_known() {
    let dir = tempfile::tempdir().unwrap();
    let file = cluster(dir.path(), Some("v1.33.5-eks-1234"), "1", "");
    let from_nodes = json(&[
        "analyze",
        file.to_str().unwrap(),
        "-o",
        "json",
        "--fail-on",
        "never",
    ]);
    assert_eq!(from_nodes["kubernetes"]["release"], "1.33");
    assert_eq!(from_nodes["kubernetes"]["from"], "kubelet");
    assert_eq!(from_nodes["kubernetes"]["seen"], "v1.33.5-eks-1234");
    let table = quorum()
        .args(["analyze", file.to_str().unwrap(), "--fail-on", "never"])
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(
        table.contains("Kubernetes 1.33 rules (newest kubelet v1.33.5-eks-1234, on a1)"),
        "{table}"
    );
    let bare = tempfile::tempdir().unwrap();
    let file = cluster(bare.path(), None, "1", "");
    let newest = json(&["sweep", file.to_str().unwrap(), "-o", "json"]);
    assert_eq!(newest["kubernetes"]["from"], "newest");
    assert_eq!(newest["kubernetes"]["release"], "1.37");
    // A release the model does not know: said, and the nearest one used.
    let out = quorum()
        .args([
            "simulate",
            file.to_str().unwrap(),
            "--fail",
            "node:a1",
            "--kubernetes-version",
            "1.39",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "Kubernetes 1.37 rules (--kubernetes-version 1.39, a release the model does not know)"
        ),
        "{text}"
    );
    assert!(
        text.contains("1.39 is newer than any release the model knows (1.30 to 1.37)"),
        "{text}"
    );
    // Not a version: exit 2 with what it takes.
    let out = quorum()
        .args([
            "analyze",
            file.to_str().unwrap(),
            "--kubernetes-version",
            "latest",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("X.Y (such as 1.37"));
}

#[test]
fn since_1_36_balanced_allocation_scores_how_much_a_pod_improves_a_nodes_balance() {
    // Two nodes of one zone: a1 holds 450m and 768Mi, a2 500m and 256Mi. web's pod of the failed
    // a3 goes to a1 by the balance with the pod (up to 1.35), to a2 by the change in balance
    // (1.36 on), as kube-scheduler v1.37 placed it on the real control plane.
    let node = |name: &str, zone: &str| {
        format!(
            "apiVersion: v1\nkind: Node\nmetadata:\n  name: {name}\n  labels: {{topology.kubernetes.io/zone: {zone}, kubernetes.io/hostname: {name}}}\nstatus:\n  allocatable: {{cpu: 2000m, memory: 4Gi, pods: '110'}}\n  conditions: [{{type: Ready, status: 'True'}}]\n"
        )
    };
    let bare = |name: &str, on: &str, cpu: &str, memory: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: other}}\nspec:\n  nodeName: {on}\n  containers: [{{name: c, image: x, resources: {{requests: {{cpu: {cpu}, memory: {memory}}}}}}}]\nstatus: {{phase: Running, conditions: [{{type: Ready, status: 'True'}}]}}\n"
        )
    };
    let web = |name: &str, on: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: app\n  labels: {{app: web}}\n  ownerReferences: [{{apiVersion: apps/v1, kind: ReplicaSet, name: web-1, controller: true}}]\nspec:\n  nodeName: {on}\n  containers: [{{name: c, image: x, resources: {{requests: {{cpu: 100m, memory: 128Mi}}}}}}]\nstatus: {{phase: Running, conditions: [{{type: Ready, status: 'True'}}]}}\n"
        )
    };
    let docs = [
        node("a1", "zone-a"),
        node("a2", "zone-a"),
        node("a3", "zone-a"),
        node("b1", "zone-b"),
        bare("fill-1", "a1", "450m", "768Mi"),
        bare("fill-2", "a2", "500m", "256Mi"),
        "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: web-1, namespace: app}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: x}]}}\n".to_string(),
        web("web-1-x", "a3"),
        web("web-1-y", "b1"),
    ];
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cluster.yaml");
    std::fs::write(&file, docs.join("---\n")).unwrap();
    let to = |version: &str| {
        let o = simulate(&file, version, &["--fail", "node:a3"]);
        let r = o["rescheduled"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["pod"] == "app/web-1-x")
            .unwrap_or_else(|| panic!("web-1-x is rescheduled: {o:#}"))
            .clone();
        (
            r["to"].as_str().unwrap().to_string(),
            r["candidates"].clone(),
        )
    };
    assert_eq!(to("1.35").0, "a1");
    assert_eq!(to("1.36").0, "a2");
    assert_eq!(to("1.37").0, "a2");
}
