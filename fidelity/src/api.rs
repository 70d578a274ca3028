//! The harness's own reads of the real control plane (pods, nodes, leases), as JSON values, on a
//! small runtime of its own so test code stays synchronous.

use kube::Api;
use kube::api::{ApiResource, DynamicObject, ListParams};
use serde_json::Value;

use crate::ControlPlane;

/// A client for one control plane.
pub struct Kube {
    runtime: tokio::runtime::Runtime,
    client: kube::Client,
}

fn resource(plural: &str) -> ApiResource {
    let (group, version, kind) = match plural {
        "pods" => ("", "v1", "Pod"),
        "nodes" => ("", "v1", "Node"),
        "persistentvolumes" => ("", "v1", "PersistentVolume"),
        "persistentvolumeclaims" => ("", "v1", "PersistentVolumeClaim"),
        "leases" => ("coordination.k8s.io", "v1", "Lease"),
        "statefulsets" => ("apps", "v1", "StatefulSet"),
        "deployments" => ("apps", "v1", "Deployment"),
        "replicasets" => ("apps", "v1", "ReplicaSet"),
        "daemonsets" => ("apps", "v1", "DaemonSet"),
        "poddisruptionbudgets" => ("policy", "v1", "PodDisruptionBudget"),
        other => panic!("no resource table entry for {other}"),
    };
    ApiResource {
        group: group.into(),
        version: version.into(),
        api_version: if group.is_empty() {
            version.into()
        } else {
            format!("{group}/{version}")
        },
        kind: kind.into(),
        plural: plural.into(),
    }
}

impl Kube {
    pub fn connect(cp: &ControlPlane) -> Kube {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let client = runtime
            .block_on(crate::elector::client(&cp.kubeconfig(), "quorum-real"))
            .expect("a client for the control plane");
        Kube { runtime, client }
    }

    /// Every object of a resource (`pods`, `nodes`, `leases`...) in every namespace.
    pub fn list(&self, plural: &str) -> Vec<Value> {
        let ar = resource(plural);
        let api: Api<DynamicObject> = Api::all_with(self.client.clone(), &ar);
        for attempt in 0..5 {
            match self.runtime.block_on(api.list(&ListParams::default())) {
                Ok(list) => {
                    return list
                        .items
                        .into_iter()
                        .map(|mut o| {
                            o.types = Some(kube::api::TypeMeta {
                                api_version: ar.api_version.clone(),
                                kind: ar.kind.clone(),
                            });
                            serde_json::to_value(o).expect("objects serialize")
                        })
                        .collect();
                }
                Err(e) if attempt < 4 => {
                    eprintln!("list {plural}: {e}; retrying");
                    std::thread::sleep(std::time::Duration::from_millis(500));
                }
                Err(e) => panic!("list {plural}: {e}"),
            }
        }
        unreachable!()
    }
}
