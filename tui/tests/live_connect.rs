//! `quorum analyze --context` connects wherever kubectl connects: servers that lack a kind, serving
//! certificates of every shape kubectl accepts (and none it refuses), every way a kubeconfig
//! authenticates, proxies, merged KUBECONFIG files, and a server that answers nothing. Each server
//! is quorum-testapi on loopback, set up to present that shape; the binary is the real one.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use predicates::prelude::*;
use quorum_testapi::{KubeconfigEntry, Server, ServerBuilder, Serving};
use serde_json::{Value, json};

mod common;
use common::Tmux;

const NOW: &str = "2026-11-20T10:00:00Z";

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/three-zones")
}

fn quorum() -> Command {
    let mut command = Command::cargo_bin("quorum").expect("the quorum binary");
    command.env_remove("KUBECONFIG");
    command
}

fn serve(builder: ServerBuilder) -> Server {
    builder
        .fixtures([sample()])
        .start_blocking()
        .expect("server")
}

/// A kubeconfig holding `entries`, in a temporary directory kept alive with it.
struct Kubeconfig {
    dir: tempfile::TempDir,
    path: PathBuf,
}

fn kubeconfig(entries: &[KubeconfigEntry]) -> Kubeconfig {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kubeconfig");
    quorum_testapi::kubeconfig::write(&path, entries).unwrap();
    Kubeconfig { dir, path }
}

/// `quorum analyze --context CONTEXT -o json` through `kc`.
fn analyze(kc: &Path, context: &str) -> std::process::Output {
    quorum()
        .args(["analyze", "--context", context, "--now", NOW, "-o", "json"])
        .arg("--kubeconfig")
        .arg(kc)
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The analysis read every kind but the ones named: groups, leaders and zones are there.
fn assert_read(out: &std::process::Output) -> Value {
    assert_ne!(out.status.code(), Some(2), "{}", stderr(out));
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert!(!report["groups"].as_array().unwrap().is_empty(), "{report}");
    assert!(report["leaders"]["total"].as_u64().unwrap() > 0, "{report}");
    report
}

// Discovery.

#[test]
fn a_kind_the_server_does_not_serve_is_a_warning_at_once_and_everything_else_is_read() {
    let server = serve(Server::builder().without("poddisruptionbudgets").unwrap());
    let kc = kubeconfig(&[server.kubeconfig_entry("old")]);
    let started = Instant::now();
    let out = analyze(&kc.path, "old");
    let took = started.elapsed();
    let report = assert_read(&out);
    // It used to wait the whole --live-timeout (60 s) and fail with exit 2.
    assert!(took < Duration::from_secs(20), "took {took:?}");
    let warning = "poddisruptionbudgets.policy not read: the API server does not serve poddisruptionbudgets at policy/v1 or policy/v1beta1; drains are simulated without budgets";
    assert!(stderr(&out).contains(warning), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("reading: "),
        "no progress line off a terminal"
    );
    let notes = &report["inputs"][0]["notes"];
    assert!(
        notes
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str() == Some(warning)),
        "the report's inputs say it too: {notes}"
    );
    // Never listed: discovery said so first.
    assert!(
        server
            .requests()
            .iter()
            .all(|r| !r.path.contains("poddisruptionbudgets")),
        "{:?}",
        server.requests()
    );
}

#[test]
fn budgets_are_read_at_policy_v1beta1_where_policy_v1_is_not_served() {
    let current = serve(Server::builder());
    let old = serve(Server::builder().serve_at("pdb", "v1beta1").unwrap());
    let kc = kubeconfig(&[current.kubeconfig_entry("c"), old.kubeconfig_entry("c-old")]);
    // Sources name the server (its port differs) and the context.
    let strip = |out: &std::process::Output| {
        let mut v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v.as_object_mut().unwrap().remove("inputs");
        for finding in v["findings"].as_array_mut().unwrap() {
            finding.as_object_mut().unwrap().remove("source");
        }
        v.to_string().replace("c-old", "c")
    };
    let (a, b) = (analyze(&kc.path, "c"), analyze(&kc.path, "c-old"));
    assert_read(&b);
    assert!(!stderr(&b).contains("not read"), "{}", stderr(&b));
    assert_eq!(strip(&a), strip(&b), "the same cluster, the same analysis");
    assert!(
        old.requests()
            .iter()
            .any(|r| r.path == "/apis/policy/v1beta1/poddisruptionbudgets" && r.status == 200)
    );
}

