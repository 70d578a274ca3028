//! Session data: what was opened, the inputs as read, the topology, its analysis and its sweep.
//! Built once per load (off the UI thread, see [`crate::source`]); the panels only read it.

use std::sync::Arc;

use anyhow::{Context as _, Result};
use quorum_core::config::{self, Config};
use quorum_core::model::{InputError, Snapshot};
use quorum_core::workbench::{self, Workbench};

use crate::canvas::Layout;
use crate::cli::Origin;

/// What was opened and core's state of it (read through `Deref`: `session.topology`,
/// `session.analysis`, `session.leases_of_pod(..)`), with the canvas's layout of it.
pub struct Session {
    /// What was opened, in a few words ("sample three-zones", the paths).
    pub title: String,
    pub description: Option<&'static str>,
    /// The inputs as the `quorum` command line takes them (see [`Origin::cli_inputs`]).
    pub cli_inputs: String,
    pub workbench: Workbench,
    /// Where everything sits on the canvas (built with the session, off the UI thread).
    pub layout: Arc<Layout>,
}

impl std::ops::Deref for Session {
    type Target = Workbench;
    fn deref(&self) -> &Workbench {
        &self.workbench
    }
}

/// The stages of opening, for the progress line: core's, then the canvas's layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Core(workbench::Stage),
    LayingOut,
}

impl Stage {
    pub const FIRST: Stage = Stage::Core(workbench::Stage::Reading);

    pub fn describe(self) -> &'static str {
        match self {
            Stage::Core(s) => s.describe(),
            Stage::LayingOut => "laying out the canvas",
        }
    }
}

impl Session {
    /// Opens on the calling thread, the sweep included (tests, the headless report; the window's
    /// loader computes the sweep after sending the session, see `source::load`).
    pub fn open(origin: &Origin) -> Result<Session> {
        let session = Session::open_with(origin, &|_| {})?;
        session.sweep();
        Ok(session)
    }

    /// Opens, telling `stage` where it is.
    pub fn open_with(origin: &Origin, stage: &dyn Fn(Stage)) -> Result<Session> {
        Session::open_with_progress(origin, stage, &|_| {})
    }

    /// Same, telling `read` how many bytes of the files have been read.
    pub fn open_with_progress(
        origin: &Origin,
        stage: &dyn Fn(Stage),
        read: &(dyn Fn(u64) + Sync),
    ) -> Result<Session> {
        stage(Stage::FIRST);
        match origin {
            Origin::Sample(sample) => {
                let mut session = Session::new(
                    format!("sample {}", sample.name),
                    sample.load(),
                    with_asked_version(Config::default()),
                    stage,
                );
                session.description = Some(sample.description);
                session.cli_inputs = origin.cli_inputs();
                Ok(session)
            }
            Origin::Inputs(inputs) => {
                let config = working_directory_config()?;
                let snapshot = quorum_core::load::load_with_progress(inputs, read)?;
                let mut session = Session::new(origin.title(), snapshot, config, stage);
                session.cli_inputs = origin.cli_inputs();
                Ok(session)
            }
            Origin::Live(options) => {
                let config = working_directory_config()?;
                let mut read = quorum_core::live::read(options)?;
                // Kinds RBAC refused show with the input problems: what is missing, and why.
                for (report, status) in read.snapshot.inputs.iter_mut().zip(&read.status) {
                    report
                        .errors
                        .extend(status.warnings.iter().map(|w| InputError {
                            document: 0,
                            line: 0,
                            message: w.clone(),
                        }));
                }
                let mut session = Session::new(origin.title(), read.snapshot, config, stage);
                session.cli_inputs = origin.cli_inputs();
                Ok(session)
            }
        }
    }

    pub fn new(
        title: String,
        snapshot: Snapshot,
        config: Config,
        stage: &dyn Fn(Stage),
    ) -> Session {
        let workbench = Workbench::open_with(snapshot, config, &|s| stage(Stage::Core(s)));
        // The sweep matrix is on a tab of its own: the loader computes it after the window
        // shows the cluster (`Workbench::sweeper`), or its first use does.
        stage(Stage::LayingOut);
        let layout = Arc::new(Layout::build(&workbench));
        Session {
            cli_inputs: title.clone(),
            title,
            description: None,
            workbench,
            layout,
        }
    }
}

/// `.quorum.yaml` in the working directory, as `quorum analyze` finds it, with the release the
/// command line asked for.
fn working_directory_config() -> Result<Config> {
    Config::discover(None)
        .with_context(|| format!("reading {}", config::FILE_NAME))
        .map(with_asked_version)
}

/// `--kubernetes-version`: every cluster this window opens follows that release's rules.
static KUBERNETES_VERSION: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Says which release `--kubernetes-version` asked for (once, from the command line).
pub fn ask_kubernetes_version(version: String) {
    let _ = KUBERNETES_VERSION.set(version);
}

fn with_asked_version(mut config: Config) -> Config {
    if let Some(v) = KUBERNETES_VERSION.get() {
        config.kubernetes_version = Some(v.clone());
    }
    config
}

#[cfg(test)]
mod tests {
    use super::*;
    use quorum_core::graph::{Holder, NodeId, PodId};
    use quorum_core::samples;

    fn sample(name: &str) -> Session {
        Session::open(&Origin::Sample(samples::find(name).unwrap())).unwrap()
    }

    #[test]
    fn the_three_zones_sample_opens_with_its_zones_groups_leaders_and_sweep() {
        let s = sample("three-zones");
        assert_eq!(s.zone_count(), 3);
        assert!(!s.analysis.groups.is_empty());
        assert!(s.analysis.leaders.total > 0);
        assert!(s.input_problems().is_empty());
        assert!(s.sweep().scenarios.len() >= s.topology.nodes.len() + 3);
    }

    #[test]
    fn every_lease_held_by_a_pod_or_node_is_marked_on_it() {
        let s = sample("three-zones");
        let marked: usize = (0..s.topology.pods.len())
            .map(|p| s.leases_of_pod(PodId(p as u32)).len())
            .chain((0..s.topology.nodes.len()).map(|n| s.leases_of_node(NodeId(n as u32)).len()))
            .sum();
        let held = s
            .topology
            .leaders
            .iter()
            .filter(|l| matches!(l.holder, Holder::Pod(_) | Holder::Node(_)))
            .count();
        assert_eq!(marked, held);
        assert!(marked > 0);
    }

    #[test]
    fn a_broken_document_is_a_problem_with_its_file_and_line() {
        let snapshot =
            quorum_core::load::load_texts(&[("default", "bad.yaml", b"kind: Pod\nmetadata: [\n")]);
        let s = Session::new("bad.yaml".into(), snapshot, Config::default(), &|_| {});
        let problems = s.input_problems();
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].location.starts_with("bad.yaml:"),
            "{}",
            problems[0].location
        );
    }
}
