//! Quorum groups with nothing that keeps their replicas in different zones.

use super::*;
use crate::graph::{Mode, WorkloadOrigin};

pub const CHECK: Check = Check {
    id: "missing-spread",
    severity: Severity::Warning,
    summary: "A quorum group has neither a zone spread constraint nor zone anti-affinity.",
    help: "Add a topologySpreadConstraint on the zone label with maxSkew: 1 and \
           whenUnsatisfiable: DoNotSchedule.",
    run,
};

const ZONE_KEYS: [&str; 2] = [
    "topology.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/zone",
];

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let t = ctx.topology;
    let is_zone_key = |k: &str| k == t.zone_label || ZONE_KEYS.contains(&k);
    let mut out = Vec::new();
    for g in ctx
        .groups
        .iter()
        .filter(|g| g.mode == Mode::Quorum && g.replicas > 1)
    {
        let w = &t.workloads[t.groups[g.id.index()].workload.index()];
        if w.origin == WorkloadOrigin::Static {
            continue;
        }
        let zones = t.known_zone_count(w.cluster);
        let manifests_only = t.clusters[w.cluster.index()].zones.is_empty();
        if zones < 2 && !manifests_only {
            continue;
        }
        let p = &w.workload.placement;
        let hard = p
            .spread
            .iter()
            .any(|s| s.do_not_schedule && is_zone_key(&s.topology_key))
            || p.required_anti_affinity
                .iter()
                .any(|a| is_zone_key(&a.topology_key));
        if hard {
            continue;
        }
        let soft = p.spread.iter().any(|s| is_zone_key(&s.topology_key))
            || p.preferred_anti_affinity
                .iter()
                .any(|a| is_zone_key(&a.topology_key));
        let message = format!(
            "nothing keeps its {} replicas in different zones{}: the scheduler may put a majority in \
             one zone, and a zone outage then takes the quorum. Add a topologySpreadConstraint with \
             topologyKey: {}, maxSkew: 1 and whenUnsatisfiable: DoNotSchedule.",
            g.replicas,
            if soft {
                " (only a soft preference, which the scheduler may ignore)"
            } else {
                ""
            },
            t.zone_label
        );
        let severity = if manifests_only {
            Severity::Info
        } else {
            Severity::Warning
        };
        out.push(ctx.on_workload(t.groups[g.id.index()].workload, CHECK.id, severity, message));
    }
    out
}
