//! HTTP routing and the non-watch verbs: discovery, LIST, GET, POST, PUT,
//! PATCH, DELETE.
//!
//! One fallback handler parses the path itself instead of an axum route per
//! kind: Kubernetes paths are regular (`/api/v1/namespaces/NS/pods/NAME`),
//! and `/api/v1/namespaces/X` vs `/api/v1/namespaces/X/pods` is easier to
//! tell apart by hand than with route patterns.

use std::convert::Infallible;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use bytes::Bytes;
use serde_json::{Map, Value, json};

use crate::eviction;
use crate::kinds::{self, KINDS, KindId, KindInfo};
use crate::selector::{FieldSelector, LabelSelector};
use crate::state::{RequestRecord, Shared};
use crate::status::{ApiError, json_response};
use crate::store::{Candidate, Reject, Store};
use crate::watch;

/// Largest request body accepted (objects are small; this is a test server).
const MAX_BODY: usize = 16 << 20;

pub fn router(shared: Arc<Shared>) -> axum::Router {
    axum::Router::new().fallback(entry).with_state(shared)
}

/// Decodes a query string into pairs, in order.
pub fn parse_query(q: &str) -> Vec<(String, String)> {
    if q.is_empty() {
        return Vec::new();
    }
    let uri: axum::http::Uri = match format!("/?{q}").parse() {
        Ok(u) => u,
        Err(_) => return Vec::new(),
    };
    axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&uri)
        .map(|q| q.0)
        .unwrap_or_default()
}

/// Query parameters of one request.
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// `true`/`1` as the apiserver reads booleans.
    pub fn flag(&self, name: &str) -> bool {
        matches!(self.get(name), Some("true" | "1"))
    }

    pub fn label_selector(&self) -> Result<LabelSelector, ApiError> {
        LabelSelector::parse(self.get("labelSelector").unwrap_or(""))
            .map_err(|e| ApiError::bad_request(format!("unable to parse requirement: {e}")))
    }

    pub fn field_selector(&self) -> Result<FieldSelector, ApiError> {
        FieldSelector::parse(self.get("fieldSelector").unwrap_or("")).map_err(ApiError::bad_request)
    }

    /// `dryRun=All` is the only value the apiserver accepts.
    pub fn dry_run(&self) -> Result<bool, ApiError> {
        match self.get("dryRun") {
            None | Some("") => Ok(false),
            Some("All") => Ok(true),
            Some(other) => Err(ApiError::bad_request(format!(
                "dryRun: Unsupported value: \"{other}\": supported values: \"All\""
            ))),
        }
    }
}

/// What a path names.
#[derive(Debug, PartialEq)]
enum Target {
    Version,
    ApiVersions,
    GroupList,
    Group(String),
    Resources(String, String),
    Collection {
        kind: KindId,
        ns: Option<String>,
    },
    Object {
        kind: KindId,
        ns: String,
        name: String,
    },
    Subresource {
        kind: KindId,
        ns: String,
        name: String,
        sub: String,
    },
    /// Anything about Secrets: always 403.
    Secret {
        ns: Option<String>,
    },
    NotFound,
}

