//! Evictions, the node lifecycle controller's taints and rates, topology spreading and the
//! scheduler's scores, lease takeovers by replacements, and events stacked on one another.

use super::*;

#[test]
fn evicting_one_pod_goes_through_its_budget_and_recreates_it() {
    let c = (three_zones() + pg_on(&["a1", "b1", "c1"])).pdb("db", "pg", "pg", "maxUnavailable: 1");
    let t = c.topology();
    let o = simulate(
        &t,
        &[Event::parse_evict("pod:db/pg-0").unwrap()],
        &Params::default(),
    )
    .unwrap();
    assert_eq!(o.evictions[0].status, "evicted");
    assert_eq!(o.rescheduled.len(), 1);
    let c = c.pdb("db", "pg-strict", "pg", "maxUnavailable: 0");
    let o = simulate(
        &c.topology(),
        &[Event::parse_evict("pod:db/pg-0").unwrap()],
        &Params::default(),
    )
    .unwrap();
    assert_eq!(o.evictions[0].status, "blocked");
    assert!(Event::parse_evict("db/pg-0").is_err());
    assert!(
        simulate(&t, &[Event::Evict("db/pg-9".into())], &Params::default())
            .unwrap_err()
            .0
            .contains("did you mean")
    );
}

// Behaviours seen on a real Kubernetes v1.33.13 control plane by the fidelity suite
// (fidelity/, FIDELITY.md, docs/model.md); each test names what the real cluster did.

/// Deployment `web` with one replica on each of the given nodes.
fn web_on(nodes: &[&str]) -> ClusterYaml {
    let mut c = ClusterYaml::new().deployment("app", "web", nodes.len() as u32);
    for (i, n) in nodes.iter().enumerate() {
        c = c.pod("app", &format!("web-{i}"), "ReplicaSet", "web-1", "web", n);
    }
    c
}

#[test]
fn a_failed_zones_nodes_are_tainted_noexecute_one_every_ten_seconds() {
    // Real: zone eu-central-1b's three nodes got node.kubernetes.io/unreachable:NoExecute at
    // +8.3, +18.3 and +28.3 s (grace 8 s), their pods evicted 10 s (the toleration) after each:
    // kube-controller-manager's --node-eviction-rate of 0.1 node/s per zone.
    let c = ClusterYaml::new()
        .node("a1", "eu-a")
        .node("a2", "eu-a")
        .node("a3", "eu-a")
        .node("b1", "eu-b")
        + web_on(&["a1", "a2", "a3"]);
    let (_, o) = run(&c, &["fail zone:eu-a"]);
    let mut at: Vec<(String, u32)> = o
        .rescheduled
        .iter()
        .map(|r| (r.from.clone(), r.after_seconds))
        .collect();
    at.sort();
    assert_eq!(
        at,
        vec![("a1".into(), 350), ("a2".into(), 360), ("a3".into(), 370)]
    );
    assert!(
        o.timeline
            .iter()
            .any(|e| e.t == 70 && e.what.contains("a3 tainted"))
    );
    // Zones have their own limiter: a node of another zone is not queued behind them.
    let (_, o) = run(
        &(three_zones() + web_on(&["a1", "a2", "b1"])),
        &["fail zone:eu-a", "fail node:b1"],
    );
    let b1 = o.rescheduled.iter().find(|r| r.from == "b1").unwrap();
    assert_eq!(b1.after_seconds, 350);
}

#[test]
fn a_zone_in_partial_disruption_of_a_small_cluster_evicts_nothing() {
    // kube-controller-manager: more than two NotReady nodes and at least 55% of a zone put it in
    // partial disruption; in a zone of 50 nodes or fewer its eviction rate drops to 0.
    let c = ClusterYaml::new()
        .node("a1", "eu-a")
        .node("a2", "eu-a")
        .node("a3", "eu-a")
        .node("a4", "eu-a")
        .node("b1", "eu-b")
        + web_on(&["a1", "a2", "a3"]);
    // The events all happen at t=0: the controller sees the three NotReady together.
    let (_, o) = run(&c, &["fail node:a1", "fail node:a2", "fail node:a3"]);
    assert!(o.rescheduled.is_empty(), "{:?}", o.rescheduled);
    assert_eq!(o.lost.len(), 3);
    assert!(
        o.lost[0].reason.contains("partial disruption"),
        "{}",
        o.lost[0].reason
    );
    // Two NotReady nodes of four are a normal zone: both are evicted, 10 s apart.
    let (_, o) = run(&c, &["fail node:a1", "fail node:a2"]);
    assert_eq!(o.rescheduled.len(), 2);
}

