//! Deterministic synthetic clusters at Kubernetes' published limits, for benchmarks.
//!
//! [`generate`] writes one `kind: List` document shaped like the output of
//! `kubectl get nodes,pods,pvc,pv,sc,leases,sts,deploy,rs,pdb -A -o json` (or `-o yaml`):
//! every node, then the pods, PVCs, PVs, StorageClasses, Leases, StatefulSets, Deployments,
//! ReplicaSets and PodDisruptionBudgets, each kind sorted by namespace and name as the API
//! server lists them. JSON is indented by four spaces with one key per line; YAML follows
//! `kubectl -o yaml` (items at column 0, sequences not indented under their key, strings
//! quoted only when they need it, long strings folded at 80 columns). Keys come in the
//! order kubectl prints them.
//!
//! The cluster:
//! - `nodes` nodes `node-00000`, ... spread round-robin over `zones` zones (`zone-a`, ...) in
//!   `region-1`, each with 16 CPU, 64Gi and room for 110 pods. The first three are control-plane
//!   nodes (tainted `NoSchedule` once the cluster has at least six nodes); about 0.2% of the
//!   workers are NotReady and 0.5% cordoned.
//! - About 35% of the pods belong to StatefulSets of 3 or 5 replicas, each replica with a PVC
//!   `data-<pod>` bound to a zonal EBS PV (`gp3`, WaitForFirstConsumer; about 10% use `gp2`,
//!   Immediate). 60% of the StatefulSets have a zone spread constraint, 20% required host
//!   anti-affinity; about 10% are skewed (a majority of replicas in one zone). About 70% have a
//!   PodDisruptionBudget (of which a few have `maxUnavailable: 0`).
//! - The other pods belong to Deployments of 2 to 10 replicas, through one ReplicaSet each.
//! - One Lease per node in `kube-node-lease`, the two control-plane leader Leases in
//!   `kube-system`, one leader Lease per StatefulSet and one per ten Deployments or so, held by
//!   one of the workload's pods (`<pod>` or `<pod>_<uuid>`), renewed in the 10 s before the
//!   snapshot time 2026-11-20T10:00:00Z. Leaders are concentrated on purpose: up to 30% of
//!   them run on the first 20 nodes, as far as those nodes have room.
//! - Pods never exceed 110 per node, and their requests fit the node's allocatable.
//!
//! Two [`Shape`]s of the same cluster: `Rich` (the default) gives each container environment
//! variables and probes and each pod its projected service-account token volume, Deployments'
//! pods scrape annotations; `Lean` leaves those out (`automountServiceAccountToken: false`),
//! about 5 KB of JSON a pod instead of 7 KB. Only fields Quorum skips differ.
//!
//! Everything comes from [`GenerateParams::seed`] through a small splitmix64 generator, so the
//! same parameters always give the same bytes. Only a compact plan (a small record per node,
//! workload and pod) is kept in memory; the objects are written straight to the output.
//!
//! # Running it
//!
//! ```sh
//! quorum generate --pods 150000 -o generated/150000.json          # the `quorum` binary
//! quorum generate --pods 3000 --format yaml --seed 7 -o small.yaml
//! cargo run --release -p quorum-generate --example gen -- 150000 json /tmp/150000.json
//! ```
//!
//! From Rust:
//!
//! ```
//! use quorum_generate::{GenerateFormat, GenerateParams, generate};
//!
//! let mut out = Vec::new();
//! let stats = generate(&GenerateParams::for_pods(300), GenerateFormat::Json, &mut out)?;
//! assert_eq!((stats.nodes, stats.pods), (10, 300));
//! assert_eq!(stats.bytes, out.len() as u64);
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! # Modules
//!
//! - `plan`: the cluster decided up front (nodes, workloads, pods and their placement).
//! - `objects`: one writer per kind of object, reading the plan.
//! - `emit`: the streaming JSON/YAML writer; `yaml`: go-yaml's quoting rules.
//! - `rng`: the random streams and identifiers; `time`: timestamps; `consts`: fixed names,
//!   images and limits.
//!
//! The crate does not depend on `quorum-core`; the `quorum` binary and core's benchmarks use it.

mod consts;
mod emit;
mod objects;
mod plan;
mod rng;
#[cfg(test)]
mod tests;
mod time;
mod yaml;

use std::io::{self, Write};

use consts::{MAX_NODES, PODS_PER_NODE};
use emit::Em;
use objects::{
    write_control_plane_leases, write_deployment, write_leader_lease, write_node, write_node_lease,
    write_pdb, write_pod, write_pv, write_pvc, write_replicaset, write_statefulset,
    write_storage_class,
};
use plan::{Plan, Workload};
use rng::{T_PVC, Uuid};

/// Size and seed of a synthetic cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GenerateParams {
    /// Number of nodes (`node-00000`, ...); the first three are control-plane nodes.
    pub nodes: usize,
    /// Number of pods, about 35% in StatefulSets and the rest in Deployments.
    pub pods: usize,
    /// Number of zones (`zone-a`, `zone-b`, ...); nodes are assigned to them round-robin.
    pub zones: usize,
    /// Seed of the deterministic generator.
    pub seed: u64,
    /// How much each pod and template carries beside what Quorum reads.
    pub shape: Shape,
}

