//! How long a change in a live cluster takes to reach a fresh analysis (bench/live.sh runs it
//! against quorum-testapi serving the 150,000-pod cluster). Usage:
//! `[WHOLE=1] [AGAIN=1] live_latency KUBECONFIG CONTEXT` (AGAIN: each state built a second time
//! from the same graph, timed apart). It moves leader leases to another holder through the API,
//! as an elector would, and times each change to the session's next snapshot and that
//! snapshot to its graph and workbench state (analysis, overview: what the terminal UI shows);
//! then cordons and uncordons nodes (a node's state, as a failing kubelet or an operator changes
//! it) and makes pods not ready and ready again, then deletes pods and creates them again, timed
//! the same way; then renews leases and checks no snapshot follows.

use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::{Node, Pod};
use kube::Api;
use kube::api::{DeleteParams, Patch, PatchParams, PostParams};
use quorum_core::config::Config;
use quorum_core::graph::Topology;
use quorum_core::live::{Options, Session};
use quorum_core::model::Snapshot;
use quorum_core::workbench::Workbench;
use serde_json::json;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn unschedulable(snapshot: &Snapshot, name: &str) -> Option<bool> {
    snapshot.clusters[0]
        .nodes
        .iter()
        .find(|(n, _)| n.meta.name == name)
        .map(|(n, _)| n.unschedulable)
}

fn pod_ready(snapshot: &Snapshot, namespace: &str, name: &str) -> Option<bool> {
    snapshot.clusters[0]
        .pods
        .iter()
        .find(|(p, _)| p.meta.namespace == namespace && p.meta.name == name)
        .map(|(p, _)| p.ready)
}

