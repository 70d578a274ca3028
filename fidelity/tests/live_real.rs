//! The live tests of tui/tests/live.rs and core/tests/live.rs that mean something on a real
//! control plane (controlplane/: kube-apiserver, etcd, kube-controller-manager and kube-scheduler
//! v1.33, KWOK playing the kubelets, all on 127.0.0.1): the paged read and its export, a watch
//! event and a real 410, apply's dry run, a budget the real disruption controller computed, a
//! real 409, the RBAC manifests of deploy/ and a revoked token. Through the `quorum` binary where
//! a user would go, through `quorum_core::live` where the test needs a hook.
//!
//! Each test starts its own control plane (about 8 s) with fidelity/fixtures/live/ applied, and
//! returns early (skips) when controlplane/build.sh never ran, unless
//! QUORUM_REQUIRE_TOOLS=1 makes that a failure. Every wait has a deadline.

use std::io::{Read as _, Write as _};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use assert_cmd::Command;
use predicates::prelude::*;
use quorum_core::analysis::{Analysis, analyze};
use quorum_core::config::Config;
use quorum_core::graph::Topology;
use quorum_core::live::apply::{self as run, ApplyOptions, SavedPlan};
use quorum_core::live::{self, ClusterStatus, Session, Update};
use quorum_core::model::{Kind, Snapshot};
use quorum_fidelity::{ControlPlane, Start};
use serde_json::{Value, json};

/// The admin context of the control plane's kubeconfig.
const CONTEXT: &str = "quorum-real";
const WAIT: Duration = Duration::from_secs(60);

// The cluster: a control plane with the fixture applied and settled.

