//! The invariants that make one answer everywhere, over generated clusters and random stacked
//! scenarios (seeded by proptest; a failure shrinks to a minimal cluster and scenario):
//!
//! - no pod runs, or is placed, on a node that is down or cordoned at that moment;
//! - for every single failure, the sweep's row is `simulate` of its event at its first moment;
//! - a plan's `after` is the analysis of the graph its steps lead to, and a step that moves a pod
//!   leads where the simulator puts it;
//! - counts add up: per node, per zone and in total.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;
use crate::testkit::ClusterYaml;

/// A cluster: zones a, b, c of one to three nodes (each node has a rack label too), StatefulSets
/// and Deployments placed at random (some replicas Pending), some on local or zonal volumes, some
/// with budgets, and a lease per workload held by one of its replicas.
fn cluster() -> impl Strategy<Value = ClusterYaml> {
    let nodes = proptest::collection::vec(1usize..4, 3);
    let workload = (
        proptest::collection::vec(proptest::option::weighted(0.9, 0usize..9), 1..5),
        any::<bool>(),
        0usize..4,
        0usize..3,
        0usize..4,
    );
    (nodes, proptest::collection::vec(workload, 1..6)).prop_map(|(per_zone, workloads)| {
        let mut c = ClusterYaml::new();
        let mut names = Vec::new();
        for (z, count) in ["a", "b", "c"].iter().zip(&per_zone) {
            for i in 1..=*count {
                let name = format!("{z}{i}");
                c = c.raw(&format!(
                    "apiVersion: v1\nkind: Node\nmetadata:\n  name: {name}\n  labels:\n    kubernetes.io/hostname: {name}\n    topology.kubernetes.io/zone: eu-{z}\n    topology.kubernetes.io/region: eu\n    example.com/rack: rack-{}\nstatus:\n  allocatable: {{cpu: '8', memory: 32Gi, pods: '110'}}\n  conditions:\n  - {{type: Ready, status: 'True'}}\n",
                    i % 2
                ));
                names.push((name, format!("eu-{z}")));
            }
        }
        for (w, (placements, stateful, volume, budget, holder)) in workloads.into_iter().enumerate()
        {
            let name = format!("w{w}");
            let replicas = placements.len() as u32;
            c = if stateful {
                c.statefulset("ns", &name, replicas, "")
            } else {
                c.deployment("ns", &name, replicas)
            };
            for (i, at) in placements.iter().enumerate() {
                let pod = format!("{name}-{i}");
                let node = at.map(|n| names[n % names.len()].clone());
                let (kind, owner) = if stateful {
                    ("StatefulSet", name.clone())
                } else {
                    ("ReplicaSet", format!("{name}-1"))
                };
                // Volumes: none, local to the pod's node, or zonal in its zone.
                let claim = format!("data-{pod}");
                let spec = if volume > 0 && node.is_some() {
                    format!("  volumes:\n  - name: data\n    persistentVolumeClaim: {{claimName: {claim}}}\n")
                } else {
                    String::new()
                };
                c = c.pod_with("ns", &pod, kind, &owner, &name, node.as_ref().map(|n| n.0.as_str()), &spec);
                if let (Some((n, zone)), true) = (&node, volume > 0) {
                    let pin = if volume == 1 {
                        format!("node:{n}")
                    } else {
                        format!("zone:{zone}")
                    };
                    c = c.volume("ns", &claim, &format!("pv-{pod}"), "standard", &pin);
                }
            }
            match budget {
                1 => c = c.pdb("ns", &name, &name, "maxUnavailable: 1"),
                2 => c = c.pdb("ns", &name, &name, "minAvailable: 100%"),
                _ => {}
            }
            let h = holder % placements.len();
            c = c.lease("ns", &name, &format!("{name}-{h}_1f3c"), "2026-11-20T10:00:00Z");
        }
        c
    })
}

/// One to four events, by index into the cluster's names (resolved against the topology).
#[derive(Clone, Debug)]
enum Pick {
    FailNode(usize),
    FailZone(usize),
    Drain(usize),
    RecoverNode(usize),
    RecoverZone(usize),
    Partition(usize),
    Evict(usize),
}

fn picks() -> impl Strategy<Value = Vec<Pick>> {
    let pick = prop_oneof![
        (0usize..9).prop_map(Pick::FailNode),
        (0usize..3).prop_map(Pick::FailZone),
        (0usize..9).prop_map(Pick::Drain),
        (0usize..9).prop_map(Pick::RecoverNode),
        (0usize..3).prop_map(Pick::RecoverZone),
        (0usize..3).prop_map(Pick::Partition),
        (0usize..30).prop_map(Pick::Evict),
    ];
    proptest::collection::vec(pick, 1..5)
}