#[test]
fn export_skips_a_kind_the_server_does_not_serve_with_the_same_warning() {
    let server = serve(Server::builder().without("leases").unwrap());
    let kc = kubeconfig(&[server.kubeconfig_entry("no-leases")]);
    let out = kc.dir.path().join("out");
    quorum()
        .args(["export", "--context", "no-leases", "--kubeconfig"])
        .arg(&kc.path)
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "leases.coordination.k8s.io not read: the API server does not serve leases at coordination.k8s.io/v1",
        ));
    let files: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(files.iter().any(|f| f.ends_with("-pods.json")), "{files:?}");
    assert!(!files.iter().any(|f| f.contains("leases")), "{files:?}");
}

// Server certificates.

#[test]
fn a_self_signed_ca_serving_certificate_that_is_the_kubeconfig_ca_is_accepted() {
    // kubectl connects; rustls alone says CaUsedAsEndEntity.
    let server = serve(Server::builder().serving(Serving::SelfSignedCa));
    let kc = kubeconfig(&[server.kubeconfig_entry("k3s")]);
    assert_read(&analyze(&kc.path, "k3s"));
}

#[test]
fn a_kubeconfig_whose_ca_is_the_servers_own_leaf_is_accepted() {
    let server = serve(Server::builder().serving(Serving::LeafAsCa));
    let kc = kubeconfig(&[server.kubeconfig_entry("leaf")]);
    assert_read(&analyze(&kc.path, "leaf"));
}

#[test]
fn a_self_signed_certificate_with_only_an_ip_address_san_is_accepted() {
    let server = serve(
        Server::builder()
            .serving(Serving::SelfSignedCa)
            .server_names(["127.0.0.1"]),
    );
    let kc = kubeconfig(&[server.kubeconfig_entry("ip")]);
    assert_read(&analyze(&kc.path, "ip"));
}

#[test]
fn a_certificate_kubectl_refuses_is_refused_with_a_message_naming_the_server() {
    // Another server's self-signed certificate as the CA: not the one presented.
    let server = serve(Server::builder().serving(Serving::SelfSignedCa));
    let other = serve(Server::builder().serving(Serving::SelfSignedCa));
    // The trusted certificate, presented for a name it does not carry.
    let misnamed = serve(
        Server::builder()
            .serving(Serving::SelfSignedCa)
            .server_names(["elsewhere.example"]),
    );
    // The trusted certificate, expired.
    let expired = serve(
        Server::builder()
            .serving(Serving::SelfSignedCa)
            .expired_certificate(),
    );
    let kc = kubeconfig(&[
        KubeconfigEntry {
            ca_pem: other.ca_pem().to_string(),
            ..server.kubeconfig_entry("wrong-ca")
        },
        misnamed.kubeconfig_entry("misnamed"),
        expired.kubeconfig_entry("expired"),
    ]);
    for (context, server, why) in [
        ("wrong-ca", &server, "UnknownIssuer"),
        ("misnamed", &misnamed, "not valid for name"),
        ("expired", &expired, "expired"),
    ] {
        let out = analyze(&kc.path, context);
        let text = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{context}: {text}");
        assert!(
            text.contains(&format!(
                "context {context}: cannot reach the API server {}",
                server.url()
            )),
            "{context}: {text}"
        );
        assert!(text.contains(why), "{context}: {text}");
        assert!(!text.contains("panicked"), "{context}: {text}");
    }
}

#[test]
fn tls_server_name_is_the_name_the_certificate_is_checked_against() {
    let server = serve(Server::builder().server_names(["kube.internal"]));
    let kc = kubeconfig(&[
        server.kubeconfig_entry("by-address"),
        KubeconfigEntry {
            tls_server_name: Some("kube.internal".into()),
            ..server.kubeconfig_entry("by-name")
        },
    ]);
    let out = analyze(&kc.path, "by-address");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not valid for name"),
        "{}",
        stderr(&out)
    );
    assert_read(&analyze(&kc.path, "by-name"));
}

#[test]
fn insecure_skip_tls_verify_connects_and_says_the_server_is_not_verified() {
    let server = serve(Server::builder().server_names(["elsewhere.example"]));
    let kc = kubeconfig(&[KubeconfigEntry {
        insecure: true,
        ..server.kubeconfig_entry("insecure")
    }]);
    let out = analyze(&kc.path, "insecure");
    assert_read(&out);
    assert!(
        stderr(&out).contains(&format!(
            "warning: context insecure: insecure-skip-tls-verify is set: the server {}/ is not verified",
            server.url()
        )),
        "{}",
        stderr(&out)
    );
}

// Credentials.