struct Real {
    cp: ControlPlane,
    /// The api replica in eu-a, which holds db/api-leader.
    api_leader: String,
    /// The api replica in eu-b.
    api_other: String,
    /// Exports, plans, journals and kubeconfigs of the test.
    scratch: tempfile::TempDir,
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/live")
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A control plane with nodes, storage and workloads of fidelity/fixtures/live/ Running and Ready,
/// their controllers' status settled, then the leases; `None` when the control plane is not built.
fn real(start: Start) -> Option<Real> {
    let cp = ControlPlane::start(&start)?;
    quorum_bin(); // a stale binary is rebuilt now, not inside a test's timed waits
    let apply = |file: &str| {
        let path = fixtures().join(file);
        kubectl(&cp, &["apply", "-f", path.to_str().unwrap()], None);
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
        let all = kubectl_json(
            &cp,
            &["-n", "db", "get", "statefulsets,deployments,pdb,pvc"],
        );
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
            None if items.len() == 6 => Ok(()), // pg, api, the budget of pg, pg's 3 claims
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
    fn kubeconfig(&self) -> PathBuf {
        self.cp.kubeconfig()
    }

    fn path(&self, name: &str) -> PathBuf {
        self.scratch.path().join(name)
    }

    /// `quorum plan --context` saved as JSON, and read back as apply reads it.
    fn plan(&self, context: &str, kubeconfig: &Path, args: &[&str]) -> (PathBuf, SavedPlan) {
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
        assert!(!plan.steps.is_empty(), "quorum plan {args:?} has steps");
        (path, plan)
    }

    fn apply_options(&self, journal: &str) -> ApplyOptions {
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
fn micro_time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// Polls `probe` every 200 ms until it gives a value; after `limit`, fails with what it awaited
/// and the last thing it saw.
fn wait_until<T>(what: &str, limit: Duration, mut probe: impl FnMut() -> Result<T, String>) -> T {
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

fn kubectl_output(cp: &ControlPlane, args: &[&str], stdin: Option<&str>) -> std::process::Output {
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
fn kubectl(cp: &ControlPlane, args: &[&str], stdin: Option<&str>) -> String {
    let out = kubectl_output(cp, args, stdin);
    assert!(
        out.status.success(),
        "kubectl {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn kubectl_json(cp: &ControlPlane, args: &[&str]) -> Value {
    let mut args = args.to_vec();
    args.extend(["-o", "json"]);
    serde_json::from_str(&kubectl(cp, &args, None)).expect("kubectl -o json")
}

/// `kubectl patch lease --type=merge`, as an elector or another writer would change it.
fn patch_lease(cp: &ControlPlane, namespace: &str, name: &str, patch: &Value) {
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
fn lease_fields(cp: &ControlPlane, namespace: &str, name: &str, jsonpath: &str) -> String {
    let output = format!("jsonpath={jsonpath}");
    kubectl(
        cp,
        &["-n", namespace, "get", "lease", name, "-o", &output],
        None,
    )
}

/// Whether `kubectl get` finds the object (`storageclass NAME`, `-n NS pdb NAME`...).
fn exists(cp: &ControlPlane, what: &[&str]) -> bool {
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

fn quorum() -> Command {
    let mut c = Command::new(quorum_bin());
    c.timeout(Duration::from_secs(120)).env("NO_COLOR", "1");
    c
}

fn json_of(out: &[u8]) -> Value {
    serde_json::from_slice(out)
        .unwrap_or_else(|e| panic!("JSON output ({e}): {}", String::from_utf8_lossy(out)))
}

fn journal(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("journal lines are JSON"))
        .collect()
}

// quorum_core::live, as the terminal UI uses it.

fn options(kubeconfig: &Path) -> live::Options {
    live::Options {
        contexts: vec![CONTEXT.into()],
        kubeconfig: Some(kubeconfig.to_path_buf()),
        page_size: 50,
        timeout: Duration::from_secs(30),
        ..live::Options::default()
    }
}

fn start_session(options: &live::Options) -> (Session, Receiver<Update>) {
    let (tx, rx) = channel();
    let session = Session::start(options, Duration::from_millis(50), move |u| {
        let _ = tx.send(u);
    })
    .expect("session");
    (session, rx)
}

fn analysis_of(snapshot: &Snapshot) -> Analysis {
    let mut snapshot = snapshot.clone();
    snapshot.inputs.clear();
    let topology = Topology::from_snapshot(snapshot, &Config::default().build_options());
    analyze(&topology, &Config::default())
}

fn holder(analysis: &Analysis, lease: &str) -> Option<String> {
    analysis
        .leaders
        .records
        .iter()
        .find(|r| r.lease == lease)
        .and_then(|r| r.holder.clone())
}

/// The first snapshot whose analysis satisfies `want`.
fn snapshot_with(rx: &Receiver<Update>, what: &str, want: impl Fn(&Analysis) -> bool) -> Analysis {
    let deadline = Instant::now() + WAIT;
    let mut last = None;
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(update) => {
                if let Some(analysis) = update.snapshot.as_ref().map(|s| analysis_of(s))
                    && want(&analysis)
                {
                    return analysis;
                }
                last = Some(update.status);
            }
            Err(_) => break,
        }
    }
    panic!("no snapshot with {what} within {WAIT:?}; last status: {last:#?}");
}

fn lists(status: &[ClusterStatus], kind: Kind) -> u32 {
    status[0]
        .kinds
        .iter()
        .find(|k| k.kind == kind)
        .expect("every kind has a status")
        .lists
}

fn strip_sources(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if map.contains_key("file") && map.contains_key("line") {
                map.remove("file");
                map.remove("line");
                map.remove("document");
            }
            map.values_mut().for_each(strip_sources);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_sources),
        _ => {}
    }
}

#[test]
fn analyze_on_the_context_equals_analyze_on_its_export_both_read_in_pages_of_two() {
    let Some(real) = real(Start::short()) else {
        return;
    };
    let kc = real.kubeconfig();
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let live = quorum()
        .args(["analyze", "--context", CONTEXT, "--kubeconfig"])
        .arg(&kc)
        .args(["--page-size", "2", "--now", &now, "-o", "json"])
        .output()
        .unwrap();
    assert!(
        live.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&live.stderr)
    );
    let export = real.path("export");
    let exported = quorum()
        .args([
            "export",
            "--context",
            CONTEXT,
            "--page-size",
            "2",
            "--kubeconfig",
        ])
        .arg(&kc)
        .arg(&export)
        .output()
        .unwrap();
    assert!(exported.status.success());
    // "quorum-real: 43 objects in 14 files under DIR (29 list requests)": the real server pages.
    let said = String::from_utf8_lossy(&exported.stdout).to_string();
    let number_before = |word: &str| -> u64 {
        let at = said
            .find(word)
            .unwrap_or_else(|| panic!("{word:?} in {said}"));
        said[..at]
            .split_whitespace()
            .last()
            .and_then(|n| n.trim_start_matches('(').parse().ok())
            .unwrap_or_else(|| panic!("a number before {word:?} in {said}"))
    };
    let (objects, files, pages) = (
        number_before(" objects"),
        number_before(" files"),
        number_before(" list requests"),
    );
    assert!(
        pages >= objects / 2 && pages > files,
        "pages of 2 need continue tokens: {said}"
    );
    let from_files = quorum()
        .args(["analyze", "--now", &now, "-o", "json", "--cluster"])
        .arg(format!("{CONTEXT}={}", export.display()))
        .output()
        .unwrap();
    assert_eq!(live.status.code(), from_files.status.code());
    let (mut a, mut b) = (json_of(&live.stdout), json_of(&from_files.stdout));
    for v in [&mut a, &mut b] {
        v.as_object_mut().unwrap().remove("inputs");
        strip_sources(v);
    }
    assert_eq!(a, b);
    let groups: Vec<&str> = a["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|g| g["name"].as_str())
        .collect();
    assert_eq!(groups, ["db/pg", "db/api"]);
    assert_eq!(a["leaders"]["per_zone"]["eu-a"], 2, "{}", a["leaders"]);

    // The watchers' LISTs page too: more pages than kinds.
    let read = live::read(&live::Options {
        page_size: 2,
        ..options(&kc)
    })
    .expect("a live read");
    let requests = read.status[0].requests;
    assert!(
        requests.lists > Kind::ALL.len() as u64,
        "pages of 2 over {} kinds: {requests:?}",
        Kind::ALL.len()
    );
}

#[test]
fn leases_moved_with_kubectl_reach_the_session_on_its_open_watches() {
    let Some(real) = real(Start::short()) else {
        return;
    };
    let (session, rx) = start_session(&options(&real.kubeconfig()));
    let first = snapshot_with(&rx, "the first snapshot", |a| !a.groups.is_empty());
    assert_eq!(holder(&first, "db/pg-leader").as_deref(), Some("db/pg-0"));
    assert_eq!(
        holder(&first, "db/api-leader"),
        Some(format!("db/{}", real.api_leader))
    );

    let patch = |lease: &str, holder: &str| {
        let renewed = micro_time(chrono::Utc::now());
        let body = json!({"spec": {"holderIdentity": holder, "renewTime": renewed}});
        patch_lease(&real.cp, "db", lease, &body);
    };
    patch("pg-leader", "pg-1");
    snapshot_with(&rx, "db/pg-leader held by pg-1", |a| {
        holder(a, "db/pg-leader").as_deref() == Some("db/pg-1")
    });
    patch("api-leader", &real.api_other);
    let moved = snapshot_with(&rx, "db/api-leader held by the eu-b replica", |a| {
        holder(a, "db/api-leader") == Some(format!("db/{}", real.api_other))
    });
    assert_eq!(moved.leaders.per_zone.get("eu-a").copied().unwrap_or(0), 0);

    // Both events came on the open watches: every kind was listed once, and nothing is stale.
    let status = session.status();
    assert!(status[0].kinds.iter().all(|k| k.lists == 1), "{status:#?}");
    assert!(status[0].stale_since.is_none(), "{status:#?}");
    assert!(status[0].requests.watches >= Kind::ALL.len() as u64);
}

#[test]
fn a_watch_resumed_from_a_compacted_revision_gets_a_real_410_and_lists_again() {
    // With its watch cache (the default) the API server answers watches from its own window of
    // events, which etcd's compaction does not shorten: a 410 there takes more events than the
    // window holds. This API server watches Leases straight from etcd, as one without the watch
    // cache does, so compacting etcd is enough.
    let Some(real) = real(
        Start::short().arg("--apiserver-arg=--watch-cache-sizes=leases.coordination.k8s.io#0"),
    ) else {
        return;
    };
    let relay = Relay::start(real.cp.env["QUORUM_CP_APISERVER_PORT"].parse().unwrap());
    let kubeconfig = real.path("through-relay.kubeconfig");
    let text = std::fs::read_to_string(real.kubeconfig()).unwrap();
    std::fs::write(
        &kubeconfig,
        text.replace(
            real.cp.server(),
            &format!("https://127.0.0.1:{}", relay.port),
        ),
    )
    .unwrap();
    let (session, rx) = start_session(&options(&kubeconfig));
    snapshot_with(&rx, "the first snapshot", |a| {
        holder(a, "db/pg-leader").as_deref() == Some("db/pg-0")
    });
    let watching = |at_least: u64| {
        wait_until("a watch of every kind", WAIT, || {
            let requests = session.status()[0].requests;
            (requests.watches >= at_least)
                .then_some(requests.watches)
                .ok_or_else(|| format!("{requests:?}"))
        })
    };
    let kinds = Kind::ALL.len() as u64;
    let watches = watching(kinds);
    let move_leader = |to: &str| {
        patch_lease(
            &real.cp,
            "db",
            "pg-leader",
            &json!({"spec": {"holderIdentity": to}}),
        );
    };

    // A network cut while the leader changes: every watch resumes from its resourceVersion.
    relay.hold(true);
    relay.cut();
    move_leader("pg-1");
    relay.hold(false);
    snapshot_with(&rx, "db/pg-leader held by pg-1 after the cut", |a| {
        holder(a, "db/pg-leader").as_deref() == Some("db/pg-1")
    });
    let status = session.status();
    assert!(status[0].kinds.iter().all(|k| k.lists == 1), "{status:#?}");
    watching(watches + kinds);

    // The same, and etcd's history compacted past every revision the session saw: the lease
    // watch resumes into 410 Gone and lists again.
    relay.hold(true);
    relay.cut();
    move_leader("pg-2");
    // One more write, so the compaction lies past the change itself too.
    kubectl(
        &real.cp,
        &[
            "-n",
            "db",
            "annotate",
            "lease",
            "api-leader",
            "quorum.dev/touched=1",
        ],
        None,
    );
    let compacted = compact_etcd(&real.cp);
    relay.hold(false);
    snapshot_with(&rx, "db/pg-leader held by pg-2 after the 410", |a| {
        holder(a, "db/pg-leader").as_deref() == Some("db/pg-2")
    });
    let status = session.status();
    assert_eq!(
        lists(&status, Kind::Lease),
        2,
        "the lease watch got 410 Gone (etcd compacted at revision {compacted}) and listed again: {status:#?}"
    );
    // The other kinds come from the watch cache, which compaction does not touch: they resumed.
    assert!(
        status[0]
            .kinds
            .iter()
            .all(|k| k.kind == Kind::Lease || k.lists == 1),
        "{status:#?}"
    );
}

#[test]
fn apply_answered_no_after_the_dry_runs_changes_nothing() {
    let Some(real) = real(Start::short()) else {
        return;
    };
    let (_, plan) = real.plan(CONTEXT, &real.kubeconfig(), &["--goal", "storage"]);
    let creates: Vec<String> = plan.steps.iter().map(|s| s.objects.join(",")).collect();
    assert!(
        creates.iter().any(|o| o.contains("zonal-immediate-wffc")),
        "{creates:?}"
    );
    let options = real.apply_options("storage.jsonl");
    let report = run::apply(&plan, &options, &mut |_, _| false, &mut |_| {}).expect("apply runs");
    let stopped = report.stopped.expect("the answer no stops the run");
    assert_eq!((stopped.step, stopped.changed), (1, false));
    assert!(
        stopped.reason.contains("not confirmed"),
        "{}",
        stopped.reason
    );
    let lines = journal(&options.journal);
    let calls: Vec<&Value> = lines.iter().filter(|l| l["event"] == "call").collect();
    assert!(!calls.is_empty());
    assert!(
        calls
            .iter()
            .all(|c| c["dry_run"] == true && c["result"]["ok"].is_string()),
        "only dry runs, each accepted by the server: {calls:#?}"
    );
    assert!(!exists(&real.cp, &["storageclass", "zonal-immediate-wffc"]));
    assert!(!exists(&real.cp, &["-n", "db", "pdb", "api"]));

    // A targeted handover on this API server, whose CoordinatedLeaderElection gate is off (the
    // v1.33 default): it accepts the Lease patch and drops spec.preferredHolder, so apply stops at
    // the dry run without asking.
    let (_, plan) = real.plan(CONTEXT, &real.kubeconfig(), &["--goal", "leaders"]);
    let lease = plan.steps[0].calls[0].clone();
    assert_eq!(lease.kind, "Lease");
    let version = || {
        let fields = "{.metadata.resourceVersion} {.spec.preferredHolder}";
        lease_fields(&real.cp, &lease.namespace, &lease.name, fields)
    };
    let before = version();
    let options = real.apply_options("leaders.jsonl");
    let report = run::apply(
        &plan,
        &options,
        &mut |_, _| panic!("a step whose dry run lost its field is not confirmed"),
        &mut |_| {},
    )
    .expect("apply runs");
    let stopped = report.stopped.expect("a dropped field stops the run");
    assert_eq!((stopped.step, stopped.changed), (1, false));
    assert!(
        stopped.reason.contains("drops spec.preferredHolder")
            && stopped.reason.contains("--handover restart"),
        "{}",
        stopped.reason
    );
    assert_eq!(version(), before, "the lease is untouched");
    let lines = journal(&options.journal);
    assert!(
        lines
            .iter()
            .any(|l| l["dry_run"] == true && l["result"]["dropped"][0] == "spec.preferredHolder"),
        "{lines:#?}"
    );
}

#[test]
fn a_restart_handover_stops_at_the_eviction_dry_run_when_a_real_budget_refuses() {
    let Some(real) = real(Start::short()) else {
        return;
    };
    let (plan_path, plan) = real.plan(
        CONTEXT,
        &real.kubeconfig(),
        &["--goal", "leaders", "--handover", "restart"],
    );
    let call = &plan.steps[0].calls[0];
    assert_eq!(
        serde_json::to_value(call.verb).unwrap(),
        "evict",
        "a restart handover evicts the leader"
    );
    let pod = kubectl_json(&real.cp, &["-n", &call.namespace, "get", "pod", &call.name]);
    let uid = pod["metadata"]["uid"].clone();

    // After the plan, the budget covering the pod is tightened to allow no disruption, or one is
    // added; the disruption controller computes its status.
    let labels = pod["metadata"]["labels"].as_object().cloned().unwrap();
    let budgets = kubectl_json(&real.cp, &["-n", &call.namespace, "get", "pdb"]);
    let covering = budgets["items"].as_array().unwrap().iter().find(|b| {
        b["spec"]["selector"]["matchLabels"]
            .as_object()
            .is_some_and(|m| m.iter().all(|(k, v)| labels.get(k) == Some(v)))
    });
    let budget = match covering {
        Some(b) => {
            let name = b["metadata"]["name"].as_str().unwrap().to_string();
            kubectl(
                &real.cp,
                &[
                    "-n",
                    &call.namespace,
                    "patch",
                    "pdb",
                    &name,
                    "--type=merge",
                    "-p",
                    r#"{"spec":{"maxUnavailable":0}}"#,
                ],
                None,
            );
            name
        }
        None => {
            let pdb = json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
                "metadata": {"name": "keep-all", "namespace": call.namespace},
                "spec": {"maxUnavailable": 0, "selector": {"matchLabels": labels}}});
            kubectl(&real.cp, &["apply", "-f", "-"], Some(&pdb.to_string()));
            "keep-all".to_string()
        }
    };
    wait_until("the budget's status: no disruption allowed", WAIT, || {
        let b = kubectl_json(&real.cp, &["-n", &call.namespace, "get", "pdb", &budget]);
        let observed = b["status"]["observedGeneration"] == b["metadata"]["generation"];
        (observed && b["status"]["disruptionsAllowed"] == 0)
            .then_some(())
            .ok_or_else(|| b["status"].to_string())
    });

    let journal_path = real.path("restart.jsonl");
    quorum()
        .args(["apply", "--context", CONTEXT, "--yes", "--wait", "10"])
        .arg("--kubeconfig")
        .arg(real.kubeconfig())
        .arg("--journal")
        .arg(&journal_path)
        .arg(&plan_path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("stopped at step 1"))
        .stdout(predicate::str::contains(
            "PodDisruptionBudget refuses the eviction",
        ))
        .stdout(predicate::str::contains(
            "Cannot evict pod as it would violate the pod's disruption budget",
        ))
        .stdout(predicate::str::contains("nothing to roll back"));
    let after = kubectl_json(&real.cp, &["-n", &call.namespace, "get", "pod", &call.name]);
    assert_eq!(after["metadata"]["uid"], uid, "the pod was not evicted");
    assert!(after["metadata"]["deletionTimestamp"].is_null());
    let lines = journal(&journal_path);
    let evictions: Vec<&Value> = lines.iter().filter(|l| l["event"] == "call").collect();
    assert_eq!(
        evictions.len(),
        1,
        "only the dry run was sent: {evictions:#?}"
    );
    assert_eq!(evictions[0]["dry_run"], true);
    assert_eq!(evictions[0]["result"]["code"], 429);
}

#[test]
fn a_lease_renewed_between_apply_s_read_and_its_write_is_a_real_409() {
    // Coordinated leader election on, so the API server keeps spec.preferredHolder on the
    // fixture's leases (they carry a strategy) and the dry run of the handover passes.
    let Some(real) = real(
        Start::short()
            .arg("--apiserver-arg=--feature-gates=CoordinatedLeaderElection=true")
            .arg("--apiserver-arg=--runtime-config=coordination.k8s.io/v1beta1=true"),
    ) else {
        return;
    };
    let (_, plan) = real.plan(CONTEXT, &real.kubeconfig(), &["--goal", "leaders"]);
    let call = plan.steps[0].calls[0].clone();
    assert_eq!(call.kind, "Lease");
    let holder = || {
        let fields = "{.spec.holderIdentity}/{.spec.preferredHolder}";
        lease_fields(&real.cp, &call.namespace, &call.name, fields)
    };
    let before = holder();
    // While the operator reads the confirmation, the leader renews its lease.
    let mut confirm = |_: usize, _: &run::SavedStep| {
        let renew = json!({"spec": {"renewTime": micro_time(chrono::Utc::now())}});
        patch_lease(&real.cp, &call.namespace, &call.name, &renew);
        true
    };
    let options = real.apply_options("conflict.jsonl");
    let report = run::apply(&plan, &options, &mut confirm, &mut |_| {}).expect("apply runs");
    let stopped = report.stopped.expect("the conflict stops the run");
    assert_eq!((stopped.step, stopped.changed, report.done), (1, false, 0));
    assert!(
        stopped.reason.contains("409 Conflict"),
        "{}",
        stopped.reason
    );
    assert_eq!(
        holder(),
        before,
        "neither holder nor preferredHolder changed"
    );
    let lines = journal(&options.journal);
    let calls: Vec<&Value> = lines.iter().filter(|l| l["event"] == "call").collect();
    assert_eq!(calls.len(), 2, "{calls:#?}");
    assert!(calls[0]["dry_run"] == true && calls[0]["result"]["ok"].is_string());
    assert!(calls[0]["result"]["dropped"].is_null(), "{:#?}", calls[0]);
    assert!(calls[1]["dry_run"] == false && calls[1]["result"]["code"] == 409);
    assert_eq!(lines.last().unwrap()["event"], "stopped");
}

#[test]
fn the_rbac_manifests_suffice_to_read_and_to_apply_and_a_revoked_token_is_a_401() {
    let Some(real) = real(Start::short()) else {
        return;
    };
    let manifest = |name: &str| repo().join("deploy").join(name);
    kubectl(
        &real.cp,
        &[
            "apply",
            "-f",
            manifest("rbac-readonly.yaml").to_str().unwrap(),
        ],
        None,
    );
    let token = kubectl(
        &real.cp,
        &[
            "-n",
            "kube-system",
            "create",
            "token",
            "quorum",
            "--duration=10m",
        ],
        None,
    )
    .trim()
    .to_string();
    let kc = real.path("quorum-sa.kubeconfig");
    std::fs::write(
        &kc,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: real\n  cluster:\n    server: {}\n    certificate-authority: {}\nusers:\n- name: quorum-sa\n  user:\n    token: {token}\ncontexts:\n- name: quorum-ro\n  context: {{cluster: real, user: quorum-sa}}\ncurrent-context: quorum-ro\n",
            real.cp.server(),
            real.cp.dir().join("pki/ca.crt").display()
        ),
    )
    .unwrap();

    // Reading: every kind, no warning.
    quorum()
        .args(["analyze", "--context", "quorum-ro", "--kubeconfig"])
        .arg(&kc)
        .assert()
        .success()
        .stderr(predicate::str::contains("403").not())
        .stderr(predicate::str::contains("warning").not());
    quorum()
        .args(["export", "--context", "quorum-ro", "--kubeconfig"])
        .arg(&kc)
        .arg(real.path("export"))
        .assert()
        .success()
        .stderr(predicate::str::is_empty());

    // Applying with read-only rights: refused at the first dry run, nothing changed.
    let (plan_path, _) = real.plan("quorum-ro", &kc, &["--goal", "storage"]);
    let apply = |journal: &str| {
        let mut c = quorum();
        c.args(["apply", "--context", "quorum-ro", "--yes", "--wait", "20"])
            .arg("--kubeconfig")
            .arg(&kc)
            .arg("--journal")
            .arg(real.path(journal))
            .arg(&plan_path);
        c
    };
    apply("refused.jsonl")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("403 Forbidden"))
        .stdout(predicate::str::contains(
            r#"cannot create resource "storageclasses""#,
        ))
        .stdout(predicate::str::contains("deploy/rbac-apply.yaml"))
        .stdout(predicate::str::contains(token.as_str()).not());
    assert!(!exists(&real.cp, &["storageclass", "zonal-immediate-wffc"]));
    assert!(!exists(&real.cp, &["-n", "db", "pdb", "api"]));

