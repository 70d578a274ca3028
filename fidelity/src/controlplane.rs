//! Starting and stopping `controlplane/start.sh` from a test, for one of the Kubernetes
//! releases `controlplane/build.sh` builds ([`Release`]).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};

/// The repository's `controlplane/` directory.
pub fn scripts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../controlplane")
}

/// A Kubernetes release the suite keeps: `controlplane/releases/v<X.Y>/` pins its modules and
/// versions (`RELEASES` in `controlplane/versions.env` lists the same, newest first).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub enum Release {
    /// Kubernetes v1.37 (the newest: the default of `build.sh`, `start.sh` and [`Start`]).
    #[default]
    #[serde(rename = "1.37")]
    V1_37,
    /// Kubernetes v1.33 (the oldest the suite keeps).
    #[serde(rename = "1.33")]
    V1_33,
}

impl Release {
    /// Every release the suite keeps, newest first.
    pub const ALL: [Release; 2] = [Release::V1_37, Release::V1_33];
    /// The newest release.
    pub const NEWEST: Release = Release::ALL[0];

    /// `1.37`: what `build.sh --version` and `start.sh --version` take.
    pub fn as_str(self) -> &'static str {
        match self {
            Release::V1_37 => "1.37",
            Release::V1_33 => "1.33",
        }
    }

    /// `1.37`, `v1.37` or a patch of it (`v1.37.2`).
    pub fn parse(text: &str) -> Option<Release> {
        let text = text.trim().trim_start_matches('v');
        Release::ALL.into_iter().find(|r| {
            text == r.as_str()
                || text
                    .strip_prefix(r.as_str())
                    .is_some_and(|rest| rest.starts_with('.'))
        })
    }

    /// `controlplane/releases/v1.37`.
    pub fn dir(self) -> PathBuf {
        scripts()
            .join("releases")
            .join(format!("v{}", self.as_str()))
    }

    /// The pinned Kubernetes version, `v1.37.2` (`KUBERNETES_VERSION` of the release's
    /// `versions.env`).
    pub fn kubernetes_version(self) -> String {
        self.pin("KUBERNETES_VERSION")
            .unwrap_or_else(|| format!("v{}", self.as_str()))
    }

    /// The pinned etcd version, `v3.7.3`.
    pub fn etcd_version(self) -> String {
        self.pin("ETCD_VERSION").unwrap_or_default()
    }

    fn pin(self, key: &str) -> Option<String> {
        let text = std::fs::read_to_string(self.dir().join("versions.env")).ok()?;
        text.lines()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
            .map(|v| v.trim().to_string())
    }
}

impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where `controlplane/build.sh` put a release's binaries, if it did:
/// `QUORUM_CONTROLPLANE_BIN_1_37` (`_1_33`...) when set, or for the newest release
/// `QUORUM_CONTROLPLANE_BIN`; else `build.sh --print-dir --version X.Y`.
pub fn bin_dir(release: Release) -> Option<PathBuf> {
    let own = format!(
        "QUORUM_CONTROLPLANE_BIN_{}",
        release.as_str().replace('.', "_")
    );
    if let Some(dir) = std::env::var_os(own) {
        return Some(PathBuf::from(dir));
    }
    if release == Release::NEWEST
        && let Some(dir) = std::env::var_os("QUORUM_CONTROLPLANE_BIN")
    {
        return Some(PathBuf::from(dir));
    }
    let out = Command::new(scripts().join("build.sh"))
        .args(["--print-dir", "--version", release.as_str()])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines().last().map(|l| PathBuf::from(l.trim()))
}

