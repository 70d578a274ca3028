//! Tests of the whole output: counts, consistency between the objects (consistency.rs), the YAML
//! against the JSON (yaml.rs), determinism, small and impossible clusters.

mod consistency;
mod yaml;

use std::io;

use crate::consts::HOT_NODES;
use crate::emit::Em;
use crate::objects::write_pod;
use crate::plan::{Plan, Workload};
use crate::{GenerateFormat, GenerateParams, GenerateStats, Shape, generate};

const KIND_ORDER: &[&str] = &[
    "Node",
    "Pod",
    "PersistentVolumeClaim",
    "PersistentVolume",
    "StorageClass",
    "Lease",
    "StatefulSet",
    "Deployment",
    "ReplicaSet",
    "PodDisruptionBudget",
];

fn run(params: &GenerateParams, format: GenerateFormat) -> (Vec<u8>, GenerateStats) {
    let mut out = Vec::new();
    let stats = generate(params, format, &mut out).expect("generate");
    assert_eq!(stats.bytes, out.len() as u64);
    (out, stats)
}

fn expected_total(st: &GenerateStats) -> usize {
    // PVs = PVCs, ReplicaSets = Deployments, two StorageClasses.
    st.nodes
        + st.pods
        + 2 * st.pvcs
        + 2
        + st.leases
        + st.statefulsets
        + 2 * st.deployments
        + st.pdbs
}

#[test]
fn for_pods_follows_the_published_limits() {
    assert_eq!(
        GenerateParams::for_pods(150_000),
        GenerateParams {
            nodes: 5_000,
            pods: 150_000,
            zones: 3,
            shape: Shape::Rich,
            seed: 42
        }
    );
    assert_eq!(GenerateParams::for_pods(3_000).nodes, 100);
    assert_eq!(GenerateParams::for_pods(10).nodes, 3);
    assert_eq!(GenerateParams::for_pods(1_000_000).nodes, 5_000);
}

#[test]
fn same_seed_same_bytes() {
    let params = GenerateParams {
        nodes: 40,
        pods: 700,
        zones: 3,
        shape: Shape::Rich,
        seed: 1234,
    };
    for format in [GenerateFormat::Json, GenerateFormat::Yaml] {
        let (a, sa) = run(&params, format);
        let (b, sb) = run(&params, format);
        assert!(a == b, "{format:?} output is not deterministic");
        assert_eq!(format!("{sa:?}"), format!("{sb:?}"));
        let (c, _) = run(
            &GenerateParams {
                seed: 1235,
                ..params
            },
            format,
        );
        assert!(a != c, "the seed changes nothing");
    }
}

#[test]
fn small_and_degenerate_clusters() {
    // No pods: nodes, their leases and the storage classes only.
    let (json, st) = run(
        &GenerateParams {
            nodes: 3,
            pods: 0,
            zones: 3,
            shape: Shape::Rich,
            seed: 1,
        },
        GenerateFormat::Json,
    );
    let doc: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(doc["items"].as_array().unwrap().len(), 3 + 2 + 3 + 2);
    assert_eq!(
        (st.pods, st.statefulsets, st.deployments, st.leases),
        (0, 0, 0, 5)
    );
    // Tiny cluster: the control plane takes workloads, five replicas share three nodes.
    let (json, st) = run(&GenerateParams::for_pods(50), GenerateFormat::Json);
    let doc: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(st.pods, 50);
    assert_eq!(doc["items"].as_array().unwrap().len(), expected_total(&st));
    // One zone, odd counts.
    let (_, st) = run(
        &GenerateParams {
            nodes: 7,
            pods: 101,
            zones: 1,
            shape: Shape::Rich,
            seed: 3,
        },
        GenerateFormat::Yaml,
    );
    assert_eq!(st.pods, 101);
    // No nodes, or more pods than nodes can hold.
    let mut sink = io::sink();
    let err = generate(
        &GenerateParams {
            nodes: 0,
            pods: 5,
            zones: 3,
            shape: Shape::Rich,
            seed: 1,
        },
        GenerateFormat::Json,
        &mut sink,
    );
    assert_eq!(err.unwrap_err().kind(), io::ErrorKind::InvalidInput);
    let err = generate(
        &GenerateParams {
            nodes: 10,
            pods: 2_000,
            zones: 3,
            shape: Shape::Rich,
            seed: 1,
        },
        GenerateFormat::Json,
        &mut sink,
    );
    assert_eq!(err.unwrap_err().kind(), io::ErrorKind::InvalidInput);
}