#[test]
fn when_every_zone_is_fully_disrupted_nothing_is_evicted() {
    // kube-controller-manager enters "master disruption mode": it stops evicting everywhere.
    let c = ClusterYaml::new().node("a1", "eu-a").node("b1", "eu-b") + web_on(&["a1", "b1"]);
    let (_, o) = run(&c, &["fail zone:eu-a", "fail zone:eu-b"]);
    assert!(o.rescheduled.is_empty() && o.pending.is_empty());
    assert!(o.lost.iter().all(|l| l.reason.contains("fully disrupted")));
}

/// `c` with pods `web-0`, `web-1`, ... of ReplicaSet web-1 on `nodes`, each with `spec`.
fn web_pods_on(mut c: ClusterYaml, nodes: &[&str], spec: &str) -> ClusterYaml {
    for (i, n) in nodes.iter().enumerate() {
        c = c.pod_with(
            "app",
            &format!("web-{i}"),
            "ReplicaSet",
            "web-1",
            "web",
            Some(n),
            spec,
        );
    }
    c
}

/// Nothing was rescheduled: the replacement stays Pending on its spread constraint.
fn assert_spread_pending(o: &Outcome) {
    assert!(o.rescheduled.is_empty(), "{:?}", o.rescheduled);
    assert!(
        o.pending[0]
            .reason
            .contains("didn't match pod topology spread constraints"),
        "{}",
        o.pending[0].reason
    );
}

#[test]
fn a_failed_zone_stays_a_spread_domain_so_a_max_skew_one_replacement_stays_pending() {
    // Real (healthy sample, fail zone eu-central-1b): cert-manager's replacement stayed Pending,
    // "4 node(s) didn't match pod topology spread constraints": PodTopologySpread keeps the zones
    // of tainted nodes as domains (nodeTaintsPolicy: Ignore) and skips terminating pods, so the
    // failed zone counts 0 and one more pod in any other zone breaks maxSkew 1.
    let spread = "  topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}}]\n";
    let mut c = three_zones().deployment("app", "web", 3);
    c = web_pods_on(c, &["a1", "b1", "c1"], spread);
    let (_, o) = run(&c, &["fail zone:eu-b"]);
    assert_spread_pending(&o);
    // A drain leaves the zone a domain too: b1's pod goes to b2, the zone's other node.
    let (_, o) = run(&c, &["drain node:b1"]);
    assert_eq!(o.rescheduled[0].to, "b2");
}

/// `web-0` on a1, `web-1` on b1, `web-2` on c1, each with a zone spread constraint of maxSkew 1
/// and the `extra` fields (`nodeTaintsPolicy: Honor`, say).
fn zone_spread_web(extra: &str, tolerations: &str) -> ClusterYaml {
    let spread = format!(
        "{tolerations}  topologySpreadConstraints: [{{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {{matchLabels: {{app: web}}}}{extra}}}]\n"
    );
    let mut c = three_zones().deployment("app", "web", 3);
    c = web_pods_on(c, &["a1", "b1", "c1"], &spread);
    c
}

