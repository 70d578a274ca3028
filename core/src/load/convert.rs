//! Raw wire shapes into model objects: kinds recognised, quantities parsed, leader records decoded.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::raw::*;
use crate::model::*;

/// What a document turned out to be.
#[derive(Debug)]
pub enum Converted {
    Object(Box<Object>),
    /// A kind Quorum does not read, or an Endpoints/ConfigMap without a leader record.
    Skipped(String),
}

/// The API groups each kind may come from (old versions included); `None` apiVersion is accepted.
fn group_fits(kind: Kind, api_version: Option<&str>) -> bool {
    let Some(api_version) = api_version else {
        return true;
    };
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    match kind {
        Kind::Node
        | Kind::Pod
        | Kind::PersistentVolumeClaim
        | Kind::PersistentVolume
        | Kind::Namespace
        | Kind::Endpoints
        | Kind::ConfigMap => group.is_empty(),
        Kind::StorageClass => group == "storage.k8s.io",
        Kind::Lease => group == "coordination.k8s.io",
        Kind::StatefulSet => group == "apps",
        Kind::Deployment | Kind::ReplicaSet | Kind::DaemonSet => {
            matches!(group, "apps" | "extensions")
        }
        Kind::PodDisruptionBudget => group == "policy",
    }
}

/// The kind a document claims, if Quorum reads it.
pub fn recognise(kind: &str, api_version: Option<&str>) -> Option<Kind> {
    Kind::parse(kind).filter(|k| group_fits(*k, api_version))
}

pub fn convert(mut raw: RawObject, kind: Kind) -> Result<Converted, String> {
    let uid = raw
        .metadata
        .uid
        .take()
        .map(|t| t.0)
        .filter(|u| !u.is_empty());
    // A pod being deleted is terminating: no live replica.
    let deleting = raw
        .metadata
        .deletion_timestamp
        .as_ref()
        .is_some_and(|t| !t.0.is_empty());
    let meta = meta(raw.metadata);
    if meta.name.is_empty() {
        return Err(format!("{kind} has no metadata.name"));
    }
    let spec = raw.spec;
    let status = raw.status;
    Ok(Converted::Object(Box::new(match kind {
        Kind::Node => Object::Node(Node {
            uid,
            // Written back by an after-state: a node only its pods named.
            inferred: meta
                .annotations
                .contains_key(crate::contract::INFERRED_ANNOTATION),
            ..node(meta, spec, status)
        }),
        Kind::Pod => Object::Pod(Pod {
            deleting,
            ..pod(meta, spec, status)
        }),
        Kind::PersistentVolumeClaim => Object::Pvc(Pvc {
            storage_class: spec
                .storage_class_name
                .map(|t| t.0)
                .or_else(|| legacy_class(&meta)),
            meta,
            volume_name: nonempty(spec.volume_name),
            phase: status.phase.map(|t| t.0).unwrap_or_default(),
            request_bytes: bytes(spec.resources.requests.get("storage")),
        }),
        Kind::PersistentVolume => Object::Pv(pv(meta, spec, status)),
        Kind::StorageClass => {
            let is_default = [
                "storageclass.kubernetes.io/is-default-class",
                "storageclass.beta.kubernetes.io/is-default-class",
            ]
            .iter()
            .any(|k| meta.annotations.get(*k).is_some_and(|v| v == "true"));
            let regional = raw.parameters.iter().any(|(k, v)| {
                k.0.eq_ignore_ascii_case("replication-type") && v.0.contains("regional")
            });
            Object::StorageClass(StorageClass {
                meta,
                provisioner: raw.provisioner.map(|t| t.0).unwrap_or_default(),
                wait_for_first_consumer: raw
                    .volume_binding_mode
                    .is_some_and(|m| m.0 == "WaitForFirstConsumer"),
                allowed_topologies: raw.allowed_topologies.map(|terms| NodeSelector {
                    terms: terms
                        .into_iter()
                        .map(|t| NodeSelectorTerm {
                            expressions: t
                                .match_label_expressions
                                .into_iter()
                                .map(|r| Requirement {
                                    key: r.key.0,
                                    operator: Operator::In,
                                    values: r.values.into_iter().map(|v| v.0).collect(),
                                })
                                .collect(),
                            fields: vec![],
                        })
                        .collect(),
                }),
                is_default,
                regional,
            })
        }
        Kind::Lease => Object::Leader(LeaderRecord {
            meta,
            kind,
            style: LeaderStyle::Lease,
            holder: holder_identity(spec.holder_identity.map(|t| t.0)),
            duration_seconds: spec.lease_duration_seconds.map(|i| i.0.max(0) as u32),
            renew_time: spec.renew_time.as_ref().and_then(time),
            acquire_time: spec.acquire_time.as_ref().and_then(time),
            transitions: spec.lease_transitions.map(|i| i.0.max(0) as u32),
            preferred_holder: nonempty(spec.preferred_holder),
            strategy: nonempty(spec.strategy),
        }),
        Kind::Endpoints | Kind::ConfigMap => match annotation_leader(meta, kind) {
            Some(record) => Object::Leader(record),
            None => return Ok(Converted::Skipped(format!("{kind} (no leader record)"))),
        },
        Kind::StatefulSet | Kind::Deployment | Kind::ReplicaSet | Kind::DaemonSet => {
            Object::Workload(workload(meta, kind, spec, status))
        }
        Kind::PodDisruptionBudget => Object::Pdb(Pdb {
            meta,
            selector: spec.selector.map(label_selector).unwrap_or_default(),
            min_available: spec.min_available.and_then(|t| IntOrPercent::parse(&t.0)),
            max_unavailable: spec.max_unavailable.and_then(|t| IntOrPercent::parse(&t.0)),
            disruptions_allowed: status.disruptions_allowed.map(|i| i.0),
        }),
        Kind::Namespace => Object::Namespace(Namespace { meta }),
    })))
}

