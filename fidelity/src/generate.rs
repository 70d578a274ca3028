//! Small random clusters and a failure for each, from a seed: two or three zones of one to three
//! nodes, StatefulSets and Deployments with and without PodDisruptionBudgets, zonal and
//! node-local PVs, required anti-affinity and zone spread constraints, leader Leases; the event is
//! a node or zone failure, a drain, or a partition that cuts one zone off.

use quorum_core::simulate::{Event, Target};
use serde_json::{Value, json};

/// SplitMix64: a seed is all a generated cluster needs to be rebuilt.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.next_u64() as usize % items.len()]
    }
}

/// A generated cluster: its objects, the events to inject and the zone holding the control
/// plane (for partitions).
pub struct Generated {
    pub objects: Vec<Value>,
    pub events: Vec<Event>,
    pub control_plane: Vec<String>,
    /// What it is, in a line.
    pub summary: String,
}

const NS: &str = "app";

fn node(name: &str, zone: &str, tainted: bool) -> Value {
    let mut n = json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "labels": {
            "kubernetes.io/hostname": name,
            "topology.kubernetes.io/zone": zone,
            "topology.kubernetes.io/region": "r1",
        }},
        "spec": {},
        "status": {"capacity": {"cpu": "4", "memory": "16Gi", "pods": "110"},
                   "allocatable": {"cpu": "4", "memory": "16Gi", "pods": "110"}},
    });
    if tainted {
        n["spec"]["taints"] =
            json!([{"key": "dedicated", "value": "infra", "effect": "NoSchedule"}]);
    }
    n
}

fn template(app: &str, cpu_millis: u64, anti: bool, spread: bool) -> Value {
    let mut spec = json!({
        "containers": [{"name": "app", "image": "registry.invalid/app:1",
                        "resources": {"requests": {"cpu": format!("{cpu_millis}m"), "memory": "256Mi"}}}],
    });
    if anti {
        spec["affinity"] = json!({"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
            {"labelSelector": {"matchLabels": {"app": app}}, "topologyKey": "kubernetes.io/hostname"}]}});
    }
    if spread {
        spec["topologySpreadConstraints"] = json!([{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone",
            "whenUnsatisfiable": "DoNotSchedule", "labelSelector": {"matchLabels": {"app": app}}}]);
    }
    json!({"metadata": {"labels": {"app": app}}, "spec": spec})
}

fn pdb(app: &str, rule: (&str, u64)) -> Value {
    json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
           "metadata": {"name": app, "namespace": NS},
           "spec": {rule.0: rule.1, "selector": {"matchLabels": {"app": app}}}})
}

fn lease(name: &str, holder: &str) -> Value {
    json!({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
           "metadata": {"name": name, "namespace": NS},
           "spec": {"holderIdentity": holder, "leaseDurationSeconds": 15}})
}

/// A source pod: it is not created (its controller makes the real ones); it says where the
/// lease's holder stood, so the loader picks the real pod there.
fn source_pod(name: &str, owner_kind: &str, owner: &str, app: &str, node: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": name, "namespace": NS, "labels": {"app": app},
                        "ownerReferences": [{"apiVersion": "apps/v1", "kind": owner_kind, "name": owner, "controller": true}]},
           "spec": {"nodeName": node, "containers": [{"name": "app"}]},
           "status": {"phase": "Running"}})
}

