//! Leases: one heartbeat per node in `kube-node-lease`, the control plane's two leader leases in
//! `kube-system`, and a leader lease per StatefulSet and per tenth Deployment or so, held by one
//! of the workload's pods.

use super::owner_ref;
use crate::emit::Em;
use crate::plan::{Health, Plan};
use crate::rng::{T_CP_LEASE, T_HOLDER, T_LEASE, T_NODE, T_NODE_LEASE, Uuid, rng_for, rv};
use crate::time::{DAY, SNAPSHOT, ts, ts_micros};

pub(crate) fn write_node_lease(plan: &Plan, e: &mut Em, i: usize) {
    let nd = &plan.nodes[i];
    let name = &plan.node_names[i];
    let mut r = rng_for(plan.seed, T_NODE_LEASE, i as u64);
    let renew = if nd.health == Health::Unreachable {
        plan.node_down_at(i) * 1_000_000 + r.range(0, 999_999)
    } else {
        SNAPSHOT * 1_000_000 - r.range(0, 9_999_999)
    };
    e.obj();
    e.ks("apiVersion", "coordination.k8s.io/v1");
    e.ks("kind", "Lease");
    e.ko("metadata");
    e.ks("creationTimestamp", ts(nd.created + 1).as_str());
    e.ks("name", name);
    e.ks("namespace", "kube-node-lease");
    e.kseq("ownerReferences");
    owner_ref(
        e,
        "v1",
        "Node",
        name,
        Uuid::new(plan.seed, T_NODE, i as u64).as_str(),
        false,
    );
    e.end();
    e.ks("resourceVersion", &rv(plan.seed, T_NODE_LEASE, i as u64));
    e.ks(
        "uid",
        Uuid::new(plan.seed, T_NODE_LEASE, i as u64 | 1 << 32).as_str(),
    );
    e.end();
    e.ko("spec");
    e.ks("holderIdentity", name);
    e.ki("leaseDurationSeconds", 40);
    e.ks("renewTime", ts_micros(renew).as_str());
    e.end();
    e.end();
}

#[allow(clippy::too_many_arguments)]
fn lease(
    e: &mut Em,
    seed: u64,
    tag: u64,
    idx: u64,
    name: &str,
    ns: &str,
    created: i64,
    holder: &str,
    acquired_us: i64,
) {
    let mut r = rng_for(seed, tag, idx);
    e.obj();
    e.ks("apiVersion", "coordination.k8s.io/v1");
    e.ks("kind", "Lease");
    e.ko("metadata");
    e.ks("creationTimestamp", ts(created).as_str());
    e.ks("name", name);
    e.ks("namespace", ns);
    e.ks("resourceVersion", &rv(seed, tag, idx));
    e.ks("uid", Uuid::new(seed, tag, idx).as_str());
    e.end();
    e.ko("spec");
    e.ks("acquireTime", ts_micros(acquired_us).as_str());
    e.ks("holderIdentity", holder);
    e.ki("leaseDurationSeconds", 15);
    e.ki("leaseTransitions", r.range(0, 6));
    e.ks(
        "renewTime",
        ts_micros(SNAPSHOT * 1_000_000 - r.range(0, 9_999_999)).as_str(),
    );
    e.end();
    e.end();
}

/// `kube-system/kube-controller-manager` and `kube-scheduler`, held by control-plane nodes.
pub(crate) fn write_control_plane_leases(plan: &Plan, e: &mut Em) -> usize {
    let cps: Vec<usize> = (0..plan.nodes.len())
        .filter(|&i| plan.nodes[i].control_plane)
        .collect();
    if cps.is_empty() {
        return 0;
    }
    for (k, name) in ["kube-controller-manager", "kube-scheduler"]
        .into_iter()
        .enumerate()
    {
        let mut r = rng_for(plan.seed, T_CP_LEASE, k as u64 | 1 << 32);
        let node = cps[r.index(cps.len())];
        let holder = format!(
            "{}_{}",
            plan.node_names[node],
            Uuid::new(plan.seed, T_CP_LEASE, k as u64 | 1 << 33).as_str()
        );
        let created = plan.nodes[cps[0]].created + 60;
        let acquired = SNAPSHOT * 1_000_000 - r.range(DAY * 1_000_000, 30 * DAY * 1_000_000);
        lease(
            e,
            plan.seed,
            T_CP_LEASE,
            k as u64,
            name,
            "kube-system",
            created,
            &holder,
            acquired,
        );
    }
    2
}

pub(crate) fn write_leader_lease(plan: &Plan, e: &mut Em, wi: usize) {
    let w = &plan.wls[wi];
    let holder = w.holder as usize;
    let pod_name = plan.pod_name(holder);
    let identity = if w.holder_with_uuid {
        format!(
            "{pod_name}_{}",
            Uuid::new(plan.seed, T_HOLDER, wi as u64).as_str()
        )
    } else {
        pod_name
    };
    let mut r = rng_for(plan.seed, T_HOLDER, wi as u64);
    let acquired = (plan.pod_created(holder) + r.range(5, 60)).min(SNAPSHOT - 15);
    let created = (w.created + 5).min(acquired);
    let acquired_us = acquired * 1_000_000 + r.range(0, 999_999);
    let name = format!("{}-leader", w.name);
    lease(
        e,
        plan.seed,
        T_LEASE,
        wi as u64,
        &name,
        plan.ns(w),
        created,
        &identity,
        acquired_us,
    );
}