fn nonempty(t: Option<Text>) -> Option<String> {
    t.map(|t| t.0).filter(|s| !s.is_empty())
}

fn time(t: &Text) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(t.0.trim())
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

fn bytes(q: Option<&Text>) -> u64 {
    q.and_then(|q| parse_quantity(&q.0))
        .map_or(0, |v| v.max(0.0) as u64)
}

fn legacy_class(meta: &Meta) -> Option<String> {
    meta.annotations
        .get("volume.beta.kubernetes.io/storage-class")
        .or_else(|| {
            meta.annotations
                .get("volume.alpha.kubernetes.io/storage-class")
        })
        .cloned()
}

fn meta(raw: RawMeta) -> Meta {
    Meta {
        name: raw
            .name
            .or(raw.generate_name)
            .map(|t| t.0)
            .unwrap_or_default(),
        namespace: raw.namespace.map(|t| t.0).unwrap_or_default(),
        labels: raw.labels.0,
        annotations: raw.annotations.0,
        owners: raw
            .owner_references
            .into_iter()
            .map(|o| OwnerRef {
                kind: o.kind.0,
                name: o.name.0,
                controller: o.controller.unwrap_or(false),
            })
            .collect(),
        created: raw.creation_timestamp.as_ref().and_then(time),
        resource_version: nonempty(raw.resource_version),
        generation: raw.generation.map(|g| g.0),
    }
}

fn requirement(r: RawRequirement) -> Option<Requirement> {
    Some(Requirement {
        key: r.key.0,
        operator: Operator::parse(&r.operator.0)?,
        values: r.values.into_iter().map(|v| v.0).collect(),
    })
}

fn label_selector(raw: RawLabelSelector) -> LabelSelector {
    LabelSelector {
        match_labels: raw.match_labels.0,
        expressions: raw
            .match_expressions
            .into_iter()
            .filter_map(requirement)
            .collect(),
    }
}

fn node_selector(raw: RawNodeSelector) -> NodeSelector {
    NodeSelector {
        terms: raw
            .node_selector_terms
            .into_iter()
            .map(|t| NodeSelectorTerm {
                expressions: t
                    .match_expressions
                    .into_iter()
                    .filter_map(requirement)
                    .collect(),
                fields: t.match_fields.into_iter().filter_map(requirement).collect(),
            })
            .collect(),
    }
}

fn condition(conditions: &[RawCondition], kind: &str) -> Option<bool> {
    conditions
        .iter()
        .find(|c| c.kind.0 == kind)
        .map(|c| c.status.0 == "True")
}

fn resources(map: &BTreeMap<String, Text>) -> Resources {
    Resources {
        cpu_millis: map
            .get("cpu")
            .and_then(|q| parse_cpu_millis(&q.0))
            .unwrap_or(0),
        memory_bytes: bytes(map.get("memory")),
        pods: map
            .get("pods")
            .and_then(|q| parse_quantity(&q.0))
            .map_or(0, |v| v as u64),
    }
}

