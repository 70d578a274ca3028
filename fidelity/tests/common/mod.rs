//! What fidelity/tests/live_real.rs stands on: a real control plane with fidelity/fixtures/live/
//! applied and settled ([`real`]), kubectl and the `quorum` binary of this workspace, and waits
//! with a deadline. [`session`] drives `quorum_core::live` as the terminal UI does; [`network`]
//! compacts etcd's history and cuts the API server's connections.

pub mod network;
pub mod session;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime};

use assert_cmd::Command;
use quorum_core::live::apply::{self as run, ApplyOptions, SavedPlan};
use quorum_fidelity::{ControlPlane, Start};
use serde_json::Value;

use self::session::options;

/// The admin context of the control plane's kubeconfig.
pub const CONTEXT: &str = "quorum-real";
pub const WAIT: Duration = Duration::from_secs(60);

// The cluster: a control plane with the fixture applied and settled.

pub struct Real {
    pub cp: ControlPlane,
    /// The api replica in eu-a, which holds db/api-leader.
    pub api_leader: String,
    /// The api replica in eu-b.
    pub api_other: String,
    /// Exports, plans, journals and kubeconfigs of the test.
    scratch: tempfile::TempDir,
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/live")
}

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A control plane with nodes, storage and workloads of fidelity/fixtures/live/ Running and Ready,
/// their controllers' status settled, then the leases; `None` when the control plane is not built.
/// On a server that does not serve PodDisruptionBudgets (started with
/// `Start::runtime_config("policy/v1/poddisruptionbudgets=false")`), pg's budget is left out.
pub fn real(start: Start) -> Option<Real> {
    let cp = ControlPlane::start(&start)?;
    quorum_bin(); // a stale binary is rebuilt now, not inside a test's timed waits
    let budgets = kubectl(
        &cp,
        &["api-resources", "--api-group=policy", "-o", "name"],
        None,
    )
    .lines()
    .any(|l| l.starts_with("poddisruptionbudgets."));
    let apply = |file: &str| {
        let text = std::fs::read_to_string(fixtures().join(file)).unwrap();
        let documents: Vec<&str> = text
            .split("\n---\n")
            .filter(|d| budgets || !d.contains("\nkind: PodDisruptionBudget\n"))
            .collect();
        kubectl(&cp, &["apply", "-f", "-"], Some(&documents.join("\n---\n")));
    };
    // Each step waits for what the next one needs: a pod placed on a node before KWOK reports it
    // Ready, or before its claim is Bound, can wait minutes in the scheduler's unschedulable queue.
    apply("01-nodes.yaml");
    wait_until("the 6 nodes Ready", WAIT, || {
        let nodes = kubectl_json(&cp, &["get", "nodes"]);
        let items = nodes["items"].as_array().cloned().unwrap_or_default();
        let ready = items.iter().filter(|n| condition(n, "Ready")).count();
        if items.len() == 6 && ready == 6 {
            Ok(())
        } else {
            Err(format!("{} nodes, {ready} ready", items.len()))
        }
    });
    apply("02-storage.yaml");
    wait_until("pg's 3 claims Bound", WAIT, || {
        let claims = kubectl_json(&cp, &["-n", "db", "get", "pvc"]);
        let items = claims["items"].as_array().cloned().unwrap_or_default();
        let bound = items
            .iter()
            .filter(|c| c["status"]["phase"] == "Bound")
            .count();
        if bound == 3 {
            Ok(())
        } else {
            Err(format!("{} claims, {bound} bound", items.len()))
        }
    });
    apply("03-workloads.yaml");
    let pods = wait_until("the 5 pods of db Running and Ready", WAIT, || {
        let pods = kubectl_json(&cp, &["-n", "db", "get", "pods"]);
        let items = pods["items"].as_array().cloned().unwrap_or_default();
        let ready = items.iter().filter(|p| condition(p, "Ready")).count();
        if items.len() == 5 && ready == 5 {
            Ok(items)
        } else {
            let waiting: Vec<String> = items
                .iter()
                .filter(|p| !condition(p, "Ready"))
                .map(|p| {
                    format!(
                        "{} on {} {}: {}",
                        p["metadata"]["name"],
                        p["spec"]["nodeName"],
                        p["status"]["phase"],
                        p["status"]["conditions"]
                    )
                })
                .collect();
            Err(format!(
                "{} pods, {ready} ready; not ready: {}",
                items.len(),
                waiting.join("; ")
            ))
        }
    });
    // The analysis reads status the controllers write: wait until they are done writing it.
    wait_until("the controllers' status of db settled", WAIT, || {
        let kinds = if budgets {
            "statefulsets,deployments,pdb,pvc"
        } else {
            "statefulsets,deployments,pvc"
        };
        let all = kubectl_json(&cp, &["-n", "db", "get", kinds]);
        let items = all["items"].as_array().cloned().unwrap_or_default();
        let settled = |o: &Value| {
            let status = &o["status"];
            let observed = status["observedGeneration"] == o["metadata"]["generation"];
            match o["kind"].as_str().unwrap_or_default() {
                "StatefulSet" => observed && status["availableReplicas"] == 3,
                "Deployment" => observed && status["availableReplicas"] == 2,
                "PodDisruptionBudget" => observed && status["currentHealthy"] == 3,
                "PersistentVolumeClaim" => status["phase"] == "Bound",
                _ => true,
            }
        };
        match items.iter().find(|o| !settled(o)) {
            // pg, api, the budget of pg, pg's 3 claims
            None if items.len() == 5 + usize::from(budgets) => Ok(()),
            None => Err(format!("{} objects", items.len())),
            Some(o) => Err(format!(
                "{} {}: {}",
                o["kind"], o["metadata"]["name"], o["status"]
            )),
        }
    });
    let api_on = |zone_prefix: &str| {
        pods.iter()
            .find(|p| {
                p["metadata"]["labels"]["app"] == "api"
                    && p["spec"]["nodeName"]
                        .as_str()
                        .is_some_and(|n| n.starts_with(zone_prefix))
            })
            .and_then(|p| p["metadata"]["name"].as_str())
            .unwrap_or_else(|| panic!("an api replica on {zone_prefix}*: {pods:#?}"))
            .to_string()
    };
    let (api_leader, api_other) = (api_on("node-a"), api_on("node-b"));
    let leases = std::fs::read_to_string(fixtures().join("04-leases.yaml"))
        .unwrap()
        .replace("${NOW}", &micro_time(chrono::Utc::now()))
        .replace("${API_LEADER}", &api_leader);
    kubectl(&cp, &["apply", "-f", "-"], Some(&leases));
    Some(Real {
        cp,
        api_leader,
        api_other,
        scratch: tempfile::tempdir().unwrap(),
    })
}

