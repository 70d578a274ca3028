//! Quorum core: where the replicas, volumes and election leaders of stateful workloads live, and
//! what a failure would cost them.
//!
//! - [`model`]: plain domain types ([`model::Snapshot`], nodes, pods, volumes, leader records).
//! - [`load`]: files and stdin into a snapshot, with the source of every object.
//! - [`graph`]: the topology graph (petgraph) and its indexes.
//! - [`analysis`]: groups and quorum, leader records, and the [`analysis::Analysis`] of a graph.
//! - [`check`]: one rule per module, each `fn(&Topology, &Context) -> Vec<Finding>`.
//! - [`report`]: renderers (table, JSON, Markdown, SARIF, DOT) over one report type.
//! - [`config`]: the `.quorum.yaml` file.
//! - [`overview`]: per-node and per-zone summaries, group members and finding subjects, for the
//!   front ends.

pub mod analysis;
pub mod check;
pub mod config;
pub mod contract;
pub mod finding;
pub mod graph;
#[cfg(feature = "live")]
pub mod live;
pub mod load;
pub mod model;
pub mod overview;
pub mod plan;
pub mod report;
pub mod samples;
pub mod simulate;
pub mod stats;
pub mod workbench;
#[cfg(test)]
pub(crate) mod testkit;
