//! The real-data corpus (`corpus/`, SOURCES.md says where each file came from): every capture
//! through every subcommand, against expectations written by hand after reading the capture.
//!
//! An expectation file (`corpus/expectations/NAME.yaml`) names its inputs and says what a person
//! reading the capture found true: the counts, and every finding `analyze` must give. A finding
//! not listed is a false one, and fails the test as a missing one does. Each file opens with what
//! was checked by hand. Every file of the corpus belongs to some capture.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expectation {
    /// Paths under `corpus/`, read together as one cluster.
    #[serde(default)]
    inputs: Vec<String>,
    /// Or several clusters: NAME: [paths].
    #[serde(default)]
    clusters: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    input_errors: usize,
    nodes: usize,
    pods: usize,
    groups: usize,
    /// Leader records held on a node of the cluster (the per-zone counts add up to it).
    leaders: u64,
    /// Every finding, as `check severity Kind namespace/name` (the cluster first with several).
    #[serde(default)]
    findings: Vec<String>,
    /// Leader records by holder: `namespace/lease: holder` as analyze reports it.
    #[serde(default)]
    holders: BTreeMap<String, Option<String>>,
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus")
}

fn expectations() -> Vec<(String, Expectation)> {
    let dir = corpus().join("expectations");
    let mut out: Vec<(String, Expectation)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let e: Expectation = quorum_core::load::yaml_from_str(&text)
                .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p.file_stem().unwrap().to_string_lossy().into_owned(), e)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

impl Expectation {
    /// The input arguments of every subcommand.
    fn args(&self) -> Vec<String> {
        let root = corpus();
        let mut args: Vec<String> = self
            .inputs
            .iter()
            .map(|p| root.join(p).display().to_string())
            .collect();
        for (name, paths) in &self.clusters {
            for p in paths {
                args.push("--cluster".into());
                args.push(format!("{name}={}", root.join(p).display()));
            }
        }
        args
    }

    fn paths(&self) -> Vec<PathBuf> {
        self.inputs
            .iter()
            .chain(self.clusters.values().flatten())
            .map(|p| corpus().join(p))
            .collect()
    }
}

fn run(args: &[String]) -> Output {
    Command::cargo_bin("quorum")
        .unwrap()
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap()
}

/// Runs a subcommand: it must finish with the exit code the inputs call for, without a panic.
fn ok(name: &str, e: &Expectation, args: &[String]) -> Output {
    let out = run(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked"),
        "{name}: {args:?} panicked:\n{stderr}"
    );
    let code = out.status.code();
    let allowed: &[i32] = if e.input_errors > 0 { &[2] } else { &[0, 1] };
    assert!(
        code.is_some_and(|c| allowed.contains(&c)),
        "{name}: {args:?} exited {code:?}:\n{stderr}"
    );
    out
}

