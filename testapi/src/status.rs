//! `meta/v1 Status` objects: every error the server returns is one, shaped
//! like the real apiserver's, because clients (kube-rs's `ErrorResponse`,
//! kubectl) decode them and Quorum's messages quote them.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::kinds::KindInfo;

/// An error response: HTTP code plus the Status body.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: u16,
    pub body: Value,
}

impl ApiError {
    /// A Failure Status with a reason and message.
    pub fn new(code: u16, reason: &str, message: impl Into<String>) -> Self {
        Self {
            code,
            body: status_object(code, "Failure", reason, &message.into(), None),
        }
    }

    /// Adds `details` (name, group, kind, causes...).
    pub fn with_details(mut self, details: Value) -> Self {
        self.body["details"] = details;
        self
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "BadRequest", message)
    }

    pub fn unauthorized() -> Self {
        Self::new(401, "Unauthorized", "Unauthorized")
    }

    /// The 403 the apiserver's RBAC authorizer writes, word for word.
    pub fn forbidden(
        user: &str,
        verb: &str,
        resource: &str,
        group: &str,
        ns: Option<&str>,
        name: Option<&str>,
    ) -> Self {
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
        Self::new(
            403,
            "Forbidden",
            format!("{subject} is forbidden: User \"{user}\" cannot {verb} resource \"{resource}\" in API group \"{group}\" {scope}"),
        )
        .with_details(details)
    }

    /// `pods "x" not found`
    pub fn not_found(kind: &KindInfo, name: &str) -> Self {
        Self::new(
            404,
            "NotFound",
            format!("{} \"{name}\" not found", kind.qualified()),
        )
        .with_details(details(kind, name))
    }

    /// A path the server does not serve.
    pub fn no_route() -> Self {
        Self::new(
            404,
            "NotFound",
            "the server could not find the requested resource",
        )
        .with_details(json!({}))
    }

    pub fn method_not_allowed(method: &str) -> Self {
        Self::new(
            405,
            "MethodNotAllowed",
            format!("the server does not allow this method on the requested resource: {method}"),
        )
    }

    /// 409 on a stale resourceVersion, word for word what the apiserver says.
    pub fn conflict(kind: &KindInfo, name: &str) -> Self {
        Self::new(
            409,
            "Conflict",
            format!(
                "Operation cannot be fulfilled on {} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
                kind.qualified()
            ),
        )
        .with_details(details(kind, name))
    }

    /// 409 when a DeleteOptions precondition (`UID`, `ResourceVersion`)
    /// does not hold.
    pub fn precondition_failed(
        kind: &KindInfo,
        name: &str,
        label: &str,
        want: &str,
        have: &str,
    ) -> Self {
        Self::new(
            409,
            "Conflict",
            format!(
                "Operation cannot be fulfilled on {} \"{name}\": Precondition failed: {label} in precondition: {want}, {label} in object meta: {have}",
                kind.qualified()
            ),
        )
        .with_details(details(kind, name))
    }

    pub fn already_exists(kind: &KindInfo, name: &str) -> Self {
        Self::new(
            409,
            "AlreadyExists",
            format!("{} \"{name}\" already exists", kind.qualified()),
        )
        .with_details(details(kind, name))
    }

    /// 410 Gone: a continue token or resourceVersion older than the
    /// compaction horizon.
    pub fn expired(message: impl Into<String>) -> Self {
        Self::new(410, "Expired", message)
    }

    pub fn unsupported_media_type(ct: &str) -> Self {
        Self::new(
            415,
            "UnsupportedMediaType",
            format!(
                "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml; got {ct:?}"
            ),
        )
    }

    pub fn unprocessable(kind: &KindInfo, name: &str, message: impl Into<String>) -> Self {
        let message = format!("{} \"{name}\" is invalid: {}", kind.kind, message.into());
        Self::new(422, "Invalid", message).with_details(details(kind, name))
    }

    /// 503: the server is up but cannot serve (see
    /// [`crate::Server::set_unavailable`]).
    pub fn unavailable() -> Self {
        Self::new(
            503,
            "ServiceUnavailable",
            "the server is currently unable to handle the request".to_string(),
        )
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(500, "InternalError", message)
    }
}

/// `details` naming an object, as on NotFound/Conflict.
pub fn details(kind: &KindInfo, name: &str) -> Value {
    json!({ "name": name, "group": kind.group, "kind": kind.plural })
}

/// A bare Status object.
pub fn status_object(
    code: u16,
    status: &str,
    reason: &str,
    message: &str,
    details: Option<Value>,
) -> Value {
    let mut v = json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": status,
        "code": code,
    });
    if !message.is_empty() {
        v["message"] = json!(message);
    }
    if !reason.is_empty() {
        v["reason"] = json!(reason);
    }
    if let Some(d) = details {
        v["details"] = d;
    }
    v
}

/// A JSON response with a given status code.
pub fn json_response(code: u16, body: Vec<u8>) -> Response {
    let code = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (code, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(
            self.code,
            serde_json::to_vec(&self.body).unwrap_or_default(),
        )
    }
}
