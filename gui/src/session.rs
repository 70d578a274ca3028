//! Session data: what was opened, the snapshot as loaded, its topology and its analysis. Built
//! once; the panels only read it.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context as _, Result};
use quorum_core::analysis::{Analysis, analyze};
use quorum_core::config::{self, Config};
use quorum_core::graph::{Holder, NodeId, PodId, Topology};
use quorum_core::load;
use quorum_core::model::Snapshot;

use crate::cli::Origin;

pub struct Session {
    /// What was opened, in a few words ("sample three-zones", the paths).
    pub title: String,
    pub description: Option<&'static str>,
    pub snapshot: Snapshot,
    pub topology: Topology,
    pub analysis: Analysis,
    /// The leader records each pod or node holds, as indexes into `analysis.leaders.records`.
    held_by_pod: HashMap<PodId, Vec<usize>>,
    held_by_node: HashMap<NodeId, Vec<usize>>,
}

/// One problem in one input, as `file:line: message`.
pub struct InputProblem {
    pub location: String,
    pub message: String,
}

impl Session {
    pub fn open(origin: &Origin) -> Result<Session> {
        match origin {
            Origin::Sample(sample) => {
                let mut session = Session::new(
                    format!("sample {}", sample.name),
                    sample.load(),
                    &Config::default(),
                );
                session.description = Some(sample.description);
                Ok(session)
            }
            Origin::Inputs(inputs) => {
                let config = working_directory_config()?;
                let snapshot = load::load(inputs)?;
                let title = inputs
                    .iter()
                    .map(|i| {
                        let path = if i.is_stdin() {
                            "<stdin>".into()
                        } else {
                            i.path.display().to_string()
                        };
                        if i.cluster == "default" {
                            path
                        } else {
                            format!("{}={path}", i.cluster)
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" ");
                Ok(Session::new(title, snapshot, &config))
            }
        }
    }

    pub fn new(title: String, snapshot: Snapshot, config: &Config) -> Session {
        let topology = Topology::build(&snapshot, &config.build_options());
        let analysis = analyze(&topology, config);
        let mut held_by_pod: HashMap<PodId, Vec<usize>> = HashMap::new();
        let mut held_by_node: HashMap<NodeId, Vec<usize>> = HashMap::new();
        for (i, record) in analysis.leaders.records.iter().enumerate() {
            match topology.leaders[record.id.index()].holder {
                Holder::Pod(p) => held_by_pod.entry(p).or_default().push(i),
                Holder::Node(n) => held_by_node.entry(n).or_default().push(i),
                Holder::Unresolved | Holder::Vacant => {}
            }
        }
        Session {
            title,
            description: None,
            snapshot,
            topology,
            analysis,
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
        self.snapshot
            .inputs
            .iter()
            .flat_map(|input| {
                input.errors.iter().map(|e| InputProblem {
                    location: format!("{}:{}", input.source, e.line),
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
    fn the_three_zones_sample_opens_with_its_zones_groups_and_leaders() {
        let s = sample("three-zones");
        assert_eq!(s.zone_count(), 3);
        assert!(!s.analysis.groups.is_empty());
        assert!(s.analysis.leaders.total > 0);
        assert!(s.input_problems().is_empty());
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
        let snapshot = load::load_texts(&[("default", "bad.yaml", b"kind: Pod\nmetadata: [\n")]);
        let s = Session::new("bad.yaml".into(), snapshot, &Config::default());
        let problems = s.input_problems();
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].location.starts_with("bad.yaml:"),
            "{}",
            problems[0].location
        );
    }
}
