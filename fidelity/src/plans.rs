//! Plans applied for real: a generated cluster is loaded into a real control plane (with the
//! CoordinatedLeaderElection gate on and a strategy on every Lease, so targeted handovers work),
//! `quorum plan --context ... --after-state FILE` plans it, `quorum apply --yes` carries the steps
//! out (a data migration, which apply leaves to the user, is done here as the step describes it),
//! the cluster settles, and its export is compared with the plan's after-state rule by rule.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::api::Kube;
use crate::electors::Electors;
use crate::load::{self, wait_for};
use crate::objects::{self, condition_true, kind, name, namespace, of_kind, owner};
use crate::quorum;
use crate::report::ScenarioResult;
use crate::scenario::{Slot, work_dir};
use crate::verdict::{Rule, Verdict};
use crate::{ControlPlane, Release, Start};

/// The context `quorum export`, `plan` and `apply` are pointed at.
const CONTEXT: &str = "quorum-real";

/// One plan to carry out: a goal (and how leases change hands) on a generated cluster.
#[derive(Clone, Debug)]
pub struct PlanScenario {
    pub name: String,
    pub origin: String,
    pub objects: Vec<Value>,
    pub goal: String,
    pub handover: String,
    /// The Kubernetes release it is carried out on.
    pub release: Release,
}

/// The plans the suite carries out on the generated cluster of `seed` on `release`: every goal,
/// and the leaders goal both ways (targeted handovers and restarts).
pub fn scenarios(seed: u64, release: Release) -> Vec<PlanScenario> {
    let g = crate::generate::for_plans(seed);
    [
        ("leaders", "preferred-holder"),
        ("leaders", "restart"),
        ("spread", "preferred-holder"),
        ("storage", "preferred-holder"),
        ("all", "preferred-holder"),
    ]
    .into_iter()
    .map(|(goal, handover)| PlanScenario {
        name: format!(
            "plan-{goal}{}-{seed}",
            if handover == "restart" {
                "-restart"
            } else {
                ""
            }
        ),
        origin: format!("plan seed {seed}: {}", g.summary),
        objects: g.objects.clone(),
        goal: goal.into(),
        handover: handover.into(),
        release,
    })
    .collect()
}

/// How one step was carried out.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StepRun {
    pub number: usize,
    pub action: String,
    pub subject: String,
    /// `quorum apply`, or `by hand` (a data migration).
    pub by: String,
    /// `done`, or why it stopped.
    pub outcome: String,
}

/// What a plan run saw.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PlanObservation {
    pub scenario: String,
    /// The Kubernetes release (runs from before releases: the newest).
    #[serde(default)]
    pub release: Release,
    pub origin: String,
    pub goal: String,
    pub handover: String,
    pub plan: Value,
    pub steps: Vec<StepRun>,
    /// The plan's `--after-state`.
    pub predicted: PathBuf,
    /// The cluster before and after, as `quorum export` wrote them.
    pub initial: PathBuf,
    pub after: PathBuf,
    pub notes: Vec<String>,
    pub seconds: f64,
    pub dir: PathBuf,
}

