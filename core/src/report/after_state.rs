//! A graph written back as a kubectl-style export (`--after-state FILE`): what a scenario or a
//! plan predicts, readable by `quorum analyze`, the terminal UI and the desktop app. Every field
//! the model reads is written, so reading it back gives the same analysis: typed lists, one per
//! kind the input held (a kind it did not hold stays out, as it was not judged), the objects of
//! the workloads Quorum inferred left out (their pods name them again), and each leader record
//! carrying the time it was judged at (`quorum.dev/judged-at`).

use serde_json::{Map, Value, json};

use crate::graph::*;
use crate::model::{
    IntOrPercent, LeaderStyle, Meta, NodeSelector, OwnerRef, Placement, PodPhase, Requirement,
    TaintEffect,
};

use crate::contract::{ALONE_ANNOTATION, INFERRED_ANNOTATION, JUDGED_AT_ANNOTATION};

/// The objects of one cluster of the graph, as concatenated typed lists (JSON).
pub fn after_state(t: &Topology, cluster: ClusterId) -> String {
    let info = &t.clusters[cluster.index()];
    let mut lists: Vec<(&str, Vec<Value>)> = Vec::new();
    let exported = |kind: crate::model::Kind| info.listed.contains(&kind) || !info.by_kind;
    use crate::model::Kind;
    if exported(Kind::Namespace) {
        lists.push((
            "NamespaceList",
            t.namespaces
                .iter()
                .filter(|(c, _, _)| *c == cluster)
                .map(|(_, ns, _)| json!({"apiVersion": "v1", "kind": "Namespace", "metadata": meta(&ns.meta)}))
                .collect(),
        ));
    }
    // Nodes the input held, and the nodes only pods named whose state the scenario changed.
    lists.push((
        "NodeList",
        t.nodes
            .iter()
            .filter(|n| n.cluster == cluster)
            .filter(|n| !n.node.inferred || n.node.ready == Some(false))
            .map(node)
            .collect(),
    ));
    lists.push((
        "PodList",
        t.pods
            .iter()
            .filter(|p| p.cluster == cluster)
            .map(|p| pod(t, p))
            .collect(),
    ));
    for (kind, list) in [
        (Kind::StatefulSet, "StatefulSetList"),
        (Kind::Deployment, "DeploymentList"),
        (Kind::ReplicaSet, "ReplicaSetList"),
        (Kind::DaemonSet, "DaemonSetList"),
    ] {
        if !exported(kind) {
            continue;
        }
        lists.push((
            list,
            t.workloads
                .iter()
                .filter(|w| {
                    w.cluster == cluster
                        && w.origin == WorkloadOrigin::Object
                        && w.workload.kind == kind
                })
                .map(workload)
                .collect(),
        ));
    }
    if exported(Kind::PersistentVolumeClaim) {
        lists.push((
            "PersistentVolumeClaimList",
            t.pvcs
                .iter()
                .filter(|c| c.cluster == cluster)
                .map(pvc)
                .collect(),
        ));
    }
    if exported(Kind::PersistentVolume) {
        lists.push((
            "PersistentVolumeList",
            t.pvs
                .iter()
                .filter(|v| v.cluster == cluster)
                .map(pv)
                .collect(),
        ));
    }
    if exported(Kind::StorageClass) {
        lists.push((
            "StorageClassList",
            t.classes
                .iter()
                .filter(|c| c.cluster == cluster)
                .map(storage_class)
                .collect(),
        ));
    }
    if exported(Kind::PodDisruptionBudget) {
        lists.push((
            "PodDisruptionBudgetList",
            t.pdbs
                .iter()
                .filter(|p| p.cluster == cluster)
                .map(pdb)
                .collect(),
        ));
    }
    // Leader records: Leases, and the annotations on Endpoints and ConfigMaps.
    let mut leases = Vec::new();
    let mut endpoints = Vec::new();
    let mut config_maps = Vec::new();
    for l in t.leaders.iter().filter(|l| l.cluster == cluster) {
        let (kind, value) = leader(l);
        match kind {
            Kind::Lease => leases.push(value),
            Kind::Endpoints => endpoints.push(value),
            _ => config_maps.push(value),
        }
    }
    if exported(Kind::Lease) || !leases.is_empty() {
        lists.push(("LeaseList", leases));
    }
    if !endpoints.is_empty() {
        lists.push(("EndpointsList", endpoints));
    }
    if !config_maps.is_empty() {
        lists.push(("ConfigMapList", config_maps));
    }
    let mut out = String::new();
    for (kind, items) in lists {
        let list = json!({"apiVersion": "v1", "kind": kind, "metadata": {}, "items": items});
        out.push_str(&serde_json::to_string_pretty(&list).expect("values serialize"));
        out.push('\n');
    }
    out
}

