use super::*;
use crate::config::Config;
use crate::model::ClusterObjects;
use crate::samples::SAMPLES;
use crate::workbench::Workbench;

/// The leader records of `snapshot` and its nodes, as a live session sends them when nothing
/// else changed.
fn leaders_and_nodes(snapshot: &Snapshot) -> Snapshot {
    changes(snapshot, &Snapshot::default())
}

/// What a live session sends of `after` when only records and states changed since `before`:
/// every leader record, every node, and the pods that differ.
fn changes(after: &Snapshot, before: &Snapshot) -> Snapshot {
    changes_of(after, before, false)
}

/// What a live session sends of `after` when only records and states changed since `before`:
/// every node, the pods that differ, and every leader record or, `only_changed`, those that
/// differ.
fn changes_of(after: &Snapshot, before: &Snapshot, only_changed: bool) -> Snapshot {
    Snapshot {
        clusters: after
            .clusters
            .iter()
            .map(|c| {
                let old = before.clusters.iter().find(|b| b.name == c.name);
                let pods = c
                    .pods
                    .iter()
                    .filter(|p| old.is_some_and(|old| !old.pods.contains(p)))
                    .cloned()
                    .collect();
                // Pods that went, or came back as another object of their name.
                let pods_gone = old
                    .iter()
                    .flat_map(|old| &old.pods)
                    .filter(|(p, _)| {
                        !c.pods.iter().any(|(n, _)| {
                            (&n.meta.namespace, &n.meta.name, n.meta.created)
                                == (&p.meta.namespace, &p.meta.name, p.meta.created)
                        })
                    })
                    .map(|(p, _)| (p.meta.namespace.clone(), p.meta.name.clone()))
                    .collect();
                let leaders = c
                    .leaders
                    .iter()
                    .filter(|l| !only_changed || old.is_none_or(|old| !old.leaders.contains(l)))
                    .cloned()
                    .collect();
                ClusterObjects {
                    leaders,
                    leaders_changed_only: only_changed,
                    nodes: c.nodes.clone(),
                    pods,
                    pods_gone,
                    ..ClusterObjects::new(c.name.clone())
                }
            })
            .collect(),
        inputs: vec![],
        now: after.now,
    }
}

/// How the leader records change in [`replacing_records_and_nodes_and_pods_states_gives_the_graph_a_full_build_of_them_gives`].
#[derive(Clone, Copy, PartialEq)]
enum Records {
    /// Holders move to any pod or none, a record goes away: every record is sent.
    Anyhow,
    /// Holders move to any pod or none: the changed records alone are sent.
    Changed,
    /// Holders stay, their terms turn over: the changed records alone are sent, and no group
    /// changes.
    Renewed,
}

#[test]
fn replacing_records_and_nodes_and_pods_states_gives_the_graph_a_full_build_of_them_gives() {
    for records in [Records::Anyhow, Records::Changed, Records::Renewed] {
        replacing_gives_a_full_build(records);
    }
}

fn replacing_gives_a_full_build(records: Records) {
    let options = Config::default().build_options();
    let (mut changed_leaders, mut changed_nodes, mut moved_pods) = (false, false, 0);
    let mut kept_groups = false;
    for sample in SAMPLES {
        let before = sample.load();
        let mut after = before.clone();
        // What a node's kubelet and its operator do: it stops reporting Ready, is cordoned,
        // tainted.
        for c in &mut after.clusters {
            for (i, (n, _)) in c.nodes.iter_mut().enumerate() {
                match i % 3 {
                    0 => n.ready = Some(!n.is_ready()),
                    1 => n.unschedulable = !n.unschedulable,
                    _ => n.taints.push(Taint {
                        key: "node.kubernetes.io/unreachable".into(),
                        value: String::new(),
                        effect: TaintEffect::NoExecute,
                    }),
                }
            }
            // And pods: readiness flips, a pod stops, one is bound to another exported node,
            // one leaves its node (not a static pod, which stays on its own).
            let exported: Vec<String> = c.nodes.iter().map(|(n, _)| n.meta.name.clone()).collect();
            let mut unbound = 0;
            for (i, (p, _)) in c.pods.iter_mut().enumerate() {
                let static_pod = p.meta.controller().is_some_and(|o| o.kind == "Node");
                let on_exported = p.node_name.as_ref().is_none_or(|n| exported.contains(n));
                match i % 4 {
                    0 => p.ready = !p.ready,
                    1 if !static_pod && on_exported && !exported.is_empty() => {
                        p.node_name = Some(exported[(i * 7) % exported.len()].clone());
                        moved_pods += 1;
                    }
                    2 if !static_pod && on_exported && unbound < 2 => {
                        p.node_name = None;
                        p.phase = PodPhase::Pending;
                        p.ready = false;
                        unbound += 1;
                    }
                    3 if p.is_active() => p.phase = PodPhase::Pending,
                    _ => {}
                }
            }
        }
        // What a live cluster does to leases: holders move to other pods, leave them vacant,
        // a record goes away, and time passes (some expire).
        for c in &mut after.clusters {
            let pods: Vec<String> = c.pods.iter().map(|(p, _)| p.meta.name.clone()).collect();
            for (i, (l, _)) in c.leaders.iter_mut().enumerate() {
                if records == Records::Renewed {
                    if i % 2 == 0 {
                        l.transitions = Some(l.transitions.unwrap_or(0) + 1);
                    }
                    continue;
                }
                if i % 2 == 0 && !pods.is_empty() {
                    l.holder = Some(pods[(i * 7) % pods.len()].clone());
                }
                if i % 5 == 0 {
                    l.holder = None;
                }
            }
            if records == Records::Anyhow && !c.leaders.is_empty() {
                c.leaders.remove(c.leaders.len() / 2);
            }
        }
        after.now = before
            .newest_renew_time()
            .map(|t| t + chrono::Duration::seconds(20));
        let full = Topology::build(&after, &options);
        let last = Workbench::new(
            Topology::build(&before, &options),
            vec![],
            Config::default(),
        );
        let (incremental, changed) = last
            .topology
            .changes_applied(
                changes_of(&after, &before, records != Records::Anyhow),
                &options,
            )
            .expect("every node and pod in its place");
        assert_eq!(
            format!("{full:#?}"),
            format!("{incremental:#?}"),
            "sample {}",
            sample.name
        );
        // The state built on the last one, reusing what the change did not touch, is the
        // state built afresh.
        kept_groups |= changed.groups_kept && !changed.pods.is_empty();
        let reused = Workbench::after(&last, incremental, &changed, vec![]);
        let fresh = Workbench::new(full.clone(), vec![], Config::default());
        assert_same_state(&reused, &fresh, sample.name);
        let old = Topology::build(&before, &options);
        changed_leaders |= format!("{:?}", old.leaders) != format!("{:?}", full.leaders);
        changed_nodes |= format!("{:?}", old.nodes) != format!("{:?}", full.nodes);
    }
    assert!(changed_leaders, "the changes changed some leader");
    assert!(changed_nodes, "the changes changed some node");
    assert!(moved_pods > 0, "the changes moved some pod");
    // Renewed records keep the groups: the statistics of untouched groups are reused.
    assert!(kept_groups || records != Records::Renewed);
}

