//! Workloads: StatefulSets, Deployments and the one ReplicaSet of each Deployment, with their
//! pod templates and a status that counts the ready replicas.

use super::pod_spec::write_template;
use super::storage::claim_spec;
use super::{match_labels, owner_ref};
use crate::emit::Em;
use crate::plan::{Plan, Workload};
use crate::rng::{T_DEPLOY, T_RS, T_STS, Uuid, rng_for, rv};
use crate::time::{SNAPSHOT, ts};

fn workload_meta(
    plan: &Plan,
    e: &mut Em,
    w: &Workload,
    tag: u64,
    wi: usize,
    with_hash: bool,
    annotations: &[(&str, &str)],
) {
    e.ko("metadata");
    if !annotations.is_empty() {
        e.ko("annotations");
        for (k, v) in annotations {
            e.ks(k, v);
        }
        e.end();
    }
    e.ks(
        "creationTimestamp",
        ts(w.created + i64::from(with_hash)).as_str(),
    );
    e.ki("generation", 1);
    e.ko("labels");
    e.ks("app", &w.name);
    if with_hash {
        e.ks("pod-template-hash", &w.hash);
    }
    e.end();
    e.ks(
        "name",
        &if with_hash {
            w.rs_name()
        } else {
            w.name.clone()
        },
    );
    e.ks("namespace", plan.ns(w));
    if with_hash {
        e.kseq("ownerReferences");
        owner_ref(
            e,
            "apps/v1",
            "Deployment",
            &w.name,
            Uuid::new(plan.seed, T_DEPLOY, wi as u64).as_str(),
            true,
        );
        e.end();
    }
    e.ks("resourceVersion", &rv(plan.seed, tag, wi as u64));
    e.ks("uid", Uuid::new(plan.seed, tag, wi as u64).as_str());
    e.end();
}

pub(crate) fn write_statefulset(plan: &Plan, e: &mut Em, wi: usize) {
    let w = &plan.wls[wi];
    let revision = w.rs_name();
    e.obj();
    e.ks("apiVersion", "apps/v1");
    e.ks("kind", "StatefulSet");
    workload_meta(plan, e, w, T_STS, wi, false, &[]);
    e.ko("spec");
    e.ko("persistentVolumeClaimRetentionPolicy");
    e.ks("whenDeleted", "Retain");
    e.ks("whenScaled", "Retain");
    e.end();
    e.ks(
        "podManagementPolicy",
        if w.parallel {
            "Parallel"
        } else {
            "OrderedReady"
        },
    );
    e.ki("replicas", i64::from(w.replicas));
    e.ki("revisionHistoryLimit", 10);
    match_labels(e, "selector", w, false);
    e.ks("serviceName", &w.service());
    write_template(plan, e, wi, false);
    e.ko("updateStrategy");
    e.ko("rollingUpdate");
    e.ki("partition", 0);
    e.end();
    e.ks("type", "RollingUpdate");
    e.end();
    e.kseq("volumeClaimTemplates");
    e.obj();
    e.ks("apiVersion", "v1");
    e.ks("kind", "PersistentVolumeClaim");
    e.ko("metadata");
    e.knull("creationTimestamp");
    e.ks("name", "data");
    e.end();
    e.ko("spec");
    claim_spec(e, w);
    e.end();
    e.kks("status", "phase", "Pending");
    e.end();
    e.end();
    e.end();
    e.ko("status");
    if w.ready > 0 {
        e.ki("availableReplicas", i64::from(w.ready));
    }
    e.ki("collisionCount", 0);
    e.ki("currentReplicas", i64::from(w.replicas));
    e.ks("currentRevision", &revision);
    e.ki("observedGeneration", 1);
    if w.ready > 0 {
        e.ki("readyReplicas", i64::from(w.ready));
    }
    e.ki("replicas", i64::from(w.replicas));
    e.ks("updateRevision", &revision);
    e.ki("updatedReplicas", i64::from(w.replicas));
    e.end();
    e.end();
}