fn node(meta: Meta, spec: RawSpec, status: RawStatus) -> Node {
    let control_plane = meta
        .labels
        .contains_key("node-role.kubernetes.io/control-plane")
        || meta.labels.contains_key("node-role.kubernetes.io/master");
    let mut allocatable = resources(&status.allocatable);
    if allocatable == Resources::default() {
        allocatable = resources(&status.capacity);
    }
    let taints: Vec<Taint> = spec
        .taints
        .into_iter()
        .filter_map(|t| {
            Some(Taint {
                effect: TaintEffect::parse(&t.effect.0)?,
                key: t.key.0,
                value: t.value.map(|v| v.0).unwrap_or_default(),
            })
        })
        .collect();
    // Without its conditions, the node controller's taints still say a node is not Ready: it
    // adds them only while Ready is False or Unknown.
    let ready = condition(&status.conditions, "Ready").or_else(|| {
        taints
            .iter()
            .any(|t| {
                t.key == "node.kubernetes.io/unreachable" || t.key == "node.kubernetes.io/not-ready"
            })
            .then_some(false)
    });
    Node {
        uid: None,
        inferred: false,
        provider: spec
            .provider_id
            .as_ref()
            .and_then(|p| p.0.split_once("://"))
            .map(|(scheme, _)| scheme.to_string())
            .filter(|s| !s.is_empty()),
        ready,
        unschedulable: spec.unschedulable.unwrap_or(false),
        taints,
        allocatable,
        control_plane,
        kubelet_version: status
            .node_info
            .and_then(|i| i.kubelet_version)
            .map(|v| v.0)
            .filter(|v| !v.is_empty()),
        meta,
    }
}

fn affinity_term(raw: RawPodAffinityTerm) -> PodAffinityTerm {
    PodAffinityTerm {
        selector: raw.label_selector.map(label_selector).unwrap_or_default(),
        topology_key: raw.topology_key.0,
        namespaces: raw.namespaces.into_iter().map(|t| t.0).collect(),
    }
}

