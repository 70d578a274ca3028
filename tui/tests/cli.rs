//! The real binary, end to end: every input format, every output, the exit codes of the contract,
//! and bad input that must cost nothing but a clear error.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn quorum() -> Command {
    let mut cmd = Command::cargo_bin("quorum").unwrap();
    cmd.env_remove("NO_COLOR").env("CI", "1");
    cmd
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn sample(path: &str) -> PathBuf {
    repo().join("samples").join(path)
}

fn json(args: &[&str]) -> serde_json::Value {
    let out = quorum().args(args).output().unwrap();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn demo_shows_the_skewed_statefulset_and_the_leader_pile_up() {
    quorum()
        .arg("demo")
        .assert()
        .success()
        .stdout(predicate::str::contains("quorum-zone-loss"))
        .stdout(predicate::str::contains("leader-concentration"))
        .stdout(predicate::str::contains("db/pg"));
}

#[test]
fn demo_lists_its_samples_and_refuses_an_unknown_one() {
    quorum()
        .args(["demo", "--list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("two-dcs"));
    quorum()
        .args(["demo", "--sample", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("three-zones"));
}

#[test]
fn analyze_exits_1_on_critical_findings_and_0_when_told_never_to_fail() {
    let file = sample("three-zones/cluster.yaml");
    quorum().arg("analyze").arg(&file).assert().code(1);
    quorum()
        .arg("analyze")
        .arg(&file)
        .args(["--fail-on", "never"])
        .assert()
        .code(0);
    quorum()
        .arg("analyze")
        .arg(sample("healthy/cluster.yaml"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("No findings"));
    quorum()
        .arg("analyze")
        .arg(sample("healthy/cluster.yaml"))
        .args(["--fail-on", "info"])
        .assert()
        .code(0);
}

#[test]
fn json_output_follows_the_contract() {
    let file = sample("three-zones/cluster.yaml");
    let v = json(&["analyze", file.to_str().unwrap(), "-o", "json"]);
    assert_eq!(v["version"], 1);
    let input = &v["inputs"][0];
    assert!(input["source"].as_str().unwrap().ends_with("cluster.yaml"));
    assert!(input["documents"].as_u64().unwrap() >= 1);
    assert!(input["objects"].as_u64().unwrap() > 100);
    assert!(input["errors"].as_array().unwrap().is_empty());
    let zones = v["clusters"][0]["zones"].as_array().unwrap();
    assert_eq!(zones.len(), 3);
    assert_eq!(zones[0]["name"], "eu-west-1a");
    assert_eq!(zones[0]["region"], "eu-west-1");
    let finding = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "quorum-zone-loss")
        .unwrap();
    assert_eq!(finding["severity"], "critical");
    assert_eq!(finding["subject"]["kind"], "StatefulSet");
    assert_eq!(finding["subject"]["namespace"], "db");
    assert_eq!(finding["subject"]["name"], "pg");
    assert_eq!(finding["subject"]["cluster"], "default");
    assert!(finding["source"]["line"].as_u64().unwrap() > 1);
    let leaders = &v["leaders"];
    assert_eq!(leaders["per_zone"]["eu-west-1a"], 12);
    let record = leaders["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["lease"] == "db/pg-leader")
        .unwrap();
    assert_eq!(record["holder"], "db/pg-0");
    assert_eq!(record["group"], "db/pg");
    assert_eq!(record["expired"], false);
    let pg = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "db/pg")
        .unwrap();
    assert_eq!(pg["kind"], "StatefulSet");
    assert_eq!(pg["mode"], "quorum");
    assert_eq!(pg["replicas"], 3);
    assert_eq!(pg["per_zone"]["eu-west-1a"], 2);
    assert_eq!(pg["survives"]["node"], true);
    assert_eq!(pg["survives"]["zone"], false);
}

#[test]
fn several_clusters_are_named_and_a_dual_active_workload_is_found() {
    let v = json(&[
        "analyze",
        "--cluster",
        &format!("dc-a={}", sample("two-dcs/dc-a.yaml").display()),
        "--cluster",
        &format!("dc-b={}", sample("two-dcs/dc-b.yaml").display()),
        "-o",
        "json",
    ]);
    let names: Vec<&str> = v["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["dc-a", "dc-b"]);
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["check"] == "dual-active")
    );
    assert!(
        v["groups"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["name"] == "dc-a/payments/etcd")
    );
}

#[test]
fn sarif_points_each_finding_at_its_manifest_line() {
    let file = sample("broken-storage/cluster.yaml");
    let v = json(&["analyze", file.to_str().unwrap(), "-o", "sarif"]);
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "quorum");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().any(|r| r["id"] == "pv-zone-conflict"));
    let result = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "pv-zone-conflict")
        .unwrap();
    assert_eq!(result["level"], "error");
    let location = &result["locations"][0]["physicalLocation"];
    assert!(
        location["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("broken-storage/cluster.yaml")
    );
    let line = location["region"]["startLine"].as_u64().unwrap() as usize;
    let text = std::fs::read_to_string(&file).unwrap();
    // The line is where the subject object starts.
    assert!(
        text.lines().nth(line - 1).unwrap().contains("apiVersion"),
        "line {line}"
    );
    let index = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], "pv-zone-conflict");
}

