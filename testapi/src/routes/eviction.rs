//! The eviction subresource: `POST .../pods/NAME/eviction`.
//!
//! Like the apiserver, the decision comes from the PodDisruptionBudgets whose
//! selector matches the pod. The real apiserver reads the budget's
//! `status.disruptionsAllowed`, kept by the disruption controller; there is
//! no controller here, so the allowance is computed from the pods in the
//! store at the moment of the request:
//!
//! - expected pods: pods in the PDB's namespace matching its selector that
//!   are not terminal (Succeeded/Failed);
//! - healthy pods: those of them Running with condition Ready=True and no
//!   deletionTimestamp;
//! - desired healthy: `minAvailable` (int, or percent of expected rounded
//!   up), or expected minus `maxUnavailable` (int, or percent rounded up);
//! - allowed disruptions: healthy minus desired.
//!
//! An allowed eviction deletes the pod at once (a DELETED watch event); the
//! apiserver would mark it terminating and the kubelet would finish it.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::kinds::{self, KINDS};
use crate::selector::LabelSelector;
use crate::state::Shared;
use crate::status::{ApiError, json_response, status_object};
use crate::store::Store;

fn pod_healthy(pod: &Value) -> bool {
    let status = &pod["status"];
    pod["metadata"].get("deletionTimestamp").is_none()
        && status["phase"] == "Running"
        && status["conditions"].as_array().is_some_and(|cs| {
            cs.iter()
                .any(|c| c["type"] == "Ready" && c["status"] == "True")
        })
}

fn pod_terminal(pod: &Value) -> bool {
    matches!(
        pod["status"]["phase"].as_str(),
        Some("Succeeded" | "Failed")
    )
}

/// `5`, or `"50%"` of `total` rounded up.
fn scaled(v: &Value, total: usize) -> Option<usize> {
    match v {
        Value::Number(n) => n.as_u64().map(|n| n as usize),
        Value::String(s) => match s.strip_suffix('%') {
            Some(p) => p.parse::<usize>().ok().map(|p| (p * total).div_ceil(100)),
            None => s.parse().ok(),
        },
        _ => None,
    }
}

/// A budget's view of the pods it covers.
struct Budget {
    name: String,
    desired_healthy: usize,
    healthy: usize,
    always_allow_unhealthy: bool,
}

fn budget(store: &Store, ns: &str, pdb: &Value, selector: &LabelSelector) -> Budget {
    let mut expected: usize = 0;
    let mut healthy = 0;
    for ((pns, _), e) in store.range(kinds::POD, Some(ns), None) {
        debug_assert_eq!(pns, ns);
        if !selector.matches(&e.labels) {
            continue;
        }
        let pod: Value = serde_json::from_slice(&e.bytes).expect("stored objects are JSON");
        if pod_terminal(&pod) {
            continue;
        }
        expected += 1;
        if pod_healthy(&pod) {
            healthy += 1;
        }
    }
    let spec = &pdb["spec"];
    let desired_healthy = if let Some(max) = spec.get("maxUnavailable").filter(|v| !v.is_null()) {
        expected.saturating_sub(scaled(max, expected).unwrap_or(0))
    } else if let Some(min) = spec.get("minAvailable").filter(|v| !v.is_null()) {
        scaled(min, expected).unwrap_or(0)
    } else {
        0
    };
    Budget {
        name: pdb["metadata"]["name"].as_str().unwrap_or("").to_string(),
        desired_healthy,
        healthy,
        always_allow_unhealthy: spec["unhealthyPodEvictionPolicy"] == "AlwaysAllow",
    }
}

/// Handles one eviction request.
pub fn evict(
    shared: &Arc<Shared>,
    ns: &str,
    name: &str,
    dry_run_param: bool,
    body: &[u8],
) -> Result<axum::response::Response, ApiError> {
    let pod_kind = &KINDS[kinds::POD];
    let eviction: Value = if body.is_empty() {
        json!({})
    } else {
        serde_json::from_slice(body)
            .map_err(|e| ApiError::bad_request(format!("error decoding Eviction: {e}")))?
    };
    if let Some(n) = eviction["metadata"].get("name").and_then(Value::as_str)
        && n != name
    {
        return Err(ApiError::bad_request(
            "name in URL does not match name in Eviction object",
        ));
    }
    let dry_run = dry_run_param
        || eviction["deleteOptions"]["dryRun"]
            .as_array()
            .is_some_and(|a| a.iter().any(|v| v == "All"));

    let mut store = shared.store.write().expect("lock");
    let entry = store
        .get(kinds::POD, ns, name)
        .ok_or_else(|| ApiError::not_found(pod_kind, name))?;
    let pod: Value = serde_json::from_slice(&entry.bytes).expect("stored objects are JSON");
    let pod_labels = entry.labels.clone();

    // Terminal or pending pods are evicted without asking the budget.
    let phase = pod["status"]["phase"].as_str().unwrap_or("");
    let ignore_pdb = pod_terminal(&pod)
        || phase == "Pending"
        || pod["metadata"].get("deletionTimestamp").is_some();
    if !ignore_pdb {
        let mut matching = Vec::new();
        for (_, e) in store.range(kinds::PDB, Some(ns), None) {
            let pdb: Value = serde_json::from_slice(&e.bytes).expect("stored objects are JSON");
            // A PDB without a selector selects nothing; `{}` selects all.
            let Some(sel) = pdb["spec"].get("selector").filter(|s| s.is_object()) else {
                continue;
            };
            if let Some(sel) = LabelSelector::from_object(sel)
                && sel.matches(&pod_labels)
            {
                matching.push((pdb, sel));
            }
        }
        if matching.len() > 1 {
            return Err(ApiError::internal(
                "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
            ));
        }
        if let Some((pdb, sel)) = matching.first() {
            let b = budget(&store, ns, pdb, sel);
            let allowed = if pod_healthy(&pod) {
                b.healthy > b.desired_healthy
            } else {
                b.always_allow_unhealthy || b.healthy >= b.desired_healthy
            };
            if !allowed {
                return Err(ApiError::new(
                    429,
                    "TooManyRequests",
                    "Cannot evict pod as it would violate the pod's disruption budget.",
                )
                .with_details(json!({"causes": [{
                    "reason": "DisruptionBudget",
                    "message": format!(
                        "The disruption budget {} needs {} healthy pods and has {} currently",
                        b.name, b.desired_healthy, b.healthy
                    ),
                }]})));
            }
        }
    }
    if !dry_run {
        store.remove(kinds::POD, ns, name);
    }
    let status = status_object(201, "Success", "", "", None);
    Ok(json_response(
        201,
        serde_json::to_vec(&status).expect("serialize"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_up() {
        assert_eq!(scaled(&json!("50%"), 3), Some(2));
        assert_eq!(scaled(&json!(2), 3), Some(2));
        assert_eq!(scaled(&json!("34%"), 3), Some(2));
        assert_eq!(scaled(&json!("1"), 3), Some(1));
    }

    #[test]
    fn health() {
        let ready = json!({"metadata": {}, "status": {"phase": "Running",
            "conditions": [{"type": "Ready", "status": "True"}]}});
        assert!(pod_healthy(&ready));
        let not_ready = json!({"metadata": {}, "status": {"phase": "Running",
            "conditions": [{"type": "Ready", "status": "False"}]}});
        assert!(!pod_healthy(&not_ready));
    }
}