#[test]
fn a_state_built_on_the_last_one_after_a_single_change_is_the_state_built_afresh() {
    let options = Config::default().build_options();
    let (mut tried, mut undone) = (0, 0);
    let (mut structural, mut structural_tried) = (0, 0);
    for sample in SAMPLES {
        let mut before = sample.load();
        // In the order a live session lists pods.
        for c in &mut before.clusters {
            c.pods.sort_by(|(a, _), (b, _)| {
                (&a.meta.namespace, &a.meta.name).cmp(&(&b.meta.namespace, &b.meta.name))
            });
        }
        let last = Workbench::new(
            Topology::build(&before, &options),
            vec![],
            Config::default(),
        );
        // One change at a time, as a live cluster makes them: a node stops being ready (and
        // comes back), a pod is bound to another node, finishes, or is unbound; a pod is
        // deleted, created beside its peers (bound or not), or deleted and created again.
        let mut changes: Vec<(Snapshot, bool)> = vec![];
        for (c, cluster) in before.clusters.iter().enumerate() {
            let exported: Vec<&str> = cluster
                .nodes
                .iter()
                .map(|(n, _)| n.meta.name.as_str())
                .collect();
            for (i, (node, _)) in cluster.nodes.iter().enumerate().take(4) {
                let mut after = before.clone();
                after.clusters[c].nodes[i].0.ready = Some(!node.is_ready());
                changes.push((after, false));
            }
            // Pods of their workloads (no static pod, none on a node known only from pods),
            // and the pods that hold a lease (their records are resolved again).
            let of_workloads = cluster.pods.iter().enumerate().filter(|(_, (p, _))| {
                p.meta.controller().is_some_and(|o| o.kind != "Node")
                    && p.node_name.as_deref().is_none_or(|n| exported.contains(&n))
            });
            let holding = |p: &Pod| {
                cluster.leaders.iter().any(|(l, _)| {
                    l.holder
                        .as_deref()
                        .is_some_and(|h| h.split('_').next() == Some(p.meta.name.as_str()))
                })
            };
            let holders: Vec<usize> = of_workloads
                .clone()
                .filter(|(_, (p, _))| holding(p))
                .map(|(i, _)| i)
                .take(3)
                .collect();
            for i in holders {
                let mut after = before.clone();
                after.clusters[c].pods.remove(i);
                changes.push((after, true));
                // Deleted and created again: the same name, another object.
                let mut after = before.clone();
                let again = &mut after.clusters[c].pods[i].0;
                again.meta.created =
                    Some(again.meta.created.unwrap_or_default() + chrono::Duration::seconds(1));
                (again.node_name, again.phase, again.ready) = (None, PodPhase::Pending, false);
                changes.push((after, true));
            }
            for (i, (pod, source)) in of_workloads.step_by(2).take(6) {
                let mut after = before.clone();
                after.clusters[c].pods.remove(i);
                changes.push((after, true));
                for node in [pod.node_name.clone(), None] {
                    let mut after = before.clone();
                    let mut peer = pod.clone();
                    peer.meta.name.push_str("-x1");
                    peer.node_name = node;
                    let pods = &mut after.clusters[c].pods;
                    let at = pods.partition_point(|(p, _)| {
                        (&p.meta.namespace, &p.meta.name) < (&peer.meta.namespace, &peer.meta.name)
                    });
                    pods.insert(at, (peer, source.clone()));
                    changes.push((after, true));
                }
                let mut after = before.clone();
                let again = &mut after.clusters[c].pods[i].0;
                again.meta.created =
                    Some(again.meta.created.unwrap_or_default() + chrono::Duration::seconds(1));
                changes.push((after, true));
            }
            let movable = cluster.pods.iter().enumerate().filter(|(_, (p, _))| {
                p.is_active()
                    && p.node_name
                        .as_deref()
                        .is_some_and(|n| exported.contains(&n))
                    && p.meta.controller().is_none_or(|o| o.kind != "Node")
            });
            for (i, (pod, _)) in movable.step_by(3).take(4) {
                let elsewhere = exported
                    .iter()
                    .find(|n| Some(**n) != pod.node_name.as_deref());
                if let Some(node) = elsewhere {
                    let mut after = before.clone();
                    after.clusters[c].pods[i].0.node_name = Some(node.to_string());
                    changes.push((after, false));
                }
                let mut after = before.clone();
                after.clusters[c].pods[i].0.phase = PodPhase::Succeeded;
                changes.push((after, false));
                let mut after = before.clone();
                let p = &mut after.clusters[c].pods[i].0;
                (p.node_name, p.phase, p.ready) = (None, PodPhase::Pending, false);
                changes.push((after, false));
            }
        }
        for (mut after, pods_came_or_went) in changes {
            after.now = before
                .newest_renew_time()
                .map(|t| t + chrono::Duration::seconds(20));
            structural_tried += usize::from(pods_came_or_went);
            // As a live session sends them: the nodes that changed alone.
            let mut sent = changes_of(&after, &before, true);
            for (c, cluster) in sent.clusters.iter_mut().enumerate() {
                cluster
                    .nodes
                    .retain(|n| !before.clusters[c].nodes.contains(n));
            }
            let Some((graph, changed)) = last.topology.changes_applied(sent, &options) else {
                continue;
            };
            assert!(
                changed.groups_kept || pods_came_or_went,
                "sample {}",
                sample.name
            );
            let fresh_graph = Topology::build(&after, &options);
            assert_same_graph(&graph, &fresh_graph, sample.name);
            let reused = Workbench::after(&last, graph, &changed, vec![]);
            let fresh = Workbench::new(fresh_graph, vec![], Config::default());
            assert_same_state(&reused, &fresh, sample.name);
            tried += 1;
            structural += usize::from(pods_came_or_went);
            // The change undone, on the state built on the last one (what it kept of its
            // last state is kept again): the state before it.
            let mut back = before.clone();
            back.now = after.now;
            let mut sent = changes_of(&back, &after, true);
            for (c, cluster) in sent.clusters.iter_mut().enumerate() {
                cluster
                    .nodes
                    .retain(|n| !after.clusters[c].nodes.contains(n));
            }
            if let Some((graph, changed)) = reused.topology.changes_applied(sent, &options) {
                let again = Workbench::after(&reused, graph, &changed, vec![]);
                let fresh =
                    Workbench::new(Topology::build(&back, &options), vec![], Config::default());
                assert_same_state(&again, &fresh, sample.name);
                undone += 1;
            }
        }
    }
    assert!(tried > 50, "{tried} changes");
    assert!(undone > 50, "{undone} changes undone in place");
    // Pods of workloads the graph holds that come or go are changes in place.
    assert_eq!(
        structural, structural_tried,
        "pods that came or went applied in place"
    );
    assert!(structural > 50, "{structural} pods that came or went");
}

