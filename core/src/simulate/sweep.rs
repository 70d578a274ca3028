//! The survivability sweep: every single node, zone, region and cluster failure, and every
//! partition that cuts one zone or one cluster off from the rest, each judged at its first moment
//! by the same rules `simulate` uses ([`super::moment`]): a row is `simulate` of its event's
//! `first_moment`, by construction. A failure changes only the groups with a replica where it
//! strikes and the leases held there; everything else keeps its judgement of the cluster as it
//! is, so thousands of scenarios take milliseconds.

use std::collections::BTreeSet;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde::Serialize;

use super::moment::{self, Decision, Moment, Parts, View};
use super::{Event, Params, Target};
use crate::graph::*;

#[derive(Clone, Debug, Serialize)]
pub struct Scenario {
    pub event: String,
    pub groups_without_quorum: Vec<String>,
    pub leaderless: Vec<String>,
    pub split_brain: Vec<moment::SplitRisk>,
    /// The event `simulate` takes for this row.
    #[serde(skip)]
    pub scenario: Event,
}

impl Scenario {
    /// The groups (or leases) at risk of split brain, by name.
    pub fn split_brain_groups(&self) -> Vec<String> {
        self.split_brain.iter().map(|r| r.group.clone()).collect()
    }

    /// The moment it judges.
    pub fn moment(&self) -> Moment {
        Moment {
            groups_without_quorum: self.groups_without_quorum.clone(),
            leaderless: self.leaderless.clone(),
            split_brain: self.split_brain.clone(),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Sweep {
    pub version: u32,
    pub groups: usize,
    /// The release whose rules the model followed.
    pub kubernetes: crate::release::Kubernetes,
    pub scenarios: Vec<Scenario>,
    /// What is wrong before anything fails: in every row too.
    pub before: Moment,
    /// What could not be judged (zone failures where nodes carry no zone label).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Sweep {
    /// Groups that keep their quorum in every scenario of the sweep.
    pub fn survivors(&self, t: &Topology) -> Vec<String> {
        let mut lost: BTreeSet<&str> = Default::default();
        for s in &self.scenarios {
            lost.extend(s.groups_without_quorum.iter().map(String::as_str));
        }
        (0..t.groups.len())
            .map(|g| t.group_display(GroupId(g as u32)))
            .filter(|g| !lost.contains(g.as_str()))
            .collect()
    }
}

/// The cluster as it is: every active pod where it runs, nothing down, no partition.
struct Base<'t> {
    t: &'t Topology,
}

impl View for Base<'_> {
    fn topology(&self) -> &Topology {
        self.t
    }
    fn placed(&self, pod: PodId) -> Option<NodeId> {
        let p = &self.t.pods[pod.index()];
        p.node.filter(|_| p.pod.is_active())
    }
    fn down(&self, _: NodeId) -> bool {
        false
    }
    fn stopped(&self, _: PodId) -> Option<(u32, bool)> {
        None
    }
    fn back_at(&self, _: PodId) -> Option<u32> {
        None
    }
    fn side(&self, _: NodeId) -> Option<usize> {
        None
    }
    fn reaches(&self, _: NodeId) -> bool {
        true
    }
    fn sides(&self) -> usize {
        0
    }
    fn side_name(&self, _: usize) -> String {
        String::new()
    }
}

/// The first moment after some nodes fail: their pods stopped, nothing recreated yet.
struct Failed<'t> {
    base: Base<'t>,
    down: &'t HashSet<NodeId>,
}

impl View for Failed<'_> {
    fn topology(&self) -> &Topology {
        self.base.t
    }
    fn placed(&self, pod: PodId) -> Option<NodeId> {
        self.base.placed(pod).filter(|n| !self.down.contains(n))
    }
    fn down(&self, node: NodeId) -> bool {
        self.down.contains(&node)
    }
    fn stopped(&self, pod: PodId) -> Option<(u32, bool)> {
        self.base
            .placed(pod)
            .is_some_and(|n| self.down.contains(&n))
            .then_some((0, false))
    }
    fn back_at(&self, _: PodId) -> Option<u32> {
        None
    }
    fn side(&self, _: NodeId) -> Option<usize> {
        None
    }
    fn reaches(&self, _: NodeId) -> bool {
        true
    }
    fn sides(&self) -> usize {
        0
    }
    fn side_name(&self, _: usize) -> String {
        String::new()
    }
}

/// The first moment of a partition: every pod where it runs; each node on its side, reaching
/// its control plane when its cluster's leases renew on that side.
struct Cut<'t> {
    base: Base<'t>,
    side_of_node: Vec<Option<usize>>,
    renewing: Vec<Vec<usize>>,
    sides: usize,
    names: Vec<String>,
}

