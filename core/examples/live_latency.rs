//! How long a change in a live cluster takes to reach a fresh analysis (bench/live.sh runs it
//! against quorum-testapi serving the 150,000-pod cluster). Usage:
//! `live_latency KUBECONFIG CONTEXT`. It moves leader leases to another holder through the API,
//! as an elector would, and times each change to the session's next snapshot and that snapshot
//! to its graph, analysis and overview; then renews leases and checks no snapshot follows.

use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

use k8s_openapi::api::coordination::v1::Lease;
use kube::Api;
use kube::api::{Patch, PatchParams};
use quorum_core::analysis::analyze;
use quorum_core::config::Config;
use quorum_core::graph::Topology;
use quorum_core::live::{Options, Session};
use quorum_core::model::Snapshot;
use quorum_core::overview::Overview;
use serde_json::json;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
        // As the terminal UI follows a cluster: a lease change comes as the records alone.
        leader_updates: true,
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
    let mut graph = Topology::from_snapshot(first, &config.build_options());
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
    for (ns, name, holder) in &leases {
        let new_holder = format!("{holder}-moved");
        let api: Api<Lease> = Api::namespaced(client.clone(), ns);
        let patch = json!({"spec": {"holderIdentity": new_holder}});
        let sent = Instant::now();
        rt.block_on(api.patch(name, &PatchParams::default(), &Patch::Merge(&patch)))
            .expect("patch");
        let (at, snapshot, whole) = loop {
            let (at, u) = rx.recv_timeout(Duration::from_secs(60)).expect("an update");
            let (s, whole) = match (u.snapshot, u.leaders) {
                (Some(s), _) => (s, true),
                (None, Some(s)) => (s, false),
                _ => continue,
            };
            if holder_of(&s, ns, name).as_deref() == Some(new_holder.as_str()) {
                break (at, s, whole);
            }
        };
        let reached = at - sent;
        let t = Instant::now();
        let mut snapshot = std::sync::Arc::try_unwrap(snapshot).unwrap_or_else(|s| (*s).clone());
        snapshot.inputs.clear();
        graph = if whole {
            Topology::from_snapshot(snapshot, &config.build_options())
        } else {
            graph.with_leaders(snapshot, &config.build_options())
        };
        let graph_time = t.elapsed();
        let analysis = analyze(&graph, &config);
        let overview = Overview::of(&graph);
        let total = t.elapsed();
        drop((analysis, overview));
        println!(
            "lease {ns}/{name} moved: {} after {:.0} ms, then graph {:.0} ms, graph + analysis + overview {:.0} ms, total {:.0} ms",
            if whole { "snapshot" } else { "leader records" },
            reached.as_secs_f64() * 1e3,
            graph_time.as_secs_f64() * 1e3,
            total.as_secs_f64() * 1e3,
            (reached + total).as_secs_f64() * 1e3
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
            snapshots += usize::from(u.snapshot.is_some() || u.leaders.is_some());
        }
    }
    println!(
        "{} renewals of live leases: {snapshots} snapshots in the next 3 s",
        leases.len()
    );
    drop(session);
}
