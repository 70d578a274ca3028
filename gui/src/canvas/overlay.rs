//! What the canvas draws on top of the layout: today's leaders, or the consequences of a what-if
//! at one moment, or a plan's predicted state. Built from core's answers, never decided here.

use std::collections::HashMap;
use std::sync::Arc;

use quorum_core::graph::{Holder, NodeId, PodId, Topology};
use quorum_core::overview::Overview;
use quorum_core::simulate::fates::{Fates, LeaseFate, NodeFate, PodFate};

use quorum_core::workbench::Workbench;

/// A leader's crown on a pod.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Crown {
    /// Holds the lease (today, or still).
    Held,
    /// Its holder stopped; the lease has not expired yet.
    Expiring,
    /// Took the lease over from another pod.
    Moved,
    /// Held it before; no longer.
    Lost,
}

#[derive(Default)]
pub struct Overlay {
    pub nodes: Option<Vec<NodeFate>>,
    pub pods: Option<Vec<PodFate>>,
    /// Pods recreated on a node, drawn after its own pods.
    pub arrivals: HashMap<NodeId, Vec<PodId>>,
    pub crowns: HashMap<PodId, Crown>,
    /// Per group: whether it lacks quorum in this state.
    pub lost_quorum: Vec<bool>,
    /// Leases that moved or were lost in this state.
    pub leases_moved: usize,
    pub leases_lost: usize,
    /// The state's counts per node and zone, as core computes them (today's when none).
    pub overview: Option<Arc<Overview>>,
    /// Today's state, as exported: the findings (which are about today) colour it.
    pub today: bool,
}

impl Overlay {
    /// Today: the leaders as exported, and the groups that already lack quorum.
    pub fn today(session: &Workbench) -> Overlay {
        let t = &session.topology;
        let mut crowns = HashMap::new();
        for l in &t.leaders {
            if let Holder::Pod(p) = l.holder {
                crowns.insert(p, Crown::Held);
            }
        }
        let mut lost_quorum = vec![false; t.groups.len()];
        for g in &session.analysis.groups {
            lost_quorum[g.id.index()] = !g.has_quorum();
        }
        Overlay {
            crowns,
            lost_quorum,
            today: true,
            ..Overlay::default()
        }
    }

    /// A what-if at one moment, with the overview of the graph at that moment.
    pub fn fates(t: &Topology, fates: &Fates, overview: Overview) -> Overlay {
        let mut crowns = HashMap::new();
        let (mut moved, mut lost) = (0, 0);
        for (l, fate) in fates.leases.iter().enumerate() {
            let before = match t.leaders[l].holder {
                Holder::Pod(p) => Some(p),
                _ => None,
            };
            match fate {
                LeaseFate::Kept => {
                    if let Some(p) = before {
                        crowns.insert(p, Crown::Held);
                    }
                }
                LeaseFate::Expiring => {
                    if let Some(p) = before {
                        crowns.insert(p, Crown::Expiring);
                    }
                }
                LeaseFate::Moved(to) => {
                    moved += 1;
                    if let Some(p) = before {
                        crowns.entry(p).or_insert(Crown::Lost);
                    }
                    crowns.insert(*to, Crown::Moved);
                }
                LeaseFate::Leaderless => {
                    lost += 1;
                    if let Some(p) = before {
                        crowns.entry(p).or_insert(Crown::Lost);
                    }
                }
            }
        }
        let mut arrivals: HashMap<NodeId, Vec<PodId>> = HashMap::new();
        for (p, fate) in fates.pods.iter().enumerate() {
            if let PodFate::Moved(n) = fate {
                arrivals.entry(*n).or_default().push(PodId(p as u32));
            }
        }
        Overlay {
            nodes: Some(fates.nodes.clone()),
            pods: Some(fates.pods.clone()),
            arrivals,
            crowns,
            lost_quorum: fates.groups.iter().map(|g| !g.has_quorum).collect(),
            leases_moved: moved,
            leases_lost: lost,
            overview: Some(Arc::new(overview)),
            today: false,
        }
    }

    /// A plan's predicted state: the same pods, leases with their new holders.
    pub fn holders(session: &Workbench, state: quorum_core::workbench::PlanState) -> Overlay {
        let t = &session.topology;
        let after = &state.after;
        let mut overlay = Overlay::today(session);
        overlay.overview = Some(Arc::new(state.overview));
        overlay.crowns.clear();
        for (l, info) in after.leaders.iter().enumerate() {
            let before = t.leaders[l].holder;
            if let Holder::Pod(p) = info.holder {
                if before == info.holder {
                    overlay.crowns.insert(p, Crown::Held);
                } else {
                    overlay.leases_moved += 1;
                    overlay.crowns.insert(p, Crown::Moved);
                }
            }
            if let Holder::Pod(b) = before
                && before != info.holder
            {
                overlay.crowns.entry(b).or_insert(Crown::Lost);
            }
        }
        overlay
    }

    /// The counts of the state drawn: this overlay's, else today's.
    pub fn overview<'a>(&'a self, today: &'a Workbench) -> &'a Overview {
        self.overview.as_deref().unwrap_or(&today.overview)
    }

    pub fn node(&self, n: NodeId) -> NodeFate {
        self.nodes.as_ref().map_or(NodeFate::Up, |v| v[n.index()])
    }

    pub fn pod(&self, p: PodId) -> PodFate {
        self.pods
            .as_ref()
            .map_or(PodFate::Running, |v| v[p.index()])
    }
}
