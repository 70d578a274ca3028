//! A live session against a Kubernetes API server on loopback (quorum-testapi): watch events
//! reach the analysis, cut watches resume, a 410 re-lists, garbage and a vanished server leave
//! the last good state in place, marked stale with its age.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use quorum_core::analysis::{Analysis, analyze};
use quorum_core::config::Config;
use quorum_core::graph::Topology;
use quorum_core::live::{self, ClusterStatus, Options, Session, Update};
use quorum_core::model::{Kind, Snapshot};
use quorum_core::workbench::Workbench;
use quorum_testapi::Server;
use serde_json::json;

const WAIT: Duration = Duration::from_secs(30);

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../samples/three-zones")
}

struct Live {
    server: Server,
    options: Options,
    _dir: tempfile::TempDir,
}

fn serve(builder: quorum_testapi::ServerBuilder) -> Live {
    let server = builder
        .fixtures([sample()])
        .start_blocking()
        .expect("test API server");
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    server.write_kubeconfig(&kubeconfig, "three").unwrap();
    let options = Options {
        contexts: vec!["three".into()],
        kubeconfig: Some(kubeconfig),
        page_size: 50,
        timeout: Duration::from_secs(20),
        ..Options::default()
    };
    Live {
        server,
        options,
        _dir: dir,
    }
}

fn start(options: &Options) -> (Session, Receiver<Update>) {
    let (tx, rx) = channel();
    let session = Session::start(options, Duration::from_millis(50), move |u| {
        let _ = tx.send(u);
    })
    .expect("session");
    (session, rx)
}

/// The first update that satisfies `want`, or a failure naming what was last seen.
fn wait_for(rx: &Receiver<Update>, what: &str, want: impl Fn(&Update) -> bool) -> Update {
    let deadline = Instant::now() + WAIT;
    let mut last = None;
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(update) if want(&update) => return update,
            Ok(update) => last = Some(update.status),
            Err(_) => break,
        }
    }
    panic!("no update with {what} within {WAIT:?}; last status: {last:#?}");
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
        .find(|r| &*r.lease == lease)
        .and_then(|r| r.holder.as_deref().map(str::to_string))
}

fn kind(status: &[ClusterStatus], kind: Kind) -> &live::KindStatus {
    status[0]
        .kinds
        .iter()
        .find(|k| k.kind == kind)
        .expect("every kind has a status")
}

fn lease(name: &str, holder: &str) -> serde_json::Value {
    json!({
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": {"name": name, "namespace": "db"},
        "spec": {"holderIdentity": holder, "leaseDurationSeconds": 15,
                 "renewTime": "2026-11-20T10:00:30.000000Z"}
    })
}

fn snapshot_with(rx: &Receiver<Update>, what: &str, want: impl Fn(&Analysis) -> bool) -> Analysis {
    let update = wait_for(rx, what, |u| {
        u.snapshot.as_ref().is_some_and(|s| want(&analysis_of(s)))
    });
    analysis_of(update.snapshot.as_ref().unwrap())
}

