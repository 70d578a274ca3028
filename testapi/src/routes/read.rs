//! The reads that are not watches: LIST in pages with continue tokens, and
//! GET of one object.

use std::convert::Infallible;

use axum::body::Body;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use bytes::Bytes;
use serde_json::{Map, json};

use super::media::{Form, ServedAs, partial};
use crate::kinds::{KINDS, KindId};
use crate::params::Params;
use crate::selector::selected;
use crate::state::Shared;
use crate::status::{ApiError, json_response};
use crate::store::Store;

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

/// LIST: pages in (namespace, name) order, the page's objects copied from
/// the store as they are, or their metadata alone for a `PartialObjectMetadataList`.
///
/// Pages after the first are read from the current state, not a snapshot at
/// the first page's resourceVersion (the apiserver reads etcd at that
/// revision); objects changed between pages show their new version. Every
/// page reports the first page's resourceVersion, so a watch started from
/// it replays those changes anyway, which is what clients rely on.
pub fn list(
    shared: &Shared,
    kind: KindId,
    ns: Option<&str>,
    params: &Params,
    form: Form,
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
        items.push(match form {
            Form::Full => e.bytes.clone(),
            Form::Metadata(version) => partial(&e.bytes, version),
        });
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
    let (list_kind, api_version) = match form {
        Form::Full => (info.list_kind(), info.api_version()),
        Form::Metadata(v) => (
            "PartialObjectMetadataList".into(),
            format!("meta.k8s.io/{v}"),
        ),
    };
    let mut head =
        format!("{{\"kind\":\"{list_kind}\",\"apiVersion\":\"{api_version}\",\"metadata\":")
            .into_bytes();
    serde_json::to_writer(&mut head, &meta).expect("serialize");
    head.extend_from_slice(b",\"items\":[");
    let body = Body::from_stream(futures_util::stream::iter(
        Concat::new(Bytes::from(head), items, Bytes::from_static(b"]}")).map(Ok::<_, Infallible>),
    ));
    let mut response = ([(header::CONTENT_TYPE, "application/json")], body).into_response();
    if form != Form::Full {
        response
            .extensions_mut()
            .insert(ServedAs("PartialObjectMetadataList"));
    }
    Ok(response)
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

pub fn get(
    shared: &Shared,
    kind: KindId,
    ns: &str,
    name: &str,
    form: Form,
) -> Result<Response, ApiError> {
    let store = shared.store.read().expect("lock");
    let e = store
        .get(kind, ns, name)
        .ok_or_else(|| ApiError::not_found(&KINDS[kind], name))?;
    Ok(match form {
        Form::Full => json_response(200, e.bytes.to_vec()),
        Form::Metadata(version) => {
            let mut response = json_response(200, partial(&e.bytes, version).to_vec());
            response
                .extensions_mut()
                .insert(ServedAs("PartialObjectMetadata"));
            response
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