fn json(name: &str, out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|err| {
        panic!(
            "{name}: not JSON ({err}):\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

fn finding_line(f: &serde_json::Value, multi: bool) -> String {
    let s = &f["subject"];
    let ns = s["namespace"].as_str().unwrap_or_default();
    let name = s["name"].as_str().unwrap_or_default();
    let mut subject = if ns.is_empty() {
        name.to_string()
    } else {
        format!("{ns}/{name}")
    };
    if multi && s["kind"] != "Cluster" {
        subject = format!("{}/{subject}", s["cluster"].as_str().unwrap_or_default());
    }
    format!(
        "{} {} {} {subject}",
        f["check"].as_str().unwrap_or_default(),
        f["severity"].as_str().unwrap_or_default(),
        s["kind"].as_str().unwrap_or_default()
    )
}

#[test]
fn every_capture_gives_exactly_the_findings_a_person_found_true() {
    let mut failures = Vec::new();
    for (name, e) in expectations() {
        let mut args = vec!["analyze".to_string()];
        args.extend(e.args());
        args.extend([
            "-o".into(),
            "json".into(),
            "--fail-on".into(),
            "never".into(),
        ]);
        let out = ok(&name, &e, &args);
        let v = json(&name, &out);
        let multi = e.clusters.len() > 1;
        let errors: usize = v["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["errors"].as_array().map_or(0, Vec::len))
            .sum();
        let nodes: usize = v["clusters"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| c["zones"].as_array().unwrap())
            .map(|z| z["nodes"].as_array().unwrap().len())
            .sum();
        let mut got: Vec<String> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| finding_line(f, multi))
            .collect();
        got.sort();
        let mut want = e.findings.clone();
        want.sort();
        let counts = (
            errors,
            nodes,
            v["summary"]["pods"].as_u64().unwrap_or_default() as usize,
            v["groups"].as_array().unwrap().len(),
            v["leaders"]["total"].as_u64().unwrap_or_default(),
        );
        let wanted = (e.input_errors, e.nodes, e.pods, e.groups, e.leaders);
        if counts != wanted {
            failures.push(format!(
                "{name}: (input errors, nodes, pods, groups, leaders) are {counts:?}, expected {wanted:?}"
            ));
        }
        let false_ones: Vec<&String> = got.iter().filter(|g| !want.contains(g)).collect();
        let missing: Vec<&String> = want.iter().filter(|w| !got.contains(w)).collect();
        if !false_ones.is_empty() || !missing.is_empty() {
            failures.push(format!(
                "{name}:\n  not expected (false?): {false_ones:#?}\n  missing: {missing:#?}"
            ));
        }
        let records = v["leaders"]["records"].as_array().unwrap();
        for (lease, holder) in &e.holders {
            let record = records.iter().find(|r| r["lease"] == lease.as_str());
            let got = record.map(|r| r["holder"].as_str().map(str::to_string));
            if got != Some(holder.clone()) {
                failures.push(format!(
                    "{name}: {lease} held by {got:?}, expected {holder:?}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_subcommand_runs_on_every_capture() {
    for (name, e) in expectations() {
        let inputs = e.args();
        let with = |head: &[&str], tail: &[&str]| -> Vec<String> {
            head.iter()
                .map(|s| s.to_string())
                .chain(inputs.iter().cloned())
                .chain(tail.iter().map(|s| s.to_string()))
                .collect()
        };
        for format in ["table", "markdown", "sarif"] {
            ok(
                &name,
                &e,
                &with(&["analyze"], &["-o", format, "--fail-on", "never"]),
            );
        }
        for format in ["dot", "json"] {
            ok(&name, &e, &with(&["graph"], &["-o", format]));
        }
        let sweep = json(&name, &ok(&name, &e, &with(&["sweep"], &["-o", "json"])));
        assert!(sweep["scenarios"].is_array(), "{name}: {sweep}");
        ok(
            &name,
            &e,
            &with(&["plan"], &["--goal", "all", "-o", "json"]),
        );
        // Each zone's failure, as simulate names it.
        let analysis = json(
            &name,
            &ok(
                &name,
                &e,
                &with(&["analyze"], &["-o", "json", "--fail-on", "never"]),
            ),
        );
        let multi = analysis["clusters"].as_array().unwrap().len() > 1;
        for cluster in analysis["clusters"].as_array().unwrap() {
            for zone in cluster["zones"].as_array().unwrap() {
                let zone = zone["name"].as_str().unwrap();
                let target = if multi {
                    format!("zone:{}/{zone}", cluster["name"].as_str().unwrap())
                } else {
                    format!("zone:{zone}")
                };
                let out = ok(
                    &name,
                    &e,
                    &with(&["simulate"], &["--fail", &target, "-o", "json"]),
                );
                json(&name, &out);
            }
        }
    }
}

#[test]
fn every_corpus_file_belongs_to_a_capture() {
    let inputs: Vec<(String, Vec<PathBuf>, usize)> = expectations()
        .into_iter()
        .map(|(n, e)| {
            let paths = e.paths();
            (n, paths, e.input_errors)
        })
        .collect();
    for (name, paths, _) in &inputs {
        for p in paths {
            assert!(p.exists(), "{name}: {} does not exist", p.display());
        }
    }
    let mut files = Vec::new();
    walk(&corpus(), &mut files);
    let meta = |p: &Path| {
        let rel = p.strip_prefix(corpus()).unwrap();
        rel.starts_with("expectations")
            || rel == Path::new("SOURCES.md")
            || rel.file_name().is_some_and(|n| n == "capture.sh")
    };
    let orphans: Vec<String> = files
        .iter()
        .filter(|f| !meta(f))
        .filter(|f| {
            !inputs
                .iter()
                .any(|(_, paths, _)| paths.iter().any(|p| f.starts_with(p)))
        })
        .map(|f| f.strip_prefix(corpus()).unwrap().display().to_string())
        .collect();
    assert!(orphans.is_empty(), "files no capture reads: {orphans:#?}");
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}