fn parse_target(path: &str) -> Target {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (group, version, rest) = match segs.as_slice() {
        ["version"] => return Target::Version,
        ["api"] => return Target::ApiVersions,
        ["apis"] => return Target::GroupList,
        ["apis", g] if kinds::groups().contains(g) => return Target::Group(g.to_string()),
        ["api", v, rest @ ..] => ("", *v, rest),
        ["apis", g, v, rest @ ..] => (*g, *v, rest),
        _ => return Target::NotFound,
    };
    let known_version = if group.is_empty() {
        version == "v1"
    } else {
        KINDS
            .iter()
            .any(|k| k.group == group && k.version == version)
    };
    if !known_version {
        return Target::NotFound;
    }
    let secret = |p: &str| group.is_empty() && kinds::is_secret(p);
    let kind = |p: &str| kinds::by_path(group, version, p);
    match rest {
        [] => Target::Resources(group.to_string(), version.to_string()),
        [p] if secret(p) => Target::Secret { ns: None },
        [p] => match kind(p) {
            Some(k) => Target::Collection { kind: k, ns: None },
            None => Target::NotFound,
        },
        ["namespaces", ns, p, ..] if secret(p) => Target::Secret {
            ns: Some(ns.to_string()),
        },
        ["namespaces", ns, p] if kind(p).is_some_and(|k| KINDS[k].namespaced) => {
            Target::Collection {
                kind: kind(p).expect("checked"),
                ns: Some(ns.to_string()),
            }
        }
        ["namespaces", ns, p, name] if kind(p).is_some_and(|k| KINDS[k].namespaced) => {
            Target::Object {
                kind: kind(p).expect("checked"),
                ns: ns.to_string(),
                name: name.to_string(),
            }
        }
        ["namespaces", ns, p, name, sub] if kind(p).is_some_and(|k| KINDS[k].namespaced) => {
            Target::Subresource {
                kind: kind(p).expect("checked"),
                ns: ns.to_string(),
                name: name.to_string(),
                sub: sub.to_string(),
            }
        }
        [p, name] => match kind(p) {
            Some(k) if !KINDS[k].namespaced => Target::Object {
                kind: k,
                ns: String::new(),
                name: name.to_string(),
            },
            _ => Target::NotFound,
        },
        [p, name, sub] => match kind(p) {
            Some(k) if !KINDS[k].namespaced => Target::Subresource {
                kind: k,
                ns: String::new(),
                name: name.to_string(),
                sub: sub.to_string(),
            },
            _ => Target::NotFound,
        },
        _ => Target::NotFound,
    }
}

/// Every request comes here: latency, authentication, dispatch, the log.
async fn entry(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let latency = shared.latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    let authorized = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|t| t.trim() == shared.token);
    let response = if shared.unavailable.load(std::sync::atomic::Ordering::SeqCst) {
        ApiError::new(
            503,
            "ServiceUnavailable",
            "the server is currently unable to handle the request".to_string(),
        )
        .into_response()
    } else if authorized {
        dispatch(&shared, req, &path, &query)
            .await
            .unwrap_or_else(IntoResponse::into_response)
    } else {
        ApiError::unauthorized().into_response()
    };
    shared.record(RequestRecord {
        method: method.to_string(),
        path,
        query,
        status: response.status().as_u16(),
    });
    response
}

/// RBAC verb of a request, as the authorizer names it.
fn verb(method: &Method, target: &Target, params: &Params) -> &'static str {
    let collection = matches!(
        target,
        Target::Collection { .. } | Target::Secret { ns: None }
    );
    match *method {
        Method::GET if params.flag("watch") => "watch",
        Method::GET if collection => "list",
        Method::GET => "get",
        Method::POST => "create",
        Method::PUT => "update",
        Method::PATCH => "patch",
        Method::DELETE if collection => "deletecollection",
        Method::DELETE => "delete",
        _ => "unknown",
    }
}

/// The 403 the apiserver's RBAC authorizer writes, word for word.
fn forbidden(
    user: &str,
    verb: &str,
    resource: &str,
    group: &str,
    ns: Option<&str>,
    name: Option<&str>,
) -> ApiError {
    let subject = match name {
        Some(n) => format!("{resource} \"{n}\""),
        None => resource.to_string(),
    };
    let scope = match ns {
        Some(ns) if !ns.is_empty() => format!("in the namespace \"{ns}\""),
        _ => "at the cluster scope".to_string(),
    };
    let kind = resource.split('/').next().unwrap_or(resource);
    let mut details = json!({"group": group, "kind": kind});
    if let Some(n) = name {
        details["name"] = json!(n);
    }
    ApiError::new(
        403,
        "Forbidden",
        format!("{subject} is forbidden: User \"{user}\" cannot {verb} resource \"{resource}\" in API group \"{group}\" {scope}"),
    )
    .with_details(details)
}