fn meta(m: &Meta) -> Value {
    let mut out = Map::new();
    out.insert("name".into(), m.name.clone().into());
    if !m.namespace.is_empty() {
        out.insert("namespace".into(), m.namespace.clone().into());
    }
    if !m.labels.is_empty() {
        out.insert("labels".into(), json!(m.labels));
    }
    if !m.annotations.is_empty() {
        out.insert("annotations".into(), json!(m.annotations));
    }
    if !m.owners.is_empty() {
        out.insert(
            "ownerReferences".into(),
            m.owners.iter().map(owner).collect::<Vec<_>>().into(),
        );
    }
    if let Some(created) = m.created {
        out.insert(
            "creationTimestamp".into(),
            created
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                .into(),
        );
    }
    if let Some(rv) = &m.resource_version {
        out.insert("resourceVersion".into(), rv.clone().into());
    }
    out.into()
}

fn owner(o: &OwnerRef) -> Value {
    json!({"apiVersion": "v1", "kind": o.kind, "name": o.name, "controller": o.controller})
}

fn effect(e: TaintEffect) -> &'static str {
    match e {
        TaintEffect::NoSchedule => "NoSchedule",
        TaintEffect::PreferNoSchedule => "PreferNoSchedule",
        TaintEffect::NoExecute => "NoExecute",
    }
}

fn requirement(r: &Requirement) -> Value {
    let mut e = json!({"key": r.key, "operator": format!("{:?}", r.operator)});
    if !r.values.is_empty() {
        e["values"] = json!(r.values);
    }
    e
}

fn node_selector(s: &NodeSelector) -> Value {
    let terms: Vec<Value> = s
        .terms
        .iter()
        .map(|term| {
            let mut t = Map::new();
            if !term.expressions.is_empty() {
                t.insert(
                    "matchExpressions".into(),
                    term.expressions
                        .iter()
                        .map(requirement)
                        .collect::<Vec<_>>()
                        .into(),
                );
            }
            if !term.fields.is_empty() {
                t.insert(
                    "matchFields".into(),
                    term.fields
                        .iter()
                        .map(requirement)
                        .collect::<Vec<_>>()
                        .into(),
                );
            }
            Value::from(t)
        })
        .collect();
    json!({"nodeSelectorTerms": terms})
}

fn quantity_millis(m: u64) -> String {
    format!("{m}m")
}

fn node(n: &NodeInfo) -> Value {
    let node = &n.node;
    let mut m = meta(&node.meta);
    if let Some(uid) = &node.uid {
        m["uid"] = uid.clone().into();
    }
    if node.inferred {
        m["annotations"][INFERRED_ANNOTATION] = "true".into();
    }
    let mut spec = Map::new();
    if node.unschedulable {
        spec.insert("unschedulable".into(), true.into());
    }
    if !node.taints.is_empty() {
        spec.insert(
            "taints".into(),
            node.taints
                .iter()
                .map(|t| json!({"key": t.key, "value": t.value, "effect": effect(t.effect)}))
                .collect::<Vec<_>>()
                .into(),
        );
    }
    if let Some(provider) = &node.provider {
        spec.insert("providerID".into(), format!("{provider}://").into());
    }
    let mut status = Map::new();
    if let Some(ready) = node.ready {
        status.insert(
            "conditions".into(),
            json!([{"type": "Ready", "status": if ready { "True" } else { "False" }}]),
        );
    }
    let a = node.allocatable;
    if a != crate::model::Resources::default() {
        status.insert(
            "allocatable".into(),
            json!({
                "cpu": quantity_millis(a.cpu_millis),
                "memory": a.memory_bytes.to_string(),
                "pods": a.pods.to_string(),
            }),
        );
    }
    json!({"apiVersion": "v1", "kind": "Node", "metadata": m, "spec": spec, "status": status})
}

