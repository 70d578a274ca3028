//! The parse floor of a file: read it, then walk it with the parser into `IgnoredAny` on one
//! thread (JSON: serde_json; YAML: the loader's YAML library, item by item). BENCHMARKS.md
//! compares `quorum analyze` against this.
//!
//! cargo run --release -p quorum-core --example floor -- generated/150k.json

use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("usage: floor FILE");
    let started = Instant::now();
    let bytes = std::fs::read(&path).expect("readable file");
    let read = started.elapsed();
    let walk = Instant::now();
    let units = if path.ends_with(".json") {
        quorum_core::load::floor::json(&bytes).expect("valid JSON")
    } else {
        quorum_core::load::floor::yaml(&bytes)
    };
    let walked = walk.elapsed();
    println!(
        "{path}: {:.1} MB, read {:.2} s, walk {:.2} s ({} units, {:.0} MB/s), total {:.2} s",
        bytes.len() as f64 / 1e6,
        read.as_secs_f64(),
        walked.as_secs_f64(),
        units,
        bytes.len() as f64 / 1e6 / walked.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
}
