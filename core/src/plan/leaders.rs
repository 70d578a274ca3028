//! The leaders goal: a holder for every movable lease, optimal by the lexicographic objective
//! (fullest zone, fullest node, handovers), and the handover steps that get there.

use super::*;

/// The leaders goal: the exact lexicographic optimum and the handovers that reach it.
pub(super) fn leaders(t: &Topology, options: &Options) -> (Vec<Step>, BoundLeaders, Vec<String>) {
    let mut notes = Vec::new();
    let mut fixed_host = vec![0u32; t.nodes.len()];
    let mut movable: Vec<(LeaderId, mcf::Lease)> = Vec::new();
    for (i, l) in t.leaders.iter().enumerate() {
        let id = LeaderId(i as u32);
        if l.expired() {
            continue;
        }
        let current = t.holder_node(id);
        let eligible = eligible_nodes(t, id);
        let movable_here = matches!(l.holder, Holder::Pod(_)) && eligible.len() > 1;
        if movable_here {
            movable.push((
                id,
                mcf::Lease {
                    hosts: eligible.iter().map(|n| n.index()).collect(),
                    current: current.map(|n| n.index()),
                },
            ));
        } else if let Some(n) = current {
            fixed_host[n.index()] += 1;
        }
    }
    let problem = mcf::Problem {
        zone_of_host: t.nodes.iter().map(|n| n.zone.index()).collect(),
        zones: t.zones.len(),
        fixed_host,
        leases: movable.iter().map(|(_, l)| l.clone()).collect(),
    };
    let Some(solution) = mcf::solve(&problem) else {
        notes.push("leaders: no placement exists for the movable leases".into());
        return (
            vec![],
            BoundLeaders {
                max_per_zone: 0,
                max_per_node: 0,
                handovers: 0,
            },
            notes,
        );
    };
    let mut steps = Vec::new();
    for ((lease, l), host) in movable.iter().zip(&solution.hosts) {
        if l.current == Some(*host) {
            continue;
        }
        let info = &t.leaders[lease.index()];
        let Holder::Pod(from) = info.holder else {
            continue;
        };
        let group = info.group.expect("movable leases have a group");
        // The replica on the chosen node.
        let Some(to) = t.running_replicas(group).find(|p| {
            t.pods[p.index()].node.map(|n| n.index()) == Some(*host) && t.pods[p.index()].pod.ready
        }) else {
            continue;
        };
        steps.push(handover_step(t, *lease, from, to, options.handover));
    }
    if options.handover == Handover::Restart {
        // Untargeted: keep a restart only where every possible winner keeps the plan at its bound.
        let mut node_load = problem.fixed_host.clone();
        for host in &solution.hosts {
            node_load[*host] += 1;
        }
        let mut zone_load = vec![0u32; t.zones.len()];
        for (h, n) in node_load.iter().enumerate() {
            zone_load[problem.zone_of_host[h]] += n;
        }
        let mut kept = Vec::new();
        for step in steps {
            let (lease, planned) = step.handover.expect("handover steps carry their lease");
            let planned = t.pods[planned.index()].node.expect("placed").index();
            let winners = restart_candidates(t, lease);
            let fits = |n: usize| {
                let moved = u32::from(n != planned);
                let zone = problem.zone_of_host[n];
                let zone_moved = u32::from(zone != problem.zone_of_host[planned]);
                node_load[n] + moved <= solution.max_per_node
                    && zone_load[zone] + zone_moved <= solution.max_per_zone
            };
            // The restarted holder itself may win too: its replacement, if it starts before the
            // survivors see the lease expire, or the holder back under its own name.
            let comeback = comeback_nodes(t, lease);
            let acceptable = winners
                .iter()
                .all(|p| fits(t.pods[p.index()].node.expect("placed").index()))
                && comeback.iter().all(|n| fits(n.index()));
            if acceptable {
                kept.push(step);
            } else {
                let mut possible: Vec<String> = winners.iter().map(|p| t.pod_display(*p)).collect();
                if !comeback.is_empty() {
                    possible.push(format!(
                        "the restarted pod itself, on {}",
                        comeback
                            .iter()
                            .map(|n| t.node_display(*n))
                            .collect::<Vec<_>>()
                            .join(" or ")
                    ));
                }
                notes.push(format!(
                    "{}: a restart could hand it to a replica that breaks the bound (possible winners: {}); use --handover preferred-holder",
                    step.lease.clone().unwrap_or_default(),
                    possible.join(", ")
                ));
            }
        }
        steps = kept;
    }
    let bound = BoundLeaders {
        max_per_zone: solution.max_per_zone,
        max_per_node: solution.max_per_node,
        handovers: solution.handovers,
    };
    (steps, bound, notes)
}

/// Where the holder's own pod may run again after a restart, winning the lease back: the nodes
/// the scheduler may put its replacement on (a ReplicaSet's pod starts at once elsewhere and may
/// read the lease before the survivors see it expire), or its own node (a StatefulSet's pod back
/// under its own name renews at once). Predicted by the simulator, as `simulate --evict` does.
pub(super) fn comeback_nodes(t: &Topology, lease: LeaderId) -> Vec<NodeId> {
    let Holder::Pod(holder) = t.leaders[lease.index()].holder else {
        return vec![];
    };
    let name = t.pod_display(holder);
    let events = [crate::simulate::Event::Evict(name.clone())];
    let Ok(outcome) = crate::simulate::simulate(t, &events, &Default::default()) else {
        return vec![];
    };
    let cluster = t.pods[holder.index()].cluster;
    let node = |n: &str| t.node_named(cluster, n.rsplit('/').next().unwrap_or(n));
    outcome
        .rescheduled
        .iter()
        .filter(|r| r.pod == name)
        .flat_map(|r| {
            let mut nodes: Vec<NodeId> = r.candidates.iter().filter_map(|c| node(c)).collect();
            nodes.extend(node(&r.to));
            nodes
        })
        .collect::<std::collections::BTreeSet<NodeId>>()
        .into_iter()
        .collect()
}