/// With `partial_updates`, a lease change comes as that record alone, a node's condition as that
/// node alone, a new record as all the records, a pod that comes as that pod and one that goes as
/// its name; applied to the last graph they give the analysis a full snapshot would. A pod the
/// last graph cannot take (of a workload it does not hold) is built from every object. A node
/// moved to another zone is a whole snapshot.
#[test]
fn partial_updates_carry_records_and_node_states_alone_and_give_the_analysis_of_a_full_snapshot() {
    let live = serve(Server::builder());
    let options = Options {
        partial_updates: true,
        ..live.options.clone()
    };
    let build = Config::default().build_options();
    let (session, rx) = start(&options);
    let first = wait_for(&rx, "the first snapshot", |u| u.snapshot.is_some());
    assert!(first.changes.is_none());
    let mut first = (*first.snapshot.unwrap()).clone();
    first.inputs.clear();
    let mut state = Workbench::new(
        Topology::from_snapshot(first, &build),
        vec![],
        Config::default(),
    );
    // Each change applied to the last state, as the terminal UI follows the cluster.
    let apply = |state: &mut Workbench, changes: Snapshot| {
        let mut changes = changes;
        changes.inputs.clear();
        let now = changes.now;
        let (graph, changed) = state
            .topology
            .changes_applied(changes, &build)
            .expect("nodes and pods in place");
        *state = Workbench::after(state, graph, &changed, vec![]);
        let incremental = (*state.analysis).clone();
        // The same as the analysis of that graph afresh.
        assert_eq!(
            serde_json::to_value(&incremental).unwrap(),
            serde_json::to_value(analyze(&state.topology, &Config::default())).unwrap()
        );
        // Everything as a whole snapshot at the same time gives the same analysis.
        let full = analysis_of(&Snapshot {
            now,
            ..session.snapshot()
        });
        assert_eq!(
            serde_json::to_value(&incremental).unwrap(),
            serde_json::to_value(&full).unwrap()
        );
        incremental
    };
    let partial = |what: &str| {
        let update = wait_for(&rx, what, |u| u.snapshot.is_some() || u.changes.is_some());
        assert!(update.snapshot.is_none(), "{what} copies no pod");
        (*update.changes.unwrap()).clone()
    };

    live.server.upsert(lease("pg-leader", "pg-1")).unwrap();
    let leaders = partial("the leader records");
    assert!(leaders.clusters[0].pods.is_empty());
    assert!(leaders.clusters[0].nodes.is_empty(), "no node changed");
    // The one record that changed, alone.
    let records: Vec<&str> = leaders.clusters[0]
        .leaders
        .iter()
        .map(|(l, _)| l.meta.name.as_str())
        .collect();
    assert_eq!(records, ["pg-leader"]);
    assert!(leaders.clusters[0].leaders_changed_only);
    // The input reports still count every object read.
    assert_eq!(
        leaders.inputs[0].objects as usize,
        session.status()[0]
            .kinds
            .iter()
            .map(|k| k.objects)
            .sum::<usize>()
    );
    let incremental = apply(&mut state, leaders);
    assert_eq!(
        holder(&incremental, "db/pg-leader").as_deref(),
        Some("db/pg-1")
    );

    // The node pg-1 runs on stops reporting Ready and is cordoned.
    let pod = live.server.object("Pod", "db", "pg-1").expect("pg-1");
    let node_name = pod["spec"]["nodeName"]
        .as_str()
        .expect("placed")
        .to_string();
    let mut node = live
        .server
        .object("Node", None, &node_name)
        .expect("its node");
    node["spec"]["unschedulable"] = json!(true);
    node["status"]["conditions"] = json!([{"type": "Ready", "status": "False"}]);
    live.server.upsert(node.clone()).unwrap();
    let nodes = partial("the node's condition");
    assert!(nodes.clusters[0].pods.is_empty());
    let changed: Vec<&str> = nodes.clusters[0]
        .nodes
        .iter()
        .map(|(n, _)| n.meta.name.as_str())
        .collect();
    assert_eq!(changed, [node_name.as_str()], "that node alone");
    let cordoned = apply(&mut state, nodes);
    assert_ne!(
        serde_json::to_value(&cordoned).unwrap(),
        serde_json::to_value(&incremental).unwrap(),
        "the analysis sees the node's state"
    );

    // A pod stops being ready: that pod alone.
    let mut pod = live.server.object("Pod", "db", "pg-0").expect("pg-0");
    pod["status"]["conditions"] = json!([{"type": "Ready", "status": "False"}]);
    live.server.upsert(pod.clone()).unwrap();
    let pods = partial("a pod's readiness");
    let names: Vec<&str> = pods.clusters[0]
        .pods
        .iter()
        .map(|(p, _)| p.meta.name.as_str())
        .collect();
    assert_eq!(names, ["pg-0"]);
    apply(&mut state, pods);

    // A new record: every record, for the graph to place it among them.
    live.server.upsert(lease("pg-witness", "pg-0")).unwrap();
    let leaders = partial("a new leader record");
    assert!(!leaders.clusters[0].leaders_changed_only);
    assert!(leaders.clusters[0].leaders.len() > 1);
    apply(&mut state, leaders);

    // A new pod (that pod alone, placed among the others), then bound to a node.
    let mut new = pod;
    new["metadata"]["name"] = json!("pg-9");
    new["metadata"].as_object_mut().unwrap().remove("uid");
    new["spec"].as_object_mut().unwrap().remove("nodeName");
    new["status"] = json!({"phase": "Pending"});
    live.server.upsert(new.clone()).unwrap();
    let came = partial("the new pod");
    let names: Vec<&str> = came.clusters[0]
        .pods
        .iter()
        .map(|(p, _)| p.meta.name.as_str())
        .collect();
    assert_eq!(names, ["pg-9"]);
    let before = state.topology.pods.len();
    apply(&mut state, came);
    assert_eq!(state.topology.pods.len(), before + 1);
    new["spec"]["nodeName"] = json!(node_name);
    live.server.upsert(new).unwrap();
    let bound = partial("the pod bound to a node");
    assert_eq!(bound.clusters[0].pods.len(), 1);
    apply(&mut state, bound);

    // A pod deleted: its name alone.
    live.server
        .delete("Pod", "db", "pg-2")
        .expect("pg-2 exists");
    let gone = partial("a deleted pod");
    assert!(gone.clusters[0].pods.is_empty());
    assert_eq!(
        gone.clusters[0].pods_gone,
        [("db".to_string(), "pg-2".to_string())]
    );
    apply(&mut state, gone);
    assert_eq!(state.topology.pods.len(), before);

    // A pod of a workload the graph does not hold: changes the last graph cannot take, which
    // a follower builds from every object.
    let mut stray = live.server.object("Pod", "db", "pg-0").expect("pg-0");
    stray["metadata"]["name"] = json!("batch-abc12");
    stray["metadata"].as_object_mut().unwrap().remove("uid");
    stray["metadata"]["ownerReferences"] = json!([{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "batch-7f9c", "uid": "u", "controller": true}]);
    live.server.upsert(stray).unwrap();
    let update = wait_for(&rx, "a pod of a new workload", |u| {
        u.snapshot.is_some() || u.changes.is_some()
    });
    let changes = update
        .changes
        .clone()
        .expect("a pod that came is a change of pods");
    let mut unapplied = (*changes).clone();
    unapplied.inputs.clear();
    assert!(
        state.topology.changes_applied(unapplied, &build).is_none(),
        "a workload inferred anew is no change in place"
    );
    let mut follower = quorum_core::workbench::Follower::new(Config::default());
    let whole = || {
        let mut s = update.resync.snapshot();
        s.inputs.clear();
        s
    };
    follower
        .next(Some(Arc::new(whole())), None, || unreachable!())
        .expect("the first state");
    let followed = follower
        .next(None, update.changes.clone(), whole)
        .expect("the state from every object");
    assert!(
        followed
            .topology
            .pods
            .iter()
            .any(|p| p.pod.meta.name == "batch-abc12")
    );

    // The same node in another zone moves every pod on it: a whole snapshot.
    node["metadata"]["labels"]["topology.kubernetes.io/zone"] = json!("elsewhere");
    live.server.upsert(node).unwrap();
    let update = wait_for(&rx, "a whole snapshot", |u| {
        u.snapshot.is_some() || u.changes.is_some()
    });
    assert!(
        update.changes.is_none(),
        "a node that moved is a whole snapshot"
    );
}

