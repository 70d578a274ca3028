//! The control plane starts from the test, serves the fake nodes KWOK keeps Ready, and stops.

use quorum_fidelity::{ControlPlane, Start};

#[test]
fn a_fake_node_with_the_management_label_becomes_ready() {
    let Some(cp) = ControlPlane::start(&Start::short()) else {
        return;
    };
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
}
