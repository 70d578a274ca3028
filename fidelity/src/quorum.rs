//! The `quorum` binary, run as a user would: `quorum export --context quorum-real` for the real
//! cluster's state, `quorum simulate` and `quorum drill` for the prediction.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use serde_json::Value;

use crate::Release;

/// The `quorum` binary: `$QUORUM_BIN`, else the one cargo built next to this test's target dir
/// (`cargo test --workspace` builds it before running any test).
pub fn binary() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("QUORUM_BIN") {
        return Ok(PathBuf::from(p));
    }
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    // target/<profile>/deps/<test> or target/<profile>/<bin>
    for dir in exe.ancestors().skip(1).take(2) {
        let candidate = dir.join("quorum");
        if candidate.is_file() {
            return Ok(candidate);
        }
    }
    Err(format!(
        "the quorum binary is not built next to {} (run `cargo build -p quorum`, or set QUORUM_BIN)",
        exe.display()
    ))
}

/// `--kubernetes-version X.Y` for `quorum SUBCOMMAND`, when that subcommand has the flag (its
/// `--help` names it); nothing otherwise, so the suite runs binaries from before the flag.
pub fn kubernetes_version_args(subcommand: &str, release: Release) -> Vec<String> {
    static HAS_FLAG: Mutex<BTreeMap<String, bool>> = Mutex::new(BTreeMap::new());
    let has = *HAS_FLAG
        .lock()
        .unwrap()
        .entry(subcommand.to_string())
        .or_insert_with(|| {
            binary()
                .ok()
                .and_then(|b| Command::new(b).args([subcommand, "--help"]).output().ok())
                .is_some_and(|o| {
                    String::from_utf8_lossy(&o.stdout).contains("--kubernetes-version")
                })
        });
    if has {
        vec!["--kubernetes-version".into(), release.as_str().into()]
    } else {
        vec![]
    }
}

fn run(cmd: &mut Command) -> Result<(i32, String, String), String> {
    let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
    Ok((
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

/// `quorum export --context quorum-real --kubeconfig K DIR`.
pub fn export(kubeconfig: &Path, dir: &Path) -> Result<(), String> {
    let (code, out, err) = run(Command::new(binary()?)
        .args(["export", "--context", "quorum-real", "--kubeconfig"])
        .arg(kubeconfig)
        .arg(dir))?;
    if code != 0 {
        return Err(format!("quorum export exited {code}: {out}{err}"));
    }
    Ok(())
}

/// The model parameters a scenario runs with, as `simulate`/`drill` flags.
#[derive(Clone, Debug, Default)]
pub struct ModelFlags {
    /// The release the real control plane runs (`--kubernetes-version`, where quorum has it).
    pub release: Release,
    pub node_monitor_grace: u32,
    /// kube-controller-manager's `--node-monitor-period` (up to 1.33 a silent node is tainted
    /// one period after it is marked NotReady).
    pub node_monitor_period: u32,
    pub toleration: u32,
    pub release_on_cancel: bool,
    pub out_of_service: bool,
    pub control_plane: Vec<String>,
}

impl ModelFlags {
    /// The simulator's parameters matching `start.sh --short-timings`.
    pub fn short() -> ModelFlags {
        ModelFlags {
            node_monitor_grace: 8,
            node_monitor_period: 1,
            toleration: 10,
            ..ModelFlags::default()
        }
    }

    fn args(&self, subcommand: &str) -> Vec<String> {
        let mut a = kubernetes_version_args(subcommand, self.release);
        a.extend([
            "--node-monitor-grace".to_string(),
            self.node_monitor_grace.to_string(),
            "--node-monitor-period".into(),
            self.node_monitor_period.max(1).to_string(),
            "--toleration".into(),
            self.toleration.to_string(),
        ]);
        if self.release_on_cancel {
            a.push("--release-on-cancel".into());
        }
        if self.out_of_service {
            a.push("--out-of-service".into());
        }
        for z in &self.control_plane {
            a.push("--control-plane".into());
            a.push(z.clone());
        }
        a
    }
}

/// Inputs as `quorum` takes them: one export, or `--cluster NAME=DIR` for several.
pub fn inputs(clusters: &[(String, PathBuf)]) -> Vec<String> {
    if clusters.len() == 1 {
        return vec![clusters[0].1.display().to_string()];
    }
    clusters
        .iter()
        .flat_map(|(name, dir)| ["--cluster".to_string(), format!("{name}={}", dir.display())])
        .collect()
}

/// `quorum simulate INPUTS EVENTS -o json` with the scenario's model flags.
pub fn simulate(inputs: &[String], events: &[String], flags: &ModelFlags) -> Result<Value, String> {
    let (code, out, err) = run(Command::new(binary()?)
        .arg("simulate")
        .args(inputs)
        .args(events)
        .args(flags.args("simulate"))
        .args(["-o", "json", "--color", "never"]))?;
    if code != 0 {
        return Err(format!("quorum simulate exited {code}: {err}"));
    }
    serde_json::from_str(&out).map_err(|e| format!("quorum simulate -o json: {e}: {out}"))
}

/// `quorum drill INPUTS DRILL -o json`: the prediction's verdict on each expectation.
pub fn drill(inputs: &[String], drill: &Path, flags: &ModelFlags) -> Result<Value, String> {
    let (code, out, err) = run(Command::new(binary()?)
        .arg("drill")
        .args(inputs)
        .arg(drill)
        .args(flags.args("drill"))
        .args(["-o", "json", "--color", "never"]))?;
    if code > 1 {
        return Err(format!("quorum drill exited {code}: {err}"));
    }
    serde_json::from_str(&out).map_err(|e| format!("quorum drill -o json: {e}: {out}"))
}
