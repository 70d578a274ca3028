//! Kubernetes objects as plain JSON values: read from a sample or an export, and the few fields
//! the suite asks of them. The real side of every comparison is read from these raw objects, not
//! through Quorum's model, so the judge does not share the defendant's reading.

use std::path::Path;

use serde_json::Value;

/// Every object in files or directories (recursive) of YAML or JSON, `List`s flattened.
pub fn read(paths: &[&Path]) -> Result<Vec<Value>, String> {
    let mut out = Vec::new();
    for path in paths {
        read_path(path, &mut out)?;
    }
    Ok(out)
}

fn read_path(path: &Path, out: &mut Vec<Value>) -> Result<(), String> {
    if path.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(path)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for entry in entries {
            read_path(&entry, out)?;
        }
        return Ok(());
    }
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    if !matches!(ext, "yaml" | "yml" | "json") {
        return Ok(());
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let docs: Vec<Value> = if ext == "json" {
        // One document, or several one after another (`quorum ... --after-state` writes one
        // typed list per kind).
        serde_json::Deserializer::from_str(&text)
            .into_iter::<Value>()
            .collect::<Result<_, _>>()
            .map_err(|e| format!("{}: {e}", path.display()))?
    } else {
        let mut docs = Vec::new();
        for doc in serde_yaml_ng::Deserializer::from_str(&text) {
            let v: Value = serde::Deserialize::deserialize(doc)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            if !v.is_null() {
                docs.push(v);
            }
        }
        docs
    };
    for doc in docs {
        flatten(doc, out);
    }
    Ok(())
}

fn flatten(doc: Value, out: &mut Vec<Value>) {
    if doc.get("items").is_some_and(Value::is_array) && kind(&doc).ends_with("List") {
        if let Some(Value::Array(items)) = doc.get("items").cloned() {
            out.extend(items);
        }
    } else {
        out.push(doc);
    }
}

pub fn kind(o: &Value) -> &str {
    o["kind"].as_str().unwrap_or("")
}

pub fn name(o: &Value) -> &str {
    o["metadata"]["name"].as_str().unwrap_or("")
}

pub fn namespace(o: &Value) -> &str {
    o["metadata"]["namespace"].as_str().unwrap_or("")
}

/// `namespace/name`, as Quorum writes pods, leases and workloads.
pub fn key(o: &Value) -> String {
    format!("{}/{}", namespace(o), name(o))
}

pub fn label<'a>(o: &'a Value, key: &str) -> Option<&'a str> {
    o["metadata"]["labels"][key].as_str()
}

/// The controller owner: (kind, name).
pub fn owner(o: &Value) -> Option<(&str, &str)> {
    let refs = o["metadata"]["ownerReferences"].as_array()?;
    let r = refs
        .iter()
        .find(|r| r["controller"].as_bool() == Some(true))
        .or_else(|| refs.first())?;
    Some((r["kind"].as_str()?, r["name"].as_str()?))
}

/// Objects of one kind.
pub fn of_kind<'a>(objects: &'a [Value], k: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    objects.iter().filter(move |o| kind(o) == k)
}

/// The value of a condition (`Ready`, `PodScheduled`) and the object.
pub fn condition<'a>(o: &'a Value, type_: &str) -> Option<&'a Value> {
    o["status"]["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"].as_str() == Some(type_))
}

pub fn condition_true(o: &Value, type_: &str) -> bool {
    condition(o, type_).is_some_and(|c| c["status"].as_str() == Some("True"))
}

/// Whether a selector's `matchLabels` (and `In` expressions) match an object's labels.
pub fn selector_matches(selector: &Value, o: &Value) -> bool {
    let labels = &o["metadata"]["labels"];
    if let Some(m) = selector["matchLabels"].as_object() {
        for (k, v) in m {
            if labels[k] != *v {
                return false;
            }
        }
    }
    if let Some(exprs) = selector["matchExpressions"].as_array() {
        for e in exprs {
            let key = e["key"].as_str().unwrap_or("");
            let values: Vec<&str> = e["values"]
                .as_array()
                .map(|v| v.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let have = labels[key].as_str();
            let ok = match e["operator"].as_str().unwrap_or("") {
                "In" => have.is_some_and(|h| values.contains(&h)),
                "NotIn" => have.is_none_or(|h| !values.contains(&h)),
                "Exists" => have.is_some(),
                "DoesNotExist" => have.is_none(),
                _ => true,
            };
            if !ok {
                return false;
            }
        }
    }
    true
}

/// Whether a node selector term list (PV `nodeAffinity.required`) admits a node.
pub fn node_selector_admits(required: &Value, node: &Value) -> bool {
    let Some(terms) = required["nodeSelectorTerms"].as_array() else {
        return true;
    };
    terms.iter().any(|term| {
        let exprs = term["matchExpressions"].as_array();
        let fields = term["matchFields"].as_array();
        exprs.into_iter().flatten().all(|e| {
            let key = e["key"].as_str().unwrap_or("");
            let have = node["metadata"]["labels"][key].as_str();
            expr_admits(e, have)
        }) && fields.into_iter().flatten().all(|e| {
            let have = (e["key"].as_str() == Some("metadata.name")).then(|| name(node));
            expr_admits(e, have)
        })
    })
}

fn expr_admits(e: &Value, have: Option<&str>) -> bool {
    let values: Vec<&str> = e["values"]
        .as_array()
        .map(|v| v.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    match e["operator"].as_str().unwrap_or("") {
        "In" => have.is_some_and(|h| values.contains(&h)),
        "NotIn" => have.is_none_or(|h| !values.contains(&h)),
        "Exists" => have.is_some(),
        "DoesNotExist" => have.is_none(),
        _ => false,
    }
}

/// The zone of a node, as Quorum reads it by default.
pub fn zone(node: &Value) -> &str {
    label(node, "topology.kubernetes.io/zone")
        .or_else(|| label(node, "failure-domain.beta.kubernetes.io/zone"))
        .unwrap_or("")
}

/// An RFC 3339 time as seconds since the epoch (fractions kept).
pub fn seconds(text: &str) -> Option<f64> {
    let t: k8s_openapi::jiff::Timestamp = text.parse().ok()?;
    Some(t.as_nanosecond() as f64 / 1e9)
}

pub fn now_seconds() -> f64 {
    k8s_openapi::jiff::Timestamp::now().as_nanosecond() as f64 / 1e9
}
