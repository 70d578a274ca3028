use super::*;
use crate::analysis::analyze;
use crate::samples;
use crate::simulate::{Event, Target};

fn open(name: &str) -> Workbench {
    Workbench::open(samples::find(name).unwrap().load(), Config::default())
}

#[test]
fn the_overview_counts_what_the_analysis_counts() {
    for name in ["three-zones", "two-dcs", "broken-storage", "healthy"] {
        let wb = open(name);
        let (per_zone, per_node) = wb.overview.leaders_by_name(&wb.topology);
        assert_eq!(per_zone, wb.analysis.leaders.per_zone, "{name}");
        assert_eq!(per_node, wb.analysis.leaders.per_node, "{name}");
    }
}

#[test]
fn a_pod_marked_out_of_reach_is_the_one_the_check_names() {
    let wb = open("broken-storage");
    let marked: Vec<String> = (0..wb.topology.pods.len())
        .filter(|p| wb.pods[*p].volume_out_of_reach.is_some())
        .map(|p| wb.topology.pods[p].pod.meta.name.clone())
        .collect();
    let running_elsewhere: Vec<String> = wb
        .analysis
        .findings
        .iter()
        .filter(|f| f.check == "pv-zone-conflict" && f.message.starts_with("runs on node"))
        .map(|f| f.subject.name.clone())
        .collect();
    assert!(!marked.is_empty());
    assert_eq!(marked, running_elsewhere);
}

#[test]
fn a_what_if_counts_the_graph_after_it_as_the_analysis_of_that_graph_does() {
    let wb = open("three-zones");
    let t = &wb.topology;
    let zone = t
        .zones
        .iter()
        .position(|z| z.name == "eu-west-1a")
        .map(|z| ZoneId(z as u32))
        .unwrap();
    let event = Event::Fail(target(t, &Pick::Zone(zone)));
    assert_eq!(event, Event::Fail(Target::Zone("eu-west-1a".into())));
    let w = what_if(t, std::slice::from_ref(&event)).unwrap();
    let after = w.outcome.after(t);
    let analysis = analyze(&after, &wb.config);
    assert_eq!(w.leaders_per_zone, analysis.leaders.per_zone);
    assert_eq!(w.leaders_per_node, analysis.leaders.per_node);
    // The failed zone holds nothing once its leases moved; the zone sums are its nodes'.
    assert!(!w.leaders_per_zone.contains_key("eu-west-1a"));
    for (z, summary) in w.overview.zones.iter().enumerate() {
        let nodes = &t.zones[z].nodes;
        let pods: u32 = nodes.iter().map(|n| w.overview.node(*n).pods).sum();
        assert_eq!(summary.pods, pods);
    }
}

#[test]
fn a_partition_needs_two_sides() {
    let wb = open("three-zones");
    let t = &wb.topology;
    let zones: Vec<ZoneId> = (0..t.zones.len()).map(|z| ZoneId(z as u32)).collect();
    assert_eq!(partition(t, &[zones.clone(), vec![]]), None);
    assert_eq!(
        partition(t, &[vec![zones[0]], zones[1..].to_vec()]),
        Some(Event::Partition(vec![
            vec!["eu-west-1a".into()],
            vec!["eu-west-1b".into(), "eu-west-1c".into()]
        ]))
    );
}

#[test]
fn the_sweep_is_computed_once_and_kept() {
    let wb = open("three-zones");
    assert!(wb.sweep_if_done().is_none());
    let first = wb.sweep();
    assert!(Arc::ptr_eq(&first, &wb.sweep()));
    assert!(!first.scenarios.is_empty());
}

#[test]
fn every_state_has_its_own_generation() {
    let a = open("three-zones");
    let b = open("three-zones");
    assert_ne!(a.generation, b.generation);
    assert!(b.generation > a.generation);
}