/// Two graphs hold the same pods, each in the same lists, and the same leaders and groups.
fn assert_same_graph(a: &Topology, b: &Topology, sample: &str) {
    let lists = |t: &Topology| {
        format!(
            "pods {:?}\nnodes {:?}\nworkloads {:?}\nclaims {:?}\nbudgets {:?}\nleaders {:?}\ngroups {:?}",
            t.pods,
            t.nodes.iter().map(|n| &n.pods).collect::<Vec<_>>(),
            t.workloads
                .iter()
                .map(|w| (&w.pods, &w.pdbs))
                .collect::<Vec<_>>(),
            t.pvcs.iter().map(|c| &c.pods).collect::<Vec<_>>(),
            t.pdbs.iter().map(|p| &p.pods).collect::<Vec<_>>(),
            t.leaders,
            t.groups,
        )
    };
    assert_eq!(lists(a), lists(b), "graph of sample {sample}");
}

/// Everything the front ends read of two states is the same.
fn assert_same_state(a: &Workbench, b: &Workbench, sample: &str) {
    assert_eq!(
        serde_json::to_value(&*a.analysis).unwrap(),
        serde_json::to_value(&*b.analysis).unwrap(),
        "analysis of sample {sample}"
    );
    assert_eq!(
        format!("{:?}", a.overview),
        format!("{:?}", b.overview),
        "overview of sample {sample}"
    );
    assert_eq!(a.pods, b.pods, "pods' facts of sample {sample}");
    assert_eq!(a.unplaced, b.unplaced, "unplaced pods of sample {sample}");
    assert_eq!(
        a.volume_only_zones, b.volume_only_zones,
        "volume-only zones of sample {sample}"
    );
    assert_eq!(
        format!("{:?}", a.risk),
        format!("{:?}", b.risk),
        "risk of sample {sample}"
    );
    assert_eq!(a.nodes_by_leaders, b.nodes_by_leaders, "sample {sample}");
}