    // With deploy/rbac-apply.yaml bound as well, the same plan goes through.
    kubectl(
        &real.cp,
        &["apply", "-f", manifest("rbac-apply.yaml").to_str().unwrap()],
        None,
    );
    kubectl(
        &real.cp,
        &[
            "create",
            "clusterrolebinding",
            "quorum-apply",
            "--clusterrole=quorum-apply",
            "--serviceaccount=kube-system:quorum",
        ],
        None,
    );
    wait_until("the apply role in force", WAIT, || {
        let out = kubectl_output(
            &real.cp,
            &[
                "auth",
                "can-i",
                "create",
                "storageclasses.storage.k8s.io",
                "--as=system:serviceaccount:kube-system:quorum",
            ],
            None,
        );
        let said = String::from_utf8_lossy(&out.stdout).trim().to_string();
        (said == "yes").then_some(()).ok_or(said)
    });
    apply("applied.jsonl").assert().success();
    assert!(exists(&real.cp, &["storageclass", "zonal-immediate-wffc"]));
    assert!(exists(&real.cp, &["-n", "db", "pdb", "api"]));
    // An eviction (a restart handover) is allowed too: its dry run is authorised as the real call
    // would be, and the answer no stops before the real one.
    let (_, restart) = real.plan(
        "quorum-ro",
        &kc,
        &["--goal", "leaders", "--handover", "restart"],
    );
    let options = ApplyOptions {
        live: live::Options {
            contexts: vec!["quorum-ro".into()],
            ..options(&kc)
        },
        context: "quorum-ro".into(),
        ..real.apply_options("restart.jsonl")
    };
    let report = run::apply(&restart, &options, &mut |_, _| false, &mut |_| {}).expect("apply");
    let stopped = report.stopped.expect("the answer no stops the run");
    assert!(
        stopped.reason.contains("not confirmed"),
        "{}",
        stopped.reason
    );

