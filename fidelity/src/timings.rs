//! Failover timings: real lease takeovers between `quorum-elector`s, several runs of each way a
//! leader goes away, next to what `quorum simulate` predicts for the same leases.
//!
//! | mode | real | predicted with |
//! |---|---|---|
//! | `crash` | the leader's elector is SIGKILLed | `--fail node:N` (its node) |
//! | `graceful` | SIGTERM, the lease is left to expire | `--evict pod:P` |
//! | `graceful-release` | SIGTERM with `--release-on-cancel` | `--evict pod:P --release-on-cancel` |
//! | `partition` | the leader's node loses its heartbeats, its elector is SIGKILLed | `--partition 'ITS-ZONE\|z-shared' --control-plane z-shared` |
//! | `handover` | the `kubectl patch lease ... preferredHolder` step of `quorum plan --goal leaders` | the plan's step (targeted) |
//!
//! Each lease belongs to a Deployment of three replicas, one on its own node (in its own zone)
//! where the leader stands, two on shared nodes.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::api::Kube;
use crate::electors::Electors;
use crate::load::{self, wait_for};
use crate::manifest::KWOK_LABEL;
use crate::objects;
use crate::quorum::{self, ModelFlags};
use crate::scenario::{Slot, work_dir};
use crate::{ControlPlane, Release, Start};

pub const MODES: [&str; 5] = [
    "crash",
    "graceful",
    "graceful-release",
    "partition",
    "handover",
];

/// One measured takeover.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Takeover {
    pub mode: String,
    pub lease: String,
    pub from: String,
    /// The new holder, if any took over within the wait.
    pub to: Option<String>,
    /// Seconds from the leader going away to the new holder's acquireTime.
    pub seconds: Option<f64>,
    /// What `quorum simulate` (or the plan) predicts: `after_seconds` and the candidates.
    pub predicted_seconds: Option<f64>,
    pub predicted_candidates: Vec<String>,
}

/// All runs.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Timings {
    pub takeovers: Vec<Takeover>,
    pub runs_per_mode: usize,
    pub seconds: f64,
    pub notes: Vec<String>,
}

const NS: &str = "failover";

fn node(name: &str, zone: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Node",
           "metadata": {"name": name, "labels": {"topology.kubernetes.io/zone": zone}},
           "status": {"capacity": {"cpu": "32", "memory": "64Gi", "pods": "110"},
                      "allocatable": {"cpu": "32", "memory": "64Gi", "pods": "110"}}})
}

/// The cluster: two shared nodes and one node (in a zone of its own) per lease.
pub fn cluster(runs: usize) -> Vec<Value> {
    let mut objects = vec![
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}}),
        node("shared-1", "z-shared"),
        node("shared-2", "z-shared"),
    ];
    for mode in MODES {
        for i in 0..runs {
            let app = format!("{mode}-{i}");
            // Handover leaders all start on shared-1, so the plan has something to spread.
            let own = format!("n-{app}");
            objects.push(node(&own, &format!("z-{app}")));
            let holder_node = if mode == "handover" { "shared-1" } else { &own };
            let template = json!({"metadata": {"labels": {"app": app}}, "spec": {
                "containers": [{"name": "app", "image": "registry.invalid/app:1",
                                "resources": {"requests": {"cpu": "10m"}}}],
                "affinity": {
                    "nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                        {"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In",
                                               "values": [own, "shared-1", "shared-2"]}]}]}},
                    "podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                        {"labelSelector": {"matchLabels": {"app": app}}, "topologyKey": "kubernetes.io/hostname"}]}}}});
            objects.push(json!({"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": app, "namespace": NS},
                "spec": {"replicas": 3, "selector": {"matchLabels": {"app": app}}, "template": template}}));
            let rs = format!("{app}-source");
            objects.push(json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
                "metadata": {"name": rs, "namespace": NS, "ownerReferences": [
                    {"apiVersion": "apps/v1", "kind": "Deployment", "name": app, "controller": true}]},
                "spec": {"replicas": 3, "selector": {"matchLabels": {"app": app}}, "template": template}}));
            objects.push(json!({"apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": format!("{rs}-0"), "namespace": NS, "labels": {"app": app},
                             "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs, "controller": true}]},
                "spec": {"nodeName": holder_node, "containers": [{"name": "app"}]}}));
            objects.push(
                json!({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                "metadata": {"name": app, "namespace": NS},
                "spec": {"holderIdentity": format!("{rs}-0"), "leaseDurationSeconds": 15}}),
            );
        }
    }
    objects
}