impl Real {
    pub fn kubeconfig(&self) -> PathBuf {
        self.cp.kubeconfig()
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.scratch.path().join(name)
    }

    /// A plan of restart handovers with a step. A restarted leader's replacement may win the
    /// lease back wherever the scheduler starts it, so the planner keeps a restart only where
    /// that is acceptable too: the nodes are cordoned but one empty node at a time until the
    /// replacement can only start where it keeps the bound (the cordons stay; the tests only
    /// evict, dry run first).
    pub fn restart_plan(&self, context: &str, kubeconfig: &Path) -> (PathBuf, SavedPlan) {
        let args = ["--goal", "leaders", "--handover", "restart"];
        let nodes: Vec<String> = kubectl(&self.cp, &["get", "nodes", "-o", "name"], None)
            .lines()
            .map(|l| l.trim_start_matches("node/").to_string())
            .collect();
        let busy = kubectl(
            &self.cp,
            &[
                "get",
                "pods",
                "-A",
                "-o",
                "jsonpath={.items[*].spec.nodeName}",
            ],
            None,
        );
        let empty: Vec<&String> = nodes
            .iter()
            .filter(|n| !busy.split_whitespace().any(|b| b == n.as_str()))
            .collect();
        for open in std::iter::once(None).chain(empty.iter().map(|n| Some(n.as_str()))) {
            for n in &nodes {
                let verb = if open.is_none() || open == Some(n.as_str()) {
                    "uncordon"
                } else {
                    "cordon"
                };
                kubectl(&self.cp, &[verb, n], None);
            }
            let (path, plan) = self.plan_any(context, kubeconfig, &args);
            if !plan.steps.is_empty() {
                return (path, plan);
            }
        }
        panic!("no placement of the replacement let quorum plan keep a restart")
    }

    /// `quorum plan --context` saved as JSON, and read back as apply reads it.
    pub fn plan(&self, context: &str, kubeconfig: &Path, args: &[&str]) -> (PathBuf, SavedPlan) {
        let (path, plan) = self.plan_any(context, kubeconfig, args);
        assert!(!plan.steps.is_empty(), "quorum plan {args:?} has steps");
        (path, plan)
    }