async fn dispatch(
    shared: &Arc<Shared>,
    req: Request,
    path: &str,
    query: &str,
) -> Result<Response, ApiError> {
    let params = Params(parse_query(query));
    let target = parse_target(path);
    let method = req.method().clone();
    let verb = verb(&method, &target, &params);

    // Authorization.
    match &target {
        Target::Secret { ns } => {
            return Err(forbidden(
                &shared.user,
                verb,
                "secrets",
                "",
                ns.as_deref(),
                None,
            ));
        }
        Target::Collection { kind, ns } => {
            let k = &KINDS[*kind];
            if shared.is_denied(verb, k.plural, &k.qualified()) {
                return Err(forbidden(
                    &shared.user,
                    verb,
                    k.plural,
                    k.group,
                    ns.as_deref(),
                    None,
                ));
            }
        }
        Target::Object { kind, ns, name } => {
            let k = &KINDS[*kind];
            if shared.is_denied(verb, k.plural, &k.qualified()) {
                return Err(forbidden(
                    &shared.user,
                    verb,
                    k.plural,
                    k.group,
                    Some(ns),
                    Some(name),
                ));
            }
        }
        Target::Subresource {
            kind,
            ns,
            name,
            sub,
        } => {
            let k = &KINDS[*kind];
            let resource = format!("{}/{sub}", k.plural);
            if shared.is_denied(verb, &resource, &format!("{}/{sub}", k.qualified())) {
                return Err(forbidden(
                    &shared.user,
                    verb,
                    &resource,
                    k.group,
                    Some(ns),
                    Some(name),
                ));
            }
        }
        _ => {}
    }

    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_string();
    let body = axum::body::to_bytes(req.into_body(), MAX_BODY)
        .await
        .map_err(|e| ApiError::bad_request(format!("reading body: {e}")))?;

    match (target, method) {
        (Target::Version, Method::GET) => Ok(json_ok(&version_doc())),
        (Target::ApiVersions, Method::GET) => Ok(json_ok(&api_versions(shared))),
        (Target::GroupList, Method::GET) => Ok(json_ok(&group_list())),
        (Target::Group(g), Method::GET) => Ok(json_ok(&group_doc(&g))),
        (Target::Resources(g, v), Method::GET) => Ok(json_ok(&resource_list(&g, &v))),
        (Target::Collection { kind, ns }, Method::GET) if params.flag("watch") => {
            watch::watch(shared.clone(), kind, ns, &params)
        }
        (Target::Collection { kind, ns }, Method::GET) => {
            list(shared, kind, ns.as_deref(), &params)
        }
        (Target::Collection { kind, ns }, Method::POST) => {
            create(shared, kind, ns.as_deref(), &params, &content_type, &body)
        }
        (Target::Object { kind, ns, name }, Method::GET) if params.flag("watch") => {
            // Old-style watch of one object: same as a fieldSelector watch.
            let mut p = params.0;
            p.retain(|(k, _)| k != "fieldSelector");
            p.push(("fieldSelector".into(), format!("metadata.name={name}")));
            watch::watch(
                shared.clone(),
                kind,
                Some(ns).filter(|n| !n.is_empty()),
                &Params(p),
            )
        }
        (Target::Object { kind, ns, name }, Method::GET) => get(shared, kind, &ns, &name),
        (Target::Object { kind, ns, name }, Method::PUT) => {
            replace(shared, kind, &ns, &name, &params, &content_type, &body)
        }
        (Target::Object { kind, ns, name }, Method::PATCH) => {
            patch(shared, kind, &ns, &name, &params, &content_type, &body)
        }
        (Target::Object { kind, ns, name }, Method::DELETE) => {
            delete(shared, kind, &ns, &name, &params, &body)
        }
        (
            Target::Subresource {
                kind,
                ns,
                name,
                sub,
            },
            Method::POST,
        ) if kind == kinds::POD && sub == "eviction" => {
            let dry = params.dry_run()?;
            eviction::evict(shared, &ns, &name, dry, &body)
        }
        (Target::NotFound, _) | (Target::Subresource { .. }, _) => Err(ApiError::no_route()),
        (_, m) => Err(ApiError::method_not_allowed(m.as_str())),
    }
}