/// The scheduling-relevant part of a pod spec.
fn placement(spec: &mut RawSpec) -> Placement {
    let sum = |containers: &[RawContainer]| {
        containers.iter().fold(Resources::default(), |acc, c| {
            let r = resources(&c.resources.requests);
            Resources {
                cpu_millis: acc.cpu_millis + r.cpu_millis,
                memory_bytes: acc.memory_bytes + r.memory_bytes,
                pods: 0,
            }
        })
    };
    // Init containers run one at a time before the app containers: the effective request is the max.
    let app = sum(&spec.containers);
    let init = spec
        .init_containers
        .iter()
        .map(|c| resources(&c.resources.requests))
        .fold(Resources::default(), |acc, r| Resources {
            cpu_millis: acc.cpu_millis.max(r.cpu_millis),
            memory_bytes: acc.memory_bytes.max(r.memory_bytes),
            pods: 0,
        });
    let requests = Resources {
        cpu_millis: app.cpu_millis.max(init.cpu_millis),
        memory_bytes: app.memory_bytes.max(init.memory_bytes),
        pods: 1,
    };
    // kube-scheduler's scores count a request a container leaves out as 100m CPU and 200 MiB.
    let non_zero = |c: &RawContainer| {
        let r = resources(&c.resources.requests);
        let set = |key: &str| c.resources.requests.contains_key(key);
        Resources {
            cpu_millis: if set("cpu") { r.cpu_millis } else { 100 },
            memory_bytes: if set("memory") {
                r.memory_bytes
            } else {
                200 << 20
            },
            pods: 0,
        }
    };
    let app_scored = spec
        .containers
        .iter()
        .map(non_zero)
        .fold(Resources::default(), |a, r| Resources {
            cpu_millis: a.cpu_millis + r.cpu_millis,
            memory_bytes: a.memory_bytes + r.memory_bytes,
            pods: 0,
        });
    let init_scored =
        spec.init_containers
            .iter()
            .map(non_zero)
            .fold(Resources::default(), |a, r| Resources {
                cpu_millis: a.cpu_millis.max(r.cpu_millis),
                memory_bytes: a.memory_bytes.max(r.memory_bytes),
                pods: 0,
            });
    let scored = Resources {
        cpu_millis: app_scored.cpu_millis.max(init_scored.cpu_millis),
        memory_bytes: app_scored.memory_bytes.max(init_scored.memory_bytes),
        pods: 1,
    };
    let affinity = std::mem::take(&mut spec.affinity);
    let anti = affinity.pod_anti_affinity.unwrap_or_default();
    Placement {
        node_selector: std::mem::take(&mut spec.node_selector.0),
        required_node_affinity: affinity
            .node_affinity
            .and_then(|n| n.required)
            .map(node_selector),
        required_anti_affinity: anti.required.into_iter().map(affinity_term).collect(),
        preferred_anti_affinity: anti
            .preferred
            .into_iter()
            .map(|w| affinity_term(w.pod_affinity_term))
            .collect(),
        tolerations: std::mem::take(&mut spec.tolerations)
            .into_iter()
            .map(|t| Toleration {
                key: t.key.map(|k| k.0).unwrap_or_default(),
                exists: t.operator.is_some_and(|o| o.0 == "Exists"),
                value: t.value.map(|v| v.0).unwrap_or_default(),
                effect: t.effect.and_then(|e| TaintEffect::parse(&e.0)),
                seconds: t.toleration_seconds.map(|s| s.0),
            })
            .collect(),
        spread: std::mem::take(&mut spec.topology_spread_constraints)
            .into_iter()
            .map(|s| {
                let do_not_schedule = s.when_unsatisfiable.is_none_or(|w| w.0 == "DoNotSchedule");
                SpreadConstraint {
                    max_skew: s.max_skew.map_or(1, |i| i.0.max(1) as u32),
                    topology_key: s.topology_key.0,
                    do_not_schedule,
                    selector: s.label_selector.map(label_selector),
                    // The API server accepts minDomains only with DoNotSchedule, and only above 0.
                    min_domains: s
                        .min_domains
                        .filter(|m| do_not_schedule && m.0 > 0)
                        .map(|m| m.0.min(i64::from(u32::MAX)) as u32),
                    honor_node_affinity: s.node_affinity_policy.is_none_or(|p| p.0 != "Ignore"),
                    honor_node_taints: s.node_taints_policy.is_some_and(|p| p.0 == "Honor"),
                    match_label_keys: s.match_label_keys.into_iter().map(|k| k.0).collect(),
                }
            })
            .collect(),
        requests,
        scored,
    }
}

fn pod(meta: Meta, mut spec: RawSpec, status: RawStatus) -> Pod {
    let placement = placement(&mut spec);
    let claims = spec
        .volumes
        .iter()
        .filter_map(|v| v.persistent_volume_claim.as_ref()?.claim_name.as_ref())
        .map(|t| t.0.clone())
        .collect();
    let phase = status
        .phase
        .as_ref()
        .map_or(PodPhase::Unknown, |p| PodPhase::parse(&p.0));
    Pod {
        node_name: nonempty(spec.node_name),
        hostname: nonempty(spec.hostname),
        alone: meta
            .annotations
            .contains_key(crate::contract::ALONE_ANNOTATION),
        ready: condition(&status.conditions, "Ready").unwrap_or(phase == PodPhase::Running),
        phase,
        placement,
        claims,
        host_path: spec
            .volumes
            .iter()
            .filter_map(|v| v.host_path.as_ref())
            .map(|h| h.path.as_ref().map_or("", |p| p.0.as_str()))
            .find(|path| holds_data(path))
            .map(str::to_string),
        deleting: false,
        meta,
    }
}

/// Where a node keeps its own machinery, not an application's data: a hostPath into one of these
/// (the kubelet's plugin, registration and pod directories for CSI drivers, devices, kernel
/// interfaces, configuration, logs, the container runtime's sockets and logs) pins no data.
pub const NODE_MACHINERY: &[&str] = &[
    "/var/lib/kubelet",
    "/dev",
    "/sys",
    "/proc",
    "/run",
    "/var/run",
    "/etc",
    "/lib/modules",
    "/usr/lib/modules",
    "/usr/src",
    "/boot",
    "/var/log",
    "/var/lib/docker/containers",
    "/opt/cni",
    "/var/lib/cni",
];

/// A hostPath that can hold an application's data: anything outside [`NODE_MACHINERY`] (a path
/// is inside an entry when it is the entry or below it, component by component).
pub fn holds_data(path: &str) -> bool {
    let path = path.trim_end_matches('/');
    !NODE_MACHINERY.iter().any(|m| {
        path == *m
            || path
                .strip_prefix(m)
                .is_some_and(|rest| rest.starts_with('/'))
    }) && !path.is_empty()
}

