//! Drawing the plan: nodes, workloads and their pods, in one random stream per cluster
//! (`T_PLAN`) so that the same parameters always give the same plan.

use std::collections::HashMap;
use std::io;

use super::{Budget, Health, NodePlan, Plan, PodPlan, Spread, Workload, place};
use crate::GenerateParams;
use crate::consts::{
    DEPLOY_ROLES, HOT_NODES, INSTANCE_TYPES, MAX_PODS, NAMESPACES, STS_PERCENT, STS_ROLES, TEAMS,
};
use crate::rng::{Rng, T_NODE, T_PLAN, hex, rng_for, safe_suffix};
use crate::time::{DAY, SNAPSHOT};

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, msg)
}

fn zone_name(z: usize) -> String {
    if z < 26 {
        format!("zone-{}", (b'a' + z as u8) as char)
    } else {
        format!("zone-{}", z + 1)
    }
}

fn pick<T: Copy>(r: &mut Rng, xs: &[T]) -> T {
    xs[r.index(xs.len())]
}

impl Plan {
    /// Draws and places the cluster `p` describes. Fails with `InvalidInput` when the pods
    /// cannot be placed on the nodes.
    pub(crate) fn build(p: &GenerateParams) -> io::Result<Plan> {
        let seed = p.seed;
        let mut rng = rng_for(seed, T_PLAN, 0);
        // Zones beyond the node count would stay empty.
        let zone_count = p.zones.clamp(1, p.nodes.max(1));
        let n = p.nodes;
        let mut nodes = new_nodes(seed, n, zone_count);
        let workers: Vec<u32> = (0..n as u32)
            .filter(|&i| !nodes[i as usize].tainted)
            .collect();
        if p.pods > 0 && workers.is_empty() {
            return Err(invalid(format!(
                "cannot place {} pods: no schedulable node",
                p.pods
            )));
        }
        break_some(&mut nodes, &workers, &mut rng);
        let (mut wls, mut pods) = new_workloads(&mut rng, p.pods);
        place::place_all(&mut nodes, &workers, &wls, &mut pods, &mut rng, zone_count).ok_or_else(
            || {
                invalid(format!(
                    "cannot place {} pods on {} schedulable nodes ({MAX_PODS} pods, 16 CPU and 64Gi each)",
                    p.pods,
                    workers.len()
                ))
            },
        )?;

        // Readiness follows the nodes; the leader is the replica on the lowest node index.
        for w in &mut wls {
            w.ready = w
                .pods()
                .filter(|&i| nodes[pods[i].node as usize].health == Health::Ready)
                .count() as u32;
            w.holder = w
                .pods()
                .min_by_key(|&i| (pods[i].node, i))
                .unwrap_or(w.first_pod as usize) as u32;
        }

        Ok(Plan {
            seed,
            lean: p.shape == crate::Shape::Lean,
            zones: (0..zone_count).map(zone_name).collect(),
            node_names: (0..n).map(|i| format!("node-{i:05}")).collect(),
            nodes,
            namespaces: (0..NAMESPACES).map(|i| format!("ns-{i:03}")).collect(),
            wls,
            pods,
        })
    }
}

/// `n` empty nodes, round-robin over the zones; the first three are the control plane.
fn new_nodes(seed: u64, n: usize, zone_count: usize) -> Vec<NodePlan> {
    // Small clusters run their workloads on the control plane too.
    let taint_control_plane = n >= 6;
    (0..n)
        .map(|i| {
            let mut r = rng_for(seed, T_NODE, i as u64);
            NodePlan {
                zone: (i % zone_count) as u32,
                control_plane: i < 3,
                tainted: taint_control_plane && i < 3,
                health: Health::Ready,
                cordoned: false,
                instance: r.index(INSTANCE_TYPES.len()) as u8,
                pods: 0,
                cpu_m: 0,
                mem_mi: 0,
                created: SNAPSHOT - r.range(200 * DAY, 400 * DAY),
            }
        })
        .collect()
}

/// A few broken and cordoned workers, away from the hot nodes.
fn break_some(nodes: &mut [NodePlan], workers: &[u32], rng: &mut Rng) {
    let n = nodes.len();
    let mut pool: Vec<u32> = workers
        .iter()
        .copied()
        .filter(|&i| i as usize >= HOT_NODES)
        .collect();
    if pool.len() < 50 {
        return;
    }
    let not_ready = ((n * 2 + 500) / 1000).max(1);
    let cordoned = ((n * 5 + 500) / 1000).max(1);
    for k in 0..(not_ready + cordoned).min(pool.len()) {
        let j = k + rng.index(pool.len() - k);
        pool.swap(k, j);
        let node = &mut nodes[pool[k] as usize];
        if k < not_ready {
            node.health = if k % 2 == 0 {
                Health::NotReady
            } else {
                Health::Unreachable
            };
        } else {
            node.cordoned = true;
        }
    }
}

