//! The writes: POST (create), PUT (replace), PATCH and DELETE, each with
//! `dryRun=All` and resourceVersion preconditions.

use axum::response::Response;
use serde_json::{Value, json};

use crate::kinds::{KINDS, KindId, KindInfo};
use crate::params::Params;
use crate::state::Shared;
use crate::status::{ApiError, json_response};
use crate::store::{Candidate, Entry, Reject, Store};

/// Parses a request body: JSON, or YAML for the apply content type.
fn parse_body(content_type: &str, body: &[u8]) -> Result<Value, ApiError> {
    if content_type.contains("yaml") {
        serde_yaml_ng::from_slice(body)
            .map_err(|e| ApiError::bad_request(format!("error decoding YAML: {e}")))
    } else {
        serde_json::from_slice(body)
            .map_err(|e| ApiError::bad_request(format!("error decoding JSON: {e}")))
    }
}

fn reject_to_error(info: &KindInfo, name: &str, r: Reject) -> ApiError {
    match r {
        Reject::Secret => ApiError::bad_request("secrets are not served"),
        Reject::UnknownKind(k) => ApiError::bad_request(format!(
            "the kind of the body ({k}) does not match the path ({})",
            info.kind
        )),
        Reject::Invalid(m) => ApiError::unprocessable(info, name, m),
    }
}

/// Checks the body's kind against the path and turns it into a candidate
/// in namespace `ns`.
fn candidate_for(kind: KindId, ns: &str, mut v: Value) -> Result<Candidate, ApiError> {
    let info = &KINDS[kind];
    if !v.is_object() {
        return Err(ApiError::bad_request("the body must be an object"));
    }
    match v.get("kind").and_then(Value::as_str) {
        None => v["kind"] = json!(info.kind),
        Some(k) if k == info.kind => {}
        Some(k) => {
            return Err(ApiError::bad_request(format!(
                "the kind of the body ({k}) does not match the path ({})",
                info.kind
            )));
        }
    }
    v["apiVersion"] = json!(info.api_version());
    if !v.get("metadata").is_some_and(Value::is_object) {
        v["metadata"] = json!({});
    }
    if info.namespaced {
        match v["metadata"].get("namespace").and_then(Value::as_str) {
            Some(b) if !b.is_empty() && b != ns => {
                return Err(ApiError::bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request",
                ));
            }
            _ => v["metadata"]["namespace"] = json!(ns),
        }
    }
    let name = v["metadata"]
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    Candidate::from_value(v).map_err(|r| reject_to_error(info, &name, r))
}

/// Stores a candidate, or (dry run) renders it with the version it would
/// replace, storing nothing.
fn commit(store: &mut Store, cand: Candidate, dry_run: bool, code: u16) -> Response {
    let bytes = if dry_run {
        let rv = store
            .get(cand.kind, &cand.namespace, &cand.name)
            .map_or(store.rv(), |e| e.rv);
        cand.finish(rv).bytes
    } else {
        store.put(cand).1.bytes
    };
    json_response(code, bytes.to_vec())
}

pub fn create(
    shared: &Shared,
    kind: KindId,
    ns: Option<&str>,
    params: &Params,
    content_type: &str,
    body: &[u8],
) -> Result<Response, ApiError> {
    let info = &KINDS[kind];
    let dry = params.dry_run()?;
    let mut v = parse_body(content_type, body)?;
    if info.namespaced && ns.is_none() {
        return Err(ApiError::method_not_allowed("POST"));
    }
    // generateName: a random suffix, as the apiserver does.
    if v["metadata"].get("name").and_then(Value::as_str).is_none()
        && let Some(prefix) = v["metadata"].get("generateName").and_then(Value::as_str)
    {
        let suffix: String = uuid::Uuid::new_v4().simple().to_string()[..5].to_string();
        v["metadata"]["name"] = json!(format!("{prefix}{suffix}"));
    }
    if v.get("metadata").is_some_and(Value::is_object)
        && !v["metadata"]
            .get("creationTimestamp")
            .is_some_and(Value::is_string)
    {
        v["metadata"]["creationTimestamp"] = json!(now_rfc3339());
    }
    if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        m.remove("resourceVersion");
    }
    let cand = candidate_for(kind, ns.unwrap_or(""), v)?;
    let mut store = shared.store.write().expect("lock");
    if store.get(kind, &cand.namespace, &cand.name).is_some() {
        return Err(ApiError::already_exists(info, &cand.name));
    }
    Ok(commit(&mut store, cand, dry, 201))
}

/// The resourceVersion an object body asks for, if any.
fn body_rv(v: &Value) -> Option<String> {
    v.get("metadata")?
        .get("resourceVersion")?
        .as_str()
        .filter(|s| !s.is_empty())
        .map(String::from)
}

pub fn replace(
    shared: &Shared,
    kind: KindId,
    ns: &str,
    name: &str,
    params: &Params,
    content_type: &str,
    body: &[u8],
) -> Result<Response, ApiError> {
    let info = &KINDS[kind];
    let dry = params.dry_run()?;
    let v = parse_body(content_type, body)?;
    if v["metadata"].get("name").and_then(Value::as_str) != Some(name) {
        return Err(ApiError::bad_request(
            "the name of the object does not match the name on the URL",
        ));
    }
    let mut store = shared.store.write().expect("lock");
    let current = store
        .get(kind, ns, name)
        .ok_or_else(|| ApiError::not_found(info, name))?;
    if body_rv(&v).is_some_and(|rv| rv != current.rv.to_string()) {
        return Err(ApiError::conflict(info, name));
    }
    let old: Value = serde_json::from_slice(&current.bytes).expect("stored objects are JSON");
    let mut v = v;
    if let Some(uid) = old["metadata"].get("uid") {
        v["metadata"]["uid"] = uid.clone();
    }
    let cand = candidate_for(kind, ns, v)?;
    Ok(commit(&mut store, cand, dry, 200))
}