impl View for Cut<'_> {
    fn topology(&self) -> &Topology {
        self.base.t
    }
    fn placed(&self, pod: PodId) -> Option<NodeId> {
        self.base.placed(pod)
    }
    fn down(&self, _: NodeId) -> bool {
        false
    }
    fn stopped(&self, _: PodId) -> Option<(u32, bool)> {
        None
    }
    fn back_at(&self, _: PodId) -> Option<u32> {
        None
    }
    fn side(&self, node: NodeId) -> Option<usize> {
        self.side_of_node[node.index()]
    }
    fn reaches(&self, node: NodeId) -> bool {
        let cluster = self.base.t.nodes[node.index()].cluster;
        self.side_of_node[node.index()].is_some_and(|s| self.renewing[cluster.index()].contains(&s))
    }
    fn sides(&self) -> usize {
        self.sides
    }
    fn side_name(&self, side: usize) -> String {
        self.names.get(side).cloned().unwrap_or_default()
    }
}

/// The sweep with the default model of `t`'s release (as `simulate` without flags).
pub fn sweep(t: &Topology) -> Sweep {
    sweep_with(t, &Params::of(t))
}

pub fn sweep_with(t: &Topology, p: &Params) -> Sweep {
    let base = Parts::judge(&Base { t }, p);
    let before = base.moment(&Base { t }, false);
    // Where a failure strikes: the groups with a replica on a node, the leases held there.
    let mut groups_on: HashMap<NodeId, Vec<GroupId>> = HashMap::default();
    for g in 0..t.groups.len() {
        let id = GroupId(g as u32);
        if t.pods_absent(id) {
            continue;
        }
        let base_view = Base { t };
        let w = &t.workloads[t.groups[g].workload.index()];
        let mut nodes: Vec<NodeId> = w.pods.iter().filter_map(|p| base_view.placed(*p)).collect();
        nodes.sort_unstable();
        nodes.dedup();
        for n in nodes {
            groups_on.entry(n).or_default().push(id);
        }
    }
    let mut leases_on: HashMap<NodeId, Vec<LeaderId>> = HashMap::default();
    for l in 0..t.leaders.len() {
        if let Some(n) = t.holder_node(LeaderId(l as u32)) {
            leases_on.entry(n).or_default().push(LeaderId(l as u32));
        }
    }
    let fail = |event: Event, nodes: &[NodeId]| -> Scenario {
        let down: HashSet<NodeId> = nodes.iter().copied().collect();
        let view = Failed {
            base: Base { t },
            down: &down,
        };
        let mut quorum = base.quorum.clone();
        let mut changed: HashMap<LeaderId, Option<Decision>> = HashMap::default();
        for n in nodes {
            for g in groups_on.get(n).into_iter().flatten() {
                quorum[g.index()] = moment::group(&view, *g).has_quorum;
                // Its leases' candidates changed too.
                for l in &t.groups[g.index()].leaders {
                    changed
                        .entry(*l)
                        .or_insert_with(|| moment::lease(&view, p, *l));
                }
            }
            for l in leases_on.get(n).into_iter().flatten() {
                changed
                    .entry(*l)
                    .or_insert_with(|| moment::lease(&view, p, *l));
            }
        }
        row(&view, event, &quorum, &base, &changed)
    };
    let mut scenarios = Vec::new();
    for n in 0..t.nodes.len() {
        let id = NodeId(n as u32);
        scenarios.push(fail(Event::Fail(Target::Node(t.node_display(id))), &[id]));
    }
    let mut notes = Vec::new();
    for (z, zone) in t.zones.iter().enumerate() {
        // Nodes without a zone label are no zone: their failure together is no scenario.
        if zone.name == UNKNOWN_ZONE {
            notes.push(format!(
                "{} node{} of cluster {} carry no {} label: zone failures cannot be judged for \
                 their pods (label them, or name the failure-domain label with --zone-label)",
                zone.nodes.len(),
                if zone.nodes.len() == 1 { "" } else { "s" },
                t.clusters[zone.cluster.index()].name,
                t.zone_label
            ));
            continue;
        }
        let name = t.zone_display(ZoneId(z as u32));
        scenarios.push(fail(Event::Fail(Target::Zone(name)), &zone.nodes));
    }
    // Regions, only where a cluster has more than one.
    for (c, cluster) in t.clusters.iter().enumerate() {
        let mut regions: std::collections::BTreeMap<&str, Vec<NodeId>> = Default::default();
        for z in &cluster.zones {
            let zone = &t.zones[z.index()];
            if !zone.region.is_empty() {
                regions
                    .entry(zone.region.as_str())
                    .or_default()
                    .extend(zone.nodes.iter().copied());
            }
        }
        if regions.len() < 2 {
            continue;
        }
        for (region, nodes) in regions {
            let name = if t.multi_cluster() {
                format!("{}/{region}", t.clusters[c].name)
            } else {
                region.to_string()
            };
            scenarios.push(fail(Event::Fail(Target::Region(name)), &nodes));
        }
    }
    if t.multi_cluster() {
        for (c, cluster) in t.clusters.iter().enumerate() {
            let nodes: Vec<NodeId> = (0..t.nodes.len())
                .map(|n| NodeId(n as u32))
                .filter(|n| t.nodes[n.index()].cluster == ClusterId(c as u32))
                .collect();
            scenarios.push(fail(
                Event::Fail(Target::Cluster(cluster.name.clone())),
                &nodes,
            ));
        }
    }
    // Partitions cutting one zone off from the rest of its cluster (the zones of other
    // clusters form a side of their own, as simulate takes them).
    for (z, zone) in t.zones.iter().enumerate() {
        let cluster = &t.clusters[zone.cluster.index()];
        let known: Vec<ZoneId> = cluster
            .zones
            .iter()
            .copied()
            .filter(|z| t.zones[z.index()].name != UNKNOWN_ZONE)
            .collect();
        if known.len() < 2 || zone.name == UNKNOWN_ZONE {
            continue;
        }
        let id = ZoneId(z as u32);
        let rest: Vec<ZoneId> = cluster.zones.iter().copied().filter(|x| *x != id).collect();
        let sides = vec![vec![id], rest];
        let names: Vec<Vec<String>> = sides
            .iter()
            .map(|s| s.iter().map(|z| t.zone_display(*z)).collect())
            .collect();
        scenarios.push(partition(t, p, Event::Partition(names), &sides));
    }
    // Partitions cutting one cluster off: each side keeps its own API server and leases.
    if t.multi_cluster() {
        for (c, cluster) in t.clusters.iter().enumerate() {
            let inside: Vec<ZoneId> = cluster.zones.clone();
            let outside: Vec<ZoneId> = (0..t.zones.len())
                .map(|z| ZoneId(z as u32))
                .filter(|z| t.zones[z.index()].cluster != ClusterId(c as u32))
                .collect();
            let others: Vec<String> = t
                .clusters
                .iter()
                .enumerate()
                .filter(|(o, _)| *o != c)
                .map(|(_, o)| o.name.clone())
                .collect();
            let event = Event::Partition(vec![vec![cluster.name.clone()], others]);
            scenarios.push(partition(t, p, event, &[inside, outside]));
        }
    }
    Sweep {
        kubernetes: p.kubernetes.clone(),
        version: crate::contract::JSON_VERSION,
        groups: t.groups.len(),
        scenarios,
        before,
        notes,
    }
}

