//! What an outcome means for each node, pod, lease and group at one moment of its timeline: what
//! a front end draws (greyed nodes, stopped and moved pods, leases that changed hands, groups
//! without quorum) while the user scrubs through the consequences of a scenario.

use super::Outcome;
use crate::graph::*;

/// A node's state after the scenario's events (they all happen at t=0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeFate {
    Up,
    /// Failed: crashed or unreachable.
    Down,
    /// Up but cordoned (drained, or cordoned in the input).
    Cordoned,
}

/// Where a pod is at a moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PodFate {
    /// Runs where it ran.
    Running,
    /// Stopped (its node failed, or it was evicted) and not back yet, perhaps never.
    Stopped,
    /// Recreated on another node.
    Moved(NodeId),
    /// Evicted or recreated, with no node that fits it.
    Pending,
    /// Had no node before the scenario and still has none.
    Unscheduled,
}

impl PodFate {
    /// Whether the pod runs at that moment (where it was or elsewhere).
    pub fn runs(self) -> bool {
        matches!(self, PodFate::Running | PodFate::Moved(_))
    }
}

/// Who holds a leader record at a moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeaseFate {
    /// The holder is unaffected.
    Kept,
    /// The holder stopped or was cut off; the lease has not expired or been taken yet.
    Expiring,
    /// Another replica took it over.
    Moved(PodId),
    /// Expired with nobody able to take it.
    Leaderless,
}

/// A group's replicas at a moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GroupFate {
    pub available: u32,
    pub needed: u32,
    pub has_quorum: bool,
}

/// The whole picture at one moment, indexed like the topology's arenas.
#[derive(Clone, Debug)]
pub struct Fates {
    pub seconds: u32,
    pub nodes: Vec<NodeFate>,
    pub pods: Vec<PodFate>,
    pub leases: Vec<LeaseFate>,
    pub groups: Vec<GroupFate>,
}

impl Fates {
    pub fn groups_without_quorum(&self) -> impl Iterator<Item = GroupId> + '_ {
        self.groups
            .iter()
            .enumerate()
            .filter(|(_, g)| !g.has_quorum)
            .map(|(i, _)| GroupId(i as u32))
    }
}

impl Outcome {
    /// The topology `seconds` after t=0: failed nodes NotReady, cordons, each pod where it runs
    /// then (a pod stopped with its node stays there, NotReady; one evicted and not back yet is
    /// Pending), each lease with its holder then. At the end, the same as [`Outcome::after`].
    pub fn after_at(&self, t: &Topology, seconds: u32) -> Topology {
        if seconds >= self.end_seconds() {
            return self.after(t);
        }
        let fates = self.fates_at(t, seconds);
        let mut after = t.clone();
        for (i, node) in std::sync::Arc::make_mut(&mut after.nodes)
            .iter_mut()
            .enumerate()
        {
            match fates.nodes[i] {
                NodeFate::Down => std::sync::Arc::make_mut(&mut node.node).ready = Some(false),
                NodeFate::Cordoned => std::sync::Arc::make_mut(&mut node.node).unschedulable = true,
                NodeFate::Up => {}
            }
            node.pods.clear();
        }
        for (i, pod) in std::sync::Arc::make_mut(&mut after.pods)
            .iter_mut()
            .enumerate()
        {
            match fates.pods[i] {
                PodFate::Moved(n) => {
                    let pod = std::sync::Arc::make_mut(pod);
                    pod.node = Some(n);
                    pod.pod.node_name = Some(t.nodes[n.index()].name().to_string());
                }
                PodFate::Pending => {
                    let pod = std::sync::Arc::make_mut(pod);
                    pod.pod.phase = crate::model::PodPhase::Pending;
                    pod.pod.ready = false;
                    pod.node = None;
                    pod.pod.node_name = None;
                }
                // Stopped with a failed node: the pod still names it, and the node is NotReady.
                PodFate::Stopped if pod.node.is_some_and(|n| self.node_down[n.index()]) => {}
                // Evicted, not back yet.
                PodFate::Stopped => {
                    let pod = std::sync::Arc::make_mut(pod);
                    pod.pod.phase = crate::model::PodPhase::Pending;
                    pod.pod.ready = false;
                    pod.node = None;
                    pod.pod.node_name = None;
                }
                PodFate::Running | PodFate::Unscheduled => {}
            }
        }
        for i in 0..after.pods.len() {
            if let Some(n) = after.pods[i].node {
                std::sync::Arc::make_mut(&mut after.nodes)[n.index()]
                    .pods
                    .push(PodId(i as u32));
            }
        }
        for (l, fate) in fates.leases.iter().enumerate() {
            let lease = &mut after.leaders[l];
            match fate {
                LeaseFate::Moved(p) => {
                    lease.holder = Holder::Pod(*p);
                    std::sync::Arc::make_mut(&mut lease.record).holder =
                        Some(t.pods[p.index()].pod.meta.name.clone());
                }
                LeaseFate::Leaderless => {
                    lease.holder = Holder::Vacant;
                    std::sync::Arc::make_mut(&mut lease.record).holder = None;
                }
                LeaseFate::Kept | LeaseFate::Expiring => {}
            }
        }
        after
    }