#[test]
fn a_leader_change_and_a_deleted_pod_reach_the_analysis_without_a_relist() {
    let live = serve(Server::builder());
    let (_session, rx) = start(&live.options);
    let first = snapshot_with(&rx, "the first snapshot", |a| !a.groups.is_empty());
    assert_eq!(holder(&first, "db/pg-leader").as_deref(), Some("db/pg-0"));

    live.server.upsert(lease("pg-leader", "pg-1")).unwrap();
    let moved = snapshot_with(&rx, "pg-leader held by pg-1", |a| {
        holder(a, "db/pg-leader").as_deref() == Some("db/pg-1")
    });
    let pg = |a: &Analysis| {
        a.groups
            .iter()
            .find(|g| g.name == "db/pg")
            .map(|g| g.per_zone.values().sum::<u32>())
    };
    let before = pg(&moved).expect("db/pg is a group");

    live.server
        .delete("Pod", "db", "pg-2")
        .expect("pg-2 exists");
    snapshot_with(&rx, "db/pg one replica down", |a| pg(a) == Some(before - 1));

    // Events arrived on the open watches: every kind was listed once.
    let status = _session.status();
    assert!(status[0].kinds.iter().all(|k| k.lists == 1), "{status:#?}");
    assert!(status[0].stale_since.is_none());
}

