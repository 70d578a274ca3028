//! Quorum against a real Kubernetes control plane.
//!
//! [`ControlPlane`] starts the control plane that `controlplane/` builds (kube-apiserver,
//! kube-controller-manager, kube-scheduler, etcd and KWOK playing the kubelets) in a temporary
//! directory on 127.0.0.1 and stops it when dropped. Tests that need it call
//! [`ControlPlane::start`]; where the binaries were never built it says so and the test skips,
//! unless `QUORUM_REQUIRE_CONTROLPLANE=1` (CI) makes that a failure.

pub mod controlplane;

pub use controlplane::{ControlPlane, Start};
