//! What a live update costs on a large cluster: the snapshot copy, the graph, the analysis and
//! the front ends' overview, then the whole state they hold (analysis included), each timed (median of 5). Usage: `rebuild FILE`.

use std::time::{Duration, Instant};

use quorum_core::analysis::analyze;
use quorum_core::config::Config;
use quorum_core::graph::Topology;
use quorum_core::load::{Input, load_with_progress};
use quorum_core::overview::Overview;
use quorum_core::workbench::Workbench;

// As the binaries do (glibc's allocator costs a sixth of this work).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: rebuild FILE");
    let mut snapshot = load_with_progress(&[Input::new("default", path)], &|_| {}).expect("load");
    snapshot.inputs.clear();
    let config = Config::default();
    let (mut copy, mut graph, mut analysis, mut overview, mut workbench) =
        (vec![], vec![], vec![], vec![], vec![]);
    for _ in 0..5 {
        let t = Instant::now();
        let s = snapshot.clone();
        copy.push(t.elapsed());
        let t = Instant::now();
        let topology = Topology::from_snapshot(s, &config.build_options());
        graph.push(t.elapsed());
        let t = Instant::now();
        let a = analyze(&topology, &config);
        analysis.push(t.elapsed());
        let t = Instant::now();
        let o = Overview::of(&topology);
        overview.push(t.elapsed());
        let t = Instant::now();
        let w = Workbench::new(topology, vec![], config.clone());
        workbench.push(t.elapsed());
        drop((a, o, w));
    }
    println!(
        "copy {:?}  graph {:?}  analysis {:?}  overview {:?}  workbench (all the front ends hold) {:?}",
        median(copy),
        median(graph),
        median(analysis),
        median(overview),
        median(workbench)
    );
}