pub fn patch(
    shared: &Shared,
    kind: KindId,
    ns: &str,
    name: &str,
    params: &Params,
    content_type: &str,
    body: &[u8],
) -> Result<Response, ApiError> {
    let info = &KINDS[kind];
    let dry = params.dry_run()?;
    let mut store = shared.store.write().expect("lock");
    let current = store.get(kind, ns, name);
    let mut obj: Value = match current {
        Some(e) => serde_json::from_slice(&e.bytes).expect("stored objects are JSON"),
        None if content_type == "application/apply-patch+yaml" => {
            json!({"metadata": {"name": name}})
        }
        None => return Err(ApiError::not_found(info, name)),
    };
    let current_rv = current.map(|e| e.rv.to_string());
    let (uid, creation) = (
        obj["metadata"].get("uid").cloned(),
        obj["metadata"].get("creationTimestamp").cloned(),
    );
    match content_type {
        // Strategic merge is served as a JSON merge patch: lists are
        // replaced, not merged by key. Quorum patches scalar fields only.
        "application/merge-patch+json" | "application/strategic-merge-patch+json" => {
            let p: Value = parse_body(content_type, body)?;
            json_patch::merge(&mut obj, &p);
        }
        "application/json-patch+json" => {
            let p: json_patch::Patch = serde_json::from_slice(body)
                .map_err(|e| ApiError::bad_request(format!("error decoding patch: {e}")))?;
            json_patch::patch(&mut obj, &p).map_err(|e| {
                ApiError::unprocessable(
                    info,
                    name,
                    format!("the server rejected our request due to an error in our request: {e}"),
                )
            })?;
        }
        // Server-side apply, simplified: no field ownership, a merge of the
        // applied configuration into the object (created when missing).
        "application/apply-patch+yaml" => {
            if params.get("fieldManager").is_none_or(str::is_empty) {
                return Err(ApiError::bad_request(
                    "PATCH /apply: fieldManager is required for apply requests",
                ));
            }
            let p: Value = parse_body(content_type, body)?;
            json_patch::merge(&mut obj, &p);
        }
        other => return Err(ApiError::unsupported_media_type(other)),
    }
    // A resourceVersion in the patched object is a precondition.
    if let (Some(want), Some(have)) = (body_rv(&obj), current_rv.as_ref())
        && &want != have
    {
        return Err(ApiError::conflict(info, name));
    }
    if obj["metadata"].get("name").and_then(Value::as_str) != Some(name) {
        return Err(ApiError::bad_request(
            "metadata.name cannot be changed by a patch",
        ));
    }
    if let Some(uid) = uid {
        obj["metadata"]["uid"] = uid;
    }
    if let Some(c) = creation {
        obj["metadata"]["creationTimestamp"] = c;
    }
    let cand = candidate_for(kind, ns, obj)?;
    let code = if current_rv.is_some() { 200 } else { 201 };
    Ok(commit(&mut store, cand, dry, code))
}

pub fn delete(
    shared: &Shared,
    kind: KindId,
    ns: &str,
    name: &str,
    params: &Params,
    body: &[u8],
) -> Result<Response, ApiError> {
    let info = &KINDS[kind];
    let opts: Value = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(body)
            .map_err(|e| ApiError::bad_request(format!("error decoding DeleteOptions: {e}")))?
    };
    let body_dry = opts
        .get("dryRun")
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().any(|v| v == "All"));
    let dry = params.dry_run()? || body_dry;
    let mut store = shared.store.write().expect("lock");
    let current = store
        .get(kind, ns, name)
        .ok_or_else(|| ApiError::not_found(info, name))?;
    if let Some(pre) = opts.get("preconditions") {
        check_preconditions(info, name, current, pre)?;
    }
    let bytes = if dry {
        current.bytes.clone()
    } else {
        store
            .remove(kind, ns, name)
            .expect("present under the same lock")
            .bytes
    };
    Ok(json_response(200, bytes.to_vec()))
}

/// DeleteOptions `preconditions`: the resourceVersion and uid the client
/// expects the object to have.
fn check_preconditions(
    info: &KindInfo,
    name: &str,
    current: &Entry,
    pre: &Value,
) -> Result<(), ApiError> {
    let old: Value = serde_json::from_slice(&current.bytes).expect("stored objects are JSON");
    for (field, have) in [
        ("resourceVersion", current.rv.to_string()),
        (
            "uid",
            old["metadata"]["uid"].as_str().unwrap_or("").to_string(),
        ),
    ] {
        if let Some(want) = pre.get(field).and_then(Value::as_str)
            && want != have
        {
            let label = if field == "uid" {
                "UID"
            } else {
                "ResourceVersion"
            };
            return Err(ApiError::precondition_failed(
                info, name, label, want, &have,
            ));
        }
    }
    Ok(())
}

/// `2026-11-22T04:45:00Z` without a date library.
fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_shape() {
        let s = now_rfc3339();
        assert_eq!(s.len(), 20);
        assert!(s.ends_with('Z') && s.starts_with("20"));
    }
}
