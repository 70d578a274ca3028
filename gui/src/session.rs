//! Session data: what was opened, the inputs as read, the topology, its analysis and its sweep.
//! Built once per load (off the UI thread, see [`crate::source`]); the panels only read it.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context as _, Result};
use quorum_core::analysis::{Analysis, analyze};
use quorum_core::config::{self, Config};
use quorum_core::graph::{Holder, NodeId, PodId, Topology};
use quorum_core::model::{InputError, InputReport, Snapshot};
use quorum_core::simulate::sweep::{Sweep, sweep};

use crate::canvas::Layout;
use crate::cli::Origin;

pub struct Session {
    /// What was opened, in a few words ("sample three-zones", the paths).
    pub title: String,
    pub description: Option<&'static str>,
    /// The inputs as read: documents, objects, and the ones that could not be read.
    pub inputs: Vec<InputReport>,
    pub config: Config,
    /// Shared with simulation and planning jobs on other threads.
    pub topology: Arc<Topology>,
    pub analysis: Analysis,
    pub sweep: Sweep,
    /// Where everything sits on the canvas (built with the session, off the UI thread).
    pub layout: Arc<Layout>,
    /// The leader records each pod or node holds, as indexes into `analysis.leaders.records`.
    held_by_pod: HashMap<PodId, Vec<usize>>,
    held_by_node: HashMap<NodeId, Vec<usize>>,
}

/// One problem in one input, as `file:line: message`.
pub struct InputProblem {
    pub location: String,
    pub message: String,
}

/// The stages of opening, for the progress line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Reading,
    Building,
    Analysing,
    Sweeping,
    LayingOut,
}

impl Stage {
    pub fn describe(self) -> &'static str {
        match self {
            Stage::Reading => "reading the files",
            Stage::Building => "building the topology",
            Stage::Analysing => "running the checks",
            Stage::Sweeping => "sweeping every single failure",
            Stage::LayingOut => "laying out the canvas",
        }
    }
}

impl Session {
    pub fn open(origin: &Origin) -> Result<Session> {
        Session::open_with(origin, &|_| {})
    }

    /// Opens, telling `stage` where it is.
    pub fn open_with(origin: &Origin, stage: &dyn Fn(Stage)) -> Result<Session> {
        stage(Stage::Reading);
        match origin {
            Origin::Sample(sample) => {
                let mut session = Session::new(
                    format!("sample {}", sample.name),
                    sample.load(),
                    Config::default(),
                    stage,
                );
                session.description = Some(sample.description);
                Ok(session)
            }
            Origin::Inputs(inputs) => {
                let config = working_directory_config()?;
                let snapshot = quorum_core::load::load(inputs)?;
                Ok(Session::new(origin.title(), snapshot, config, stage))
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
                Ok(Session::new(origin.title(), read.snapshot, config, stage))
            }
        }
    }

    pub fn new(
        title: String,
        mut snapshot: Snapshot,
        config: Config,
        stage: &dyn Fn(Stage),
    ) -> Session {
        stage(Stage::Building);
        let inputs = std::mem::take(&mut snapshot.inputs);
        let topology = Topology::from_snapshot(snapshot, &config.build_options());
        stage(Stage::Analysing);
        let analysis = analyze(&topology, &config);
        stage(Stage::Sweeping);
        let sweep = sweep(&topology);
        stage(Stage::LayingOut);
        let layout = Arc::new(Layout::build(&topology));
        let mut held_by_pod: HashMap<PodId, Vec<usize>> = HashMap::new();
        let mut held_by_node: HashMap<NodeId, Vec<usize>> = HashMap::new();
        for (i, record) in analysis.leaders.records.iter().enumerate() {
            match topology.leaders[record.id.index()].holder {
                Holder::Pod(p) => held_by_pod.entry(p).or_default().push(i),
                Holder::Node(n) => held_by_node.entry(n).or_default().push(i),
                Holder::Unresolved | Holder::Ambiguous | Holder::External | Holder::Vacant => {}
            }
        }
        Session {
            title,
            description: None,
            inputs,
            config,
            topology: Arc::new(topology),
            analysis,
            sweep,
            layout,
            held_by_pod,
            held_by_node,
        }
    }

    /// Indexes into `analysis.leaders.records` of the leases a pod holds.
    pub fn leases_of_pod(&self, pod: PodId) -> &[usize] {
        self.held_by_pod.get(&pod).map_or(&[], Vec::as_slice)
    }

    /// Indexes into `analysis.leaders.records` of the leases a node holds itself
    /// (control-plane components that name their node).
    pub fn leases_of_node(&self, node: NodeId) -> &[usize] {
        self.held_by_node.get(&node).map_or(&[], Vec::as_slice)
    }

    pub fn zone_count(&self) -> usize {
        self.topology.clusters.iter().map(|c| c.zones.len()).sum()
    }

    pub fn input_problems(&self) -> Vec<InputProblem> {
        self.inputs
            .iter()
            .flat_map(|input| {
                input.errors.iter().map(|e| InputProblem {
                    // A live object has no line.
                    location: if e.line == 0 {
                        input.source.clone()
                    } else {
                        format!("{}:{}", input.source, e.line)
                    },
                    message: e.message.clone(),
                })
            })
            .collect()
    }
}

/// `.quorum.yaml` in the working directory, as `quorum analyze` reads it.
fn working_directory_config() -> Result<Config> {
    let path = Path::new(config::FILE_NAME);
    if !path.exists() {
        return Ok(Config::default());
    }
    Config::load(path).with_context(|| format!("reading {}", config::FILE_NAME))
}

#[cfg(test)]
mod tests {
    use super::*;
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
        assert!(s.sweep.scenarios.len() >= s.topology.nodes.len() + 3);
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
