//! The HTTP client of one context: the stack kube-rs builds from a kubeconfig (base URL, auth,
//! extra headers, timeouts, HTTP/1.1 over rustls), with two differences that make it connect
//! wherever kubectl connects: server certificates are checked by [`KubectlVerifier`], and
//! `proxy-url` is honoured for HTTP CONNECT and SOCKS5 proxies alike.

use std::sync::Arc;

use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::proxy::{SocksV5, Tunnel};
use hyper_util::rt::TokioExecutor;
use kube::client::ConfigExt;
use tower::{BoxError, ServiceBuilder};

use super::ahead::ReadAhead;
use super::errors::{chain, describe};
use super::tls::KubectlVerifier;
use super::traffic::{Observe, Traffic};

/// A client for `config`; `traffic` notes what it sends and what answers.
pub fn build(config: &kube::Config, traffic: Arc<Traffic>) -> Result<kube::Client, String> {
    let mut tls = config.rustls_client_config().map_err(|e| chain(&e))?;
    // In a pod (a CA file kube-rs re-reads as it rotates) the CA is a real one: kube-rs's own
    // verifier stays.
    if !config.accept_invalid_certs
        && config.root_cert_file.is_none()
        && let Some(roots) = &config.root_cert
    {
        tls.dangerous()
            .set_certificate_verifier(Arc::new(KubectlVerifier::new(roots)?));
    }
    let mut tcp = HttpConnector::new();
    tcp.enforce_http(false);
    tcp.set_connect_timeout(config.connect_timeout);

    // One stack per connector type: HTTPS over TCP, over a SOCKS5 proxy, or through an HTTP
    // CONNECT tunnel.
    macro_rules! over {
        ($connector:expr) => {{
            let mut https = hyper_rustls::HttpsConnectorBuilder::new()
                .with_tls_config(tls)
                .https_or_http();
            if let Some(name) = &config.tls_server_name {
                let name = rustls::pki_types::ServerName::try_from(name.clone())
                    .map_err(|e| format!("tls-server-name {name:?}: {e}"))?;
                https = https
                    .with_server_name_resolver(hyper_rustls::FixedServerNameResolver::new(name));
            }
            let mut connector = hyper_timeout::TimeoutConnector::new(
                https.enable_http1().wrap_connector($connector),
            );
            connector.set_connect_timeout(config.connect_timeout);
            connector.set_read_timeout(config.read_timeout);
            connector.set_write_timeout(config.write_timeout);
            let http = hyper_util::client::legacy::Builder::new(TokioExecutor::new())
                .build::<_, kube::client::Body>(connector);
            let service = ServiceBuilder::new()
                .layer(config.base_uri_layer())
                .option_layer(config.auth_layer().map_err(|e| describe(&e))?)
                .layer(config.extra_headers_layer().map_err(|e| chain(&e))?)
                .map_err(BoxError::from)
                .service(http);
            kube::client::ClientBuilder::new(service, config.default_namespace.clone())
                .with_layer(&ReadAhead)
                .with_layer(&Observe(traffic))
                .build()
        }};
    }

    Ok(match &config.proxy_url {
        None => over!(tcp),
        Some(proxy) => match proxy.scheme_str() {
            // As kubectl: the proxy resolves the server's name.
            Some("socks5" | "socks5h") => over!(SocksV5::new(proxy.clone(), tcp)),
            Some("http") => over!(Tunnel::new(proxy.clone(), tcp)),
            _ => {
                return Err(format!(
                    "proxy-url {}: only http:// (CONNECT), socks5:// and socks5h:// proxies are supported",
                    without_credentials(proxy)
                ));
            }
        },
    })
}

/// A URL as it may be shown: credentials in it (`user:password@`) replaced by `***`.
pub fn without_credentials(url: &http::Uri) -> String {
    let text = url.to_string();
    match url.authority().and_then(|a| a.as_str().rsplit_once('@')) {
        Some((_, host)) => text.replacen(
            url.authority().map_or("", |a| a.as_str()),
            &format!("***@{host}"),
            1,
        ),
        None => text,
    }
}

#[cfg(test)]
mod credential_tests {
    use super::without_credentials;

    #[test]
    fn credentials_in_a_url_are_never_shown() {
        let url: http::Uri = "http://alice:s3cret@proxy.example:3128".parse().unwrap();
        let shown = without_credentials(&url);
        assert!(
            !shown.contains("s3cret") && !shown.contains("alice"),
            "{shown}"
        );
        assert!(shown.contains("proxy.example:3128"), "{shown}");
        let plain: http::Uri = "socks5://127.0.0.1:1080".parse().unwrap();
        assert_eq!(without_credentials(&plain), "socks5://127.0.0.1:1080/");
    }
}
