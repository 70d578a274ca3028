//! Load, graph building and checks on a generated cluster (5,000 pods), JSON and YAML.
//! The full-scale measurement (150,000 pods) is bench/scale.sh; results in BENCHMARKS.md.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use quorum_core::analysis::analyze;
use quorum_core::config::Config;
use quorum_core::graph::Topology;
use quorum_core::load::load_texts;
use quorum_generate::{GenerateFormat, GenerateParams, generate};

fn cluster(format: GenerateFormat) -> Vec<u8> {
    let mut out = Vec::new();
    generate(&GenerateParams::for_pods(5_000), format, &mut out).expect("generates");
    out
}

fn pipeline(c: &mut Criterion) {
    let json = cluster(GenerateFormat::Json);
    let yaml = cluster(GenerateFormat::Yaml);
    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(json.len() as u64));
    group.bench_function("json 5k pods", |b| {
        b.iter(|| load_texts(&[("default", "g.json", json.as_slice())]))
    });
    group.throughput(Throughput::Bytes(yaml.len() as u64));
    group.bench_function("yaml 5k pods", |b| {
        b.iter(|| load_texts(&[("default", "g.yaml", yaml.as_slice())]))
    });
    group.finish();

    let snapshot = load_texts(&[("default", "g.json", json.as_slice())]);
    let config = Config::default();
    let mut group = c.benchmark_group("analysis");
    group.sample_size(20);
    group.bench_function("graph 5k pods", |b| {
        b.iter(|| Topology::build(&snapshot, &config.build_options()))
    });
    let topology = Topology::build(&snapshot, &config.build_options());
    group.bench_function("checks 5k pods", |b| b.iter(|| analyze(&topology, &config)));
    group.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
