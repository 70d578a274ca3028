//! The YAML export against the JSON one: kubectl's layout and quoting, and the same objects
//! once read back (by a reader for the subset of YAML that kubectl prints).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{expected_total, run};
use crate::{GenerateFormat, GenerateParams, Shape};

// A reader for the YAML subset kubectl prints, to compare the YAML with the JSON.
fn yaml_to_value(src: &str) -> Value {
    let mut lines: Vec<(usize, &str)> = src
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let t = l.trim_start_matches(' ');
            (l.len() - t.len(), t)
        })
        .collect();
    let mut i = 0;
    let v = yaml_node(&mut lines, &mut i, 0);
    assert_eq!(i, lines.len(), "trailing YAML at line {i}");
    v
}

fn is_dash(t: &str) -> bool {
    t == "-" || t.starts_with("- ")
}

fn yaml_node(lines: &mut [(usize, &str)], i: &mut usize, indent: usize) -> Value {
    assert_eq!(
        lines[*i].0, indent,
        "bad indentation at line {i}: {:?}",
        lines[*i]
    );
    if is_dash(lines[*i].1) {
        yaml_seq(lines, i, indent)
    } else {
        yaml_map(lines, i, indent)
    }
}

fn yaml_seq(lines: &mut [(usize, &str)], i: &mut usize, indent: usize) -> Value {
    let mut out = Vec::new();
    while *i < lines.len() && lines[*i].0 == indent && is_dash(lines[*i].1) {
        let rest = lines[*i].1.get(2..).unwrap_or("");
        let is_entry = !rest.starts_with(['\'', '"', '{', '['])
            && (rest.contains(": ") || rest.ends_with(':'));
        if is_dash(rest) {
            lines[*i] = (indent + 2, rest);
            out.push(yaml_seq(lines, i, indent + 2));
        } else if is_entry {
            lines[*i] = (indent + 2, rest);
            out.push(yaml_map(lines, i, indent + 2));
        } else {
            *i += 1;
            out.push(yaml_scalar_lines(lines, i, indent, rest));
        }
    }
    Value::Array(out)
}

fn yaml_map(lines: &mut [(usize, &str)], i: &mut usize, indent: usize) -> Value {
    let mut m = Map::new();
    while *i < lines.len() && lines[*i].0 == indent && !is_dash(lines[*i].1) {
        let text = lines[*i].1;
        let (k, v) = match text.find(": ") {
            Some(p) => (&text[..p], &text[p + 2..]),
            None => (
                text.strip_suffix(':')
                    .unwrap_or_else(|| panic!("not a key: {text:?}")),
                "",
            ),
        };
        *i += 1;
        let val = if !v.is_empty() {
            yaml_scalar_lines(lines, i, indent, v)
        } else if *i < lines.len() && lines[*i].0 > indent {
            let child = lines[*i].0;
            yaml_node(lines, i, child)
        } else if *i < lines.len() && lines[*i].0 == indent && is_dash(lines[*i].1) {
            yaml_seq(lines, i, indent)
        } else {
            Value::Null
        };
        assert!(m.insert(k.to_string(), val).is_none(), "duplicate key {k}");
    }
    Value::Object(m)
}

/// A scalar and its folded continuation lines (deeper than `indent`).
fn yaml_scalar_lines(lines: &[(usize, &str)], i: &mut usize, indent: usize, first: &str) -> Value {
    let mut text = first.to_string();
    while *i < lines.len() && lines[*i].0 > indent {
        text.push(' ');
        text.push_str(lines[*i].1);
        *i += 1;
    }
    match text.as_str() {
        "{}" => Value::Object(Map::new()),
        "[]" => Value::Array(Vec::new()),
        "null" => Value::Null,
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        t if t.starts_with('\'') => Value::String(t[1..t.len() - 1].replace("''", "'")),
        t if t.starts_with('"') => Value::String(
            t[1..t.len() - 1]
                .replace("\\\"", "\"")
                .replace("\\\\", "\\"),
        ),
        t => t
            .parse::<i64>()
            .map_or_else(|_| Value::String(t.to_string()), Value::from),
    }
}

#[test]
fn yaml_3000_pods_has_the_same_items() {
    let params = GenerateParams::for_pods(3_000);
    let (bytes, st) = run(&params, GenerateFormat::Yaml);
    let text = std::str::from_utf8(&bytes).unwrap();
    assert!(text.starts_with(
        "apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Node\n  metadata:\n    annotations:\n"
    ));
    assert!(text.ends_with("\nkind: List\nmetadata:\n  resourceVersion: \"\"\n"));
    // Every item starts at column 0; a StorageClass's first key is `allowVolumeExpansion`.
    let items = text.lines().filter(|l| l.starts_with("- ")).count();
    assert_eq!(items, expected_total(&st));
    let with_api_version_first = text
        .lines()
        .filter(|l| l.starts_with("- apiVersion:"))
        .count();
    assert_eq!(with_api_version_first, expected_total(&st) - 2);
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("- allowVolumeExpansion: true"))
            .count(),
        2
    );
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for l in text.lines().filter(|l| l.starts_with("  kind: ")) {
        *counts.entry(&l[8..]).or_default() += 1;
    }
    assert_eq!(counts["Node"], 100);
    assert_eq!(counts["Pod"], 3_000);
    assert_eq!(counts["PersistentVolumeClaim"], st.pvcs);
    assert_eq!(counts["PersistentVolume"], st.pvcs);
    assert_eq!(counts["Lease"], st.leases);
    assert_eq!(counts["StatefulSet"], st.statefulsets);
    assert_eq!(counts["ReplicaSet"], st.deployments);
    assert_eq!(counts["PodDisruptionBudget"], st.pdbs);
    // kubectl-style quoting.
    assert!(text.contains("\n      node.alpha.kubernetes.io/ttl: \"0\"\n"));
    assert!(text.contains("\n      cpu: \"16\"\n"));
    assert!(text.contains("\n      memory: 64Gi\n"));
    assert!(text.contains("\n    creationTimestamp: \"20"));
    assert!(text.contains("\n      csi.volume.kubernetes.io/nodeid: '{\"ebs.csi.aws.com\":\"i-0"));
    assert!(text.contains("\n        maxSurge: 25%\n"));
    assert!(text.contains("\n    - lastProbeTime: null\n"));
    // The NotReady node's long message is folded at 80 columns.
    assert!(text.contains("\n      message: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady\n        message:Network plugin returns error: cni plugin not initialized'\n"));
    assert!(text.lines().all(|l| !l.ends_with(' ')));
}

#[test]
fn yaml_and_json_describe_the_same_objects() {
    for shape in [Shape::Rich, Shape::Lean] {
        let params = GenerateParams {
            nodes: 800,
            pods: 2_400,
            zones: 3,
            seed: 7,
            shape,
        };
        let (json, _) = run(&params, GenerateFormat::Json);
        let (yaml, _) = run(&params, GenerateFormat::Yaml);
        let from_json: Value = serde_json::from_slice(&json).unwrap();
        let from_yaml = yaml_to_value(std::str::from_utf8(&yaml).unwrap());
        let (a, b) = (
            from_json["items"].as_array().unwrap(),
            from_yaml["items"].as_array().unwrap(),
        );
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            assert_eq!(x, y, "{shape:?}: item {} differs", x["metadata"]["name"]);
        }
        assert_eq!(from_json, from_yaml);
    }
}
