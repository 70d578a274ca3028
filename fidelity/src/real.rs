//! What the real cluster did, read from its two exports (before and after the events) as raw
//! Kubernetes objects: where each pod runs or why it is Pending, when each pod was evicted and
//! each node tainted, who holds each lease since when, which volumes no Ready node can reach.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::objects::{
    self, condition, condition_true, key, kind, name, namespace, node_selector_admits, of_kind,
    owner,
};

/// A pod as the export shows it.
#[derive(Clone, Debug)]
pub struct Pod {
    /// `namespace/name` (with `cluster/` in front when the scenario has several clusters).
    pub key: String,
    pub uid: String,
    pub node: Option<String>,
    pub phase: String,
    pub ready: bool,
    /// When it was evicted or deleted (deletionTimestamp less its grace period).
    pub deleted_at: Option<f64>,
    pub created_at: f64,
    /// `namespace/name` of its StatefulSet, Deployment (through its ReplicaSet) or DaemonSet.
    pub workload: String,
    pub workload_kind: String,
    /// The scheduler's message when it could not place the pod.
    pub unschedulable: Option<String>,
}

impl Pod {
    pub fn running(&self) -> bool {
        self.phase == "Running" && self.ready && self.deleted_at.is_none()
    }

    pub fn pending(&self) -> bool {
        self.deleted_at.is_none() && self.node.is_none()
    }
}

#[derive(Clone, Debug)]
pub struct Node {
    pub zone: String,
    pub ready: bool,
    /// When the node lifecycle controller tainted it `unreachable`/`not-ready` NoExecute.
    pub noexecute_at: Option<f64>,
    pub object: Value,
}

#[derive(Clone, Debug)]
pub struct Lease {
    pub holder: String,
    pub acquired_at: Option<f64>,
    pub renewed_at: Option<f64>,
    pub duration: f64,
}

/// One export, read.
#[derive(Clone, Debug, Default)]
pub struct State {
    pub pods: Vec<Pod>,
    pub nodes: BTreeMap<String, Node>,
    pub leases: BTreeMap<String, Lease>,
    /// Bound PVs with a node affinity: (claim `namespace/name`, PV name, the affinity).
    pub pinned_volumes: Vec<(String, String, Value)>,
    /// Replicas wanted per workload `namespace/name`.
    pub replicas: BTreeMap<String, u64>,
}

impl State {
    /// Reads an export directory; `prefix` is `cluster/` when the scenario has several clusters.
    pub fn read(dir: &Path, prefix: &str) -> Result<State, String> {
        let objects = objects::read(&[dir])?;
        Ok(State::of(&objects, prefix))
    }

