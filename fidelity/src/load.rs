//! Puts a cluster (a sample's export, or a generated one) into the real control plane: KWOK
//! nodes with the same names, labels, taints and capacity; namespaces, service accounts,
//! StorageClasses, PVs with their node affinity and PVCs pre-bound to them; StatefulSets,
//! Deployments, DaemonSets and PDBs. The real controllers create the pods and the real scheduler
//! places them (pinned PVs pin what matters). Then each leader Lease is created for the real pod
//! that stands where the source's holder stood, and one elector per replica pod campaigns for it.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::ControlPlane;
use crate::api::Kube;
use crate::electors::{Electors, LeaseElectors};
use crate::manifest;
use crate::objects::{self, condition, condition_true, kind, name, namespace, of_kind, owner};

/// How to load.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Electors release their lease on SIGTERM.
    pub release_on_cancel: bool,
    /// ... only those of leases named with this prefix.
    pub release_only: Option<String>,
    /// Leases carry `strategy` so `spec.preferredHolder` may be set (needs the API server's
    /// CoordinatedLeaderElection gate).
    pub coordinated: bool,
}

/// What the load did, for the report.
#[derive(Clone, Debug, Default)]
pub struct Loaded {
    /// Leases created: `namespace/name` → first holder.
    pub leases: BTreeMap<String, String>,
    /// What could not be reproduced, and why.
    pub notes: Vec<String>,
    pub seconds: f64,
}

const WORKLOAD_KINDS: [&str; 4] = ["StatefulSet", "Deployment", "DaemonSet", "ReplicaSet"];

/// The workload (kind, namespace, name) a source pod belongs to: a ReplicaSet's Deployment when
/// it has one.
pub fn workload_of<'a>(objects: &'a [Value], pod: &'a Value) -> Option<&'a Value> {
    let (k, n) = owner(pod)?;
    let ns = namespace(pod);
    let direct = objects
        .iter()
        .find(|o| kind(o) == k && namespace(o) == ns && name(o) == n)?;
    if k == "ReplicaSet"
        && let Some(("Deployment", d)) = owner(direct)
    {
        return objects
            .iter()
            .find(|o| kind(o) == "Deployment" && namespace(o) == ns && name(o) == d);
    }
    Some(direct)
}

/// The source pod a holder identity names: the exact name, or the part before the last `_`.
pub fn holder_pod<'a>(objects: &'a [Value], lease: &Value) -> Option<&'a Value> {
    let holder = lease["spec"]["holderIdentity"].as_str()?;
    let candidates = [Some(holder), holder.rsplit_once('_').map(|(pod, _)| pod)];
    for want in candidates.into_iter().flatten() {
        let mut pods = of_kind(objects, "Pod").filter(|p| name(p) == want);
        let first = pods.next();
        let same_ns =
            of_kind(objects, "Pod").find(|p| name(p) == want && namespace(p) == namespace(lease));
        if let Some(p) = same_ns.or(first) {
            return Some(p);
        }
    }
    None
}

fn create(cp: &ControlPlane, items: Vec<Value>) {
    if items.is_empty() {
        return;
    }
    cp.kubectl_ok(&["create", "-f", "-"], Some(&manifest::list(items)));
}

/// Whether a workload created from the source runs here (a ReplicaSet a Deployment owns does
/// not: the Deployment makes its own).
fn creatable(o: &Value) -> bool {
    WORKLOAD_KINDS.contains(&kind(o)) && !(kind(o) == "ReplicaSet" && owner(o).is_some())
}