    // The ServiceAccount deleted: its token is refused (401), exit 2, and never printed.
    kubectl(
        &real.cp,
        &["-n", "kube-system", "delete", "serviceaccount", "quorum"],
        None,
    );
    wait_until("a 401 for the revoked token", WAIT, || {
        let out = quorum()
            .args(["analyze", "--context", "quorum-ro", "--live-timeout", "20"])
            .arg("--kubeconfig")
            .arg(&kc)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            !stderr.contains(&token) && !stdout.contains(&token),
            "the token is printed"
        );
        (out.status.code() == Some(2) && stderr.contains("401 Unauthorized"))
            .then_some(())
            .ok_or(format!("{:?}: {stderr}", out.status.code()))
    });
}

// The real server's own history and network.

/// Compacts etcd at its current revision through its HTTP gateway (the client port in DIR/env):
/// every older revision is gone, as after the API server's periodic compaction.
fn compact_etcd(cp: &ControlPlane) -> u64 {
    let port: u16 = cp.env["QUORUM_CP_ETCD_PORT"].parse().unwrap();
    let revision: u64 =
        etcd_post(port, "/v3/kv/range", &json!({"key": "Lw=="}))["header"]["revision"]
            .as_str()
            .and_then(|r| r.parse().ok())
            .expect("etcd's current revision");
    etcd_post(
        port,
        "/v3/kv/compaction",
        &json!({"revision": revision.to_string(), "physical": true}),
    );
    revision
}