    pub fn of(objects: &[Value], prefix: &str) -> State {
        let mut state = State::default();
        let rs_owner: BTreeMap<String, String> = of_kind(objects, "ReplicaSet")
            .filter_map(|rs| {
                let (k, n) = owner(rs)?;
                (k == "Deployment").then(|| (key(rs), format!("{}/{n}", namespace(rs))))
            })
            .collect();
        for p in of_kind(objects, "Pod") {
            let (workload_kind, workload) = match owner(p) {
                Some(("ReplicaSet", rs)) => {
                    let rs_key = format!("{}/{rs}", namespace(p));
                    match rs_owner.get(&rs_key) {
                        Some(d) => ("Deployment".to_string(), d.clone()),
                        None => ("ReplicaSet".to_string(), rs_key),
                    }
                }
                Some((k, n)) => (k.to_string(), format!("{}/{n}", namespace(p))),
                None => (String::new(), String::new()),
            };
            let meta = &p["metadata"];
            let deleted_at = meta["deletionTimestamp"]
                .as_str()
                .and_then(objects::seconds)
                .map(|t| t - meta["deletionGracePeriodSeconds"].as_f64().unwrap_or(0.0));
            let unschedulable = condition(p, "PodScheduled")
                .filter(|c| c["status"] == "False")
                .and_then(|c| c["message"].as_str())
                .map(String::from);
            state.pods.push(Pod {
                key: format!("{prefix}{}", key(p)),
                uid: meta["uid"].as_str().unwrap_or("").to_string(),
                node: p["spec"]["nodeName"].as_str().map(String::from),
                phase: p["status"]["phase"].as_str().unwrap_or("").to_string(),
                ready: condition_true(p, "Ready"),
                deleted_at,
                created_at: meta["creationTimestamp"]
                    .as_str()
                    .and_then(objects::seconds)
                    .unwrap_or(0.0),
                workload: if workload.is_empty() {
                    workload
                } else {
                    format!("{prefix}{workload}")
                },
                workload_kind,
                unschedulable,
            });
        }
        for n in of_kind(objects, "Node") {
            let noexecute_at = n["spec"]["taints"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|t| {
                    t["effect"] == "NoExecute"
                        && matches!(
                            t["key"].as_str(),
                            Some("node.kubernetes.io/unreachable" | "node.kubernetes.io/not-ready")
                        )
                })
                .filter_map(|t| t["timeAdded"].as_str().and_then(objects::seconds))
                .reduce(f64::min);
            state.nodes.insert(
                name(n).to_string(),
                Node {
                    zone: objects::zone(n).to_string(),
                    ready: condition_true(n, "Ready"),
                    noexecute_at,
                    object: n.clone(),
                },
            );
        }
        let nodes: Vec<&Value> = of_kind(objects, "Node").collect();
        for (pod, p) in state
            .pods
            .iter_mut()
            .zip(of_kind(objects, "Pod").collect::<Vec<_>>())
        {
            if let Some(m) = &pod.unschedulable {
                pod.unschedulable = Some(name_untolerated_taints(m, p, &nodes));
            }
        }
        for l in of_kind(objects, "Lease").filter(|l| namespace(l) != "kube-node-lease") {
            let spec = &l["spec"];
            state.leases.insert(
                format!("{prefix}{}", key(l)),
                Lease {
                    holder: spec["holderIdentity"].as_str().unwrap_or("").to_string(),
                    acquired_at: spec["acquireTime"].as_str().and_then(objects::seconds),
                    renewed_at: spec["renewTime"].as_str().and_then(objects::seconds),
                    duration: spec["leaseDurationSeconds"].as_f64().unwrap_or(15.0),
                },
            );
        }
        for pv in of_kind(objects, "PersistentVolume") {
            let required = &pv["spec"]["nodeAffinity"]["required"];
            let claim = &pv["spec"]["claimRef"];
            if required.is_null() || claim.is_null() {
                continue;
            }
            state.pinned_volumes.push((
                format!(
                    "{prefix}{}/{}",
                    claim["namespace"].as_str().unwrap_or(""),
                    claim["name"].as_str().unwrap_or("")
                ),
                name(pv).to_string(),
                required.clone(),
            ));
        }
        for w in objects
            .iter()
            .filter(|o| matches!(kind(o), "StatefulSet" | "Deployment"))
        {
            state.replicas.insert(
                format!("{prefix}{}", key(w)),
                w["spec"]["replicas"].as_u64().unwrap_or(1),
            );
        }
        state
    }

    pub fn pod(&self, key: &str) -> Option<&Pod> {
        self.pods.iter().find(|p| p.key == key)
    }

    /// Whether a pod runs Ready on a Ready node.
    pub fn serving(&self, p: &Pod) -> bool {
        p.running()
            && p.node
                .as_ref()
                .is_some_and(|n| self.nodes.get(n).is_some_and(|n| n.ready))
    }

    /// Replicas of a workload serving now.
    pub fn available(&self, workload: &str) -> usize {
        self.pods
            .iter()
            .filter(|p| p.workload == workload && self.serving(p))
            .count()
    }

    /// Pinned volumes no Ready node can reach: (claim, PV).
    pub fn stranded(&self) -> Vec<(String, String)> {
        self.stranded_except(&[])
    }

    /// The same, counting `up` nodes as Ready (a partition's cut-off side).
    pub fn stranded_except(&self, up: &[String]) -> Vec<(String, String)> {
        self.pinned_volumes
            .iter()
            .filter(|(_, _, required)| {
                !self.nodes.iter().any(|(name, n)| {
                    (n.ready || up.contains(name)) && node_selector_admits(required, &n.object)
                })
            })
            .map(|(c, pv, _)| (c.clone(), pv.clone()))
            .collect()
    }