#[test]
fn with_node_taints_policy_honor_a_failed_zone_is_no_spread_domain_and_its_pod_moves() {
    // The node lifecycle controller taints a lost node node.kubernetes.io/unreachable:NoSchedule;
    // under nodeTaintsPolicy: Honor PodTopologySpread leaves nodes with an untolerated taint out of
    // its domains, so the failed zone no longer holds the minimum at 0.
    let c = zone_spread_web(", nodeTaintsPolicy: Honor", "");
    let (_, o) = run(&c, &["fail zone:eu-b"]);
    assert!(o.pending.is_empty(), "{:?}", o.pending);
    assert_eq!(o.rescheduled.len(), 1, "{:?}", o.rescheduled);
    assert!(
        ["a1", "a2", "c1", "c2"].contains(&o.rescheduled[0].to.as_str()),
        "{:?}",
        o.rescheduled
    );
    // A pod that tolerates every taint still sees the failed zone as a domain: Pending, as with
    // the default policy.
    let c = zone_spread_web(
        ", nodeTaintsPolicy: Honor",
        "  tolerations: [{operator: Exists}]\n",
    );
    let (_, o) = run(&c, &["fail zone:eu-b"]);
    assert!(o.rescheduled.is_empty(), "{:?}", o.rescheduled);
    assert!(
        o.pending[0]
            .reason
            .contains("didn't match pod topology spread constraints")
    );
    // A real taint the pod does not tolerate takes a zone out of the domains as well: with c1
    // and c2 tainted (the pod on c1 keeps running), only eu-a and eu-b count.
    let taint = |name: &str| {
        format!(
            "apiVersion: v1\nkind: Node\nmetadata:\n  name: {name}\n  labels: {{topology.kubernetes.io/zone: eu-c}}\nspec:\n  taints: [{{key: dedicated, value: batch, effect: NoSchedule}}]\nstatus:\n  allocatable: {{cpu: '8', memory: 32Gi, pods: '110'}}\n  conditions: [{{type: Ready, status: 'True'}}]\n"
        )
    };
    let mut c = ClusterYaml::new()
        .node("a1", "eu-a")
        .node("a2", "eu-a")
        .node("b1", "eu-b")
        .node("b2", "eu-b")
        .raw(&taint("c1"))
        .raw(&taint("c2"))
        .deployment("app", "web", 3);
    let spread = "  tolerations: [{key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 300}]\n  topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}, nodeTaintsPolicy: Honor}]\n";
    c = web_pods_on(c, &["a1", "b1", "b2"], spread);
    // b2's pod is drained: eu-a has 1, eu-b 1 (b1's), eu-c is no domain: it fits in either.
    let (_, o) = run(&c, &["drain node:b2"]);
    assert_eq!(
        o.rescheduled.len(),
        1,
        "{:?} {:?}",
        o.rescheduled,
        o.pending
    );
    // With the default policy eu-c counts 0 and nothing fits outside it, where the taint bars.
    let ignore = c.yaml().replace(", nodeTaintsPolicy: Honor", "");
    let (_, o) = run(&ClusterYaml::new().raw(&ignore), &["drain node:b2"]);
    assert!(o.rescheduled.is_empty(), "{:?}", o.rescheduled);
}

#[test]
fn below_min_domains_the_global_minimum_is_zero_so_a_third_replica_in_two_zones_stays_pending() {
    // Two zones, three replicas (a1, b1, a2), maxSkew 1. Without minDomains the replacement of
    // a2's pod fits: both zones hold one, the minimum is 1. With minDomains: 3 the two domains are
    // fewer than three, the scheduler takes the minimum as 0, and one more pod anywhere is a skew
    // of 2.
    let make = |extra: &str| {
        let spread = format!(
            "  topologySpreadConstraints: [{{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {{matchLabels: {{app: web}}}}{extra}}}]\n"
        );
        let mut c = ClusterYaml::new()
            .node("a1", "eu-a")
            .node("a2", "eu-a")
            .node("a3", "eu-a")
            .node("b1", "eu-b")
            .node("b2", "eu-b")
            .deployment("app", "web", 3);
        c = web_pods_on(c, &["a1", "b1", "a2"], &spread);
        c
    };
    let (_, o) = run(&make(""), &["fail node:a2"]);
    assert_eq!(o.rescheduled.len(), 1, "{:?}", o.pending);
    let (_, o) = run(&make(", minDomains: 3"), &["fail node:a2"]);
    assert_spread_pending(&o);
    // minDomains: 2 is met by the two zones: the replacement fits again.
    let (_, o) = run(&make(", minDomains: 2"), &["fail node:a2"]);
    assert_eq!(o.rescheduled.len(), 1, "{:?}", o.pending);
}

