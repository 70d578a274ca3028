//! The test server against real clients: kube-rs and kube-runtime through a
//! generated kubeconfig, and kubectl where it is installed.

use std::path::{Path, PathBuf};
use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::{Node, Pod};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use kube::api::{
    Api, DeleteParams, EvictParams, ListParams, Patch, PatchParams, PostParams, WatchEvent,
    WatchParams,
};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::runtime::watcher::{self, Event};
use kube::{Client, Config};
use quorum_testapi::Server;
use serde_json::json;

/// Bound on every await, so a broken protocol fails fast instead of hanging.
const LIMIT: Duration = Duration::from_secs(8);

fn samples(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../samples")
        .join(dir)
}

async fn three_zones() -> Server {
    Server::builder()
        .fixtures([samples("three-zones")])
        .page_limit_max(10)
        .bookmark_interval(Duration::from_millis(100))
        .start()
        .await
        .expect("server starts")
}

/// A client built from a kubeconfig file, the way a user's would be.
async fn client_from(path: &Path, context: &str) -> Client {
    let kubeconfig = Kubeconfig::read_from(path).expect("kubeconfig parses");
    let options = KubeConfigOptions {
        context: Some(context.to_string()),
        ..Default::default()
    };
    let mut config = Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .expect("kubeconfig is valid");
    // kube retries 429/503/504 up to 15 times by default (backoff up to
    // 1000 s): an eviction refused by a PDB would hang the test for minutes.
    config.default_retry = false;
    Client::try_from(config).expect("client")
}

async fn client(server: &Server) -> (Client, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kubeconfig");
    server.write_kubeconfig(&path, "test").unwrap();
    (client_from(&path, "test").await, dir)
}

async fn within<T>(what: &str, f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(LIMIT, f)
        .await
        .unwrap_or_else(|_| panic!("timed out: {what}"))
}

