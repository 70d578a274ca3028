//! HTTP: one fallback handler authenticates, parses the path, authorizes
//! and dispatches to the handler of each verb, one module per concern.
//!
//! Handlers depend on the shared state and the store below them, never on
//! this module or on each other.

mod discovery;
mod eviction;
pub(crate) mod media;
mod read;
mod target;
pub(crate) mod watch;
mod write;

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::response::{IntoResponse, Response};

use crate::kinds::{self, KINDS};
use crate::params::Params;
use crate::state::{RequestRecord, Shared};
use crate::status::ApiError;
use discovery::json_ok;
use target::{Target, served_target};

/// Largest request body accepted (objects are small; this is a test server).
const MAX_BODY: usize = 16 << 20;

pub fn router(shared: Arc<Shared>) -> axum::Router {
    axum::Router::new().fallback(entry).with_state(shared)
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
    let accept = media::accept(req.headers());
    // With client certificates the TLS handshake already refused anyone without one.
    let authorized = shared.client_certificates
        || req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|t| t.trim() == shared.token);
    let mut response = if shared.unavailable.load(std::sync::atomic::Ordering::SeqCst) {
        ApiError::unavailable().into_response()
    } else if authorized {
        dispatch(&shared, req, &path, &query)
            .await
            .unwrap_or_else(IntoResponse::into_response)
    } else {
        ApiError::unauthorized().into_response()
    };
    let id = shared
        .next_request
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let served_as = response
        .extensions_mut()
        .remove::<media::ServedAs>()
        .map_or("", |s| s.0);
    shared.record(RequestRecord {
        id,
        method: method.to_string(),
        path,
        query,
        status: response.status().as_u16(),
        accept,
        served_as: served_as.to_string(),
        bytes: 0,
    });
    // The body is counted as it goes out, into the record just made.
    response.map(|body| {
        axum::body::Body::new(Counted {
            inner: body,
            shared: shared.clone(),
            id,
        })
    })
}

/// A response body that adds what it sends to its request's record.
struct Counted {
    inner: axum::body::Body,
    shared: Arc<Shared>,
    id: u64,
}

impl http_body::Body for Counted {
    type Data = bytes::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        let polled = std::pin::Pin::new(&mut self.inner).poll_frame(cx);
        if let std::task::Poll::Ready(Some(Ok(frame))) = &polled
            && let Some(data) = frame.data_ref()
        {
            self.shared.sent(self.id, data.len());
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
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

/// Secrets are always forbidden; other resources when a test denied the
/// (verb, resource) pair.
fn authorize(shared: &Shared, target: &Target, verb: &str) -> Result<(), ApiError> {
    match target {
        Target::Secret { ns } => Err(ApiError::forbidden(
            &shared.user,
            verb,
            "secrets",
            "",
            ns.as_deref(),
            None,
        )),
        Target::Collection { kind, ns } => {
            let k = &KINDS[*kind];
            if shared.is_denied(verb, k.plural, &k.qualified()) {
                return Err(ApiError::forbidden(
                    &shared.user,
                    verb,
                    k.plural,
                    k.group,
                    ns.as_deref(),
                    None,
                ));
            }
            Ok(())
        }
        Target::Object { kind, ns, name } => {
            let k = &KINDS[*kind];
            if shared.is_denied(verb, k.plural, &k.qualified()) {
                return Err(ApiError::forbidden(
                    &shared.user,
                    verb,
                    k.plural,
                    k.group,
                    Some(ns),
                    Some(name),
                ));
            }
            Ok(())
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
                return Err(ApiError::forbidden(
                    &shared.user,
                    verb,
                    &resource,
                    k.group,
                    Some(ns),
                    Some(name),
                ));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The media type of the body, without parameters (`; charset=utf-8`).
fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_string()
}

async fn dispatch(
    shared: &Arc<Shared>,
    req: Request,
    path: &str,
    query: &str,
) -> Result<Response, ApiError> {
    let params = Params::parse(query);
    let target = served_target(&shared.served, path);
    let method = req.method().clone();
    authorize(shared, &target, verb(&method, &target, &params))?;

    let content_type = content_type(req.headers());
    let accept = media::accept(req.headers());
    let body = axum::body::to_bytes(req.into_body(), MAX_BODY)
        .await
        .map_err(|e| ApiError::bad_request(format!("reading body: {e}")))?;

    match (target, method) {
        (Target::Version, Method::GET) => Ok(json_ok(&discovery::version_doc(&shared.version))),
        (Target::ApiVersions, Method::GET) => Ok(json_ok(&discovery::api_versions(shared))),
        (Target::GroupList, Method::GET) => Ok(json_ok(&discovery::group_list(&shared.served))),
        (Target::Group(g), Method::GET) => Ok(json_ok(&discovery::group_doc(&shared.served, &g))),
        (Target::Resources(g, v), Method::GET) => {
            Ok(json_ok(&discovery::resource_list(&shared.served, &g, &v)))
        }
        (Target::Collection { kind, ns }, Method::GET) if params.flag("watch") => {
            let form = media::negotiate(&accept, false)?;
            watch::watch(shared.clone(), kind, ns, &params, form)
        }
        (Target::Collection { kind, ns }, Method::GET) => {
            let form = media::negotiate(&accept, true)?;
            read::list(shared, kind, ns.as_deref(), &params, form)
        }
        (Target::Collection { kind, ns }, Method::POST) => {
            write::create(shared, kind, ns.as_deref(), &params, &content_type, &body)
        }
        (Target::Object { kind, ns, name }, Method::GET) if params.flag("watch") => {
            // Old-style watch of one object: same as a fieldSelector watch.
            let params = params.with_field_selector(format!("metadata.name={name}"));
            let form = media::negotiate(&accept, false)?;
            watch::watch(
                shared.clone(),
                kind,
                Some(ns).filter(|n| !n.is_empty()),
                &params,
                form,
            )
        }
        (Target::Object { kind, ns, name }, Method::GET) => {
            let form = media::negotiate(&accept, false)?;
            read::get(shared, kind, &ns, &name, form)
        }
        (Target::Object { kind, ns, name }, Method::PUT) => {
            write::replace(shared, kind, &ns, &name, &params, &content_type, &body)
        }
        (Target::Object { kind, ns, name }, Method::PATCH) => {
            write::patch(shared, kind, &ns, &name, &params, &content_type, &body)
        }
        (Target::Object { kind, ns, name }, Method::DELETE) => {
            write::delete(shared, kind, &ns, &name, &params, &body)
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
