//! The statistics of a topology: each group's replicas per failure domain and whether it
//! survives the loss of any one of them, where leaders live and how well they could be spread.
//! Pure functions of the graph, below the checks (which read them) and the analysis (which runs
//! both).

pub mod flow;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::graph::*;

/// The replicas a group needs: a majority for a quorum group, one for a leader group.
pub fn quorum_size(mode: Mode, replicas: u32) -> u32 {
    match mode {
        Mode::Quorum => replicas / 2 + 1,
        Mode::Leader => 1,
    }
}

/// Whether a group survives the loss of any single domain of a kind; None where the kind does
/// not apply (one replica, no zone labels, a single region, a single cluster).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Survives {
    pub node: Option<bool>,
    pub zone: Option<bool>,
    pub region: Option<bool>,
    pub cluster: Option<bool>,
}

/// One group, counted.
#[derive(Clone, Debug, Serialize)]
pub struct GroupStats {
    #[serde(skip)]
    pub id: GroupId,
    pub name: String,
    pub kind: String,
    pub mode: Mode,
    /// Desired replicas.
    pub replicas: u32,
    /// Replicas running on a ready node.
    pub available: u32,
    /// Replicas needed: a majority, or one.
    pub needed: u32,
    pub per_zone: BTreeMap<String, u32>,
    pub per_node: BTreeMap<String, u32>,
    pub per_region: BTreeMap<String, u32>,
    pub survives: Survives,
    pub leases: Vec<String>,
    pub pdbs: Vec<String>,
    /// Its pods are not in the input: `available` is what its status reports, and where its
    /// replicas run is unknown (nothing survived or lost is judged).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub pods_absent: bool,
    /// Its replica count is known (its spec, or pods listed with their peers). Otherwise only
    /// the pods picked out into the export are seen, and what a failure costs is not judged.
    pub replicas_known: bool,
    /// The largest number of replicas in one zone / on one node (for messages).
    #[serde(skip)]
    pub worst_zone: Option<(String, u32)>,
    #[serde(skip)]
    pub worst_node: Option<(String, u32)>,
}

impl GroupStats {
    pub fn has_quorum(&self) -> bool {
        self.available >= self.needed
    }
}

/// What every group's statistics read of the whole topology, found once.
pub struct GroupShared {
    /// [`groups_by_workload_name`]: the peers of workloads that run in several clusters.
    pub cross_cluster: BTreeMap<String, Vec<GroupId>>,
    /// Per cluster, its failure domains.
    pub clusters: Vec<Domains>,
}

/// The failure domains of one cluster.
pub struct Domains {
    /// It has zones other than "unknown".
    pub zones_known: bool,
    /// Its distinct named regions.
    pub regions: usize,
}

impl GroupShared {
    pub fn of(t: &Topology) -> GroupShared {
        let clusters = (0..t.clusters.len())
            .map(|c| {
                let cluster = ClusterId(c as u32);
                let regions: std::collections::BTreeSet<&str> = t
                    .cluster_zones(cluster)
                    .iter()
                    .map(|z| t.zones[z.index()].region.as_str())
                    .filter(|r| !r.is_empty())
                    .collect();
                Domains {
                    zones_known: t.known_zone_count(cluster) > 0,
                    regions: regions.len(),
                }
            })
            .collect();
        GroupShared {
            cross_cluster: groups_by_workload_name(t),
            clusters,
        }
    }
}

