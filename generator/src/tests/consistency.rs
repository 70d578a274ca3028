//! The 3,000-pod JSON export read back: kinds in kubectl's order, and every reference between
//! objects (node, owner, claim, volume, lease holder) resolving as the model expects.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use super::{KIND_ORDER, expected_total, run};
use crate::consts::{HOT_NODES, ZONE_LABEL};
use crate::{GenerateFormat, GenerateParams, GenerateStats};

fn s<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    let mut cur = v;
    for k in path {
        cur = &cur[*k];
    }
    cur.as_str()
        .unwrap_or_else(|| panic!("{path:?} is not a string in {}", v["metadata"]["name"]))
}

fn millicpu(q: &str) -> u64 {
    match q.strip_suffix('m') {
        Some(m) => m.parse().unwrap(),
        None => q.parse::<u64>().unwrap() * 1000,
    }
}

fn by_kind<'a>(items: &'a [Value], kind: &'static str) -> impl Iterator<Item = &'a Value> {
    items.iter().filter(move |it| it["kind"] == kind)
}

/// `namespace/name`.
fn key(it: &Value) -> String {
    format!(
        "{}/{}",
        it["metadata"]["namespace"].as_str().unwrap_or(""),
        s(it, &["metadata", "name"])
    )
}

/// What the checks learn about the nodes and pods and share.
#[derive(Default)]
struct Layout {
    node_zone: HashMap<String, String>,
    node_index: HashMap<String, usize>,
    /// `namespace/pod` to its node.
    pod_node: HashMap<String, String>,
}

#[test]
fn json_3000_pods_is_a_consistent_kubectl_list() {
    let params = GenerateParams::for_pods(3_000);
    let (bytes, st) = run(&params, GenerateFormat::Json);
    let text = std::str::from_utf8(&bytes).unwrap();
    assert!(text.starts_with("{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n        {\n            \"apiVersion\": \"v1\",\n            \"kind\": \"Node\",\n"));
    assert!(text.ends_with("\n    ],\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n"));

    let doc: Value = serde_json::from_slice(&bytes).expect("valid JSON");
    assert_eq!(doc["kind"], "List");
    let items = doc["items"].as_array().unwrap();
    assert_eq!(items.len(), expected_total(&st));

    check_kinds(items, &st);
    let mut layout = Layout::default();
    check_nodes(items, &mut layout);
    check_pods(items, &mut layout);
    check_owners(items);
    check_storage(items, &layout);
    check_statefulsets(items, &st, &layout);
    check_leases(items, &st, &layout);
    check_pdbs(items);
}

fn check_kinds(items: &[Value], st: &GenerateStats) {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut kinds_in_order: Vec<&str> = Vec::new();
    for it in items {
        let k = s(it, &["kind"]);
        *counts.entry(k).or_default() += 1;
        if kinds_in_order.last() != Some(&k) {
            kinds_in_order.push(k);
        }
    }
    assert_eq!(kinds_in_order, KIND_ORDER);
    assert_eq!(counts["Node"], 100);
    assert_eq!(st.nodes, 100);
    assert_eq!(counts["Pod"], 3_000);
    assert_eq!(counts["PersistentVolumeClaim"], st.pvcs);
    assert_eq!(counts["PersistentVolume"], st.pvcs);
    assert_eq!(counts["StorageClass"], 2);
    assert_eq!(counts["Lease"], st.leases);
    assert_eq!(counts["StatefulSet"], st.statefulsets);
    assert_eq!(counts["Deployment"], st.deployments);
    assert_eq!(counts["ReplicaSet"], st.deployments);
    assert_eq!(counts["PodDisruptionBudget"], st.pdbs);
    // ~35% of the pods in StatefulSets, one PVC each.
    assert!((1_000..=1_060).contains(&st.pvcs), "pvcs {}", st.pvcs);
    assert!(st.pdbs * 100 >= st.statefulsets * 55 && st.pdbs * 100 <= st.statefulsets * 85);
}