/// Where a control plane's directory (etcd's data, certificates, logs) goes:
/// `QUORUM_CONTROLPLANE_TMPDIR` when set, else `/dev/shm` when it has 1 GiB free (memory, so
/// the tests write nothing to a disk that may be nearly full, and etcd's fsyncs cost nothing),
/// else the system's temporary directory.
fn work_parent() -> PathBuf {
    if let Some(dir) = std::env::var_os("QUORUM_CONTROLPLANE_TMPDIR") {
        return PathBuf::from(dir);
    }
    let shm = Path::new("/dev/shm");
    let free = rustix::fs::statvfs(shm)
        .map(|s| s.f_bavail.saturating_mul(s.f_frsize))
        .unwrap_or(0);
    let writable = rustix::fs::access(shm, rustix::fs::Access::WRITE_OK).is_ok();
    if writable && free >= 1 << 30 {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    }
}

/// How to start: the release (the newest unless [`Start::release`] says otherwise) and
/// `start.sh` options (`--short-timings`, `--node-monitor-grace-period 8s`, ...).
#[derive(Clone, Debug, Default)]
pub struct Start {
    pub release: Release,
    pub args: Vec<String>,
}

impl Start {
    /// The short timings preset: node grace 8 s, tolerations 10 s, node leases of 8 s.
    pub fn short() -> Start {
        Start {
            release: Release::NEWEST,
            args: vec!["--short-timings".into()],
        }
    }

    /// The Kubernetes release to start (`start.sh --version`).
    pub fn release(mut self, release: Release) -> Start {
        self.release = release;
        self
    }

    /// The CoordinatedLeaderElection feature gate on, and the API its LeaseCandidates are served
    /// at, so the API server keeps a Lease's `preferredHolder` (targeted handovers). Beta and off
    /// by default in v1.33 and v1.37 alike (`k8s.io/apiserver/pkg/features`); both serve
    /// LeaseCandidate at `coordination.k8s.io/v1beta1` (off by default) and `v1alpha2`
    /// (`pkg/registry/coordination/rest/storage_coordination.go`).
    pub fn coordinated_leader_election(self) -> Start {
        let api = match self.release {
            Release::V1_37 | Release::V1_33 => "coordination.k8s.io/v1beta1",
        };
        self.arg("--apiserver-arg=--feature-gates=CoordinatedLeaderElection=true")
            .arg(format!("--apiserver-arg=--runtime-config={api}=true"))
    }

    pub fn arg(mut self, arg: impl Into<String>) -> Start {
        self.args.push(arg.into());
        self
    }

    /// The kube-apiserver's serving certificate, and what the kubeconfigs trust for it
    /// (`--serving-cert`).
    pub fn serving_cert(self, cert: ServingCert) -> Start {
        self.arg(format!("--serving-cert={}", cert.as_str()))
    }

    /// APIs turned off or on (`--runtime-config`, repeatable): `policy/v1=false` (a group
    /// version), `policy/v1/poddisruptionbudgets=false` (one resource).
    pub fn runtime_config(self, spec: &str) -> Start {
        self.arg(format!("--runtime-config={spec}"))
    }
}

/// How the kube-apiserver's serving certificate is made (start.sh `--serving-cert`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ServingCert {
    /// Signed by the cluster CA (`CA:FALSE`); the kubeconfigs trust the CA.
    #[default]
    CaSigned,
    /// One self-signed `CA:TRUE` certificate (k3s-style and hand-made clusters); the kubeconfigs
    /// trust that very certificate.
    SelfSigned,
    /// Signed by the cluster CA (`CA:FALSE`), but the kubeconfigs trust the server's own leaf
    /// instead of the CA.
    LeafAsCa,
}

impl ServingCert {
    pub fn as_str(self) -> &'static str {
        match self {
            ServingCert::CaSigned => "ca-signed",
            ServingCert::SelfSigned => "self-signed",
            ServingCert::LeafAsCa => "leaf-as-ca",
        }
    }
}

/// A running control plane; stopped when dropped.
pub struct ControlPlane {
    dir: tempfile::TempDir,
    release: Release,
    /// `KEY=VALUE` lines of `DIR/env` (ports, pids, file paths; never a secret's value).
    pub env: BTreeMap<String, String>,
}

