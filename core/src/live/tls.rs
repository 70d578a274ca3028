//! Server certificates accepted as kubectl accepts them.
//!
//! kubectl (Go's `crypto/x509`) trusts a server certificate that is itself in the kubeconfig's
//! `certificate-authority-data`, byte for byte: a self-signed `CA:TRUE` serving certificate (k3s,
//! hand-made clusters) and a kubeconfig whose CA data is the server's own leaf (kube-rs issue
//! 1767). rustls's WebPKI verifier refuses both (`CaUsedAsEndEntity`, `UnknownIssuer`).
//! [`KubectlVerifier`] runs the WebPKI verifier first and, only when it fails for one of those two
//! reasons and the certificate is one of the configured CAs, accepts it after checking what Go
//! still checks on such a chain of one: the server name, the validity period and, when the
//! certificate says what it may be used for, server authentication. Nothing else is relaxed.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, Error, RootCertStore, SignatureScheme};

/// The WebPKI verifier, and the configured CA certificates a server may present as they are.
#[derive(Debug)]
pub struct KubectlVerifier {
    webpki: Arc<WebPkiServerVerifier>,
    trusted: Vec<CertificateDer<'static>>,
}

impl KubectlVerifier {
    /// A verifier trusting `roots` (DER certificates: the kubeconfig's CA data).
    pub fn new(roots: &[Vec<u8>]) -> Result<KubectlVerifier, String> {
        let trusted: Vec<CertificateDer<'static>> = roots
            .iter()
            .map(|der| CertificateDer::from(der.clone()))
            .collect();
        let mut store = RootCertStore::empty();
        for cert in &trusted {
            store
                .add(cert.clone())
                .map_err(|e| format!("certificate-authority data: {e}"))?;
        }
        let webpki = WebPkiServerVerifier::builder(Arc::new(store))
            .build()
            .map_err(|e| format!("certificate-authority data: {e}"))?;
        Ok(KubectlVerifier { webpki, trusted })
    }
}

/// Whether path validation failed only where Go would have found the certificate in its pool.
fn go_trusts_pool_members_here(error: &Error) -> bool {
    match error {
        Error::InvalidCertificate(CertificateError::UnknownIssuer) => true,
        Error::InvalidCertificate(CertificateError::Other(other)) => {
            matches!(
                other.0.downcast_ref::<webpki::Error>(),
                Some(webpki::Error::CaUsedAsEndEntity)
            )
        }
        _ => false,
    }
}

impl ServerCertVerifier for KubectlVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        let error = match self.webpki.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        ) {
            Ok(verified) => return Ok(verified),
            Err(error) => error,
        };
        let pinned = self
            .trusted
            .iter()
            .any(|c| c.as_ref() == end_entity.as_ref());
        if !go_trusts_pool_members_here(&error) {
            return Err(error);
        }
        if !pinned {
            // What Go says of a certificate neither in the pool nor signed by one in it.
            return Err(Error::InvalidCertificate(CertificateError::UnknownIssuer));
        }
        let parsed = rustls::server::ParsedCertificate::try_from(end_entity)?;
        rustls::client::verify_server_name(&parsed, server_name)?;
        let facts = facts(end_entity.as_ref())
            .ok_or(Error::InvalidCertificate(CertificateError::BadEncoding))?;
        let now = now.as_secs() as i64;
        if now < facts.not_before.timestamp() {
            return Err(Error::InvalidCertificate(CertificateError::NotValidYet));
        }
        if now > facts.not_after.timestamp() {
            return Err(Error::InvalidCertificate(CertificateError::Expired));
        }
        if !facts.serves_tls {
            return Err(Error::InvalidCertificate(CertificateError::InvalidPurpose));
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

/// What the verifier checks of a certificate accepted as it is.
#[derive(Debug, PartialEq, Eq)]
struct Facts {
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
    /// No extended key usage, or one that allows server authentication.
    serves_tls: bool,
}

/// One DER element: its tag, its contents, and what follows it.
fn element(der: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = der.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (first as usize, rest)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n].iter().fold(0usize, |a, b| (a << 8) | *b as usize);
        (len, &rest[n..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// `UTCTime` (tag 0x17) or `GeneralizedTime` (0x18), as X.509 writes them (UTC, seconds, `Z`).
fn time(tag: u8, text: &[u8]) -> Option<DateTime<Utc>> {
    let text = std::str::from_utf8(text).ok()?.strip_suffix('Z')?;
    let (year, rest) = match tag {
        0x17 if text.len() == 12 => {
            let yy: i32 = text[..2].parse().ok()?;
            (if yy < 50 { 2000 + yy } else { 1900 + yy }, &text[2..])
        }
        0x18 if text.len() == 14 => (text[..4].parse().ok()?, &text[4..]),
        _ => return None,
    };
    let n = |i: usize| rest.get(i..i + 2)?.parse::<u32>().ok();
    let date = NaiveDate::from_ymd_opt(year, n(0)?, n(2)?)?;
    Some(date.and_hms_opt(n(4)?, n(6)?, n(8)?)?.and_utc())
}

const EXTENDED_KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x25];
const SERVER_AUTH: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01];
const ANY_EXTENDED_KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x25, 0x00];