#[test]
fn a_node_that_moved_zone_or_was_not_there_is_no_change_in_place() {
    let options = Config::default().build_options();
    let sample = SAMPLES
        .iter()
        .find(|s| s.load().clusters.iter().any(|c| c.nodes.len() > 1))
        .expect("a sample with nodes");
    let before = sample.load();
    let graph = Topology::build(&before, &options);
    let mut moved = before.clone();
    let node = &mut moved.clusters[0].nodes[0].0;
    node.meta.labels.insert(
        build::DEFAULT_ZONE_LABEL.to_string(),
        "elsewhere".to_string(),
    );
    assert!(
        graph
            .with_changes(leaders_and_nodes(&moved), &options)
            .is_none()
    );
    let mut added = before.clone();
    let mut new = added.clusters[0].nodes[0].clone();
    new.0.meta.name = "a-node-the-graph-does-not-have".into();
    added.clusters[0].nodes.push(new);
    assert!(
        graph
            .with_changes(leaders_and_nodes(&added), &options)
            .is_none()
    );
    // A pod relabelled, or bound to a node the export does not hold: a whole build.
    let (pod, _) = before.clusters[0]
        .pods
        .iter()
        .find(|(p, _)| p.node_name.is_some())
        .expect("a placed pod");
    let mut relabelled = pod.clone();
    relabelled
        .meta
        .labels
        .insert("app".into(), "another".into());
    let mut elsewhere = pod.clone();
    elsewhere.node_name = Some("a-node-nobody-exported".into());
    for changed in [relabelled, elsewhere] {
        let mut after = before.clone();
        for (p, _) in &mut after.clusters[0].pods {
            if p.meta.name == changed.meta.name && p.meta.namespace == changed.meta.namespace {
                *p = changed.clone();
            }
        }
        assert!(
            graph
                .with_changes(changes(&after, &before), &options)
                .is_none()
        );
    }
    // Only its readiness: in place.
    let mut ready = before.clone();
    ready.clusters[0].nodes[0].0.ready = Some(false);
    let changed = graph
        .with_changes(leaders_and_nodes(&ready), &options)
        .expect("in place");
    let name = &ready.clusters[0].nodes[0].0.meta.name;
    let id = changed.node_by_name[0][name];
    assert!(!changed.nodes[id.index()].node.is_ready());
    // The graph it came from is as it was.
    assert_eq!(*graph.nodes[id.index()].node, before.clusters[0].nodes[0].0);
}

/// A cluster as a live read gives it (judged at the clock's time), and its state.
fn read_live(cluster: &crate::testkit::ClusterYaml) -> (Snapshot, Workbench) {
    let mut snapshot = cluster.snapshot();
    snapshot.now = Some(chrono::Utc::now());
    let state = Workbench::new(
        Topology::build(&snapshot, &Config::default().build_options()),
        vec![],
        Config::default(),
    );
    (snapshot, state)
}

/// `before` (of the state `last`) with the node `name` of its first cluster not ready, and the
/// state built on `last` from that change as a live session sends it (that node alone), the
/// groups kept.
fn node_not_ready(last: &Workbench, before: &Snapshot, name: &str) -> (Snapshot, Workbench) {
    let options = Config::default().build_options();
    let mut after = before.clone();
    let node = after.clusters[0]
        .nodes
        .iter_mut()
        .find(|(n, _)| n.meta.name == name)
        .expect("the node");
    node.0.ready = Some(false);
    let mut sent = changes_of(&after, before, true);
    sent.clusters[0]
        .nodes
        .retain(|n| !before.clusters[0].nodes.contains(n));
    assert_eq!(sent.clusters[0].nodes.len(), 1);
    let (graph, changed) = last
        .topology
        .changes_applied(sent, &options)
        .expect("a node's state, in place");
    assert!(changed.groups_kept);
    let reused = Workbench::after(last, graph, &changed, vec![]);
    (after, reused)
}

#[test]
fn a_node_that_stops_being_ready_changes_the_advice_for_groups_it_runs_no_replica_of() {
    use crate::testkit::{ClusterYaml, pg_on};
    let options = Config::default().build_options();
    // Two of three replicas on a1: losing it loses the quorum. Three schedulable nodes: keep
    // them apart with anti-affinity.
    let cluster = ClusterYaml::new()
        .node("a1", "eu-a")
        .node("a2", "eu-a")
        .node("b1", "eu-b")
        + pg_on(&["a1", "a1", "b1"]);
    let (before, last) = read_live(&cluster);
    let advice = |w: &Workbench| {
        w.analysis
            .findings
            .iter()
            .find(|f| f.check == "quorum-node-loss")
            .map(|f| (f.severity, f.message.clone()))
            .expect("quorum-node-loss")
    };
    assert!(advice(&last).1.contains("Add required pod anti-affinity"));
    // a2, which runs no replica of it, stops being ready: two schedulable nodes for three
    // replicas, and the advice is to add nodes.
    let (after, reused) = node_not_ready(&last, &before, "a2");
    // The group's statistics are the last state's: what reads every node is judged again.
    assert!(std::sync::Arc::ptr_eq(
        &reused.analysis.groups[0],
        &last.analysis.groups[0]
    ));
    let (severity, message) = advice(&reused);
    assert!(
        message.contains("2 schedulable nodes for 3 replicas"),
        "{message}"
    );
    assert_eq!(severity, crate::check::Severity::Warning);
    let fresh = Workbench::new(Topology::build(&after, &options), vec![], Config::default());
    assert_same_state(&reused, &fresh, "three nodes");
}

