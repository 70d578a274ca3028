//! The binary's edges: no display, a live cluster, the review without a window.

use std::process::Command;

fn gui() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_quorum-gui"));
    c.env_remove("DISPLAY").env_remove("WAYLAND_DISPLAY");
    c
}

#[test]
fn without_a_display_it_says_so_and_exits_3() {
    let out = gui().output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no display available"), "{err}");
}

#[test]
fn a_live_context_is_read_for_the_review_and_an_unknown_one_is_named() {
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/three-zones");
    let server = quorum_testapi::Server::builder()
        .fixtures([sample])
        .start_blocking()
        .expect("test API server");
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("kubeconfig");
    server.write_kubeconfig(&kc, "three").unwrap();
    let md = dir.path().join("review.md");
    let out = gui()
        .args(["--context", "three", "--kubeconfig"])
        .arg(&kc)
        .arg("--report")
        .arg(&md)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(text.contains("eu-west-1a"), "{text}");
    assert!(
        text.contains("`context three (https://127.0.0.1:"),
        "{text}"
    );
    assert!(!text.contains("/):0`"), "a live object has no line: {text}");
    assert!(
        server.requests().iter().all(|r| r.method == "GET"),
        "read-only"
    );

    let out = gui()
        .args(["--context", "prod", "--kubeconfig"])
        .arg(&kc)
        .arg("--report")
        .arg(&md)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("\"prod\" is not in the kubeconfig (available: three)"),
        "{err}"
    );
}

#[test]
fn a_missing_file_is_a_usage_error_before_any_window() {
    let out = gui().arg("/nonexistent/cluster.yaml").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_review_report_is_written_without_a_window() {
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("review.md");
    let out = gui()
        .args(["--sample", "three-zones", "--report"])
        .arg(&md)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(text.contains("![topology: zones, nodes, pods and leaders](review.svg)"));
    assert!(dir.path().join("review.svg").exists());
    let html = dir.path().join("review.html");
    let out = gui()
        .args(["--sample", "two-dcs", "--report"])
        .arg(&html)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(std::fs::read_to_string(&html).unwrap().contains("<svg"));
}