/// Counts a group's replicas per zone, node and region, and decides what it survives.
pub fn group_stats(t: &Topology, group: GroupId, shared: &GroupShared) -> GroupStats {
    let g = &t.groups[group.index()];
    let w = &t.workloads[g.workload.index()];
    let replicas = w.desired();
    let needed = quorum_size(g.mode, replicas);
    // Counted by node first, named once per node, zone and region.
    let mut on: Vec<NodeId> = t
        .running_replicas(group)
        .map(|p| t.pods[p.index()].node.expect("running replicas are placed"))
        .filter(|n| t.nodes[n.index()].node.is_ready())
        .collect();
    on.sort_unstable();
    let mut available: u32 = 0;
    let mut per_node = BTreeMap::new();
    let mut zones: Vec<(ZoneId, u32)> = Vec::new();
    for same in on.chunk_by(|a, b| a == b) {
        let count = same.len() as u32;
        available += count;
        *per_node.entry(t.node_display(same[0])).or_insert(0) += count;
        let zone = t.nodes[same[0].index()].zone;
        match zones.iter_mut().find(|(z, _)| *z == zone) {
            Some((_, n)) => *n += count,
            None => zones.push((zone, count)),
        }
    }
    let mut per_zone = BTreeMap::new();
    let mut per_region: BTreeMap<String, u32> = BTreeMap::new();
    for (zone, count) in zones {
        *per_zone.entry(t.zone_display(zone)).or_insert(0) += count;
        let region = &t.zones[zone.index()].region;
        if !region.is_empty() {
            match per_region.get_mut(region) {
                Some(n) => *n += count,
                None => {
                    per_region.insert(region.clone(), count);
                }
            }
        }
    }
    let pods_absent = t.pods_absent(group);
    if pods_absent {
        available = t.available_now(group);
    }
    let worst = |m: &BTreeMap<String, u32>| {
        m.iter()
            .max_by_key(|(name, n)| (**n, std::cmp::Reverse((*name).clone())))
            .map(|(k, v)| (k.clone(), *v))
    };
    let worst_zone = worst(&per_zone);
    let worst_node = worst(&per_node);
    // Survives a domain kind when losing the fullest domain of that kind still leaves enough.
    let survives_losing = |most: Option<u32>| available.saturating_sub(most.unwrap_or(0)) >= needed;
    let redundant = replicas > 1 && available > 0 && !pods_absent && w.replicas_known(&t.pods);
    let domains = &shared.clusters[g.cluster.index()];
    let survives = Survives {
        node: redundant.then(|| survives_losing(worst_node.as_ref().map(|w| w.1))),
        zone: (redundant && domains.zones_known)
            .then(|| survives_losing(worst_zone.as_ref().map(|w| w.1))),
        region: (redundant && domains.regions > 1)
            .then(|| survives_losing(per_region.values().max().copied())),
        cluster: (!shared.cross_cluster.is_empty())
            .then(|| shared.cross_cluster.get(&w.name()))
            .flatten()
            .map(|peers| {
                // Losing this cluster leaves the others: survives when another copy can serve.
                peers.iter().filter(|p| **p != group).any(|p| {
                    let other = &t.groups[p.index()];
                    let ow = &t.workloads[other.workload.index()];
                    t.available_now(*p) >= quorum_size(other.mode, ow.desired())
                })
            }),
    };
    GroupStats {
        id: group,
        name: t.group_display(group),
        kind: workload_kind(w).to_string(),
        mode: g.mode,
        replicas,
        available,
        needed,
        per_zone,
        per_node,
        per_region,
        survives,
        leases: g.leaders.iter().map(|l| t.leader_display(*l)).collect(),
        pdbs: w
            .pdbs
            .iter()
            .map(|p| {
                let pdb = &t.pdbs[p.index()];
                t.display(pdb.cluster, &pdb.pdb.meta.namespace, &pdb.pdb.meta.name)
            })
            .collect(),
        pods_absent,
        replicas_known: w.replicas_known(&t.pods),
        worst_zone,
        worst_node,
    }
}

/// Groups of the same `namespace/name` workload, by that name, for the names that run in
/// several clusters (nothing when the topology has one cluster).
pub fn groups_by_workload_name(t: &Topology) -> BTreeMap<String, Vec<GroupId>> {
    let mut out: BTreeMap<String, Vec<GroupId>> = BTreeMap::new();
    if !t.multi_cluster() {
        return out;
    }
    for (i, g) in t.groups.iter().enumerate() {
        out.entry(t.workloads[g.workload.index()].name())
            .or_default()
            .push(GroupId(i as u32));
    }
    out.retain(|_, groups| {
        groups
            .iter()
            .any(|g| t.groups[g.index()].cluster != t.groups[groups[0].index()].cluster)
    });
    out
}