/// Workloads: StatefulSets up to ~35% of the pods, Deployments for the rest.
fn new_workloads(rng: &mut Rng, pod_count: usize) -> (Vec<Workload>, Vec<PodPlan>) {
    let mut wls = Vec::new();
    let mut pods: Vec<PodPlan> = Vec::with_capacity(pod_count);
    let mut names: HashMap<(u16, bool, u8, u8), u32> = HashMap::new();
    let sts_target = pod_count * STS_PERCENT / 100;
    while sts_target - pods.len() >= 3 {
        let replicas = if sts_target - pods.len() >= 5 && rng.per_mille(350) {
            5
        } else {
            3
        };
        let w = new_workload(rng, &mut names, true, replicas, pods.len() as u32);
        add_pods(rng, &mut pods, &w, wls.len() as u32);
        wls.push(w);
    }
    while pods.len() < pod_count {
        let replicas = (rng.range(2, 10) as usize).min(pod_count - pods.len()) as u32;
        let w = new_workload(rng, &mut names, false, replicas, pods.len() as u32);
        add_pods(rng, &mut pods, &w, wls.len() as u32);
        wls.push(w);
    }
    (wls, pods)
}

fn new_workload(
    rng: &mut Rng,
    names: &mut HashMap<(u16, bool, u8, u8), u32>,
    sts: bool,
    replicas: u32,
    first_pod: u32,
) -> Workload {
    let ns = rng.index(NAMESPACES) as u16;
    let role = rng.index(if sts {
        STS_ROLES.len()
    } else {
        DEPLOY_ROLES.len()
    });
    let team = rng.index(TEAMS.len());
    let role_name = if sts {
        STS_ROLES[role].name
    } else {
        DEPLOY_ROLES[role]
    };
    let seen = names.entry((ns, sts, role as u8, team as u8)).or_insert(0);
    *seen += 1;
    let name = if *seen == 1 {
        format!("{role_name}-{}", TEAMS[team])
    } else {
        format!("{role_name}-{}-{}", TEAMS[team], *seen)
    };
    let hash = hex(rng, 10);
    let image = if sts {
        STS_ROLES[role].image.to_string()
    } else {
        format!(
            "registry.example.com/{}/{role_name}:1.{}.{}",
            TEAMS[team],
            rng.below(30),
            rng.below(10)
        )
    };
    let mut w = Workload {
        sts,
        ns,
        role: role as u8,
        name,
        hash,
        image,
        replicas,
        first_pod,
        gp2: false,
        spread: Spread::Free,
        skewed: false,
        parallel: false,
        budget: None,
        lease: false,
        holder: first_pod,
        holder_with_uuid: rng.per_mille(500),
        cpu_m: 0,
        mem_mi: 0,
        cpu_limit_m: 0,
        mem_limit_mi: 0,
        created: SNAPSHOT - rng.range(DAY / 2, 150 * DAY),
        ready: 0,
    };
    if sts {
        let s = rng.below(100);
        w.spread = if s < 60 {
            Spread::Zone
        } else if s < 80 {
            Spread::HostAntiAffinity
        } else {
            Spread::Free
        };
        // 25% of the 40% without a zone constraint: ~10% of all StatefulSets.
        w.skewed = w.spread != Spread::Zone && rng.per_mille(250);
        w.gp2 = rng.per_mille(100);
        w.parallel = rng.per_mille(200);
        let b = rng.below(100);
        w.budget = if b < 65 {
            Some(if rng.per_mille(500) {
                Budget::MinAvailable(replicas / 2 + 1)
            } else {
                Budget::MaxUnavailable(1)
            })
        } else if b < 70 {
            Some(Budget::MaxUnavailable(0))
        } else {
            None
        };
        w.lease = true;
        w.cpu_m = pick(rng, &[100, 150, 200]);
        w.mem_mi = pick(rng, &[256, 384, 512]);
    } else {
        w.lease = rng.per_mille(100);
        w.cpu_m = pick(rng, &[50, 100, 100, 150, 200]);
        w.mem_mi = pick(rng, &[64, 128, 128, 256, 512]);
    }
    if rng.per_mille(200) {
        (w.cpu_limit_m, w.mem_limit_mi) = (w.cpu_m, w.mem_mi);
    } else {
        (w.cpu_limit_m, w.mem_limit_mi) = (w.cpu_m * 4, w.mem_mi * 2);
    }
    w
}

fn add_pods(rng: &mut Rng, pods: &mut Vec<PodPlan>, w: &Workload, wl: u32) {
    let start = pods.len();
    for ordinal in 0..w.replicas {
        let mut suffix = safe_suffix(rng);
        while !w.sts && pods[start..].iter().any(|p| p.suffix == suffix) {
            suffix = safe_suffix(rng);
        }
        pods.push(PodPlan {
            wl,
            ordinal: ordinal as u16,
            slot: 0,
            node: 0,
            suffix,
        });
    }
}
