//! One scenario end to end: start a control plane per cluster, load the cluster, export it (the
//! initial state the prediction starts from), predict with `quorum simulate` (and `quorum drill`),
//! inject the same events for real, wait until the cluster settles, export it again.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use quorum_core::simulate::drill::Drill;
use quorum_core::simulate::{Event, Target};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::Kube;
use crate::electors::Electors;
use crate::load::{self, Loaded, wait_for};
use crate::manifest::KWOK_LABEL;
use crate::objects::{self, kind, label, name, of_kind};
use crate::quorum::{self, ModelFlags};
use crate::{ControlPlane, Release, Start};

/// A failure scenario on one or more clusters.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub name: String,
    /// (cluster name, source objects): several for several data centres.
    pub clusters: Vec<(String, Vec<Value>)>,
    pub events: Vec<Event>,
    pub flags: ModelFlags,
    /// The drill file the scenario comes from, with its expectations.
    pub drill: Option<(PathBuf, Drill)>,
    pub start: Start,
    /// Where the suite found it (a sample, a seed).
    pub origin: String,
}

impl Scenario {
    /// The same scenario on another Kubernetes release (the control planes it starts, and the
    /// model's `--kubernetes-version` where quorum has it).
    pub fn on(mut self, release: Release) -> Scenario {
        self.start.release = release;
        self.flags.release = release;
        self
    }

    pub fn release(&self) -> Release {
        self.start.release
    }
}

/// A drain as `kubectl drain` did it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Drained {
    pub cluster: String,
    pub node: String,
    /// Pods still on the node, not deleted, when the drain gave up: refused by a budget.
    pub refused: Vec<String>,
    pub evicted: Vec<String>,
    pub exit_code: i32,
}

/// One cluster of a run.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ClusterRun {
    pub name: String,
    pub initial: PathBuf,
    pub after: PathBuf,
    /// Nodes that lost their heartbeats (failed, or on a side cut off from the control plane).
    pub failed_nodes: Vec<String>,
    /// Of those, the ones a partition cut off: up on their side, unseen by the control plane.
    #[serde(default)]
    pub cut_nodes: Vec<String>,
    pub notes: Vec<String>,
    pub leases: std::collections::BTreeMap<String, String>,
    pub load_seconds: f64,
}

/// What a run saw, for the comparison.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Observation {
    pub scenario: String,
    /// The Kubernetes release of the control planes (runs from before releases: the newest).
    #[serde(default)]
    pub release: Release,
    pub origin: String,
    pub events: Vec<String>,
    pub clusters: Vec<ClusterRun>,
    /// Seconds since the epoch when the events were injected.
    pub injected_at: f64,
    pub exported_at: f64,
    pub prediction: Value,
    pub drill_prediction: Option<Value>,
    pub drains: Vec<Drained>,
    pub release_on_cancel: bool,
    pub seconds: f64,
    /// Where the run's files are (exports, logs).
    pub dir: PathBuf,
}

/// At most this many control planes at once (`QUORUM_FIDELITY_PARALLEL`, default 3).
static SLOTS: (Mutex<usize>, Condvar) = (Mutex::new(0), Condvar::new());

pub struct Slot(usize);

impl Slot {
    pub fn take(n: usize) -> Slot {
        let max = std::env::var("QUORUM_FIDELITY_PARALLEL")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(3usize)
            .max(n);
        let (lock, cv) = &SLOTS;
        let mut used = lock.lock().unwrap();
        while *used + n > max {
            used = cv.wait(used).unwrap();
        }
        *used += n;
        Slot(n)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let (lock, cv) = &SLOTS;
        *lock.lock().unwrap() -= self.0;
        cv.notify_all();
    }
}

/// Where runs keep their exports and logs: `target/fidelity/`.
pub fn work_root() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("fidelity")
}

/// Where the runs on one release keep theirs: `target/fidelity/v1.37/<scenario>/` (the same
/// scenario may run on two releases at once).
pub fn work_dir(release: Release) -> PathBuf {
    work_root().join(format!("v{release}"))
}

