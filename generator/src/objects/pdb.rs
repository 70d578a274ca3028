//! PodDisruptionBudgets of the StatefulSets, with the disruption controller's arithmetic in
//! their status.

use super::match_labels;
use crate::emit::Em;
use crate::plan::{Budget, Plan};
use crate::rng::{T_PDB, Uuid, rng_for, rv};
use crate::time::{SNAPSHOT, ts};

pub(crate) fn write_pdb(plan: &Plan, e: &mut Em, wi: usize) {
    let w = &plan.wls[wi];
    let Some(budget) = w.budget else { return };
    let expected = w.replicas;
    let desired = match budget {
        Budget::MinAvailable(m) => m,
        Budget::MaxUnavailable(u) => expected.saturating_sub(u),
    };
    let allowed = w.ready.saturating_sub(desired);
    let mut r = rng_for(plan.seed, T_PDB, wi as u64);
    e.obj();
    e.ks("apiVersion", "policy/v1");
    e.ks("kind", "PodDisruptionBudget");
    e.ko("metadata");
    e.ks("creationTimestamp", ts(w.created).as_str());
    e.ki("generation", 1);
    e.kks("labels", "app", &w.name);
    e.ks("name", &format!("{}-pdb", w.name));
    e.ks("namespace", plan.ns(w));
    e.ks("resourceVersion", &rv(plan.seed, T_PDB, wi as u64));
    e.ks("uid", Uuid::new(plan.seed, T_PDB, wi as u64).as_str());
    e.end();
    e.ko("spec");
    match budget {
        Budget::MaxUnavailable(u) => e.ki("maxUnavailable", i64::from(u)),
        Budget::MinAvailable(m) => e.ki("minAvailable", i64::from(m)),
    }
    match_labels(e, "selector", w, false);
    e.end();
    e.ko("status");
    e.kseq("conditions");
    e.obj();
    e.ks(
        "lastTransitionTime",
        ts(SNAPSHOT - r.range(600, (SNAPSHOT - w.created).max(1_200))).as_str(),
    );
    e.ks("message", "");
    e.ki("observedGeneration", 1);
    e.ks(
        "reason",
        if allowed > 0 {
            "SufficientPods"
        } else {
            "InsufficientPods"
        },
    );
    e.ks("status", if allowed > 0 { "True" } else { "False" });
    e.ks("type", "DisruptionAllowed");
    e.end();
    e.end();
    e.ki("currentHealthy", i64::from(w.ready));
    e.ki("desiredHealthy", i64::from(desired));
    e.ki("disruptionsAllowed", i64::from(allowed));
    e.ki("expectedPods", i64::from(expected));
    e.ki("observedGeneration", 1);
    e.end();
    e.end();
}