    /// The last moment anything happens: the end of the timeline slider.
    pub fn end_seconds(&self) -> u32 {
        let timeline = self.timeline.iter().map(|e| e.t);
        let elections = self.reelections.iter().map(|r| r.after_seconds);
        timeline.chain(elections).max().unwrap_or(0)
    }

    /// What the scenario has done to every node, pod, lease and group `seconds` after t=0.
    pub fn fates_at(&self, t: &Topology, seconds: u32) -> Fates {
        let nodes: Vec<NodeFate> = (0..t.nodes.len())
            .map(|i| {
                if self.node_down[i] {
                    NodeFate::Down
                } else if self.cordoned[i] {
                    NodeFate::Cordoned
                } else {
                    NodeFate::Up
                }
            })
            .collect();
        let pods: Vec<PodFate> = t
            .pods
            .iter()
            .enumerate()
            .map(|(i, info)| {
                let before = info.node.filter(|_| info.pod.is_active());
                let now = self.placed[i];
                let back_at = self.recreated_at.get(i).copied().flatten();
                match (before, now, back_at) {
                    (_, Some(n), Some(at)) if seconds >= at => {
                        if before == Some(n) {
                            PodFate::Running
                        } else {
                            PodFate::Moved(n)
                        }
                    }
                    (Some(_), Some(_), Some(_)) => PodFate::Stopped,
                    (None, Some(_), Some(_)) => PodFate::Unscheduled,
                    (Some(b), Some(n), None) if b == n && !self.node_down[b.index()] => {
                        PodFate::Running
                    }
                    // Placed elsewhere without a recreation time: the original keeps running on a
                    // cut-off side (a partition); draw it where it is.
                    (Some(b), Some(_), None) if !self.node_down[b.index()] => PodFate::Running,
                    (Some(b), _, _) if self.node_down[b.index()] => PodFate::Stopped,
                    (Some(_), None, _) => PodFate::Pending,
                    (Some(_), Some(_), None) => PodFate::Stopped,
                    (None, Some(n), None) => PodFate::Moved(n),
                    (None, None, _) => PodFate::Unscheduled,
                }
            })
            .collect();
        // Indexed by lease once: a zone failure re-elects thousands of leases.
        let mut reelection = vec![None; t.leaders.len()];
        for r in &self.reelections {
            reelection[r.id.index()] = Some(r.after_seconds);
        }
        let mut new_holder = vec![None; t.leaders.len()];
        for (lease, holder) in &self.new_holders {
            new_holder[lease.index()] = Some(*holder);
        }
        let leases = (0..t.leaders.len())
            .map(|l| {
                let Some(after_seconds) = reelection[l] else {
                    return LeaseFate::Kept;
                };
                if seconds < after_seconds {
                    return LeaseFate::Expiring;
                }
                match new_holder[l] {
                    Some(Some(p)) if t.leaders[l].holder == Holder::Pod(p) => LeaseFate::Kept,
                    Some(Some(p)) => LeaseFate::Moved(p),
                    _ => LeaseFate::Leaderless,
                }
            })
            .collect();
        let mut settled = vec![None; t.groups.len()];
        for o in &self.groups {
            settled[o.id.index()] = Some(o.has_quorum);
        }
        let groups = t
            .groups
            .iter()
            .enumerate()
            .map(|(g, info)| {
                let w = &t.workloads[info.workload.index()];
                let available = w
                    .pods
                    .iter()
                    .filter(|p| {
                        let node = match pods[p.index()] {
                            PodFate::Running => t.pods[p.index()].node,
                            PodFate::Moved(n) => Some(n),
                            _ => None,
                        };
                        node.is_some_and(|n| {
                            nodes[n.index()] != NodeFate::Down && t.nodes[n.index()].node.is_ready()
                        })
                    })
                    .count() as u32;
                let settled = settled[g];
                let needed = crate::analysis::quorum_size(info.mode, w.desired());
                GroupFate {
                    available,
                    needed,
                    has_quorum: available >= needed && available > 0 && settled.unwrap_or(true),
                }
            })
            .collect();
        Fates {
            seconds,
            nodes,
            pods,
            leases,
            groups,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::{Event, Params, Target, simulate};
    use crate::testkit::*;

    fn pod(t: &Topology, name: &str) -> PodId {
        crate::simulate::events::resolve_pod(t, name).unwrap()
    }

    #[test]
    fn a_failed_zone_stops_its_pods_and_its_deployment_pods_come_back_elsewhere_later() {
        let c = three_zones()
            + pg_on(&["a1", "b1", "c1"])
            + ClusterYaml::new()
                .deployment("app", "web", 2)
                .pod("app", "web-1-a", "ReplicaSet", "web-1", "web", "a2")
                .pod("app", "web-1-b", "ReplicaSet", "web-1", "web", "b2")
                .lease("app", "web", "web-1-a_7f3c", "2026-11-20T10:00:00Z");
        let t = c.topology();
        let fail = [Event::Fail(Target::Zone("eu-a".into()))];
        let o = simulate(&t, &fail, &Params::default()).unwrap();

        let at0 = o.fates_at(&t, 0);
        let a1 = t.node_named(ClusterId(0), "a1").unwrap();
        let b1 = t.node_named(ClusterId(0), "b1").unwrap();
        assert_eq!(at0.nodes[a1.index()], NodeFate::Down);
        assert_eq!(at0.nodes[b1.index()], NodeFate::Up);
        assert_eq!(at0.pods[pod(&t, "db/pg-0").index()], PodFate::Stopped);
        assert_eq!(at0.pods[pod(&t, "db/pg-1").index()], PodFate::Running);
        assert_eq!(at0.pods[pod(&t, "app/web-1-a").index()], PodFate::Stopped);
        assert_eq!(at0.leases[0], LeaseFate::Expiring);
        // pg keeps 2 of 3: a majority.
        let pg = t.group_of_workload(t.pods[pod(&t, "db/pg-0").index()].workload.unwrap());
        assert!(at0.groups[pg.unwrap().index()].has_quorum);

        let end = o.fates_at(&t, o.end_seconds());
        // eu-a's second node (a2, holding web-1-a) is tainted NoExecute 10 s after the first:
        // the node lifecycle controller's per-zone rate limit.
        assert_eq!(o.end_seconds(), 50 + 10 + 300);
        // A StatefulSet pod waits for its node; a Deployment pod is recreated in another zone.
        assert_eq!(end.pods[pod(&t, "db/pg-0").index()], PodFate::Stopped);
        let PodFate::Moved(to) = end.pods[pod(&t, "app/web-1-a").index()] else {
            panic!("web-1-a should have moved: {:?}", end.pods);
        };
        assert_ne!(t.nodes[to.index()].zone, t.nodes[a1.index()].zone);
        assert_eq!(
            end.leases[0],
            LeaseFate::Moved(pod(&t, "app/web-1-b")),
            "the surviving replica takes the lease after it expires"
        );
    }

    #[test]
    fn a_group_without_a_majority_is_marked_at_every_moment() {
        let c = three_zones() + pg_on(&["a1", "a2", "b1"]);
        let t = c.topology();
        let fail = [Event::Fail(Target::Zone("eu-a".into()))];
        let o = simulate(&t, &fail, &Params::default()).unwrap();
        for s in [0, o.end_seconds()] {
            let f = o.fates_at(&t, s);
            assert_eq!(f.groups_without_quorum().count(), 1);
            assert_eq!(f.groups[0].available, 1);
            assert_eq!(f.groups[0].needed, 2);
        }
    }

    #[test]
    fn a_drained_node_is_cordoned_and_its_evicted_pods_run_elsewhere() {
        let c = three_zones()
            + ClusterYaml::new().deployment("app", "web", 1).pod(
                "app",
                "web-1-a",
                "ReplicaSet",
                "web-1",
                "web",
                "a1",
            );
        let t = c.topology();
        let drain = [Event::Drain(Target::Node("a1".into()))];
        let o = simulate(&t, &drain, &Params::default()).unwrap();
        let f = o.fates_at(&t, o.end_seconds());
        let a1 = t.node_named(ClusterId(0), "a1").unwrap();
        assert_eq!(f.nodes[a1.index()], NodeFate::Cordoned);
        assert!(matches!(f.pods[0], PodFate::Moved(n) if n != a1));
    }
}