#[test]
fn client_certificates_from_data_and_from_files_authenticate() {
    let server = serve(Server::builder().client_certificates());
    let identity = server.client_identity().unwrap().clone();
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("client.crt"), dir.path().join("client.key"));
    std::fs::write(&cert, &identity.certificate_pem).unwrap();
    std::fs::write(&key, &identity.key_pem).unwrap();
    let kc = kubeconfig(&[
        server.kubeconfig_entry("data"),
        KubeconfigEntry {
            user: Some(json!({"client-certificate": cert, "client-key": key})),
            ..server.kubeconfig_entry("files")
        },
        KubeconfigEntry {
            client: None,
            ..server.kubeconfig_entry("none")
        },
    ]);
    assert_read(&analyze(&kc.path, "data"));
    assert_read(&analyze(&kc.path, "files"));
    // Without one the handshake is refused: an error, not a hang.
    let out = analyze(&kc.path, "none");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("context none"), "{}", stderr(&out));
}

#[test]
fn a_bearer_token_from_a_token_file_authenticates() {
    let server = serve(Server::builder());
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("token");
    std::fs::write(&token, format!("{}\n", server.token())).unwrap();
    let kc = kubeconfig(&[KubeconfigEntry {
        user: Some(json!({"tokenFile": token})),
        ..server.kubeconfig_entry("file")
    }]);
    assert_read(&analyze(&kc.path, "file"));
}

/// An exec plugin: a shell script that prints `output` on stdout and `complaint` on stderr and
/// exits with `code`.
fn plugin(dir: &Path, name: &str, output: &str, complaint: &str, code: i32) -> Value {
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!(
            "#!/bin/sh\nprintf '%s' '{output}'\nprintf '%s\\n' '{complaint}' >&2\nexit {code}\n"
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    json!({"exec": {
        "apiVersion": "client.authentication.k8s.io/v1",
        "command": path,
        "interactiveMode": "Never",
    }})
}

#[test]
fn an_exec_plugin_authenticates_and_a_failing_one_is_shown_with_its_stderr() {
    let server = serve(Server::builder());
    let dir = tempfile::tempdir().unwrap();
    let credential = json!({
        "apiVersion": "client.authentication.k8s.io/v1",
        "kind": "ExecCredential",
        "status": {"token": server.token()},
    })
    .to_string();
    let good = plugin(dir.path(), "good", &credential, "", 0);
    // What a plugin prints on stdout may be a credential: never shown, even when it fails.
    let bad = plugin(
        dir.path(),
        "bad",
        "half-written-credential-s3cr3t",
        "error: the SSO session has expired; run: corp-login",
        1,
    );
    let kc = kubeconfig(&[
        KubeconfigEntry {
            user: Some(good),
            ..server.kubeconfig_entry("exec")
        },
        KubeconfigEntry {
            user: Some(bad),
            ..server.kubeconfig_entry("exec-fails")
        },
    ]);
    assert_read(&analyze(&kc.path, "exec"));
    let out = analyze(&kc.path, "exec-fails");
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains(&format!(
            "error: context exec-fails: the exec credential plugin \"{}\" failed (exit status: 1): error: the SSO session has expired; run: corp-login",
            dir.path().join("bad").display()
        )),
        "{text}"
    );
    assert!(
        text.contains("the SSO session has expired; run: corp-login"),
        "{text}"
    );
    assert!(!text.contains(server.token()), "{text}");
    assert!(!text.contains("s3cr3t"), "{text}");
}

#[test]
fn several_kubeconfig_files_merge_as_kubectl_merges_them_the_first_file_winning() {
    let a = serve(Server::builder());
    let b = serve(Server::builder());
    let first = kubeconfig(&[a.kubeconfig_entry("shared"), a.kubeconfig_entry("only-a")]);
    let second = kubeconfig(&[b.kubeconfig_entry("shared"), b.kubeconfig_entry("only-b")]);
    let joined = std::env::join_paths([&first.path, &second.path]).unwrap();
    for context in ["shared", "only-a", "only-b"] {
        let out = quorum()
            .env("KUBECONFIG", &joined)
            .args(["analyze", "--context", context, "--now", NOW, "-o", "json"])
            .output()
            .unwrap();
        assert_read(&out);
    }
    // `shared` is in both files: the first file's cluster, user and context are the ones read.
    let lists = |s: &Server| {
        s.requests()
            .iter()
            .filter(|r| r.path == "/api/v1/pods" && !r.is_watch())
            .count()
    };
    assert_eq!((lists(&a), lists(&b)), (2, 1));
}

