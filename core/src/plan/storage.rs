//! The storage goal: StorageClasses to replace (classes are immutable: a new class and a
//! migration note), PodDisruptionBudgets to add or loosen, spread constraints to add, each as a
//! manifest or a patch.

use super::{Call, Change, Expect, Step, kubectl_in, namespace_line};
use crate::analysis::{Analysis, quorum_size};
use crate::graph::*;
use crate::model::qualified;
use crate::model::{
    IntOrPercent, LabelSelector, Meta, NodeSelector, NodeSelectorTerm, Operator, Pdb, Requirement,
    SpreadConstraint, StorageClass,
};

fn step(
    action: &str,
    objects: Vec<String>,
    reason: String,
    kubectl: String,
    manifest: Option<String>,
    rollback: String,
) -> Step {
    let dry_run = if kubectl.starts_with("kubectl apply") {
        format!("{kubectl} --dry-run=server")
    } else {
        kubectl.replacen("kubectl ", "kubectl --dry-run=server ", 1)
    };
    Step {
        wave: 0,
        action: action.into(),
        lease: None,
        from: None,
        to: None,
        targeted: None,
        candidates: vec![],
        comeback: vec![],
        objects,
        reason,
        preconditions: vec![],
        effect: String::new(),
        kubectl,
        dry_run,
        wait: String::new(),
        rollback,
        calls: manifest
            .as_deref()
            .and_then(Call::create_from_manifest)
            .into_iter()
            .collect(),
        expect: manifest
            .as_deref()
            .and_then(Call::create_from_manifest)
            .map(|c| Expect::Exists {
                api_version: c.api_version,
                kind: c.kind,
                namespace: c.namespace,
                name: c.name,
            }),
        manifest,
        bytes: None,
        handover: None,
        change: None,
        zone: None,
    }
}

/// A change Quorum leaves to the user: the object is made elsewhere (an operator, a chart), so
/// `apply` stops before it, and the step says where to make it.
fn by_hand(action: &str, object: String, reason: String, advice: String) -> Step {
    let mut s = step(
        action,
        vec![object],
        reason,
        advice.clone(),
        None,
        String::new(),
    );
    s.dry_run = advice;
    s.rollback = "none: nothing is changed by this plan".into();
    s.effect = "none until the change is made where the object is made".into();
    s
}

