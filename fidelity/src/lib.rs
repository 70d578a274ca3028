//! Quorum against a real Kubernetes control plane.
//!
//! [`ControlPlane`] starts the control plane that `controlplane/` builds (kube-apiserver,
//! kube-controller-manager, kube-scheduler, etcd and KWOK playing the kubelets) in a temporary
//! directory on 127.0.0.1 and stops it when dropped. Tests that need it call
//! [`ControlPlane::start`]; where the binaries were never built it says so and the test skips,
//! unless `QUORUM_REQUIRE_TOOLS=1` (CI) makes that a failure.
//!
//! - [`elector`]: client-go-style Lease leader election (the `quorum-elector` binary);
//!   [`electors`] runs one per replica pod and kills them with their node.
//! - [`load`]: a sample or a generated cluster into the control plane ([`manifest`] makes the
//!   exported objects creatable); [`objects`] reads raw objects.
//! - [`scenario`]: load, export, predict ([`quorum`] runs the binary), inject, settle, export.

pub mod api;
pub mod compare;
pub mod controlplane;
pub mod elector;
pub mod electors;
pub mod explain;
pub mod generate;
pub mod load;
pub mod manifest;
pub mod objects;
pub mod plans;
pub mod quorum;
pub mod real;
pub mod report;
pub mod scenario;
pub mod suite;
pub mod timings;
pub mod verdict;

pub use controlplane::{ControlPlane, Release, ServingCert, Start};