/// A pod template's spec: the placement rules, one container with the pod's requests.
fn pod_spec(p: &Placement) -> Map<String, Value> {
    let mut spec = Map::new();
    if !p.node_selector.is_empty() {
        spec.insert("nodeSelector".into(), json!(p.node_selector));
    }
    let mut affinity = Map::new();
    if let Some(required) = &p.required_node_affinity {
        affinity.insert(
            "nodeAffinity".into(),
            json!({"requiredDuringSchedulingIgnoredDuringExecution": node_selector(required)}),
        );
    }
    let term = |a: &crate::model::PodAffinityTerm| {
        let mut v = json!({"labelSelector": a.selector.to_json(), "topologyKey": a.topology_key});
        if !a.namespaces.is_empty() {
            v["namespaces"] = json!(a.namespaces);
        }
        v
    };
    if !p.required_anti_affinity.is_empty() || !p.preferred_anti_affinity.is_empty() {
        let mut anti = Map::new();
        if !p.required_anti_affinity.is_empty() {
            anti.insert(
                "requiredDuringSchedulingIgnoredDuringExecution".into(),
                p.required_anti_affinity
                    .iter()
                    .map(term)
                    .collect::<Vec<_>>()
                    .into(),
            );
        }
        if !p.preferred_anti_affinity.is_empty() {
            anti.insert(
                "preferredDuringSchedulingIgnoredDuringExecution".into(),
                p.preferred_anti_affinity
                    .iter()
                    .map(|a| json!({"weight": 100, "podAffinityTerm": term(a)}))
                    .collect::<Vec<_>>()
                    .into(),
            );
        }
        affinity.insert("podAntiAffinity".into(), anti.into());
    }
    if !affinity.is_empty() {
        spec.insert("affinity".into(), affinity.into());
    }
    if !p.tolerations.is_empty() {
        spec.insert(
            "tolerations".into(),
            p.tolerations
                .iter()
                .map(|t| {
                    let mut v = Map::new();
                    if !t.key.is_empty() {
                        v.insert("key".into(), t.key.clone().into());
                    }
                    v.insert(
                        "operator".into(),
                        if t.exists { "Exists" } else { "Equal" }.into(),
                    );
                    if !t.exists {
                        v.insert("value".into(), t.value.clone().into());
                    }
                    if let Some(e) = t.effect {
                        v.insert("effect".into(), effect(e).into());
                    }
                    if let Some(s) = t.seconds {
                        v.insert("tolerationSeconds".into(), s.into());
                    }
                    Value::from(v)
                })
                .collect::<Vec<_>>()
                .into(),
        );
    }
    if !p.spread.is_empty() {
        spec.insert(
            "topologySpreadConstraints".into(),
            p.spread
                .iter()
                .map(|c| c.to_json())
                .collect::<Vec<_>>()
                .into(),
        );
    }
    let mut requests = Map::new();
    if p.requests.cpu_millis > 0 {
        requests.insert("cpu".into(), quantity_millis(p.requests.cpu_millis).into());
    }
    if p.requests.memory_bytes > 0 {
        requests.insert("memory".into(), p.requests.memory_bytes.to_string().into());
    }
    spec.insert(
        "containers".into(),
        json!([{"name": "main", "resources": {"requests": requests}}]),
    );
    spec
}