pub(super) fn storage(t: &Topology, before: &Analysis) -> Vec<Step> {
    let mut steps = Vec::new();
    for f in &before.findings {
        match f.check {
            "storageclass-immediate-binding" => {
                let Some(class) = t
                    .classes
                    .iter()
                    .find(|c| c.class.meta.name == f.subject.name)
                else {
                    continue;
                };
                let zones: Vec<&str> = t
                    .cluster_zones(class.cluster)
                    .iter()
                    .map(|z| t.zones[z.index()].name.as_str())
                    .filter(|z| *z != UNKNOWN_ZONE)
                    .collect();
                let name = format!("{}-wffc", class.class.meta.name);
                let mut manifest = format!(
                    "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: {name}\nprovisioner: {}\nvolumeBindingMode: WaitForFirstConsumer\nallowVolumeExpansion: true\n",
                    class.class.provisioner
                );
                if !zones.is_empty() {
                    manifest.push_str(&format!(
                        "allowedTopologies:\n- matchLabelExpressions:\n  - key: {}\n    values: [{}]\n",
                        t.zone_label,
                        zones.join(", ")
                    ));
                }
                let mut s = step(
                    "create-storageclass",
                    vec![format!("StorageClass {name}")],
                    format!(
                        "{} binds Immediately; classes are immutable, so a copy binds late (WaitForFirstConsumer) and lists the zones. Migration: point new claims (and StatefulSet volumeClaimTemplates) at {name}; existing volumes keep their zone until they are migrated",
                        class.class.meta.name
                    ),
                    format!("kubectl apply -f storageclass-{name}.yaml"),
                    Some(manifest),
                    format!("kubectl delete storageclass {name}"),
                );
                s.effect = format!("new volumes of {name} are created in their pod's zone");
                s.change = Some(Change::CreateStorageClass {
                    cluster: class.cluster,
                    class: StorageClass {
                        meta: Meta {
                            name: name.clone(),
                            ..Meta::default()
                        },
                        provisioner: class.class.provisioner.clone(),
                        wait_for_first_consumer: true,
                        allowed_topologies: (!zones.is_empty()).then(|| NodeSelector {
                            terms: vec![NodeSelectorTerm {
                                expressions: vec![Requirement {
                                    key: t.zone_label.clone(),
                                    operator: Operator::In,
                                    values: zones.iter().map(|z| z.to_string()).collect(),
                                }],
                                fields: vec![],
                            }],
                        }),
                        is_default: false,
                        regional: class.class.regional,
                    },
                });
                steps.push(s);
            }
            "missing-pdb" => {
                let Some(g) = before.groups.iter().find(|g| {
                    let w = &t.workloads[t.groups[g.id.index()].workload.index()];
                    w.workload.meta.name == f.subject.name
                        && w.workload.meta.namespace == f.subject.namespace
                }) else {
                    continue;
                };
                let w = &t.workloads[t.groups[g.id.index()].workload.index()];
                // A quorum of every replica: any budget blocks all drains, none protects it.
                if g.replicas <= quorum_size(g.mode, g.replicas) {
                    continue;
                }
                let allowed = g.replicas - quorum_size(g.mode, g.replicas);
                let labels: Vec<String> = w
                    .workload
                    .selector
                    .match_labels
                    .iter()
                    .map(|(k, v)| format!("{k}: {v}"))
                    .collect();
                if labels.is_empty() {
                    continue;
                }
                let ns = &w.workload.meta.namespace;
                let kn = kubectl_in(ns);
                let name = &w.workload.meta.name;
                let manifest = format!(
                    "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: {name}\n{}spec:\n  maxUnavailable: {allowed}\n  selector:\n    matchLabels: {{{}}}\n",
                    namespace_line(ns),
                    labels.join(", ")
                );
                let mut s = step(
                    "create-pdb",
                    vec![format!("PodDisruptionBudget {}", qualified(ns, name))],
                    format!(
                        "{} has no budget: a drain could take {} replicas at once",
                        g.name,
                        allowed + 1
                    ),
                    format!("kubectl apply -f pdb-{ns}-{name}.yaml"),
                    Some(manifest),
                    format!("{kn} delete pdb {name}"),
                );
                s.effect = format!(
                    "drains evict at most {} of {} at a time",
                    crate::contract::count(allowed as usize, "replica", "replicas"),
                    g.name
                );
                s.change = Some(Change::CreatePdb {
                    cluster: w.cluster,
                    pdb: Pdb {
                        meta: Meta {
                            name: name.clone(),
                            namespace: ns.clone(),
                            ..Meta::default()
                        },
                        selector: LabelSelector {
                            match_labels: w.workload.selector.match_labels.clone(),
                            expressions: vec![],
                        },
                        min_available: None,
                        max_unavailable: Some(IntOrPercent::Int(i64::from(allowed))),
                        disruptions_allowed: None,
                    },
                });
                steps.push(s);
            }
            "pdb-blocks-drain" => {
                let ns = &f.subject.namespace;
                let kn = kubectl_in(ns);
                let name = &f.subject.name;
                let Some(pdb) = t
                    .pdbs
                    .iter()
                    .find(|p| p.pdb.meta.name == *name && p.pdb.meta.namespace == *ns)
                else {
                    continue;
                };
                let reason =
                    "the budget allows no disruption at all: every drain of its nodes hangs";
                // Rewritten by its operator or chart: the change belongs there.
                if let Some(manager) = pdb.pdb.meta.manager() {
                    steps.push(by_hand(
                        "loosen-pdb",
                        format!("PodDisruptionBudget {}", qualified(ns, name)),
                        format!("{reason}; it is managed by {manager}, which would undo a patch"),
                        format!(
                            "# change the budget where it is made: {manager} (allow at least one disruption, e.g. maxUnavailable: 1)"
                        ),
                    ));
                    continue;
                }
                // The exact values the patch replaces, to put back.
                let previous = serde_json::json!({"spec": {
                    "minAvailable": pdb.pdb.min_available.map(|v| v.to_json()),
                    "maxUnavailable": pdb.pdb.max_unavailable.map(|v| v.to_json()),
                }});
                let mut s = step(
                    "loosen-pdb",
                    vec![format!("PodDisruptionBudget {}", qualified(ns, name))],
                    reason.into(),
                    format!(
                        "{kn} patch pdb {name} --type=json -p '[{{\"op\":\"remove\",\"path\":\"/spec/minAvailable\"}},{{\"op\":\"add\",\"path\":\"/spec/maxUnavailable\",\"value\":1}}]'"
                    ),
                    None,
                    format!("{kn} patch pdb {name} --type=merge -p '{previous}'"),
                );
                // The disruption controller updates a budget's status all the time: judged by
                // its generation.
                s.calls = vec![
                    Call::patch(
                        "policy/v1",
                        "PodDisruptionBudget",
                        ns,
                        name,
                        pdb.pdb.meta.resource_version.as_deref(),
                        serde_json::json!({"spec": {"minAvailable": null, "maxUnavailable": 1}}),
                    )
                    .at_generation(pdb.pdb.meta.generation),
                ];
                s.effect = "drains may evict one pod at a time".into();
                s.change = t.pdbs.iter().position(|p| std::ptr::eq(p, pdb)).map(|i| {
                    Change::SetPdbLimits {
                        pdb: PdbId(i as u32),
                        min_available: None,
                        max_unavailable: Some(IntOrPercent::Int(1)),
                    }
                });
                steps.push(s);
            }
            "missing-spread" => {
                let ns = &f.subject.namespace;
                let kn = kubectl_in(ns);
                let name = &f.subject.name;
                let kind = f.subject.kind.to_lowercase();
                let Some(w) = t
                    .workloads
                    .iter()
                    .find(|w| w.workload.meta.name == *name && w.workload.meta.namespace == *ns)
                else {
                    continue;
                };
                let labels: Vec<String> = w
                    .workload
                    .selector
                    .match_labels
                    .iter()
                    .map(|(k, v)| format!("\"{k}\":\"{v}\""))
                    .collect();
                if labels.is_empty() {
                    continue;
                }
                let reason = "nothing keeps its replicas in different zones";
                if let Some(manager) = w.workload.meta.manager() {
                    steps.push(by_hand(
                        "add-spread",
                        format!("{} {}", f.subject.kind, qualified(ns, name)),
                        format!("{reason}; it is managed by {manager}, which would undo a patch"),
                        format!(
                            "# add a zone spread constraint (topologyKey {}, maxSkew 1, DoNotSchedule) where the pod template is made: {manager}",
                            t.zone_label
                        ),
                    ));
                    continue;
                }
                let patch = format!(
                    "{{\"spec\":{{\"template\":{{\"spec\":{{\"topologySpreadConstraints\":[{{\"maxSkew\":1,\"topologyKey\":\"{}\",\"whenUnsatisfiable\":\"DoNotSchedule\",\"labelSelector\":{{\"matchLabels\":{{{}}}}}}}]}}}}}}}}",
                    t.zone_label,
                    labels.join(",")
                );
                // The constraints the template had, exactly, to put back.
                let previous: Vec<serde_json::Value> = w
                    .workload
                    .placement
                    .spread
                    .iter()
                    .map(|c| c.to_json())
                    .collect();
                let path = "/spec/template/spec/topologySpreadConstraints";
                let rollback = if previous.is_empty() {
                    serde_json::json!([{"op": "remove", "path": path}])
                } else {
                    serde_json::json!([{"op": "replace", "path": path, "value": previous}])
                };
                let mut s = step(
                    "add-spread",
                    vec![format!("{} {}", f.subject.kind, qualified(ns, name))],
                    reason.into(),
                    format!("{kn} patch {kind} {name} --type=strategic -p '{patch}'"),
                    None,
                    format!("{kn} patch {kind} {name} --type=json -p '{rollback}'"),
                );
                if let Ok(body) = serde_json::from_str(&patch) {
                    s.calls = vec![
                        Call::patch(
                            "apps/v1",
                            &f.subject.kind,
                            ns,
                            name,
                            w.workload.meta.resource_version.as_deref(),
                            body,
                        )
                        .at_generation(w.workload.meta.generation),
                    ];
                    // apply waits for the rollout the patch starts.
                    s.expect = Some(Expect::RolledOut {
                        api_version: "apps/v1".into(),
                        kind: f.subject.kind.clone(),
                        namespace: ns.clone(),
                        name: name.clone(),
                    });
                }
                s.wait = format!("{kn} rollout status {kind}/{name} --timeout=10m");
                let running = w
                    .pods
                    .iter()
                    .filter(|p| t.pods[p.index()].node.is_some())
                    .count();
                let at_once = match w.workload.rollout_batch(&t.kubernetes.rules()) {
                    Some(n) if n > 1 => format!(
                        "up to {n} at a time (its maxUnavailable, honoured on Kubernetes {})",
                        t.kubernetes.release
                    ),
                    _ => "one at a time".to_string(),
                };
                s.effect = format!(
                    "the pod template changes, so {} replaces its {} {at_once}{}, each where the scheduler puts it under the new constraint; a lease one of them holds is elected again",
                    if w.workload.kind == crate::model::Kind::StatefulSet {
                        "the StatefulSet controller"
                    } else {
                        "a rollout"
                    },
                    crate::contract::count(running, "running pod", "running pods"),
                    if w.workload.kind == crate::model::Kind::StatefulSet {
                        " from the highest ordinal down"
                    } else {
                        ""
                    }
                );
                s.preconditions = vec![format!(
                    "restarting every pod of {} {} now is acceptable",
                    f.subject.kind,
                    qualified(ns, name)
                )];
                s.change = t
                    .workloads
                    .iter()
                    .position(|x| std::ptr::eq(x, w))
                    .map(|i| Change::AddSpread {
                        workload: WorkloadId(i as u32),
                        constraint: SpreadConstraint {
                            max_skew: 1,
                            topology_key: t.zone_label.clone(),
                            do_not_schedule: true,
                            selector: Some(LabelSelector {
                                match_labels: w.workload.selector.match_labels.clone(),
                                expressions: vec![],
                            }),
                            min_domains: None,
                            honor_node_affinity: true,
                            honor_node_taints: false,
                            match_label_keys: vec![],
                        },
                    });
                steps.push(s);
            }
            _ => {}
        }
    }
    steps
}