/// A name many rows show (a node, a zone, a time), or that a row keeps from the last state's.
pub type Shared = std::sync::Arc<str>;

/// One leader record as reported.
#[derive(Clone, Debug, Serialize)]
pub struct LeaderRow {
    pub lease: Shared,
    pub kind: Shared,
    pub holder: Option<Shared>,
    pub node: Option<Shared>,
    pub zone: Option<Shared>,
    pub group: Option<Shared>,
    pub expired: bool,
    /// The time it was judged at (given, or its file's newest renewal), RFC 3339.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub judged_at: Option<Shared>,
    #[serde(skip)]
    pub id: LeaderId,
}

/// Where the leaders are, and the best spread the eligible replicas allow.
#[derive(Clone, Debug, Default, Serialize)]
pub struct LeaderStats {
    /// Leader records held on some node of the cluster, unexpired: the per-zone and per-node
    /// counts add up to it.
    pub total: u32,
    /// The other records: nobody holds them, their holder is outside the export or not running,
    /// or they expired.
    pub elsewhere: u32,
    pub per_zone: BTreeMap<String, u32>,
    pub per_node: BTreeMap<String, u32>,
    pub records: Vec<LeaderRow>,
    /// The smallest maximum per zone / per node any placement among eligible replicas gives.
    pub best_max_per_zone: Option<u32>,
    pub best_max_per_node: Option<u32>,
    /// Per group, the nodes its leaders may move to (computed for the groups some record names):
    /// for the statistics of the next live change to keep. Not reported.
    #[serde(skip)]
    pub(crate) eligible: Vec<Option<std::sync::Arc<[NodeId]>>>,
    /// What the next live change keeps when it can. Not reported.
    #[serde(skip)]
    pub(crate) kept: LeadersKept,
}

/// The leaders per node and zone as counted ([`leader_counts`]), and every node's and zone's
/// name as a row shows it: a live change leaves the nodes and zones in place, so their names
/// are the same, and only the counts that changed are written into the maps again.
#[derive(Clone, Debug, Default)]
pub(crate) struct LeadersKept {
    on_node: Vec<u32>,
    on_zone: Vec<u32>,
    nodes: std::sync::Arc<[Shared]>,
    zones: std::sync::Arc<[Shared]>,
    /// What the best spreads were computed from, per zone and per node, and the spreads: the
    /// same leases that must stay and may move have the same best spread.
    zone_flow: std::sync::Arc<(Flow, Option<u32>)>,
    node_flow: std::sync::Arc<(Flow, Option<u32>)>,
}

/// The leases fixed in each bin, and the classes of leases that may move.
type Flow = (Vec<u32>, Vec<flow::Movable>);

impl LeaderStats {
    pub fn max_per_zone(&self) -> u32 {
        self.per_zone.values().copied().max().unwrap_or(0)
    }

    pub fn max_per_node(&self) -> u32 {
        self.per_node.values().copied().max().unwrap_or(0)
    }
}

/// The nodes a leader record may move to: nodes running a ready replica of its group.
pub fn eligible_nodes(t: &Topology, leader: LeaderId) -> Vec<NodeId> {
    match t.leaders[leader.index()].group {
        Some(group) => eligible_group_nodes(t, group),
        None => vec![],
    }
}

/// The nodes running a ready replica of `group`, where its leaders may move.
fn eligible_group_nodes(t: &Topology, group: GroupId) -> Vec<NodeId> {
    let mut nodes: Vec<NodeId> = t
        .running_replicas(group)
        .filter(|p| t.pods[p.index()].pod.ready)
        .filter_map(|p| t.pods[p.index()].node)
        .filter(|n| t.nodes[n.index()].node.is_ready())
        .collect();
    nodes.sort();
    nodes.dedup();
    nodes
}