#[test]
fn a_pod_deleted_elsewhere_leaves_where_the_other_groups_leaders_could_move() {
    use crate::testkit::ClusterYaml;
    let options = Config::default().build_options();
    // Four controllers of two replicas, one on a1 and one on b1 or c1, every lease held on a1:
    // the best placement has two leaders a node. And a pod of another workload on c1.
    let mut cluster = ClusterYaml::new()
        .node("a1", "eu-a")
        .node("b1", "eu-b")
        .node("c1", "eu-c")
        .deployment("web", "web", 2)
        .pod(
            "web",
            "web-5c4f-aaaa",
            "ReplicaSet",
            "web-5c4f",
            "web",
            "c1",
        )
        .pod(
            "web",
            "web-5c4f-bbbb",
            "ReplicaSet",
            "web-5c4f",
            "web",
            "c1",
        );
    for i in 0..4 {
        let name = format!("ctrl-{i}");
        let rs = format!("{name}-7d9f");
        let other = if i % 2 == 0 { "b1" } else { "c1" };
        cluster = cluster
            .deployment("ops", &name, 2)
            .pod("ops", &format!("{rs}-aaaa"), "ReplicaSet", &rs, &name, "a1")
            .pod(
                "ops",
                &format!("{rs}-bbbb"),
                "ReplicaSet",
                &rs,
                &name,
                other,
            )
            .lease(
                "ops",
                &name,
                &format!("{rs}-aaaa_0e2b"),
                "2026-11-20T10:00:00Z",
            );
    }
    let mut before = cluster.snapshot();
    before.now = before
        .newest_renew_time()
        .map(|t| t + chrono::Duration::seconds(5));
    let last = Workbench::new(
        Topology::build(&before, &options),
        vec![],
        Config::default(),
    );
    assert_eq!(last.analysis.leaders.max_per_node(), 4);
    assert_eq!(last.analysis.leaders.best_max_per_node, Some(2));
    // One of web's pods is deleted: the controllers' groups are untouched, and their leaders
    // may still move.
    let mut after = before.clone();
    after.clusters[0]
        .pods
        .retain(|(p, _)| p.meta.name != "web-5c4f-aaaa");
    // As a live session sends it: that pod alone.
    let mut sent = changes_of(&after, &before, true);
    sent.clusters[0].nodes.clear();
    let (graph, changed) = last
        .topology
        .changes_applied(sent, &options)
        .expect("a pod that went, in place");
    assert!(changed.groups_kept);
    let reused = Workbench::after(&last, graph, &changed, vec![]);
    assert_eq!(reused.analysis.leaders.best_max_per_node, Some(2));
    let fresh = Workbench::new(Topology::build(&after, &options), vec![], Config::default());
    assert_same_state(&reused, &fresh, "four controllers");
}

// ---- holder identities as real electors write them ----

use crate::testkit::{ClusterYaml, three_zones};

fn lease(ns: &str, name: &str, holder: &str) -> String {
    format!(
        "apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n  holderIdentity: \"{holder}\"\n  leaseDurationSeconds: 15\n  acquireTime: '2026-11-20T09:00:00.000000Z'\n  renewTime: '2026-11-20T10:00:00.000000Z'\n  leaseTransitions: 3\n"
    )
}

fn holder_of(t: &Topology, name: &str) -> (Holder, Option<String>, Option<String>) {
    let (i, l) = t
        .leaders
        .iter()
        .enumerate()
        .find(|(_, l)| l.name() == name)
        .unwrap_or_else(|| panic!("no record {name}"));
    let pod = match l.holder {
        Holder::Pod(p) => Some(t.pod_display(p)),
        _ => None,
    };
    let node = t.holder_node(LeaderId(i as u32)).map(|n| t.node_display(n));
    (l.holder, pod, node)
}

#[test]
fn cert_managers_holder_is_its_pod_in_another_namespace() {
    let t = three_zones()
        .deployment("cert-manager", "cert-manager", 1)
        .pod(
            "cert-manager",
            "cert-manager-7d9f8b6c5d-2xkqz",
            "ReplicaSet",
            "cert-manager-7d9f8b6c5d",
            "cert-manager",
            "b1",
        )
        .raw(&lease(
            "kube-system",
            "cert-manager-controller",
            "cert-manager-7d9f8b6c5d-2xkqz-external-cert-manager-controller",
        ))
        .topology();
    let (_, pod, node) = holder_of(&t, "kube-system/cert-manager-controller");
    assert_eq!(
        pod.as_deref(),
        Some("cert-manager/cert-manager-7d9f8b6c5d-2xkqz")
    );
    assert_eq!(node.as_deref(), Some("b1"));
    // So its workload is a leader group, whose re-election a node failure triggers.
    assert!(
        t.groups
            .iter()
            .any(|g| t.workloads[g.workload.index()].name() == "cert-manager/cert-manager")
    );
}

#[test]
fn a_null_or_empty_holder_holds_nothing_and_invents_no_group() {
    for holder in ["null", "", "<none>"] {
        let t = three_zones()
            .deployment("longhorn-system", "longhorn-manager", 2)
            .pod(
                "longhorn-system",
                "longhorn-manager-abc12",
                "ReplicaSet",
                "longhorn-manager-6f7d9",
                "longhorn-manager",
                "a1",
            )
            .raw(&lease(
                "longhorn-system",
                "longhorn-manager-upgrade-lock",
                holder,
            ))
            .topology();
        let (h, _, _) = holder_of(&t, "longhorn-system/longhorn-manager-upgrade-lock");
        assert_eq!(h, Holder::Vacant, "{holder:?}");
        assert!(t.leaders[0].record.holder.is_none(), "{holder:?}");
        assert!(t.groups.is_empty(), "{holder:?}: a group invented by name");
    }
}

