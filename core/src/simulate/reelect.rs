//! The end of a scenario: leases whose holder stopped or was cut off are judged (who takes over,
//! when, and the split-brain risks), and the world becomes its [`Outcome`]. Also the moment view
//! of the world that the first moment and the lease rules read.

use std::collections::BTreeMap;

use super::*;

impl World<'_> {
    pub(super) fn finish(mut self) -> Outcome {
        let t = self.t;
        // Groups.
        for g in 0..t.groups.len() {
            let outcome = moment::group(&self, GroupId(g as u32));
            self.out.groups.push(outcome);
        }
        self.reelect();
        // Stranded volumes: data nobody can reach.
        // Zones (by cluster and name) with a node still up, so a zonal volume is judged at once.
        let mut zone_up: std::collections::HashSet<(ClusterId, &str)> = Default::default();
        for (i, n) in t.nodes.iter().enumerate() {
            if !self.node_down[i] {
                zone_up.insert((n.cluster, t.zones[n.zone.index()].name.as_str()));
            }
        }
        for pv in t.pvs.iter() {
            let reachable = match &pv.pin {
                Pin::None => continue,
                Pin::Zones(zones) => zones
                    .iter()
                    .any(|z| zone_up.contains(&(pv.cluster, z.as_str()))),
                Pin::Nodes(nodes) => nodes.iter().any(|n| {
                    t.node_named(pv.cluster, n)
                        .is_some_and(|id| !self.node_down[id.index()])
                }),
                Pin::Other => t.nodes.iter().enumerate().any(|(i, n)| {
                    n.cluster == pv.cluster && !self.node_down[i] && pv.admits(NodeId(i as u32), n)
                }),
            };
            if !reachable {
                let pvc = pv.pvc.map(|c| {
                    let c = &t.pvcs[c.index()];
                    t.display(c.cluster, &c.pvc.meta.namespace, &c.pvc.meta.name)
                });
                self.out.stranded_volumes.push(Stranded {
                    pvc: pvc.unwrap_or_default(),
                    pv: pv.pv.meta.name.clone(),
                    pinned_to: pv.pin.describe(),
                });
            }
        }
        self.out.timeline.sort_by_key(|e| e.t);
        self.out.placed = self.placed;
        self.out.node_down = self.node_down;
        self.out.cordoned = self.cordoned;
        self.out.recreated_at = self.recreated_at;
        self.out.side_of_node = self.side_of_node;
        self.out
    }

    /// A risk's replicas per side as the cut found them (the first moment), before any was
    /// recreated on the other side.
    fn sides_at_the_cut(&self, risk: &moment::SplitRisk) -> Vec<Vec<String>> {
        self.out
            .first_moment
            .split_brain
            .iter()
            .find(|r| r.group == risk.group)
            .map_or_else(|| risk.sides.clone(), |r| r.sides.clone())
    }

    /// Leases whose holder stopped or was cut off: when they expire and who may take over.
    fn reelect(&mut self) {
        let t = self.t;
        let mut at_moment: BTreeMap<u32, u32> = BTreeMap::new();
        for l in 0..t.leaders.len() {
            let id = LeaderId(l as u32);
            let Some(decision) = moment::lease(&*self, self.p, id) else {
                continue;
            };
            let info = &t.leaders[l];
            let names: Vec<String> = decision
                .candidates
                .iter()
                .map(|p| t.pod_display(*p))
                .collect();
            let to = decision.winner();
            let after = decision.after;
            let lease = t.leader_display(id);
            let from = match info.holder {
                Holder::Pod(p) => Some(t.pod_display(p)),
                Holder::Node(n) => Some(t.node_display(n)),
                _ => info.record.holder.clone(),
            };
            self.note(
                after,
                match to {
                    Some(p) if from.as_deref() == Some(t.pod_display(p).as_str()) => {
                        if moment::replaced(t, p) {
                            format!(
                                "lease {lease} expires; the new pod replacing its holder takes over"
                            )
                        } else if decision.after < duration_of(t, id, self.p) {
                            format!(
                                "lease {lease}: its holder, recreated under the same identity, renews it"
                            )
                        } else {
                            format!("lease {lease} expires; its holder, recreated, takes it over again")
                        }
                    }
                    Some(_) if names.len() > 1 => format!(
                        "lease {lease} expires; one of {} takes over",
                        names.join(", ")
                    ),
                    Some(p) => format!("lease {lease} expires; {} takes over", t.pod_display(p)),
                    None => format!(
                        "lease {lease} expires; nobody can take over ({})",
                        decision.reason
                    ),
                },
            );
            if to.is_some() {
                *at_moment
                    .entry(after + self.p.retry_period_seconds)
                    .or_insert(0) += 1;
            }
            if let (Some(risk), Some(winner)) = (moment::split_brain(&*self, id, &decision), to) {
                self.out.split_brain.push(SplitBrain {
                    sides: self.sides_at_the_cut(&risk),
                    group: risk.group,
                    reason: format!(
                        "{} still runs on a side cut off from the control plane and may act as leader \
                         until it notices it cannot renew {lease}, while {} is elected on the other side",
                        from.clone().unwrap_or_default(),
                        t.pod_display(winner)
                    ),
                });
            }
            self.out.new_holders.push((id, to));
            self.out.reelections.push(Reelection {
                lease,
                from,
                to: to.map(|p| t.pod_display(p)),
                after_seconds: after,
                candidates: names,
                reason: decision.reason,
                id,
            });
        }
        self.out.max_simultaneous_reelections = at_moment.values().copied().max().unwrap_or(0);
        // Across clusters, a workload in several clusters elects on every side, always.
        if self.sides.len() > 1 {
            for risk in moment::dual_active(&*self) {
                self.out.split_brain.push(SplitBrain {
                    sides: self.sides_at_the_cut(&risk),
                    group: risk.group,
                    reason: "runs in several clusters, each with its own API server and lease: every side keeps a leader and writes".into(),
                });
            }
        }
    }
}

impl moment::View for World<'_> {
    fn topology(&self) -> &Topology {
        self.t
    }
    fn placed(&self, pod: PodId) -> Option<NodeId> {
        self.placed[pod.index()]
    }
    fn down(&self, node: NodeId) -> bool {
        self.node_down[node.index()]
    }
    fn stopped(&self, pod: PodId) -> Option<(u32, bool)> {
        self.stopped[pod.index()]
    }
    fn back_at(&self, pod: PodId) -> Option<u32> {
        self.recreated_at[pod.index()]
    }
    fn side(&self, node: NodeId) -> Option<usize> {
        self.side_of_node[node.index()]
    }
    fn reaches(&self, node: NodeId) -> bool {
        self.reaches_control_plane(node)
    }
    fn sides(&self) -> usize {
        self.sides.len()
    }
    fn side_name(&self, side: usize) -> String {
        self.sides.get(side).cloned().unwrap_or_default()
    }
}
