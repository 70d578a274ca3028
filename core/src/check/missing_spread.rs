//! Quorum groups with nothing that keeps their replicas in different zones.

use super::*;
use crate::graph::{Mode, WorkloadOrigin, ZONE_KEYS};
use crate::model::{PodAffinityTerm, SpreadConstraint};

pub const CHECK: Check = Check {
    id: "missing-spread",
    severity: Severity::Warning,
    summary: "A quorum group has neither a zone spread constraint nor zone anti-affinity.",
    help: "Add a topologySpreadConstraint on the zone label with maxSkew: 1 and \
           whenUnsatisfiable: DoNotSchedule.",
    run: None,
    per_group: Some(PerGroup {
        find: |ctx, g, out| out.extend(find(ctx, g)),
        reads_nodes: None,
    }),
};

fn find(ctx: &Context<'_>, g: &GroupStats) -> Option<Finding> {
    let t = ctx.topology;
    let is_zone_key = |k: &str| k == t.zone_label || ZONE_KEYS.contains(&k);
    if g.mode != Mode::Quorum || g.replicas <= 1 {
        return None;
    }
    let w = &t.workloads[t.groups[g.id.index()].workload.index()];
    if w.origin == WorkloadOrigin::Static {
        return None;
    }
    let zones = t.known_zone_count(w.cluster);
    let manifests_only = t.clusters[w.cluster.index()].zones.is_empty();
    if zones < 2 && !manifests_only {
        return None;
    }
    let p = &w.workload.placement;
    // A rule spreads the replicas only if it counts them: its selector must match their own
    // labels (the template's; an inferred workload's first pod's). Unknown labels: trusted.
    let own = if w.workload.template_labels.is_empty() {
        w.pods
            .first()
            .map(|pod| &t.pods[pod.index()].pod.meta.labels)
    } else {
        Some(&w.workload.template_labels)
    };
    let zone_constraints: Vec<&SpreadConstraint> = p
        .spread
        .iter()
        .filter(|s| s.do_not_schedule && is_zone_key(&s.topology_key))
        .collect();
    let zone_terms: Vec<&PodAffinityTerm> = p
        .required_anti_affinity
        .iter()
        .filter(|a| is_zone_key(&a.topology_key))
        .collect();
    let hard = zone_constraints
        .iter()
        .any(|s| own.is_none_or(|l| s.counts(l, l)))
        || zone_terms
            .iter()
            .any(|a| own.is_none_or(|l| a.selector.matches(l)));
    if hard {
        return None;
    }
    let message = match own {
        Some(labels) if !zone_constraints.is_empty() || !zone_terms.is_empty() => {
            let rule = if zone_constraints.is_empty() {
                "required zone anti-affinity"
            } else {
                "zone topologySpreadConstraint"
            };
            let labels: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
            format!(
                "its {rule} selects none of its own pods (labels {}): it counts none of its {} \
                 replicas, so nothing keeps them in different zones and a zone outage may \
                 take the quorum. Make its labelSelector match the pod template's labels.",
                labels.join(","),
                g.replicas
            )
        }
        _ => {
            let soft = p.spread.iter().any(|s| is_zone_key(&s.topology_key))
                || p.preferred_anti_affinity
                    .iter()
                    .any(|a| is_zone_key(&a.topology_key));
            format!(
                "nothing keeps its {} replicas in different zones{}: the scheduler may put a \
                 majority in one zone, and a zone outage then takes the quorum. Add a \
                 topologySpreadConstraint with topologyKey: {}, maxSkew: 1 and \
                 whenUnsatisfiable: DoNotSchedule.",
                g.replicas,
                if soft {
                    " (only a soft preference, which the scheduler may ignore)"
                } else {
                    ""
                },
                t.zone_label
            )
        }
    };
    let severity = if manifests_only {
        Severity::Info
    } else {
        Severity::Warning
    };
    // A quorum of all its replicas survives no loss at all, however they are spread.
    let message = if g.replicas <= g.needed {
        format!(
            "{message} With {} replicas a quorum needs every one of them, so no placement \
             survives losing a zone (or a node): run at least 3 replicas over 3 zones first.",
            g.replicas
        )
    } else {
        message
    };
    Some(ctx.on_workload(t.groups[g.id.index()].workload, CHECK.id, severity, message))
}