/// Replicas that could win an untargeted election after the holder restarts.
pub(super) fn restart_candidates(t: &Topology, lease: LeaderId) -> Vec<PodId> {
    let info = &t.leaders[lease.index()];
    let Some(group) = info.group else {
        return vec![];
    };
    let holder = match info.holder {
        Holder::Pod(p) => Some(p),
        _ => None,
    };
    t.running_replicas(group)
        .filter(|p| Some(*p) != holder && t.pods[p.index()].pod.ready)
        .collect()
}

pub(super) fn handover_step(
    t: &Topology,
    lease: LeaderId,
    from: PodId,
    to: PodId,
    method: Handover,
) -> Step {
    let info = &t.leaders[lease.index()];
    let ns = &info.record.meta.namespace;
    let kn = kubectl_in(ns);
    let name = &info.record.meta.name;
    let to_pod = &t.pods[to.index()].pod.meta.name;
    let from_pod = &t.pods[from.index()].pod.meta.name;
    let from_node = t.pods[from.index()]
        .node
        .map(|n| t.node_display(n))
        .unwrap_or_default();
    let to_node = t.pods[to.index()]
        .node
        .map(|n| t.node_display(n))
        .unwrap_or_default();
    let lease_name = t.leader_display(lease);
    let kind = info.record.kind;
    let wait_holder = |holder: &str| {
        format!(
            "timeout 120 sh -c 'until {kn} get lease {name} -o jsonpath={{.spec.holderIdentity}} | grep -q \"^{holder}\"; do sleep 2; done'"
        )
    };
    let rv = info.record.meta.resource_version.as_deref();
    let from_meta = &t.pods[from.index()].pod.meta;
    let (calls, expect) = match method {
        Handover::PreferredHolder if kind == Kind::Lease => (
            vec![Call::patch(
                "coordination.k8s.io/v1",
                "Lease",
                ns,
                name,
                rv,
                call::preferred_holder_patch(to_pod),
            )],
            Some(Expect::LeaseHeldBy {
                namespace: ns.clone(),
                name: name.clone(),
                holder: to_pod.clone(),
            }),
        ),
        // Only Leases have a preferred holder: annotation records move by hand.
        Handover::PreferredHolder => (vec![], None),
        Handover::Restart => (
            vec![Call::evict(
                &from_meta.namespace,
                &from_meta.name,
                from_meta.resource_version.as_deref(),
            )],
            Some(Expect::LeaseNotHeldBy {
                namespace: ns.clone(),
                name: name.clone(),
                holder: from_pod.clone(),
            }),
        ),
    };
    let (action, targeted, kubectl, dry_run, candidates, rollback, wait) = match method {
        Handover::PreferredHolder => {
            let patch = format!(
                "{kn} patch lease {name} --type=merge -p '{{\"spec\":{{\"preferredHolder\":\"{to_pod}\"}}}}'"
            );
            (
                "handover",
                true,
                patch.clone(),
                format!("{patch} --dry-run=server"),
                vec![],
                format!(
                    "{kn} patch lease {name} --type=merge -p '{{\"spec\":{{\"preferredHolder\":\"{from_pod}\"}}}}'"
                ),
                wait_holder(to_pod),
            )
        }
        Handover::Restart => {
            let delete = format!(
                "kubectl -n {} delete pod {from_pod} --wait=false",
                t.pods[from.index()].pod.meta.namespace
            );
            (
                "restart",
                false,
                delete.clone(),
                format!("{delete} --dry-run=server"),
                restart_candidates(t, lease).into_iter().map(|p| t.pod_display(p)).collect(),
                "none needed: the election settles by itself; restart the new leader to move it again".to_string(),
                format!(
                    "timeout 120 sh -c 'until {kn} get lease {name} -o jsonpath={{.spec.holderIdentity}} | grep -qv \"^{from_pod}\"; do sleep 2; done'"
                ),
            )
        }
    };
    Step {
        wave: 0,
        action: action.into(),
        lease: Some(lease_name.clone()),
        from: Some(t.pod_display(from)),
        to: Some(t.pod_display(to)),
        targeted: Some(targeted),
        candidates,
        comeback: if method == Handover::Restart {
            comeback_nodes(t, lease)
                .into_iter()
                .map(|n| t.node_display(n))
                .collect()
        } else {
            vec![]
        },
        objects: vec![
            format!("{kind} {lease_name}"),
            format!("Pod {}", t.pod_display(from)),
            format!("Pod {}", t.pod_display(to)),
        ],
        reason: format!(
            "moves a leader off {from_node} to {to_node} to reach the best spread of leaders"
        ),
        preconditions: vec![
            format!("{lease_name} is held by {}", t.pod_display(from)),
            format!("{} is Ready on {to_node}", t.pod_display(to)),
        ],
        effect: format!(
            "{} leads {lease_name} (from {from_node} to {to_node})",
            t.pod_display(to)
        ),
        kubectl,
        dry_run,
        wait,
        rollback,
        calls,
        expect,
        manifest: None,
        bytes: None,
        handover: Some((lease, to)),
        change: Some(Change::Handover { lease, to }),
        zone: t.pod_zone(to),
    }
}