/// Loads `objects` into the control plane and starts the electors; returns once every pod runs
/// Ready or is Pending for a reason and every lease is renewed by its holder's elector.
pub fn load(
    cp: &ControlPlane,
    kube: &Kube,
    objects: &[Value],
    electors: &Arc<Electors>,
    options: &Options,
) -> Result<Loaded, String> {
    let started = Instant::now();
    let mut loaded = Loaded::default();
    create(
        cp,
        manifest::namespaces(objects)
            .iter()
            .map(|n| manifest::namespace_object(n))
            .collect(),
    );
    let mut accounts: Vec<(String, String)> = objects
        .iter()
        .filter(|o| creatable(o))
        .filter_map(|o| {
            let sa = o["spec"]["template"]["spec"]["serviceAccountName"].as_str()?;
            (sa != "default").then(|| (namespace(o).to_string(), sa.to_string()))
        })
        .collect();
    accounts.sort();
    accounts.dedup();
    create(
        cp,
        accounts
            .iter()
            .map(|(ns, n)| manifest::service_account(ns, n))
            .collect(),
    );
    let nodes: Vec<Value> = of_kind(objects, "Node").map(manifest::node).collect();
    let node_count = nodes.len();
    create(cp, nodes);
    wait_for(Duration::from_secs(60), "every node Ready", || {
        let ready = kube
            .list("nodes")
            .iter()
            .filter(|n| condition_true(n, "Ready"))
            .count();
        (ready == node_count).then_some(())
    })?;
    let mut storage: Vec<Value> = of_kind(objects, "StorageClass")
        .map(manifest::storage_class)
        .collect();
    storage.extend(of_kind(objects, "PersistentVolume").map(manifest::persistent_volume));
    storage
        .extend(of_kind(objects, "PersistentVolumeClaim").map(manifest::persistent_volume_claim));
    let claims = of_kind(objects, "PersistentVolumeClaim").count();
    create(cp, storage);
    // A pod scheduled before its pre-bound claim is Bound waits in the scheduler's backoff
    // ("unbound immediate PersistentVolumeClaims"): let the PV controller bind them first.
    wait_for(Duration::from_secs(60), "every claim Bound", || {
        let bound = kube
            .list("persistentvolumeclaims")
            .iter()
            .filter(|c| c["status"]["phase"].as_str() == Some("Bound"))
            .count();
        (bound >= claims).then_some(())
    })?;
    let mut workloads: Vec<Value> = of_kind(objects, "PodDisruptionBudget")
        .map(manifest::pod_disruption_budget)
        .collect();
    workloads.extend(
        objects
            .iter()
            .filter(|o| creatable(o))
            .map(manifest::workload),
    );
    create(cp, workloads);
    for pod in of_kind(objects, "Pod") {
        match owner(pod) {
            None => loaded.notes.push(format!(
                "bare pod {} not reproduced: nothing would recreate it",
                objects::key(pod)
            )),
            Some(("Node", _)) => {} // static pods: the control plane runs off the fake nodes
            Some((k, _)) if !WORKLOAD_KINDS.contains(&k) => loaded.notes.push(format!(
                "pod {} of a {k} not reproduced: its controller does not run here",
                objects::key(pod)
            )),
            _ => {}
        }
    }
    wait_settled(kube, objects, Duration::from_secs(120))?;
    leases(cp, kube, objects, electors, options, &mut loaded)?;
    loaded.seconds = started.elapsed().as_secs_f64();
    Ok(loaded)
}