/// Leaders per zone and per node: the unexpired records whose holder runs on a node, by the
/// holder's zone and node. The counts of [`leader_stats`] without its best-spread bounds, cheap
/// enough to recount after every scenario.
pub fn leader_counts(t: &Topology) -> (BTreeMap<String, u32>, BTreeMap<String, u32>) {
    let (on_node, on_zone) = counted(t);
    let (mut per_zone, mut per_node) = (BTreeMap::new(), BTreeMap::new());
    renamed(&mut per_node, &on_node, None, |n| {
        t.node_display(NodeId(n as u32))
    });
    renamed(&mut per_zone, &on_zone, None, |z| {
        t.zone_display(ZoneId(z as u32))
    });
    (per_zone, per_node)
}

/// The unexpired records held on each node, and in each zone.
pub(crate) fn counted(t: &Topology) -> (Vec<u32>, Vec<u32>) {
    let mut on_node = vec![0u32; t.nodes.len()];
    for (i, l) in t.leaders.iter().enumerate() {
        if let Some(n) = t.holder_node(LeaderId(i as u32))
            && !l.expired()
        {
            on_node[n.index()] += 1;
        }
    }
    let mut on_zone = vec![0u32; t.zones.len()];
    for (n, count) in on_node.iter().enumerate() {
        on_zone[t.nodes[n].zone.index()] += count;
    }
    (on_node, on_zone)
}

/// Writes the counts per node or zone (`counts`, by index) into `map` by their names, a name
/// written once per domain; with `before` (the counts `map` holds), only the counts that changed.
fn renamed(
    map: &mut BTreeMap<String, u32>,
    counts: &[u32],
    before: Option<&[u32]>,
    name: impl Fn(usize) -> String,
) {
    for (i, count) in counts.iter().enumerate() {
        let was = before.map_or(0, |before| before[i]);
        if *count == was {
            continue;
        }
        let entry = map.entry(name(i)).or_insert(0);
        *entry = *entry + count - was;
        if *entry == 0 {
            map.remove(&name(i));
        }
    }
}

pub fn leader_stats(t: &Topology) -> LeaderStats {
    leader_stats_with(t, None, None)
}

/// [`leader_stats`] of `t`, a change applied in place to the graph whose statistics are `last`:
/// the rows keep the names they share with `last`'s.
/// `touched`: [`groups_touched`], when the change kept the groups; the other groups' eligible
/// nodes are `last`'s (they count the same pods on the same nodes, of the same readiness).
pub fn leader_stats_after(
    t: &Topology,
    last: &LeaderStats,
    changed: &Changed,
    touched: Option<&[bool]>,
) -> LeaderStats {
    // The same records in the same order, each in the same group.
    let same = changed.groups_kept && last.records.len() == t.leaders.len();
    let kept = touched.filter(|touched| {
        same && touched.len() == t.groups.len() && last.eligible.len() == t.groups.len()
    });
    leader_stats_with(t, same.then_some(last), kept.map(|touched| (last, touched)))
}