/// A server that streams a watch's initial state (1.32, 1.34 on) is read with one watch per kind
/// and no LIST, and gives the snapshot pages give; one whose operator turned that off (422), or
/// whose stream ends before the list does, is read in pages without a word; changes still arrive
/// on the open watches after a streamed list.
#[test]
fn a_server_that_streams_its_lists_is_read_in_watches_and_one_that_refuses_or_cuts_in_pages() {
    let read = |builder: quorum_testapi::ServerBuilder, list_in_pages: bool| {
        let live = serve(builder);
        let options = Options {
            list_in_pages,
            ..live.options.clone()
        };
        live::read(&options).expect("a live read")
    };
    let v134 = || Server::builder().server_version("v1.34.2");
    let streamed = read(v134(), false);
    let paged = read(v134(), true);
    let refused = read(v134().watch_list(false), false);
    let cut = read(v134().cut_initial_events(), false);
    let on_133 = read(Server::builder().server_version("v1.33.4"), false);

    let requests = |r: &live::Read| r.status[0].requests;
    assert_eq!(requests(&streamed).lists, 0, "{:?}", requests(&streamed));
    assert!(requests(&streamed).watches >= Kind::ALL.len() as u64);
    for other in [&paged, &refused, &on_133, &cut] {
        assert!(
            requests(other).lists >= Kind::ALL.len() as u64,
            "{:?}",
            requests(other)
        );
    }
    let objects = |r: &live::Read| {
        let c = &r.snapshot.clusters[0];
        (c.object_count(), c.pods.len(), c.leaders.len())
    };
    assert!(objects(&streamed).1 > 0);
    let analysis = |r: &live::Read| {
        let a = analysis_of(&r.snapshot);
        (a.findings.len(), a.groups.len(), holder(&a, "db/pg-leader"))
    };
    for other in [&paged, &refused, &on_133, &cut] {
        assert_eq!(objects(other), objects(&streamed));
        assert_eq!(analysis(other), analysis(&streamed));
        assert!(other.status[0].warnings.is_empty(), "{:?}", other.status);
        assert!(
            other.status[0]
                .kinds
                .iter()
                .all(|k| k.error.is_none() && k.lists <= 1)
        );
    }

    // After a streamed list, the same watch goes on with the changes.
    let live = serve(v134());
    let (session, rx) = start(&live.options);
    let first = snapshot_with(&rx, "the first snapshot", |a| !a.groups.is_empty());
    assert_eq!(holder(&first, "db/pg-leader").as_deref(), Some("db/pg-0"));
    live.server.upsert(lease("pg-leader", "pg-1")).unwrap();
    snapshot_with(&rx, "pg-leader held by pg-1", |a| {
        holder(a, "db/pg-leader").as_deref() == Some("db/pg-1")
    });
    let status = session.status();
    assert_eq!(status[0].requests.lists, 0, "{status:#?}");
    assert!(status[0].kinds.iter().all(|k| k.lists == 1), "{status:#?}");
}

/// A ConfigMap lock is listed and watched as metadata alone: its leader record reaches the
/// analysis, a move of its holder arrives on the watch, and its data never crosses the wire.
#[test]
fn a_configmap_lock_is_listed_and_watched_as_metadata_alone() {
    let live = serve(Server::builder());
    let secret = "hunter2-".repeat(8192);
    let lock = |holder: &str| {
        json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "pg-config-lock", "namespace": "db", "annotations": {
                "control-plane.alpha.kubernetes.io/leader": format!(
                    "{{\"holderIdentity\":\"{holder}\",\"leaseDurationSeconds\":15,\"renewTime\":\"2026-11-20T10:00:30Z\"}}")}},
            "data": {"password": secret}
        })
    };
    live.server.upsert(lock("pg-1")).unwrap();
    let (_session, rx) = start(&live.options);
    snapshot_with(&rx, "the lock held by pg-1", |a| {
        holder(a, "db/pg-config-lock").as_deref() == Some("db/pg-1")
    });
    live.server.upsert(lock("pg-2")).unwrap();
    snapshot_with(&rx, "the lock held by pg-2", |a| {
        holder(a, "db/pg-config-lock").as_deref() == Some("db/pg-2")
    });

    let reads: Vec<_> = live
        .server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/v1/configmaps")
        .collect();
    assert!(reads.iter().any(|r| r.is_watch()), "{reads:?}");
    assert!(reads.iter().any(|r| !r.is_watch()), "{reads:?}");
    for r in &reads {
        assert!(r.asked_for_metadata(), "asked for whole objects: {r:?}");
        assert!(r.served_as.starts_with("PartialObjectMetadata"), "{r:?}");
    }
    // Two versions of the lock went out, a list's and a watch event's: metadata, no data.
    let sent: u64 = reads.iter().map(|r| r.bytes).sum();
    assert!(
        sent > 0 && sent < 8 * 1024,
        "{sent} bytes sent for ConfigMaps"
    );
}

