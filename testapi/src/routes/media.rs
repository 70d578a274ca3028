//! What a read asks to receive: whole objects, or their metadata alone.
//!
//! A client that needs only metadata sends, as kube-rs does for `list_metadata` and
//! `watch_metadata`, `Accept: application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1`
//! (a LIST) or `...;as=PartialObjectMetadata;...` (a GET or a WATCH). The apiserver then answers
//! a `meta.k8s.io/v1` `PartialObjectMetadataList` whose items are `PartialObjectMetadata`
//! objects, `{kind, apiVersion, metadata}`: no spec, status or data. This server does the same.

use axum::http::{HeaderMap, header};
use bytes::Bytes;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::status::ApiError;

/// How a read's objects are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// As stored.
    Full,
    /// `PartialObjectMetadata` of `meta.k8s.io` at this version (`v1`, or `v1beta1`).
    Metadata(&'static str),
}

/// What the response to a request was served as, put in its extensions for the request log.
#[derive(Debug, Clone)]
pub struct ServedAs(pub &'static str);

/// The `Accept` header, or empty.
pub fn accept(headers: &HeaderMap) -> String {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// The form a read answers in, given its `Accept` header; `list` for a LIST (a GET of one object
/// and a WATCH stream single objects). The first media range that can be served wins. A header
/// that asks only for forms this server does not make (`as=Table`, `PartialObjectMetadata` for a
/// LIST) is 406, as from the apiserver; one without `as=` gets whole objects.
pub fn negotiate(accept: &str, list: bool) -> Result<Form, ApiError> {
    let mut refused = false;
    for range in accept.split(',').map(str::trim).filter(|r| !r.is_empty()) {
        let mut parts = range.split(';').map(str::trim);
        let media = parts.next().unwrap_or("");
        if !matches!(media, "application/json" | "application/*" | "*/*") {
            // YAML, protobuf: whole objects as JSON (this server speaks nothing else).
            continue;
        }
        let (mut r#as, mut group, mut version) = (None, None, None);
        for p in parts {
            match p.split_once('=') {
                Some(("as", v)) => r#as = Some(v),
                Some(("g", v)) => group = Some(v),
                Some(("v", v)) => version = Some(v),
                _ => {}
            }
        }
        let Some(r#as) = r#as else {
            return Ok(Form::Full);
        };
        let wanted = if list {
            "PartialObjectMetadataList"
        } else {
            "PartialObjectMetadata"
        };
        let version = match version {
            Some("v1") => Some("v1"),
            Some("v1beta1") => Some("v1beta1"),
            _ => None,
        };
        match (r#as == wanted, group, version) {
            (true, Some("meta.k8s.io"), Some(v)) => return Ok(Form::Metadata(v)),
            _ => refused = true,
        }
    }
    if refused {
        return Err(ApiError::new(
            406,
            "NotAcceptable",
            "only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf",
        ));
    }
    Ok(Form::Full)
}

/// The `PartialObjectMetadata` of a stored object: its metadata, copied as stored, and nothing
/// else.
pub fn partial(object: &[u8], version: &str) -> Bytes {
    #[derive(Deserialize)]
    struct Meta<'a> {
        #[serde(borrow)]
        metadata: Option<&'a RawValue>,
    }
    let metadata = serde_json::from_slice::<Meta>(object)
        .ok()
        .and_then(|m| m.metadata)
        .map_or("{}", RawValue::get);
    let mut out = Vec::with_capacity(metadata.len() + 80);
    out.extend_from_slice(b"{\"kind\":\"PartialObjectMetadata\",\"apiVersion\":\"meta.k8s.io/");
    out.extend_from_slice(version.as_bytes());
    out.extend_from_slice(b"\",\"metadata\":");
    out.extend_from_slice(metadata.as_bytes());
    out.push(b'}');
    Bytes::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kube_rs_metadata_requests_get_metadata() {
        let list = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";
        let one = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";
        assert_eq!(negotiate(list, true).unwrap(), Form::Metadata("v1"));
        assert_eq!(negotiate(one, false).unwrap(), Form::Metadata("v1"));
        assert_eq!(negotiate("", true).unwrap(), Form::Full);
        assert_eq!(negotiate("application/json", false).unwrap(), Form::Full);
        assert_eq!(negotiate("*/*", true).unwrap(), Form::Full);
        // A list asked as single objects, or a table: refused unless something else is offered.
        assert_eq!(negotiate(one, true).unwrap_err().code, 406);
        let table = "application/json;as=Table;v=v1;g=meta.k8s.io";
        assert_eq!(negotiate(table, true).unwrap_err().code, 406);
        assert_eq!(
            negotiate(&format!("{table},application/json"), true).unwrap(),
            Form::Full
        );
        assert_eq!(
            negotiate(&format!("{table}, {list}"), true).unwrap(),
            Form::Metadata("v1")
        );
    }

    #[test]
    fn a_partial_object_is_the_metadata_alone() {
        let cm = br#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","annotations":{"x":"y"}},"data":{"password":"hunter2"}}"#;
        let p: serde_json::Value = serde_json::from_slice(&partial(cm, "v1")).unwrap();
        assert_eq!(
            p,
            serde_json::json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                "metadata": {"name": "a", "annotations": {"x": "y"}}})
        );
    }
}