#[test]
fn a_one_second_lock_is_attached_to_no_workload_by_its_name() {
    let lock = lease(
        "longhorn-system",
        "longhorn-manager-upgrade-lock",
        "gone-node",
    )
    .replace("leaseDurationSeconds: 15", "leaseDurationSeconds: 1");
    let t = three_zones()
        .deployment("longhorn-system", "longhorn-manager", 2)
        .pod(
            "longhorn-system",
            "longhorn-manager-abc12",
            "ReplicaSet",
            "longhorn-manager-6f7d9",
            "longhorn-manager",
            "a1",
        )
        .raw(&lock)
        .topology();
    assert!(t.groups.is_empty());
}

#[test]
fn an_election_kept_in_a_configmap_and_a_lease_is_one_election() {
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: my-operator-lock\n  namespace: ops\n  annotations:\n    control-plane.alpha.kubernetes.io/leader: '{\"holderIdentity\":\"op-5d8-x2_1f3c\",\"leaseDurationSeconds\":15,\"acquireTime\":\"2026-11-20T09:00:00Z\",\"renewTime\":\"2026-11-20T09:59:58Z\",\"leaderTransitions\":2}'\n";
    let t = three_zones()
        .deployment("ops", "op", 2)
        .pod("ops", "op-5d8-x2", "ReplicaSet", "op-5d8", "op", "a1")
        .pod("ops", "op-5d8-y7", "ReplicaSet", "op-5d8", "op", "b1")
        .raw(cm)
        .raw(&lease("ops", "my-operator-lock", "op-5d8-x2_1f3c"))
        .topology();
    assert_eq!(t.leaders.len(), 1);
    assert_eq!(t.leaders[0].record.kind, Kind::Lease);
    let a = crate::analysis::analyze(&t, &Config::default());
    assert_eq!(a.leaders.total, 1);
}

#[test]
fn an_identity_two_pods_could_be_is_ambiguous_never_guessed() {
    // Both namespaces run a StatefulSet pod named web-0; the lock is in neither.
    let t = three_zones()
        .statefulset("blue", "web", 1, "")
        .pod("blue", "web-0", "StatefulSet", "web", "web", "a1")
        .statefulset("green", "web", 1, "")
        .pod("green", "web-0", "StatefulSet", "web", "web", "b1")
        .raw(&lease("ops", "web-lock", "web-0"))
        .topology();
    let (h, _, node) = holder_of(&t, "ops/web-lock");
    assert_eq!(h, Holder::Ambiguous);
    assert_eq!(node, None);
    let l = t
        .leaders
        .iter()
        .find(|l| l.name() == "ops/web-lock")
        .unwrap();
    assert_eq!(l.candidates.len(), 2);
    let a = crate::analysis::analyze(&t, &Config::default());
    let f = a
        .findings
        .iter()
        .find(|f| f.check == "lease-holder-missing")
        .unwrap();
    assert!(
        f.message.contains("blue/web-0") && f.message.contains("green/web-0"),
        "{}",
        f.message
    );
    // In the record's own namespace the name is the pod's: no ambiguity.
    let t = three_zones()
        .statefulset("blue", "web", 1, "")
        .pod("blue", "web-0", "StatefulSet", "web", "web", "a1")
        .statefulset("green", "web", 1, "")
        .pod("green", "web-0", "StatefulSet", "web", "web", "b1")
        .raw(&lease("green", "web-lock", "web-0_7c1e"))
        .topology();
    assert_eq!(
        holder_of(&t, "green/web-lock").1.as_deref(),
        Some("green/web-0")
    );
}

#[test]
fn a_managed_control_planes_elections_are_said_once_as_information() {
    let node = |name: &str, zone: &str| {
        format!(
            "apiVersion: v1\nkind: Node\nmetadata:\n  name: {name}\n  labels: {{topology.kubernetes.io/zone: {zone}}}\nspec:\n  providerID: aws:///{zone}/i-0abc\nstatus:\n  conditions: [{{type: Ready, status: 'True'}}]\n"
        )
    };
    let c = ClusterYaml::new()
        .raw(&node(
            "ip-192-168-12-7.eu-west-1.compute.internal",
            "eu-west-1a",
        ))
        .raw(&node(
            "ip-192-168-40-9.eu-west-1.compute.internal",
            "eu-west-1b",
        ))
        .raw(&lease(
            "kube-system",
            "kube-controller-manager",
            "ip-172-16-33-7.eu-west-1.compute.internal_5c1f9a2e-8a0e-4a5e-9d7c-2b1f0e9c3d11",
        ))
        .raw(&lease(
            "kube-system",
            "kube-scheduler",
            "ip-172-16-33-7.eu-west-1.compute.internal_0e9c3d11-2b1f-4a5e-9d7c-5c1f9a2e8a0e",
        ))
        .raw(&lease(
            "kube-system",
            "cloud-controller-manager",
            "ip-172-16-40-2.eu-west-1.compute.internal_9d7c2b1f-0e9c-4a5e-8a0e-5c1f9a2e3d11",
        ));
    let a = c.analysis();
    let missing: Vec<_> = a
        .findings
        .iter()
        .filter(|f| f.check == "lease-holder-missing")
        .collect();
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert_eq!(missing[0].severity, crate::check::Severity::Info);
    assert!(missing[0].message.contains("EKS"), "{}", missing[0].message);
    // Another lock held the same way is an unknown holder, not the provider's.
    let a = (c + ClusterYaml::new().raw(&lease(
        "kube-system",
        "my-controller",
        "ip-172-16-33-7.eu-west-1.compute.internal_5c1f",
    )))
    .analysis();
    assert_eq!(
        a.findings
            .iter()
            .filter(|f| f.check == "lease-holder-missing"
                && f.severity == crate::check::Severity::Warning)
            .count(),
        1
    );
}