/// The cluster and scenario of a seed.
pub fn generate(seed: u64) -> Generated {
    let mut rng = Rng::new(seed);
    let zone_count = rng.range(2, 3) as usize;
    let zones: Vec<String> = ["z-a", "z-b", "z-c"][..zone_count]
        .iter()
        .map(|z| z.to_string())
        .collect();
    let mut objects =
        vec![json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}})];
    let mut nodes: Vec<(String, String)> = Vec::new();
    for z in &zones {
        for i in 1..=rng.range(1, 3) {
            nodes.push((format!("{z}-n{i}"), z.clone()));
        }
    }
    let tainted = (nodes.len() > 3 && rng.chance(25)).then(|| rng.pick(&nodes).0.clone());
    for (n, z) in &nodes {
        objects.push(node(n, z, tainted.as_deref() == Some(n)));
    }
    objects.push(json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
        "metadata": {"name": "zonal"}, "provisioner": "ebs.csi.aws.com", "volumeBindingMode": "WaitForFirstConsumer"}));
    objects.push(json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
        "metadata": {"name": "local"}, "provisioner": "kubernetes.io/no-provisioner", "volumeBindingMode": "WaitForFirstConsumer"}));
    let mut summary = vec![format!(
        "{} zones, {} nodes{}",
        zones.len(),
        nodes.len(),
        tainted
            .as_ref()
            .map(|t| format!(" ({t} tainted)"))
            .unwrap_or_default()
    )];
    let workloads = rng.range(2, 4);
    for w in 0..workloads {
        let stateful = rng.chance(50);
        let app = format!("{}-{w}", if stateful { "db" } else { "web" });
        let anti = rng.chance(40);
        let spread = rng.chance(40);
        let cpu = *rng.pick(&[100u64, 250, 500, 1000]);
        let with_pdb = rng.chance(60);
        let mut what = format!(
            "{} {app}",
            if stateful {
                "StatefulSet"
            } else {
                "Deployment"
            }
        );
        if stateful {
            let replicas = 3;
            let storage = *rng.pick(&["zonal", "local", "none"]);
            let mut spec = json!({"replicas": replicas, "serviceName": app, "podManagementPolicy": "Parallel",
                "selector": {"matchLabels": {"app": app}}, "template": template(&app, cpu, anti, spread)});
            if storage != "none" {
                spec["volumeClaimTemplates"] = json!([{"metadata": {"name": "data"},
                    "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": storage,
                             "resources": {"requests": {"storage": "1Gi"}}}}]);
                let skewed = rng.chance(30);
                for i in 0..replicas {
                    let (key, value) = if storage == "zonal" {
                        let z = if skewed {
                            &zones[0]
                        } else {
                            &zones[i % zones.len()]
                        };
                        ("topology.kubernetes.io/zone", z.clone())
                    } else {
                        ("kubernetes.io/hostname", rng.pick(&nodes).0.clone())
                    };
                    let pv = format!("pv-{app}-{i}");
                    let claim = format!("data-{app}-{i}");
                    let mut volume = json!({"apiVersion": "v1", "kind": "PersistentVolume",
                        "metadata": {"name": pv},
                        "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"],
                                 "storageClassName": storage, "persistentVolumeReclaimPolicy": "Retain",
                                 "claimRef": {"namespace": NS, "name": claim},
                                 "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                                     {"key": key, "operator": "In", "values": [value]}]}]}}}});
                    if storage == "local" {
                        volume["spec"]["local"] = json!({"path": "/mnt/disks/ssd0"});
                    } else {
                        volume["spec"]["csi"] = json!({"driver": "ebs.csi.aws.com", "volumeHandle": format!("vol-{seed}-{app}-{i}")});
                    }
                    objects.push(volume);
                    objects.push(json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                        "metadata": {"name": claim, "namespace": NS},
                        "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": storage,
                                 "volumeName": pv, "resources": {"requests": {"storage": "1Gi"}}}}));
                }
                what += &format!(
                    " on {storage} PVs{}",
                    if skewed && storage == "zonal" {
                        " (skewed)"
                    } else {
                        ""
                    }
                );
            }
            objects.push(json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
                "metadata": {"name": app, "namespace": NS}, "spec": spec}));
            if rng.chance(70) {
                let holder = format!("{app}-0");
                objects.push(lease(&format!("{app}-leader"), &holder));
                objects.push(source_pod(
                    &holder,
                    "StatefulSet",
                    &app,
                    &app,
                    &rng.pick(&nodes).0,
                ));
                what += ", leader lease";
            }
        } else {
            let replicas = rng.range(2, 3);
            objects.push(json!({"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": app, "namespace": NS},
                "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": app}},
                         "template": template(&app, cpu, anti, spread)}}));
            what = format!("Deployment {app} x{replicas}");
            if rng.chance(70) {
                let rs = format!("{app}-source");
                let holder = format!("{rs}-0");
                objects.push(json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
                    "metadata": {"name": rs, "namespace": NS,
                                 "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": app, "controller": true}]},
                    "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": app}}, "template": template(&app, cpu, anti, spread)}}));
                objects.push(lease(&format!("{app}-leader"), &holder));
                objects.push(source_pod(
                    &holder,
                    "ReplicaSet",
                    &rs,
                    &app,
                    &rng.pick(&nodes).0,
                ));
                what += ", leader lease";
            }
        }
        if with_pdb {
            let rule = if rng.chance(50) {
                ("maxUnavailable", rng.range(0, 1))
            } else {
                ("minAvailable", rng.range(1, 2))
            };
            objects.push(pdb(&app, rule));
            what += &format!(", PDB {} {}", rule.0, rule.1);
        }
        if anti {
            what += ", host anti-affinity";
        }
        if spread {
            what += ", zone spread";
        }
        summary.push(what);
    }
    let (events, control_plane) = match rng.range(0, 3) {
        0 => {
            let n = rng.pick(&nodes).0.clone();
            (vec![Event::Fail(Target::Node(n))], vec![])
        }
        1 => {
            let z = rng.pick(&zones).clone();
            (vec![Event::Fail(Target::Zone(z))], vec![])
        }
        2 => {
            let n = rng.pick(&nodes).0.clone();
            (vec![Event::Drain(Target::Node(n))], vec![])
        }
        _ => {
            let cut = rng.pick(&zones).clone();
            let rest: Vec<String> = zones.iter().filter(|z| **z != cut).cloned().collect();
            let control = rest[0].clone();
            (vec![Event::Partition(vec![vec![cut], rest])], vec![control])
        }
    };
    Generated {
        objects,
        events,
        control_plane,
        summary: summary.join("; "),
    }
}