/// How much of what the API server prints, beyond what Quorum reads, the objects carry.
///
/// Both shapes describe the same cluster (same nodes, pods, placement, volumes, leases and
/// budgets) and give the same analysis; they differ only in fields the loader skips, so the
/// share of a file the loader must parse into its model differs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Shape {
    /// Each container with environment variables and probes, each pod with the projected
    /// service-account token volume and its mount, Deployments' pods with scrape annotations:
    /// about 14 KB of JSON a pod.
    #[default]
    Rich,
    /// What a cluster of plain workloads prints: no environment, no probes, no token volume
    /// (`automountServiceAccountToken: false`), no annotations on pods; every field Quorum
    /// reads is still there.
    Lean,
}

impl GenerateParams {
    /// A cluster for `pods` pods: `max(3, pods / 30)` nodes capped at 5,000 (Kubernetes'
    /// published limit), 3 zones and seed 42. `for_pods(150_000)` is the largest supported
    /// cluster: 5,000 nodes and 150,000 pods.
    pub fn for_pods(pods: usize) -> Self {
        GenerateParams {
            nodes: (pods / PODS_PER_NODE).clamp(3, MAX_NODES),
            pods,
            zones: 3,
            seed: 42,
            shape: Shape::Rich,
        }
    }
}

/// Output format of [`generate`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GenerateFormat {
    /// As `kubectl get -o json` prints it.
    Json,
    /// As `kubectl get -o yaml` prints it.
    Yaml,
}

/// What [`generate`] wrote.
#[derive(Debug, Default, Clone)]
pub struct GenerateStats {
    /// Nodes written.
    pub nodes: usize,
    /// Pods written.
    pub pods: usize,
    /// StatefulSets written.
    pub statefulsets: usize,
    /// Deployments written (each also has one ReplicaSet).
    pub deployments: usize,
    /// PersistentVolumeClaims written (each also has one PersistentVolume).
    pub pvcs: usize,
    /// Leases written: node heartbeats and leader elections.
    pub leases: usize,
    /// PodDisruptionBudgets written.
    pub pdbs: usize,
    /// Bytes written to the output.
    pub bytes: u64,
}

/// Writes a synthetic cluster described by `params` to `out` as one `kind: List` document.
///
/// The output is streamed through an internal buffer, so memory stays small (a plan of a few
/// dozen bytes per pod) whatever the size. Fails with `InvalidInput` when the pods cannot be
/// placed on the nodes (110 pods, 16 CPU and 64Gi per node), and with the writer's error when
/// writing fails.
pub fn generate(
    params: &GenerateParams,
    format: GenerateFormat,
    out: &mut dyn Write,
) -> io::Result<GenerateStats> {
    let plan = Plan::build(params)?;
    let mut stats = GenerateStats::default();
    let mut e = Em::new(out, format == GenerateFormat::Yaml);
    e.obj();
    e.ks("apiVersion", "v1");
    e.kseq("items");

    for i in 0..plan.nodes.len() {
        write_node(&plan, &mut e, i);
        e.maybe_flush()?;
    }
    stats.nodes = plan.nodes.len();

    let pod_order = plan.sorted(0..plan.pods.len(), |p| plan.pod_name(p), |p| plan.pod_ns(p));
    for &p in &pod_order {
        write_pod(&plan, &mut e, p as usize);
        e.maybe_flush()?;
    }
    stats.pods = pod_order.len();

    // `data-<pod>` sorts like `<pod>`, so the claims follow the pod order.
    for &p in &pod_order {
        if plan.wl_of(p as usize).sts {
            write_pvc(&plan, &mut e, p as usize);
            stats.pvcs += 1;
            e.maybe_flush()?;
        }
    }
    drop(pod_order);

    let mut pv_order: Vec<(Uuid, u32)> = (0..plan.pods.len())
        .filter(|&p| plan.wl_of(p).sts)
        .map(|p| (Uuid::new(plan.seed, T_PVC, p as u64), p as u32))
        .collect();
    pv_order.sort_unstable();
    for &(_, p) in &pv_order {
        write_pv(&plan, &mut e, p as usize);
        e.maybe_flush()?;
    }
    drop(pv_order);

    write_storage_class(&plan, &mut e, "gp2");
    write_storage_class(&plan, &mut e, "gp3");

    for i in 0..plan.nodes.len() {
        write_node_lease(&plan, &mut e, i);
        stats.leases += 1;
        e.maybe_flush()?;
    }
    stats.leases += write_control_plane_leases(&plan, &mut e);
    let leased = plan.sorted_wls(|w| w.lease, |w| format!("{}-leader", w.name));
    for &wi in &leased {
        write_leader_lease(&plan, &mut e, wi as usize);
        stats.leases += 1;
        e.maybe_flush()?;
    }

    for &wi in &plan.sorted_wls(|w| w.sts, |w| w.name.clone()) {
        write_statefulset(&plan, &mut e, wi as usize);
        stats.statefulsets += 1;
        e.maybe_flush()?;
    }
    for &wi in &plan.sorted_wls(|w| !w.sts, |w| w.name.clone()) {
        write_deployment(&plan, &mut e, wi as usize);
        stats.deployments += 1;
        e.maybe_flush()?;
    }
    for &wi in &plan.sorted_wls(|w| !w.sts, Workload::rs_name) {
        write_replicaset(&plan, &mut e, wi as usize);
        e.maybe_flush()?;
    }
    for &wi in &plan.sorted_wls(|w| w.budget.is_some(), |w| format!("{}-pdb", w.name)) {
        write_pdb(&plan, &mut e, wi as usize);
        stats.pdbs += 1;
        e.maybe_flush()?;
    }

    e.end();
    e.ks("kind", "List");
    e.ko("metadata");
    e.ks("resourceVersion", "");
    e.end();
    e.end();
    stats.bytes = e.finish()?;
    Ok(stats)
}