#[test]
fn with_node_affinity_policy_ignore_zones_the_pod_may_not_use_are_still_domains() {
    // Three replicas kept to eu-a and eu-b by node affinity (a1, b1, a2), zone spread maxSkew 1;
    // a2 is drained. By default eu-c is no domain for them: eu-a and eu-b hold one each, the
    // minimum is 1 and the replacement fits. With nodeAffinityPolicy: Ignore eu-c is a domain with
    // no pod, the minimum is 0, and neither eu-a nor eu-b may take a second.
    let make = |extra: &str| {
        let spec = format!(
            "  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms: [{{matchExpressions: [{{key: topology.kubernetes.io/zone, operator: In, values: [eu-a, eu-b]}}]}}]\n  topologySpreadConstraints: [{{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {{matchLabels: {{app: web}}}}{extra}}}]\n"
        );
        let mut c = three_zones().deployment("app", "web", 3);
        c = web_pods_on(c, &["a1", "b1", "a2"], &spec);
        c
    };
    let (_, o) = run(&make(""), &["drain node:a2"]);
    assert_eq!(o.rescheduled.len(), 1, "{:?}", o.pending);
    let (_, o) = run(&make(", nodeAffinityPolicy: Ignore"), &["drain node:a2"]);
    assert_spread_pending(&o);
}

#[test]
fn match_label_keys_count_only_the_pods_of_the_same_revision() {
    // Pods of an older ReplicaSet (another pod-template-hash) still run in eu-b and eu-c. With
    // matchLabelKeys: [pod-template-hash] the scheduler counts only the drained pod's revision
    // (one per zone: it fits in eu-b or eu-c); without it they count too, and eu-a's one free
    // node is taken.
    let make = |extra: &str| {
        let pod = |name: &str, hash: &str, node: &str| {
            format!(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: app\n  labels: {{app: web, pod-template-hash: {hash}}}\n  ownerReferences: [{{apiVersion: apps/v1, kind: ReplicaSet, name: web-{hash}, controller: true}}]\nspec:\n  nodeName: {node}\n  containers: [{{name: c}}]\n  topologySpreadConstraints: [{{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {{matchLabels: {{app: web}}}}{extra}}}]\nstatus:\n  phase: Running\n  conditions: [{{type: Ready, status: 'True'}}]\n"
            )
        };
        // a2 has room for one pod only, taken by web-new-3.
        let full = "apiVersion: v1\nkind: Node\nmetadata:\n  name: a2\n  labels: {topology.kubernetes.io/zone: eu-a}\nstatus:\n  allocatable: {cpu: '8', memory: 32Gi, pods: '1'}\n  conditions: [{type: Ready, status: 'True'}]\n";
        ClusterYaml::new()
            .node("a1", "eu-a")
            .raw(full)
            .node("b1", "eu-b")
            .node("c1", "eu-c")
            .deployment("app", "web", 4)
            .raw(&pod("web-new-0", "new", "a1"))
            .raw(&pod("web-new-3", "new", "a2"))
            .raw(&pod("web-new-1", "new", "b1"))
            .raw(&pod("web-new-2", "new", "c1"))
            .raw(&pod("web-old-0", "old", "b1"))
            .raw(&pod("web-old-1", "old", "c1"))
    };
    let (_, o) = run(
        &make(", matchLabelKeys: [pod-template-hash]"),
        &["drain node:a1"],
    );
    assert_eq!(o.rescheduled.len(), 1, "{:?}", o.pending);
    assert!(["b1", "c1"].contains(&o.rescheduled[0].to.as_str()));
    let (_, o) = run(&make(""), &["drain node:a1"]);
    assert!(o.rescheduled.is_empty(), "{:?}", o.rescheduled);
}

#[test]
fn a_spread_constraint_without_a_label_selector_counts_no_pod() {
    // A nil labelSelector selects nothing: the constraint never blocks (the same cluster with the
    // selector keeps the replacement Pending, as in the test above it).
    let c = zone_spread_web("", "");
    let without = c
        .yaml()
        .replace(", labelSelector: {matchLabels: {app: web}}", "");
    let (_, o) = run(&ClusterYaml::new().raw(&without), &["fail zone:eu-b"]);
    assert_eq!(o.rescheduled.len(), 1, "{:?}", o.pending);
    let (_, o) = run(&c, &["fail zone:eu-b"]);
    assert!(o.rescheduled.is_empty());
}