#[test]
fn markdown_reads_as_a_pull_request_comment() {
    quorum()
        .arg("analyze")
        .arg(sample("three-zones/cluster.yaml"))
        .args(["-o", "markdown", "--fail-on", "never"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("# Quorum analysis"))
        .stdout(predicate::str::contains(
            "| critical | `quorum-zone-loss` |",
        ));
}

#[test]
fn a_broken_document_is_reported_with_file_document_and_line_and_the_rest_is_analysed() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mixed.yaml");
    let good = std::fs::read_to_string(sample("healthy/cluster.yaml")).unwrap();
    std::fs::write(
        &file,
        format!("{good}---\napiVersion: v1\nkind: Pod\nmetadata: {{name: [x\n---\nkind: Widget\n"),
    )
    .unwrap();
    let out = quorum()
        .arg("analyze")
        .arg(&file)
        .args(["-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("mixed.yaml:"), "{stderr}");
    assert!(stderr.contains("document 2"), "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["inputs"][0]["errors"].as_array().unwrap().len(), 1);
    assert_eq!(v["inputs"][0]["skipped"]["Widget"], 1);
    assert!(
        v["groups"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["name"] == "db/cockroach")
    );
}

#[test]
fn stdin_json_lists_bare_arrays_and_directories_are_read() {
    let export = serde_json::json!({
        "apiVersion": "v1", "kind": "List",
        "items": [
            {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "a1", "labels": {"topology.kubernetes.io/zone": "eu-a"}}},
            {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "b1", "labels": {"topology.kubernetes.io/zone": "eu-b"}}}
        ]
    });
    let out = quorum()
        .args(["analyze", "-", "-o", "json"])
        .write_stdin(export.to_string())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["clusters"][0]["zones"].as_array().unwrap().len(), 2);
    assert_eq!(v["inputs"][0]["source"], "<stdin>");

    // A support-bundle-like tree: a typed list without item kinds, a bare array named by its file.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("cluster-resources/pods")).unwrap();
    std::fs::write(
        dir.path().join("cluster-resources/nodes.json"),
        r#"{"kind":"NodeList","apiVersion":"v1","items":[{"metadata":{"name":"n1"}}]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("cluster-resources/pods/default.json"),
        r#"[{"metadata":{"name":"p1","namespace":"default"},"spec":{"nodeName":"n1"}}]"#,
    )
    .unwrap();
    let v = json(&["analyze", dir.path().to_str().unwrap(), "-o", "json"]);
    assert_eq!(v["inputs"].as_array().unwrap().len(), 2);
    assert_eq!(v["clusters"][0]["zones"][0]["nodes"][0], "n1");
    let objects: u64 = v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["objects"].as_u64().unwrap())
        .sum();
    assert_eq!(objects, 2);
}

