//! Certificates and the rustls server config.
//!
//! By default each server makes its own CA and a server certificate for `127.0.0.1`, `::1` and
//! `localhost` signed by it, so clients verify the server exactly as they verify a real cluster:
//! through `certificate-authority-data` in the kubeconfig, never `insecure-skip-tls-verify`.
//! [`Serving`] asks for the other shapes clusters present in the field (a self-signed `CA:TRUE`
//! serving certificate, a kubeconfig whose CA data is the server's own leaf), and
//! [`TlsOptions::client_certificates`] for a server that authenticates clients by certificate.

use std::net::IpAddr;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, Certificate, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SanType,
};
use rustls::ServerConfig;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// Which certificate the server presents, and what its kubeconfig trusts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Serving {
    /// A leaf signed by the server's own CA; the kubeconfig trusts the CA (what kubeadm does).
    #[default]
    CaSigned,
    /// One self-signed certificate with `CA:TRUE`, both the server's and the kubeconfig's CA data
    /// (k3s-style and hand-made clusters). kubectl accepts it; plain rustls does not.
    SelfSignedCa,
    /// A leaf signed by a CA, and the kubeconfig's CA data is that leaf itself.
    LeafAsCa,
}

/// How the server's TLS is set up.
#[derive(Clone, Debug)]
pub struct TlsOptions {
    pub serving: Serving,
    /// Names in the serving certificate (DNS names, or IP addresses as IP SANs).
    pub names: Vec<String>,
    /// Require a client certificate signed by the server's CA (the token is then not needed).
    pub client_certificates: bool,
    /// The serving certificate's validity ends this long ago (it has expired).
    pub expired: bool,
}

impl Default for TlsOptions {
    fn default() -> Self {
        TlsOptions {
            serving: Serving::CaSigned,
            names: vec!["localhost".into(), "127.0.0.1".into(), "::1".into()],
            client_certificates: false,
            expired: false,
        }
    }
}

/// A client certificate and its key (PEM), for kubeconfig `client-certificate(-data)`.
#[derive(Clone, Debug)]
pub struct ClientIdentity {
    pub certificate_pem: String,
    pub key_pem: String,
}

/// The CA data a kubeconfig should hold (PEM), the server's rustls config and, when asked for, a
/// client identity the server accepts.
pub struct Tls {
    pub ca_pem: String,
    pub config: Arc<ServerConfig>,
    pub client: Option<ClientIdentity>,
}

/// Installs rustls's `ring` provider as the process default unless one is
/// already installed. kube-rs and hyper-rustls pick the process default;
/// when more than one provider is compiled in, none is picked and the first
/// TLS connection panics ("no process-level CryptoProvider available").
pub fn install_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing a race with another thread installing one is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

fn rc(e: rcgen::Error) -> String {
    format!("certificate generation: {e}")
}

fn ca_params(name: &str) -> Result<CertificateParams, String> {
    let mut params = CertificateParams::new(Vec::<String>::new()).map_err(rc)?;
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    Ok(params)
}

/// Parameters of a serving certificate for `names`.
fn serving_params(options: &TlsOptions) -> Result<CertificateParams, String> {
    let mut params = CertificateParams::new(Vec::<String>::new()).map_err(rc)?;
    params
        .distinguished_name
        .push(DnType::CommonName, "kube-apiserver");
    for name in &options.names {
        params.subject_alt_names.push(match name.parse::<IpAddr>() {
            Ok(ip) => SanType::IpAddress(ip),
            Err(_) => SanType::DnsName(name.clone().try_into().map_err(rc)?),
        });
    }
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    if options.expired {
        params.not_before = rcgen::date_time_ymd(2020, 1, 1);
        params.not_after = rcgen::date_time_ymd(2021, 1, 1);
    }
    Ok(params)
}

/// Makes a fresh CA and server certificate, signed.
pub fn generate() -> Result<Tls, String> {
    generate_with(&TlsOptions::default())
}

/// Makes the certificates `options` ask for.
pub fn generate_with(options: &TlsOptions) -> Result<Tls, String> {
    let ca_key = KeyPair::generate().map_err(rc)?;
    let ca_params = ca_params("quorum-testapi CA")?;
    let ca_cert = ca_params.self_signed(&ca_key).map_err(rc)?;
    let ca_der = ca_cert.der().clone();
    let issuer = Issuer::new(ca_params, ca_key);

    let key = KeyPair::generate().map_err(rc)?;
    let (chain, ca_pem): (Vec<Certificate>, String) = match options.serving {
        Serving::CaSigned | Serving::LeafAsCa => {
            let mut params = serving_params(options)?;
            params.key_usages = vec![
                KeyUsagePurpose::DigitalSignature,
                KeyUsagePurpose::KeyEncipherment,
            ];
            let cert = params.signed_by(&key, &issuer).map_err(rc)?;
            let ca_pem = match options.serving {
                Serving::LeafAsCa => cert.pem(),
                _ => ca_cert.pem(),
            };
            (vec![cert, ca_cert], ca_pem)
        }
        Serving::SelfSignedCa => {
            let mut params = serving_params(options)?;
            params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            params.key_usages = vec![
                KeyUsagePurpose::KeyCertSign,
                KeyUsagePurpose::DigitalSignature,
                KeyUsagePurpose::KeyEncipherment,
            ];
            let cert = params.self_signed(&key).map_err(rc)?;
            let pem = cert.pem();
            (vec![cert], pem)
        }
    };

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("tls: {e}"))?;
    let client = if options.client_certificates {
        let client_key = KeyPair::generate().map_err(rc)?;
        let mut params = CertificateParams::new(Vec::<String>::new()).map_err(rc)?;
        params
            .distinguished_name
            .push(DnType::CommonName, "quorum-reader");
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        let cert = params.signed_by(&client_key, &issuer).map_err(rc)?;
        Some(ClientIdentity {
            certificate_pem: cert.pem(),
            key_pem: client_key.serialize_pem(),
        })
    } else {
        None
    };
    let builder = if options.client_certificates {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(ca_der).map_err(|e| format!("tls: {e}"))?;
        let verifier =
            rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map_err(|e| format!("tls: {e}"))?;
        builder.with_client_cert_verifier(verifier)
    } else {
        builder.with_no_client_auth()
    };
    let mut config = builder
        .with_single_cert(
            chain
                .iter()
                .map(|c| c.der().clone().into_owned())
                .collect::<Vec<CertificateDer<'static>>>(),
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .map_err(|e| format!("tls: {e}"))?;
    // HTTP/1.1 only: watches are chunked HTTP/1.1 responses, which is what
    // kube-rs speaks and what "a watch cut mid-stream" means on the wire.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Tls {
        ca_pem,
        config: Arc::new(config),
        client,
    })
}