    /// Whether a lease has a live holder at `now`: named, and renewed within its duration.
    pub fn has_leader(&self, lease: &str, now: f64) -> bool {
        self.leases.get(lease).is_some_and(|l| {
            !l.holder.is_empty() && l.renewed_at.is_some_and(|r| r + l.duration > now)
        })
    }
}

/// What kube-scheduler v1.37 says of the nodes its TaintToleration filter rejected.
const UNNAMED_TAINTS: &str = " node(s) had untolerated taint(s)";

/// kube-scheduler v1.37 no longer names the taint it counts a node under
/// (`pkg/scheduler/framework/plugins/tainttoleration/taint_toleration.go`, `Filter`: "N node(s) had
/// untolerated taint(s)"; v1.33 said "N node(s) had untolerated taint {key: value}"), so its
/// message no longer tells a node that is down (the `unreachable`/`not-ready` taints, which the
/// comparison leaves out) from a user's taint. Names them again from the export, as v1.33 words
/// them: each node the filter saw (not cordoned, or the pod tolerates that) with its first
/// NoSchedule/NoExecute taint the pod does not tolerate (`FindMatchingUntoleratedTaint`), grouped
/// by taint. Left as it is when the count differs from the message's (the cluster moved since).
pub fn name_untolerated_taints(message: &str, pod: &Value, nodes: &[&Value]) -> String {
    let Some(at) = message.find(UNNAMED_TAINTS) else {
        return message.to_string();
    };
    let start = message[..at]
        .rfind(|c: char| !c.is_ascii_digit())
        .map_or(0, |i| i + 1);
    let Ok(count) = message[start..at].parse::<usize>() else {
        return message.to_string();
    };
    let tolerations: Vec<&Value> = pod["spec"]["tolerations"]
        .as_array()
        .into_iter()
        .flatten()
        .collect();
    let tolerates = |taint: &Value| {
        tolerations.iter().any(|t| {
            let effect = t["effect"].as_str().unwrap_or("");
            let key = t["key"].as_str().unwrap_or("");
            let exists = t["operator"].as_str() == Some("Exists");
            (effect.is_empty() || taint["effect"].as_str() == Some(effect))
                && (key.is_empty() && exists || taint["key"].as_str() == Some(key))
                && (exists
                    || taint["value"].as_str().unwrap_or("") == t["value"].as_str().unwrap_or(""))
        })
    };
    let mut groups: BTreeMap<String, usize> = BTreeMap::new();
    for n in nodes {
        let taints: Vec<&Value> = n["spec"]["taints"]
            .as_array()
            .into_iter()
            .flatten()
            .collect();
        let cordoned = n["spec"]["unschedulable"].as_bool() == Some(true)
            && !tolerates(&serde_json::json!({
                "key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}));
        if cordoned {
            continue; // NodeUnschedulable, before TaintToleration, counted it
        }
        if let Some(t) = taints.iter().find(|t| {
            matches!(t["effect"].as_str(), Some("NoSchedule" | "NoExecute")) && !tolerates(t)
        }) {
            *groups
                .entry(format!(
                    "{{{}: {}}}",
                    t["key"].as_str().unwrap_or(""),
                    t["value"].as_str().unwrap_or("")
                ))
                .or_default() += 1;
        }
    }
    if groups.values().sum::<usize>() != count {
        return message.to_string();
    }
    let named: Vec<String> = groups
        .iter()
        .map(|(taint, n)| format!("{n} node(s) had untolerated taint {taint}"))
        .collect();
    format!(
        "{}{}{}",
        &message[..start],
        named.join(", "),
        &message[at + UNNAMED_TAINTS.len()..]
    )
}

/// The class of reason the scheduler (or the model) gives for a node, from its words.
pub fn reason_class(summary: &str) -> Option<&'static str> {
    let s = summary.to_ascii_lowercase();
    if s.contains("node.kubernetes.io/unreachable")
        || s.contains("node.kubernetes.io/not-ready")
        || s.contains("node.kubernetes.io/unschedulable")
        || s.contains("were unschedulable")
        || s.contains("notready")
    {
        Some("unusable")
    } else if s.contains("volume node affinity") || s.contains("persistentvolume's node affinity") {
        Some("volume-node-affinity")
    } else if s.contains("topology spread") {
        Some("spread")
    } else if s.contains("anti-affinity") || s.contains("affinity/anti-affinity") {
        Some("anti-affinity")
    } else if s.contains("insufficient") || s.contains("too many pods") {
        Some("resources")
    } else if s.contains("untolerated taint") {
        Some("taint")
    } else if s.contains("node affinity/selector") {
        Some("node-affinity")
    } else if s.contains("unbound") || s.contains("persistentvolumeclaim") {
        Some("volume-unbound")
    } else {
        None
    }
}

/// The classes of a `0/N nodes are available: 2 node(s) had ..., 3 node(s) ...` message, those
/// that exclude nodes which are not down or cordoned.
pub fn reason_classes(message: &str) -> Vec<&'static str> {
    let body = message
        .split_once(':')
        .map(|(_, rest)| rest)
        .unwrap_or(message);
    // kube-scheduler appends ". preemption: ..." after the filters' summary.
    let body = body.split(". preemption").next().unwrap_or(body);
    let mut classes: Vec<&'static str> = body
        .split(", ")
        .filter_map(reason_class)
        .filter(|c| *c != "unusable")
        .collect();
    classes.sort();
    classes.dedup();
    classes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedulers_and_the_models_words_fall_in_the_same_classes() {
        let real = "0/9 nodes are available: 2 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 3 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 4 node(s) didn't match pod topology spread constraints. preemption: 0/9 nodes are available: 4 No preemption victims found for incoming pod, 5 Preemption is not helpful for scheduling.";
        let model = "0/9 nodes are available: 3 node(s) didn't match pod topology spread constraints, 3 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 node(s) were unschedulable, NotReady or unreachable.";
        assert_eq!(reason_classes(real), vec!["spread", "taint"]);
        assert_eq!(reason_classes(model), vec!["spread", "taint"]);
        assert_eq!(
            reason_classes("0/5 nodes are available: 5 node(s) had volume node affinity conflict."),
            vec!["volume-node-affinity"]
        );
    }

    #[test]
    fn the_taints_kube_scheduler_1_37_no_longer_names_are_named_from_the_export() {
        let node = |name: &str, taints: Value, cordoned: bool| {
            serde_json::json!({"kind": "Node", "metadata": {"name": name},
                "spec": {"taints": taints, "unschedulable": cordoned}})
        };
        let unreachable = serde_json::json!([
            {"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule"},
            {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute"}]);
        let nodes = [
            node("a", unreachable.clone(), false),
            node("b", unreachable, false),
            node(
                "c",
                serde_json::json!([{"key": "dedicated", "value": "db", "effect": "NoSchedule"}]),
                false,
            ),
            node("d", serde_json::json!([]), false),
            node(
                "e",
                serde_json::json!([{"key": "dedicated", "value": "db", "effect": "NoSchedule"}]),
                true,
            ),
        ];
        let nodes: Vec<&Value> = nodes.iter().collect();
        let pod = serde_json::json!({"spec": {"tolerations": [
            {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 10}]}});
        let real = "0/5 nodes are available: 3 node(s) had untolerated taint(s), 1 node(s) didn't match pod topology spread constraints, 1 node(s) were unschedulable. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.";
        let named = name_untolerated_taints(real, &pod, &nodes);
        assert_eq!(
            named,
            "0/5 nodes are available: 1 node(s) had untolerated taint {dedicated: db}, 2 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 1 node(s) didn't match pod topology spread constraints, 1 node(s) were unschedulable. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling."
        );
        assert_eq!(reason_classes(&named), vec!["spread", "taint"]);
        // Only the down nodes: nothing but spread is left, as v1.33's words gave.
        let down = "0/6 nodes are available: 2 node(s) had untolerated taint(s), 4 node(s) didn't match pod topology spread constraints.";
        assert_eq!(
            reason_classes(&name_untolerated_taints(down, &pod, &nodes[..2])),
            vec!["spread"]
        );
        // A pod tolerating every taint of c: counted nowhere; the count no longer matches.
        let tolerant = serde_json::json!({"spec": {"tolerations": [{"operator": "Exists"}]}});
        assert_eq!(name_untolerated_taints(real, &tolerant, &nodes), real);
        // v1.33's words are left alone.
        let old = "0/2 nodes are available: 2 node(s) had untolerated taint {node.kubernetes.io/unreachable: }.";
        assert_eq!(name_untolerated_taints(old, &pod, &nodes), old);
    }
}