/// Polls `f` every half second until it answers, or fails naming `what`.
pub fn wait_for<T>(
    timeout: Duration,
    what: &str,
    mut f: impl FnMut() -> Option<T>,
) -> Result<T, String> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = f() {
            return Ok(v);
        }
        if Instant::now() > deadline {
            return Err(format!("timed out after {timeout:?} waiting for {what}"));
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// Whether a pod is done moving: Running and Ready, or Pending because the scheduler found no
/// node (or on a node that stopped: its state will not change).
pub fn pod_settled(pod: &Value, failed_nodes: &[String]) -> bool {
    let node = pod["spec"]["nodeName"].as_str().unwrap_or("");
    if failed_nodes.iter().any(|n| n == node) {
        return true;
    }
    if !pod["metadata"]["deletionTimestamp"].is_null() {
        return false;
    }
    match pod["status"]["phase"].as_str() {
        Some("Running") => condition_true(pod, "Ready"),
        Some("Pending") => condition(pod, "PodScheduled").is_some_and(|c| {
            c["status"].as_str() == Some("False") && c["reason"].as_str() == Some("Unschedulable")
        }),
        _ => true,
    }
}

/// A signature of where every pod is, to tell when nothing moves any more.
fn signature(pods: &[Value]) -> Vec<String> {
    let mut s: Vec<String> = pods
        .iter()
        .map(|p| {
            format!(
                "{} {} {} {} {}",
                objects::key(p),
                p["spec"]["nodeName"].as_str().unwrap_or("-"),
                p["status"]["phase"].as_str().unwrap_or("-"),
                condition_true(p, "Ready"),
                p["metadata"]["deletionTimestamp"].is_null()
            )
        })
        .collect();
    s.sort();
    s
}

/// Every source workload has its pods, each settled, and nothing moved for three seconds.
fn wait_settled(kube: &Kube, objects: &[Value], timeout: Duration) -> Result<(), String> {
    let wanted: Vec<&Value> = objects.iter().filter(|o| creatable(o)).collect();
    let mut last = Vec::new();
    let mut quiet_since = Instant::now();
    wait_for(timeout, "the loaded workloads to settle", || {
        let pods = kube.list("pods");
        let complete = wanted.iter().all(|w| {
            let mine: Vec<&Value> = pods
                .iter()
                .filter(|p| namespace(p) == namespace(w))
                .filter(|p| objects::selector_matches(&w["spec"]["selector"], p))
                .filter(|p| p["metadata"]["deletionTimestamp"].is_null())
                .collect();
            let replicas = w["spec"]["replicas"].as_u64().unwrap_or(1) as usize;
            match kind(w) {
                "DaemonSet" => true,
                // OrderedReady stops at the first pod that is not Ready.
                "StatefulSet" => {
                    mine.len() == replicas || mine.iter().any(|p| !condition_true(p, "Ready"))
                }
                _ => mine.len() == replicas,
            }
        });
        let settled = pods.iter().all(|p| pod_settled(p, &[]));
        let sig = signature(&pods);
        if sig != last {
            last = sig;
            quiet_since = Instant::now();
        }
        (complete && settled && quiet_since.elapsed() >= Duration::from_secs(3)).then_some(())
    })
}

/// Creates the leader Leases for the real pods standing where the source's holders stood, and
/// starts the electors.
fn leases(
    cp: &ControlPlane,
    kube: &Kube,
    objects: &[Value],
    electors: &Arc<Electors>,
    options: &Options,
    loaded: &mut Loaded,
) -> Result<(), String> {
    let real_pods = kube.list("pods");
    let real_nodes = kube.list("nodes");
    let zone_of = |node: &str| {
        real_nodes
            .iter()
            .find(|n| name(n) == node)
            .map(|n| objects::zone(n).to_string())
            .unwrap_or_default()
    };
    let mut created = Vec::new();
    for lease in of_kind(objects, "Lease").filter(|l| namespace(l) != "kube-node-lease") {
        let key = objects::key(lease);
        let Some(pod) = holder_pod(objects, lease) else {
            loaded.notes.push(format!(
                "lease {key} not reproduced: its holder {} is no pod of the source (a control-plane component)",
                lease["spec"]["holderIdentity"].as_str().unwrap_or("")
            ));
            continue;
        };
        let Some(workload) =
            workload_of(objects, pod).filter(|w| creatable(w) || kind(w) == "Deployment")
        else {
            loaded.notes.push(format!(
                "lease {key} not reproduced: its holder's workload is not created here"
            ));
            continue;
        };
        let selector = workload["spec"]["selector"].clone();
        let mut replicas: Vec<&Value> = real_pods
            .iter()
            .filter(|p| namespace(p) == namespace(workload))
            .filter(|p| objects::selector_matches(&selector, p))
            .filter(|p| condition_true(p, "Ready"))
            .collect();
        replicas.sort_by_key(|p| name(p).to_string());
        let source_node = pod["spec"]["nodeName"].as_str().unwrap_or("");
        let source_zone = of_kind(objects, "Node")
            .find(|n| name(n) == source_node)
            .map(|n| objects::zone(n).to_string())
            .unwrap_or_default();
        let holder = replicas
            .iter()
            .find(|p| p["spec"]["nodeName"].as_str() == Some(source_node))
            .or_else(|| {
                replicas
                    .iter()
                    .find(|p| zone_of(p["spec"]["nodeName"].as_str().unwrap_or("")) == source_zone)
            })
            .or(replicas.first())
            .map(|p| name(p).to_string())
            .unwrap_or_default();
        let duration = lease["spec"]["leaseDurationSeconds"].as_i64().unwrap_or(15);
        created.push(manifest::lease(
            namespace(lease),
            name(lease),
            &holder,
            duration,
            options.coordinated,
        ));
        electors.add(LeaseElectors {
            namespace: namespace(lease).to_string(),
            lease: name(lease).to_string(),
            duration_seconds: duration as u32,
            selector,
            quorum_of: (kind(workload) == "StatefulSet").then(|| name(workload).to_string()),
            release_on_cancel: options.release_on_cancel
                && options
                    .release_only
                    .as_ref()
                    .is_none_or(|prefix| name(lease).starts_with(prefix.as_str())),
        });
        loaded.leases.insert(key, holder);
    }
    let created_at = objects::now_seconds();
    create(cp, created);
    electors.sync(&kube.list("pods"));
    let wanted: Vec<(String, String)> = loaded
        .leases
        .iter()
        .filter(|(_, h)| !h.is_empty())
        .map(|(k, h)| (k.clone(), h.clone()))
        .collect();
    wait_for(
        Duration::from_secs(30),
        "every lease renewed by its holder's elector",
        || {
            let leases = kube.list("leases");
            wanted
                .iter()
                .all(|(k, holder)| {
                    leases.iter().any(|l| {
                        objects::key(l) == *k
                            && l["spec"]["holderIdentity"].as_str() == Some(holder)
                            && l["spec"]["renewTime"]
                                .as_str()
                                .and_then(objects::seconds)
                                .is_some_and(|t| t > created_at + 0.5)
                    })
                })
                .then_some(())
        },
    )
}
