//! The control plane starts from the test, for every release the suite keeps, says which
//! Kubernetes it is, serves the fake nodes KWOK keeps Ready, and stops.

use quorum_fidelity::{ControlPlane, Release, Start};
use serde_json::Value;

fn a_fake_node_with_the_management_label_becomes_ready(release: Release) {
    let Some(cp) = ControlPlane::start(&Start::short().release(release)) else {
        return;
    };
    assert_eq!(cp.release(), release);
    // /version is the pinned release, with the ldflags build.sh sets (as Kubernetes'
    // hack/lib/version.sh does): the tag's commit time as served by the Go module proxy.
    let version: Value =
        serde_json::from_str(&cp.kubectl_ok(&["get", "--raw", "/version"], None)).unwrap();
    let pinned = release.kubernetes_version();
    assert_eq!(version["gitVersion"], pinned.as_str(), "{version}");
    assert_eq!(cp.kubernetes_version(), pinned);
    let minor = release.as_str().split_once('.').unwrap().1;
    assert_eq!(version["major"], "1", "{version}");
    assert_eq!(version["minor"], minor, "{version}");
    assert_eq!(version["gitTreeState"], "archive", "{version}");
    let build_date = std::fs::read_to_string(release.dir().join("versions.env"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("KUBERNETES_BUILD_DATE=").map(str::to_string))
        .unwrap();
    assert_eq!(version["buildDate"], build_date.as_str(), "{version}");
    let params = std::fs::read_to_string(cp.dir().join("params.env")).unwrap();
    assert!(
        params.contains(&format!("\nRELEASE={release}\n"))
            && params.contains(&format!("\nKUBERNETES_VERSION={pinned}\n"))
            && params.contains(&format!("\nETCD_VERSION={}\n", release.etcd_version()))
            && params.contains("\nSCHEDULER_PREEMPTION=on\n"),
        "{params}"
    );
    cp.kubectl_ok(
        &["apply", "-f", "-"],
        Some(
            r#"
apiVersion: v1
kind: Node
metadata:
  name: node-a
  annotations: {kwok.x-k8s.io/node: fake}
  labels: {quorum.dev/kwok-managed: "true", topology.kubernetes.io/zone: a}
"#,
        ),
    );
    cp.kubectl_ok(
        &[
            "wait",
            "--for=condition=Ready",
            "node/node-a",
            "--timeout=30s",
        ],
        None,
    );
    let lease = cp.kubectl_ok(
        &[
            "get",
            "lease",
            "-n",
            "kube-node-lease",
            "node-a",
            "-o",
            "jsonpath={.spec.holderIdentity}",
        ],
        None,
    );
    assert!(!lease.is_empty(), "KWOK holds the node's lease");

    // A watch that asks for the current state first (what a live read sends where the release
    // turns the WatchList gate on) is streamed, or refused with 422, as the model's rule says.
    let streams = quorum_core::release::Release::parse(&pinned)
        .expect("a release")
        .streams_initial_lists();
    let out = cp
        .kubectl()
        .args([
            "get",
            "--raw",
            "/api/v1/nodes?watch=1&sendInitialEvents=true&allowWatchBookmarks=true\
             &resourceVersionMatch=NotOlderThan&timeoutSeconds=2",
        ])
        .output()
        .expect("kubectl runs");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    if streams {
        assert!(
            out.status.success() && stdout.contains("k8s.io/initial-events-end"),
            "{release}: {stdout} {stderr}"
        );
        assert!(stdout.contains("node-a"), "{stdout}");
    } else {
        assert!(
            !out.status.success() && stderr.contains("sendInitialEvents is forbidden"),
            "{release}: {stdout} {stderr}"
        );
    }
}

#[test]
fn a_fake_node_with_the_management_label_becomes_ready_on_v1_37() {
    a_fake_node_with_the_management_label_becomes_ready(Release::V1_37);
}

#[test]
fn a_fake_node_with_the_management_label_becomes_ready_on_v1_33() {
    a_fake_node_with_the_management_label_becomes_ready(Release::V1_33);
}

#[test]
fn the_releases_are_those_of_controlplane_versions_env_newest_first() {
    let text =
        std::fs::read_to_string(quorum_fidelity::controlplane::scripts().join("versions.env"))
            .unwrap();
    let listed = text
        .lines()
        .find_map(|l| l.strip_prefix("RELEASES="))
        .unwrap()
        .trim_matches('"')
        .split_whitespace()
        .map(|r| Release::parse(r).unwrap_or_else(|| panic!("{r}: no Release for it")))
        .collect::<Vec<_>>();
    assert_eq!(listed, Release::ALL);
    assert_eq!(Release::NEWEST, Release::default());
    for r in Release::ALL {
        assert!(
            r.dir().join("versions.env").is_file(),
            "{}",
            r.dir().display()
        );
        assert!(r.kubernetes_version().starts_with(&format!("v{r}.")));
        assert_eq!(Release::parse(&r.kubernetes_version()), Some(r));
    }
    assert_eq!(Release::parse("1.3"), None);
    assert_eq!(Release::parse("v1.377"), None);
}
