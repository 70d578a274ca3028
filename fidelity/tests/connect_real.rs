//! Connecting (issue 16, docs/connecting.md) on the real control plane, where it can show the
//! cases tui/tests/live_connect.rs shows on the test API server: kube-apiserver serving a
//! self-signed `CA:TRUE` certificate that is the kubeconfig's CA, and kube-apiserver with
//! PodDisruptionBudgets turned off (`--runtime-config`). Each runs the real `quorum` binary and
//! the control plane's kubectl on the same kubeconfig.
//!
//! Each test starts its own control plane (the newest release the suite keeps) with
//! fidelity/fixtures/live/ applied (about 8 s, plus the fixture), and skips when controlplane/build.sh never ran, unless QUORUM_REQUIRE_TOOLS=1
//! makes that a failure.

#[allow(dead_code)] // live_real.rs uses the rest
mod common;

use std::net::TcpStream;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use quorum_fidelity::{ServingCert, Start};
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, ServerName};
use serde_json::Value;

use common::{CONTEXT, json_of, kubectl, kubectl_output, quorum, real};

/// What Quorum did before issue 16 (kube-rs's TLS): rustls's WebPKI verifier with the
/// kubeconfig's CA as its only root. The handshake's error, if any.
fn webpki_handshake(server: &str, ca: &Path) -> Result<(), String> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(ca).unwrap() {
        roots.add(cert.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let address = server.trim_start_matches("https://");
    let host = address.rsplit_once(':').unwrap().0.to_string();
    let mut tls =
        rustls::ClientConnection::new(Arc::new(config), ServerName::try_from(host).unwrap())
            .unwrap();
    let mut tcp = TcpStream::connect(address).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    while tls.is_handshaking() {
        tls.complete_io(&mut tcp).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The groups of `quorum analyze -o json`.
fn groups(report: &Value) -> Vec<&str> {
    report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|g| g["name"].as_str())
        .collect()
}

#[test]
fn a_self_signed_ca_true_serving_certificate_that_is_the_kubeconfig_ca_connects_like_kubectl() {
    let Some(real) = real(Start::short().serving_cert(ServingCert::SelfSigned)) else {
        return;
    };
    let ca = real.cp.server_ca();
    assert_eq!(ca, real.cp.dir().join("pki/apiserver.crt"));
    // The case is the one WebPKI refuses: the server presents a CA:TRUE certificate that is the
    // kubeconfig's CA, and rustls alone (what Quorum used before) says CaUsedAsEndEntity.
    let refused = webpki_handshake(real.cp.server(), &ca)
        .expect_err("rustls's WebPKI verifier refuses a CA used as the server's certificate");
    assert!(refused.contains("CaUsedAsEndEntity"), "{refused}");

    // The certificate from a file (start.sh's kubeconfig) and as certificate-authority-data
    // (kubectl config view --flatten): kubectl and quorum connect with both.
    let flattened = real.path("flattened.kubeconfig");
    let text = kubectl(&real.cp, &["config", "view", "--flatten"], None);
    assert!(text.contains("certificate-authority-data:"), "{text}");
    std::fs::write(&flattened, text).unwrap();
    for kubeconfig in [real.kubeconfig(), flattened] {
        let nodes = kubectl_output(
            &real.cp,
            &["--kubeconfig", kubeconfig.to_str().unwrap(), "get", "nodes"],
            None,
        );
        assert!(
            nodes.status.success(),
            "kubectl: {}",
            String::from_utf8_lossy(&nodes.stderr)
        );
        let out = quorum()
            .args(["analyze", "--context", CONTEXT, "--kubeconfig"])
            .arg(&kubeconfig)
            .args(["-o", "json"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && stderr.is_empty(),
            "{} with {}: {:?} {stderr}",
            "quorum analyze",
            kubeconfig.display(),
            out.status.code()
        );
        let report = json_of(&out.stdout);
        assert_eq!(groups(&report), ["db/pg", "db/api"]);
        assert_eq!(report["leaders"]["per_zone"]["eu-a"], 2);
    }
}

#[test]
fn a_kind_turned_off_with_runtime_config_is_a_warning_at_once_and_everything_else_is_read() {
    let Some(real) = real(Start::short().runtime_config("policy/v1/poddisruptionbudgets=false"))
    else {
        return;
    };
    // The list Quorum used to make, and retry until --live-timeout, is a 404 here.
    let list = kubectl_output(
        &real.cp,
        &["get", "--raw", "/apis/policy/v1/poddisruptionbudgets"],
        None,
    );
    assert!(!list.status.success());
    assert!(
        String::from_utf8_lossy(&list.stderr).contains("NotFound"),
        "{}",
        String::from_utf8_lossy(&list.stderr)
    );
    // kubectl works on everything else.
    kubectl(&real.cp, &["get", "pods", "-A"], None);

    let started = Instant::now();
    let out = quorum()
        .args(["analyze", "--context", CONTEXT, "--kubeconfig"])
        .arg(real.kubeconfig())
        .args(["-o", "json"])
        .output()
        .unwrap();
    let took = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    eprintln!("quorum analyze took {took:.1?}: {stderr}");
    // It used to wait the whole --live-timeout (60 s) and fail with exit 2.
    assert!(took < Duration::from_secs(20), "took {took:?}: {stderr}");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{:?}: {stderr}",
        out.status.code()
    );
    let warning = "poddisruptionbudgets.policy not read: the API server does not serve poddisruptionbudgets at policy/v1 or policy/v1beta1; drains are simulated without budgets";
    assert!(stderr.contains(warning), "{stderr}");
    let report = json_of(&out.stdout);
    let notes = &report["inputs"][0]["notes"];
    assert!(
        notes
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str() == Some(warning)),
        "the report's inputs say it too: {notes}"
    );
    // Everything else is read: both groups and their leaders.
    assert_eq!(groups(&report), ["db/pg", "db/api"]);
    assert_eq!(
        report["leaders"]["per_zone"]["eu-a"], 2,
        "{}",
        report["leaders"]
    );
}