#[test]
fn a_pod_with_spread_constraints_of_its_own_gets_no_default_spreading() {
    // Real (drill spread-policies-lose-b): with its own zone constraint a replacement landed on the
    // node beside its sibling in four of five cases (equal scores: the scheduler's coin).
    // kube-scheduler applies PodTopologySpread's system defaults (its controller's pods per node
    // and per zone) only to pods that define no constraint; otherwise it scores the pod's
    // ScheduleAnyway constraints alone, and the resource scores decide the rest.
    // Nodes a1, b1, b2, c1, c2; a pod on a1, b1 and c1, a busy neighbour on b2 and c2; a1 is
    // drained.
    let busy = |node: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: other-{node}\n  namespace: app\n  labels: {{app: other}}\nspec:\n  nodeName: {node}\n  containers: [{{name: c, resources: {{requests: {{cpu: '1'}}}}}}]\nstatus:\n  phase: Running\n  conditions: [{{type: Ready, status: 'True'}}]\n"
        )
    };
    let cluster = |spec: &str| {
        let c = ClusterYaml::new()
            .node("a1", "eu-a")
            .node("b1", "eu-b")
            .node("b2", "eu-b")
            .node("c1", "eu-c")
            .node("c2", "eu-c")
            .deployment("app", "web", 3)
            .raw(&busy("b2"))
            .raw(&busy("c2"));
        web_pods_on(c, &["a1", "b1", "c1"], spec)
    };
    let tie = |o: &Outcome| o.rescheduled[0].candidates.clone();
    // Without constraints: a node without a sibling, however busy (default spreading).
    let (_, o) = run(&cluster(""), &["drain node:a1"]);
    assert_eq!(tie(&o), ["b2", "c2"]);
    // With a hard zone constraint any zone may take it (maxSkew 2) and nothing counts siblings:
    // the least requested nodes, beside a sibling.
    let hard = "  topologySpreadConstraints: [{maxSkew: 2, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}}]\n";
    let (_, o) = run(&cluster(hard), &["drain node:a1"]);
    assert_eq!(tie(&o), ["b1", "c1"]);
    // A soft constraint on the hostname brings node spreading back.
    let soft = "  topologySpreadConstraints: [{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: web}}}]\n";
    let (_, o) = run(&cluster(soft), &["drain node:a1"]);
    assert_eq!(tie(&o), ["b2", "c2"]);
}

#[test]
fn a_node_failing_several_filters_is_counted_under_the_schedulers_first() {
    // kube-scheduler runs TaintToleration and NodeAffinity before NodeResourcesFit, and
    // PodTopologySpread before InterPodAffinity; `kubectl describe pod` counts a node once, under
    // the first filter it fails.
    let c = ClusterYaml::new()
        .raw("apiVersion: v1\nkind: Node\nmetadata:\n  name: cp1\n  labels: {topology.kubernetes.io/zone: eu-a}\nspec:\n  taints: [{key: node-role.kubernetes.io/control-plane, effect: NoSchedule}]\nstatus:\n  allocatable: {cpu: '1', memory: 1Gi, pods: '110'}\n  conditions: [{type: Ready, status: 'True'}]\n")
        .node("a1", "eu-a")
        .statefulset("db", "pg", 1, "")
        .raw("apiVersion: v1\nkind: Pod\nmetadata:\n  name: pg-0\n  namespace: db\n  labels: {app: pg}\n  ownerReferences: [{apiVersion: apps/v1, kind: StatefulSet, name: pg, controller: true}]\nspec:\n  nodeName: a1\n  containers: [{name: c, resources: {requests: {cpu: '4'}}}]\nstatus:\n  phase: Running\n  conditions: [{type: Ready, status: 'True'}]\n");
    let params = Params {
        out_of_service: true,
        ..Params::default()
    };
    let (_, o) = run_with(&c, &["fail node:a1"], &params);
    let p = &o.pending[0];
    assert!(
        p.excluded["cp1"].contains("untolerated taint"),
        "{:?}",
        p.excluded
    );
}