/// The rows of every leader record, written on every core. Records are mostly judged at one
/// time (a live read's clock, a file's newest renewal), and many share a node, a zone or a
/// group: those names are written once and shared. With `last` (the rows of the same records
/// in the same groups), a row keeps the last row's names that did not change.
fn leader_rows(
    t: &Topology,
    last: Option<&LeaderStats>,
    nodes: &[Shared],
    zones: &[Shared],
) -> Vec<LeaderRow> {
    use rayon::prelude::*;
    let shared = |s: String| -> Shared { s.into() };
    let mut times: Vec<(chrono::DateTime<chrono::Utc>, Shared)> = Vec::new();
    for at in t.leaders.iter().filter_map(|l| l.judged_at) {
        if !times.iter().any(|(t, _)| *t == at) && times.len() < 64 {
            times.push((
                at,
                shared(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            ));
        }
    }
    let written = |at: chrono::DateTime<chrono::Utc>| match times.iter().find(|(t, _)| *t == at) {
        Some((_, text)) => text.clone(),
        None => shared(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
    };
    let groups: Vec<Option<Shared>> = match last {
        Some(_) => vec![],
        None => {
            let mut led = vec![false; t.groups.len()];
            for g in t.leaders.iter().filter_map(|l| l.group) {
                led[g.index()] = true;
            }
            led.iter()
                .enumerate()
                .map(|(g, led)| led.then(|| shared(t.group_display(GroupId(g as u32)))))
                .collect()
        }
    };
    use crate::model::Kind;
    let kinds: Vec<(Kind, Shared)> = [Kind::Lease, Kind::ConfigMap, Kind::Endpoints]
        .into_iter()
        .map(|k| (k, shared(k.to_string())))
        .collect();
    t.leaders
        .par_iter()
        .enumerate()
        .with_min_len(1024)
        .map(|(i, l)| {
            let id = LeaderId(i as u32);
            let before = last.map(|last| &last.records[i]);
            let node = t.holder_node(id);
            let meta = &l.record.meta;
            let lease = match before {
                Some(row) => row.lease.clone(),
                None => shared(t.display(l.cluster, &meta.namespace, &meta.name)),
            };
            let kind = match kinds.iter().find(|(k, _)| *k == l.record.kind) {
                Some((_, text)) => text.clone(),
                None => shared(l.record.kind.to_string()),
            };
            let kept = |now: &str| {
                before
                    .and_then(|row| row.holder.as_ref())
                    .filter(|held| &***held == now)
                    .cloned()
                    .unwrap_or_else(|| now.into())
            };
            let holder = match l.holder {
                Holder::Pod(p) => {
                    let pod = &t.pods[p.index()];
                    let (ns, name) = (&pod.pod.meta.namespace, &pod.pod.meta.name);
                    Some(
                        before
                            .and_then(|row| row.holder.as_ref())
                            .filter(|held| t.displays(pod.cluster, ns, name, held))
                            .cloned()
                            .unwrap_or_else(|| shared(t.pod_display(p))),
                    )
                }
                Holder::Node(n) => Some(nodes[n.index()].clone()),
                Holder::Unresolved | Holder::Ambiguous | Holder::External => {
                    l.record.holder.as_deref().map(kept)
                }
                Holder::Vacant => None,
            };
            LeaderRow {
                lease,
                kind,
                holder,
                node: node.map(|n| nodes[n.index()].clone()),
                zone: node.map(|n| zones[t.nodes[n.index()].zone.index()].clone()),
                group: match before {
                    Some(row) => row.group.clone(),
                    None => l.group.and_then(|g| groups[g.index()].clone()),
                },
                expired: l.expired(),
                judged_at: l.judged_at.map(written),
                id,
            }
        })
        .collect()
}

fn leader_stats_with(
    t: &Topology,
    last: Option<&LeaderStats>,
    kept: Option<(&LeaderStats, &[bool])>,
) -> LeaderStats {
    let mut stats = LeaderStats::default();
    // The counts beside the rows (which take every core they are given).
    // The same nodes and zones as the last graph's (a change applied in place).
    let last_kept = kept
        .map(|(last, _)| &last.kept)
        .filter(|k| k.on_node.len() == t.nodes.len() && k.on_zone.len() == t.zones.len());
    let (nodes, zones): (std::sync::Arc<[Shared]>, std::sync::Arc<[Shared]>) = match last_kept {
        Some(k) => (k.nodes.clone(), k.zones.clone()),
        None => (
            (0..t.nodes.len())
                .map(|n| t.node_display(NodeId(n as u32)).into())
                .collect(),
            (0..t.zones.len())
                .map(|z| t.zone_display(ZoneId(z as u32)).into())
                .collect(),
        ),
    };
    // The counts beside the rows (which take every core they are given).
    let ((on_node, on_zone), records) =
        rayon::join(|| counted(t), || leader_rows(t, last, &nodes, &zones));
    stats.records = records;
    if let Some((k, last)) = last_kept.zip(kept.map(|(last, _)| last)) {
        (stats.per_node, stats.per_zone) = (last.per_node.clone(), last.per_zone.clone());
        renamed(&mut stats.per_node, &on_node, Some(&k.on_node), |n| {
            nodes[n].to_string()
        });
        renamed(&mut stats.per_zone, &on_zone, Some(&k.on_zone), |z| {
            zones[z].to_string()
        });
    } else {
        renamed(&mut stats.per_node, &on_node, None, |n| {
            nodes[n].to_string()
        });
        renamed(&mut stats.per_zone, &on_zone, None, |z| {
            zones[z].to_string()
        });
    }
    let last_flows = last_kept.map(|k| (&k.zone_flow, &k.node_flow));
    stats.kept = LeadersKept {
        on_node,
        on_zone,
        nodes,
        zones,
        ..LeadersKept::default()
    };
    let mut zone_fixed = vec![0u32; t.zones.len()];
    let mut node_fixed = vec![0u32; t.nodes.len()];
    let mut zone_movable = Vec::new();
    let mut node_movable = Vec::new();
    // Leaders where they run; the records whose holder runs nowhere known are counted apart.
    stats.total = stats.per_zone.values().sum();
    stats.elsewhere = t.leaders.len() as u32 - stats.total;
    // A leader with more than one eligible node may move; the others stay where they are. The
    // leaders of one group share their eligible nodes: one class of leases per group.
    let mut of_group = vec![0u32; t.groups.len()];
    let mut named = vec![false; t.groups.len()];
    for (i, l) in t.leaders.iter().enumerate() {
        if let Some(g) = l.group {
            named[g.index()] = true;
            if !stats.records[i].expired {
                of_group[g.index()] += 1;
            }
        }
    }
    stats.eligible = {
        use rayon::prelude::*;
        named
            .par_iter()
            .enumerate()
            .with_min_len(256)
            .map(|(g, named)| match kept {
                _ if !named => None,
                Some((last, touched)) if !touched[g] => last.eligible[g].clone(),
                _ => Some(eligible_group_nodes(t, GroupId(g as u32)).into()),
            })
            .collect()
    };
    let eligible: Vec<&[NodeId]> = stats
        .eligible
        .iter()
        .map(|nodes| nodes.as_deref().unwrap_or_default())
        .collect();
    for (i, l) in t.leaders.iter().enumerate() {
        let movable = l.group.is_some_and(|g| eligible[g.index()].len() > 1);
        if stats.records[i].expired || movable {
            continue;
        }
        if let Some(n) = t.holder_node(LeaderId(i as u32)) {
            node_fixed[n.index()] += 1;
            zone_fixed[t.nodes[n.index()].zone.index()] += 1;
        }
    }
    for (nodes, count) in eligible.into_iter().zip(of_group) {
        if nodes.len() > 1 && count > 0 {
            let mut zones: Vec<usize> = nodes
                .iter()
                .map(|n| t.nodes[n.index()].zone.index())
                .collect();
            zones.sort_unstable();
            zones.dedup();
            zone_movable.push(flow::Movable { bins: zones, count });
            node_movable.push(flow::Movable {
                bins: nodes.iter().map(|n| n.index()).collect(),
                count,
            });
        }
    }
    // Today's placement is feasible: its maximum bounds the search from above.
    let today_zone = stats.per_zone.values().copied().max();
    let today_node = stats.per_node.values().copied().max();
    let best = |bins: usize,
                input: Flow,
                today: Option<u32>,
                last: Option<&std::sync::Arc<(Flow, Option<u32>)>>| {
        match last.filter(|last| last.0 == input) {
            Some(last) => last.clone(),
            None => {
                let best = flow::min_max_load(bins, &input.0, &input.1, today);
                std::sync::Arc::new((input, best))
            }
        }
    };
    let (zone_flow, node_flow) = rayon::join(
        || {
            best(
                t.zones.len(),
                (zone_fixed, zone_movable),
                today_zone,
                last_flows.map(|l| l.0),
            )
        },
        || {
            best(
                t.nodes.len(),
                (node_fixed, node_movable),
                today_node,
                last_flows.map(|l| l.1),
            )
        },
    );
    (stats.best_max_per_zone, stats.best_max_per_node) = (zone_flow.1, node_flow.1);
    (stats.kept.zone_flow, stats.kept.node_flow) = (zone_flow, node_flow);
    stats
}

/// The groups whose statistics a change applied in place ([`Changed`]) can alter: those with a
/// pod given, with a replica on a node given, that lost a pod, and their peers of the same name in other
/// clusters. The others count the same pods on the same nodes, of the same readiness.
pub fn groups_touched(t: &Topology, shared: &GroupShared, changed: &Changed) -> Vec<bool> {
    let mut touched = vec![false; t.groups.len()];
    let on_nodes = changed
        .nodes
        .iter()
        .flat_map(|n| t.nodes[n.index()].pods.iter());
    let workloads = changed
        .pods
        .iter()
        .chain(on_nodes)
        .filter_map(|p| t.pods[p.index()].workload)
        .chain(changed.gone_workloads.iter().copied());
    for w in workloads {
        if let Some(g) = t.group_of_workload(w) {
            touched[g.index()] = true;
        }
    }
    for peers in shared.cross_cluster.values() {
        if peers.iter().any(|g| touched[g.index()]) {
            for g in peers {
                touched[g.index()] = true;
            }
        }
    }
    touched
}

/// What a change applied in place leaves of the last graph's groups: what every group's
/// statistics read, and the groups it touched ([`groups_touched`]). None: it did not keep the
/// groups, and everything is counted again.
pub fn touched_groups(
    t: &Topology,
    last: &[std::sync::Arc<GroupStats>],
    changed: &Changed,
) -> Option<(GroupShared, Vec<bool>)> {
    if !changed.groups_kept || last.len() != t.groups.len() {
        return None;
    }
    let shared = GroupShared::of(t);
    let touched = groups_touched(t, &shared, changed);
    Some((shared, touched))
}

/// Every group's statistics, `last`'s (of the graph a change was applied to) for the groups it
/// did not touch ([`touched_groups`]): the same as [`all_group_stats`], at the cost of the
/// touched groups alone.
pub fn group_stats_after(
    t: &Topology,
    last: &[std::sync::Arc<GroupStats>],
    touched: Option<&(GroupShared, Vec<bool>)>,
) -> Vec<std::sync::Arc<GroupStats>> {
    let Some((shared, touched)) = touched else {
        return all_group_stats(t);
    };
    last.iter()
        .zip(touched)
        .enumerate()
        .map(|(i, (stats, touched))| match touched {
            true => std::sync::Arc::new(group_stats(t, GroupId(i as u32), shared)),
            false => stats.clone(),
        })
        .collect()
}

pub fn all_group_stats(t: &Topology) -> Vec<std::sync::Arc<GroupStats>> {
    use rayon::prelude::*;
    let shared = GroupShared::of(t);
    (0..t.groups.len())
        .into_par_iter()
        .with_min_len(256)
        .map(|i| std::sync::Arc::new(group_stats(t, GroupId(i as u32), &shared)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn leaders_are_counted_by_their_holders_zone_and_node_and_follow_a_failover() {
        let c = three_zones()
            + pg_on(&["a1", "b1", "c1"])
            + ClusterYaml::new()
                .lease("db", "pg-a", "pg-0", "2026-11-20T10:00:00Z")
                .lease("db", "pg-b", "pg-0", "2026-11-20T10:00:00Z")
                .lease("db", "pg-c", "pg-1", "2026-11-20T10:00:00Z");
        let t = c.topology();
        let (per_zone, per_node) = leader_counts(&t);
        assert_eq!(
            per_zone,
            BTreeMap::from([("eu-a".into(), 2), ("eu-b".into(), 1)])
        );
        assert_eq!(
            per_node,
            BTreeMap::from([("a1".into(), 2), ("b1".into(), 1)])
        );
        let stats = leader_stats(&t);
        assert_eq!((stats.per_zone, stats.per_node), (per_zone, per_node));

        use crate::simulate::{Event, Params, Target, simulate};
        let fail = [Event::Fail(Target::Zone("eu-a".into()))];
        let after = simulate(&t, &fail, &Params::default()).unwrap().after(&t);
        let (per_zone, _) = leader_counts(&after);
        assert_eq!(per_zone.get("eu-a"), None, "{per_zone:?}");
        assert_eq!(per_zone.values().sum::<u32>(), 3);
    }
}
