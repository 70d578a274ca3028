//! quorum_core::live, as the terminal UI uses it.

use std::path::Path;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use quorum_core::analysis::{Analysis, analyze};
use quorum_core::config::Config;
use quorum_core::graph::Topology;
use quorum_core::live::{self, ClusterStatus, Session, Update};
use quorum_core::model::{Kind, Snapshot};
use serde_json::Value;

use super::{CONTEXT, WAIT};

pub fn options(kubeconfig: &Path) -> live::Options {
    live::Options {
        contexts: vec![CONTEXT.into()],
        kubeconfig: Some(kubeconfig.to_path_buf()),
        page_size: 50,
        timeout: Duration::from_secs(30),
        ..live::Options::default()
    }
}

pub fn start_session(options: &live::Options) -> (Session, Receiver<Update>) {
    let (tx, rx) = channel();
    let session = Session::start(options, Duration::from_millis(50), move |u| {
        let _ = tx.send(u);
    })
    .expect("session");
    (session, rx)
}

fn analysis_of(snapshot: &Snapshot) -> Analysis {
    let mut snapshot = snapshot.clone();
    snapshot.inputs.clear();
    let topology = Topology::from_snapshot(snapshot, &Config::default().build_options());
    analyze(&topology, &Config::default())
}

pub fn holder(analysis: &Analysis, lease: &str) -> Option<String> {
    analysis
        .leaders
        .records
        .iter()
        .find(|r| &*r.lease == lease)
        .and_then(|r| r.holder.as_deref().map(str::to_string))
}

/// The first snapshot whose analysis satisfies `want`.
pub fn snapshot_with(
    rx: &Receiver<Update>,
    what: &str,
    want: impl Fn(&Analysis) -> bool,
) -> Analysis {
    let deadline = Instant::now() + WAIT;
    let mut last = None;
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(update) => {
                if let Some(analysis) = update.snapshot.as_ref().map(|s| analysis_of(s))
                    && want(&analysis)
                {
                    return analysis;
                }
                last = Some(update.status);
            }
            Err(_) => break,
        }
    }
    panic!("no snapshot with {what} within {WAIT:?}; last status: {last:#?}");
}

pub fn lists(status: &[ClusterStatus], kind: Kind) -> u32 {
    status[0]
        .kinds
        .iter()
        .find(|k| k.kind == kind)
        .expect("every kind has a status")
        .lists
}

pub fn strip_sources(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if map.contains_key("file") && map.contains_key("line") {
                map.remove("file");
                map.remove("line");
                map.remove("document");
            }
            map.values_mut().for_each(strip_sources);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_sources),
        _ => {}
    }
}
