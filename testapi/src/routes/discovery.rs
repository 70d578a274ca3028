//! Discovery: `/version`, `/api`, `/apis`, `/apis/G` and the resource lists
//! of each group version, generated from [`KINDS`].

use axum::response::Response;
use serde_json::{Value, json};

use crate::kinds::{KINDS, Served};
use crate::state::Shared;
use crate::status::json_response;

pub fn json_ok(v: &Value) -> Response {
    json_response(200, serde_json::to_vec(v).expect("serialize"))
}

pub fn version_doc(git_version: &str) -> Value {
    let minor = git_version
        .trim_start_matches('v')
        .split('.')
        .nth(1)
        .unwrap_or("");
    json!({
        "major": "1", "minor": minor, "gitVersion": git_version,
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean", "buildDate": "2025-04-23T00:00:00Z",
        "goVersion": "go1.24.2", "compiler": "gc", "platform": "linux/amd64",
    })
}

pub fn api_versions(shared: &Shared) -> Value {
    let addr = shared.addr.get().map(|a| a.to_string()).unwrap_or_default();
    json!({"kind": "APIVersions", "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": addr}]})
}

fn group_entry(served: &Served, g: &str) -> Value {
    let versions: Vec<Value> = served
        .versions(g)
        .into_iter()
        .map(|v| json!({"groupVersion": format!("{g}/{v}"), "version": v}))
        .collect();
    let preferred = versions.first().cloned().unwrap_or(Value::Null);
    json!({"name": g, "versions": versions, "preferredVersion": preferred})
}

pub fn group_list(served: &Served) -> Value {
    let groups: Vec<Value> = served
        .groups()
        .into_iter()
        .map(|g| group_entry(served, g))
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

pub fn group_doc(served: &Served, g: &str) -> Value {
    let mut v = group_entry(served, g);
    v["kind"] = json!("APIGroup");
    v["apiVersion"] = json!("v1");
    v
}

const VERBS: [&str; 7] = [
    "create", "delete", "get", "list", "patch", "update", "watch",
];

pub fn resource_list(served: &Served, group: &str, version: &str) -> Value {
    let mut resources = Vec::new();
    for k in served.kinds_at(group, version).map(|k| &KINDS[k]) {
        let mut r = json!({
            "name": k.plural, "singularName": k.singular, "namespaced": k.namespaced,
            "kind": k.kind, "verbs": VERBS,
        });
        if !k.short_names.is_empty() {
            r["shortNames"] = json!(k.short_names);
        }
        resources.push(r);
        if k.kind == "Pod" {
            resources.push(
                json!({"name": "pods/eviction", "singularName": "", "namespaced": true,
                "group": "policy", "version": "v1", "kind": "Eviction", "verbs": ["create"]}),
            );
        }
    }
    let gv = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": resources})
}