fn pod(t: &Topology, info: &PodInfo) -> Value {
    let p = &info.pod;
    let mut m = meta(&p.meta);
    if p.alone {
        m["annotations"][ALONE_ANNOTATION] = "true".into();
    }
    if p.deleting {
        m["deletionTimestamp"] = "1970-01-01T00:00:00Z".into();
    }
    let mut spec = pod_spec(&p.placement);
    if let Some(n) = info.node {
        spec.insert("nodeName".into(), t.nodes[n.index()].name().into());
    }
    if let Some(h) = &p.hostname {
        spec.insert("hostname".into(), h.clone().into());
    }
    let mut volumes: Vec<Value> = p
        .claims
        .iter()
        .enumerate()
        .map(|(i, c)| json!({"name": format!("claim-{i}"), "persistentVolumeClaim": {"claimName": c}}))
        .collect();
    if let Some(path) = &p.host_path {
        volumes.push(json!({"name": "host-data", "hostPath": {"path": path}}));
    }
    if !volumes.is_empty() {
        spec.insert("volumes".into(), volumes.into());
    }
    let phase = match p.phase {
        PodPhase::Pending => "Pending",
        PodPhase::Running => "Running",
        PodPhase::Succeeded => "Succeeded",
        PodPhase::Failed => "Failed",
        PodPhase::Unknown => "Unknown",
    };
    json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": m, "spec": spec,
        "status": {"phase": phase, "conditions": [{"type": "Ready", "status": if p.ready { "True" } else { "False" }}]},
    })
}

fn workload(w: &WorkloadInfo) -> Value {
    let wl = &w.workload;
    let mut spec = Map::new();
    if let Some(r) = wl.replicas {
        spec.insert("replicas".into(), r.into());
    }
    spec.insert("selector".into(), wl.selector.to_json());
    spec.insert(
        "template".into(),
        json!({"metadata": {"labels": wl.template_labels}, "spec": pod_spec(&wl.placement)}),
    );
    if !wl.claim_templates.is_empty() {
        spec.insert(
            "volumeClaimTemplates".into(),
            wl.claim_templates
                .iter()
                .map(|c| {
                    let mut s = json!({"resources": {"requests": {"storage": c.request_bytes.to_string()}}});
                    if let Some(class) = &c.storage_class {
                        s["storageClassName"] = class.clone().into();
                    }
                    json!({"metadata": {"name": c.name}, "spec": s})
                })
                .collect::<Vec<_>>()
                .into(),
        );
    }
    let mut v = json!({
        "apiVersion": "apps/v1", "kind": wl.kind.as_str(), "metadata": meta(&wl.meta), "spec": spec,
    });
    if let Some(ready) = wl.ready_replicas {
        v["status"] = json!({"observedGeneration": 1, "readyReplicas": ready});
    }
    v
}

fn pvc(c: &PvcInfo) -> Value {
    let p = &c.pvc;
    let mut spec = json!({"resources": {"requests": {"storage": p.request_bytes.to_string()}}});
    if let Some(class) = &p.storage_class {
        spec["storageClassName"] = class.clone().into();
    }
    if let Some(v) = &p.volume_name {
        spec["volumeName"] = v.clone().into();
    }
    json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": meta(&p.meta),
           "spec": spec, "status": {"phase": p.phase}})
}

fn pv(info: &PvInfo) -> Value {
    let v = &info.pv;
    let mut spec = json!({"capacity": {"storage": v.capacity_bytes.to_string()}});
    if let Some(class) = &v.storage_class {
        spec["storageClassName"] = class.clone().into();
    }
    if let Some((ns, name)) = &v.claim {
        spec["claimRef"] = json!({"namespace": ns, "name": name});
    }
    if let Some(a) = &v.node_affinity {
        spec["nodeAffinity"] = json!({"required": node_selector(a)});
    }
    if v.node_local {
        spec["local"] = json!({"path": "/"});
    }
    if let Some(driver) = &v.driver {
        spec["csi"] = json!({"driver": driver, "volumeHandle": v.meta.name});
    }
    json!({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": meta(&v.meta),
           "spec": spec, "status": {"phase": v.phase}})
}