/// The validity and the extended key usage of a certificate (DER).
fn facts(der: &[u8]) -> Option<Facts> {
    let (_, certificate, _) = element(der)?;
    let (_, tbs, _) = element(certificate)?;
    let mut rest = tbs;
    let (tag, _, after) = element(rest)?;
    if tag == 0xa0 {
        rest = after; // version
    }
    let (_, _, rest) = element(rest)?; // serial number
    let (_, _, rest) = element(rest)?; // signature algorithm
    let (_, _, rest) = element(rest)?; // issuer
    let (_, validity, rest) = element(rest)?;
    let (tag, text, after) = element(validity)?;
    let not_before = time(tag, text)?;
    let (tag, text, _) = element(after)?;
    let not_after = time(tag, text)?;
    let (_, _, rest) = element(rest)?; // subject
    let (_, _, mut rest) = element(rest)?; // subject public key info
    let mut serves_tls = true;
    while let Some((tag, contents, after)) = element(rest) {
        rest = after;
        if tag != 0xa3 {
            continue; // unique identifiers
        }
        let (_, mut extensions, _) = element(contents)?;
        while let Some((_, extension, after)) = element(extensions) {
            extensions = after;
            let (_, oid, mut value) = element(extension)?;
            if oid != EXTENDED_KEY_USAGE {
                continue;
            }
            let (tag, _, after) = element(value)?;
            if tag == 0x01 {
                value = after; // critical
            }
            let (_, octets, _) = element(value)?;
            let (_, mut purposes, _) = element(octets)?;
            serves_tls = false;
            while let Some((_, purpose, after)) = element(purposes) {
                purposes = after;
                serves_tls |= purpose == SERVER_AUTH || purpose == ANY_EXTENDED_KEY_USAGE;
            }
        }
    }
    Some(Facts {
        not_before,
        not_after,
        serves_tls,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_as_x509_writes_them() {
        let t = |tag, s: &str| time(tag, s.as_bytes()).map(|t| t.to_rfc3339());
        assert_eq!(
            t(0x17, "260102030405Z").as_deref(),
            Some("2026-01-02T03:04:05+00:00")
        );
        assert_eq!(
            t(0x17, "990102030405Z").as_deref(),
            Some("1999-01-02T03:04:05+00:00")
        );
        assert_eq!(
            t(0x18, "20500102030405Z").as_deref(),
            Some("2050-01-02T03:04:05+00:00")
        );
        assert_eq!(t(0x17, "2601020304Z"), None);
        assert_eq!(t(0x17, "260102030405"), None);
    }

    fn der(pem: &str) -> Vec<u8> {
        use rustls::pki_types::pem::PemObject;
        CertificateDer::from_pem_slice(pem.as_bytes())
            .expect("a PEM certificate")
            .to_vec()
    }

    #[test]
    fn an_expired_serving_certificate_reads_as_such_and_a_client_certificate_serves_no_tls() {
        use quorum_testapi::tls::{Serving, TlsOptions, generate_with};
        let made = generate_with(&TlsOptions {
            serving: Serving::SelfSignedCa,
            expired: true,
            client_certificates: true,
            ..TlsOptions::default()
        })
        .unwrap();
        let server = facts(&der(&made.ca_pem)).unwrap();
        assert_eq!(server.not_before.to_rfc3339(), "2020-01-01T00:00:00+00:00");
        assert_eq!(server.not_after.to_rfc3339(), "2021-01-01T00:00:00+00:00");
        assert!(server.serves_tls);
        let client = facts(&der(&made.client.unwrap().certificate_pem)).unwrap();
        assert!(
            !client.serves_tls,
            "its only purpose is client authentication"
        );
        assert!(client.not_after > client.not_before);
    }

    fn verify(verifier: &KubectlVerifier, cert: &[u8], name: &str, at: u64) -> Result<(), Error> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        verifier
            .verify_server_cert(
                &CertificateDer::from(cert.to_vec()),
                &[],
                &ServerName::try_from(name.to_string()).unwrap(),
                &[],
                UnixTime::since_unix_epoch(std::time::Duration::from_secs(at)),
            )
            .map(|_| ())
    }

    #[test]
    fn a_pinned_self_signed_certificate_passes_only_for_its_names_and_within_its_validity() {
        use quorum_testapi::tls::{Serving, TlsOptions, generate_with};
        let _ = rustls::crypto::ring::default_provider().install_default();
        let made = generate_with(&TlsOptions {
            serving: Serving::SelfSignedCa,
            names: vec!["kube.internal".into(), "10.0.0.1".into()],
            ..TlsOptions::default()
        })
        .unwrap();
        let cert = der(&made.ca_pem);
        let verifier = KubectlVerifier::new(std::slice::from_ref(&cert)).unwrap();
        let now = Utc::now().timestamp() as u64;
        assert_eq!(verify(&verifier, &cert, "kube.internal", now), Ok(()));
        assert_eq!(verify(&verifier, &cert, "10.0.0.1", now), Ok(()));
        assert!(matches!(
            verify(&verifier, &cert, "other.internal", now),
            Err(Error::InvalidCertificate(
                CertificateError::NotValidForNameContext { .. }
            ))
        ));
        // rcgen's default validity: 1975 to 4096.
        assert!(matches!(
            verify(&verifier, &cert, "kube.internal", 70_000_000_000),
            Err(Error::InvalidCertificate(
                CertificateError::Expired | CertificateError::ExpiredContext { .. }
            ))
        ));
        assert!(matches!(
            verify(&verifier, &cert, "kube.internal", 0),
            Err(Error::InvalidCertificate(
                CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. }
            ))
        ));
        // Another self-signed certificate is not trusted because this one is.
        let other = der(&generate_with(&TlsOptions {
            serving: Serving::SelfSignedCa,
            names: vec!["kube.internal".into()],
            ..TlsOptions::default()
        })
        .unwrap()
        .ca_pem);
        assert_eq!(
            verify(&verifier, &other, "kube.internal", now),
            Err(Error::InvalidCertificate(CertificateError::UnknownIssuer))
        );
    }

    #[test]
    fn a_truncated_certificate_has_no_facts() {
        assert_eq!(facts(&[0x30, 0x82, 0x01]), None);
        assert_eq!(facts(&[]), None);
    }
}
