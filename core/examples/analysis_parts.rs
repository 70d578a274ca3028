//! Where the analysis of a large cluster spends its time: the graph with new leader records (a
//! live lease change), group and leader statistics, then each check (median and fastest of 9).
//! Usage: `[LATER=SECONDS] [NODE=NAME] [REPEAT=N [AFTER=1|pod|pod-graph]] analysis_parts FILE`.
//! NODE: the node changed (not ready; cordoned, then uncordoned), else the first. REPEAT builds
//! the workbench (the analysis and what the front ends draw) N more times at the end, for a
//! profiler (`perf record -D MS` past the load).

use std::time::{Duration, Instant};

use quorum_core::analysis::{all_group_stats, leader_stats};
use quorum_core::check::{CHECKS, Context};
use quorum_core::config::Config;
use quorum_core::graph::Topology;
use quorum_core::load::{Input, load_with_progress};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The median and the fastest of the runs (on a noisy machine, the fastest is the one to compare).
fn median(mut v: Vec<Duration>) -> Shown {
    v.sort();
    Shown(v[v.len() / 2], v[0])
}

struct Shown(Duration, Duration);

impl std::fmt::Display for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:.1} ms (fastest {:.1} ms)",
            self.0.as_secs_f64() * 1e3,
            self.1.as_secs_f64() * 1e3
        )
    }
}

