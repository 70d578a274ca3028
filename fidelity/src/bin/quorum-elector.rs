//! `quorum-elector`: client-go-style Lease leader election for one identity (a pod name), run by
//! the fidelity suite once per replica pod of a workload that holds a leader Lease. SIGKILL is a
//! crash; SIGTERM a graceful stop (releasing the lease with `--release-on-cancel`).

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use quorum_fidelity::elector::{Elector, Settings, client};

#[derive(Parser, Debug)]
#[command(
    name = "quorum-elector",
    about = "Lease leader election like client-go's, for one identity"
)]
struct Args {
    /// The kubeconfig [default: $KUBECONFIG].
    #[arg(long, env = "KUBECONFIG")]
    kubeconfig: PathBuf,
    #[arg(long, default_value = "quorum-real")]
    context: String,
    #[arg(short = 'n', long)]
    namespace: String,
    /// The Lease's name.
    #[arg(long)]
    lease: String,
    /// This candidate's identity (the pod name).
    #[arg(long)]
    identity: String,
    /// Seconds a lease is valid after its last observed change (client-go LeaseDuration).
    #[arg(long, default_value_t = 15)]
    lease_duration: u64,
    /// Seconds the leader keeps retrying a renewal before giving up (client-go RenewDeadline).
    #[arg(long, default_value_t = 10)]
    renew_deadline: u64,
    /// Seconds between tries (client-go RetryPeriod; candidates add up to 120% jitter).
    #[arg(long, default_value_t = 2)]
    retry_period: u64,
    /// On SIGTERM, clear the holder so a candidate takes over at once (client-go ReleaseOnCancel).
    #[arg(long)]
    release_on_cancel: bool,
    /// Campaign only while a majority of this StatefulSet's pods are Ready (a quorum group).
    #[arg(long, value_name = "STATEFULSET")]
    quorum_of: Option<String>,
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async move {
        let client = match client(&args.kubeconfig, &args.context).await {
            Ok(c) => c,
            Err(e) => {
                eprintln!("quorum-elector: {}: {e}", args.kubeconfig.display());
                return std::process::ExitCode::from(2);
            }
        };
        let settings = Settings {
            lease_duration: Duration::from_secs(args.lease_duration),
            renew_deadline: Duration::from_secs(args.renew_deadline),
            retry_period: Duration::from_secs(args.retry_period),
            release_on_cancel: args.release_on_cancel,
            quorum_of: args.quorum_of,
            ..Settings::new(&args.namespace, &args.lease, &args.identity)
        };
        let release = settings.release_on_cancel;
        let mut elector = Elector::new(client, settings);
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("a SIGTERM handler");
        // A stop reaches the elector between two requests (see `Elector::run`).
        let (stop, stopped) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            let _ = stop.send(true);
        });
        // An orphan (the harness died without stopping it) exits rather than campaign forever.
        let parent = std::os::unix::process::parent_id();
        tokio::spawn(async move {
            while std::os::unix::process::parent_id() == parent {
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            std::process::exit(3);
        });
        elector.run(stopped).await;
        if release {
            elector.release().await;
        }
        std::process::ExitCode::SUCCESS
    })
}