fn expired(analysis: &Analysis, lease: &str) -> Option<bool> {
    analysis
        .leaders
        .records
        .iter()
        .find(|r| &*r.lease == lease)
        .map(|r| r.expired)
}

fn renewed(name: &str, holder: &str, at: chrono::DateTime<chrono::Utc>) -> serde_json::Value {
    let mut l = lease(name, holder);
    l["spec"]["renewTime"] = json!(at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true));
    l["spec"]["leaseDurationSeconds"] = json!(3);
    l
}

#[test]
fn renewals_alone_make_no_snapshot_but_a_leader_that_stops_renewing_does() {
    let live = serve(Server::builder());
    let (_session, rx) = start(&live.options);
    // The sample's leases were last renewed days ago: expired by the clock.
    let first = snapshot_with(&rx, "the first snapshot", |a| !a.groups.is_empty());
    assert_eq!(expired(&first, "db/pg-leader"), Some(true));

    let now = chrono::Utc::now;
    live.server
        .upsert(renewed("pg-leader", "pg-0", now()))
        .unwrap();
    snapshot_with(&rx, "pg-leader alive", |a| {
        expired(a, "db/pg-leader") == Some(false)
    });

    // Renewals and writes that change nothing the model reads: statuses, no snapshot.
    let quiet_until = Instant::now() + Duration::from_millis(1500);
    let pod = live.server.object("Pod", "db", "pg-1").unwrap();
    live.server.upsert(pod).unwrap();
    while Instant::now() < quiet_until {
        live.server
            .upsert(renewed("pg-leader", "pg-0", now()))
            .unwrap();
        if let Ok(update) = rx.recv_timeout(Duration::from_millis(300)) {
            assert!(update.snapshot.is_none(), "a renewal rebuilt the snapshot");
        }
    }
    // The leader stops renewing: three seconds later, time alone makes a snapshot.
    let stopped = Instant::now();
    let later = snapshot_with(&rx, "pg-leader expired", |a| {
        expired(a, "db/pg-leader") == Some(true)
    });
    assert!(stopped.elapsed() >= Duration::from_millis(1500));
    assert_eq!(holder(&later, "db/pg-leader").as_deref(), Some("db/pg-0"));
}