/// Carries a plan out on a real control plane; `None` when the control plane is not built.
pub fn run(s: &PlanScenario, elector_bin: &Path) -> Result<Option<PlanObservation>, String> {
    let started = Instant::now();
    let dir = work_dir(s.release).join(&s.name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let _slot = Slot::take(1);
    let start = Start::short()
        .release(s.release)
        .coordinated_leader_election();
    let Some(cp) = ControlPlane::start(&start) else {
        return Ok(None);
    };
    let kube = Kube::connect(&cp);
    let electors = Electors::new(elector_bin.to_path_buf(), cp.kubeconfig(), dir.join("logs"));
    let options = load::Options {
        release_on_cancel: false,
        release_only: None,
        coordinated: true,
    };
    let loaded = load::load(&cp, &kube, &s.objects, &electors, &options)
        .map_err(|e| format!("{}: loading: {e}", s.name))?;
    electors.supervise(Kube::connect(&cp));
    let initial = dir.join("initial");
    quorum::export(&cp.kubeconfig(), &initial)?;
    // The plan, from the live cluster as a user would make it.
    let predicted = dir.join("predicted.json");
    let plan_file = dir.join("plan.json");
    let out = Command::new(quorum::binary()?)
        .args(["plan", "--context", CONTEXT, "--kubeconfig"])
        .arg(cp.kubeconfig())
        .args(["--goal", &s.goal, "--handover", &s.handover])
        .args(quorum::kubernetes_version_args("plan", s.release))
        .args(["-o", "json", "--color", "never", "--after-state"])
        .arg(&predicted)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "{}: quorum plan: {}",
            s.name,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    std::fs::write(&plan_file, &out.stdout).map_err(|e| e.to_string())?;
    let plan: Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("{}: quorum plan -o json: {e}", s.name))?;
    let steps = carry_out(&cp, &kube, &plan, &plan_file, &dir, s.release)?;
    settle(&kube, &loaded.leases.keys().cloned().collect::<Vec<_>>())?;
    let after = dir.join("after");
    quorum::export(&cp.kubeconfig(), &after)?;
    electors.stop();
    for component in ["kube-controller-manager", "kube-scheduler"] {
        std::fs::write(dir.join(format!("{component}.log")), cp.log(component)).ok();
    }
    let obs = PlanObservation {
        scenario: s.name.clone(),
        release: s.release,
        origin: s.origin.clone(),
        goal: s.goal.clone(),
        handover: s.handover.clone(),
        plan,
        steps,
        predicted,
        initial,
        after,
        notes: loaded.notes.clone(),
        seconds: started.elapsed().as_secs_f64(),
        dir: dir.clone(),
    };
    std::fs::write(
        dir.join("observation.json"),
        serde_json::to_string_pretty(&obs).unwrap_or_default(),
    )
    .ok();
    Ok(Some(obs))
}

fn step_subject(step: &Value) -> String {
    step["lease"]
        .as_str()
        .map(String::from)
        .or_else(|| step["objects"][0].as_str().map(String::from))
        .unwrap_or_default()
}

