//! What `quorum export` keeps of an object: what `analyze` reads, and nothing it never reads
//! that could be sensitive. Containers lose their environment, command lines, probes and
//! lifecycle hooks (values people put credentials in); annotations other than the ones Quorum
//! reads go (`last-applied-configuration` repeats the whole spec, environment included);
//! ConfigMaps keep no data and Endpoints no addresses (their leader records are annotations);
//! `managedFields` go. `analyze` on the export gives the answer it gives on the live cluster
//! (`tui/tests/live.rs` checks it).

use kube::api::DynamicObject;
use serde_json::Value;

use crate::load::raw::is_read_annotation;
use crate::model::Kind;

/// Container fields that can carry secrets and that no check or simulation reads.
const CONTAINER_FIELDS_DROPPED: [&str; 8] = [
    "env",
    "envFrom",
    "command",
    "args",
    "lifecycle",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
];

/// Strips `object` (of `kind`) down to what the model reads.
pub fn minimal(kind: Kind, object: &mut DynamicObject) {
    object.metadata.managed_fields = None;
    if let Some(annotations) = &mut object.metadata.annotations {
        annotations.retain(|k, _| is_read_annotation(k));
        if annotations.is_empty() {
            object.metadata.annotations = None;
        }
    }
    let data = &mut object.data;
    match kind {
        Kind::ConfigMap => *data = Value::Object(Default::default()),
        Kind::Endpoints => {
            if let Some(map) = data.as_object_mut() {
                map.remove("subsets");
            }
        }
        Kind::Pod => strip_pod_spec(data.get_mut("spec")),
        Kind::StatefulSet | Kind::Deployment | Kind::ReplicaSet | Kind::DaemonSet => {
            if let Some(template) = data.pointer_mut("/spec/template") {
                if let Some(annotations) = template
                    .pointer_mut("/metadata/annotations")
                    .and_then(Value::as_object_mut)
                {
                    annotations.retain(|k, _| is_read_annotation(k));
                }
                strip_pod_spec(template.get_mut("spec"));
            }
        }
        _ => {}
    }
}

fn strip_pod_spec(spec: Option<&mut Value>) {
    let Some(spec) = spec.and_then(Value::as_object_mut) else {
        return;
    };
    for list in ["containers", "initContainers", "ephemeralContainers"] {
        let Some(containers) = spec.get_mut(list).and_then(Value::as_array_mut) else {
            continue;
        };
        for c in containers.iter_mut().filter_map(Value::as_object_mut) {
            for field in CONTAINER_FIELDS_DROPPED {
                c.remove(field);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(v: Value) -> DynamicObject {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn a_pod_keeps_its_placement_and_loses_its_secrets() {
        let mut pod = object(json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "db-0", "namespace": "db",
                "labels": {"app": "db"},
                "annotations": {
                    "kubectl.kubernetes.io/last-applied-configuration": "{\"env\":\"hunter2\"}",
                    "quorum.dev/ignore": "missing-pdb"
                }},
            "spec": {"nodeName": "n1", "containers": [{
                "name": "db", "image": "postgres",
                "env": [{"name": "PASSWORD", "value": "hunter2"}],
                "command": ["run", "--password=hunter2"],
                "resources": {"requests": {"cpu": "1"}}
            }], "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "data-db-0"}}]},
            "status": {"phase": "Running"}
        }));
        minimal(Kind::Pod, &mut pod);
        let text = serde_json::to_string(&pod).unwrap();
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("quorum.dev/ignore"));
        assert_eq!(pod.data["spec"]["nodeName"], "n1");
        assert_eq!(
            pod.data["spec"]["containers"][0]["resources"]["requests"]["cpu"],
            "1"
        );
        assert_eq!(
            pod.data["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"],
            "data-db-0"
        );
    }

    #[test]
    fn a_statefulsets_template_and_a_configmaps_data_are_stripped() {
        let mut sts = object(json!({
            "apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": "db", "namespace": "db"},
            "spec": {"replicas": 3, "template": {
                "metadata": {"annotations": {"secret.example/token": "hunter2"}},
                "spec": {"containers": [{"name": "db", "envFrom": [{"secretRef": {"name": "hunter2"}}]}]}
            }}
        }));
        minimal(Kind::StatefulSet, &mut sts);
        assert!(!serde_json::to_string(&sts).unwrap().contains("hunter2"));
        assert_eq!(sts.data["spec"]["replicas"], 3);
        let mut cm = object(json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "lock", "namespace": "ops", "annotations": {
                "control-plane.alpha.kubernetes.io/leader": "{\"holderIdentity\":\"a\"}"}},
            "data": {"password": "hunter2"}
        }));
        minimal(Kind::ConfigMap, &mut cm);
        let text = serde_json::to_string(&cm).unwrap();
        assert!(
            !text.contains("hunter2") && text.contains("holderIdentity"),
            "{text}"
        );
    }
}
