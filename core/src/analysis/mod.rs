//! The analysis of a topology: its statistics ([`crate::stats`]) and the findings of every
//! check, in one [`Analysis`]. Pure: "after a failure" is just another graph.

use serde::Serialize;

use crate::check::{self, Finding, Severity};
use crate::config::Config;
use crate::graph::*;
pub use crate::stats::*;

/// A zone as reported.
#[derive(Clone, Debug, Serialize)]
pub struct ZoneRow {
    pub name: String,
    pub region: String,
    pub nodes: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ClusterRow {
    pub name: String,
    pub zones: Vec<ZoneRow>,
}

/// Everything `analyze` reports about a topology.
#[derive(Clone, Debug, Serialize)]
pub struct Analysis {
    pub clusters: Vec<ClusterRow>,
    /// Shared with the next state's analysis where a live change left them as they were.
    pub findings: Vec<std::sync::Arc<Finding>>,
    pub leaders: LeaderStats,
    pub groups: Vec<std::sync::Arc<GroupStats>>,
    /// Each group's findings, for the analysis of the next live change to keep.
    #[serde(skip)]
    pub(crate) kept: check::Kept,
}

impl Analysis {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}

/// Every statistic and check of `t`, on every core (a live view reruns it on each change).
pub fn analyze(t: &Topology, config: &Config) -> Analysis {
    let (groups, leaders) = rayon::join(|| all_group_stats(t), || leader_stats(t));
    analysis_of(t, config, groups, leaders, None)
}

/// The analysis of `t`, a change applied in place to the graph `last` is the analysis of: the
/// same as [`analyze`], with the statistics of the groups the change did not touch taken from
/// `last` ([`group_stats_after`]), and their findings.
pub fn analyze_after(
    t: &Topology,
    config: &Config,
    last: &Analysis,
    changed: &Changed,
) -> Analysis {
    let touched = touched_groups(t, &last.groups, changed);
    let (groups, leaders) = rayon::join(
        || group_stats_after(t, &last.groups, touched.as_ref()),
        || {
            let touched = touched.as_ref().map(|(_, touched)| touched.as_slice());
            leader_stats_after(t, &last.leaders, changed, touched)
        },
    );
    let last = check::Last {
        groups: &last.groups,
        kept: &last.kept,
        nodes_changed: !changed.nodes.is_empty(),
    };
    analysis_of(t, config, groups, leaders, Some(&last))
}

fn analysis_of(
    t: &Topology,
    config: &Config,
    groups: Vec<std::sync::Arc<GroupStats>>,
    leaders: LeaderStats,
    last: Option<&check::Last<'_>>,
) -> Analysis {
    let ctx = check::Context {
        topology: t,
        groups: &groups,
        leaders: &leaders,
        config,
    };
    let (findings, kept) = check::run_all(&ctx, last);
    let clusters = t
        .clusters
        .iter()
        .map(|c| ClusterRow {
            name: c.name.clone(),
            zones: c
                .zones
                .iter()
                .map(|z| {
                    let zone = &t.zones[z.index()];
                    ZoneRow {
                        name: zone.name.clone(),
                        region: zone.region.clone(),
                        nodes: zone
                            .nodes
                            .iter()
                            .map(|n| t.nodes[n.index()].name().to_string())
                            .collect(),
                    }
                })
                .collect(),
        })
        .collect();
    Analysis {
        clusters,
        findings,
        leaders,
        groups,
        kept,
    }
}
