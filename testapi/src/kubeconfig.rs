//! Kubeconfig files pointing at test servers, written the way
//! `kubectl config` writes them so every client reads them as a user's.
//!
//! Each context gets a cluster and a user of its own name: one file can hold
//! several servers (tests of several clusters at once use two contexts).

use base64::Engine;
use serde_json::{Value, json};

use crate::tls::ClientIdentity;

/// One context of a kubeconfig.
#[derive(Debug, Clone, Default)]
pub struct KubeconfigEntry {
    /// Context name (also used for the cluster and the user).
    pub context: String,
    /// `https://127.0.0.1:PORT`
    pub server: String,
    /// The CA that signed the server certificate.
    pub ca_pem: String,
    /// Bearer token.
    pub token: String,
    /// A client certificate to authenticate with (as `client-certificate-data` and
    /// `client-key-data`), instead of the token.
    pub client: Option<ClientIdentity>,
    /// `tls-server-name`: the name to verify the server's certificate against.
    pub tls_server_name: Option<String>,
    /// `insecure-skip-tls-verify: true`, and no CA data.
    pub insecure: bool,
    /// `proxy-url`.
    pub proxy_url: Option<String>,
    /// The `user` stanza as written, instead of the token or the client certificate (a
    /// `tokenFile`, an `exec` plugin, file paths).
    pub user: Option<Value>,
}

/// Renders a kubeconfig holding every entry; the first is the current
/// context.
pub fn render(entries: &[KubeconfigEntry]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD;
    let clusters: Vec<Value> = entries
        .iter()
        .map(|e| {
            let mut cluster = json!({"server": e.server});
            if e.insecure {
                cluster["insecure-skip-tls-verify"] = json!(true);
            } else {
                cluster["certificate-authority-data"] = json!(b64.encode(e.ca_pem.as_bytes()));
            }
            if let Some(name) = &e.tls_server_name {
                cluster["tls-server-name"] = json!(name);
            }
            if let Some(proxy) = &e.proxy_url {
                cluster["proxy-url"] = json!(proxy);
            }
            json!({"name": e.context, "cluster": cluster})
        })
        .collect();
    let users: Vec<Value> = entries
        .iter()
        .map(|e| {
            let user = match (&e.user, &e.client) {
                (Some(user), _) => user.clone(),
                (None, Some(client)) => json!({
                    "client-certificate-data": b64.encode(client.certificate_pem.as_bytes()),
                    "client-key-data": b64.encode(client.key_pem.as_bytes()),
                }),
                (None, None) => json!({"token": e.token}),
            };
            json!({"name": e.context, "user": user})
        })
        .collect();
    let contexts: Vec<Value> = entries
        .iter()
        .map(|e| json!({"name": e.context, "context": {"cluster": e.context, "user": e.context}}))
        .collect();
    let doc = json!({
        "apiVersion": "v1",
        "kind": "Config",
        "preferences": {},
        "clusters": clusters,
        "users": users,
        "contexts": contexts,
        "current-context": entries.first().map(|e| e.context.as_str()).unwrap_or(""),
    });
    serde_yaml_ng::to_string(&doc).expect("a JSON value always renders as YAML")
}

/// Writes [`render`]'s output with owner-only permissions (it holds a
/// token).
pub fn write(path: &std::path::Path, entries: &[KubeconfigEntry]) -> std::io::Result<()> {
    std::fs::write(path, render(entries))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_contexts() {
        let e = |c: &str, port: u16| KubeconfigEntry {
            context: c.into(),
            server: format!("https://127.0.0.1:{port}"),
            ca_pem: "PEM".into(),
            token: "t".into(),
            ..KubeconfigEntry::default()
        };
        let y = render(&[e("dc-a", 1), e("dc-b", 2)]);
        let v: Value = serde_yaml_ng::from_str(&y).unwrap();
        assert_eq!(v["current-context"], "dc-a");
        assert_eq!(v["clusters"][1]["cluster"]["server"], "https://127.0.0.1:2");
        assert_eq!(
            v["clusters"][0]["cluster"]["certificate-authority-data"],
            "UEVN"
        );
        assert_eq!(v["contexts"][1]["context"]["user"], "dc-b");
    }
}