fn storage_class(c: &ClassInfo) -> Value {
    let s = &c.class;
    let mut m = meta(&s.meta);
    if s.is_default {
        m["annotations"]["storageclass.kubernetes.io/is-default-class"] = "true".into();
    }
    let mut v = json!({
        "apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": m,
        "provisioner": s.provisioner,
        "volumeBindingMode": if s.wait_for_first_consumer { "WaitForFirstConsumer" } else { "Immediate" },
    });
    if let Some(topologies) = &s.allowed_topologies {
        v["allowedTopologies"] = topologies
            .terms
            .iter()
            .map(|t| json!({"matchLabelExpressions": t.expressions.iter().map(|r| json!({"key": r.key, "values": r.values})).collect::<Vec<_>>()}))
            .collect::<Vec<_>>()
            .into();
    }
    if s.regional {
        v["parameters"] = json!({"replication-type": "regional-pd"});
    }
    v
}

fn limit(v: Option<IntOrPercent>) -> Option<Value> {
    v.map(|v| v.to_json())
}

fn pdb(info: &PdbInfo) -> Value {
    let p = &info.pdb;
    let mut spec = json!({"selector": p.selector.to_json()});
    if let Some(v) = limit(p.min_available) {
        spec["minAvailable"] = v;
    }
    if let Some(v) = limit(p.max_unavailable) {
        spec["maxUnavailable"] = v;
    }
    let mut v = json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
                       "metadata": meta(&p.meta), "spec": spec});
    if let Some(allowed) = p.disruptions_allowed {
        v["status"] = json!({"disruptionsAllowed": allowed});
    }
    v
}

fn time(t: Option<chrono::DateTime<chrono::Utc>>) -> Value {
    t.map_or(Value::Null, |t| {
        t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
            .into()
    })
}

fn leader(l: &LeaderInfo) -> (crate::model::Kind, Value) {
    let r = &l.record;
    let mut m = meta(&r.meta);
    // The time it was judged at, skew allowed for: read back, it is judged the same.
    if let Some(at) = l.judged_at {
        let skew = if l.judged_at_file_time {
            LEASE_SKEW_SECONDS
        } else {
            0
        };
        m["annotations"][JUDGED_AT_ANNOTATION] = time(Some(at - chrono::Duration::seconds(skew)));
    }
    let holder = r.holder.clone().unwrap_or_default();
    match r.style {
        LeaderStyle::Lease => {
            let mut spec = json!({
                "holderIdentity": holder,
                "renewTime": time(r.renew_time),
                "acquireTime": time(r.acquire_time),
            });
            if let Some(d) = r.duration_seconds {
                spec["leaseDurationSeconds"] = d.into();
            }
            if let Some(n) = r.transitions {
                spec["leaseTransitions"] = n.into();
            }
            if let Some(p) = &r.preferred_holder {
                spec["preferredHolder"] = p.clone().into();
            }
            if let Some(s) = &r.strategy {
                spec["strategy"] = s.clone().into();
            }
            (
                crate::model::Kind::Lease,
                json!({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": m, "spec": spec}),
            )
        }
        LeaderStyle::Annotation => {
            let mut record = json!({
                "holderIdentity": holder,
                "renewTime": time(r.renew_time),
                "acquireTime": time(r.acquire_time),
            });
            if let Some(d) = r.duration_seconds {
                record["leaseDurationSeconds"] = d.into();
            }
            if let Some(n) = r.transitions {
                record["leaderTransitions"] = n.into();
            }
            m["annotations"][crate::model::LEADER_ANNOTATION] = record.to_string().into();
            (
                r.kind,
                json!({"apiVersion": "v1", "kind": r.kind.as_str(), "metadata": m}),
            )
        }
        LeaderStyle::Patroni => {
            m["annotations"]["leader"] = holder.into();
            if let Some(d) = r.duration_seconds {
                m["annotations"]["ttl"] = d.to_string().into();
            }
            if let Some(at) = r.renew_time {
                m["annotations"]["renewTime"] = time(Some(at));
            }
            if let Some(at) = r.acquire_time {
                m["annotations"]["acquireTime"] = time(Some(at));
            }
            (
                r.kind,
                json!({"apiVersion": "v1", "kind": r.kind.as_str(), "metadata": m}),
            )
        }
    }
}