/// Sizes and timings at Kubernetes' limits:
/// `cargo test --release -p quorum-generate -- --ignored --nocapture limits_report`.
#[test]
#[ignore]
fn limits_report() {
    let params = GenerateParams::for_pods(150_000);
    let plan = Plan::build(&params).unwrap();
    let leased: Vec<&Workload> = plan.wls.iter().filter(|w| w.lease).collect();
    let hot = leased
        .iter()
        .filter(|w| (plan.pods[w.holder as usize].node as usize) < HOT_NODES)
        .count();
    eprintln!(
        "leader leases: {} ({} on the first {HOT_NODES} nodes, {:.1}%)",
        leased.len(),
        hot,
        100.0 * hot as f64 / leased.len() as f64
    );
    // Pod sizes inside the list (8 columns deep, as in the export) and alone (as
    // `kubectl get pod NAME -o json` prints one).
    let mut out = Vec::new();
    let mut e = Em::new(&mut out, false);
    e.obj();
    e.kseq("items");
    e.take_buffered();
    let mut in_list = 0u64;
    for p in 0..plan.pods.len() {
        write_pod(&plan, &mut e, p);
        in_list += e.take_buffered() as u64;
    }
    drop(e);
    let mut alone = 0u64;
    for p in 0..plan.pods.len() {
        let mut out = Vec::new();
        let mut e = Em::new(&mut out, false);
        write_pod(&plan, &mut e, p);
        alone += e.finish().unwrap();
    }
    let n = plan.pods.len() as f64;
    eprintln!(
        "average pod JSON: {:.0} bytes in the list, {:.0} bytes alone",
        in_list as f64 / n,
        alone as f64 / n
    );
    for format in [GenerateFormat::Json, GenerateFormat::Yaml] {
        let path = std::env::temp_dir().join(format!("quorum-generate-{format:?}.out"));
        let file = std::fs::File::create(&path).unwrap();
        let mut w = io::BufWriter::new(file);
        let t = std::time::Instant::now();
        let st = generate(&params, format, &mut w).unwrap();
        drop(w);
        let file_time = t.elapsed();
        let t = std::time::Instant::now();
        generate(&params, format, &mut io::sink()).unwrap();
        let sink_time = t.elapsed();
        std::fs::remove_file(&path).unwrap();
        eprintln!(
            "{format:?}: {} bytes ({:.1} MiB), {:.2?} to a file, {:.2?} to a sink; {st:?}",
            st.bytes,
            st.bytes as f64 / (1 << 20) as f64,
            file_time,
            sink_time
        );
    }
}

/// Strips from a rich object what a lean one does not carry (and the lean pod's
/// `automountServiceAccountToken`), so that both shapes compare equal.
fn strip_to_lean(item: &mut serde_json::Value) {
    let kind = item["kind"].as_str().unwrap_or_default().to_string();
    let spec = match kind.as_str() {
        "Pod" => {
            if let Some(meta) = item["metadata"].as_object_mut() {
                meta.remove("annotations");
            }
            item.get_mut("spec")
        }
        "StatefulSet" | "Deployment" | "ReplicaSet" => {
            if let Some(meta) = item["spec"]["template"]["metadata"].as_object_mut() {
                meta.remove("annotations");
            }
            item.get_mut("spec")
                .and_then(|s| s.get_mut("template"))
                .and_then(|t| t.get_mut("spec"))
        }
        _ => None,
    };
    let Some(spec) = spec.and_then(|s| s.as_object_mut()) else {
        return;
    };
    spec.remove("automountServiceAccountToken");
    for container in spec["containers"].as_array_mut().unwrap() {
        let c = container.as_object_mut().unwrap();
        for key in ["env", "livenessProbe", "readinessProbe"] {
            c.remove(key);
        }
        if let Some(mounts) = c.get_mut("volumeMounts").and_then(|m| m.as_array_mut()) {
            mounts.retain(|m| m["name"] == "data");
            if mounts.is_empty() {
                c.remove("volumeMounts");
            }
        }
    }
    if let Some(volumes) = spec.get_mut("volumes").and_then(|v| v.as_array_mut()) {
        volumes.retain(|v| v["name"] == "data");
        if volumes.is_empty() {
            spec.remove("volumes");
        }
    }
}

#[test]
fn lean_is_rich_without_what_the_loader_skips() {
    let rich = GenerateParams {
        nodes: 60,
        pods: 1_500,
        zones: 3,
        seed: 11,
        shape: Shape::Rich,
    };
    let lean = GenerateParams {
        shape: Shape::Lean,
        ..rich
    };
    let (rich_bytes, rich_stats) = run(&rich, GenerateFormat::Json);
    let (lean_bytes, lean_stats) = run(&lean, GenerateFormat::Json);
    assert!(
        lean_bytes.len() * 10 < rich_bytes.len() * 8,
        "lean is not much smaller: {} vs {} bytes",
        lean_bytes.len(),
        rich_bytes.len()
    );
    assert_eq!(
        (
            rich_stats.pods,
            rich_stats.pvcs,
            rich_stats.leases,
            rich_stats.pdbs
        ),
        (
            lean_stats.pods,
            lean_stats.pvcs,
            lean_stats.leases,
            lean_stats.pdbs
        )
    );
    let mut rich: serde_json::Value = serde_json::from_slice(&rich_bytes).unwrap();
    let mut lean: serde_json::Value = serde_json::from_slice(&lean_bytes).unwrap();
    let lean_items = lean["items"].as_array_mut().unwrap();
    let pods = lean_items.iter().filter(|i| i["kind"] == "Pod");
    assert!(
        pods.clone()
            .all(|p| p["spec"]["automountServiceAccountToken"] == false)
    );
    assert!(
        pods.clone()
            .all(|p| p["metadata"].get("annotations").is_none())
    );
    let rich_items = rich["items"].as_array_mut().unwrap();
    assert_eq!(rich_items.len(), lean_items.len());
    for (r, l) in rich_items.iter_mut().zip(lean_items) {
        strip_to_lean(r);
        strip_to_lean(l);
        assert_eq!(r, l, "{} {} differs", l["kind"], l["metadata"]["name"]);
    }
}