fn pv(meta: Meta, spec: RawSpec, status: RawStatus) -> Pv {
    let driver = spec.csi.and_then(|c| c.driver).map(|d| d.0).or_else(|| {
        if spec.aws_elastic_block_store.is_some() {
            Some("kubernetes.io/aws-ebs".into())
        } else if spec.gce_persistent_disk.is_some() {
            Some("kubernetes.io/gce-pd".into())
        } else if spec.azure_disk.is_some() {
            Some("kubernetes.io/azure-disk".into())
        } else {
            None
        }
    });
    Pv {
        claim: spec.claim_ref.and_then(|c| {
            Some((
                c.namespace.map(|t| t.0).unwrap_or_default(),
                c.name.map(|t| t.0).filter(|n| !n.is_empty())?,
            ))
        }),
        storage_class: nonempty(spec.storage_class_name).or_else(|| legacy_class(&meta)),
        node_affinity: spec
            .node_affinity
            .and_then(|a| a.required)
            .map(node_selector),
        node_local: spec.local.is_some() || spec.host_path.is_some(),
        driver,
        capacity_bytes: bytes(spec.capacity.get("storage")),
        phase: status.phase.map(|t| t.0).unwrap_or_default(),
        meta,
    }
}

fn workload(meta: Meta, kind: Kind, spec: RawSpec, status: RawStatus) -> Workload {
    let template = spec.template.map(|t| *t).unwrap_or_default();
    let mut template_spec = template.spec;
    let template_labels = template.metadata.labels.0;
    // A selector-less old manifest selects its template's labels.
    let selector = spec
        .selector
        .map(label_selector)
        .unwrap_or_else(|| LabelSelector {
            match_labels: template_labels.clone(),
            expressions: vec![],
        });
    Workload {
        replicas: match kind {
            Kind::DaemonSet => None,
            _ => Some(spec.replicas.map_or(1, |i| i.0.max(0) as u32)),
        },
        selector,
        placement: placement(&mut template_spec),
        template_labels,
        claim_templates: spec
            .volume_claim_templates
            .into_iter()
            .map(|t| {
                let name = t.metadata.name.map(|n| n.0).unwrap_or_default();
                let legacy = t
                    .metadata
                    .annotations
                    .0
                    .get("volume.beta.kubernetes.io/storage-class")
                    .or_else(|| {
                        t.metadata
                            .annotations
                            .0
                            .get("volume.alpha.kubernetes.io/storage-class")
                    })
                    .cloned();
                VolumeClaimTemplate {
                    name,
                    storage_class: t.spec.storage_class_name.map(|c| c.0).or(legacy),
                    request_bytes: bytes(t.spec.resources.requests.get("storage")),
                }
            })
            .collect(),
        // A status its controller wrote leaves out `readyReplicas` when it is 0.
        ready_replicas: status
            .ready_replicas
            .or(status
                .observed_generation
                .or(status.replicas)
                .map(|_| super::raw::Int(0)))
            .map(|i| i.0.max(0) as u32),
        max_unavailable: match kind {
            Kind::StatefulSet => spec
                .update_strategy
                .and_then(|u| u.rolling_update)
                .and_then(|r| r.max_unavailable)
                .and_then(|v| IntOrPercent::parse(&v.0)),
            _ => None,
        },
        kind,
        meta,
    }
}

/// `{"holderIdentity": ..., "leaseDurationSeconds": ..., "renewTime": ...}` as client-go's
/// Endpoints/ConfigMap locks write it.
#[derive(serde::Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct AnnotationLock {
    holder_identity: Option<Text>,
    lease_duration_seconds: Option<Int>,
    acquire_time: Option<Text>,
    renew_time: Option<Text>,
    leader_transitions: Option<Int>,
}

/// A holder identity, or None when it names nobody (empty, `null`, `<none>`).
fn holder_identity(identity: Option<String>) -> Option<String> {
    identity
        .filter(|h| !crate::graph::holder::is_vacant(Some(h)))
        .map(|h| h.trim().to_string())
}