/// A cluster for the plans, from a seed: three zones of two nodes, whose leaders stand on one
/// node (the leaders goal moves them), a StatefulSet or two on zonal volumes with two replicas in
/// one zone (the spread goal migrates one), and groups without a budget or a spread constraint
/// (the storage goal adds them). No event: the plan's steps are the change.
pub fn for_plans(seed: u64) -> Generated {
    let mut rng = Rng::new(seed.wrapping_mul(7919));
    let zones = ["z-a", "z-b", "z-c"];
    let mut objects =
        vec![json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}})];
    let mut nodes = Vec::new();
    for z in zones {
        for i in 1..=2 {
            let name = format!("{z}-n{i}");
            objects.push(node(&name, z, false));
            nodes.push(name);
        }
    }
    objects.push(json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
        "metadata": {"name": "zonal"}, "provisioner": "ebs.csi.aws.com", "volumeBindingMode": "WaitForFirstConsumer"}));
    let piled = nodes[0].clone();
    let mut summary = vec![format!("3 zones of 2 nodes; every leader on {piled}")];
    for w in 0..rng.range(3, 5) {
        let app = format!("web-{w}");
        let cpu = *rng.pick(&[100u64, 250, 500]);
        let rs = format!("{app}-source");
        objects.push(json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": app, "namespace": NS},
            "spec": {"replicas": 3, "selector": {"matchLabels": {"app": app}},
                     "template": template(&app, cpu, false, false)}}));
        objects.push(json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": rs, "namespace": NS,
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": app, "controller": true}]},
            "spec": {"replicas": 3, "selector": {"matchLabels": {"app": app}}, "template": template(&app, cpu, false, false)}}));
        // The source's replicas, one per zone (the loader only reads where the holder stood;
        // the rest make `quorum-fidelity objects plan SEED` plannable offline).
        for (i, z) in zones.iter().enumerate() {
            let on = if i == 0 {
                piled.clone()
            } else {
                format!("{z}-n1")
            };
            objects.push(source_pod(
                &format!("{rs}-{i}"),
                "ReplicaSet",
                &rs,
                &app,
                &on,
            ));
        }
        let holder = format!("{rs}-0");
        objects.push(lease(&format!("{app}-leader"), &holder));
        let mut what = format!("Deployment {app} x3, leader lease");
        if rng.chance(50) {
            objects.push(pdb(&app, ("maxUnavailable", 1)));
            what += ", PDB maxUnavailable 1";
        }
        summary.push(what);
    }
    for s in 0..rng.range(1, 2) {
        let app = format!("db-{s}");
        let spec = json!({"replicas": 3, "serviceName": app, "podManagementPolicy": "Parallel",
            "selector": {"matchLabels": {"app": app}}, "template": template(&app, 250, false, false),
            "volumeClaimTemplates": [{"metadata": {"name": "data"},
                "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "zonal",
                         "resources": {"requests": {"storage": "1Gi"}}}}]});
        // Two replicas' data in the first zone, one in the second: the third zone has none.
        for (i, zone) in [zones[0], zones[0], zones[1]].iter().enumerate() {
            let pv = format!("pv-{app}-{i}");
            let claim = format!("data-{app}-{i}");
            objects.push(json!({"apiVersion": "v1", "kind": "PersistentVolume",
                "metadata": {"name": pv},
                "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"],
                         "storageClassName": "zonal", "persistentVolumeReclaimPolicy": "Retain",
                         "claimRef": {"namespace": NS, "name": claim},
                         "csi": {"driver": "ebs.csi.aws.com", "volumeHandle": format!("vol-plan-{seed}-{app}-{i}")},
                         "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                             {"key": "topology.kubernetes.io/zone", "operator": "In", "values": [zone]}]}]}}}}));
            objects.push(json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                "metadata": {"name": claim, "namespace": NS},
                "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "zonal",
                         "volumeName": pv, "resources": {"requests": {"storage": "1Gi"}}}}));
        }
        objects.push(json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": app, "namespace": NS}, "spec": spec}));
        for (i, on) in [
            piled.clone(),
            format!("{}-n2", zones[0]),
            format!("{}-n1", zones[1]),
        ]
        .iter()
        .enumerate()
        {
            let mut pod = source_pod(&format!("{app}-{i}"), "StatefulSet", &app, &app, on);
            pod["spec"]["volumes"] = json!([{"name": "data",
                "persistentVolumeClaim": {"claimName": format!("data-{app}-{i}")}}]);
            objects.push(pod);
        }
        let holder = format!("{app}-0");
        objects.push(lease(&format!("{app}-leader"), &holder));
        let mut what = format!(
            "StatefulSet {app} x3 on zonal PVs (2 in {}), leader lease",
            zones[0]
        );
        if rng.chance(50) {
            objects.push(pdb(&app, ("maxUnavailable", 1)));
            what += ", PDB maxUnavailable 1";
        }
        summary.push(what);
    }
    Generated {
        objects,
        events: vec![],
        control_plane: vec![],
        summary: summary.join("; "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_always_gives_the_same_cluster_and_event() {
        let a = generate(7);
        let b = generate(7);
        assert_eq!(a.objects, b.objects);
        assert_eq!(a.events, b.events);
        assert_ne!(generate(8).objects, a.objects);
    }

    #[test]
    fn every_generated_claim_is_pre_bound_to_a_pinned_volume() {
        for seed in 0..40 {
            let g = generate(seed);
            for claim in g
                .objects
                .iter()
                .filter(|o| o["kind"] == "PersistentVolumeClaim")
            {
                let pv = claim["spec"]["volumeName"].as_str().unwrap();
                let volume = g
                    .objects
                    .iter()
                    .find(|o| o["kind"] == "PersistentVolume" && o["metadata"]["name"] == pv)
                    .unwrap();
                assert_eq!(
                    volume["spec"]["claimRef"]["name"],
                    claim["metadata"]["name"]
                );
                assert!(!volume["spec"]["nodeAffinity"].is_null());
            }
        }
    }
}
