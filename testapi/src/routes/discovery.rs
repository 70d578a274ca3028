//! Discovery: `/version`, `/api`, `/apis`, `/apis/G` and the resource lists
//! of each group version, generated from [`KINDS`].

use axum::response::Response;
use serde_json::{Value, json};

use crate::kinds::{self, KINDS};
use crate::state::Shared;
use crate::status::json_response;

pub fn json_ok(v: &Value) -> Response {
    json_response(200, serde_json::to_vec(v).expect("serialize"))
}

pub fn version_doc() -> Value {
    json!({
        "major": "1", "minor": "33", "gitVersion": "v1.33.0",
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

fn group_entry(g: &str) -> Value {
    let v = KINDS
        .iter()
        .find(|k| k.group == g)
        .map_or("v1", |k| k.version);
    let gv = json!({"groupVersion": format!("{g}/{v}"), "version": v});
    json!({"name": g, "versions": [gv.clone()], "preferredVersion": gv})
}

pub fn group_list() -> Value {
    let groups: Vec<Value> = kinds::groups().into_iter().map(group_entry).collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

pub fn group_doc(g: &str) -> Value {
    let mut v = group_entry(g);
    v["kind"] = json!("APIGroup");
    v["apiVersion"] = json!("v1");
    v
}

const VERBS: [&str; 7] = [
    "create", "delete", "get", "list", "patch", "update", "watch",
];

pub fn resource_list(group: &str, version: &str) -> Value {
    let mut resources = Vec::new();
    for k in KINDS
        .iter()
        .filter(|k| k.group == group && k.version == version)
    {
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
