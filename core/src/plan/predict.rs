//! The graphs a plan predicts: each step's change applied, in order, to the graph before it. A
//! step that moves a pod is the simulator's outcome of its event (an eviction, a deletion with
//! the data restored in another zone), so a plan and a simulation never disagree on where a pod
//! lands; the other steps change objects (a lease's holder, a budget, a pod template, a class).

use std::sync::Arc;

use super::Step;
use crate::graph::*;
use crate::model::{IntOrPercent, NodeSelector, NodeSelectorTerm, Operator, Pdb, Requirement};
use crate::model::{Source, SpreadConstraint, StorageClass};
use crate::simulate::{Event, Params, simulate};

/// What a step changes in the graph.
#[derive(Clone, Debug)]
pub enum Change {
    /// A lease changes hands: to the pod a targeted handover names, or, for a restart, to the
    /// winner the planner counted on (every possible winner keeps the same spread).
    Handover { lease: LeaderId, to: PodId },
    /// A pod evicted through the eviction API, recreated where the scheduler puts it.
    Evict { pod: PodId },
    /// A pod moved to a zone with its data: its zonal volumes restored there, the pod deleted
    /// (no budget is asked) and recreated where the scheduler puts it.
    Migrate { pod: PodId, zone: ZoneId },
    /// A new budget.
    CreatePdb { cluster: ClusterId, pdb: Pdb },
    /// A budget's limits replaced.
    SetPdbLimits {
        pdb: PdbId,
        min_available: Option<IntOrPercent>,
        max_unavailable: Option<IntOrPercent>,
    },
    /// A constraint added to a workload's pod template: its controller rolls every pod out under
    /// it, one at a time.
    AddSpread {
        workload: WorkloadId,
        constraint: SpreadConstraint,
    },
    /// A new StorageClass (the old one stays until it is deleted).
    CreateStorageClass {
        cluster: ClusterId,
        class: StorageClass,
    },
}

/// The graph once `steps` have run, in order. Steps without a change (done by hand, elsewhere)
/// change nothing.
pub fn predict(t: &Topology, steps: &[Step]) -> Topology {
    let mut now = t.clone();
    for change in steps.iter().filter_map(|s| s.change.as_ref()) {
        now = apply(now, change);
    }
    now
}

fn plan_source() -> Source {
    Source {
        file: Arc::from("(plan)"),
        document: 0,
        line: 0,
    }
}