fn holder_of(snapshot: &Snapshot, namespace: &str, name: &str) -> Option<String> {
    snapshot.clusters[0]
        .leaders
        .iter()
        .find(|(l, _)| l.meta.namespace == namespace && l.meta.name == name)
        .and_then(|(l, _)| l.holder.clone())
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (kubeconfig, context) = (
        args.next().expect("usage: live_latency KUBECONFIG CONTEXT"),
        args.next().expect("usage: live_latency KUBECONFIG CONTEXT"),
    );
    let options = Options {
        contexts: vec![context.clone()],
        kubeconfig: Some(kubeconfig.into()),
        timeout: Duration::from_secs(600),
        // As the terminal UI follows a cluster: a lease change comes as the records alone, a
        // node's or pod's state as those nodes and pods with the records. `WHOLE=1`: every
        // change a whole snapshot.
        partial_updates: std::env::var_os("WHOLE").is_none_or(|v| v != "1"),
        ..Options::default()
    };
    let (tx, rx) = channel();
    let started = Instant::now();
    let session = Session::start(&options, Duration::from_millis(50), move |u| {
        let _ = tx.send((Instant::now(), u));
    })
    .expect("session");
    let first = loop {
        let (_, u) = rx.recv().expect("updates");
        if let Some(s) = u.snapshot {
            break s;
        }
    };
    println!("first snapshot: {:.2} s", started.elapsed().as_secs_f64());
    // Leader leases held by pods of the generated cluster, in namespaces other than kube-*.
    let leases: Vec<(String, String, String)> = first.clusters[0]
        .leaders
        .iter()
        .filter(|(l, _)| !l.meta.namespace.starts_with("kube-") && l.holder.is_some())
        .take(5)
        .map(|(l, _)| {
            (
                l.meta.namespace.clone(),
                l.meta.name.clone(),
                l.holder.clone().unwrap(),
            )
        })
        .collect();
    let config = Config::default();
    let mut first = std::sync::Arc::try_unwrap(first).unwrap_or_else(|s| (*s).clone());
    first.inputs.clear();
    let graph = std::sync::Arc::new(Topology::from_snapshot(first, &config.build_options()));
    // The state the terminal UI holds, each change applied to the last one as its follower does.
    let mut state = Workbench::new(graph.clone(), vec![], config.clone());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let client = rt.block_on(async {
        let config = kube::Config::from_custom_kubeconfig(
            kube::config::Kubeconfig::read_from(options.kubeconfig.as_ref().unwrap()).unwrap(),
            &kube::config::KubeConfigOptions {
                context: Some(context.clone()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        kube::Client::try_from(config).unwrap()
    });
    // The nodes to cordon and the pods to make not ready, spread over the cluster.
    let nodes: Vec<String> = state
        .topology
        .nodes
        .iter()
        .filter(|n| !n.node.inferred && !n.node.unschedulable)
        .step_by(997)
        .take(3)
        .map(|n| n.name().to_string())
        .collect();
    let pods: Vec<(String, String)> = state
        .topology
        .pods
        .iter()
        .filter(|p| p.pod.ready && p.node.is_some())
        .step_by(49_999)
        .take(3)
        .map(|p| (p.pod.meta.namespace.clone(), p.pod.meta.name.clone()))
        .collect();
    // Each change: patched through the API, then timed to the update that shows it, and that
    // update to its graph and the workbench state the terminal UI shows (analysis, overview).
    let mut measure = |what: String, patch: &dyn Fn(), shows: &dyn Fn(&Snapshot) -> bool| {
        let sent = Instant::now();
        patch();
        let (at, snapshot, whole) = loop {
            let (at, u) = rx.recv_timeout(Duration::from_secs(60)).expect("an update");
            let (s, whole) = match (u.snapshot, u.changes) {
                (Some(s), _) => (s, true),
                (None, Some(s)) => (s, false),
                _ => continue,
            };
            if shows(&s) {
                break (at, s, whole);
            }
        };
        let reached = at - sent;
        let t = Instant::now();
        let mut snapshot = std::sync::Arc::try_unwrap(snapshot).unwrap_or_else(|s| (*s).clone());
        snapshot.inputs.clear();
        let (graph, changed) = if whole {
            let graph = Topology::from_snapshot(snapshot, &config.build_options());
            (graph, None)
        } else {
            let (graph, changed) = state
                .topology
                .changes_applied(snapshot, &config.build_options())
                .expect("nodes and pods in their place");
            (graph, Some(changed))
        };
        let graph_time = t.elapsed();
        // Whether the change kept the groups (the other groups' statistics and findings reused).
        let kept = changed.as_ref().is_some_and(|c| c.groups_kept);
        // What the terminal UI builds from each update: the analysis, the overview and what
        // its views read.
        let graph = std::sync::Arc::new(graph);
        let next = match &changed {
            Some(changed) => Workbench::after(&state, graph.clone(), changed, vec![]),
            None => Workbench::new(graph.clone(), vec![], config.clone()),
        };
        let total = t.elapsed();
        // AGAIN=1: the same state built once more from the same graph, to tell a change that
        // costs that much from one the machine slowed.
        let again = match (&changed, std::env::var_os("AGAIN").is_some()) {
            (Some(changed), true) => {
                let t = Instant::now();
                let built = Workbench::after(&state, graph.clone(), changed, vec![]);
                let took = t.elapsed();
                drop(built);
                format!(" (again: {:.0} ms)", took.as_secs_f64() * 1e3)
            }
            _ => String::new(),
        };
        state = next;
        println!(
            "{what}: {} after {:.0} ms, then graph {:.0} ms, graph + workbench {:.0} ms, total {:.0} ms{}{again}",
            if whole { "snapshot" } else { "changes" },
            reached.as_secs_f64() * 1e3,
            graph_time.as_secs_f64() * 1e3,
            total.as_secs_f64() * 1e3,
            (reached + total).as_secs_f64() * 1e3,
            if kept { "" } else { " (groups counted again)" }
        );
    };
    for (ns, name, holder) in &leases {
        let new_holder = format!("{holder}-moved");
        let api: Api<Lease> = Api::namespaced(client.clone(), ns);
        let body = json!({"spec": {"holderIdentity": new_holder}});
        measure(
            format!("lease {ns}/{name} moved"),
            &|| {
                rt.block_on(api.patch(name, &PatchParams::default(), &Patch::Merge(&body)))
                    .expect("patch");
            },
            &|s| holder_of(s, ns, name).as_deref() == Some(new_holder.as_str()),
        );
    }
    // Nodes cordoned, then uncordoned: their state alone, the nodes and records sent alone.
    for (name, cordon) in nodes.iter().flat_map(|n| [(n, true), (n, false)]) {
        let api: Api<Node> = Api::all(client.clone());
        let body = json!({"spec": {"unschedulable": cordon}});
        measure(
            format!(
                "node {name} {}",
                if cordon { "cordoned" } else { "uncordoned" }
            ),
            &|| {
                rt.block_on(api.patch(name, &PatchParams::default(), &Patch::Merge(&body)))
                    .expect("patch");
            },
            &|s| unschedulable(s, name) == Some(cordon),
        );
    }
    // Pods that stop being ready, then are ready again (the test server takes a pod's status
    // in a patch of the pod, as a kubelet's status update).
    for ((ns, name), ready) in pods.iter().flat_map(|p| [(p, false), (p, true)]) {
        let api: Api<Pod> = Api::namespaced(client.clone(), ns);
        let status = if ready { "True" } else { "False" };
        let body = json!({"status": {"conditions": [{"type": "Ready", "status": status}]}});
        measure(
            format!(
                "pod {ns}/{name} {}",
                if ready { "ready" } else { "not ready" }
            ),
            &|| {
                rt.block_on(api.patch(name, &PatchParams::default(), &Patch::Merge(&body)))
                    .expect("patch");
            },
            &|s| pod_ready(s, ns, name) == Some(ready),
        );
    }
    // Pods deleted, then created again and bound to their node (as a controller recreates a
    // pod the scheduler places): pods come and go, so the graph's shape changes.
    for (ns, name) in &pods {
        let api: Api<Pod> = Api::namespaced(client.clone(), ns);
        let mut pod = rt.block_on(api.get(name)).expect("the pod");
        measure(
            format!("pod {ns}/{name} deleted"),
            &|| {
                rt.block_on(api.delete(name, &DeleteParams::default()))
                    .expect("delete");
            },
            &|s| {
                let c = &s.clusters[0];
                let key = (ns.clone(), name.clone());
                c.pods_gone.contains(&key) || (c.pods.len() > 1 && pod_ready(s, ns, name).is_none())
            },
        );
        pod.metadata.resource_version = None;
        pod.metadata.uid = None;
        measure(
            format!("pod {ns}/{name} created"),
            &|| {
                rt.block_on(api.create(&PostParams::default(), &pod))
                    .expect("create");
            },
            &|s| pod_ready(s, ns, name).is_some(),
        );
    }
    // Renewals: the first brings the (long expired) generated leases back to life, a snapshot;
    // the second changes nothing the analysis shows: no snapshot.
    let renew = || {
        for (ns, name, _) in &leases {
            let api: Api<Lease> = Api::namespaced(client.clone(), ns);
            let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
            let patch = json!({"spec": {"renewTime": now, "leaseDurationSeconds": 30}});
            rt.block_on(api.patch(name, &PatchParams::default(), &Patch::Merge(&patch)))
                .expect("patch");
        }
    };
    renew();
    std::thread::sleep(Duration::from_secs(2));
    while rx.try_recv().is_ok() {}
    renew();
    let deadline = Instant::now() + Duration::from_secs(3);
    let mut snapshots = 0;
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        if let Ok((_, u)) = rx.recv_timeout(left) {
            snapshots += usize::from(u.snapshot.is_some() || u.changes.is_some());
        }
    }
    println!(
        "{} renewals of live leases: {snapshots} snapshots in the next 3 s",
        leases.len()
    );
    drop(session);
}