fn etcd_post(port: u16, path: &str, body: &Value) -> Value {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("etcd's client port");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let body = body.to_string();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "etcd {path}: {answer}");
    // The JSON object of the body (chunk sizes, if any, lie outside it).
    let (start, end) = (answer.find("\r\n\r\n{"), answer.rfind('}'));
    match (start, end) {
        (Some(s), Some(e)) => serde_json::from_str(&answer[s + 4..=e]).expect("etcd's JSON"),
        _ => panic!("etcd {path}: {answer}"),
    }
}

/// A TCP relay on 127.0.0.1 in front of the API server (TLS passes through: the server's
/// certificate names 127.0.0.1). It cuts every open connection on demand and can hold new ones
/// until released: a network cut, then an outage.
struct Relay {
    port: u16,
    open: Arc<Mutex<Vec<TcpStream>>>,
    held: Arc<AtomicBool>,
    closed: Arc<AtomicBool>,
}

impl Relay {
    fn start(upstream: u16) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let relay = Relay {
            port: listener.local_addr().unwrap().port(),
            open: Arc::default(),
            held: Arc::default(),
            closed: Arc::default(),
        };
        let (open, held, closed) = (relay.open.clone(), relay.held.clone(), relay.closed.clone());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                if closed.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(client) = client else { continue };
                let (open, held) = (open.clone(), held.clone());
                std::thread::spawn(move || {
                    let deadline = Instant::now() + WAIT;
                    while held.load(Ordering::Relaxed) && Instant::now() < deadline {
                        std::thread::sleep(Duration::from_millis(20));
                    }
                    let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
                        return;
                    };
                    {
                        let mut open = open.lock().unwrap();
                        open.extend(client.try_clone().ok());
                        open.extend(server.try_clone().ok());
                    }
                    pipe(client, server);
                });
            }
        });
        relay
    }

    fn hold(&self, held: bool) {
        self.held.store(held, Ordering::Relaxed);
    }

    /// Closes every connection open through the relay.
    fn cut(&self) {
        for stream in self.open.lock().unwrap().drain(..) {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.closed.store(true, Ordering::Relaxed);
        self.hold(false);
        self.cut();
        let _ = TcpStream::connect(("127.0.0.1", self.port)); // wakes the accepting thread
    }
}

/// Copies both ways until either side closes.
fn pipe(a: TcpStream, b: TcpStream) {
    let (mut a_in, mut b_out) = (a.try_clone().unwrap(), b.try_clone().unwrap());
    let there = std::thread::spawn(move || {
        let _ = std::io::copy(&mut a_in, &mut b_out);
        let _ = b_out.shutdown(Shutdown::Both);
    });
    let (mut b_in, mut a_out) = (b, a);
    let _ = std::io::copy(&mut b_in, &mut a_out);
    let _ = a_out.shutdown(Shutdown::Both);
    let _ = there.join();
}