/// Nodes: zones round-robin, three control-plane nodes, a few broken or cordoned.
fn check_nodes(items: &[Value], layout: &mut Layout) {
    let (mut control_plane, mut not_ready, mut cordoned) = (0, 0, 0);
    for (i, n) in by_kind(items, "Node").enumerate() {
        let name = s(n, &["metadata", "name"]).to_string();
        assert_eq!(name, format!("node-{i:05}"));
        let zone = s(n, &["metadata", "labels", ZONE_LABEL]);
        assert_eq!(zone, ["zone-a", "zone-b", "zone-c"][i % 3]);
        assert_eq!(s(n, &["status", "nodeInfo", "kubeletVersion"]), "v1.33.1");
        assert_eq!(s(n, &["status", "allocatable", "pods"]), "110");
        control_plane += usize::from(
            n["metadata"]["labels"]
                .get("node-role.kubernetes.io/control-plane")
                .is_some(),
        );
        let ready = n["status"]["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["type"] == "Ready")
            .unwrap();
        not_ready += usize::from(ready["status"] != "True");
        cordoned += usize::from(n["spec"]["unschedulable"] == true);
        layout.node_zone.insert(name.clone(), zone.to_string());
        layout.node_index.insert(name, i);
    }
    assert_eq!((control_plane, not_ready, cordoned), (3, 1, 1));
}

/// Pods: on known nodes, within 110 pods and the allocatable CPU and memory.
fn check_pods(items: &[Value], layout: &mut Layout) {
    let mut per_node: HashMap<&str, (u32, u64)> = HashMap::new();
    let mut pod_ips = HashSet::new();
    for pod in by_kind(items, "Pod") {
        let node = s(pod, &["spec", "nodeName"]);
        assert!(
            layout.node_zone.contains_key(node),
            "pod {} on unknown node {node}",
            key(pod)
        );
        assert!(
            layout.node_index[node] >= 3,
            "pod on a tainted control-plane node"
        );
        let e = per_node.entry(node).or_default();
        e.0 += 1;
        e.1 += millicpu(s(
            &pod["spec"]["containers"][0],
            &["resources", "requests", "cpu"],
        ));
        assert!(
            pod_ips.insert(s(pod, &["status", "podIP"]).to_string()),
            "duplicate pod IP"
        );
        assert_eq!(pod["metadata"]["ownerReferences"][0]["controller"], true);
        layout.pod_node.insert(key(pod), node.to_string());
    }
    assert!(per_node.values().all(|&(n, cpu)| n <= 110 && cpu <= 16_000));
}

/// Owners: every pod's owner exists with the referenced uid; every RS is owned by its Deployment.
fn check_owners(items: &[Value]) {
    let uid_of: HashMap<String, String> = items
        .iter()
        .filter(|it| it["metadata"]["namespace"].is_string())
        .map(|it| {
            (
                format!("{}:{}", s(it, &["kind"]), key(it)),
                s(it, &["metadata", "uid"]).to_string(),
            )
        })
        .collect();
    for it in by_kind(items, "Pod").chain(by_kind(items, "ReplicaSet")) {
        let owner = &it["metadata"]["ownerReferences"][0];
        let ns = s(it, &["metadata", "namespace"]);
        let id = format!("{}:{ns}/{}", s(owner, &["kind"]), s(owner, &["name"]));
        assert_eq!(
            uid_of.get(&id).map(String::as_str),
            Some(s(owner, &["uid"])),
            "owner of {}",
            key(it)
        );
    }
}

/// Storage: pod volume -> PVC -> PV -> claimRef back, PV zone = the pod's node zone.
fn check_storage(items: &[Value], layout: &Layout) {
    let pvs: HashMap<&str, &Value> = by_kind(items, "PersistentVolume")
        .map(|pv| (s(pv, &["metadata", "name"]), pv))
        .collect();
    let pvcs: HashMap<String, &Value> = by_kind(items, "PersistentVolumeClaim")
        .map(|c| (key(c), c))
        .collect();
    for pod in by_kind(items, "Pod") {
        let ns = s(pod, &["metadata", "namespace"]);
        for vol in pod["spec"]["volumes"].as_array().unwrap() {
            let Some(claim) = vol["persistentVolumeClaim"]["claimName"].as_str() else {
                continue;
            };
            let pvc = pvcs
                .get(&format!("{ns}/{claim}"))
                .unwrap_or_else(|| panic!("missing PVC {ns}/{claim}"));
            let pv = pvs
                .get(s(pvc, &["spec", "volumeName"]))
                .expect("PVC bound to a missing PV");
            assert_eq!(s(pv, &["spec", "claimRef", "name"]), claim);
            assert_eq!(
                s(pv, &["spec", "claimRef", "uid"]),
                s(pvc, &["metadata", "uid"])
            );
            assert_eq!(
                s(pv, &["spec", "claimRef", "resourceVersion"]),
                s(pvc, &["metadata", "resourceVersion"])
            );
            let zone =
                pv["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"][0]["matchExpressions"]
                    [0]["values"][0]
                    .as_str()
                    .unwrap();
            assert_eq!(zone, layout.node_zone[s(pod, &["spec", "nodeName"])]);
            assert_eq!(
                s(pv, &["spec", "storageClassName"]),
                s(pvc, &["spec", "storageClassName"])
            );
        }
    }
    for pvc in pvcs.values() {
        assert!(pvs.contains_key(s(pvc, &["spec", "volumeName"])));
    }
}

/// StatefulSets: zone spread holds where it is required; anti-affinity means distinct nodes.
fn check_statefulsets(items: &[Value], st: &GenerateStats, layout: &Layout) {
    let mut skewed = 0;
    for sts in by_kind(items, "StatefulSet") {
        let ns = s(sts, &["metadata", "namespace"]);
        let name = s(sts, &["metadata", "name"]);
        let replicas = sts["spec"]["replicas"].as_u64().unwrap();
        assert!(replicas == 3 || replicas == 5);
        let nodes: Vec<&String> = (0..replicas)
            .map(|i| &layout.pod_node[&format!("{ns}/{name}-{i}")])
            .collect();
        let mut zones: HashMap<&str, u64> = HashMap::new();
        for n in &nodes {
            *zones.entry(layout.node_zone[*n].as_str()).or_default() += 1;
        }
        let max = *zones.values().max().unwrap();
        let min = if zones.len() < 3 {
            0
        } else {
            *zones.values().min().unwrap()
        };
        let tpl = &sts["spec"]["template"]["spec"];
        if tpl.get("topologySpreadConstraints").is_some() {
            assert!(max - min <= 1, "{ns}/{name} breaks its spread constraint");
        }
        if tpl.get("affinity").is_some() {
            assert_eq!(nodes.iter().collect::<HashSet<_>>().len(), nodes.len());
        }
        skewed += usize::from(max > replicas / 2);
    }
    assert!(
        skewed > 0 && skewed * 100 <= st.statefulsets * 25,
        "skewed {skewed} of {}",
        st.statefulsets
    );
}

/// Leases: node leases, control-plane leases, and leaders held by a pod of the workload.
fn check_leases(items: &[Value], st: &GenerateStats, layout: &Layout) {
    let pod_names: HashSet<String> = by_kind(items, "Pod").map(key).collect();
    let (mut leaders, mut hot, mut with_uuid) = (0, 0, 0);
    for lease in by_kind(items, "Lease") {
        let ns = s(lease, &["metadata", "namespace"]);
        let holder = s(lease, &["spec", "holderIdentity"]);
        let renew = s(lease, &["spec", "renewTime"]);
        if ns == "kube-node-lease" {
            assert!(layout.node_zone.contains_key(holder));
            continue;
        }
        assert!(
            renew.starts_with("2026-11-20T09:59:5") && renew.len() == 27,
            "{renew}"
        );
        assert_eq!(lease["spec"]["leaseDurationSeconds"], 15);
        if ns == "kube-system" {
            continue;
        }
        leaders += 1;
        let pod = holder.split_once('_').map_or(holder, |(p, uuid)| {
            with_uuid += 1;
            assert_eq!(uuid.len(), 36);
            p
        });
        let lease_name = s(lease, &["metadata", "name"]);
        let workload = lease_name.strip_suffix("-leader").unwrap();
        assert!(
            pod.starts_with(&format!("{workload}-")),
            "{holder} does not belong to {workload}"
        );
        assert!(
            pod_names.contains(&format!("{ns}/{pod}")),
            "holder {holder} is not a pod"
        );
        hot += usize::from(layout.node_index[&layout.pod_node[&format!("{ns}/{pod}")]] < HOT_NODES);
    }
    assert!(leaders >= st.statefulsets && leaders <= st.statefulsets + st.deployments / 5);
    assert!(with_uuid > leaders / 4 && with_uuid < leaders * 3 / 4);
    assert!(
        hot * 100 >= leaders * 20 && hot * 100 <= leaders * 40,
        "{hot} of {leaders} leaders on hot nodes"
    );
}

/// PDB arithmetic: disruptions allowed = healthy - desired, none under `maxUnavailable: 0`.
fn check_pdbs(items: &[Value]) {
    for pdb in by_kind(items, "PodDisruptionBudget") {
        let stt = &pdb["status"];
        let allowed = stt["disruptionsAllowed"].as_i64().unwrap();
        let expect = (stt["currentHealthy"].as_i64().unwrap()
            - stt["desiredHealthy"].as_i64().unwrap())
        .max(0);
        assert_eq!(allowed, expect);
        if pdb["spec"]["maxUnavailable"] == 0 {
            assert_eq!(allowed, 0);
        }
    }
}
