//! What went wrong with a live cluster, said so an operator can act on it. Messages never carry
//! tokens or certificates: they are built from API Status objects and transport errors only.

use crate::model::Kind;

use super::wire::resource_name;

/// Errors that stop a live read or an apply.
#[derive(Debug, Clone, thiserror::Error)]
pub enum LiveError {
    #[error("kubeconfig {path}: {message}")]
    Kubeconfig { path: String, message: String },
    #[error("kubeconfig has no current context; pass --context NAME (available: {})", list(.available))]
    NoCurrentContext { available: Vec<String> },
    #[error("context {context:?} is not in the kubeconfig (available: {})", list(.available))]
    UnknownContext {
        context: String,
        available: Vec<String>,
    },
    #[error("context {context}: {message}")]
    Context { context: String, message: String },
    #[error(
        "context {context}: 401 Unauthorized on {verb} {resource}: the API server refused the credentials (an expired token or certificate? refresh them, e.g. log in again)"
    )]
    Unauthorized {
        context: String,
        verb: String,
        resource: String,
    },
    #[error("context {context}: cannot reach the API server {server}: {message}")]
    Unreachable {
        context: String,
        server: String,
        message: String,
    },
    #[error(
        "no complete snapshot after {seconds} s; still missing: {}",
        missing.join("; ")
    )]
    Timeout { seconds: u64, missing: Vec<String> },
    #[error("{0}")]
    Runtime(String),
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

/// What one failed request means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// 401: the credentials were refused.
    Unauthorized,
    /// 403: RBAC does not allow this verb on this resource.
    Forbidden(String),
    /// No connection, TLS failure, timeout.
    Unreachable(String),
    /// 410: the resourceVersion is too old (the watcher re-lists by itself).
    Gone,
    /// A response that is not what the API sends (a watch line that is not an event).
    Garbled(String),
    /// Anything else (a 5xx, a garbled response).
    Other(String),
}

/// Classifies a kube client error.
pub fn classify(error: &kube::Error) -> Problem {
    match error {
        kube::Error::Api(status) => match status.code {
            401 => Problem::Unauthorized,
            403 => Problem::Forbidden(status.message.clone()),
            410 => Problem::Gone,
            code => Problem::Other(format!("{code} {}: {}", status.reason, status.message)),
        },
        kube::Error::HyperError(_) | kube::Error::Service(_) => Problem::Unreachable(chain(error)),
        kube::Error::SerdeError(_) => {
            Problem::Garbled(format!("a garbled response: {}", chain(error)))
        }
        other => Problem::Other(chain(other)),
    }
}

/// Classifies a watcher error.
pub fn classify_watch(error: &kube::runtime::watcher::Error) -> Problem {
    use kube::runtime::watcher::Error as W;
    match error {
        W::InitialListFailed(e) | W::WatchStartFailed(e) | W::WatchFailed(e) => classify(e),
        W::WatchError(status) => match status.code {
            401 => Problem::Unauthorized,
            403 => Problem::Forbidden(status.message.clone()),
            410 => Problem::Gone,
            code => Problem::Other(format!("{code} {}: {}", status.reason, status.message)),
        },
        W::NoResourceVersion => Problem::Other(error.to_string()),
    }
}

/// The warning for a kind RBAC refuses: what is missing from the analysis and how to grant it.
pub fn forbidden_warning(kind: Kind, message: &str) -> String {
    let lost = match kind {
        Kind::PodDisruptionBudget => "drains are simulated without budgets",
        Kind::Lease | Kind::Endpoints | Kind::ConfigMap => "leaders recorded there are not seen",
        Kind::PersistentVolume | Kind::PersistentVolumeClaim | Kind::StorageClass => {
            "volume pins are not seen"
        }
        Kind::Node => "pods have no zone",
        _ => "those objects are missing from the analysis",
    };
    format!(
        "403 Forbidden: list/watch {} refused ({message}); {lost}. Grant it with deploy/rbac-readonly.yaml",
        resource_name(kind)
    )
}

/// An error and its sources, one line.
pub fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(s) = source {
        let next = s.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = s.source();
    }
    text
}