#[test]
fn the_worst_finding_colours_its_pods_groups_and_nodes() {
    let wb = open("three-zones");
    let t = &wb.topology;
    // pg loses quorum with eu-west-1a (critical): its group, its pods and their nodes are red.
    let pg = (0..t.groups.len())
        .find(|g| t.group_display(GroupId(*g as u32)) == "db/pg")
        .unwrap();
    assert_eq!(wb.risk.groups[pg], Some(crate::finding::Severity::Critical));
    let w = &t.workloads[t.groups[pg].workload.index()];
    for p in &w.pods {
        assert_eq!(
            wb.risk.pods[p.index()],
            Some(crate::finding::Severity::Critical)
        );
        let n = t.pods[p.index()].node.unwrap();
        assert_eq!(
            wb.risk.nodes[n.index()],
            Some(crate::finding::Severity::Critical)
        );
    }
    let wb = open("broken-storage");
    let t = &wb.topology;
    let out_of_reach = (0..t.pods.len())
        .find(|p| wb.pods[*p].volume_out_of_reach.is_some())
        .unwrap();
    assert_eq!(
        wb.risk.pods[out_of_reach],
        Some(crate::finding::Severity::Critical)
    );
    let healthy = open("healthy");
    assert!(
        healthy
            .risk
            .nodes
            .iter()
            .all(|r| r.is_none_or(|s| s < crate::finding::Severity::Critical))
    );
}

#[test]
fn pending_pods_and_zones_only_volumes_live_in_are_kept() {
    let wb = open("broken-storage");
    let t = &wb.topology;
    // The analysis counts every pod; the overview the placed ones; the rest are unplaced.
    let placed: u32 = wb.overview.nodes.iter().map(|n| n.pods).sum();
    let active = t.pods.iter().filter(|p| p.pod.is_active()).count();
    assert_eq!(placed as usize + wb.unplaced.len(), active);
    assert!(!wb.unplaced.is_empty());
    assert!(
        !wb.volume_only_zones.is_empty(),
        "its pending pod's volume is in a zone without nodes"
    );
    let three = open("three-zones");
    assert!(three.volume_only_zones.is_empty());
}

#[test]
fn every_finding_is_about_the_pod_node_and_group_its_subject_names() {
    let mut workload_findings = 0;
    for sample in samples::SAMPLES {
        let wb = Workbench::open(sample.load(), Config::default());
        let t = &wb.topology;
        for (f, about) in wb.analysis.findings.iter().zip(&wb.risk.about) {
            let Some(cluster) = t.cluster_named(&f.subject.cluster) else {
                continue;
            };
            let (ns, name) = (f.subject.namespace.as_str(), f.subject.name.as_str());
            let names = |meta: &crate::model::Meta| meta.namespace == ns && meta.name == name;
            let workload = t.workloads.iter().enumerate().find(|(_, w)| {
                w.cluster == cluster
                    && workload_kind(w) == f.subject.kind
                    && names(&w.workload.meta)
            });
            let pod = t
                .pods
                .iter()
                .position(|p| p.cluster == cluster && names(&p.pod.meta))
                .filter(|_| f.subject.kind == "Pod")
                .map(|p| PodId(p as u32));
            let group = match (f.subject.kind.as_str(), pod, workload) {
                ("Pod", Some(p), _) => t.pods[p.index()]
                    .workload
                    .and_then(|w| t.group_of_workload(w)),
                ("Lease" | "Endpoints" | "ConfigMap", _, _) => t
                    .leaders
                    .iter()
                    .find(|l| l.cluster == cluster && names(&l.record.meta))
                    .and_then(|l| l.group),
                (_, _, Some((w, _))) => {
                    workload_findings += 1;
                    t.group_of_workload(WorkloadId(w as u32))
                }
                _ => None,
            };
            assert_eq!(about.pod, pod, "{}: {f:?}", sample.name);
            assert_eq!(about.group, group, "{}: {f:?}", sample.name);
            if f.subject.kind == "Pod" {
                assert_eq!(about.node, pod.and_then(|p| t.pods[p.index()].node));
            }
        }
    }
    assert!(workload_findings > 10, "{workload_findings}");
}
