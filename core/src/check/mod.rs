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
use std::sync::Arc;

/// A check: its id, default severity, a one-line summary and the fix (for SARIF rules and help).
pub struct Check {
    pub id: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    pub help: &'static str,
    /// What it finds reading the graph as a whole (None: it judges groups alone).
    pub run: Option<fn(&Context<'_>) -> Vec<Finding>>,
    /// What it finds about one group, for a check that judges groups one at a time.
    pub per_group: Option<PerGroup>,
}

/// A check's judgement of one group: its findings, read from the group's statistics, its
/// workload, its pods and their nodes (and, where `reads_nodes` says so, the state of every
/// node). A group whose statistics a live change kept (the same `Arc`) is judged the same, so
/// its last findings are kept ([`run_all`] with a [`Last`]).
#[derive(Clone, Copy)]
pub struct PerGroup {
    pub find: fn(&Context<'_>, &GroupStats, &mut Vec<Finding>),
    /// Whether its judgement of a group reads other nodes than those of the group's pods (how
    /// many nodes could take a replica, whether any could host a pending pod): that group is
    /// judged again when a node changed. None: it never does.
    pub reads_nodes: Option<fn(&Context<'_>, &GroupStats) -> bool>,
}

/// For [`PerGroup::reads_nodes`]: every group's judgement reads every node.
pub(crate) fn always(_: &Context<'_>, _: &GroupStats) -> bool {
    true
}

impl Check {
    /// Every finding of this check, before suppressions: the graph's, then each group's.
    pub fn findings(&self, ctx: &Context<'_>) -> Vec<Finding> {
        let mut out = self.run.map(|run| run(ctx)).unwrap_or_default();
        if let Some(per_group) = self.per_group {
            for g in ctx.groups {
                (per_group.find)(ctx, g, &mut out);
            }
        }
        out
    }
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

/// What the last state's checks found about each group, for the next state's to keep
/// ([`Last`]). Not part of any report.
#[derive(Clone, Debug, Default)]
pub struct Kept {
    /// Per group, the findings of the checks that judge one group at a time (suppressed ones
    /// left out, severities overridden), each with its check's place in [`CHECKS`].
    by_group: Vec<GroupFindings>,
    /// Per finding of the analysis, in its order: the group the check judged, for a check that
    /// judges one group at a time.
    pub(crate) group_of: Vec<Option<GroupId>>,
}

/// One group's findings, each with its check's place in [`CHECKS`].
type GroupFindings = Arc<[(usize, Arc<Finding>)]>;

/// The last state's findings and statistics, when the graph being judged is a live change
/// applied in place to its graph.
pub struct Last<'a> {
    pub groups: &'a [Arc<GroupStats>],
    pub kept: &'a Kept,
    /// A node's state changed: what reads every node is judged again.
    pub nodes_changed: bool,
}

/// Every check's findings, with suppressions and severity overrides applied, sorted: most severe
/// first, then by check and subject. With `last`, a group whose statistics the change kept
/// keeps its last findings instead of being judged again.
pub fn run_all(ctx: &Context<'_>, last: Option<&Last<'_>>) -> (Vec<Arc<Finding>>, Kept) {
    use rayon::prelude::*;
    // The checks are independent: on every core, each finding with its check's place in CHECKS
    // (the order reports list them in), looked up once and not at each comparison.
    let whole: Vec<Vec<Arc<Finding>>> = CHECKS
        .par_iter()
        .enumerate()
        .map(|(order, c)| {
            c.run
                .map(|run| run(ctx))
                .unwrap_or_default()
                .into_iter()
                .filter_map(|f| admitted(ctx, order, f))
                .map(|(_, f)| f)
                .collect()
        })
        .collect();
    let last = last.filter(|l| {
        l.groups.len() == ctx.groups.len() && l.kept.by_group.len() == ctx.groups.len()
    });
    let by_group: Vec<GroupFindings> = ctx
        .groups
        .par_iter()
        .enumerate()
        .with_min_len(256)
        .map(|(g, stats)| {
            let kept = last
                .filter(|l| Arc::ptr_eq(&l.groups[g], stats))
                .map(|l| (&l.kept.by_group[g], l.nodes_changed));
            match kept {
                Some((kept, false)) => kept.clone(),
                Some((kept, true)) => {
                    // A node changed, none of this group's pods': what read other nodes is
                    // judged again.
                    let again: Vec<bool> = CHECKS
                        .iter()
                        .map(|c| {
                            c.per_group
                                .and_then(|p| p.reads_nodes)
                                .is_some_and(|reads| reads(ctx, stats))
                        })
                        .collect();
                    let mut out: Vec<(usize, Arc<Finding>)> = kept
                        .iter()
                        .filter(|(order, _)| !again[*order])
                        .cloned()
                        .collect();
                    out.extend(judged(ctx, stats, |order| again[order]));
                    out.sort_by_key(|(order, _)| *order);
                    out.into()
                }
                None => judged(ctx, stats, |_| true).collect::<Vec<_>>().into(),
            }
        })
        .collect();
    // In the order the checks gave them: each check's findings about the graph, then its
    // findings about each group.
    let mut out: Vec<(usize, Option<GroupId>, Arc<Finding>)> = Vec::with_capacity(
        whole.iter().map(Vec::len).sum::<usize>() + by_group.iter().map(|g| g.len()).sum::<usize>(),
    );
    let mut per_check: Vec<Vec<(GroupId, &Arc<Finding>)>> = vec![Vec::new(); CHECKS.len()];
    for (g, found) in by_group.iter().enumerate() {
        for (order, f) in found.iter() {
            per_check[*order].push((GroupId(g as u32), f));
        }
    }
    for (order, (whole, groups)) in whole.into_iter().zip(per_check).enumerate() {
        out.extend(whole.into_iter().map(|f| (order, None, f)));
        out.extend(groups.into_iter().map(|(g, f)| (order, Some(g), f.clone())));
    }
    // Stable: one check's findings about one subject stay in the order it gave them.
    out.par_sort_by(|(a_order, _, a), (b_order, _, b)| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a_order.cmp(b_order))
            .then_with(|| a.subject.cmp(&b.subject))
    });
    let (group_of, findings) = out.into_iter().map(|(_, g, f)| (g, f)).unzip();
    (findings, Kept { by_group, group_of })
}

/// The findings of the per-group checks `which` (by their place in [`CHECKS`]) about one group,
/// admitted.
fn judged<'c>(
    ctx: &'c Context<'_>,
    stats: &'c GroupStats,
    which: impl Fn(usize) -> bool + 'c,
) -> impl Iterator<Item = (usize, Arc<Finding>)> + 'c {
    CHECKS
        .iter()
        .enumerate()
        .filter(move |(order, _)| which(*order))
        .filter_map(|(order, c)| Some((order, c.per_group?.find)))
        .flat_map(move |(order, find)| {
            let mut found = Vec::new();
            find(ctx, stats, &mut found);
            found
                .into_iter()
                .filter_map(move |f| admitted(ctx, order, f))
        })
}

/// A finding as reported, with its check's place: None when its subject's annotation or an
/// ignore rule suppresses it, its severity overridden by the configuration.
fn admitted(ctx: &Context<'_>, order: usize, mut f: Finding) -> Option<(usize, Arc<Finding>)> {
    if f.ignored.iter().any(|i| i == f.check || i == "*") {
        return None;
    }
    // A subject's names are written out only where some rule may match them (on a large
    // cluster, tens of thousands of findings and no rules).
    if !ctx.config.ignore.is_empty() {
        let local = crate::model::qualified(&f.subject.namespace, &f.subject.name);
        if ctx.config.ignores(f.check, &local)
            || ctx.topology.multi_cluster()
                && ctx
                    .config
                    .ignores(f.check, &format!("{}/{local}", f.subject.cluster))
        {
            return None;
        }
    }
    if let Some(s) = ctx.config.severity.get(f.check) {
        f.severity = *s;
    }
    Some((order, Arc::new(f)))
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
