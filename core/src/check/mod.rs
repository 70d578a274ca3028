//! Checks: one rule per module, each a pure `fn(&Context) -> Vec<Finding>`.
//!
//! A finding has a stable check id, a severity, a subject (cluster, kind, namespace, name), a
//! message that says what breaks and how to fix it, and the source location of its subject.
//! Findings are suppressed per object with the annotation `quorum.dev/ignore: "id[,id]"` and per
//! pattern in `.quorum.yaml`.

mod dual_active;
mod leader_concentration;
mod lease_expired;
mod lease_holder_missing;
mod missing_pdb;
mod missing_spread;
mod nodes_missing;
mod pdb_blocks_drain;
mod placement;
mod pv_node_pinned;
pub mod pv_zone_conflict;
mod rollout_quorum_loss;
mod storageclass_immediate_binding;
mod zone_labels_missing;

use crate::config::Config;
pub use crate::finding::{Finding, Severity, SourceRef, Subject};
use crate::graph::*;
use crate::model::{Meta, Source};
use crate::stats::{GroupStats, LeaderStats};

/// A check: its id, default severity, a one-line summary and the fix (for SARIF rules and help).
pub struct Check {
    pub id: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    pub help: &'static str,
    pub run: fn(&Context<'_>) -> Vec<Finding>,
}

/// What a check reads.
pub struct Context<'a> {
    pub topology: &'a Topology,
    pub groups: &'a [std::sync::Arc<GroupStats>],
    pub leaders: &'a LeaderStats,
    pub config: &'a Config,
}

impl Context<'_> {
    /// A finding about a workload (its object's source, or its first pod's when it was inferred).
    pub fn on_workload(
        &self,
        w: WorkloadId,
        check: &'static str,
        severity: Severity,
        message: String,
    ) -> Finding {
        let t = self.topology;
        let info = &t.workloads[w.index()];
        let source = info
            .source
            .as_ref()
            .or_else(|| info.pods.first().map(|p| &t.pods[p.index()].source));
        self.finding(
            check,
            severity,
            info.cluster,
            workload_kind(info),
            &info.workload.meta,
            source,
            message,
        )
    }

    pub fn on_pod(
        &self,
        p: PodId,
        check: &'static str,
        severity: Severity,
        message: String,
    ) -> Finding {
        let info = &self.topology.pods[p.index()];
        self.finding(
            check,
            severity,
            info.cluster,
            "Pod",
            &info.pod.meta,
            Some(&info.source),
            message,
        )
    }

    #[allow(clippy::too_many_arguments)]
    pub fn finding(
        &self,
        check: &'static str,
        severity: Severity,
        cluster: ClusterId,
        kind: &str,
        meta: &Meta,
        source: Option<&Source>,
        message: String,
    ) -> Finding {
        Finding {
            check,
            severity,
            subject: Subject {
                cluster: self.topology.clusters[cluster.index()].name.clone(),
                kind: kind.to_string(),
                namespace: meta.namespace.clone(),
                name: meta.name.clone(),
            },
            message,
            source: source.map(SourceRef::from),
            ignored: meta.ignored_checks().map(str::to_string).collect(),
        }
    }
}

/// Every check, in the order reports list them.
pub const CHECKS: &[Check] = &[
    placement::QUORUM_LOST,
    placement::QUORUM_ZONE_LOSS,
    placement::QUORUM_NODE_LOSS,
    placement::REPLICAS_ZONE_LOSS,
    placement::REPLICAS_NODE_LOSS,
    placement::SINGLE_REPLICA,
    pv_zone_conflict::CHECK,
    pv_node_pinned::CHECK,
    storageclass_immediate_binding::CHECK,
    missing_pdb::CHECK,
    pdb_blocks_drain::CHECK,
    rollout_quorum_loss::CHECK,
    missing_spread::CHECK,
    leader_concentration::CHECK,
    lease_expired::CHECK,
    lease_holder_missing::CHECK,
    dual_active::CHECK,
    zone_labels_missing::CHECK,
    nodes_missing::CHECK,
];

pub fn find(id: &str) -> Option<&'static Check> {
    CHECKS.iter().find(|c| c.id == id)
}

/// Runs every check, applies suppressions and severity overrides, and sorts: most severe first,
/// then by check and subject.
pub fn run_all(ctx: &Context<'_>) -> Vec<Finding> {
    let multi = ctx.topology.multi_cluster();
    use rayon::prelude::*;
    // A subject's names are written out only where some rule may match them (on a large
    // cluster, tens of thousands of findings and no rules).
    let ignored = |f: &Finding| {
        if ctx.config.ignore.is_empty() {
            return false;
        }
        let local = crate::model::qualified(&f.subject.namespace, &f.subject.name);
        ctx.config.ignores(f.check, &local)
            || multi
                && ctx
                    .config
                    .ignores(f.check, &format!("{}/{local}", f.subject.cluster))
    };
    // The checks are independent: on every core, collected with each finding's check's place
    // in CHECKS (the order reports list them in), looked up once and not at each comparison.
    let mut out: Vec<(usize, Finding)> = CHECKS
        .par_iter()
        .flat_map_iter(|c| (c.run)(ctx))
        .filter(|f| !f.ignored.iter().any(|i| i == f.check || i == "*"))
        .filter(|f| !ignored(f))
        .map(|mut f| {
            if let Some(s) = ctx.config.severity.get(f.check) {
                f.severity = *s;
            }
            (check_order(f.check), f)
        })
        .collect();
    // Stable: one check's findings about one subject stay in the order it gave them.
    out.par_sort_by(|(a_order, a), (b_order, b)| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a_order.cmp(b_order))
            .then_with(|| a.subject.cmp(&b.subject))
    });
    out.into_iter().map(|(_, f)| f).collect()
}

fn check_order(id: &str) -> usize {
    CHECKS.iter().position(|c| c.id == id).unwrap_or(usize::MAX)
}

/// "a, b, c and 3 more".
pub(crate) fn list(items: &[String], max: usize) -> String {
    if items.len() <= max {
        items.join(", ")
    } else {
        format!("{} and {} more", items[..max].join(", "), items.len() - max)
    }
}

#[cfg(test)]
mod tests;
