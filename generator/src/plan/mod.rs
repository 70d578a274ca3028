//! The plan: where everything is, decided before anything is written.
//!
//! [`Plan::build`] (in `build.rs`) draws the nodes, the workloads and their pods, and places
//! every pod on a node (`place.rs`); the plan keeps a few dozen bytes per pod. The writers in
//! `objects/` read it and derive each object's remaining fields from the object's own random
//! stream.

use std::ops::Range;

use crate::consts::{DEPLOY_ROLES, STS_ROLES};
use crate::rng::{T_NODE_DOWN, T_POD_TIME, ascii, rng_for};
use crate::time::SNAPSHOT;

mod build;
mod place;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Spread {
    Free,
    Zone,
    HostAntiAffinity,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Budget {
    MinAvailable(u32),
    MaxUnavailable(u32),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Health {
    Ready,
    /// The kubelet reports Ready=False.
    NotReady,
    /// The kubelet stopped reporting: Ready=Unknown.
    Unreachable,
}

pub(crate) struct NodePlan {
    pub(crate) zone: u32,
    pub(crate) control_plane: bool,
    pub(crate) tainted: bool,
    pub(crate) health: Health,
    pub(crate) cordoned: bool,
    pub(crate) instance: u8,
    pub(crate) pods: u32,
    pub(crate) cpu_m: u32,
    pub(crate) mem_mi: u32,
    pub(crate) created: i64,
}

pub(crate) struct Workload {
    pub(crate) sts: bool,
    pub(crate) ns: u16,
    pub(crate) role: u8,
    pub(crate) name: String,
    /// pod-template-hash (Deployment) or controller-revision hash suffix (StatefulSet).
    pub(crate) hash: String,
    pub(crate) image: String,
    pub(crate) replicas: u32,
    pub(crate) first_pod: u32,
    pub(crate) gp2: bool,
    pub(crate) spread: Spread,
    pub(crate) skewed: bool,
    pub(crate) parallel: bool,
    pub(crate) budget: Option<Budget>,
    pub(crate) lease: bool,
    pub(crate) holder: u32,
    pub(crate) holder_with_uuid: bool,
    pub(crate) cpu_m: u32,
    pub(crate) mem_mi: u32,
    pub(crate) cpu_limit_m: u32,
    pub(crate) mem_limit_mi: u32,
    pub(crate) created: i64,
    pub(crate) ready: u32,
}

impl Workload {
    pub(crate) fn pods(&self) -> Range<usize> {
        self.first_pod as usize..(self.first_pod + self.replicas) as usize
    }

    pub(crate) fn rs_name(&self) -> String {
        format!("{}-{}", self.name, self.hash)
    }

    pub(crate) fn service(&self) -> String {
        format!("{}-headless", self.name)
    }

    pub(crate) fn guaranteed(&self) -> bool {
        self.cpu_m == self.cpu_limit_m && self.mem_mi == self.mem_limit_mi
    }

    pub(crate) fn port(&self) -> (i64, &'static str) {
        if self.sts {
            let r = &STS_ROLES[self.role as usize];
            (r.port, r.port_name)
        } else {
            (8080, "http")
        }
    }

    pub(crate) fn container_name(&self) -> &'static str {
        if self.sts {
            STS_ROLES[self.role as usize].name
        } else {
            DEPLOY_ROLES[self.role as usize]
        }
    }

    pub(crate) fn storage_class(&self) -> &'static str {
        if self.gp2 { "gp2" } else { "gp3" }
    }
}

pub(crate) struct PodPlan {
    pub(crate) wl: u32,
    pub(crate) ordinal: u16,
    /// Position on the node, for the pod IP.
    pub(crate) slot: u16,
    pub(crate) node: u32,
    pub(crate) suffix: [u8; 5],
}

pub(crate) struct Plan {
    pub(crate) seed: u64,
    /// [`Shape::Lean`](crate::Shape::Lean): no environment, probes, token volume or pod
    /// annotations.
    pub(crate) lean: bool,
    pub(crate) zones: Vec<String>,
    pub(crate) node_names: Vec<String>,
    pub(crate) nodes: Vec<NodePlan>,
    pub(crate) namespaces: Vec<String>,
    pub(crate) wls: Vec<Workload>,
    pub(crate) pods: Vec<PodPlan>,
}

impl Plan {
    pub(crate) fn wl_of(&self, p: usize) -> &Workload {
        &self.wls[self.pods[p].wl as usize]
    }

    pub(crate) fn ns(&self, w: &Workload) -> &str {
        &self.namespaces[w.ns as usize]
    }

    pub(crate) fn pod_ns(&self, p: usize) -> u16 {
        self.wl_of(p).ns
    }

    pub(crate) fn pod_name(&self, p: usize) -> String {
        let pod = &self.pods[p];
        let w = &self.wls[pod.wl as usize];
        if w.sts {
            format!("{}-{}", w.name, pod.ordinal)
        } else {
            format!("{}-{}-{}", w.name, w.hash, ascii(&pod.suffix))
        }
    }

    pub(crate) fn zone_of(&self, node: u32) -> &str {
        &self.zones[self.nodes[node as usize].zone as usize]
    }

    /// Indices sorted by (namespace, name), as the API server lists namespaced objects.
    pub(crate) fn sorted(
        &self,
        range: Range<usize>,
        name: impl Fn(usize) -> String,
        ns: impl Fn(usize) -> u16,
    ) -> Vec<u32> {
        let mut v: Vec<u32> = range.map(|i| i as u32).collect();
        v.sort_by_cached_key(|&i| (ns(i as usize), name(i as usize)));
        v
    }

    pub(crate) fn sorted_wls(
        &self,
        keep: impl Fn(&Workload) -> bool,
        name: impl Fn(&Workload) -> String,
    ) -> Vec<u32> {
        let mut v: Vec<u32> = (0..self.wls.len() as u32)
            .filter(|&i| keep(&self.wls[i as usize]))
            .collect();
        v.sort_by_cached_key(|&i| {
            let w = &self.wls[i as usize];
            (w.ns, name(w))
        });
        v
    }

    /// When the pod was created: shortly after its workload, or recently for the ~15% that were
    /// recreated since (rollouts, evictions).
    pub(crate) fn pod_created(&self, p: usize) -> i64 {
        let pod = &self.pods[p];
        let w = &self.wls[pod.wl as usize];
        let mut r = rng_for(self.seed, T_POD_TIME, p as u64);
        let step = if w.sts { 25 } else { 0 };
        let base = w.created + 2 + i64::from(pod.ordinal) * step + r.range(0, 4);
        if r.per_mille(150) {
            let age = (SNAPSHOT - base).max(1_200);
            SNAPSHOT - r.range(600, age)
        } else {
            base
        }
    }

    pub(crate) fn pvc_created(&self, p: usize) -> i64 {
        let pod = &self.pods[p];
        let w = &self.wls[pod.wl as usize];
        w.created + 1 + i64::from(pod.ordinal) * 25
    }

    pub(crate) fn node_down_at(&self, i: usize) -> i64 {
        SNAPSHOT - rng_for(self.seed, T_NODE_DOWN, i as u64).range(900, 7200)
    }
}
