//! Placing the pods on the nodes, within 110 pods, 16 CPU and 64Gi per node: StatefulSet
//! replicas spread over the zones (or skewed on purpose), leaders concentrated on the first
//! nodes ("hot" nodes) where there is room.

use super::{NodePlan, PodPlan, Workload};
use crate::consts::{HOT_LEADERS_PER_MILLE, HOT_NODES, MAX_PODS, NODE_CPU_M, NODE_MEM_MI};
use crate::rng::Rng;

/// Places every workload's pods, in a shuffled order so that both kinds compete for the hot
/// nodes. `None` when a pod fits nowhere.
pub(super) fn place_all(
    nodes: &mut [NodePlan],
    workers: &[u32],
    wls: &[Workload],
    pods: &mut [PodPlan],
    rng: &mut Rng,
    zone_count: usize,
) -> Option<()> {
    let n = nodes.len();
    let hot: Vec<u32> = if n > HOT_NODES {
        workers
            .iter()
            .copied()
            .filter(|&i| (i as usize) < HOT_NODES)
            .collect()
    } else {
        Vec::new()
    };
    let general: Vec<u32> = workers
        .iter()
        .copied()
        .filter(|&i| n <= HOT_NODES || i as usize >= HOT_NODES)
        .collect();
    let by_zone = |list: &[u32]| {
        let mut v = vec![Vec::new(); zone_count];
        for &i in list {
            v[nodes[i as usize].zone as usize].push(i);
        }
        v
    };
    let (hot_zone, general_zone) = (by_zone(&hot), by_zone(&general));
    let mut placer = Placer {
        nodes,
        general,
        general_zone,
        hot,
        hot_zone,
    };
    let mut order: Vec<u32> = (0..wls.len() as u32).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.index(i + 1));
    }
    for &wi in &order {
        placer.place(&wls[wi as usize], pods, rng, zone_count)?;
    }
    Some(())
}

struct Placer<'a> {
    nodes: &'a mut [NodePlan],
    general: Vec<u32>,
    general_zone: Vec<Vec<u32>>,
    hot: Vec<u32>,
    hot_zone: Vec<Vec<u32>>,
}

impl Placer<'_> {
    fn fits(&self, n: u32, w: &Workload) -> bool {
        let x = &self.nodes[n as usize];
        x.pods < MAX_PODS && x.cpu_m + w.cpu_m <= NODE_CPU_M && x.mem_mi + w.mem_mi <= NODE_MEM_MI
    }

    fn pick(&self, list: &[u32], rng: &mut Rng, w: &Workload, avoid: &[u32]) -> Option<u32> {
        if list.is_empty() {
            return None;
        }
        let ok = |n: u32| !avoid.contains(&n) && self.fits(n, w);
        for _ in 0..24 {
            let n = list[rng.index(list.len())];
            if ok(n) {
                return Some(n);
            }
        }
        let start = rng.index(list.len());
        (0..list.len())
            .map(|k| list[(start + k) % list.len()])
            .find(|&n| ok(n))
    }

    fn take(&mut self, n: u32, w: &Workload) -> u16 {
        let x = &mut self.nodes[n as usize];
        let slot = x.pods as u16;
        x.pods += 1;
        x.cpu_m += w.cpu_m;
        x.mem_mi += w.mem_mi;
        slot
    }

    fn choose(
        &self,
        zone: Option<usize>,
        rng: &mut Rng,
        w: &Workload,
        avoid: &[u32],
    ) -> Option<u32> {
        let general_zone = zone.map_or(&self.general[..], |z| &self.general_zone[z][..]);
        let hot_zone = zone.map_or(&self.hot[..], |z| &self.hot_zone[z][..]);
        for list in [general_zone, &self.general[..], hot_zone, &self.hot[..]] {
            if let Some(n) = self.pick(list, rng, w, avoid) {
                return Some(n);
            }
        }
        // Last resort: share a node with another replica.
        for list in [&self.general[..], &self.hot[..]] {
            if let Some(n) = self.pick(list, rng, w, &[]) {
                return Some(n);
            }
        }
        None
    }

    fn place(
        &mut self,
        w: &Workload,
        pods: &mut [PodPlan],
        rng: &mut Rng,
        zones: usize,
    ) -> Option<()> {
        let r = w.replicas as usize;
        // The zone each StatefulSet replica should land in; Deployments go anywhere.
        let mut want: Vec<Option<usize>> = vec![None; r];
        if w.sts {
            let start = rng.index(zones);
            let major = if w.skewed && zones > 1 {
                r / 2 + 1 + usize::from(r >= 5 && rng.per_mille(500))
            } else {
                0
            };
            for (i, z) in want.iter_mut().enumerate() {
                *z = Some(if i < major {
                    start
                } else if major > 0 {
                    (start + 1 + i - major) % zones
                } else {
                    (start + i) % zones
                });
            }
        }
        let mut chosen = vec![u32::MAX; r];
        let mut slots = vec![0u16; r];
        if w.lease && !self.hot.is_empty() && rng.per_mille(HOT_LEADERS_PER_MILLE) {
            for i in 0..r {
                let list = want[i].map_or(&self.hot[..], |z| &self.hot_zone[z][..]);
                if let Some(n) = self.pick(list, rng, w, &[]) {
                    chosen[i] = n;
                    slots[i] = self.take(n, w);
                    break;
                }
            }
        }
        for i in 0..r {
            if chosen[i] != u32::MAX {
                continue;
            }
            let n = self.choose(want[i], rng, w, &chosen)?;
            chosen[i] = n;
            slots[i] = self.take(n, w);
        }
        for (i, pod) in pods[w.pods()].iter_mut().enumerate() {
            pod.node = chosen[i];
            pod.slot = slots[i];
        }
        Some(())
    }
}
