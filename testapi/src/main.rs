//! `quorum-testapi`: the test API server as a program, for manual use and
//! benchmarks. Loads fixtures, starts, writes a kubeconfig and prints one
//! line `ready https://127.0.0.1:PORT kubeconfig=PATH objects=N`, then serves
//! until killed. On Ctrl-C (SIGINT) it prints, per path, the requests it answered and the bytes
//! of response body it sent (`sent PATH requests=N bytes=B as=FORM`), for benchmarks.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;

#[derive(Parser, Debug)]
#[command(
    version,
    about = "A Kubernetes API server on 127.0.0.1 serving kubectl exports, for tests"
)]
struct Args {
    /// Context (and cluster and user) name in the kubeconfig.
    #[arg(long, default_value = "quorum-testapi")]
    context: String,
    /// Where to write the kubeconfig (default: quorum-testapi.kubeconfig in
    /// the temporary directory).
    #[arg(long)]
    kubeconfig: Option<PathBuf>,
    /// Port on 127.0.0.1 (default: any free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Cap every LIST page at this many items.
    #[arg(long)]
    page_limit: Option<usize>,
    /// Bearer token to accept (default: a random one).
    #[arg(long)]
    token: Option<String>,
    /// Do not serve this kind (`poddisruptionbudgets`, `leases`, ...): missing from discovery,
    /// 404 on its paths, as on a server without that API. Repeatable.
    #[arg(long, value_name = "KIND")]
    without: Vec<String>,
    /// Serve a kind at another version of its group, as KIND=VERSION
    /// (`poddisruptionbudgets=v1beta1`, as before Kubernetes 1.21). Repeatable.
    #[arg(long, value_name = "KIND=VERSION")]
    serve_at: Vec<String>,
    /// The serving certificate, and what the kubeconfig trusts.
    #[arg(long, value_enum, default_value_t = quorum_testapi::Serving::CaSigned)]
    serving: quorum_testapi::Serving,
    /// Names in the serving certificate (IP addresses become IP SANs). Repeatable.
    #[arg(long = "server-name", value_name = "NAME")]
    server_names: Vec<String>,
    /// What `/version` answers (`gitVersion`), as the server's release.
    #[arg(long, value_name = "VERSION", default_value = "v1.33.0")]
    server_version: String,
    /// Require a client certificate (the kubeconfig carries one) instead of a token.
    #[arg(long)]
    client_certificates: bool,
    /// Fixture files or directories (kubectl exports: YAML, JSON, Lists).
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let started = Instant::now();
        let mut b = quorum_testapi::Server::builder()
            .fixtures(&args.files)
            .port(args.port);
        if let Some(n) = args.page_limit {
            b = b.page_limit_max(n);
        }
        if let Some(t) = args.token {
            b = b.token(t);
        }
        for kind in &args.without {
            b = b.without(kind)?;
        }
        for moved in &args.serve_at {
            let (kind, version) = moved
                .split_once('=')
                .ok_or_else(|| format!("--serve-at {moved}: expected KIND=VERSION"))?;
            b = b.serve_at(kind, version)?;
        }
        b = b
            .serving(args.serving)
            .server_version(args.server_version.clone());
        if !args.server_names.is_empty() {
            b = b.server_names(args.server_names.clone());
        }
        if args.client_certificates {
            b = b.client_certificates();
        }
        let server = b.start().await?;
        let path = args
            .kubeconfig
            .unwrap_or_else(|| std::env::temp_dir().join("quorum-testapi.kubeconfig"));
        server.write_kubeconfig(&path, &args.context)?;
        let stats = server.load_stats();
        eprintln!(
            "loaded {} objects in {:.2?} ({} secrets dropped, {} of other kinds skipped)",
            stats.objects,
            started.elapsed(),
            stats.secrets_dropped,
            stats.skipped
        );
        println!(
            "ready {} kubeconfig={} objects={}",
            server.url(),
            path.display(),
            server.object_count()
        );
        std::io::stdout().flush()?;
        tokio::signal::ctrl_c().await?;
        let mut sent: std::collections::BTreeMap<String, (u64, u64, String)> = Default::default();
        for r in server.requests() {
            let e = sent.entry(r.path).or_default();
            e.0 += 1;
            e.1 += r.bytes;
            if !r.served_as.is_empty() {
                e.2 = r.served_as;
            }
        }
        let mut out = std::io::stdout().lock();
        for (path, (requests, bytes, served_as)) in &sent {
            let served_as = if served_as.is_empty() {
                "whole"
            } else {
                served_as
            };
            writeln!(
                out,
                "sent {path} requests={requests} bytes={bytes} as={served_as}"
            )?;
        }
        let total: u64 = sent.values().map(|v| v.1).sum();
        writeln!(out, "sent total bytes={total}")?;
        out.flush()?;
        drop(out);
        drop(server);
        Ok::<_, Box<dyn std::error::Error>>(())
    })
}