/// `quorum apply --yes` from the first step; at a step apply leaves to the user, that step by
/// hand, then apply again from the next one.
fn carry_out(
    cp: &ControlPlane,
    kube: &Kube,
    plan: &Value,
    plan_file: &Path,
    dir: &Path,
    release: Release,
) -> Result<Vec<StepRun>, String> {
    let steps: Vec<Value> = plan["steps"].as_array().cloned().unwrap_or_default();
    let mut runs = Vec::new();
    let mut from = 1;
    let done = |n: usize, by: &str, outcome: String| StepRun {
        number: n,
        action: steps[n - 1]["action"].as_str().unwrap_or("").into(),
        subject: step_subject(&steps[n - 1]),
        by: by.into(),
        outcome,
    };
    while from <= steps.len() {
        let out = Command::new(quorum::binary()?)
            .arg("apply")
            .arg(plan_file)
            .args(["--context", CONTEXT, "--kubeconfig"])
            .arg(cp.kubeconfig())
            .args(quorum::kubernetes_version_args("apply", release))
            .args(["--yes", "--wait", "120", "-o", "json", "--journal"])
            .arg(dir.join("apply.jsonl"))
            .args(["--from-step", &from.to_string()])
            .output()
            .map_err(|e| e.to_string())?;
        std::fs::write(
            dir.join(format!("apply-from-{from}.log")),
            [out.stdout.as_slice(), out.stderr.as_slice()].concat(),
        )
        .ok();
        let report: Value = serde_json::from_slice(&out.stdout).map_err(|e| {
            format!(
                "quorum apply -o json: {e}: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        })?;
        let stopped = &report["stopped"];
        if stopped.is_null() {
            runs.extend((from..=steps.len()).map(|n| done(n, "quorum apply", "done".into())));
            break;
        }
        let at = stopped["step"].as_u64().unwrap_or(from as u64) as usize;
        runs.extend((from..at).map(|n| done(n, "quorum apply", "done".into())));
        let step = &steps[at - 1];
        let by_hand = step["calls"].as_array().is_none_or(|c| c.is_empty());
        if !by_hand {
            runs.push(done(
                at,
                "quorum apply",
                format!("stopped: {}", stopped["reason"].as_str().unwrap_or("")),
            ));
            // The rest never ran.
            runs.extend((at + 1..=steps.len()).map(|n| done(n, "quorum apply", "not run".into())));
            break;
        }
        let outcome = match by_hand_step(cp, kube, step) {
            Ok(()) => "done".to_string(),
            Err(e) => format!("stopped: {e}"),
        };
        let failed = outcome != "done";
        runs.push(done(at, "by hand", outcome));
        if failed {
            runs.extend((at + 1..=steps.len()).map(|n| done(n, "quorum apply", "not run".into())));
            break;
        }
        from = at + 1;
    }
    Ok(runs)
}

/// A step apply leaves to the user, done as it describes: a data migration restores the pod's
/// claims in the target zone (the test bed has no snapshots: a volume pinned to that zone takes
/// the claim's name, as a restored copy would), deletes the claims and the pod, and waits for
/// the StatefulSet to run the pod again there.
fn by_hand_step(cp: &ControlPlane, kube: &Kube, step: &Value) -> Result<(), String> {
    if step["action"] != "migrate" {
        return Err(format!(
            "{} by hand is not reproduced here",
            step["action"].as_str().unwrap_or("")
        ));
    }
    let objects: Vec<&str> = step["objects"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let pod = objects
        .iter()
        .find_map(|o| o.strip_prefix("Pod "))
        .ok_or("a migration names its pod")?;
    let (ns, pod_name) = pod.split_once('/').ok_or("namespace/pod")?;
    let zone = step["to"].as_str().ok_or("a migration names its zone")?;
    let claims: Vec<&str> = objects
        .iter()
        .filter_map(|o| o.strip_prefix("PersistentVolumeClaim "))
        .filter_map(|c| c.split_once('/').map(|(_, n)| n))
        .collect();
    let old_uid = kube
        .list("pods")
        .iter()
        .find(|p| namespace(p) == ns && name(p) == pod_name)
        .and_then(|p| p["metadata"]["uid"].as_str().map(String::from))
        .unwrap_or_default();
    let mut old_volumes = Vec::new();
    for claim in &claims {
        let pvc: Value = serde_json::from_str(
            &cp.kubectl_ok(&["-n", ns, "get", "pvc", claim, "-o", "json"], None),
        )
        .map_err(|e| e.to_string())?;
        let old = pvc["spec"]["volumeName"].as_str().unwrap_or("").to_string();
        let pv: Value =
            serde_json::from_str(&cp.kubectl_ok(&["get", "pv", &old, "-o", "json"], None))
                .map_err(|e| e.to_string())?;
        let restored = json!({"apiVersion": "v1", "kind": "PersistentVolume",
            "metadata": {"name": format!("{old}-{zone}")},
            "spec": {"capacity": pv["spec"]["capacity"], "accessModes": pv["spec"]["accessModes"],
                     "storageClassName": pv["spec"]["storageClassName"],
                     "persistentVolumeReclaimPolicy": "Retain",
                     "claimRef": {"namespace": ns, "name": claim},
                     "csi": {"driver": pv["spec"]["csi"]["driver"].as_str().unwrap_or("ebs.csi.aws.com"),
                             "volumeHandle": format!("{old}-restored-{zone}")},
                     "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                         {"key": "topology.kubernetes.io/zone", "operator": "In", "values": [zone]}]}]}}}});
        cp.kubectl_ok(&["create", "-f", "-"], Some(&restored.to_string()));
        cp.kubectl_ok(&["-n", ns, "delete", "pvc", claim, "--wait=false"], None);
        old_volumes.push(old);
    }
    cp.kubectl_ok(&["-n", ns, "delete", "pod", pod_name, "--wait=false"], None);
    // The StatefulSet recreates the pod and its claim; a pod recreated while the old claim was
    // still going waits on it: deleted again, as a user would.
    let zone_of = |node: &str| {
        kube.list("nodes")
            .iter()
            .find(|n| name(n) == node)
            .map(|n| objects::zone(n).to_string())
            .unwrap_or_default()
    };
    let deadline = Instant::now() + Duration::from_secs(150);
    let mut last_kick = Instant::now();
    loop {
        let pods = kube.list("pods");
        let now = pods
            .iter()
            .find(|p| namespace(p) == ns && name(p) == pod_name);
        if let Some(p) = now {
            let uid = p["metadata"]["uid"].as_str().unwrap_or("");
            let node = p["spec"]["nodeName"].as_str().unwrap_or("");
            if uid != old_uid
                && p["metadata"]["deletionTimestamp"].is_null()
                && !node.is_empty()
                && condition_true(p, "Ready")
            {
                if zone_of(node) != zone {
                    return Err(format!("{pod} runs again in {}, not {zone}", zone_of(node)));
                }
                break;
            }
            if uid != old_uid && node.is_empty() && last_kick.elapsed() > Duration::from_secs(15) {
                cp.kubectl_ok(&["-n", ns, "delete", "pod", pod_name, "--wait=false"], None);
                last_kick = Instant::now();
            }
        }
        if Instant::now() > deadline {
            return Err(format!("{pod} did not run again in {zone} within 150 s"));
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    for old in old_volumes {
        cp.kubectl_ok(&["delete", "pv", &old, "--wait=false"], None);
    }
    Ok(())
}

/// Waits until every pod is settled, every lease the loader made is held by a running pod and
/// renewed, and nothing has moved for five seconds.
fn settle(kube: &Kube, leases: &[String]) -> Result<(), String> {
    let mut last = String::new();
    let mut quiet_since = Instant::now();
    wait_for(
        Duration::from_secs(240),
        "the cluster to settle after the plan",
        || {
            let pods = kube.list("pods");
            let all_leases = kube.list("leases");
            let settled = pods.iter().all(|p| load::pod_settled(p, &[]));
            let now = objects::now_seconds();
            let held = leases.iter().all(|key| {
                all_leases
                    .iter()
                    .find(|l| objects::key(l) == *key)
                    .is_some_and(|l| {
                        let holder = l["spec"]["holderIdentity"].as_str().unwrap_or("");
                        let fresh = l["spec"]["renewTime"]
                            .as_str()
                            .and_then(objects::seconds)
                            .is_some_and(|t| now - t < 6.0);
                        fresh
                            && pods.iter().any(|p| {
                                name(p) == holder
                                    && namespace(p) == namespace(l)
                                    && p["metadata"]["deletionTimestamp"].is_null()
                            })
                    })
            });
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
                    all_leases
                        .iter()
                        .filter(|l| leases.contains(&objects::key(l)))
                        .map(|l| format!("{} {}", objects::key(l), l["spec"]["holderIdentity"])),
                )
                .collect();
            sig.sort();
            let sig = sig.join("\n");
            if sig != last {
                last = sig;
                quiet_since = Instant::now();
            }
            (settled && held && quiet_since.elapsed() >= Duration::from_secs(5)).then_some(())
        },
    )
}

/// A cluster's objects as the comparison reads them: raw JSON, not Quorum's model.
struct Cluster {
    objects: Vec<Value>,
}

impl Cluster {
    fn read(path: &Path) -> Result<Cluster, String> {
        Ok(Cluster {
            objects: objects::read(&[path])?,
        })
    }

    fn zone_of_node(&self, node: &str) -> String {
        of_kind(&self.objects, "Node")
            .find(|n| name(n) == node)
            .map(|n| objects::zone(n).to_string())
            .unwrap_or_default()
    }

    /// Running pods (bound, not being deleted).
    fn pods(&self) -> impl Iterator<Item = &Value> {
        of_kind(&self.objects, "Pod").filter(|p| {
            p["metadata"]["deletionTimestamp"].is_null() && p["spec"]["nodeName"].is_string()
        })
    }

    /// The workload (namespace/name) a pod belongs to: its StatefulSet, or its ReplicaSet's
    /// Deployment (the ReplicaSet's name without its template hash).
    fn workload_of(&self, pod: &Value) -> Option<String> {
        let (k, n) = owner(pod)?;
        let w = match k {
            "ReplicaSet" => of_kind(&self.objects, "ReplicaSet")
                .find(|rs| name(rs) == n && namespace(rs) == namespace(pod))
                .and_then(owner)
                .map(|(_, d)| d.to_string())
                .unwrap_or_else(|| n.rsplit_once('-').map_or(n, |(d, _)| d).to_string()),
            _ => n.to_string(),
        };
        Some(format!("{}/{w}", namespace(pod)))
    }

    /// Running replicas per zone, per workload.
    fn zones(&self) -> BTreeMap<String, BTreeMap<String, u32>> {
        let mut out: BTreeMap<String, BTreeMap<String, u32>> = BTreeMap::new();
        for p in self.pods() {
            let Some(w) = self.workload_of(p) else {
                continue;
            };
            let zone = self.zone_of_node(p["spec"]["nodeName"].as_str().unwrap_or(""));
            *out.entry(w).or_default().entry(zone).or_insert(0) += 1;
        }
        out
    }

    fn holders(&self, leases: &BTreeSet<String>) -> BTreeMap<String, String> {
        of_kind(&self.objects, "Lease")
            .filter(|l| leases.contains(&objects::key(l)))
            .map(|l| {
                (
                    objects::key(l),
                    l["spec"]["holderIdentity"]
                        .as_str()
                        .unwrap_or("")
                        .to_string(),
                )
            })
            .collect()
    }

    /// Budgets: namespace/name → their limits.
    fn budgets(&self) -> BTreeMap<String, String> {
        of_kind(&self.objects, "PodDisruptionBudget")
            .map(|b| {
                (
                    objects::key(b),
                    format!(
                        "minAvailable {} maxUnavailable {}",
                        b["spec"]["minAvailable"], b["spec"]["maxUnavailable"]
                    ),
                )
            })
            .collect()
    }

    /// Zone spread constraints on workload templates: namespace/name → their rules.
    fn constraints(&self) -> BTreeMap<String, String> {
        self.objects
            .iter()
            .filter(|o| matches!(kind(o), "StatefulSet" | "Deployment"))
            .map(|w| {
                let rules: Vec<String> = w["spec"]["template"]["spec"]["topologySpreadConstraints"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|c| {
                        format!(
                            "{} maxSkew {} {}",
                            c["topologyKey"].as_str().unwrap_or(""),
                            c["maxSkew"],
                            c["whenUnsatisfiable"].as_str().unwrap_or("DoNotSchedule")
                        )
                    })
                    .collect();
                (
                    objects::key(w),
                    if rules.is_empty() {
                        "none".into()
                    } else {
                        rules.join("; ")
                    },
                )
            })
            .collect()
    }
}

fn verdict(rule: Rule, subject: String, predicted: String, observed: String) -> Verdict {
    Verdict {
        rule,
        agree: predicted == observed,
        subject,
        predicted,
        observed,
        explanation: None,
    }
}

fn zones_text(z: Option<&BTreeMap<String, u32>>) -> String {
    match z {
        None => "none".into(),
        Some(z) => z
            .iter()
            .map(|(zone, n)| format!("{zone} {n}"))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// `quorum analyze PATH -o json`.
fn analyze(path: &Path, release: Release) -> Result<Value, String> {
    let out = Command::new(quorum::binary()?)
        .arg("analyze")
        .arg(path)
        .args(quorum::kubernetes_version_args("analyze", release))
        .args(["-o", "json", "--fail-on", "never"])
        .output()
        .map_err(|e| e.to_string())?;
    serde_json::from_slice(&out.stdout).map_err(|e| {
        format!(
            "quorum analyze {}: {e}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// The metrics of a plan's `after`, from an analysis: leaders per zone, groups surviving a node
/// and a zone, and the findings (check and subject).
fn metrics(a: &Value) -> BTreeMap<&'static str, String> {
    let mut m = BTreeMap::new();
    let per_zone: BTreeMap<String, u64> = a["leaders"]["per_zone"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(0)))
        .collect();
    m.insert(
        "leaders per zone",
        per_zone
            .iter()
            .map(|(z, n)| format!("{z} {n}"))
            .collect::<Vec<_>>()
            .join(", "),
    );
    for domain in ["node", "zone"] {
        let n = a["groups"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|g| g["survives"][domain] == true)
            .count();
        m.insert(
            if domain == "node" {
                "groups surviving a node"
            } else {
                "groups surviving a zone"
            },
            n.to_string(),
        );
    }
    let mut findings: Vec<String> = a["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            format!(
                "{} {}/{}",
                f["check"].as_str().unwrap_or(""),
                f["subject"]["namespace"].as_str().unwrap_or(""),
                f["subject"]["name"].as_str().unwrap_or("")
            )
        })
        .collect();
    findings.sort();
    m.insert("findings", findings.join("; "));
    m
}

/// Compares a plan run's export with its after-state.
pub fn compare(obs: &PlanObservation) -> Result<Vec<Verdict>, String> {
    let predicted = Cluster::read(&obs.predicted)?;
    let real = Cluster::read(&obs.after)?;
    let initial = Cluster::read(&obs.initial)?;
    let mut out = Vec::new();
    // --- Each step carried out.
    for s in &obs.steps {
        out.push(verdict(
            Rule::PlanApply,
            format!("step {} {} {} ({})", s.number, s.action, s.subject, s.by),
            "done".into(),
            s.outcome.clone(),
        ));
    }
    // --- Replicas per zone.
    let want = predicted.zones();
    let seen = real.zones();
    let workloads: BTreeSet<&String> = want.keys().chain(seen.keys()).collect();
    for w in workloads {
        out.push(verdict(
            Rule::PlanZones,
            w.clone(),
            zones_text(want.get(w)),
            zones_text(seen.get(w)),
        ));
    }
    // --- Lease holders: the pod the after-state names; after a restart one of the step's
    // candidates; a pod a rollout replaced is a new pod of its workload.
    let steps: Vec<Value> = obs.plan["steps"].as_array().cloned().unwrap_or_default();
    let leases: BTreeSet<String> = of_kind(&initial.objects, "Lease")
        .filter(|l| {
            let holder = l["spec"]["holderIdentity"].as_str().unwrap_or("");
            initial.pods().any(|p| name(p) == holder)
        })
        .map(objects::key)
        .collect();
    let want = predicted.holders(&leases);
    let seen = real.holders(&leases);
    let rolled: BTreeSet<String> = steps
        .iter()
        .filter(|s| s["action"] == "add-spread")
        .filter_map(|s| s["objects"][0].as_str())
        .filter_map(|o| o.split_once(' ').map(|(_, w)| w.to_string()))
        .collect();
    for lease in &leases {
        let predicted_holder = want.get(lease).cloned().unwrap_or_default();
        let real_holder = seen.get(lease).cloned().unwrap_or_default();
        let restart = steps
            .iter()
            .find(|s| s["action"] == "restart" && s["lease"].as_str() == Some(lease.as_str()));
        let real_pod = real
            .pods()
            .find(|p| name(p) == real_holder && objects::key(p).starts_with(namespace_of(lease)));
        let new_pod = real_pod.is_some_and(|p| {
            !initial
                .pods()
                .any(|i| i["metadata"]["uid"] == p["metadata"]["uid"])
        });
        let real_workload = real_pod.and_then(|p| real.workload_of(p));
        let (text, agree) = if let Some(step) = restart {
            let candidates: Vec<String> = step["candidates"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(|c| c.rsplit('/').next().unwrap_or(c).to_string())
                .collect();
            // The restarted pod may win the lease back (its replacement, new to the cluster,
            // or itself under its own name), on the nodes the plan names for it.
            let comeback: Vec<String> = step["comeback"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect();
            let from = step["from"].as_str().unwrap_or("");
            let from_name = from.rsplit('/').next().unwrap_or(from).to_string();
            let from_workload = initial
                .pods()
                .find(|p| name(p) == from_name)
                .and_then(|p| initial.workload_of(p));
            let on = |pod: Option<&Value>| {
                pod.and_then(|p| p["spec"]["nodeName"].as_str())
                    .is_some_and(|n| comeback.iter().any(|c| c.rsplit('/').next() == Some(n)))
            };
            let came_back = !comeback.is_empty()
                && on(real_pod)
                && (real_holder == from_name
                    || new_pod && real_workload.is_some() && real_workload == from_workload);
            let text = if comeback.is_empty() {
                format!("one of {}", candidates.join(", "))
            } else {
                format!(
                    "one of {}, or the restarted pod on {}",
                    candidates.join(", "),
                    comeback.join(" or ")
                )
            };
            (text, candidates.contains(&real_holder) || came_back)
        } else if let Some(w) = predicted
            .pods()
            .find(|p| name(p) == predicted_holder)
            .and_then(|p| predicted.workload_of(p))
            .filter(|w| rolled.contains(w) && !real.pods().any(|p| name(p) == predicted_holder))
        {
            (
                format!("a new pod of {w} (its pods were rolled out)"),
                new_pod && real_workload.as_deref() == Some(w.as_str()),
            )
        } else {
            (predicted_holder.clone(), predicted_holder == real_holder)
        };
        out.push(Verdict {
            rule: Rule::PlanHolder,
            subject: lease.clone(),
            predicted: text,
            observed: real_holder,
            agree,
            explanation: None,
        });
    }
    // --- Budgets and spread constraints.
    for (what, want, seen) in [
        ("budget", predicted.budgets(), real.budgets()),
        ("spread", predicted.constraints(), real.constraints()),
    ] {
        let keys: BTreeSet<&String> = want.keys().chain(seen.keys()).collect();
        for k in keys {
            out.push(verdict(
                Rule::PlanObjects,
                format!("{what} {k}"),
                want.get(k).cloned().unwrap_or_else(|| "none".into()),
                seen.get(k).cloned().unwrap_or_else(|| "none".into()),
            ));
        }
    }
    // --- The analysis: the plan's after is what analyze says of the real cluster.
    let want = metrics(&analyze(&obs.predicted, obs.release)?);
    let seen = metrics(&analyze(&obs.after, obs.release)?);
    for (k, w) in &want {
        out.push(verdict(
            Rule::PlanAnalysis,
            (*k).to_string(),
            w.clone(),
            seen.get(k).cloned().unwrap_or_default(),
        ));
    }
    Ok(out)
}

fn namespace_of(key: &str) -> &str {
    key.split_once('/').map_or("", |(ns, _)| ns)
}

/// A plan run as a scenario of the report.
pub fn result(obs: &PlanObservation, verdicts: Vec<Verdict>) -> ScenarioResult {
    let by_hand = obs.steps.iter().filter(|s| s.by == "by hand").count();
    ScenarioResult {
        name: obs.scenario.clone(),
        origin: obs.origin.clone(),
        events: vec![format!(
            "quorum plan --goal {} --handover {}: {}, {} by quorum apply, {by_hand} by hand",
            obs.goal,
            obs.handover,
            quorum_core::contract::count(obs.steps.len(), "step", "steps"),
            obs.steps.len() - by_hand
        )],
        seconds: obs.seconds,
        verdicts,
        // The loader's notes, then the plan's own (what it left out, and why).
        notes: obs
            .notes
            .iter()
            .cloned()
            .chain(
                obs.plan["notes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|n| n.as_str().map(|n| format!("plan: {n}"))),
            )
            .collect(),
    }
}