fn time<T>(f: impl Fn() -> T) -> (Shown, T) {
    let mut times = vec![];
    let mut last = None;
    for _ in 0..9 {
        let t = Instant::now();
        let v = f();
        times.push(t.elapsed());
        last = Some(v);
    }
    (median(times), last.unwrap())
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: analysis_parts FILE");
    let mut snapshot = load_with_progress(&[Input::new("default", path)], &|_| {}).expect("load");
    // LATER=SECONDS: judged that long after the file's newest renewal, as a live read of a
    // served export is (its records expired).
    if let Some(later) = std::env::var("LATER")
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
    {
        snapshot.now = snapshot
            .now
            .or_else(|| snapshot.newest_renew_time())
            .map(|t| t + chrono::Duration::seconds(later));
    }
    let config = Config::default();
    let leaders = quorum_core::model::Snapshot {
        clusters: snapshot
            .clusters
            .iter()
            .map(|c| quorum_core::model::ClusterObjects {
                leaders: c.leaders.clone(),
                ..quorum_core::model::ClusterObjects::new(c.name.clone())
            })
            .collect(),
        inputs: vec![],
        now: snapshot.now,
    };
    // A node's change, as a live session sends it: that node alone (NODE=NAME, else the first),
    // at a time.
    let node = std::env::var("NODE").ok();
    let node_changed =
        |change: &dyn Fn(&mut quorum_core::model::Node)| quorum_core::model::Snapshot {
            clusters: snapshot
                .clusters
                .iter()
                .map(|c| quorum_core::model::ClusterObjects {
                    nodes: c
                        .nodes
                        .iter()
                        .filter(|(n, _)| node.as_deref().is_none_or(|name| n.meta.name == name))
                        .take(1)
                        .map(|(n, s)| {
                            let mut n = n.clone();
                            change(&mut n);
                            (n, s.clone())
                        })
                        .collect(),
                    leaders_changed_only: true,
                    ..quorum_core::model::ClusterObjects::new(c.name.clone())
                })
                .collect(),
            inputs: vec![],
            now: snapshot.now.or_else(|| snapshot.newest_renew_time()),
        };
    let node_down = node_changed(&|n| n.ready = Some(!n.is_ready()));
    let (cordon, uncordon) = (
        node_changed(&|n| n.unschedulable = true),
        node_changed(&|n| n.unschedulable = false),
    );
    // A pod in the middle deleted, and one created beside it: that pod alone, at a time.
    let pod_changes = |gone: bool| quorum_core::model::Snapshot {
        clusters: snapshot
            .clusters
            .iter()
            .map(|c| {
                let (pod, source) = &c.pods[c.pods.len() / 2];
                let mut came = pod.clone();
                came.meta.name.push_str("-x1");
                quorum_core::model::ClusterObjects {
                    pods: if gone {
                        vec![]
                    } else {
                        vec![(came, source.clone())]
                    },
                    pods_gone: if gone {
                        vec![(pod.meta.namespace.clone(), pod.meta.name.clone())]
                    } else {
                        vec![]
                    },
                    leaders_changed_only: true,
                    ..quorum_core::model::ClusterObjects::new(c.name.clone())
                }
            })
            .collect(),
        inputs: vec![],
        now: snapshot.now.or_else(|| snapshot.newest_renew_time()),
    };
    let (pod_gone, pod_came) = (pod_changes(true), pod_changes(false));
    let topology = Topology::from_snapshot(snapshot, &config.build_options());
    let (t, _) = time(|| topology.with_changes(leaders.clone(), &config.build_options()));
    println!("graph with new leader records {t}");
    let (t, _) = time(|| quorum_core::overview::Overview::of(&topology));
    println!("overview {t}");
    let shared = std::sync::Arc::new(topology.clone());
    let (t, _) =
        time(|| quorum_core::workbench::Workbench::new(shared.clone(), vec![], config.clone()));
    println!("workbench (analysis, overview and the rest) {t}");
    let last = quorum_core::workbench::Workbench::new(shared.clone(), vec![], config.clone());
    let after = |last: &quorum_core::workbench::Workbench,
                 change: &quorum_core::model::Snapshot| {
        let (graph, changed) = last
            .topology
            .changes_applied(change.clone(), &config.build_options())
            .expect("the node in its place");
        quorum_core::workbench::Workbench::after(last, graph, &changed, vec![])
    };
    let (t, _) = time(|| after(&last, &node_down));
    println!("a node not ready: graph and workbench on the last state {t}");
    let (t, cordoned) = time(|| after(&last, &cordon));
    println!("a node cordoned: graph and workbench on the last state {t}");
    let (t, _) = time(|| after(&cordoned, &uncordon));
    println!("then uncordoned: graph and workbench on the cordoned state {t}");
    for (what, change) in [("a pod deleted", &pod_gone), ("a pod created", &pod_came)] {
        let (t, _) = time(|| {
            last.topology
                .changes_applied(change.clone(), &config.build_options())
                .expect("the pod applies in place")
        });
        println!("{what}: graph on the last one {t}");
        let (t, _) = time(|| {
            let (graph, changed) = last
                .topology
                .changes_applied(change.clone(), &config.build_options())
                .expect("the pod applies in place");
            quorum_core::workbench::Workbench::after(&last, graph, &changed, vec![])
        });
        println!("{what}: graph and workbench on the last state {t}");
    }
    let (t, groups) = time(|| all_group_stats(&topology));
    println!("group stats {t}");
    let (t, leaders) = time(|| leader_stats(&topology));
    println!("leader stats {t}");
    let ctx = Context {
        topology: &topology,
        groups: &groups,
        leaders: &leaders,
        config: &config,
    };
    for check in CHECKS {
        let (t, findings) = time(|| check.findings(&ctx));
        println!("{:<40} {t} ({} findings)", check.id, findings.len());
    }
    let repeat: usize = std::env::var("REPEAT")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    if repeat > 0 {
        let t = Instant::now();
        // AFTER=1: the state after a node's change instead of a whole one; AFTER=pod: after a
        // pod deleted.
        let after = std::env::var("AFTER").ok();
        for _ in 0..repeat {
            if let Some(after) = &after {
                let change = match after.as_str() {
                    "pod" | "pod-graph" => &pod_gone,
                    _ => &node_down,
                };
                let (graph, changed) = last
                    .topology
                    .changes_applied(change.clone(), &config.build_options())
                    .expect("the change in place");
                if after == "pod-graph" {
                    continue;
                }
                drop(quorum_core::workbench::Workbench::after(
                    &last,
                    graph,
                    &changed,
                    vec![],
                ));
            } else {
                drop(quorum_core::workbench::Workbench::new(
                    shared.clone(),
                    vec![],
                    config.clone(),
                ));
            }
        }
        println!(
            "workbench x{repeat}: {:?} each",
            t.elapsed() / repeat as u32
        );
    }
}
