//! What the front ends show at a glance: per node and per zone, the pods, the leaders held, the
//! replicas of quorum groups and the volumes pinned there; a group's members with the chain from
//! pod through claim and volume to zone; and where a finding's subject lives.
//!
//! Computed once per graph (O(pods + leaders + volumes)), so a frame only reads it. The graph
//! after a simulation or a plan step is just another graph: its overview answers "what now".

use crate::check::Subject;
use crate::graph::*;
use crate::simulate::Outcome;

/// One node, counted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeSummary {
    /// Pods placed here and active.
    pub pods: u32,
    /// Those pods: what a front end lists under the node (as many as `pods` counts).
    pub listed: Vec<PodId>,
    /// Unexpired leader records whose holder runs here.
    pub leaders: u32,
    /// Running replicas of quorum groups.
    pub quorum_replicas: u32,
    /// Volumes of the pods here that pin them to a zone or a node.
    pub pinned_volumes: u32,
    pub ready: bool,
    pub cordoned: bool,
}

impl NodeSummary {
    /// The node `n` and its active pods, its leaders not counted yet.
    fn of(t: &Topology, n: &NodeInfo) -> NodeSummary {
        let mut summary = NodeSummary {
            ready: n.node.is_ready(),
            cordoned: n.node.unschedulable,
            ..NodeSummary::default()
        };
        summary.count(t, n);
        summary
    }

    /// Counts the active pods on `n`.
    fn count(&mut self, t: &Topology, n: &NodeInfo) {
        for p in &n.pods {
            let pod = &t.pods[p.index()];
            if !pod.pod.is_active() {
                continue;
            }
            self.pods += 1;
            self.listed.push(*p);
            let quorum = pod
                .workload
                .and_then(|w| t.group_of_workload(w))
                .is_some_and(|g| t.groups[g.index()].mode == Mode::Quorum);
            if quorum {
                self.quorum_replicas += 1;
            }
            self.pinned_volumes += pod
                .pvcs
                .iter()
                .filter(|c| {
                    t.pvcs[c.index()].pv.is_some_and(|v| {
                        matches!(t.pvs[v.index()].pin, Pin::Zones(_) | Pin::Nodes(_))
                    })
                })
                .count() as u32;
        }
    }
}

/// One zone, counted (the sum of its nodes).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ZoneSummary {
    pub nodes: u32,
    pub ready_nodes: u32,
    pub pods: u32,
    pub leaders: u32,
    pub quorum_replicas: u32,
    pub pinned_volumes: u32,
}

/// Summaries of every node and zone, indexed by [`NodeId`] and [`ZoneId`].
#[derive(Clone, Debug, Default)]
pub struct Overview {
    pub nodes: Vec<NodeSummary>,
    pub zones: Vec<ZoneSummary>,
    /// Unexpired leader records held on some node.
    pub placed_leaders: u32,
}

impl Overview {
    pub fn of(t: &Topology) -> Overview {
        use rayon::prelude::*;
        // Node by node, on every core.
        let nodes: Vec<NodeSummary> = t
            .nodes
            .par_iter()
            .with_min_len(64)
            .map(|n| NodeSummary::of(t, n))
            .collect();
        Overview::with_leaders(t, nodes)
    }

    /// The overview of `t`, a change applied in place to the graph whose overview is `last`:
    /// the same as [`Overview::of`], with the nodes no given node or pod touched (the node
    /// itself, the node a pod left or joined, the node of a pod that went) taken from `last`.
    pub fn after(last: &Overview, t: &Topology, changed: &Changed) -> Overview {
        // Replicas are counted by their group's mode: only the same groups keep the counts.
        if !changed.groups_kept || last.nodes.len() != t.nodes.len() {
            return Overview::of(t);
        }
        let mut touched = vec![false; t.nodes.len()];
        let given = changed.pods.iter().filter_map(|p| t.pods[p.index()].node);
        for n in changed
            .nodes
            .iter()
            .chain(&changed.left)
            .copied()
            .chain(given)
        {
            touched[n.index()] = true;
        }
        let nodes = last
            .nodes
            .iter()
            .zip(t.nodes.iter())
            .zip(touched)
            .map(|((summary, n), touched)| match touched {
                true => NodeSummary::of(t, n),
                false => NodeSummary {
                    leaders: 0,
                    // Its pods are all there, maybe numbered anew.
                    listed: match changed.pod_ids {
                        Some(_) => summary
                            .listed
                            .iter()
                            .filter_map(|p| changed.pod_id(*p))
                            .collect(),
                        None => summary.listed.clone(),
                    },
                    ..*summary
                },
            })
            .collect();
        Overview::with_leaders(t, nodes)
    }