#[test]
fn a_cut_watch_resumes_from_its_resource_version_and_a_410_relists() {
    let live = serve(Server::builder().bookmark_interval(Duration::from_millis(200)));
    let (session, rx) = start(&live.options);
    snapshot_with(&rx, "the first snapshot", |a| !a.groups.is_empty());
    assert!(
        live.server.wait_for_watches_blocking(Kind::ALL.len(), WAIT),
        "every kind is watched"
    );

    // A cut connection: the watcher resumes where it was, with no new LIST.
    live.server.clear_requests();
    live.server.cut_watches();
    live.server.upsert(lease("pg-leader", "pg-2")).unwrap();
    snapshot_with(&rx, "pg-leader held by pg-2 after the cut", |a| {
        holder(a, "db/pg-leader").as_deref() == Some("db/pg-2")
    });
    let resumed = live.server.requests();
    assert!(
        resumed.iter().any(|r| r.is_watch()
            && r.path.ends_with("/leases")
            && r.param("resourceVersion").is_some()),
        "the lease watch reconnected with its resourceVersion: {resumed:?}"
    );
    assert_eq!(kind(&session.status(), Kind::Lease).lists, 1);

    // History compacted while disconnected: 410 Gone, then a fresh LIST that sees the change.
    assert!(live.server.wait_for_watches_blocking(Kind::ALL.len(), WAIT));
    live.server.upsert(lease("pg-leader", "pg-1")).unwrap();
    live.server.compact();
    live.server.cut_watches();
    snapshot_with(&rx, "pg-leader held by pg-1 after the 410", |a| {
        holder(a, "db/pg-leader").as_deref() == Some("db/pg-1")
    });
    // Only a new LIST can have seen that change (the snapshot's status may have been sent with it).
    let deadline = Instant::now() + WAIT;
    let status = loop {
        let status = session.status();
        if kind(&status, Kind::Lease).lists >= 2 && status[0].stale_since.is_none() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "no second LIST of leases: {status:#?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status[0].error.is_none(), "{status:#?}");
}

#[test]
fn garbage_on_a_watch_is_an_error_that_passes_and_the_state_is_kept() {
    let live = serve(Server::builder());
    let (session, rx) = start(&live.options);
    snapshot_with(&rx, "the first snapshot", |a| !a.groups.is_empty());
    assert!(live.server.wait_for_watches_blocking(Kind::ALL.len(), WAIT));
    let objects = session.snapshot().inputs[0].objects;

    live.server.garbage_on_next_watch();
    live.server.upsert(lease("pg-leader", "pg-1")).unwrap();
    snapshot_with(&rx, "pg-leader held by pg-1 after garbage", |a| {
        holder(a, "db/pg-leader").as_deref() == Some("db/pg-1")
    });
    assert_eq!(session.snapshot().inputs[0].objects, objects);
    // The kind whose watch carried the garbage was listed again, and is healthy.
    let deadline = Instant::now() + WAIT;
    loop {
        let status = session.status();
        let relisted = status[0].kinds.iter().filter(|k| k.lists == 2).count();
        if relisted == 1 && status[0].error.is_none() && status[0].stale_since.is_none() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no recovery from garbage: {status:#?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_server_that_goes_away_leaves_the_last_state_marked_stale_with_its_age() {
    let live = serve(Server::builder());
    let (session, rx) = start(&live.options);
    let first = snapshot_with(&rx, "the first snapshot", |a| !a.groups.is_empty());
    let objects = session.snapshot().inputs[0].objects;
    let Live {
        server,
        options,
        _dir,
    } = live;
    drop(server);

    let stale = wait_for(&rx, "a stale status", |u| u.status[0].stale_since.is_some());
    let status = &stale.status[0];
    let error = status.error.as_deref().expect("a stale cluster says why");
    assert!(
        error.contains("connect") || error.contains("error"),
        "the error says the server cannot be reached: {error}"
    );
    // Still stale a second later, with a growing age, and the objects are all still there.
    let later = wait_for(&rx, "a later stale status", |u| {
        u.status[0]
            .stale_for(u.at)
            .is_some_and(|age| age >= chrono::Duration::milliseconds(1500))
    });
    assert!(
        later.snapshot.is_none(),
        "no new snapshot from a dead server"
    );
    assert_eq!(session.snapshot().inputs[0].objects, objects);
    let kept = analysis_of(&session.snapshot());
    assert_eq!(kept.groups.len(), first.groups.len());
    drop(options);
}

#[test]
fn after_an_outage_the_watches_resume_and_quiet_kinds_are_current_again() {
    let live = serve(Server::builder());
    let (session, rx) = start(&live.options);
    snapshot_with(&rx, "the first snapshot", |a| !a.groups.is_empty());
    assert!(live.server.wait_for_watches_blocking(Kind::ALL.len(), WAIT));

    live.server.set_unavailable(true);
    let down = wait_for(&rx, "a stale status", |u| u.status[0].stale_since.is_some());
    assert!(
        down.status[0]
            .error
            .as_deref()
            .unwrap_or_default()
            .contains("503"),
        "{:?}",
        down.status[0].error
    );

    // Back: every watch re-opens from its resourceVersion (no LIST), and the cluster is current
    // again although nothing changed (StorageClasses, say, send no event to prove it).
    live.server.set_unavailable(false);
    wait_for(&rx, "a current status", |u| {
        u.status[0].stale_since.is_none() && u.status[0].error.is_none()
    });
    let status = session.status();
    assert!(status[0].kinds.iter().all(|k| k.lists == 1), "{status:#?}");
    assert!(status[0].requests.watches > Kind::ALL.len() as u64);
}

#[test]
fn a_session_on_a_server_without_budgets_is_complete_and_its_status_says_which_kind_is_not_served()
{
    let live = serve(Server::builder().without("pdb").unwrap());
    let (_session, rx) = start(&live.options);
    let update = wait_for(&rx, "a snapshot", |u| u.snapshot.is_some());
    let budgets = kind(&update.status, Kind::PodDisruptionBudget);
    assert!(!budgets.synced);
    assert_eq!(
        budgets.unserved.as_deref(),
        Some("the API server does not serve poddisruptionbudgets at policy/v1 or policy/v1beta1")
    );
    assert_eq!(
        update.status[0].warnings,
        vec!["poddisruptionbudgets.policy not read: the API server does not serve poddisruptionbudgets at policy/v1 or policy/v1beta1; drains are simulated without budgets".to_string()]
    );
    assert!(
        update.status[0].stale_since.is_none(),
        "not served is no failure"
    );
    let analysis = analysis_of(update.snapshot.as_ref().unwrap());
    assert!(!analysis.groups.is_empty());
}

#[test]
fn a_slow_server_is_waited_for_not_timed_out() {
    let live = serve(Server::builder().page_limit_max(200));
    live.server.set_latency(Duration::from_millis(1500));
    let started = Instant::now();
    let read = live::read(&live.options).expect("a slow server still gives a snapshot");
    assert!(started.elapsed() >= Duration::from_millis(1500));
    assert!(read.snapshot.inputs[0].objects > 100);
}

#[test]
fn a_server_whose_certificate_is_not_trusted_is_refused_without_a_panic() {
    let live = serve(Server::builder());
    let other = Server::builder().start_blocking().unwrap();
    let entry = quorum_testapi::KubeconfigEntry {
        ca_pem: other.ca_pem().to_string(),
        ..live.server.kubeconfig_entry("three")
    };
    quorum_testapi::kubeconfig::write(live.options.kubeconfig.as_ref().unwrap(), &[entry]).unwrap();
    let error = match live::read(&live.options) {
        Ok(_) => panic!("an untrusted certificate must not be read"),
        Err(e) => e.to_string(),
    };
    assert!(error.contains("cannot reach the API server"), "{error}");
    assert!(
        error.contains("certificate"),
        "the error names the certificate: {error}"
    );
    assert!(!error.contains(live.server.token()));
}

// Applying plans.

use quorum_core::live::apply::{self as run, ApplyOptions, ApplyReport, SavedPlan};
use quorum_core::plan::{Goal, Handover};

const NOW: &str = "2026-11-20T10:00:00Z";

/// A leaders plan made from what the server serves, as `quorum plan --context` makes it.
fn leaders_plan(live: &Live, handover: Handover) -> SavedPlan {
    let mut snapshot = live::read(&live.options).expect("read").snapshot;
    snapshot.now = Some(NOW.parse().unwrap());
    snapshot.inputs.clear();
    let config = Config::default();
    let topology = Topology::from_snapshot(snapshot, &config.build_options());
    let options = quorum_core::plan::Options {
        goal: Goal::Leaders,
        handover,
        max_concurrent: None,
    };
    let plan = quorum_core::plan::plan(&topology, &config, &options);
    assert!(!plan.steps.is_empty(), "the sample's leaders can be spread");
    SavedPlan::of(&plan)
}

fn apply_options(live: &Live, journal: PathBuf) -> ApplyOptions {
    ApplyOptions {
        live: live.options.clone(),
        context: "three".into(),
        yes: true,
        wait: Duration::from_secs(10),
        poll: Duration::from_millis(50),
        journal,
        from_step: 1,
    }
}

fn journal(path: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("journal lines are JSON"))
        .collect()
}

fn holder_of(server: &Server, lease: &str) -> String {
    let (ns, name) = lease.split_once('/').unwrap();
    let lease = server.object("Lease", ns, name).expect("the lease exists");
    lease["spec"]["holderIdentity"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Plays the electors of every lease: a lease whose `preferredHolder` names another pod is taken
/// over by that pod, as coordinated leader election does, until `stop` is set.
fn electors(server: &Server, leases: Vec<String>, stop: &std::sync::atomic::AtomicBool) {
    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
        for lease in &leases {
            let (ns, name) = lease.split_once('/').unwrap();
            let mut object = server.object("Lease", ns, name).unwrap();
            let spec = &mut object["spec"];
            if let Some(preferred) = spec["preferredHolder"].as_str().map(str::to_string)
                && spec["holderIdentity"] != preferred.as_str()
            {
                spec["holderIdentity"] = json!(preferred);
                spec["renewTime"] = json!("2026-11-20T10:01:00.000000Z");
                server.upsert(object).unwrap();
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn step_lease(step: &run::SavedStep) -> String {
    let call = &step.calls[0];
    format!("{}/{}", call.namespace, call.name)
}

#[test]
fn a_targeted_handover_plan_is_dry_run_applied_and_waits_for_each_new_holder() {
    let live = serve(Server::builder());
    let plan = leaders_plan(&live, Handover::PreferredHolder);
    let leases: Vec<String> = plan.steps.iter().map(step_lease).collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    let stop = std::sync::atomic::AtomicBool::new(false);
    live.server.clear_requests();
    let report: ApplyReport = std::thread::scope(|scope| {
        scope.spawn(|| electors(&live.server, leases.clone(), &stop));
        let report = run::apply(
            &plan,
            &apply_options(&live, path.clone()),
            &mut |_, _| unreachable!("--yes asks nothing"),
            &mut |_| {},
        );
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        report.expect("apply runs")
    });
    assert!(report.stopped.is_none(), "{:?}", report.stopped);
    assert_eq!(report.done, plan.steps.len());
    for step in &plan.steps {
        let to = step
            .expect
            .as_ref()
            .map(|e| serde_json::to_value(e).unwrap());
        let to = to.as_ref().and_then(|e| e["holder"].as_str()).unwrap();
        assert_eq!(holder_of(&live.server, &step_lease(step)), to);
    }
    // Each patch was sent twice, dry run first; the journal has both and each effect.
    let patches: Vec<_> = live
        .server
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .collect();
    assert_eq!(patches.len(), 2 * plan.steps.len());
    for pair in patches.chunks(2) {
        assert!(pair[0].is_dry_run() && !pair[1].is_dry_run(), "{pair:?}");
        assert_eq!(pair[0].path, pair[1].path);
    }
    let lines = journal(&path);
    let calls = |dry: bool| {
        lines
            .iter()
            .filter(|l| l["event"] == "call" && l["dry_run"] == dry)
            .count()
    };
    assert_eq!(
        (calls(true), calls(false)),
        (plan.steps.len(), plan.steps.len())
    );
    assert_eq!(
        lines.iter().filter(|l| l["event"] == "effect").count(),
        plan.steps.len()
    );
    assert_eq!(lines.last().unwrap()["event"], "finished");
}

#[test]
fn a_lease_renewed_between_the_read_and_the_write_is_a_409_that_stops_the_run() {
    let live = serve(Server::builder());
    let plan = leaders_plan(&live, Handover::PreferredHolder);
    let lease = step_lease(&plan.steps[0]);
    let before = holder_of(&live.server, &lease);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    let options = ApplyOptions {
        yes: false,
        ..apply_options(&live, path.clone())
    };
    // While the operator reads the confirmation, the leader renews its lease.
    let mut confirm = |_: usize, _: &run::SavedStep| {
        let (ns, name) = lease.split_once('/').unwrap();
        let mut object = live.server.object("Lease", ns, name).unwrap();
        object["spec"]["renewTime"] = json!("2026-11-20T10:00:10.000000Z");
        live.server.upsert(object).unwrap();
        true
    };
    let report = run::apply(&plan, &options, &mut confirm, &mut |_| {}).unwrap();
    let stopped = report.stopped.expect("the conflict stops the run");
    assert_eq!(stopped.step, 1);
    assert!(
        stopped.reason.contains("409 Conflict"),
        "{}",
        stopped.reason
    );
    assert!(!stopped.changed);
    assert_eq!(report.done, 0);
    assert_eq!(holder_of(&live.server, &lease), before);
    let lines = journal(&path);
    assert!(
        lines
            .iter()
            .any(|l| l["event"] == "call" && l["dry_run"] == false && l["result"]["code"] == 409),
        "the refused call is in the journal"
    );
    assert_eq!(lines.last().unwrap()["event"], "stopped");
}