/// The `simulate` flags of an event.
pub fn event_args(e: &Event) -> Vec<String> {
    match e {
        Event::Fail(t) => vec!["--fail".into(), t.to_string()],
        Event::Drain(t) => vec!["--drain".into(), t.to_string()],
        Event::Recover(t) => vec!["--recover".into(), t.to_string()],
        Event::Evict(p) => vec!["--evict".into(), format!("pod:{p}")],
        Event::Delete(p) => vec!["--delete".into(), format!("pod:{p}")],
        Event::Partition(sides) => vec![
            "--partition".into(),
            sides
                .iter()
                .map(|s| s.join(","))
                .collect::<Vec<_>>()
                .join("|"),
        ],
    }
}

/// A running cluster of a scenario.
struct Live {
    name: String,
    // Dropped in this order: the electors before their control plane.
    electors: Arc<Electors>,
    kube: Kube,
    cp: ControlPlane,
    objects: Vec<Value>,
    failed: Vec<String>,
    cut: Vec<String>,
    loaded: Loaded,
}

/// Splits `cluster/name` when the cluster is one of the scenario's.
fn scoped<'a>(clusters: &[Live], name: &'a str) -> (Option<usize>, &'a str) {
    if clusters.len() > 1
        && let Some((c, rest)) = name.split_once('/')
        && let Some(i) = clusters.iter().position(|l| l.name == c)
    {
        return (Some(i), rest);
    }
    (None, name)
}

/// Whether a node is one an event target names.
type NodeTest = Box<dyn Fn(&Value, &str) -> bool>;

/// The source nodes an event target covers, per cluster.
fn nodes_of(clusters: &[Live], target: &Target) -> Vec<(usize, Vec<String>)> {
    let (name, test): (&str, NodeTest) = match target {
        Target::Node(n) => (n, Box::new(|o, n| objects::name(o) == n)),
        Target::Zone(z) => (z, Box::new(|o, z| objects::zone(o) == z)),
        Target::Region(r) => (
            r,
            Box::new(|o, r| label(o, "topology.kubernetes.io/region") == Some(r)),
        ),
        Target::Cluster(c) => (c, Box::new(|_, _| true)),
    };
    let (only, name) = scoped(clusters, name);
    clusters
        .iter()
        .enumerate()
        .filter(|(i, l)| {
            only.is_none_or(|o| o == *i)
                && (!matches!(target, Target::Cluster(_)) || l.name == name)
        })
        .map(|(i, l)| {
            (
                i,
                of_kind(&l.objects, "Node")
                    .filter(|n| test(n, name))
                    .map(|n| objects::name(n).to_string())
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, nodes)| !nodes.is_empty())
        .collect()
}

/// The nodes a partition cuts off from each cluster's control plane: those on sides without a
/// majority of its control-plane nodes (or of the zones `--control-plane` names).
fn cut_off(
    clusters: &[Live],
    sides: &[Vec<String>],
    control_plane: &[String],
) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    for (i, l) in clusters.iter().enumerate() {
        let nodes: Vec<&Value> = of_kind(&l.objects, "Node").collect();
        let side_of = |node: &Value| {
            sides
                .iter()
                .position(|s| s.iter().any(|z| objects::zone(node) == z || *z == l.name))
        };
        let members: Vec<Option<usize>> = if control_plane.is_empty() {
            nodes
                .iter()
                .filter(|n| {
                    label(n, "node-role.kubernetes.io/control-plane").is_some()
                        || label(n, "node-role.kubernetes.io/master").is_some()
                })
                .map(|n| side_of(n))
                .collect()
        } else {
            control_plane
                .iter()
                .map(|z| sides.iter().position(|s| s.contains(z)))
                .collect()
        };
        if members.is_empty() {
            continue; // every side renews: nothing is cut off
        }
        // Zones no side names form a side of their own (index sides.len()).
        let side_index = |s: Option<usize>| s.unwrap_or(sides.len());
        let renewing: Vec<usize> = (0..=sides.len())
            .filter(|s| {
                members.iter().filter(|m| side_index(**m) == *s).count() * 2 > members.len()
            })
            .collect();
        let cut: Vec<String> = nodes
            .iter()
            .filter(|n| !renewing.contains(&side_index(side_of(n))))
            .map(|n| objects::name(n).to_string())
            .collect();
        if !cut.is_empty() {
            out.push((i, cut));
        }
    }
    out
}