fn apply(mut t: Topology, change: &Change) -> Topology {
    match change {
        Change::Handover { lease, to } => {
            let name = t.pods[to.index()].pod.meta.name.clone();
            let l = &mut t.leaders[lease.index()];
            l.holder = Holder::Pod(*to);
            std::sync::Arc::make_mut(&mut l.record).holder = Some(name);
            t
        }
        Change::Evict { pod } => moved(&t, *pod, Event::Evict),
        Change::Migrate { pod, zone } => {
            // The data restored in the target zone: the volumes admit only its nodes.
            let zone_name = t.zones[zone.index()].name.clone();
            let pvs: Vec<PvId> = t.pods[pod.index()]
                .pvcs
                .iter()
                .filter_map(|c| t.pvcs[c.index()].pv)
                .filter(|pv| matches!(t.pvs[pv.index()].pin, Pin::Zones(_) | Pin::Nodes(_)))
                .collect();
            // The zone key its nodes carry.
            let first = t.zones[zone.index()].nodes.first();
            let labels = first.map(|n| &t.nodes[n.index()].node.meta.labels);
            let key = [t.zone_label.as_str(), DEFAULT_ZONE_LABEL, LEGACY_ZONE_LABEL]
                .into_iter()
                .find(|k| labels.is_some_and(|l| l.contains_key(*k)))
                .unwrap_or(t.zone_label.as_str())
                .to_string();
            for pv in pvs {
                let affinity = NodeSelector {
                    terms: vec![NodeSelectorTerm {
                        expressions: vec![Requirement {
                            key: key.clone(),
                            operator: Operator::In,
                            values: vec![zone_name.clone()],
                        }],
                        fields: vec![],
                    }],
                };
                let pin = Pin::Zones(vec![zone_name.clone()]);
                Arc::make_mut(&mut t.pvs)[pv.index()].set_affinity(affinity, pin, &t.nodes);
            }
            moved(&t, *pod, Event::Delete)
        }
        Change::CreatePdb { cluster, pdb } => {
            let cluster = *cluster;
            let id = PdbId(t.pdbs.len() as u32);
            let pods: Vec<PodId> = (0..t.pods.len())
                .map(|p| PodId(p as u32))
                .filter(|p| {
                    let info = &t.pods[p.index()];
                    info.cluster == cluster
                        && info.pod.meta.namespace == pdb.meta.namespace
                        && pdb.selector.matches(&info.pod.meta.labels)
                })
                .collect();
            let workloads: Vec<usize> = (0..t.workloads.len())
                .filter(|w| {
                    let info = &t.workloads[*w];
                    info.cluster == cluster
                        && info.workload.meta.namespace == pdb.meta.namespace
                        && (info.pods.iter().any(|p| pods.contains(p))
                            || info.pods.is_empty()
                                && !info.workload.template_labels.is_empty()
                                && pdb.selector.matches(&info.workload.template_labels))
                })
                .collect();
            for w in workloads {
                Arc::make_mut(&mut t.workloads)[w].pdbs.push(id);
            }
            t.pdbs.push(PdbInfo {
                cluster,
                pdb: std::sync::Arc::new(pdb.clone()),
                source: plan_source(),
                pods,
            });
            t
        }
        Change::SetPdbLimits {
            pdb,
            min_available,
            max_unavailable,
        } => {
            let p = std::sync::Arc::make_mut(&mut t.pdbs[pdb.index()].pdb);
            p.min_available = *min_available;
            p.max_unavailable = *max_unavailable;
            // Its status is the disruption controller's to compute again.
            p.disruptions_allowed = None;
            t
        }
        Change::AddSpread {
            workload,
            constraint,
        } => {
            Arc::make_mut(&mut Arc::make_mut(&mut t.workloads)[workload.index()].workload)
                .placement
                .spread
                .push(constraint.clone());
            // The pod template changed: its controller rolls every pod out, each recreated
            // under the new template (a StatefulSet from its highest ordinal down).
            let order = rollout_order(&t, *workload);
            for pod in &order {
                Arc::make_mut(&mut Arc::make_mut(&mut t.pods)[pod.index()])
                    .pod
                    .placement
                    .spread
                    .push(constraint.clone());
            }
            for pod in order {
                t = moved(&t, pod, Event::Delete);
            }
            t
        }
        Change::CreateStorageClass { cluster, class } => {
            t.classes.push(ClassInfo {
                cluster: *cluster,
                class: class.clone(),
                source: plan_source(),
                pvs: vec![],
            });
            t
        }
    }
}

/// The pods a rollout replaces, in the order its controller does: a StatefulSet's from the
/// highest ordinal down, one at a time; a ReplicaSet's by name. Pods that do not run are
/// recreated from the new template anyway and are not moved.
pub fn rollout_order(t: &Topology, workload: WorkloadId) -> Vec<PodId> {
    let w = &t.workloads[workload.index()];
    let mut pods: Vec<PodId> = w
        .pods
        .iter()
        .copied()
        .filter(|p| t.pods[p.index()].node.is_some() && t.pods[p.index()].pod.is_active())
        .collect();
    let ordinal = |p: &PodId| {
        let name = &t.pods[p.index()].pod.meta.name;
        name.rsplit_once('-')
            .and_then(|(_, n)| n.parse::<u64>().ok())
            .unwrap_or(0)
    };
    if w.workload.kind == crate::model::Kind::StatefulSet {
        pods.sort_by_key(|p| std::cmp::Reverse(ordinal(p)));
    } else {
        pods.sort_by_key(|p| t.pods[p.index()].pod.meta.name.clone());
    }
    pods
}

/// The graph after the simulator's outcome of one pod's event.
fn moved(t: &Topology, pod: PodId, event: fn(String) -> Event) -> Topology {
    match simulate(t, &[event(t.pod_display(pod))], &Params::of(t)) {
        Ok(outcome) => outcome.after(t),
        Err(_) => t.clone(),
    }
}