    /// The leaders counted on `nodes`, and the zones summed.
    fn with_leaders(t: &Topology, mut nodes: Vec<NodeSummary>) -> Overview {
        // The analysis's count of leaders per node: the same computation.
        let (on_node, _) = crate::stats::counted(t);
        let mut placed_leaders = 0;
        for (node, count) in nodes.iter_mut().zip(on_node) {
            node.leaders = count;
            placed_leaders += count;
        }
        let zones = t
            .zones
            .iter()
            .map(|z| {
                let mut s = ZoneSummary::default();
                for n in &z.nodes {
                    let node = &nodes[n.index()];
                    s.nodes += 1;
                    s.ready_nodes += u32::from(node.ready);
                    s.pods += node.pods;
                    s.leaders += node.leaders;
                    s.quorum_replicas += node.quorum_replicas;
                    s.pinned_volumes += node.pinned_volumes;
                }
                s
            })
            .collect();
        Overview {
            nodes,
            zones,
            placed_leaders,
        }
    }

    /// Leaders per zone and per node by name, zones and nodes holding none left out: the same
    /// counts as the analysis's `leaders.per_zone` and `per_node`.
    pub fn leaders_by_name(
        &self,
        t: &Topology,
    ) -> (
        std::collections::BTreeMap<String, u32>,
        std::collections::BTreeMap<String, u32>,
    ) {
        let mut per_zone = std::collections::BTreeMap::new();
        let mut per_node = std::collections::BTreeMap::new();
        for (i, n) in self.nodes.iter().enumerate() {
            if n.leaders > 0 {
                let id = NodeId(i as u32);
                per_node.insert(t.node_display(id), n.leaders);
                *per_zone.entry(t.zone_display(t.nodes[i].zone)).or_insert(0) += n.leaders;
            }
        }
        (per_zone, per_node)
    }

    pub fn node(&self, node: NodeId) -> &NodeSummary {
        &self.nodes[node.index()]
    }

    pub fn zone(&self, zone: ZoneId) -> &ZoneSummary {
        &self.zones[zone.index()]
    }
}

/// What a scenario did to a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeFate {
    Unchanged,
    Down,
    Cordoned,
}

/// A node's fate in a simulated outcome.
pub fn node_fate(t: &Topology, outcome: &Outcome, node: NodeId) -> NodeFate {
    if outcome
        .node_down
        .get(node.index())
        .copied()
        .unwrap_or(false)
    {
        NodeFate::Down
    } else if outcome.cordoned.get(node.index()).copied().unwrap_or(false)
        && !t.nodes[node.index()].node.unschedulable
    {
        NodeFate::Cordoned
    } else {
        NodeFate::Unchanged
    }
}

/// One volume a member uses: claim, bound volume, and what the volume pins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VolumeLink {
    pub pvc: PvcId,
    pub pv: Option<PvId>,
    pub pin: Pin,
}

/// One replica of a group, with the chain pod → claim → volume → node → zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub pod: PodId,
    pub node: Option<NodeId>,
    pub zone: Option<ZoneId>,
    pub ready: bool,
    /// Leader records of the group this pod holds.
    pub leads: Vec<LeaderId>,
    pub volumes: Vec<VolumeLink>,
}