impl Live {
    /// The node loses its heartbeats and its pods' electors die with it.
    fn fail(&mut self, nodes: &[String]) {
        self.electors.fail_nodes(nodes);
        let mut args = vec!["label", "node"];
        args.extend(nodes.iter().map(String::as_str));
        let unlabel = format!("{KWOK_LABEL}-");
        args.push(&unlabel);
        self.cp.kubectl_ok(&args, None);
        self.failed.extend(nodes.iter().cloned());
    }

    fn recover(&mut self, nodes: &[String]) {
        let mut args = vec!["label", "node", "--overwrite"];
        args.extend(nodes.iter().map(String::as_str));
        let relabel = format!("{KWOK_LABEL}=true");
        args.push(&relabel);
        self.cp.kubectl_ok(&args, None);
        self.failed.retain(|n| !nodes.contains(n));
        self.electors.recover_nodes(nodes);
    }

    fn drain(&self, node: &str) -> Drained {
        let out = self
            .cp
            .kubectl()
            .args([
                "drain",
                node,
                "--ignore-daemonsets",
                "--delete-emptydir-data",
                "--force",
                "--timeout=40s",
            ])
            .output()
            .expect("kubectl drain runs");
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        let pods = self.kube.list("pods");
        let refused: Vec<String> = pods
            .iter()
            .filter(|p| p["spec"]["nodeName"].as_str() == Some(node))
            .filter(|p| p["metadata"]["deletionTimestamp"].is_null())
            .filter(|p| objects::owner(p).is_none_or(|(k, _)| k != "DaemonSet"))
            .map(objects::key)
            .collect();
        let evicted = text
            .lines()
            .filter_map(|l| l.strip_prefix("pod/")?.strip_suffix(" evicted"))
            .map(String::from)
            .collect();
        Drained {
            cluster: self.name.clone(),
            node: node.to_string(),
            refused,
            evicted,
            exit_code: out.status.code().unwrap_or(-1),
        }
    }

    fn evict(&self, pod: &str) {
        let (ns, name) = pod.split_once('/').unwrap_or(("default", pod));
        let body = serde_json::json!({"apiVersion": "policy/v1", "kind": "Eviction",
            "metadata": {"name": name, "namespace": ns}});
        let _ = self
            .cp
            .kubectl()
            .args([
                "create",
                "--raw",
                &format!("/api/v1/namespaces/{ns}/pods/{name}/eviction"),
                "-f",
                "-",
            ])
            .stdin(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut c| {
                use std::io::Write;
                c.stdin
                    .take()
                    .unwrap()
                    .write_all(body.to_string().as_bytes())?;
                c.wait()
            });
    }
}

impl Live {
    /// Deletes a pod (no budget asked), as `kubectl delete pod` does.
    fn delete(&self, pod: &str) {
        let (ns, name) = pod.split_once('/').unwrap_or(("default", pod));
        let _ = self
            .cp
            .kubectl()
            .args(["-n", ns, "delete", "pod", name, "--wait=false"])
            .output();
    }
}

fn export(live: &Live, dir: &Path) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(dir);
    quorum::export(&live.cp.kubeconfig(), dir)
}

/// The latest moment the prediction says something happens (seconds after the events).
pub fn predicted_end(prediction: &Value) -> f64 {
    let timeline = prediction["timeline"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["t"].as_f64());
    let elections = prediction["reelections"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["after_seconds"].as_f64());
    timeline.chain(elections).fold(0.0, f64::max)
}

