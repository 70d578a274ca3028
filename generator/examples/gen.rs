//! One generated cluster written to a file, to time the generator alone (BENCHMARKS.md,
//! "Generator"), as `quorum generate` writes it: through a `BufWriter`, with mimalloc.
//!
//! cargo run --release -p quorum-generate --example gen -- 150000 json /tmp/150000.json [lean]

use std::io::BufWriter;

use quorum_generate::{GenerateFormat, GenerateParams, Shape, generate};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let usage = "usage: gen PODS json|yaml FILE [rich|lean]";
    let pods: usize = args.next().and_then(|p| p.parse().ok()).expect(usage);
    let format = match args.next().as_deref() {
        Some("json") => GenerateFormat::Json,
        Some("yaml") => GenerateFormat::Yaml,
        _ => panic!("{usage}"),
    };
    let path = args.next().expect(usage);
    let shape = match args.next().as_deref() {
        None | Some("rich") => Shape::Rich,
        Some("lean") => Shape::Lean,
        _ => panic!("{usage}"),
    };
    let file = std::fs::File::create(&path).expect("creatable output file");
    let stats = generate(
        &GenerateParams {
            shape,
            ..GenerateParams::for_pods(pods)
        },
        format,
        &mut BufWriter::new(file),
    )
    .expect("generates");
    eprintln!("{path}: {} bytes", stats.bytes);
}
