//! The survivability sweep: every single node, zone, region and cluster failure, and every
//! partition that cuts one zone or one cluster off from the rest. Each failure domain is evaluated
//! from per-group counts (no graph copy per scenario), so thousands of scenarios take
//! milliseconds.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analysis::quorum_size;
use crate::graph::*;

#[derive(Clone, Debug, Serialize)]
pub struct Scenario {
    pub event: String,
    pub groups_without_quorum: Vec<String>,
    pub leaderless: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub split_brain: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Sweep {
    pub version: u32,
    pub groups: usize,
    pub scenarios: Vec<Scenario>,
    /// What could not be judged (zone failures where nodes carry no zone label).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Sweep {
    /// Groups that survive every scenario of the sweep.
    pub fn survivors(&self, t: &Topology) -> Vec<String> {
        let mut lost: std::collections::BTreeSet<&str> = Default::default();
        for s in &self.scenarios {
            lost.extend(s.groups_without_quorum.iter().map(String::as_str));
        }
        (0..t.groups.len())
            .map(|g| t.group_display(GroupId(g as u32)))
            .filter(|g| !lost.contains(g.as_str()))
            .collect()
    }
}

struct Counts {
    available: Vec<u32>,
    needed: Vec<u32>,
    /// (group, replicas) per node / zone.
    by_node: Vec<Vec<(GroupId, u32)>>,
    by_zone: Vec<Vec<(GroupId, u32)>>,
}

fn counts(t: &Topology) -> Counts {
    let mut c = Counts {
        available: vec![0; t.groups.len()],
        needed: vec![0; t.groups.len()],
        by_node: vec![vec![]; t.nodes.len()],
        by_zone: vec![vec![]; t.zones.len()],
    };
    for (g, info) in t.groups.iter().enumerate() {
        let id = GroupId(g as u32);
        let w = &t.workloads[info.workload.index()];
        c.needed[g] = quorum_size(info.mode, w.desired());
        if t.pods_absent(id) {
            // Where its replicas run is unknown: no failure domain holds any of them.
            c.available[g] = t.available_now(id);
            continue;
        }
        let mut per_node: BTreeMap<NodeId, u32> = BTreeMap::new();
        for p in t.running_replicas(id) {
            let n = t.pods[p.index()].node.expect("running replicas are placed");
            if t.nodes[n.index()].node.is_ready() {
                *per_node.entry(n).or_insert(0) += 1;
                c.available[g] += 1;
            }
        }
        let mut per_zone: BTreeMap<ZoneId, u32> = BTreeMap::new();
        for (n, k) in per_node {
            c.by_node[n.index()].push((id, k));
            *per_zone.entry(t.nodes[n.index()].zone).or_insert(0) += k;
        }
        for (z, k) in per_zone {
            c.by_zone[z.index()].push((id, k));
        }
    }
    c
}

fn leases(t: &Topology, groups: &[GroupId]) -> Vec<String> {
    groups
        .iter()
        .flat_map(|g| {
            t.groups[g.index()]
                .leaders
                .iter()
                .map(|l| t.leader_display(*l))
        })
        .collect()
}

/// The outcome of losing `lost` replicas per group.
fn losing(t: &Topology, c: &Counts, event: String, lost: &BTreeMap<GroupId, u32>) -> Scenario {
    let mut without = Vec::new();
    let mut leaderless = Vec::new();
    for (g, k) in lost {
        let left = c.available[g.index()].saturating_sub(*k);
        if left < c.needed[g.index()] || left == 0 {
            without.push(*g);
            leaderless.push(*g);
        }
    }
    Scenario {
        event,
        groups_without_quorum: without.iter().map(|g| t.group_display(*g)).collect(),
        leaderless: leases(t, &leaderless),
        split_brain: vec![],
    }
}

pub fn sweep(t: &Topology) -> Sweep {
    let c = counts(t);
    let mut scenarios = Vec::new();
    for (n, groups) in c.by_node.iter().enumerate() {
        let lost: BTreeMap<GroupId, u32> = groups.iter().copied().collect();
        scenarios.push(losing(
            t,
            &c,
            format!("fail node:{}", t.node_display(NodeId(n as u32))),
            &lost,
        ));
    }
    let mut notes = Vec::new();
    for (z, groups) in c.by_zone.iter().enumerate() {
        // Nodes without a zone label are no zone: their failure together is no scenario.
        if t.zones[z].name == UNKNOWN_ZONE {
            let cluster = &t.clusters[t.zones[z].cluster.index()];
            notes.push(format!(
                "{} node{} of cluster {} carry no {} label: zone failures cannot be judged for \
                 their pods (label them, or name the failure-domain label with --zone-label)",
                t.zones[z].nodes.len(),
                if t.zones[z].nodes.len() == 1 { "" } else { "s" },
                cluster.name,
                t.zone_label
            ));
            continue;
        }
        let lost: BTreeMap<GroupId, u32> = groups.iter().copied().collect();
        scenarios.push(losing(
            t,
            &c,
            format!("fail zone:{}", t.zone_display(ZoneId(z as u32))),
            &lost,
        ));
    }
    // Regions (only where more than one region exists in a cluster).
    let mut regions: BTreeMap<(ClusterId, String), Vec<ZoneId>> = BTreeMap::new();
    for (z, zone) in t.zones.iter().enumerate() {
        if !zone.region.is_empty() {
            regions
                .entry((zone.cluster, zone.region.clone()))
                .or_default()
                .push(ZoneId(z as u32));
        }
    }
    let mut per_cluster: BTreeMap<ClusterId, usize> = BTreeMap::new();
    for (cluster, _) in regions.keys() {
        *per_cluster.entry(*cluster).or_insert(0) += 1;
    }
    // A cluster in one region has nothing to survive a region loss with: not a scenario.
    regions.retain(|(cluster, _), _| per_cluster[cluster] > 1);
    for ((cluster, region), zones) in &regions {
        let mut lost: BTreeMap<GroupId, u32> = BTreeMap::new();
        for z in zones {
            for (g, k) in &c.by_zone[z.index()] {
                *lost.entry(*g).or_insert(0) += k;
            }
        }
        let name = if t.multi_cluster() {
            format!("{}/{region}", t.clusters[cluster.index()].name)
        } else {
            region.clone()
        };
        scenarios.push(losing(t, &c, format!("fail region:{name}"), &lost));
    }
    if t.multi_cluster() {
        for (ci, cluster) in t.clusters.iter().enumerate() {
            let lost: BTreeMap<GroupId, u32> = t
                .groups
                .iter()
                .enumerate()
                .filter(|(_, g)| g.cluster == ClusterId(ci as u32))
                .map(|(g, _)| (GroupId(g as u32), c.available[g]))
                .collect();
            scenarios.push(losing(
                t,
                &c,
                format!("fail cluster:{}", cluster.name),
                &lost,
            ));
        }
    }
    // Partitions cutting one zone off from the rest of its cluster.
    for (z, zone) in t.zones.iter().enumerate() {
        let cluster = &t.clusters[zone.cluster.index()];
        if cluster.zones.len() < 2 || zone.name == UNKNOWN_ZONE {
            continue;
        }
        let id = ZoneId(z as u32);
        // Side 0 is the zone, side 1 the rest; the side with the control plane's majority renews.
        let lookup = |x: ZoneId| Some(usize::from(x != id));
        let renewing = t.renewing_sides(zone.cluster, &lookup, 2, &[]);
        let (inside_renews, outside_renews) = (renewing.contains(&0), renewing.contains(&1));
        let mut without = Vec::new();
        let mut leaderless = Vec::new();
        let mut split = Vec::new();
        for (g, info) in
            t.groups.iter().enumerate().filter(|(g, info)| {
                info.cluster == zone.cluster && !t.pods_absent(GroupId(*g as u32))
            })
        {
            let gid = GroupId(g as u32);
            let inside = c.by_zone[z]
                .iter()
                .find(|(x, _)| *x == gid)
                .map_or(0, |(_, k)| *k);
            let outside = c.available[g] - inside;
            let needed = c.needed[g];
            let ok = |k: u32| k >= needed && k > 0;
            if !ok(inside) && !ok(outside) {
                without.push(gid);
            }
            let elects_inside = inside_renews && ok(inside);
            let elects_outside = outside_renews && ok(outside);
            if !info.leaders.is_empty() && !elects_inside && !elects_outside {
                leaderless.push(gid);
            }
            if !info.leaders.is_empty() && elects_inside && elects_outside {
                split.push(t.group_display(gid));
            }
        }
        scenarios.push(Scenario {
            event: format!("partition {}|rest", t.zone_display(id)),
            groups_without_quorum: without.iter().map(|g| t.group_display(*g)).collect(),
            leaderless: leases(t, &leaderless),
            split_brain: split,
        });
    }
    // Partitions cutting one cluster off: each side keeps its own API server and leases.
    if t.multi_cluster() {
        let by_name = crate::analysis::groups_by_workload_name(t);
        for (ci, cluster) in t.clusters.iter().enumerate() {
            let split: Vec<String> = by_name
                .iter()
                .filter(|(_, groups)| {
                    groups
                        .iter()
                        .any(|g| t.groups[g.index()].cluster == ClusterId(ci as u32))
                        && groups
                            .iter()
                            .any(|g| t.groups[g.index()].cluster != ClusterId(ci as u32))
                        && groups
                            .iter()
                            .any(|g| !t.groups[g.index()].leaders.is_empty())
                })
                .map(|(name, _)| name.clone())
                .collect();
            scenarios.push(Scenario {
                event: format!("partition {}|rest", cluster.name),
                groups_without_quorum: vec![],
                leaderless: vec![],
                split_brain: split,
            });
        }
    }
    Sweep {
        version: crate::report::JSON_VERSION,
        groups: t.groups.len(),
        scenarios,
        notes,
    }
}