#[test]
fn a_replacement_goes_where_its_workload_has_no_pod_before_the_least_loaded_node() {
    // Real (three-zones sample, fail zone eu-west-1a): kyverno's replacement went to ip-10-0-3-11,
    // with no kyverno pod, not to the less loaded ip-10-0-3-12 that had one: the scheduler's
    // default topology spread scoring (by hostname, then zone) outweighs the resource scores.
    let c = three_zones() + web_on(&["a1", "b1", "c1"]) + pg_on(&["b2", "c2", "c2"]);
    // a2 is the only node whose zone has no web pod left.
    let (_, o) = run(&c, &["fail node:a1"]);
    assert_eq!(o.rescheduled[0].to, "a2");
    // With eu-a gone, b2 and c2 have no web pod and one in their zone: the less loaded, b2
    // (c2 runs two pg pods), wins although b1 and c1 are emptier.
    let c = c
        + ClusterYaml::new().raw("apiVersion: v1\nkind: Pod\nmetadata:\n  name: big\n  namespace: db\n  labels: {app: other}\nspec:\n  nodeName: c2\n  containers: [{name: c, resources: {requests: {cpu: '2'}}}]\nstatus:\n  phase: Running\n  conditions: [{type: Ready, status: 'True'}]\n");
    let (_, o) = run(&c, &["fail zone:eu-a"]);
    assert_eq!(o.rescheduled[0].to, "b2");
}

#[test]
fn a_replica_recreated_before_the_lease_expires_is_a_candidate_too() {
    // Real (broken-storage sample, drain ip-10-1-1-11): the evicted leader's replacement ran a
    // second after the eviction and took lease external-attacher-leader-ebs-csi-aws-com over at
    // +17 s, ahead of the replica that never stopped.
    let c = web() + ClusterYaml::new().node("a3", "eu-a");
    let (_, o) = run(&c, &["drain node:a1"]);
    let r = &o.reelections[0];
    assert_eq!(r.after_seconds, 15);
    assert_eq!(r.candidates.len(), 2, "{:?}", r.candidates);
    assert!(r.candidates.contains(&"app/web-1-a".to_string()));
}

#[test]
fn a_replacement_reads_the_lease_when_it_starts_and_waits_a_whole_duration_from_there() {
    // Real (stacked-node-then-zone drill): both replicas of a Deployment stopped with their
    // nodes; the first replacement ran at +18 s and took the lease at +34.6 s, a lease duration
    // after it first read the record, not when the record expired (+15 s).
    let c = three_zones()
        .deployment("app", "web", 2)
        .pod("app", "web-1-a", "ReplicaSet", "web-1", "web", "a1")
        .pod("app", "web-1-b", "ReplicaSet", "web-1", "web", "a2")
        .lease("app", "web", "web-1-a", "2026-11-20T10:00:00Z");
    let (_, o) = run(&c, &["fail zone:eu-a"]);
    let back = o.rescheduled.iter().map(|r| r.after_seconds).min().unwrap();
    assert!(back > 15, "{back}");
    let r = &o.reelections[0];
    assert_eq!(r.after_seconds, back + 15);
    assert!(
        o.timeline.iter().any(|e| e.what
            == "lease app/web expires; the new pod replacing its holder takes over"
            || e.what.starts_with("lease app/web expires; one of")),
        "{:?}",
        o.timeline
    );
}

#[test]
fn a_statefulset_holder_back_under_the_same_identity_renews_at_once() {
    // pg-0 holds the lease as "pg-0": evicted and recreated under its own name, its elector is
    // the holder the record names and renews; with a per-process identity it is a newcomer.
    let c = three_zones() + pg_on(&["a1", "b1", "c1"]);
    let (_, o) = run(
        &c.clone()
            .lease("db", "pg-leader", "pg-0", "2026-11-20T10:00:00Z"),
        &["drain node:a1"],
    );
    let r = &o.reelections[0];
    assert_eq!(
        (r.to.as_deref(), r.after_seconds),
        (Some("db/pg-0"), 0),
        "{r:?} {:?}",
        o.timeline
    );
    assert!(
        o.timeline.iter().any(|e| e
            .what
            .contains("recreated under the same identity, renews it")),
        "{:?}",
        o.timeline
    );
    let (_, o) = run(
        &c.lease("db", "pg-leader", "pg-0_5d1e", "2026-11-20T10:00:00Z"),
        &["drain node:a1"],
    );
    let r = &o.reelections[0];
    assert_eq!(r.after_seconds, 15);
    assert_eq!(r.candidates.len(), 3, "{:?}", r.candidates);
}

// ---- stacked events: a decision made later sees every node down by then ----