/// A group's replicas in pod order, each with its volumes and the leases it holds.
pub fn members(t: &Topology, group: GroupId) -> Vec<Member> {
    let g = &t.groups[group.index()];
    let w = &t.workloads[g.workload.index()];
    w.pods
        .iter()
        .map(|p| {
            let pod = &t.pods[p.index()];
            Member {
                pod: *p,
                node: pod.node,
                zone: t.pod_zone(*p),
                ready: pod.pod.ready && pod.pod.is_active(),
                leads: g
                    .leaders
                    .iter()
                    .copied()
                    .filter(|l| t.leaders[l.index()].holder == Holder::Pod(*p))
                    .collect(),
                volumes: pod
                    .pvcs
                    .iter()
                    .map(|c| {
                        let pv = t.pvcs[c.index()].pv;
                        VolumeLink {
                            pvc: *c,
                            pv,
                            pin: pv.map_or(Pin::None, |v| t.pvs[v.index()].pin.clone()),
                        }
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Where a finding's subject is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Located {
    Group(GroupId),
    Leader(LeaderId),
    Node(NodeId),
    Zone(ZoneId),
    Cluster(ClusterId),
}

/// The object a finding is about, resolved in the graph: a workload or a PDB or a volume to the
/// group it concerns, a lease to its record, a node or a zone to itself.
pub fn locate(t: &Topology, subject: &Subject) -> Option<Located> {
    let cluster = t.cluster_named(&subject.cluster)?;
    let same = |c: ClusterId, ns: &str, name: &str| {
        c == cluster && ns == subject.namespace && name == subject.name
    };
    let group_of_pod = |p: PodId| {
        t.pods[p.index()]
            .workload
            .and_then(|w| t.group_of_workload(w))
    };
    match subject.kind.as_str() {
        "Node" => t.node_named(cluster, &subject.name).map(Located::Node),
        "Zone" => t
            .cluster_zones(cluster)
            .iter()
            .find(|z| t.zones[z.index()].name == subject.name)
            .map(|z| Located::Zone(*z)),
        "Cluster" => Some(Located::Cluster(cluster)),
        "Lease" | "Endpoints" | "ConfigMap" => t
            .leaders
            .iter()
            .position(|l| same(l.cluster, &l.record.meta.namespace, &l.record.meta.name))
            .map(|i| Located::Leader(LeaderId(i as u32))),
        "Pod" => t
            .pods
            .iter()
            .position(|p| same(p.cluster, &p.pod.meta.namespace, &p.pod.meta.name))
            .and_then(|i| group_of_pod(PodId(i as u32)))
            .map(Located::Group),
        "PodDisruptionBudget" => t
            .pdbs
            .iter()
            .find(|p| same(p.cluster, &p.pdb.meta.namespace, &p.pdb.meta.name))
            .and_then(|p| p.pods.iter().find_map(|p| group_of_pod(*p)))
            .map(Located::Group),
        "PersistentVolumeClaim" => t
            .pvcs
            .iter()
            .find(|c| same(c.cluster, &c.pvc.meta.namespace, &c.pvc.meta.name))
            .and_then(|c| c.pods.iter().find_map(|p| group_of_pod(*p)))
            .map(Located::Group),
        "PersistentVolume" => t
            .pvs
            .iter()
            .find(|v| v.cluster == cluster && v.pv.meta.name == subject.name)
            .and_then(|v| v.pvc)
            .and_then(|c| t.pvcs[c.index()].pods.iter().find_map(|p| group_of_pod(*p)))
            .map(Located::Group),
        _ => t
            .workloads
            .iter()
            .position(|w| same(w.cluster, &w.workload.meta.namespace, &w.workload.meta.name))
            .and_then(|w| t.group_of_workload(WorkloadId(w as u32)))
            .map(Located::Group),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::{Event, Params, Target, simulate};
    use crate::testkit::*;

    /// pg-0 on a1 and pg-1 on a2 (both eu-a, zonal volumes), pg-2 on b1; pg-0 holds the lease.
    fn skewed_pg() -> ClusterYaml {
        let mut c = three_zones().statefulset("db", "pg", 3, "");
        for (i, (node, zone)) in [("a1", "eu-a"), ("a2", "eu-a"), ("b1", "eu-b")]
            .iter()
            .enumerate()
        {
            c = c
                .pod_with(
                    "db",
                    &format!("pg-{i}"),
                    "StatefulSet",
                    "pg",
                    "pg",
                    Some(node),
                    &format!(
                        "  volumes:\n  - {{name: data, persistentVolumeClaim: {{claimName: data-pg-{i}}}}}\n"
                    ),
                )
                .volume(
                    "db",
                    &format!("data-pg-{i}"),
                    &format!("pv-{i}"),
                    "gp3",
                    &format!("zone:{zone}"),
                );
        }
        c.lease("db", "pg-leader", "pg-0", "2026-11-20T10:00:00Z")
    }

    fn zone(t: &Topology, name: &str) -> ZoneId {
        ZoneId(t.zones.iter().position(|z| z.name == name).unwrap() as u32)
    }

    fn node(t: &Topology, name: &str) -> NodeId {
        t.node_named(ClusterId(0), name).unwrap()
    }

    #[test]
    fn a_node_counts_its_pods_leaders_quorum_replicas_and_pinned_volumes() {
        let t = skewed_pg().topology();
        let o = Overview::of(&t);
        let a1 = o.node(node(&t, "a1"));
        assert_eq!(
            (a1.pods, a1.leaders, a1.quorum_replicas, a1.pinned_volumes),
            (1, 1, 1, 1)
        );
        assert!(a1.ready && !a1.cordoned);
        let c1 = o.node(node(&t, "c1"));
        assert_eq!((c1.pods, c1.leaders), (0, 0));
    }

    #[test]
    fn a_zone_is_the_sum_of_its_nodes() {
        for sample in crate::samples::SAMPLES {
            let snapshot = sample.load();
            let t = Topology::from_snapshot(snapshot, &Default::default());
            let o = Overview::of(&t);
            for (z, info) in t.zones.iter().enumerate() {
                let nodes: Vec<&NodeSummary> = info.nodes.iter().map(|n| o.node(*n)).collect();
                let sum = |f: fn(&NodeSummary) -> u32| nodes.iter().map(|n| f(n)).sum::<u32>();
                let zone = o.zone(ZoneId(z as u32));
                assert_eq!(zone.nodes as usize, nodes.len(), "{}", sample.name);
                assert_eq!(
                    zone.ready_nodes,
                    sum(|n| u32::from(n.ready)),
                    "{}",
                    sample.name
                );
                assert_eq!(zone.pods, sum(|n| n.pods), "{}", sample.name);
                assert_eq!(zone.leaders, sum(|n| n.leaders), "{}", sample.name);
                assert_eq!(
                    zone.quorum_replicas,
                    sum(|n| n.quorum_replicas),
                    "{}",
                    sample.name
                );
                assert_eq!(
                    zone.pinned_volumes,
                    sum(|n| n.pinned_volumes),
                    "{}",
                    sample.name
                );
            }
        }
    }

    #[test]
    fn a_zone_counts_its_replicas_and_leaders() {
        let t = skewed_pg().topology();
        let o = Overview::of(&t);
        let a = o.zone(zone(&t, "eu-a"));
        assert_eq!(
            (a.nodes, a.ready_nodes, a.pods, a.leaders, a.quorum_replicas),
            (2, 2, 2, 1, 2)
        );
        assert_eq!(o.zone(zone(&t, "eu-c")).pods, 0);
        assert_eq!(o.placed_leaders, 1);
    }

    #[test]
    fn after_a_zone_fails_its_nodes_are_down_and_the_leader_moves_nowhere_without_quorum() {
        let t = skewed_pg().topology();
        let out = simulate(
            &t,
            &[Event::Fail(Target::Zone("eu-a".into()))],
            &Params::default(),
        )
        .unwrap();
        assert_eq!(node_fate(&t, &out, node(&t, "a1")), NodeFate::Down);
        assert_eq!(node_fate(&t, &out, node(&t, "b1")), NodeFate::Unchanged);
        let after = Overview::of(&out.after(&t));
        assert!(!after.node(node(&t, "a1")).ready);
        assert_eq!(after.zone(zone(&t, "eu-a")).ready_nodes, 0);
        // One replica of three left: no quorum, nobody is elected.
        assert_eq!(after.placed_leaders, 0);
    }

    #[test]
    fn a_drained_node_is_cordoned() {
        let t = skewed_pg().topology();
        let out = simulate(
            &t,
            &[Event::Drain(Target::Node("c1".into()))],
            &Params::default(),
        )
        .unwrap();
        assert_eq!(node_fate(&t, &out, node(&t, "c1")), NodeFate::Cordoned);
    }

    #[test]
    fn a_member_shows_its_chain_from_pod_to_zone_and_the_lease_it_holds() {
        let t = skewed_pg().topology();
        let g = t.group_of_workload(WorkloadId(0)).unwrap();
        let m = members(&t, g);
        assert_eq!(m.len(), 3);
        assert_eq!(t.pod_display(m[0].pod), "db/pg-0");
        assert_eq!(m[0].zone, Some(zone(&t, "eu-a")));
        assert_eq!(m[0].leads.len(), 1);
        assert!(m[1].leads.is_empty());
        assert_eq!(m[0].volumes.len(), 1);
        assert_eq!(m[0].volumes[0].pin, Pin::Zones(vec!["eu-a".into()]));
        assert!(m[0].volumes[0].pv.is_some());
    }

    #[test]
    fn a_finding_locates_its_workload_lease_node_and_volume() {
        let t = skewed_pg().topology();
        let subject = |kind: &str, ns: &str, name: &str| Subject {
            cluster: "default".into(),
            kind: kind.into(),
            namespace: ns.into(),
            name: name.into(),
        };
        let g = t.group_of_workload(WorkloadId(0)).unwrap();
        assert_eq!(
            locate(&t, &subject("StatefulSet", "db", "pg")),
            Some(Located::Group(g))
        );
        assert_eq!(
            locate(&t, &subject("Lease", "db", "pg-leader")),
            Some(Located::Leader(LeaderId(0)))
        );
        assert_eq!(
            locate(&t, &subject("Node", "", "b1")),
            Some(Located::Node(node(&t, "b1")))
        );
        assert_eq!(
            locate(&t, &subject("PersistentVolume", "", "pv-1")),
            Some(Located::Group(g))
        );
        assert_eq!(locate(&t, &subject("StorageClass", "", "gp3")), None);
    }
}