pub(crate) fn write_deployment(plan: &Plan, e: &mut Em, wi: usize) {
    let w = &plan.wls[wi];
    let replicas = i64::from(w.replicas);
    let max_unavailable = replicas / 4;
    let available = i64::from(w.ready) >= replicas - max_unavailable;
    let mut r = rng_for(plan.seed, T_DEPLOY, wi as u64);
    let last = SNAPSHOT - r.range(3_600, (SNAPSHOT - w.created).max(7_200));
    e.obj();
    e.ks("apiVersion", "apps/v1");
    e.ks("kind", "Deployment");
    workload_meta(
        plan,
        e,
        w,
        T_DEPLOY,
        wi,
        false,
        &[("deployment.kubernetes.io/revision", "1")],
    );
    e.ko("spec");
    e.ki("progressDeadlineSeconds", 600);
    e.ki("replicas", replicas);
    e.ki("revisionHistoryLimit", 10);
    match_labels(e, "selector", w, false);
    e.ko("strategy");
    e.ko("rollingUpdate");
    e.ks("maxSurge", "25%");
    e.ks("maxUnavailable", "25%");
    e.end();
    e.ks("type", "RollingUpdate");
    e.end();
    write_template(plan, e, wi, false);
    e.end();
    e.ko("status");
    if w.ready > 0 {
        e.ki("availableReplicas", i64::from(w.ready));
    }
    e.kseq("conditions");
    let progressed = format!(
        "ReplicaSet \"{}\" has successfully progressed.",
        w.rs_name()
    );
    for (at, message, reason, status, kind) in [
        if available {
            (
                last,
                "Deployment has minimum availability.",
                "MinimumReplicasAvailable",
                "True",
                "Available",
            )
        } else {
            (
                last,
                "Deployment does not have minimum availability.",
                "MinimumReplicasUnavailable",
                "False",
                "Available",
            )
        },
        (
            w.created + 40,
            progressed.as_str(),
            "NewReplicaSetAvailable",
            "True",
            "Progressing",
        ),
    ] {
        e.obj();
        e.ks("lastTransitionTime", ts(at).as_str());
        e.ks("lastUpdateTime", ts(at).as_str());
        e.ks("message", message);
        e.ks("reason", reason);
        e.ks("status", status);
        e.ks("type", kind);
        e.end();
    }
    e.end();
    e.ki("observedGeneration", 1);
    if w.ready > 0 {
        e.ki("readyReplicas", i64::from(w.ready));
    }
    e.ki("replicas", replicas);
    e.ki("updatedReplicas", replicas);
    e.end();
    e.end();
}

pub(crate) fn write_replicaset(plan: &Plan, e: &mut Em, wi: usize) {
    let w = &plan.wls[wi];
    let replicas = i64::from(w.replicas);
    let desired = replicas.to_string();
    let max = (replicas + (replicas + 3) / 4).to_string();
    e.obj();
    e.ks("apiVersion", "apps/v1");
    e.ks("kind", "ReplicaSet");
    workload_meta(
        plan,
        e,
        w,
        T_RS,
        wi,
        true,
        &[
            ("deployment.kubernetes.io/desired-replicas", &desired),
            ("deployment.kubernetes.io/max-replicas", &max),
            ("deployment.kubernetes.io/revision", "1"),
        ],
    );
    e.ko("spec");
    e.ki("replicas", replicas);
    match_labels(e, "selector", w, true);
    write_template(plan, e, wi, true);
    e.end();
    e.ko("status");
    if w.ready > 0 {
        e.ki("availableReplicas", i64::from(w.ready));
    }
    e.ki("fullyLabeledReplicas", replicas);
    e.ki("observedGeneration", 1);
    if w.ready > 0 {
        e.ki("readyReplicas", i64::from(w.ready));
    }
    e.ki("replicas", replicas);
    e.end();
    e.end();
}