/// Runs a scenario; `None` when the control plane is not built (the reason was printed).
pub fn run(s: &Scenario, elector_bin: &Path) -> Result<Option<Observation>, String> {
    let started = Instant::now();
    let dir = work_dir(s.release()).join(&s.name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let _slot = Slot::take(s.clusters.len());
    // Start and load every cluster in parallel.
    let results: Vec<Result<Option<Live>, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = s
            .clusters
            .iter()
            .map(|(cluster, objects)| {
                let dir = dir.clone();
                scope.spawn(move || -> Result<Option<Live>, String> {
                    let Some(cp) = ControlPlane::start(&s.start) else {
                        return Ok(None);
                    };
                    let kube = Kube::connect(&cp);
                    let electors = Electors::new(
                        elector_bin.to_path_buf(),
                        cp.kubeconfig(),
                        dir.join(format!("logs-{cluster}")),
                    );
                    let options = load::Options {
                        release_on_cancel: s.flags.release_on_cancel,
                        release_only: None,
                        coordinated: false,
                    };
                    let loaded = load::load(&cp, &kube, objects, &electors, &options)
                        .map_err(|e| format!("{}: loading {cluster}: {e}", s.name))?;
                    electors.supervise(Kube::connect(&cp));
                    Ok(Some(Live {
                        name: cluster.clone(),
                        cp,
                        kube,
                        electors,
                        objects: objects.clone(),
                        failed: vec![],
                        cut: vec![],
                        loaded,
                    }))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a loader thread"))
            .collect()
    });
    let mut clusters = Vec::new();
    for r in results {
        match r? {
            Some(l) => clusters.push(l),
            None => return Ok(None),
        }
    }
    // The initial state, as `quorum export` sees it.
    let mut inputs = Vec::new();
    for l in &clusters {
        let d = dir.join(format!("initial-{}", l.name));
        export(l, &d)?;
        inputs.push((l.name.clone(), d));
    }
    let input_args = quorum::inputs(&inputs);
    let event_args: Vec<String> = s.events.iter().flat_map(event_args).collect();
    let prediction = quorum::simulate(&input_args, &event_args, &s.flags)?;
    std::fs::write(
        dir.join("prediction.json"),
        serde_json::to_string_pretty(&prediction).unwrap(),
    )
    .ok();
    let drill_prediction = match &s.drill {
        Some((file, _)) => Some(quorum::drill(&input_args, file, &s.flags)?),
        None => None,
    };
    // The same events, for real.
    let injected_at = objects::now_seconds();
    let mut drains = Vec::new();
    for e in &s.events {
        match e {
            Event::Fail(t) => {
                for (i, nodes) in nodes_of(&clusters, t) {
                    clusters[i].fail(&nodes);
                }
            }
            Event::Recover(t) => {
                for (i, nodes) in nodes_of(&clusters, t) {
                    clusters[i].recover(&nodes);
                }
            }
            Event::Partition(sides) => {
                for (i, nodes) in cut_off(&clusters, sides, &s.flags.control_plane) {
                    clusters[i].fail(&nodes);
                    clusters[i].cut.extend(nodes);
                }
            }
            Event::Drain(t) => {
                for (i, nodes) in nodes_of(&clusters, t) {
                    for n in nodes {
                        drains.push(clusters[i].drain(&n));
                    }
                }
            }
            Event::Evict(pod) => {
                let (only, pod) = scoped(&clusters, pod);
                for (i, l) in clusters.iter().enumerate() {
                    if only.is_none_or(|o| o == i) {
                        l.evict(pod);
                    }
                }
            }
            Event::Delete(pod) => {
                let (only, pod) = scoped(&clusters, pod);
                for (i, l) in clusters.iter().enumerate() {
                    if only.is_none_or(|o| o == i) {
                        l.delete(pod);
                    }
                }
            }
        }
    }
    settle(&clusters, &prediction, injected_at)?;
    let exported_at = objects::now_seconds();
    let mut runs = Vec::new();
    for l in &clusters {
        let d = dir.join(format!("after-{}", l.name));
        export(l, &d)?;
        runs.push(ClusterRun {
            name: l.name.clone(),
            initial: dir.join(format!("initial-{}", l.name)),
            after: d,
            failed_nodes: l.failed.clone(),
            cut_nodes: l.cut.clone(),
            notes: l.loaded.notes.clone(),
            leases: l.loaded.leases.clone(),
            load_seconds: l.loaded.seconds,
        });
    }
    for l in &clusters {
        l.electors.stop();
        // The controllers' own account, for explaining what the comparison finds.
        for component in ["kube-controller-manager", "kube-scheduler"] {
            std::fs::write(
                dir.join(format!("{component}-{}.log", l.name)),
                l.cp.log(component),
            )
            .ok();
        }
    }
    let obs = Observation {
        scenario: s.name.clone(),
        release: s.release(),
        origin: s.origin.clone(),
        events: s.events.iter().map(|e| e.to_string()).collect(),
        clusters: runs,
        injected_at,
        exported_at,
        prediction,
        drill_prediction,
        drains,
        release_on_cancel: s.flags.release_on_cancel,
        seconds: started.elapsed().as_secs_f64(),
        dir: dir.clone(),
    };
    std::fs::write(
        dir.join("observation.json"),
        serde_json::to_string_pretty(&obs).unwrap(),
    )
    .ok();
    Ok(Some(obs))
}

/// Waits until the real cluster has done what it will do: every failed node tainted NoExecute
/// and its pods' tolerations run out, every lease past its expiry and a candidate's jittered
/// retry, the prediction's last moment passed, and then nothing moving for five seconds.
fn settle(clusters: &[Live], prediction: &Value, injected_at: f64) -> Result<(), String> {
    let mut until = injected_at + predicted_end(prediction) + 5.0;
    for l in clusters {
        let longest_lease = of_kind(&l.objects, "Lease")
            .filter_map(|x| x["spec"]["leaseDurationSeconds"].as_f64())
            .fold(15.0, f64::max);
        until = until.max(injected_at + longest_lease + 2.0 * 2.0 * 2.2 + 2.0);
        if l.failed.is_empty() {
            continue;
        }
        let tainted_at = wait_for(
            Duration::from_secs(150),
            "the failed nodes' NoExecute taints",
            || {
                let nodes = l.kube.list("nodes");
                let mut latest: f64 = 0.0;
                for n in nodes
                    .iter()
                    .filter(|n| l.failed.iter().any(|f| f == name(n)))
                {
                    let t = n["spec"]["taints"].as_array().and_then(|t| {
                        t.iter().find(|t| {
                            t["effect"] == "NoExecute"
                                && t["key"]
                                    .as_str()
                                    .is_some_and(|k| k.starts_with("node.kubernetes.io/"))
                        })
                    })?;
                    latest = latest.max(t["timeAdded"].as_str().and_then(objects::seconds)?);
                }
                Some(latest)
            },
        )
        // A zone in partial disruption (or a cluster fully disrupted) is never tainted: the
        // comparison says so; the wait goes on.
        .unwrap_or_else(|_| objects::now_seconds());
        // Pods tolerate the taint for the admission default (10 s with short timings).
        until = until.max(tainted_at + 10.0 + 5.0);
    }
    let wait = until - objects::now_seconds();
    if wait > 0.0 {
        std::thread::sleep(Duration::from_secs_f64(wait));
    }
    for l in clusters {
        let mut last = String::new();
        let mut quiet_since = Instant::now();
        wait_for(Duration::from_secs(90), "the cluster to settle", || {
            let pods = l.kube.list("pods");
            let leases = l.kube.list("leases");
            let settled = pods.iter().all(|p| load::pod_settled(p, &l.failed));
            let mut sig: Vec<String> = pods
                .iter()
                .map(|p| {
                    format!(
                        "{} {} {} {}",
                        objects::key(p),
                        p["spec"]["nodeName"].as_str().unwrap_or("-"),
                        p["status"]["phase"].as_str().unwrap_or("-"),
                        p["metadata"]["deletionTimestamp"].is_null()
                    )
                })
                .chain(
                    leases
                        .iter()
                        .filter(|x| {
                            kind(x) == "Lease" && objects::namespace(x) != "kube-node-lease"
                        })
                        .map(|x| format!("{} {}", objects::key(x), x["spec"]["holderIdentity"])),
                )
                .collect();
            sig.sort();
            let sig = sig.join("\n");
            if sig != last {
                last = sig;
                quiet_since = Instant::now();
            }
            (settled && quiet_since.elapsed() >= Duration::from_secs(5)).then_some(())
        })?;
    }
    Ok(())
}