    /// The same, with or without steps.
    pub fn plan_any(
        &self,
        context: &str,
        kubeconfig: &Path,
        args: &[&str],
    ) -> (PathBuf, SavedPlan) {
        let out = quorum()
            .args(["plan", "--context", context, "--kubeconfig"])
            .arg(kubeconfig)
            .args(args)
            .args(["-o", "json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "quorum plan {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let path = self.path(&format!("plan-{}.json", args.join("-")));
        std::fs::write(&path, &out.stdout).unwrap();
        let plan = run::read_plan(&path).expect("a saved plan");
        (path, plan)
    }

    pub fn apply_options(&self, journal: &str) -> ApplyOptions {
        ApplyOptions {
            live: options(&self.kubeconfig()),
            context: CONTEXT.into(),
            yes: false,
            wait: Duration::from_secs(10),
            poll: Duration::from_millis(100),
            journal: self.path(journal),
            from_step: 1,
        }
    }
}

fn condition(object: &Value, kind: &str) -> bool {
    object["status"]["conditions"].as_array().is_some_and(|cs| {
        cs.iter()
            .any(|c| c["type"] == kind && c["status"] == "True")
    })
}

/// A Kubernetes MicroTime: `2026-11-20T10:00:00.000000Z`.
pub fn micro_time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// Polls `probe` every 200 ms until it gives a value; after `limit`, fails with what it awaited
/// and the last thing it saw.
pub fn wait_until<T>(
    what: &str,
    limit: Duration,
    mut probe: impl FnMut() -> Result<T, String>,
) -> T {
    let started = Instant::now();
    let deadline = started + limit;
    loop {
        match probe() {
            Ok(value) => {
                eprintln!("{what}: {:.1?}", started.elapsed());
                return value;
            }
            Err(seen) if Instant::now() >= deadline => {
                panic!("no {what} within {limit:?}; last seen: {seen}")
            }
            Err(_) => std::thread::sleep(Duration::from_millis(200)),
        }
    }
}

// kubectl (the one built with the control plane) and quorum.

pub fn kubectl_output(
    cp: &ControlPlane,
    args: &[&str],
    stdin: Option<&str>,
) -> std::process::Output {
    let mut child = cp
        .kubectl()
        .arg("--request-timeout=20s")
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("kubectl runs");
    let mut input = child.stdin.take().unwrap();
    input
        .write_all(stdin.unwrap_or_default().as_bytes())
        .unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

/// Runs kubectl, failing the test with its stderr when it fails.
pub fn kubectl(cp: &ControlPlane, args: &[&str], stdin: Option<&str>) -> String {
    let out = kubectl_output(cp, args, stdin);
    assert!(
        out.status.success(),
        "kubectl {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub fn kubectl_json(cp: &ControlPlane, args: &[&str]) -> Value {
    let mut args = args.to_vec();
    args.extend(["-o", "json"]);
    serde_json::from_str(&kubectl(cp, &args, None)).expect("kubectl -o json")
}

/// `kubectl patch lease --type=merge`, as an elector or another writer would change it.
pub fn patch_lease(cp: &ControlPlane, namespace: &str, name: &str, patch: &Value) {
    let patch = patch.to_string();
    let args = [
        "-n",
        namespace,
        "patch",
        "lease",
        name,
        "--type=merge",
        "-p",
        &patch,
    ];
    kubectl(cp, &args, None);
}

/// Fields of a lease, as a kubectl jsonpath (`{.spec.holderIdentity}`) prints them.
pub fn lease_fields(cp: &ControlPlane, namespace: &str, name: &str, jsonpath: &str) -> String {
    let output = format!("jsonpath={jsonpath}");
    kubectl(
        cp,
        &["-n", namespace, "get", "lease", name, "-o", &output],
        None,
    )
}

/// Whether `kubectl get` finds the object (`storageclass NAME`, `-n NS pdb NAME`...).
pub fn exists(cp: &ControlPlane, what: &[&str]) -> bool {
    let mut args = vec!["get"];
    args.extend_from_slice(what);
    kubectl_output(cp, &args, None).status.success()
}

/// The `quorum` binary of this workspace. `cargo test -p quorum-fidelity` does not build another
/// package's binary (`cargo test --workspace` does): build it here when it is missing or older
/// than its sources, so the test never runs a stale one.
fn quorum_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let mut dir = std::env::current_exe().expect("the test's path");
        dir.pop();
        if dir.ends_with("deps") {
            dir.pop();
        }
        let bin = dir.join(format!("quorum{}", std::env::consts::EXE_SUFFIX));
        let built = std::fs::metadata(&bin).and_then(|m| m.modified()).ok();
        let sources = ["tui/src", "tui/Cargo.toml", "core/src", "core/Cargo.toml"]
            .iter()
            .filter_map(|p| newest(&repo().join(p)))
            .max();
        if built.is_none() || built < sources {
            let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
            let mut build = std::process::Command::new(cargo);
            build
                .current_dir(repo())
                .args(["build", "-p", "quorum", "--bin", "quorum"]);
            if dir.ends_with("release") {
                build.arg("--release");
            }
            let status = build.status().expect("cargo runs");
            assert!(status.success(), "cargo build -p quorum failed");
        }
        assert!(bin.exists(), "no quorum binary at {}", bin.display());
        bin
    })
}

/// The newest modification time of a file or of the files below a directory.
fn newest(path: &Path) -> Option<SystemTime> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_dir() {
        return meta.modified().ok();
    }
    std::fs::read_dir(path)
        .ok()?
        .filter_map(|e| newest(&e.ok()?.path()))
        .max()
}

pub fn quorum() -> Command {
    let mut c = Command::new(quorum_bin());
    c.timeout(Duration::from_secs(120)).env("NO_COLOR", "1");
    c
}

pub fn json_of(out: &[u8]) -> Value {
    serde_json::from_slice(out)
        .unwrap_or_else(|e| panic!("JSON output ({e}): {}", String::from_utf8_lossy(out)))
}

pub fn journal(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("journal lines are JSON"))
        .collect()
}