// A server that answers nothing.

#[test]
fn a_server_that_answers_nothing_fails_in_seconds_naming_it() {
    // Accepts connections (the kernel does, into the backlog) and never says a word.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let server = Server::builder().start_blocking().expect("server");
    let kc = kubeconfig(&[KubeconfigEntry {
        server: format!("https://{}", silent.local_addr().unwrap()),
        ..server.kubeconfig_entry("silent")
    }]);
    let started = Instant::now();
    let out = analyze(&kc.path, "silent");
    let took = started.elapsed();
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(took < Duration::from_secs(20), "took {took:?}: {text}");
    assert!(
        text.contains(&format!(
            "context silent: cannot reach the API server https://{}/",
            silent.local_addr().unwrap()
        )),
        "{text}"
    );
    assert!(text.contains("no answer within 10 s"), "{text}");
}

// Proxies.

/// Copies both ways between two streams until either closes.
fn pipe(a: TcpStream, b: TcpStream) {
    let (mut a2, mut b2) = (a.try_clone().unwrap(), b.try_clone().unwrap());
    let (mut a, mut b) = (a, b);
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut a, &mut b2);
        let _ = b2.shutdown(std::net::Shutdown::Both);
    });
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut b, &mut a2);
        let _ = a2.shutdown(std::net::Shutdown::Both);
    });
}

/// A proxy on loopback speaking `handshake` with each client, counting the tunnels it opened.
fn proxy(handshake: fn(&mut TcpStream) -> Option<TcpStream>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let tunnels = Arc::new(AtomicUsize::new(0));
    let count = tunnels.clone();
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(mut client) = client else { return };
            let count = count.clone();
            std::thread::spawn(move || {
                if let Some(target) = handshake(&mut client) {
                    count.fetch_add(1, Ordering::SeqCst);
                    pipe(client, target);
                }
            });
        }
    });
    (address, tunnels)
}

/// HTTP CONNECT: `CONNECT host:port HTTP/1.1`, headers, a blank line; then `200`.
fn connect_handshake(client: &mut TcpStream) -> Option<TcpStream> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        client.read_exact(&mut byte).ok()?;
        head.push(byte[0]);
    }
    let head = String::from_utf8(head).ok()?;
    let target = head.strip_prefix("CONNECT ")?.split(' ').next()?;
    let upstream = TcpStream::connect(target).ok()?;
    client
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .ok()?;
    Some(upstream)
}

/// SOCKS5 without authentication, CONNECT to an IPv4 address or a name.
fn socks5_handshake(client: &mut TcpStream) -> Option<TcpStream> {
    let mut greeting = [0u8; 2];
    client.read_exact(&mut greeting).ok()?;
    let mut methods = vec![0u8; greeting[1] as usize];
    client.read_exact(&mut methods).ok()?;
    client.write_all(&[5, 0]).ok()?;
    let mut request = [0u8; 4];
    client.read_exact(&mut request).ok()?;
    let host = match request[3] {
        1 => {
            let mut ip = [0u8; 4];
            client.read_exact(&mut ip).ok()?;
            std::net::Ipv4Addr::from(ip).to_string()
        }
        3 => {
            let mut len = [0u8; 1];
            client.read_exact(&mut len).ok()?;
            let mut name = vec![0u8; len[0] as usize];
            client.read_exact(&mut name).ok()?;
            String::from_utf8(name).ok()?
        }
        _ => return None,
    };
    let mut port = [0u8; 2];
    client.read_exact(&mut port).ok()?;
    let upstream = TcpStream::connect((host.as_str(), u16::from_be_bytes(port))).ok()?;
    client.write_all(&[5, 0, 0, 1, 0, 0, 0, 0, 0, 0]).ok()?;
    Some(upstream)
}

#[test]
fn proxy_url_reaches_the_server_through_http_connect_and_socks5_proxies() {
    let server = serve(Server::builder());
    let (http, http_tunnels) = proxy(connect_handshake);
    let (socks, socks_tunnels) = proxy(socks5_handshake);
    let kc = kubeconfig(&[
        KubeconfigEntry {
            proxy_url: Some(format!("http://{http}")),
            ..server.kubeconfig_entry("http")
        },
        KubeconfigEntry {
            proxy_url: Some(format!("socks5://{socks}")),
            ..server.kubeconfig_entry("socks")
        },
    ]);
    assert_read(&analyze(&kc.path, "http"));
    assert!(http_tunnels.load(Ordering::SeqCst) > 0);
    assert_read(&analyze(&kc.path, "socks"));
    assert!(socks_tunnels.load(Ordering::SeqCst) > 0);
}