fn json_ok(v: &Value) -> Response {
    json_response(200, serde_json::to_vec(v).expect("serialize"))
}

fn version_doc() -> Value {
    json!({
        "major": "1", "minor": "33", "gitVersion": "v1.33.0",
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean", "buildDate": "2025-04-23T00:00:00Z",
        "goVersion": "go1.24.2", "compiler": "gc", "platform": "linux/amd64",
    })
}

fn api_versions(shared: &Shared) -> Value {
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

fn group_list() -> Value {
    let groups: Vec<Value> = kinds::groups().into_iter().map(group_entry).collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

fn group_doc(g: &str) -> Value {
    let mut v = group_entry(g);
    v["kind"] = json!("APIGroup");
    v["apiVersion"] = json!("v1");
    v
}

const VERBS: [&str; 7] = [
    "create", "delete", "get", "list", "patch", "update", "watch",
];

fn resource_list(group: &str, version: &str) -> Value {
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

/// What a continue token remembers: the resourceVersion of the first page
/// and the last key served.
#[derive(serde::Serialize, serde::Deserialize)]
struct ContinueToken {
    rv: u64,
    ns: String,
    name: String,
}

fn encode_continue(t: &ContinueToken) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(serde_json::to_vec(t).expect("serialize"))
}

fn decode_continue(s: &str) -> Option<ContinueToken> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .ok()?;
    serde_json::from_slice(&raw).ok()
}

/// Whether an object passes the selectors; the object body is read only
/// for field selectors beyond name and namespace.
pub fn selected(
    labels: &LabelSelector,
    fields: &FieldSelector,
    ns: &str,
    name: &str,
    entry_labels: &[(Box<str>, Box<str>)],
    bytes: &[u8],
) -> bool {
    if !labels.matches(entry_labels) || !fields.matches_index(ns, name) {
        return false;
    }
    if fields.index_only() {
        return true;
    }
    serde_json::from_slice::<Value>(bytes).is_ok_and(|v| fields.matches_object(&v))
}

/// LIST: pages in (namespace, name) order, the page's objects copied from
/// the store as they are.
///
/// Pages after the first are read from the current state, not a snapshot at
/// the first page's resourceVersion (the apiserver reads etcd at that
/// revision); objects changed between pages show their new version. Every
/// page reports the first page's resourceVersion, so a watch started from
/// it replays those changes anyway, which is what clients rely on.
fn list(
    shared: &Shared,
    kind: KindId,
    ns: Option<&str>,
    params: &Params,
) -> Result<Response, ApiError> {
    let info = &KINDS[kind];
    let labels = params.label_selector()?;
    let fields = params.field_selector()?;
    let requested = params
        .get("limit")
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<usize>())
        .transpose()
        .map_err(|_| ApiError::bad_request("limit: must be a non-negative integer"))?
        .filter(|&l| l > 0);
    let limit = match (requested, shared.page_limit_max) {
        (Some(r), Some(m)) => Some(r.min(m)),
        (r, m) => r.or(m),
    };
    let store = shared.store.read().expect("lock");
    let token = match params.get("continue").filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => {
            let t = decode_continue(s).ok_or_else(|| {
                ApiError::bad_request("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)")
            })?;
            if t.rv < store.history_start() {
                return Err(expired_continue(&store, t));
            }
            Some(t)
        }
    };
    if token.is_none() {
        check_list_rv(&store, params)?;
    }
    let list_rv = token.as_ref().map_or(store.rv(), |t| t.rv);
    let after = token.map(|t| (t.ns, t.name));
    let mut items: Vec<Bytes> = Vec::new();
    let mut last: Option<(String, String)> = None;
    let mut more = false;
    for ((ons, oname), e) in store.range(kind, ns, after) {
        if !selected(&labels, &fields, ons, oname, &e.labels, &e.bytes) {
            continue;
        }
        if limit.is_some_and(|l| items.len() >= l) {
            more = true;
            break;
        }
        items.push(e.bytes.clone());
        last = Some((ons.clone(), oname.clone()));
    }
    drop(store);
    let mut meta = Map::new();
    meta.insert("resourceVersion".into(), json!(list_rv.to_string()));
    if more && let Some((ns, name)) = last {
        meta.insert(
            "continue".into(),
            json!(encode_continue(&ContinueToken {
                rv: list_rv,
                ns,
                name
            })),
        );
    }
    let mut head = format!(
        "{{\"kind\":\"{}\",\"apiVersion\":\"{}\",\"metadata\":",
        info.list_kind(),
        info.api_version()
    )
    .into_bytes();
    serde_json::to_writer(&mut head, &meta).expect("serialize");
    head.extend_from_slice(b",\"items\":[");
    let body = Body::from_stream(futures_util::stream::iter(
        Concat::new(Bytes::from(head), items, Bytes::from_static(b"]}")).map(Ok::<_, Infallible>),
    ));
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// A continue token from before the compaction horizon: 410 with a fresh
/// (inconsistent) token, as the apiserver does.
fn expired_continue(store: &Store, t: ContinueToken) -> ApiError {
    let fresh = encode_continue(&ContinueToken {
        rv: store.rv(),
        ns: t.ns,
        name: t.name,
    });
    let mut e = ApiError::expired(
        "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.",
    );
    e.body["metadata"] = json!({"continue": fresh});
    e
}