fn lease_state(kube: &Kube) -> BTreeMap<String, (String, Option<f64>)> {
    kube.list("leases")
        .iter()
        .filter(|l| objects::namespace(l) == NS)
        .map(|l| {
            (
                objects::name(l).to_string(),
                (
                    l["spec"]["holderIdentity"]
                        .as_str()
                        .unwrap_or("")
                        .to_string(),
                    l["spec"]["acquireTime"].as_str().and_then(objects::seconds),
                ),
            )
        })
        .collect()
}

fn simulate_one(
    inputs: &[String],
    events: Vec<String>,
    flags: &ModelFlags,
    lease: &str,
) -> (Option<f64>, Vec<String>) {
    let Ok(p) = quorum::simulate(inputs, &events, flags) else {
        return (None, vec![]);
    };
    let key = format!("{NS}/{lease}");
    match p["reelections"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["lease"] == key.as_str())
    {
        Some(r) => (
            r["after_seconds"].as_f64(),
            r["candidates"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|c| c.as_str().map(String::from))
                .collect(),
        ),
        None => (None, vec![]),
    }
}

/// Measures `runs` takeovers of each mode on one control plane of `release` (with the
/// CoordinatedLeaderElection gate on the API server, so `preferredHolder` is kept). `None` when the
/// control plane is not built.
pub fn measure(
    runs: usize,
    elector_bin: &Path,
    release: Release,
) -> Result<Option<Timings>, String> {
    let started = std::time::Instant::now();
    let dir = work_dir(release).join("failover-timings");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let _slot = Slot::take(1);
    let start = Start::short()
        .release(release)
        .coordinated_leader_election();
    let Some(cp) = ControlPlane::start(&start) else {
        return Ok(None);
    };
    let kube = Kube::connect(&cp);
    let objects = cluster(runs);
    let mut timings = Timings {
        runs_per_mode: runs,
        ..Timings::default()
    };
    let electors: Arc<Electors> =
        Electors::new(elector_bin.into(), cp.kubeconfig(), dir.join("logs"));
    // Only the graceful-release leases' electors release on SIGTERM.
    let options = load::Options {
        release_on_cancel: true,
        release_only: Some("graceful-release-".into()),
        coordinated: true,
    };
    let loaded = load::load(&cp, &kube, &objects, &electors, &options)?;
    electors.supervise(Kube::connect(&cp));
    let initial = dir.join("initial");
    quorum::export(&cp.kubeconfig(), &initial)?;
    let inputs = quorum::inputs(&[("default".into(), initial.clone())]);
    let flags = ModelFlags {
        release,
        ..ModelFlags::short()
    };
    // The plan's targeted handovers, for the handover leases.
    let plan = std::process::Command::new(quorum::binary()?)
        .arg("plan")
        .args(&inputs)
        .args(quorum::kubernetes_version_args("plan", release))
        .args(["--goal", "leaders", "-o", "json", "--color", "never"])
        .output()
        .map_err(|e| e.to_string())?;
    let plan: Value =
        serde_json::from_slice(&plan.stdout).map_err(|e| format!("quorum plan -o json: {e}"))?;
    let steps: Vec<&Value> = plan["steps"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| {
            s["action"] == "handover"
                && s["lease"]
                    .as_str()
                    .is_some_and(|l| l.starts_with(&format!("{NS}/handover-")))
        })
        .collect();
    if steps.is_empty() {
        timings
            .notes
            .push("quorum plan --goal leaders proposed no handover for the handover leases".into());
    }
    let pods = kube.list("pods");
    let node_of = |pod: &str| {
        pods.iter()
            .find(|p| objects::name(p) == pod)
            .and_then(|p| p["spec"]["nodeName"].as_str().map(String::from))
            .unwrap_or_default()
    };
    // Predictions, one simulation per lease.
    // Each lease's takeover to be, and when its leader went away.
    let mut pending: Vec<(Takeover, f64)> = Vec::new();
    for (lease, holder) in &loaded.leases {
        let name = lease.trim_start_matches(&format!("{NS}/")).to_string();
        let mode = MODES
            .iter()
            .find(|m| {
                name.starts_with(&format!("{m}-")) && name[m.len() + 1..].parse::<usize>().is_ok()
            })
            .copied()
            .unwrap_or("crash");
        let node = node_of(holder);
        let (predicted, candidates) = match mode {
            "crash" => simulate_one(
                &inputs,
                vec!["--fail".into(), format!("node:{node}")],
                &flags,
                &name,
            ),
            "graceful" => simulate_one(
                &inputs,
                vec!["--evict".into(), format!("pod:{NS}/{holder}")],
                &flags,
                &name,
            ),
            "graceful-release" => {
                let f = ModelFlags {
                    release_on_cancel: true,
                    ..flags.clone()
                };
                simulate_one(
                    &inputs,
                    vec!["--evict".into(), format!("pod:{NS}/{holder}")],
                    &f,
                    &name,
                )
            }
            "partition" => {
                let f = ModelFlags {
                    control_plane: vec!["z-shared".into()],
                    ..flags.clone()
                };
                simulate_one(
                    &inputs,
                    vec!["--partition".into(), format!("z-{name}|z-shared")],
                    &f,
                    &name,
                )
            }
            _ => match steps.iter().find(|s| s["lease"] == lease.as_str()) {
                Some(s) => (Some(0.0), vec![s["to"].as_str().unwrap_or("").to_string()]),
                None => {
                    timings.notes.push(format!(
                        "{lease}: `quorum plan --goal leaders` keeps its leader where it is (no step)"
                    ));
                    continue;
                }
            },
        };
        pending.push((
            Takeover {
                mode: mode.to_string(),
                lease: name,
                from: holder.clone(),
                to: None,
                seconds: None,
                predicted_seconds: predicted,
                predicted_candidates: candidates,
            },
            0.0,
        ));
    }
    // Everything goes away at once.
    let kubectl_dir = Path::new(&cp.env["QUORUM_CP_KUBECTL"])
        .parent()
        .map(Path::to_path_buf);
    for (t, at) in pending.iter_mut() {
        let (name, holder) = (&t.lease, &t.from);
        *at = objects::now_seconds();
        match t.mode.as_str() {
            "crash" => {
                electors.signal(holder, name, "KILL");
            }
            "graceful" | "graceful-release" => {
                electors.signal(holder, name, "TERM");
            }
            "partition" => {
                let node = node_of(holder);
                electors.fail_nodes(std::slice::from_ref(&node));
                cp.kubectl_ok(&["label", "node", &node, &format!("{KWOK_LABEL}-")], None);
            }
            _ => {
                if let Some(step) = steps
                    .iter()
                    .find(|s| s["lease"] == format!("{NS}/{name}").as_str())
                {
                    let command = step["kubectl"].as_str().unwrap_or("");
                    let mut sh = std::process::Command::new("sh");
                    sh.arg("-c").arg(command).env("KUBECONFIG", cp.kubeconfig());
                    if let Some(d) = &kubectl_dir {
                        let path = std::env::var("PATH").unwrap_or_default();
                        sh.env("PATH", format!("{}:{path}", d.display()));
                    }
                    let out = sh.output().map_err(|e| e.to_string())?;
                    if !out.status.success() {
                        timings.notes.push(format!(
                            "{command}: {}",
                            String::from_utf8_lossy(&out.stderr).trim()
                        ));
                    }
                }
            }
        }
    }
    // Wait for the slowest: a lease's duration plus two jittered retries, and a margin.
    let until = objects::now_seconds() + 15.0 + 2.0 * 2.0 * 2.2 + 4.0;
    let _ = wait_for(Duration::from_secs(60), "every lease taken over", || {
        let now = lease_state(&kube);
        let done = pending
            .iter()
            .filter(|(t, _)| t.mode != "handover")
            .all(|(t, _)| {
                now.get(&t.lease)
                    .is_some_and(|(h, _)| *h != t.from && !h.is_empty())
            });
        (done || objects::now_seconds() > until).then_some(())
    });
    std::thread::sleep(Duration::from_secs(2));
    let after = lease_state(&kube);
    for (mut t, at) in pending {
        let (now, acquired) = after.get(&t.lease).cloned().unwrap_or_default();
        if now != t.from && !now.is_empty() {
            t.seconds = acquired.map(|a| a - at);
            t.to = Some(now);
        }
        t.lease = format!("{NS}/{}", t.lease);
        timings.takeovers.push(t);
    }
    electors.stop();
    timings.seconds = started.elapsed().as_secs_f64();
    std::fs::write(
        dir.join("timings.json"),
        serde_json::to_string_pretty(&timings).unwrap(),
    )
    .ok();
    Ok(Some(timings))
}