/// A partition's first moment: every group and lease judged (a cut touches most of them).
fn partition(t: &Topology, p: &Params, event: Event, sides: &[Vec<ZoneId>]) -> Scenario {
    let mut side_of_zone = vec![None; t.zones.len()];
    for (s, zones) in sides.iter().enumerate() {
        for z in zones {
            side_of_zone[z.index()] = Some(s);
        }
    }
    // Zones no side names (other clusters') form a side of their own.
    let mut count = sides.len();
    if side_of_zone.iter().any(Option::is_none) {
        for s in side_of_zone.iter_mut().filter(|s| s.is_none()) {
            *s = Some(count);
        }
        count += 1;
    }
    let side_of_node: Vec<Option<usize>> = t
        .nodes
        .iter()
        .map(|n| side_of_zone[n.zone.index()])
        .collect();
    let renewing: Vec<Vec<usize>> = (0..t.clusters.len())
        .map(|c| {
            let lookup = |z: ZoneId| side_of_zone[z.index()];
            t.renewing_sides(ClusterId(c as u32), &lookup, count, &p.control_plane_zones)
        })
        .collect();
    let mut names: Vec<String> = sides
        .iter()
        .map(|zones| {
            zones
                .iter()
                .map(|z| t.zone_display(*z))
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect();
    if count > sides.len() {
        names.push(
            (0..t.zones.len())
                .filter(|z| side_of_zone[*z] == Some(sides.len()))
                .map(|z| t.zone_display(ZoneId(z as u32)))
                .collect::<Vec<_>>()
                .join(","),
        );
    }
    let view = Cut {
        base: Base { t },
        side_of_node,
        renewing,
        sides: count,
        names,
    };
    let parts = Parts::judge(&view, p);
    let m = parts.moment(&view, true);
    Scenario {
        event: event.to_string(),
        groups_without_quorum: m.groups_without_quorum,
        leaderless: m.leaderless,
        split_brain: m.split_brain,
        scenario: event,
    }
}

/// A failure's row: the groups and leases it touched judged again, the rest as they were.
fn row(
    view: &Failed,
    event: Event,
    quorum: &[bool],
    base: &Parts,
    changed: &HashMap<LeaderId, Option<Decision>>,
) -> Scenario {
    let t = view.base.t;
    let leases: Vec<Option<Decision>> = (0..t.leaders.len())
        .map(|l| {
            let id = LeaderId(l as u32);
            match changed.get(&id) {
                Some(d) => d.clone(),
                None => base.leases[l].clone(),
            }
        })
        .collect();
    let parts = Parts {
        quorum: quorum.to_vec(),
        leases,
    };
    let m = parts.moment(view, false);
    Scenario {
        event: event.to_string(),
        groups_without_quorum: m.groups_without_quorum,
        leaderless: m.leaderless,
        split_brain: m.split_brain,
        scenario: event,
    }
}