fn annotation_leader(meta: Meta, kind: Kind) -> Option<LeaderRecord> {
    if let Some(lock) = meta.annotations.get(LEADER_ANNOTATION) {
        let lock: AnnotationLock = serde_json::from_str(lock).unwrap_or_default();
        return Some(LeaderRecord {
            kind,
            style: LeaderStyle::Annotation,
            holder: holder_identity(lock.holder_identity.map(|t| t.0)),
            duration_seconds: lock.lease_duration_seconds.map(|i| i.0.max(0) as u32),
            renew_time: lock.renew_time.as_ref().and_then(time),
            acquire_time: lock.acquire_time.as_ref().and_then(time),
            transitions: lock.leader_transitions.map(|i| i.0.max(0) as u32),
            preferred_holder: None,
            strategy: None,
            meta,
        });
    }
    let holder = meta.annotations.get(PATRONI_LEADER_ANNOTATION)?.clone();
    let get = |k: &str| meta.annotations.get(k).map(|v| Text(v.clone()));
    // Patroni's failover and sync objects carry a `leader` too, but no lease of their own.
    if get("ttl").is_none() && get("renewTime").is_none() {
        return None;
    }
    Some(LeaderRecord {
        kind,
        style: LeaderStyle::Patroni,
        holder: holder_identity(Some(holder)),
        duration_seconds: get("ttl").and_then(|t| t.0.trim().parse().ok()),
        renew_time: get("renewTime").as_ref().and_then(time),
        acquire_time: get("acquireTime").as_ref().and_then(time),
        transitions: get("transitions").and_then(|t| t.0.trim().parse().ok()),
        preferred_holder: None,
        strategy: None,
        meta,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(json: &str, kind: Kind) -> Object {
        let raw: RawObject = serde_json::from_str(json).unwrap();
        match convert(raw, kind).unwrap() {
            Converted::Object(o) => *o,
            Converted::Skipped(s) => panic!("skipped: {s}"),
        }
    }

    #[test]
    fn old_api_groups_are_read_and_foreign_groups_are_not() {
        assert_eq!(
            recognise("StatefulSet", Some("apps/v1beta1")),
            Some(Kind::StatefulSet)
        );
        assert_eq!(
            recognise("PodDisruptionBudget", Some("policy/v1beta1")),
            Some(Kind::PodDisruptionBudget)
        );
        assert_eq!(
            recognise("Deployment", Some("extensions/v1beta1")),
            Some(Kind::Deployment)
        );
        assert_eq!(recognise("Lease", Some("example.com/v1")), None);
        assert_eq!(recognise("Pod", None), Some(Kind::Pod));
        assert_eq!(recognise("Secret", Some("v1")), None);
    }

    #[test]
    fn a_controller_manager_endpoints_lock_is_a_leader_record() {
        let o = one(
            r#"{"metadata":{"name":"kube-controller-manager","namespace":"kube-system","annotations":{
              "control-plane.alpha.kubernetes.io/leader":"{\"holderIdentity\":\"ip-10-0-9-206\",\"leaseDurationSeconds\":15,\"renewTime\":\"2017-12-13T21:36:14Z\"}"}}}"#,
            Kind::Endpoints,
        );
        let Object::Leader(l) = o else { panic!() };
        assert_eq!(l.holder.as_deref(), Some("ip-10-0-9-206"));
        assert_eq!(l.duration(), 15);
        assert_eq!(l.style, LeaderStyle::Annotation);
    }

    #[test]
    fn a_pod_sums_its_container_requests_and_keeps_its_claims() {
        let o = one(
            r#"{"metadata":{"name":"pg-0","namespace":"db"},"spec":{"nodeName":"a1",
               "containers":[{"resources":{"requests":{"cpu":"250m","memory":"1Gi"}}},{"resources":{"requests":{"cpu":"1"}}}],
               "volumes":[{"name":"data","persistentVolumeClaim":{"claimName":"data-pg-0"}}]},
               "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}}"#,
            Kind::Pod,
        );
        let Object::Pod(p) = o else { panic!() };
        assert_eq!(p.placement.requests.cpu_millis, 1250);
        assert_eq!(p.placement.requests.memory_bytes, 1 << 30);
        assert_eq!(p.claims, vec!["data-pg-0".to_string()]);
        assert!(p.ready);
    }

    #[test]
    fn an_object_without_a_name_is_an_error() {
        let raw: RawObject = serde_json::from_str(r#"{"kind":"Pod"}"#).unwrap();
        assert!(convert(raw, Kind::Pod).is_err());
    }
}