/// `resourceVersion` + `resourceVersionMatch` on a first page. Only the
/// latest state is kept, so `Exact` of an older version is 410 and a
/// version from the future is the apiserver's "Too large" 504.
fn check_list_rv(store: &Store, params: &Params) -> Result<(), ApiError> {
    let rv_param = params.get("resourceVersion").unwrap_or("");
    let matching = params.get("resourceVersionMatch").unwrap_or("");
    if !matching.is_empty() && rv_param.is_empty() {
        return Err(ApiError::bad_request(
            "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided",
        ));
    }
    if !matches!(matching, "" | "NotOlderThan" | "Exact") {
        return Err(ApiError::bad_request(format!(
            "resourceVersionMatch: Unsupported value: \"{matching}\": supported values: \"Exact\", \"NotOlderThan\""
        )));
    }
    if rv_param.is_empty() || rv_param == "0" {
        return Ok(());
    }
    let rv: u64 = rv_param.parse().map_err(|_| {
        ApiError::bad_request(format!("resourceVersion: Invalid value: \"{rv_param}\""))
    })?;
    if rv > store.rv() {
        return Err(ApiError::new(
            504,
            "Timeout",
            format!("Too large resource version: {rv}, current: {}", store.rv()),
        )
        .with_details(json!({"causes": [{"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}], "retryAfterSeconds": 1})));
    }
    if matching == "Exact" && rv != store.rv() {
        return Err(ApiError::expired(format!(
            "too old resource version: {rv} ({})",
            store.rv()
        )));
    }
    Ok(())
}

/// Joins a list body from its head, items and tail into ~256 KiB chunks:
/// a copy of stored bytes, no serialization, and no 2 GB buffer for an
/// unpaged LIST of a big cluster.
struct Concat {
    head: Option<Bytes>,
    items: std::vec::IntoIter<Bytes>,
    tail: Option<Bytes>,
    first: bool,
}

impl Concat {
    fn new(head: Bytes, items: Vec<Bytes>, tail: Bytes) -> Self {
        Self {
            head: Some(head),
            items: items.into_iter(),
            tail: Some(tail),
            first: true,
        }
    }
}

impl Iterator for Concat {
    type Item = Bytes;
    fn next(&mut self) -> Option<Bytes> {
        const CHUNK: usize = 256 << 10;
        let mut buf = Vec::new();
        if let Some(h) = self.head.take() {
            buf.extend_from_slice(&h);
        }
        for item in self.items.by_ref() {
            if !self.first {
                buf.push(b',');
            }
            self.first = false;
            buf.extend_from_slice(&item);
            if buf.len() >= CHUNK {
                return Some(Bytes::from(buf));
            }
        }
        if let Some(t) = self.tail.take() {
            buf.extend_from_slice(&t);
        }
        (!buf.is_empty()).then(|| Bytes::from(buf))
    }
}

fn get(shared: &Shared, kind: KindId, ns: &str, name: &str) -> Result<Response, ApiError> {
    let store = shared.store.read().expect("lock");
    let e = store
        .get(kind, ns, name)
        .ok_or_else(|| ApiError::not_found(&KINDS[kind], name))?;
    Ok(json_response(200, e.bytes.to_vec()))
}

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

fn create(
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

fn replace(
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

fn patch(
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

fn delete(
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
                return Err(ApiError::new(
                    409,
                    "Conflict",
                    format!(
                        "Operation cannot be fulfilled on {} \"{name}\": Precondition failed: {label} in precondition: {want}, {label} in object meta: {have}",
                        info.qualified()
                    ),
                )
                .with_details(crate::status::details(info, name)));
            }
        }
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
    fn targets() {
        let pods = kinds::POD;
        assert_eq!(
            parse_target("/api/v1/pods"),
            Target::Collection {
                kind: pods,
                ns: None
            }
        );
        assert_eq!(
            parse_target("/api/v1/namespaces/db/pods"),
            Target::Collection {
                kind: pods,
                ns: Some("db".into())
            }
        );
        assert_eq!(
            parse_target("/api/v1/namespaces/db"),
            Target::Object {
                kind: kinds::NAMESPACE,
                ns: String::new(),
                name: "db".into()
            }
        );
        assert_eq!(
            parse_target("/api/v1/namespaces/db/pods/p/eviction"),
            Target::Subresource {
                kind: pods,
                ns: "db".into(),
                name: "p".into(),
                sub: "eviction".into()
            }
        );
        assert_eq!(
            parse_target("/apis/coordination.k8s.io/v1/namespaces/ops/leases/l"),
            Target::Object {
                kind: kinds::lookup("lease").unwrap(),
                ns: "ops".into(),
                name: "l".into()
            }
        );
        assert_eq!(
            parse_target("/api/v1/namespaces/x/secrets"),
            Target::Secret {
                ns: Some("x".into())
            }
        );
        assert_eq!(parse_target("/api/v1/pods/x"), Target::NotFound);
        assert_eq!(parse_target("/apis/apps/v2/deployments"), Target::NotFound);
        assert_eq!(parse_target("/apis/apps"), Target::Group("apps".into()));
    }

    #[test]
    fn continue_tokens_round_trip() {
        let t = decode_continue(&encode_continue(&ContinueToken {
            rv: 7,
            ns: "a".into(),
            name: "b".into(),
        }))
        .unwrap();
        assert_eq!((t.rv, t.ns.as_str(), t.name.as_str()), (7, "a", "b"));
        assert!(decode_continue("!!").is_none());
    }

    #[test]
    fn concat_joins_items() {
        let c = Concat::new(
            Bytes::from_static(b"["),
            vec![Bytes::from_static(b"1"), Bytes::from_static(b"2")],
            Bytes::from_static(b"]"),
        );
        let all: Vec<u8> = c.flat_map(|b| b.to_vec()).collect();
        assert_eq!(all, b"[1,2]");
    }

    #[test]
    fn rfc3339_shape() {
        let s = now_rfc3339();
        assert_eq!(s.len(), 20);
        assert!(s.ends_with('Z') && s.starts_with("20"));
    }
}
