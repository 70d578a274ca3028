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
    /// 404 on a collection or a discovery document: the server does not serve it.
    NotFound(String),
    /// No credentials to send: the kubeconfig's token file, exec plugin or auth provider failed.
    Credentials(String),
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
            404 => Problem::NotFound(format!("404 {}: {}", status.reason, status.message)),
            code => Problem::Other(format!("{code} {}: {}", status.reason, status.message)),
        },
        kube::Error::Auth(auth) => Problem::Credentials(credentials(auth)),
        kube::Error::Service(e) if auth_error(e.as_ref()).is_some() => {
            Problem::Credentials(credentials(auth_error(e.as_ref()).expect("checked")))
        }
        kube::Error::HyperError(_) | kube::Error::Service(_) => {
            Problem::Unreachable(with_hint(chain(error)))
        }
        kube::Error::SerdeError(_) => {
            Problem::Garbled(format!("a garbled response: {}", chain(error)))
        }
        other => Problem::Other(chain(other)),
    }
}

/// A kube error in one line, a credential plugin's failure as [`credentials`] says it.
pub(super) fn describe(error: &kube::Error) -> String {
    match error {
        kube::Error::Auth(auth) => credentials(auth),
        other => chain(other),
    }
}

/// The auth error somewhere in `error`'s chain (the auth layer's errors come boxed).
fn auth_error<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> Option<&'a kube::client::AuthError> {
    let mut next = Some(error);
    while let Some(e) = next {
        if let Some(auth) = e.downcast_ref::<kube::client::AuthError>() {
            return Some(auth);
        }
        next = e.source();
    }
    None
}

/// Why no credentials could be sent. A failing exec plugin is shown with its stderr, never its
/// stdout (which may hold a token).
fn credentials(error: &kube::client::AuthError) -> String {
    use kube::client::AuthError as A;
    match error {
        A::AuthExecRun { cmd, out } => {
            // kube-rs writes the command with the environment it set: the command alone.
            let cmd = cmd
                .strip_prefix("KUBERNETES_EXEC_INFO=")
                .and_then(|rest| rest.split_once("}\" ").map(|(_, c)| c))
                .unwrap_or(cmd);
            format!(
                "the exec credential plugin {cmd} failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            )
        }
        A::AuthExecParse(_) => "the exec credential plugin printed no ExecCredential on its standard output (with interactiveMode Never it gets no terminal to ask on)".into(),
        other => chain(other),
    }
}

/// What to do about a TLS failure, after rustls's name for it.
fn with_hint(message: String) -> String {
    let hint = if message.contains("deadline has elapsed") {
        "no answer within 10 s: is the address right, and the server up?"
    } else if message.contains("UnknownIssuer") {
        "the server's certificate is not signed by the kubeconfig's certificate-authority (nor is it one of them): is it the right cluster, and the right CA?"
    } else if message.contains("not valid for name") {
        "the server's certificate does not name the address in the kubeconfig: use a name it carries as server, or set tls-server-name"
    } else if message.contains("expired") || message.contains("not valid yet") {
        "the server's certificate is outside its validity period (or this machine's clock is wrong)"
    } else {
        return message;
    };
    format!("{message} ({hint})")
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

/// What the analysis lacks without `kind`.
fn lost(kind: Kind) -> &'static str {
    match kind {
        Kind::PodDisruptionBudget => "drains are simulated without budgets",
        Kind::Lease | Kind::Endpoints | Kind::ConfigMap => "leaders recorded there are not seen",
        Kind::PersistentVolume | Kind::PersistentVolumeClaim | Kind::StorageClass => {
            "volume pins are not seen"
        }
        Kind::Node => "pods have no zone",
        _ => "those objects are missing from the analysis",
    }
}

/// The warning for a kind the server does not serve: which, where it was looked for, and what
/// the analysis lacks without it.
pub fn unserved_warning(kind: Kind, why: &str) -> String {
    format!("{} not read: {why}; {}", resource_name(kind), lost(kind))
}

/// The warning for a kind RBAC refuses: what is missing from the analysis and how to grant it.
pub fn forbidden_warning(kind: Kind, message: &str) -> String {
    let lost = lost(kind);
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