fn api_status(e: kube::Error) -> Box<kube::core::Status> {
    match e {
        kube::Error::Api(s) => s,
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_pods_in_pages_through_a_generated_kubeconfig() {
    let server = three_zones().await;
    let (client, _dir) = client(&server).await;
    let pods: Api<Pod> = Api::all(client.clone());

    let mut names = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    let mut list_rv = None;
    loop {
        let mut lp = ListParams::default().limit(500);
        if let Some(t) = &token {
            lp = lp.continue_token(t);
        }
        let page = within("list", pods.list(&lp)).await.expect("list");
        pages += 1;
        // Every page of one list reports the first page's version.
        let rv = page.metadata.resource_version.clone().expect("list rv");
        assert_eq!(*list_rv.get_or_insert(rv.clone()), rv);
        names.extend(page.items.iter().map(|p| p.metadata.name.clone().unwrap()));
        token = page.metadata.continue_.filter(|t| !t.is_empty());
        if token.is_none() {
            break;
        }
    }
    assert_eq!(names.len(), 32, "three-zones has 32 pods");
    assert_eq!(pages, 4, "the server caps pages at 10 items");
    assert!(names.contains(&"pg-0".to_string()));

    // Every object carries a resourceVersion and a uid.
    let one = pods.list(&ListParams::default().limit(1)).await.unwrap();
    assert!(one.items[0].metadata.resource_version.is_some());
    assert!(one.items[0].metadata.uid.is_some());

    // Per namespace, and the selectors.
    let db: Api<Pod> = Api::namespaced(client.clone(), "db");
    assert_eq!(
        db.list(&ListParams::default()).await.unwrap().items.len(),
        3
    );
    let by_label = db
        .list(&ListParams::default().labels("statefulset.kubernetes.io/pod-name in (pg-0,pg-2)"))
        .await
        .unwrap();
    assert_eq!(by_label.items.len(), 2);
    let by_field = pods
        .list(&ListParams::default().fields("metadata.name=pg-1,metadata.namespace=db"))
        .await
        .unwrap();
    assert_eq!(by_field.items.len(), 1);
    let nodes: Api<Node> = Api::all(client.clone());
    let node = nodes.get("ip-10-0-1-10").await.unwrap();
    assert_eq!(node.metadata.name.as_deref(), Some("ip-10-0-1-10"));
    let missing = api_status(db.get("nope").await.unwrap_err());
    assert_eq!((missing.code, missing.reason.as_str()), (404, "NotFound"));

    // The log counts LISTs and GETs.
    let lists = server
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path == "/api/v1/pods")
        .count();
    assert_eq!(lists, 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn continue_token_from_before_compaction_is_gone() {
    let server = three_zones().await;
    let (client, _dir) = client(&server).await;
    let pods: Api<Pod> = Api::all(client);
    let first = pods.list(&ListParams::default().limit(5)).await.unwrap();
    let token = first.metadata.continue_.unwrap();
    server.compact();
    let err = api_status(
        pods.list(&ListParams::default().limit(5).continue_token(&token))
            .await
            .unwrap_err(),
    );
    assert_eq!((err.code, err.reason.as_str()), (410, "Expired"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watcher_sees_an_upsert_and_a_delete() {
    let server = three_zones().await;
    let (client, _dir) = client(&server).await;
    let leases: Api<Lease> = Api::namespaced(client, "db");
    let mut events = watcher::watcher(leases, watcher::Config::default()).boxed();

    let mut initial = 0;
    loop {
        match within("initial list", events.try_next())
            .await
            .unwrap()
            .unwrap()
        {
            Event::InitApply(_) => initial += 1,
            Event::InitDone => break,
            _ => {}
        }
    }
    assert_eq!(initial, 1, "db has one lease");

    let mut lease = server.object("Lease", "db", "pg-leader").unwrap();
    lease["spec"]["holderIdentity"] = json!("pg-2");
    server.upsert(lease).unwrap();
    loop {
        if let Event::Apply(l) = within("upsert", events.try_next()).await.unwrap().unwrap() {
            assert_eq!(l.spec.unwrap().holder_identity.as_deref(), Some("pg-2"));
            break;
        }
    }
    server.delete("leases", "db", "pg-leader").unwrap();
    loop {
        if let Event::Delete(l) = within("delete", events.try_next()).await.unwrap().unwrap() {
            assert_eq!(l.metadata.name.as_deref(), Some("pg-leader"));
            break;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compaction_makes_the_watcher_relist_and_converge() {
    let server = three_zones().await;
    let (client, _dir) = client(&server).await;
    let pods: Api<Pod> = Api::namespaced(client, "db");
    // The watcher opens its WATCH only while polled: drive it in a task.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let driver = tokio::spawn(async move {
        let mut events = watcher::watcher(pods, watcher::Config::default()).boxed();
        while let Some(ev) = events.next().await {
            if tx.send(ev).is_err() {
                break;
            }
        }
    });
    loop {
        if let Ok(Event::InitDone) = within("initial list", rx.recv()).await.unwrap() {
            break;
        }
    }
    within("watch opens", server.wait_for_watches(1)).await;
    server.clear_requests();

    // A pod appears, then the history is compacted past every version
    // handed out and the watch cut: resuming from any version the watcher
    // holds must fail with 410 and the watcher must list again. (Compacting
    // first would race: the live watch may deliver the pod, and a resume
    // from its version is legitimately not 410.)
    let mut pod = server.object("Pod", "db", "pg-2").unwrap();
    pod["metadata"]["name"] = json!("pg-3");
    pod["metadata"].as_object_mut().unwrap().remove("uid");
    server.upsert(pod).unwrap();
    server.compact();
    server.cut_watches();

    let mut relisted = Vec::new();
    let mut saw_init = false;
    loop {
        let ev = match tokio::time::timeout(LIMIT, rx.recv()).await {
            Ok(ev) => ev.unwrap(),
            Err(_) => panic!("timed out: relist; requests {:#?}", server.requests()),
        };
        match ev {
            Ok(Event::Init) => saw_init = true,
            Ok(Event::InitApply(p)) => relisted.push(p.metadata.name.unwrap()),
            Ok(Event::InitDone) => break,
            Ok(_) | Err(_) => {} // the cut and the 410 surface as errors
        }
    }
    assert!(saw_init);
    relisted.sort();
    assert_eq!(relisted, ["pg-0", "pg-1", "pg-2", "pg-3"]);
    let log = server.requests();
    assert!(
        log.iter().any(|r| r.is_watch()),
        "the watcher tried to resume: {log:?}"
    );
    assert!(
        log.iter()
            .any(|r| !r.is_watch() && r.path == "/api/v1/namespaces/db/pods"),
        "then listed again: {log:?}"
    );
    driver.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_from_a_compacted_version_is_an_error_event_410() {
    let server = three_zones().await;
    let (client, _dir) = client(&server).await;
    let leases: Api<Lease> = Api::all(client);
    let rv = leases
        .list(&ListParams::default())
        .await
        .unwrap()
        .metadata
        .resource_version
        .unwrap();
    server.compact();
    let mut stream = leases
        .watch(&WatchParams::default(), &rv)
        .await
        .unwrap()
        .boxed();
    match within("error event", stream.try_next()).await.unwrap() {
        Some(WatchEvent::Error(s)) => assert_eq!((s.code, s.reason.as_str()), (410, "Expired")),
        other => panic!("expected an ERROR event, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_replays_history_and_sends_bookmarks() {
    let server = three_zones().await;
    let (client, _dir) = client(&server).await;
    let leases: Api<Lease> = Api::namespaced(client, "kafka");
    let rv = leases
        .list(&ListParams::default())
        .await
        .unwrap()
        .metadata
        .resource_version
        .unwrap();
    // Changed before the watch starts: replayed from the history.
    let mut lease = server
        .object("leases", "kafka", "kafka-controller")
        .unwrap();
    lease["spec"]["leaseTransitions"] = json!(9);
    server.upsert(lease).unwrap();
    let mut stream = leases
        .watch(&WatchParams::default(), &rv)
        .await
        .unwrap()
        .boxed();
    match within("replay", stream.try_next()).await.unwrap() {
        Some(WatchEvent::Modified(l)) => {
            assert_eq!(l.spec.unwrap().lease_transitions, Some(9));
        }
        other => panic!("expected MODIFIED, got {other:?}"),
    }
    match within("bookmark", stream.try_next()).await.unwrap() {
        Some(WatchEvent::Bookmark(b)) => {
            assert_eq!(
                b.metadata.resource_version,
                server.resource_version().to_string()
            );
        }
        other => panic!("expected BOOKMARK, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_garbage_line_breaks_the_watch_stream() {
    let server = three_zones().await;
    let (client, _dir) = client(&server).await;
    let leases: Api<Lease> = Api::namespaced(client, "db");
    server.garbage_on_next_watch();
    let mut stream = leases
        .watch(&WatchParams::default(), "0")
        .await
        .unwrap()
        .boxed();
    let first = within("garbage", stream.next()).await.unwrap();
    assert!(first.is_err(), "garbage must not parse: {first:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_token_is_401() {
    let server = three_zones().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kubeconfig");
    let mut entry = server.kubeconfig_entry("bad");
    entry.token = "not-the-token".into();
    quorum_testapi::kubeconfig::write(&path, &[entry]).unwrap();
    let client = client_from(&path, "bad").await;
    let pods: Api<Pod> = Api::all(client);
    let err = api_status(pods.list(&ListParams::default()).await.unwrap_err());
    assert_eq!((err.code, err.reason.as_str()), (401, "Unauthorized"));
    assert!(server.requests().iter().all(|r| r.status == 401));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn denied_verbs_are_403_with_the_apiservers_message() {
    let server = three_zones().await;
    let (client, _dir) = client(&server).await;
    server.deny("list", "pods");
    server.deny("watch", "poddisruptionbudgets");
    let pods: Api<Pod> = Api::all(client.clone());
    let err = api_status(pods.list(&ListParams::default()).await.unwrap_err());
    assert_eq!((err.code, err.reason.as_str()), (403, "Forbidden"));
    assert_eq!(
        err.message,
        "pods is forbidden: User \"system:serviceaccount:quorum:testapi\" cannot list resource \"pods\" in API group \"\" at the cluster scope"
    );
    // GET is still allowed; a namespaced PDB watch is not.
    Api::<Pod>::namespaced(client.clone(), "db")
        .get("pg-0")
        .await
        .unwrap();
    let pdbs: Api<PodDisruptionBudget> = Api::namespaced(client.clone(), "db");
    let err = api_status(
        pdbs.watch(&WatchParams::default(), "0")
            .await
            .err()
            .unwrap(),
    );
    assert_eq!(
        err.message,
        "poddisruptionbudgets is forbidden: User \"system:serviceaccount:quorum:testapi\" cannot watch resource \"poddisruptionbudgets\" in API group \"policy\" in the namespace \"db\""
    );
    // Secrets: always 403.
    let secrets: Api<k8s_openapi::api::core::v1::Secret> = Api::all(client);
    let err = api_status(secrets.list(&ListParams::default()).await.unwrap_err());
    assert_eq!(err.code, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eviction_respects_the_pod_disruption_budget() {
    let server = three_zones().await;
    let (client, _dir) = client(&server).await;
    let pods: Api<Pod> = Api::namespaced(client, "db");
    // pg: minAvailable 2 of 3 ready pods. A dry run changes nothing.
    let dry = EvictParams {
        post_options: PostParams {
            dry_run: true,
            ..Default::default()
        },
        ..Default::default()
    };
    pods.evict("pg-0", &dry).await.unwrap();
    assert!(server.object("Pod", "db", "pg-0").is_some());
    assert!(server.requests().last().unwrap().is_dry_run());

    let mut events = pods
        .watch(
            &WatchParams::default(),
            &server.resource_version().to_string(),
        )
        .await
        .unwrap()
        .boxed();
    pods.evict("pg-0", &EvictParams::default()).await.unwrap();
    assert!(server.object("Pod", "db", "pg-0").is_none());
    let change = loop {
        match within("deleted event", events.try_next()).await.unwrap() {
            Some(WatchEvent::Bookmark(_)) => continue,
            other => break other,
        }
    };
    match change {
        Some(WatchEvent::Deleted(p)) => assert_eq!(p.metadata.name.as_deref(), Some("pg-0")),
        other => panic!("expected DELETED, got {other:?}"),
    }

    // Two healthy left, two needed: refused.
    let err = api_status(
        pods.evict("pg-1", &EvictParams::default())
            .await
            .unwrap_err(),
    );
    assert_eq!((err.code, err.reason.as_str()), (429, "TooManyRequests"));
    assert_eq!(
        err.message,
        "Cannot evict pod as it would violate the pod's disruption budget."
    );
    assert!(server.object("Pod", "db", "pg-1").is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_patch_changes_nothing_and_stale_versions_conflict() {
    let server = three_zones().await;
    let (client, _dir) = client(&server).await;
    let leases: Api<Lease> = Api::namespaced(client, "db");
    let before = server.object("Lease", "db", "pg-leader").unwrap();
    let rv = before["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();
    let patch = json!({"metadata": {"resourceVersion": rv},
        "spec": {"holderIdentity": "pg-1"}});

    let preview = leases
        .patch(
            "pg-leader",
            &PatchParams::default().dry_run(),
            &Patch::Merge(&patch),
        )
        .await
        .unwrap();
    assert_eq!(
        preview.spec.unwrap().holder_identity.as_deref(),
        Some("pg-1")
    );
    assert_eq!(server.object("Lease", "db", "pg-leader").unwrap(), before);
    assert!(server.requests().last().unwrap().is_dry_run());

    let done = leases
        .patch("pg-leader", &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .unwrap();
    assert_eq!(done.spec.unwrap().holder_identity.as_deref(), Some("pg-1"));
    assert_ne!(done.metadata.resource_version.as_deref(), Some(rv.as_str()));

    // The same patch again carries a now stale version.
    let err = api_status(
        leases
            .patch("pg-leader", &PatchParams::default(), &Patch::Merge(&patch))
            .await
            .unwrap_err(),
    );
    assert_eq!((err.code, err.reason.as_str()), (409, "Conflict"));
    assert_eq!(
        err.message,
        "Operation cannot be fulfilled on leases.coordination.k8s.io \"pg-leader\": the object has been modified; please apply your changes to the latest version and try again"
    );
    // Strategic merge is served too; replace checks the version as well.
    let mut current = leases.get("pg-leader").await.unwrap();
    leases
        .patch(
            "pg-leader",
            &PatchParams::default(),
            &Patch::Strategic(json!({"spec": {"leaseDurationSeconds": 30}})),
        )
        .await
        .unwrap();
    current.spec.as_mut().unwrap().holder_identity = Some("pg-0".into());
    let err = api_status(
        leases
            .replace("pg-leader", &PostParams::default(), &current)
            .await
            .unwrap_err(),
    );
    assert_eq!(err.code, 409);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_and_delete_with_dry_run() {
    let server = three_zones().await;
    let (client, _dir) = client(&server).await;
    let pdbs: Api<PodDisruptionBudget> = Api::namespaced(client, "ops");
    let pdb: PodDisruptionBudget = serde_json::from_value(json!({
        "apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
        "metadata": {"name": "keda"},
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": {"app.kubernetes.io/name": "keda-operator"}}},
    }))
    .unwrap();
    let dry = PostParams {
        dry_run: true,
        ..Default::default()
    };
    pdbs.create(&dry, &pdb).await.unwrap();
    assert!(server.object("pdb", "ops", "keda").is_none());
    let made = pdbs.create(&PostParams::default(), &pdb).await.unwrap();
    assert_eq!(made.metadata.namespace.as_deref(), Some("ops"));
    let again = api_status(pdbs.create(&PostParams::default(), &pdb).await.unwrap_err());
    assert_eq!((again.code, again.reason.as_str()), (409, "AlreadyExists"));

    pdbs.delete("keda", &DeleteParams::default().dry_run())
        .await
        .unwrap();
    assert!(server.object("pdb", "ops", "keda").is_some());
    pdbs.delete("keda", &DeleteParams::default()).await.unwrap();
    assert!(server.object("pdb", "ops", "keda").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_kubeconfig_two_clusters() {
    let a = Server::builder()
        .fixtures([samples("two-dcs/dc-a.yaml")])
        .start()
        .await
        .unwrap();
    let b = Server::builder()
        .fixtures([samples("two-dcs/dc-b.yaml")])
        .start()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kubeconfig");
    quorum_testapi::write_kubeconfig(&path, &[(&a, "dc-a"), (&b, "dc-b")]).unwrap();
    let mut names = Vec::new();
    for ctx in ["dc-a", "dc-b"] {
        let nodes: Api<Node> = Api::all(client_from(&path, ctx).await);
        let list = nodes.list(&ListParams::default()).await.unwrap();
        assert!(!list.items.is_empty());
        names.push(list.items[0].metadata.name.clone().unwrap());
    }
    assert_ne!(names[0], names[1], "each context reaches its own cluster");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discovery_answers_like_an_apiserver() {
    let server = three_zones().await;
    let (client, _dir) = client(&server).await;
    let version = client.apiserver_version().await.unwrap();
    assert_eq!(
        (version.major.as_str(), version.minor.as_str()),
        ("1", "33")
    );
    let groups = client.list_api_groups().await.unwrap();
    let names: Vec<_> = groups.groups.iter().map(|g| g.name.as_str()).collect();
    for g in ["apps", "policy", "storage.k8s.io", "coordination.k8s.io"] {
        assert!(names.contains(&g), "{g} in {names:?}");
    }
    let core = client.list_core_api_resources("v1").await.unwrap();
    assert!(core.resources.iter().any(|r| r.name == "pods/eviction"));
    assert!(!core.resources.iter().any(|r| r.name == "secrets"));
    let discovery = kube::Discovery::new(client).run().await.unwrap();
    assert!(discovery.has_group("coordination.k8s.io"));
}

/// The blocking start, for synchronous tests of a CLI binary.
#[test]
fn blocking_start_serves_a_client_on_another_runtime() {
    let server = Server::builder()
        .fixtures([samples("three-zones/cluster.yaml")])
        .start_blocking()
        .unwrap();
    assert_eq!(server.load_stats().secrets_dropped, 0);
    assert!(server.url().starts_with("https://127.0.0.1:"));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let n = rt.block_on(async {
        let (client, _dir) = client(&server).await;
        Api::<Node>::all(client)
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .len()
    });
    assert_eq!(n, 9);
}

/// kubectl speaks to the server too, where it is installed.
#[test]
fn kubectl_get_pods_all_namespaces() {
    let Ok(out) = std::process::Command::new("kubectl")
        .args(["version", "--client"])
        .output()
    else {
        println!("note: kubectl is not installed; skipping the kubectl test");
        return;
    };
    if !out.status.success() {
        println!("note: kubectl does not run here; skipping the kubectl test");
        return;
    }
    let server = Server::builder()
        .fixtures([samples("three-zones")])
        .page_limit_max(20)
        .start_blocking()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kubeconfig");
    server.write_kubeconfig(&path, "three-zones").unwrap();
    let out = std::process::Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(&path)
        .args(["get", "pods", "-A", "--request-timeout=8s"])
        .env("KUBECACHEDIR", dir.path().join("cache"))
        .env("HOME", dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "kubectl failed: {stderr}");
    assert!(stdout.contains("pg-0"), "{stdout}\n{stderr}");
    assert_eq!(
        stdout.lines().filter(|l| !l.trim().is_empty()).count(),
        33,
        "{stdout}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latency_slows_every_response() {
    let server = three_zones().await;
    let (client, _dir) = client(&server).await;
    let nodes: Api<Node> = Api::all(client);
    server.set_latency(Duration::from_millis(300));
    let started = std::time::Instant::now();
    nodes.get("ip-10-0-1-10").await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
    server.set_latency(Duration::ZERO);
}