#[test]
fn a_read_that_times_out_says_per_cluster_which_kinds_are_missing_and_why() {
    let up = serve(Server::builder());
    let down = serve(Server::builder());
    down.set_unavailable(true);
    let kc = kubeconfig(&[up.kubeconfig_entry("up"), down.kubeconfig_entry("down")]);
    let out = quorum()
        .args(["analyze", "--context", "up", "--context", "down"])
        .args(["--live-timeout", "3", "--kubeconfig"])
        .arg(&kc.path)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains(&format!(
            "no complete snapshot after 3 s; still missing: context down ({}/): nodes (last error: 503",
            down.url()
        )),
        "{text}"
    );
    assert!(text.contains("pods (last error: 503"), "{text}");
    assert!(!text.contains("context up ("), "up was read whole: {text}");
}

#[test]
fn a_long_read_on_a_terminal_shows_a_progress_line_and_erases_it_when_done() {
    // Pages of 3 objects, each answer 300 ms late: a few seconds of reading.
    let server = serve(Server::builder().page_limit_max(3));
    server.set_latency(Duration::from_millis(300));
    let kc = kubeconfig(&[server.kubeconfig_entry("slow")]);
    let bin = env!("CARGO_BIN_EXE_quorum");
    let tmux = Tmux::start(
        "progress",
        160,
        40,
        &format!(
            "'{bin}' analyze --kubeconfig '{}' --context slow --now {NOW} -o json > '{}' ; echo quorum-exited-$? after $SECONDS s; sleep 30",
            kc.path.display(),
            kc.dir.path().join("report.json").display()
        ),
    );
    let line = tmux.wait_longer_for("reading: ", Duration::from_secs(30));
    assert!(
        line.contains("/14 kinds, ") && line.contains(" pages, ") && line.contains(" objects, "),
        "{line}"
    );
    // Exit 1: the sample has a critical finding.
    let done = tmux.wait_longer_for("quorum-exited-1", Duration::from_secs(60));
    assert!(!done.contains("reading: "), "erased once done: {done}");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(kc.dir.path().join("report.json")).unwrap())
            .unwrap();
    assert!(!report["groups"].as_array().unwrap().is_empty());
}

#[test]
fn a_long_export_on_a_terminal_shows_a_progress_line_and_erases_it_when_done() {
    let server = serve(Server::builder().page_limit_max(3));
    server.set_latency(Duration::from_millis(300));
    let kc = kubeconfig(&[server.kubeconfig_entry("slow")]);
    let out = kc.dir.path().join("out");
    let bin = env!("CARGO_BIN_EXE_quorum");
    let tmux = Tmux::start(
        "export-progress",
        160,
        40,
        &format!(
            "'{bin}' export --kubeconfig '{}' --context slow '{}' > /dev/null; echo quorum-exited-$?; sleep 30",
            kc.path.display(),
            out.display()
        ),
    );
    let line = tmux.wait_longer_for("exporting: ", Duration::from_secs(30));
    assert!(
        line.contains("/14 kinds, ") && line.contains(" pages, ") && line.contains(" objects, "),
        "{line}"
    );
    let done = tmux.wait_longer_for("quorum-exited-0", Duration::from_secs(60));
    assert!(!done.contains("exporting: "), "erased once done: {done}");
    assert!(out.join("02-pods.json").exists());
}

/// A proxy-url with credentials in it: whatever goes wrong, the password is never printed.
#[test]
fn credentials_in_a_proxy_url_never_appear_in_an_error() {
    let server = serve(Server::builder());
    // A port nothing listens on, and a scheme Quorum does not support.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let kc = kubeconfig(&[
        KubeconfigEntry {
            proxy_url: Some(format!("http://alice:s3cret-pw@{closed}")),
            ..server.kubeconfig_entry("refused")
        },
        KubeconfigEntry {
            proxy_url: Some("https://alice:s3cret-pw@127.0.0.1:3128".into()),
            ..server.kubeconfig_entry("https")
        },
    ]);
    for context in ["refused", "https"] {
        let out = quorum()
            .env("RUST_LOG", "trace")
            .args(["analyze", "--context", context, "--live-timeout", "5"])
            .arg("--kubeconfig")
            .arg(&kc.path)
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        let text = format!("{}{}", stderr(&out), String::from_utf8_lossy(&out.stdout));
        assert_eq!(out.status.code(), Some(2), "{context}: {text}");
        assert!(!text.contains("s3cret-pw"), "{context}: {text}");
    }
}