/// Deployment pods on a1 and a2 only, with room for them on every node.
fn crowded_a() -> ClusterYaml {
    three_zones()
        .deployment("app", "web", 4)
        .pod("app", "web-1-w", "ReplicaSet", "web-1", "web", "a1")
        .pod("app", "web-1-x", "ReplicaSet", "web-1", "web", "a1")
        .pod("app", "web-1-y", "ReplicaSet", "web-1", "web", "a2")
        .pod("app", "web-1-z", "ReplicaSet", "web-1", "web", "a2")
}

#[test]
fn a_replacement_is_never_placed_on_a_node_a_later_event_failed() {
    // a1's pods are replaced at t+350 s; the only node that could take them, a2, has been down
    // since t=0 by then (b1 is cordoned): they stay Pending.
    let two = ClusterYaml::new()
        .node("a1", "eu-a")
        .node("a2", "eu-a")
        .raw("apiVersion: v1\nkind: Node\nmetadata:\n  name: b1\n  labels: {topology.kubernetes.io/zone: eu-b}\nspec:\n  unschedulable: true\nstatus:\n  conditions: [{type: Ready, status: 'True'}]\n")
        .deployment("app", "web", 2)
        .pod("app", "web-1-x", "ReplicaSet", "web-1", "web", "a1")
        .pod("app", "web-1-y", "ReplicaSet", "web-1", "web", "a1");
    let (_, o) = run(&two, &["fail node:a1", "fail node:a2"]);
    assert!(o.rescheduled.is_empty(), "{:?}", o.rescheduled);
    assert_eq!(o.pending.len(), 2, "{:?}", o.pending);
    // With more room: nowhere in a failed node or zone.
    let (_, o) = run(&crowded_a(), &["fail node:a1", "fail node:a2"]);
    assert_eq!(o.rescheduled.len(), 4, "{:?}", o.rescheduled);
    for r in &o.rescheduled {
        assert!(r.to != "a1" && r.to != "a2", "{r:?}");
    }
    // The same when the second event takes the node's whole zone.
    let (_, o) = run(&crowded_a(), &["fail node:a1", "fail zone:eu-a"]);
    for r in &o.rescheduled {
        assert!(!r.to.starts_with('a'), "{r:?}");
    }
    // And the order of the events does not matter for where they end.
    let (_, o) = run(&crowded_a(), &["fail node:a2", "fail node:a1"]);
    assert!(o.rescheduled.iter().all(|r| r.to != "a1" && r.to != "a2"));
}

#[test]
fn a_pod_evicted_onto_a_node_that_fails_next_stops_with_it() {
    // Drain a1: its pods move at once (no budget), some of them onto b1; then b1 fails.
    let (t, o) = run(&crowded_a(), &["drain node:a1", "fail node:b1"]);
    let b1 = t.node_named(ClusterId(0), "b1").unwrap();
    assert!(
        o.placed.iter().all(|n| *n != Some(b1)),
        "a pod still runs on the failed b1: {:?}",
        o.rescheduled
    );
}

#[test]
fn a_node_that_recovers_at_once_gets_its_pods_back_and_none_is_replaced() {
    let (_, o) = run(&crowded_a(), &["fail node:a1", "recover node:a1"]);
    assert!(o.rescheduled.is_empty(), "{:?}", o.rescheduled);
    assert!(o.lost.is_empty(), "{:?}", o.lost);
}

#[test]
fn a_replacement_among_equally_ranked_nodes_names_the_tie() {
    // b1, b2, c1, c2 are empty and alike: the real scheduler picks among them at random.
    let c = three_zones().deployment("app", "web", 1).pod(
        "app",
        "web-1-a",
        "ReplicaSet",
        "web-1",
        "web",
        "a1",
    );
    let (_, o) = run(&c, &["fail node:a1"]);
    let r = &o.rescheduled[0];
    assert_eq!(r.candidates, ["a2", "b1", "b2", "c1", "c2"], "{r:?}");
    assert!(r.candidates.contains(&r.to));
    // One node left that fits: no tie.
    let (_, o) = run(
        &c,
        &[
            "fail node:a1",
            "fail node:a2",
            "fail zone:eu-b",
            "fail node:c2",
        ],
    );
    assert!(
        o.rescheduled.iter().all(|r| r.candidates.is_empty()),
        "{:?}",
        o.rescheduled
    );
}