#[test]
fn bad_usage_and_missing_inputs_exit_2_with_a_clear_message() {
    quorum()
        .args(["analyze", "/no/such/file.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/no/such/file.yaml: no such file"));
    quorum()
        .args(["analyze", "--cluster", "nopath"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("NAME=PATH"));
    quorum()
        .args(["analyze", "--context", "prod"])
        .env("KUBECONFIG", "/no/such/kubeconfig")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("kubeconfig /no/such/kubeconfig"));
    quorum()
        .arg("analyze")
        .arg(sample("healthy/cluster.yaml"))
        .args(["--now", "yesterday"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("RFC 3339"));
    quorum()
        .args(["analyze", "--output", "xml"])
        .assert()
        .code(2);
}

#[test]
fn random_bytes_truncated_json_and_empty_files_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let bytes: Vec<u8> = (0..20_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
        .collect();
    std::fs::write(dir.path().join("random.yaml"), &bytes).unwrap();
    std::fs::write(
        dir.path().join("truncated.json"),
        r#"{"kind":"PodList","items":[{"metadata":{"name":"p""#,
    )
    .unwrap();
    std::fs::write(dir.path().join("empty.yaml"), "").unwrap();
    std::fs::write(
        dir.path().join("comments.yaml"),
        "# nothing here\n---\n# nor here\n",
    )
    .unwrap();
    let out = quorum()
        .arg("analyze")
        .arg(dir.path())
        .args(["-o", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors: Vec<&str> = v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| !i["errors"].as_array().unwrap().is_empty())
        .map(|i| i["source"].as_str().unwrap())
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
}

#[test]
fn graph_prints_dot_and_json() {
    let file = sample("healthy/cluster.yaml");
    quorum()
        .arg("graph")
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::starts_with("digraph quorum"))
        .stdout(predicate::str::contains("holds-lease"));
    let v = json(&["graph", file.to_str().unwrap(), "-o", "json"]);
    assert!(
        v["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["type"] == "zone")
    );
    assert!(
        v["edges"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["type"] == "pinned-to")
    );
}

#[test]
fn completions_help_and_version_work() {
    quorum()
        .args(["completion", "bash"])
        .assert()
        .success()
        .stdout(predicate::str::contains("quorum"));
    quorum()
        .args(["analyze", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:"));
    quorum()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn linked_as_kubectl_quorum_it_presents_itself_as_a_kubectl_plugin() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("kubectl-quorum");
    std::os::unix::fs::symlink(assert_cmd::cargo::cargo_bin("quorum"), &link).unwrap();
    Command::new(&link)
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("kubectl quorum"));
}

#[test]
fn colour_follows_the_terminal_and_no_color() {
    let file = sample("three-zones/cluster.yaml");
    // Not a terminal: plain text.
    let out = quorum().arg("analyze").arg(&file).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\x1b'));
    let out = quorum()
        .arg("analyze")
        .arg(&file)
        .args(["--color", "always"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains('\x1b'));
}

#[test]
fn a_config_file_sets_the_zone_label_and_ignores_checks() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("quorum.yaml");
    std::fs::write(&config, "ignore:\n  - check: quorum-zone-loss\n").unwrap();
    quorum()
        .arg("analyze")
        .arg(sample("three-zones/cluster.yaml"))
        .arg("--config")
        .arg(&config)
        .args(["--fail-on", "critical"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("quorum-zone-loss").not());
    std::fs::write(&config, "zone_lable: x\n").unwrap();
    quorum()
        .arg("analyze")
        .arg(sample("three-zones/cluster.yaml"))
        .arg("--config")
        .arg(&config)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("quorum.yaml:1"))
        .stderr(predicate::str::contains("zone_lable"));
}

#[test]
fn a_large_single_json_document_is_read_and_a_yaml_alias_bomb_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    // About 100 MB in one document: one List of 20,000 pods with large annotations.
    let pad = "x".repeat(5_000);
    let pods: Vec<String> = (0..20_000)
        .map(|i| format!(r#"{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"p{i}","namespace":"big","annotations":{{"note":"{pad}"}}}},"spec":{{"nodeName":"n1"}}}}"#))
        .collect();
    let file = dir.path().join("big.json");
    std::fs::write(
        &file,
        format!(
            r#"{{"apiVersion":"v1","kind":"List","items":[{}]}}"#,
            pods.join(",")
        ),
    )
    .unwrap();
    let v = json(&["analyze", file.to_str().unwrap(), "-o", "json"]);
    assert_eq!(v["inputs"][0]["objects"], 20_000);

    let mut bomb = String::from("a: &a [x,x,x,x,x,x,x,x,x]\n");
    for (n, p) in ["b", "c", "d", "e", "f", "g", "h", "i"]
        .iter()
        .zip(["a", "b", "c", "d", "e", "f", "g", "h"])
    {
        bomb.push_str(&format!(
            "{n}: &{n} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
        ));
    }
    // Unused aliases are skipped without being expanded: a correct result, at once.
    let file = dir.path().join("bomb.yaml");
    std::fs::write(
        &file,
        format!("{bomb}kind: Pod\nmetadata: {{name: bomb, namespace: x}}\n"),
    )
    .unwrap();
    let started = std::time::Instant::now();
    let v = json(&["analyze", file.to_str().unwrap(), "-o", "json"]);
    assert_eq!(v["inputs"][0]["objects"], 1);
    // Expanded (through a merge key), the alias bomb is refused with an error.
    std::fs::write(
        &file,
        format!("{bomb}base: &base {{x: 1}}\nkind: Pod\nmetadata:\n  <<: *base\n  name: bomb\n"),
    )
    .unwrap();
    quorum()
        .arg("analyze")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("repetition limit"));
    assert!(started.elapsed().as_secs() < 10);
}