#[test]
fn host_network_electors_are_found_by_the_hostname_their_nodes_carry() {
    let node = |name: &str, host: &str| {
        format!(
            "apiVersion: v1\nkind: Node\nmetadata:\n  name: {name}\n  labels: {{kubernetes.io/hostname: {host}, topology.kubernetes.io/zone: z1}}\nstatus:\n  conditions: [{{type: Ready, status: 'True'}}]\n"
        )
    };
    let t = ClusterYaml::new()
        .raw(&node(
            "ip-10-0-1-2.ec2.internal",
            "ip-10-0-1-2.ec2.internal",
        ))
        .raw(&node("cp-node-1", "cp-node-1"))
        // A CSI controller on the host network: the sidecar writes its hostname sanitized.
        .raw(&lease(
            "kube-system",
            "external-attacher-leader-ebs-csi-aws-com",
            "ip-10-0-1-2-ec2-internal",
        ))
        // kube-vip writes the node's name as the OS spells it.
        .raw(&lease("kube-system", "plndr-cp-lock", "CP-Node-1"))
        .topology();
    assert_eq!(
        holder_of(&t, "kube-system/external-attacher-leader-ebs-csi-aws-com")
            .2
            .as_deref(),
        Some("ip-10-0-1-2.ec2.internal")
    );
    assert_eq!(
        holder_of(&t, "kube-system/plndr-cp-lock").2.as_deref(),
        Some("cp-node-1")
    );
}

#[test]
fn patronis_failover_and_sync_objects_are_no_leader_records() {
    let ep = |name: &str, annotations: &str| {
        format!(
            "apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: {name}\n  namespace: db\n  annotations:\n{annotations}"
        )
    };
    let t = three_zones()
        .statefulset("db", "acid", 2, "")
        .pod("db", "acid-0", "StatefulSet", "acid", "acid", "a1")
        .pod("db", "acid-1", "StatefulSet", "acid", "acid", "b1")
        .raw(&ep("acid", "    leader: acid-1\n    ttl: '30'\n    renewTime: '2026-11-20T10:00:00.000000+00:00'\n"))
        .raw(&ep("acid-failover", "    leader: acid-0\n"))
        .raw(&ep("acid-sync", "    leader: acid-1\n    sync_standby: acid-0\n"))
        .topology();
    assert_eq!(t.leaders.len(), 1);
    assert_eq!(holder_of(&t, "db/acid").1.as_deref(), Some("db/acid-1"));
}

#[test]
fn a_budget_covers_the_manifests_its_selector_matches_and_no_other() {
    // Workloads without pods (manifests) are matched by their template labels: by `matchLabels`
    // through an index of the selected labels, by expressions alone against the namespace.
    let t = three_zones()
        .statefulset("db", "pg", 3, "")
        .statefulset("db", "pg-replica", 3, "")
        .statefulset("other", "pg", 3, "")
        .pdb("db", "pg-pdb", "pg", "minAvailable: 2")
        .raw(
            "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: any-pg\n  namespace: db\nspec:\n  maxUnavailable: 1\n  selector:\n    matchExpressions:\n    - {key: app, operator: In, values: [pg, pg-replica]}\n",
        )
        .topology();
    let budgets = |ns: &str, name: &str| -> Vec<String> {
        let w = t
            .workloads
            .iter()
            .find(|w| w.workload.meta.namespace == ns && w.workload.meta.name == name)
            .unwrap();
        let mut names: Vec<String> = w
            .pdbs
            .iter()
            .map(|p| t.pdbs[p.index()].pdb.meta.name.clone())
            .collect();
        names.sort();
        names
    };
    assert_eq!(budgets("db", "pg"), ["any-pg", "pg-pdb"]);
    assert_eq!(budgets("db", "pg-replica"), ["any-pg"]);
    assert!(budgets("other", "pg").is_empty(), "another namespace");
}