impl ControlPlane {
    /// Starts one, or `None` (with the reason on stderr) when the binaries were never built and
    /// `QUORUM_REQUIRE_TOOLS` is not set. A start that fails three times panics with
    /// start.sh's output.
    pub fn start(start: &Start) -> Option<ControlPlane> {
        let required = std::env::var_os("QUORUM_REQUIRE_TOOLS").is_some_and(|v| v == "1");
        let release = start.release;
        let Some(bin) = bin_dir(release) else {
            let why = format!(
                "the real control plane of Kubernetes {release} is not built: run controlplane/build.sh --version {release} (about 10 minutes the first time)"
            );
            assert!(!required, "{why}");
            eprintln!("skipped: {why}");
            return None;
        };
        // A start can lose a port to another process between picking and binding it, or its
        // readiness deadline on a machine busy with two control planes: try again, twice.
        let mut failures = Vec::new();
        let dir = loop {
            let dir = tempfile::Builder::new()
                .prefix("quorum-cp-")
                .tempdir_in(work_parent())
                .expect("a temporary directory");
            let out = Command::new(scripts().join("start.sh"))
                .arg(dir.path())
                .arg("--bin-dir")
                .arg(&bin)
                .args(["--version", release.as_str()])
                .arg("--watch-pid")
                .arg(std::process::id().to_string())
                .args(&start.args)
                .output()
                .expect("controlplane/start.sh runs");
            if out.status.success() {
                break dir;
            }
            let failure = format!(
                "controlplane/start.sh failed ({}):\n{}\n{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            if failures.len() == 2 {
                panic!("{}\n{failure}", failures.join("\n"));
            }
            eprintln!("{failure}\nstarting again");
            failures.push(failure);
        };
        let env = std::fs::read_to_string(dir.path().join("env"))
            .expect("start.sh writes DIR/env")
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Some(ControlPlane { dir, release, env })
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The Kubernetes release it runs.
    pub fn release(&self) -> Release {
        self.release
    }

    /// The Kubernetes version it runs, `v1.37.2` (what start.sh found the binaries to be).
    pub fn kubernetes_version(&self) -> &str {
        &self.env["QUORUM_CP_KUBERNETES_VERSION"]
    }

    /// The admin kubeconfig; its context is `quorum-real`.
    pub fn kubeconfig(&self) -> PathBuf {
        self.dir.path().join("kubeconfig")
    }

    /// `https://127.0.0.1:PORT`
    pub fn server(&self) -> &str {
        &self.env["QUORUM_CP_SERVER"]
    }

    /// What the kubeconfig trusts for the server (`certificate-authority`): the cluster CA, or
    /// the serving certificate itself (see [`ServingCert`]).
    pub fn server_ca(&self) -> PathBuf {
        PathBuf::from(&self.env["QUORUM_CP_SERVER_CA_FILE"])
    }

    /// The kubectl built with the control plane, pointed at it.
    pub fn kubectl(&self) -> Command {
        let mut c = Command::new(&self.env["QUORUM_CP_KUBECTL"]);
        c.env("KUBECONFIG", self.kubeconfig());
        c
    }

    /// Runs kubectl with `args` (and `stdin`), panicking with its output when it fails.
    pub fn kubectl_ok(&self, args: &[&str], stdin: Option<&str>) -> String {
        use std::io::Write;
        let mut c = self.kubectl();
        c.args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = c.spawn().expect("kubectl runs");
        if let Some(text) = stdin {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(text.as_bytes())
                .unwrap();
        }
        drop(child.stdin.take());
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "kubectl {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// A component's log (`kube-apiserver`, `kube-controller-manager`, `kwok`...), for a failing
    /// test to show.
    pub fn log(&self, component: &str) -> String {
        std::fs::read_to_string(
            self.dir
                .path()
                .join("logs")
                .join(format!("{component}.log")),
        )
        .unwrap_or_default()
    }
}

impl Drop for ControlPlane {
    fn drop(&mut self) {
        let _ = Command::new(scripts().join("stop.sh"))
            .arg(self.dir.path())
            .output();
    }
}
