//! Quorum core: where the replicas, volumes and election leaders of stateful workloads live, and
//! what a failure would cost them. Everything a front end shows is computed here, once.
//!
//! Leaves first (a module uses only those above it; docs/architecture.md has the whole map):
//!
//! - [`model`]: plain Kubernetes types as Quorum reads them, with where each came from.
//! - [`release`]: which Kubernetes release's rules the model follows, and those rules.
//! - [`finding`]: a finding (severity, subject, source); [`contract`]: the JSON version and the
//!   annotations every JSON output shares.
//! - [`load`]: files, folders, stdin, dumps and support bundles into a [`model::Snapshot`].
//! - [`graph`]: the [`graph::Topology`] (clusters, zones, nodes, pods, claims, volumes, leases,
//!   groups) and its indexes; [`stats`]: quorum sizes, survival and leader counts over it.
//! - [`config`]: `.quorum.yaml`; [`check`]: one module per check, listed in [`check::CHECKS`];
//!   [`analysis`]: every check, groups and leader records as one [`analysis::Analysis`].
//! - [`overview`]: per-node and per-zone counts, group members, where a finding's subject is.
//! - [`simulate`]: events, the model of how Kubernetes reacts in time, the sweep and drills.
//! - [`plan`]: goals, steps in waves, the predicted graph after each step, export formats.
//! - [`report`]: tables, JSON, Markdown, SARIF, DOT and after-state exports.
//! - `live` (feature `live`): kubeconfig, live reads and watches, export and apply.
//! - [`workbench`]: what both front ends stand on: one state per snapshot, what-ifs, plan
//!   states, per-pod facts and risk, the follower of live updates.
//! - [`samples`]: the clusters built into the binaries.

pub mod analysis;
pub mod check;
pub mod config;
pub mod contract;
pub mod files;
pub mod finding;
pub mod graph;
#[cfg(feature = "live")]
pub mod live;
pub mod load;
pub mod model;
pub mod overview;
pub mod plan;
pub mod release;
pub mod report;
pub mod samples;
pub mod simulate;
pub mod stats;
#[cfg(test)]
pub(crate) mod testkit;
pub mod workbench;
