//! An exported object made creatable again: what the API server sets itself (status,
//! resourceVersion, uid, managedFields, creationTimestamp, bind annotations) is dropped, and what
//! only the source cluster had (its priority classes, the uid in a PV's claimRef) is left out.

use serde_json::{Map, Value, json};

use crate::objects::{kind, name, namespace};

/// The label KWOK manages nodes by (controlplane/README.md); removing it stops the heartbeats.
pub const KWOK_LABEL: &str = "quorum.dev/kwok-managed";

fn pick(from: &Value, keys: &[&str]) -> Value {
    let mut out = Map::new();
    for k in keys {
        if let Some(v) = from.get(*k)
            && !v.is_null()
        {
            out.insert(k.to_string(), v.clone());
        }
    }
    Value::Object(out)
}

/// Annotations the API server or a controller writes; a copy of them would lie.
fn foreign_annotation(key: &str) -> bool {
    key == "kubectl.kubernetes.io/last-applied-configuration"
        || key.starts_with("deployment.kubernetes.io/")
        || key.starts_with("pv.kubernetes.io/")
        || key.starts_with("volume.kubernetes.io/")
        || key.starts_with("volume.beta.kubernetes.io/")
        || key.starts_with("control-plane.alpha.kubernetes.io/")
}

fn meta(o: &Value) -> Value {
    let m = &o["metadata"];
    let mut out = pick(m, &["name", "namespace", "labels"]);
    if let Some(annotations) = m["annotations"].as_object() {
        let kept: Map<String, Value> = annotations
            .iter()
            .filter(|(k, _)| !foreign_annotation(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if !kept.is_empty() {
            out["annotations"] = Value::Object(kept);
        }
    }
    out
}

fn object(api_version: &str, kind: &str, metadata: Value, rest: &[(&str, Value)]) -> Value {
    let mut o = json!({"apiVersion": api_version, "kind": kind, "metadata": metadata});
    for (k, v) in rest {
        if !v.is_null() {
            o[*k] = v.clone();
        }
    }
    o
}

/// A KWOK node with the source node's name, labels, taints, cordon and capacity.
pub fn node(o: &Value) -> Value {
    let mut metadata = meta(o);
    metadata["labels"][KWOK_LABEL] = json!("true");
    metadata["labels"]["kubernetes.io/hostname"] = json!(name(o));
    metadata["annotations"] = json!({
        "kwok.x-k8s.io/node": "fake",
        "node.alpha.kubernetes.io/ttl": "0",
    });
    // Taints the node lifecycle controller or a kubelet set describe the source's state, not
    // the node: they are the real controllers' to set here.
    let taints: Vec<Value> = o["spec"]["taints"]
        .as_array()
        .map(|t| {
            t.iter()
                .filter(|t| {
                    let key = t["key"].as_str().unwrap_or("");
                    !key.starts_with("node.kubernetes.io/")
                        && !key.starts_with("node.cloudprovider.kubernetes.io/")
                })
                .map(|t| pick(t, &["key", "value", "effect"]))
                .collect()
        })
        .unwrap_or_default();
    let mut spec = json!({});
    if !taints.is_empty() {
        spec["taints"] = Value::Array(taints);
    }
    if o["spec"]["unschedulable"].as_bool() == Some(true) {
        spec["unschedulable"] = json!(true);
    }
    let resources = |which: &str| {
        let r = pick(
            &o["status"][which],
            &["cpu", "memory", "pods", "ephemeral-storage"],
        );
        if r.as_object().is_some_and(|m| m.is_empty()) {
            json!({"cpu": "8", "memory": "32Gi", "pods": "110"})
        } else {
            r
        }
    };
    object(
        "v1",
        "Node",
        metadata,
        &[
            ("spec", spec),
            (
                "status",
                json!({"capacity": resources("capacity"), "allocatable": resources("allocatable")}),
            ),
        ],
    )
}

pub fn namespace_object(name: &str) -> Value {
    object("v1", "Namespace", json!({"name": name}), &[])
}

pub fn service_account(namespace: &str, name: &str) -> Value {
    object(
        "v1",
        "ServiceAccount",
        json!({"name": name, "namespace": namespace}),
        &[],
    )
}

pub fn storage_class(o: &Value) -> Value {
    let mut out = object("storage.k8s.io/v1", "StorageClass", meta(o), &[]);
    for k in [
        "provisioner",
        "parameters",
        "reclaimPolicy",
        "volumeBindingMode",
        "allowedTopologies",
        "allowVolumeExpansion",
        "mountOptions",
    ] {
        if !o[k].is_null() {
            out[k] = o[k].clone();
        }
    }
    if out["provisioner"].is_null() {
        out["provisioner"] = json!("kubernetes.io/no-provisioner");
    }
    out
}

/// A PV with its node affinity, pre-bound to its claim (the claimRef without the source's uid).
pub fn persistent_volume(o: &Value) -> Value {
    let mut spec = o["spec"].clone();
    if let Some(claim) = spec.get("claimRef").cloned() {
        spec["claimRef"] = pick(&claim, &["apiVersion", "kind", "namespace", "name"]);
    }
    object("v1", "PersistentVolume", meta(o), &[("spec", spec)])
}

pub fn persistent_volume_claim(o: &Value) -> Value {
    let spec = pick(
        &o["spec"],
        &[
            "accessModes",
            "resources",
            "storageClassName",
            "volumeName",
            "volumeMode",
            "selector",
        ],
    );
    object("v1", "PersistentVolumeClaim", meta(o), &[("spec", spec)])
}

/// A pod template as a controller may create it here: no source-only priority class.
fn template(t: &Value) -> Value {
    let mut spec = t["spec"].clone();
    if let Some(s) = spec.as_object_mut() {
        s.remove("priority");
        s.remove("nodeName");
        let system = s
            .get("priorityClassName")
            .and_then(Value::as_str)
            .is_some_and(|p| p.starts_with("system-"));
        if !system {
            s.remove("priorityClassName");
        }
    }
    json!({"metadata": pick(&t["metadata"], &["labels", "annotations"]), "spec": spec})
}

fn claim_template(t: &Value) -> Value {
    let mut out = json!({
        "metadata": pick(&t["metadata"], &["name", "labels"]),
        "spec": pick(&t["spec"], &["accessModes", "resources", "storageClassName", "volumeMode", "selector"]),
    });
    for k in ["apiVersion", "kind"] {
        if !t[k].is_null() {
            out[k] = t[k].clone();
        }
    }
    out
}

/// A StatefulSet, Deployment, DaemonSet or ReplicaSet with its spec and none of its status.
pub fn workload(o: &Value) -> Value {
    let s = &o["spec"];
    let mut spec = pick(
        s,
        &[
            "replicas",
            "selector",
            "serviceName",
            "podManagementPolicy",
            "updateStrategy",
            "strategy",
            "minReadySeconds",
            "revisionHistoryLimit",
            "progressDeadlineSeconds",
            "persistentVolumeClaimRetentionPolicy",
            "ordinals",
        ],
    );
    spec["template"] = template(&s["template"]);
    if let Some(claims) = s["volumeClaimTemplates"].as_array() {
        spec["volumeClaimTemplates"] = Value::Array(claims.iter().map(claim_template).collect());
    }
    if kind(o) == "StatefulSet" && spec["serviceName"].is_null() {
        spec["serviceName"] = json!(name(o));
    }
    object("apps/v1", kind(o), meta(o), &[("spec", spec)])
}

pub fn pod_disruption_budget(o: &Value) -> Value {
    let spec = pick(
        &o["spec"],
        &[
            "minAvailable",
            "maxUnavailable",
            "selector",
            "unhealthyPodEvictionPolicy",
        ],
    );
    object(
        "policy/v1",
        "PodDisruptionBudget",
        meta(o),
        &[("spec", spec)],
    )
}

/// A leader Lease held by `holder`, renewed now.
pub fn lease(namespace: &str, name: &str, holder: &str, duration: i64, strategy: bool) -> Value {
    let now = micro_time(k8s_openapi::jiff::Timestamp::now());
    let mut spec = json!({
        "holderIdentity": holder,
        "leaseDurationSeconds": duration,
        "acquireTime": now,
        "renewTime": now,
        "leaseTransitions": 0,
    });
    if strategy {
        spec["strategy"] = json!("OldestEmulationVersion");
    }
    object(
        "coordination.k8s.io/v1",
        "Lease",
        json!({"name": name, "namespace": namespace}),
        &[("spec", spec)],
    )
}

/// A time as the API server writes a `MicroTime`: RFC 3339 with six fraction digits.
pub fn micro_time(t: k8s_openapi::jiff::Timestamp) -> String {
    let micros = t.subsec_microsecond();
    format!("{}.{micros:06}Z", t.strftime("%Y-%m-%dT%H:%M:%S"))
}

/// A `List` of objects for one `kubectl create -f -`.
pub fn list(items: Vec<Value>) -> String {
    json!({"apiVersion": "v1", "kind": "List", "items": items}).to_string()
}

/// Namespaces an object set needs, in order, without the ones every cluster has.
pub fn namespaces(objects: &[Value]) -> Vec<String> {
    let mut out: Vec<String> = objects
        .iter()
        .map(|o| namespace(o).to_string())
        .chain(
            objects
                .iter()
                .filter(|o| kind(o) == "Namespace")
                .map(|o| name(o).to_string()),
        )
        .filter(|n| {
            !n.is_empty()
                && !matches!(
                    n.as_str(),
                    "default" | "kube-system" | "kube-public" | "kube-node-lease"
                )
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_keeps_its_labels_capacity_and_own_taints_but_not_the_lifecycle_ones() {
        let source = json!({
            "kind": "Node",
            "metadata": {"name": "a1", "uid": "x", "resourceVersion": "9",
                          "labels": {"topology.kubernetes.io/zone": "eu-a"}},
            "spec": {"taints": [
                {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"},
                {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute", "timeAdded": "t"}
            ]},
            "status": {"capacity": {"cpu": "4", "memory": "16Gi", "pods": "110", "hugepages-2Mi": "0"},
                       "allocatable": {"cpu": "3900m", "memory": "15Gi", "pods": "110"}}
        });
        let n = node(&source);
        assert_eq!(n["metadata"]["labels"][KWOK_LABEL], "true");
        assert_eq!(
            n["metadata"]["labels"]["topology.kubernetes.io/zone"],
            "eu-a"
        );
        assert!(n["metadata"].get("uid").is_none());
        assert_eq!(n["spec"]["taints"].as_array().unwrap().len(), 1);
        assert_eq!(n["status"]["allocatable"]["cpu"], "3900m");
        assert!(n["status"]["capacity"].get("hugepages-2Mi").is_none());
    }

    #[test]
    fn a_pv_stays_pinned_and_pre_bound_without_the_source_uid() {
        let source = json!({
            "kind": "PersistentVolume",
            "metadata": {"name": "pv-0", "annotations": {"pv.kubernetes.io/provisioned-by": "ebs"}},
            "spec": {"claimRef": {"kind": "PersistentVolumeClaim", "namespace": "db", "name": "data-pg-0",
                                   "uid": "u", "resourceVersion": "1"},
                     "nodeAffinity": {"required": {"nodeSelectorTerms": []}}},
            "status": {"phase": "Bound"}
        });
        let pv = persistent_volume(&source);
        assert!(pv["spec"]["claimRef"].get("uid").is_none());
        assert_eq!(pv["spec"]["claimRef"]["name"], "data-pg-0");
        assert!(pv["spec"].get("nodeAffinity").is_some());
        assert!(pv.get("status").is_none());
        assert!(pv["metadata"].get("annotations").is_none());
    }

    #[test]
    fn a_template_loses_a_priority_class_only_the_source_cluster_had() {
        let sts = json!({
            "kind": "StatefulSet",
            "metadata": {"name": "pg", "namespace": "db"},
            "spec": {"replicas": 3, "template": {"metadata": {"labels": {"app": "pg"}},
                     "spec": {"priorityClassName": "db-critical", "priority": 1000}},
                     "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {"storageClassName": "gp3"},
                                               "status": {"phase": "Pending"}}]},
            "status": {"replicas": 3}
        });
        let w = workload(&sts);
        assert!(
            w["spec"]["template"]["spec"]
                .get("priorityClassName")
                .is_none()
        );
        assert!(w["spec"]["template"]["spec"].get("priority").is_none());
        assert!(w["spec"]["volumeClaimTemplates"][0].get("status").is_none());
        assert_eq!(w["spec"]["serviceName"], "pg");
        assert!(w.get("status").is_none());
    }
}