fn events(t: &Topology, picks: &[Pick]) -> Vec<Event> {
    let node = |i: usize| Target::Node(t.node_display(NodeId((i % t.nodes.len()) as u32)));
    let zone = |i: usize| Target::Zone(t.zone_display(ZoneId((i % t.zones.len()) as u32)));
    picks
        .iter()
        .map(|p| match *p {
            Pick::FailNode(i) => Event::Fail(node(i)),
            Pick::FailZone(i) => Event::Fail(zone(i)),
            Pick::Drain(i) => Event::Drain(node(i)),
            Pick::RecoverNode(i) => Event::Recover(node(i)),
            Pick::RecoverZone(i) => Event::Recover(zone(i)),
            Pick::Partition(i) => {
                let cut = ZoneId((i % t.zones.len()) as u32);
                let rest: Vec<String> = (0..t.zones.len())
                    .map(|z| ZoneId(z as u32))
                    .filter(|z| *z != cut)
                    .map(|z| t.zone_display(z))
                    .collect();
                if rest.is_empty() {
                    Event::Fail(zone(i))
                } else {
                    Event::Partition(vec![vec![t.zone_display(cut)], rest])
                }
            }
            Pick::Evict(i) => Event::Evict(t.pod_display(PodId((i % t.pods.len().max(1)) as u32))),
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 1000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Stacked events never leave a pod on a node that is down, nor move one onto a node that is
    /// down or cordoned; the outcome's counts add up.
    #[test]
    fn no_pod_runs_on_a_node_that_is_down_or_cordoned(c in cluster(), picks in picks()) {
        let t = c.topology();
        prop_assume!(!t.pods.is_empty());
        let events = events(&t, &picks);
        let o = simulate(&t, &events, &Params::default()).unwrap();
        for (i, placed) in o.placed.iter().enumerate() {
            let Some(n) = placed else { continue };
            prop_assert!(!o.node_down[n.index()], "{} runs on the failed {}", t.pod_display(PodId(i as u32)), t.node_display(*n));
            // A pod moved onto a node that a later drain cordoned is still there only because
            // its eviction was refused.
            if t.pods[i].node != Some(*n) && o.cordoned[n.index()] {
                let name = t.pod_display(PodId(i as u32));
                let node = t.node_display(*n);
                prop_assert!(
                    o.evictions.iter().any(|e| e.pod == name && e.node == node && e.status == "blocked"),
                    "{} moved onto the cordoned {} and stays without a refused eviction", name, node
                );
            }
        }
        // Every event happens at t=0: a replacement due later is placed with all of them
        // applied, so never on a node that is down by then.
        for r in o.rescheduled.iter().filter(|r| r.after_seconds > 0) {
            let n = (0..t.nodes.len()).map(|n| NodeId(n as u32)).find(|n| t.node_display(*n) == r.to).unwrap();
            prop_assert!(!o.node_down[n.index()], "{} placed on the failed {} at t+{}", r.pod, r.to, r.after_seconds);
        }
        // The predicted graph reads the same as the outcome says.
        let after = o.after(&t);
        let stats = crate::analysis::analyze(&after, &crate::config::Config::default());
        for g in &stats.groups {
            prop_assert_eq!(g.per_zone.values().sum::<u32>(), g.available, "{}", &g.name);
            prop_assert_eq!(g.per_node.values().sum::<u32>(), g.available, "{}", &g.name);
        }
        let l = &stats.leaders;
        prop_assert_eq!(l.per_zone.values().sum::<u32>(), l.total);
        prop_assert_eq!(l.per_node.values().sum::<u32>(), l.total);
    }

    /// Every row of the sweep is `simulate` of its event at its first moment.
    #[test]
    fn every_sweep_row_is_simulate_of_its_event_at_its_first_moment(c in cluster()) {
        let t = c.topology();
        let params = Params::default();
        let s = sweep::sweep_with(&t, &params);
        for row in &s.scenarios {
            let o = simulate(&t, std::slice::from_ref(&row.scenario), &params).unwrap();
            prop_assert_eq!(&row.moment(), &o.first_moment, "{}", &row.event);
        }
    }

    /// A plan's after is the analysis of the graph its steps lead to; each move lands where the
    /// simulator puts it.
    #[test]
    fn a_plans_after_and_its_moves_are_the_simulators(c in cluster()) {
        let t = c.topology();
        let config = crate::config::Config::default();
        let options = crate::plan::Options {
            goal: crate::plan::Goal::All,
            handover: crate::plan::Handover::PreferredHolder,
            max_concurrent: None,
        };
        let p = crate::plan::plan(&t, &config, &options);
        let end = crate::analysis::analyze(&p.state_after(&t, p.steps.len()), &config);
        prop_assert_eq!(end.count(crate::check::Severity::Critical), p.after.findings["critical"]);
        prop_assert_eq!(end.count(crate::check::Severity::Warning), p.after.findings["warning"]);
        prop_assert_eq!(end.leaders.max_per_zone(), p.after.leaders.max_per_zone);
        for (k, step) in p.steps.iter().enumerate() {
            let event = match &step.change {
                Some(crate::plan::Change::Evict { pod }) => Event::Evict(t.pod_display(*pod)),
                _ => continue,
            };
            let before = p.state_after(&t, k);
            let o = simulate(&before, &[event], &Params::default()).unwrap();
            let by_simulator: BTreeMap<String, Option<String>> = placements(&o.after(&before));
            let by_plan = placements(&p.state_after(&t, k + 1));
            prop_assert_eq!(by_simulator, by_plan, "step {}: {}", k, &step.action);
        }
    }
}

fn placements(t: &Topology) -> BTreeMap<String, Option<String>> {
    (0..t.pods.len())
        .map(|p| {
            let pod = PodId(p as u32);
            (
                t.pod_display(pod),
                t.pods[p].node.map(|n| t.node_display(n)),
            )
        })
        .collect()
}
