//! The real server's own history and network.

use std::io::{Read as _, Write as _};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use quorum_fidelity::ControlPlane;
use serde_json::{Value, json};

use super::WAIT;

/// Compacts etcd at its current revision through its HTTP gateway (the client port in DIR/env):
/// every older revision is gone, as after the API server's periodic compaction.
pub fn compact_etcd(cp: &ControlPlane) -> u64 {
    let port: u16 = cp.env["QUORUM_CP_ETCD_PORT"].parse().unwrap();
    let revision: u64 =
        etcd_post(port, "/v3/kv/range", &json!({"key": "Lw=="}))["header"]["revision"]
            .as_str()
            .and_then(|r| r.parse().ok())
            .expect("etcd's current revision");
    etcd_post(
        port,
        "/v3/kv/compaction",
        &json!({"revision": revision.to_string(), "physical": true}),
    );
    revision
}

fn etcd_post(port: u16, path: &str, body: &Value) -> Value {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("etcd's client port");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let body = body.to_string();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "etcd {path}: {answer}");
    // The JSON object of the body (chunk sizes, if any, lie outside it).
    let (start, end) = (answer.find("\r\n\r\n{"), answer.rfind('}'));
    match (start, end) {
        (Some(s), Some(e)) => serde_json::from_str(&answer[s + 4..=e]).expect("etcd's JSON"),
        _ => panic!("etcd {path}: {answer}"),
    }
}

/// A TCP relay on 127.0.0.1 in front of the API server (TLS passes through: the server's
/// certificate names 127.0.0.1). It cuts every open connection on demand and can hold new ones
/// until released: a network cut, then an outage.
pub struct Relay {
    pub port: u16,
    open: Arc<Mutex<Vec<TcpStream>>>,
    held: Arc<AtomicBool>,
    closed: Arc<AtomicBool>,
}

impl Relay {
    pub fn start(upstream: u16) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let relay = Relay {
            port: listener.local_addr().unwrap().port(),
            open: Arc::default(),
            held: Arc::default(),
            closed: Arc::default(),
        };
        let (open, held, closed) = (relay.open.clone(), relay.held.clone(), relay.closed.clone());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                if closed.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(client) = client else { continue };
                let (open, held) = (open.clone(), held.clone());
                std::thread::spawn(move || {
                    let deadline = Instant::now() + WAIT;
                    while held.load(Ordering::Relaxed) && Instant::now() < deadline {
                        std::thread::sleep(Duration::from_millis(20));
                    }
                    let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
                        return;
                    };
                    {
                        let mut open = open.lock().unwrap();
                        open.extend(client.try_clone().ok());
                        open.extend(server.try_clone().ok());
                    }
                    pipe(client, server);
                });
            }
        });
        relay
    }

    pub fn hold(&self, held: bool) {
        self.held.store(held, Ordering::Relaxed);
    }

    /// Closes every connection open through the relay.
    pub fn cut(&self) {
        for stream in self.open.lock().unwrap().drain(..) {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.closed.store(true, Ordering::Relaxed);
        self.hold(false);
        self.cut();
        let _ = TcpStream::connect(("127.0.0.1", self.port)); // wakes the accepting thread
    }
}

/// Copies both ways until either side closes.
fn pipe(a: TcpStream, b: TcpStream) {
    let (mut a_in, mut b_out) = (a.try_clone().unwrap(), b.try_clone().unwrap());
    let there = std::thread::spawn(move || {
        let _ = std::io::copy(&mut a_in, &mut b_out);
        let _ = b_out.shutdown(Shutdown::Both);
    });
    let (mut b_in, mut a_out) = (b, a);
    let _ = std::io::copy(&mut b_in, &mut a_out);
    let _ = a_out.shutdown(Shutdown::Both);
    let _ = there.join();
}