/// Every volume admits exactly the nodes its node affinity matches, however it is answered (the
/// nodes a zone affinity admits are worked out once per affinity): on every sample, and on
/// zonal affinities that also ask for a label, or name a zone twice over.
#[test]
fn a_volume_admits_the_nodes_its_affinity_matches() {
    let mixed = three_zones()
        + ClusterYaml::new()
            .raw("apiVersion: v1\nkind: Node\nmetadata:\n  name: a9\n  labels:\n    topology.kubernetes.io/zone: eu-a\n    disk: ssd\nstatus:\n  conditions:\n  - {type: Ready, status: 'True'}\n")
            .raw("apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: ssd-in-a\nspec:\n  capacity: {storage: 10Gi}\n  nodeAffinity:\n    required:\n      nodeSelectorTerms:\n      - matchExpressions:\n        - {key: topology.kubernetes.io/zone, operator: In, values: [eu-a]}\n        - {key: disk, operator: In, values: [ssd]}\n")
            .raw("apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: plain-in-a\nspec:\n  capacity: {storage: 10Gi}\n  nodeAffinity:\n    required:\n      nodeSelectorTerms:\n      - matchExpressions:\n        - {key: topology.kubernetes.io/zone, operator: In, values: [eu-a]}\n")
            .raw("apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: a-or-b\nspec:\n  capacity: {storage: 10Gi}\n  nodeAffinity:\n    required:\n      nodeSelectorTerms:\n      - matchExpressions:\n        - {key: topology.kubernetes.io/zone, operator: In, values: [eu-a]}\n      - matchExpressions:\n        - {key: topology.kubernetes.io/zone, operator: In, values: [eu-b]}\n");
    let options = Config::default().build_options();
    let mut graphs: Vec<(String, Topology)> = SAMPLES
        .iter()
        .map(|s| (s.name.to_string(), Topology::build(&s.load(), &options)))
        .collect();
    graphs.push(("mixed".into(), mixed.topology()));
    let mut answered_by_reach = 0;
    for (name, t) in &graphs {
        for pv in t.pvs.iter() {
            answered_by_reach += usize::from(pv.reach.is_some());
            for (i, node) in t.nodes.iter().enumerate() {
                let want = pv
                    .pv
                    .node_affinity
                    .as_ref()
                    .is_none_or(|a| a.matches(node.name(), &node.node.meta.labels));
                assert_eq!(
                    pv.admits(NodeId(i as u32), node),
                    want,
                    "{name}: {} on {}",
                    pv.pv.meta.name,
                    node.name()
                );
            }
        }
    }
    assert!(
        answered_by_reach > 3,
        "zonal volumes are answered by their reach"
    );
    let t = mixed.topology();
    let ssd = t.pvs.iter().find(|p| p.pv.meta.name == "ssd-in-a").unwrap();
    let admitted: Vec<&str> = t
        .nodes
        .iter()
        .enumerate()
        .filter(|(i, n)| ssd.admits(NodeId(*i as u32), n))
        .map(|(_, n)| n.name())
        .collect();
    assert_eq!(admitted, ["a9"], "the zone and the disk label");
}

#[test]
fn a_node_that_stops_being_ready_strands_a_pending_pod_whose_volume_only_it_could_reach() {
    use crate::testkit::ClusterYaml;
    let options = Config::default().build_options();
    // elastic-0 is Pending (no node yet), its volume pinned to eu-c, where c1 is ready: it can
    // be scheduled there.
    let cluster = ClusterYaml::new()
        .node("a1", "eu-a")
        .node("b1", "eu-b")
        .node("c1", "eu-c")
        .statefulset("search", "elastic", 1, "")
        .pod_with(
            "search",
            "elastic-0",
            "StatefulSet",
            "elastic",
            "elastic",
            None,
            "  volumes:\n  - {name: data, persistentVolumeClaim: {claimName: data-elastic-0}}\n",
        )
        .volume("search", "data-elastic-0", "pv-e0", "gp3", "zone:eu-c");
    let (before, last) = read_live(&cluster);
    let stranded = |w: &Workbench| {
        w.analysis
            .findings
            .iter()
            .filter(|f| f.check == "pv-zone-conflict")
            .map(|f| f.message.clone())
            .collect::<Vec<_>>()
    };
    assert!(stranded(&last).is_empty(), "{:?}", stranded(&last));
    // c1 stops being ready: no node can reach the volume any more.
    let (after, reused) = node_not_ready(&last, &before, "c1");
    // The group runs nothing on c1: its statistics are kept, and its pending pod judged again.
    assert!(std::sync::Arc::ptr_eq(
        &reused.analysis.groups[0],
        &last.analysis.groups[0]
    ));
    let found = stranded(&reused);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("cannot be scheduled anywhere"),
        "{}",
        found[0]
    );
    let fresh = Workbench::new(Topology::build(&after, &options), vec![], Config::default());
    assert_same_state(&reused, &fresh, "a pending pod's only node");
}

#[test]
fn a_pod_changed_in_place_is_found_by_its_name_whatever_order_the_pods_came_in() {
    use crate::testkit::{ClusterYaml, three_zones};
    let options = Config::default().build_options();
    // The pods as a file may list them (not by name), and as a live session lists them.
    let names = ["pg-0", "pg-1", "pg-2", "pg-3", "pg-4"];
    let reversed: Vec<&str> = names.iter().rev().copied().collect();
    for order in [reversed, names.to_vec()] {
        let mut cluster = three_zones().statefulset("db", "pg", 5, "");
        for (name, node) in order.iter().zip(["a1", "b1", "c1", "a2", "b2"]) {
            cluster = cluster + ClusterYaml::new().pod("db", name, "StatefulSet", "pg", "pg", node);
        }
        let before = cluster.snapshot();
        let last = Topology::build(&before, &options);
        let mut after = before.clone();
        let pod = after.clusters[0]
            .pods
            .iter_mut()
            .find(|(p, _)| p.meta.name == "pg-0")
            .expect("pg-0");
        pod.0.ready = false;
        let (graph, changed) = last
            .changes_applied(changes_of(&after, &before, true), &options)
            .expect("a pod's state, in place");
        assert_eq!(changed.pods.len(), 1, "{order:?}");
        let id = changed.pods[0];
        assert_eq!(graph.pods[id.index()].pod.meta.name, "pg-0", "{order:?}");
        assert!(!graph.pods[id.index()].pod.ready, "{order:?}");
        assert_same_graph(
            &graph,
            &Topology::build(&after, &options),
            "pods in file order",
        );
    }
}
