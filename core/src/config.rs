//! `.quorum.yaml`: the failure-domain label, per-workload group modes, ignored checks and
//! severity overrides. Found in the working directory or named with `--config`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::finding::Severity;
use crate::graph::{BuildOptions, GroupMode};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {message}")]
    Read { path: String, message: String },
    #[error("{path}:{line}: {message}")]
    Parse {
        path: String,
        line: u32,
        message: String,
    },
}

/// One ignore rule: a check (or `*`) for subjects matching a `namespace/name` pattern (`*`
/// wildcards; none means every subject).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IgnoreRule {
    pub check: String,
    #[serde(default)]
    pub subject: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The node label that names the failure domain (racks, data centres).
    pub zone_label: Option<String>,
    /// Per workload (`namespace/name` or `cluster/namespace/name`): quorum, leader or none.
    pub groups: BTreeMap<String, GroupMode>,
    pub ignore: Vec<IgnoreRule>,
    /// Per check id: the severity to report it at.
    pub severity: BTreeMap<String, Severity>,
    /// The Kubernetes release whose rules the model follows (`1.33`); none: what the input says.
    pub kubernetes_version: Option<String>,
    /// The terminal UI's keys and theme.
    pub tui: TuiConfig,
}

/// The terminal UI's settings. Keys are given per action (`fail: x`, `quit: [q, ctrl-c]`) and
/// replace that action's defaults; the front end validates the names and tells what it knows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TuiConfig {
    pub keys: BTreeMap<String, KeyList>,
    /// `dark` (default), `light` or `mono`.
    pub theme: Option<String>,
    /// Per role (`critical`, `warning`, `ok`, `accent`, `muted`, `selected`): a colour name.
    pub colors: BTreeMap<String, String>,
}

/// One key or several.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum KeyList {
    One(String),
    Many(Vec<String>),
}

impl KeyList {
    pub fn keys(&self) -> Vec<&str> {
        match self {
            KeyList::One(k) => vec![k.as_str()],
            KeyList::Many(ks) => ks.iter().map(String::as_str).collect(),
        }
    }
}

pub const FILE_NAME: &str = ".quorum.yaml";

impl Config {
    pub fn load(path: &Path) -> Result<Config, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Read {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Self::parse(&text).map_err(|e| Error::Parse {
            path: path.display().to_string(),
            line: e.line.unwrap_or(1),
            message: e.message,
        })
    }

    /// The configuration a run uses: the file named (`--config`), else `.quorum.yaml` in the
    /// working directory when there is one, else the defaults. Every front end finds it so.
    pub fn discover(explicit: Option<&Path>) -> Result<Config, Error> {
        match explicit {
            Some(path) => Config::load(path),
            None => {
                let default = Path::new(FILE_NAME);
                if default.exists() {
                    Config::load(default)
                } else {
                    Ok(Config::default())
                }
            }
        }
    }

    pub fn parse(text: &str) -> Result<Config, crate::load::YamlError> {
        if text.trim().is_empty() {
            return Ok(Config::default());
        }
        let config: Config = crate::load::yaml_from_str(text)?;
        if let Some(v) = &config.kubernetes_version
            && let Err(e) = crate::release::parse_asked(v)
        {
            let line = text
                .lines()
                .position(|l| l.trim_start().starts_with("kubernetes_version:"))
                .map(|i| i as u32 + 1);
            return Err(crate::load::YamlError {
                line,
                message: e
                    .to_string()
                    .replace("--kubernetes-version", "kubernetes_version"),
            });
        }
        Ok(config)
    }

    pub fn build_options(&self) -> BuildOptions {
        BuildOptions {
            zone_label: self.zone_label.clone(),
            group_modes: self.groups.clone(),
            kubernetes_version: self.kubernetes_version.clone(),
        }
    }

    /// Whether a finding of `check` on `subject` (`namespace/name`, or `cluster/namespace/name`)
    /// is ignored.
    pub fn ignores(&self, check: &str, subject: &str) -> bool {
        self.ignore.iter().any(|rule| {
            (rule.check == "*" || rule.check == check)
                && rule.subject.as_deref().is_none_or(|p| glob(p, subject))
        })
    }
}

/// `*` matches any run of characters.
pub fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let mut rest = text;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else {
                return false;
            };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_names_the_zone_label_group_modes_ignores_and_severities() {
        let c = Config::parse(
            "zone_label: example.com/rack\ngroups:\n  ops/queue: quorum\nignore:\n  - check: missing-pdb\n    subject: kube-system/*\nseverity:\n  missing-spread: info\n",
        )
        .unwrap();
        assert_eq!(c.zone_label.as_deref(), Some("example.com/rack"));
        assert_eq!(c.groups["ops/queue"], GroupMode::Quorum);
        assert!(c.ignores("missing-pdb", "kube-system/coredns"));
        assert!(!c.ignores("missing-pdb", "db/pg"));
        assert_eq!(c.severity["missing-spread"], Severity::Info);
    }

    #[test]
    fn the_tui_section_takes_keys_one_or_many_a_theme_and_colours() {
        let c = Config::parse(
            "tui:\n  keys:\n    fail: f\n    quit: [q, ctrl-c]\n  theme: light\n  colors:\n    critical: magenta\n",
        )
        .unwrap();
        assert_eq!(c.tui.keys["fail"].keys(), vec!["f"]);
        assert_eq!(c.tui.keys["quit"].keys(), vec!["q", "ctrl-c"]);
        assert_eq!(c.tui.theme.as_deref(), Some("light"));
        assert_eq!(c.tui.colors["critical"], "magenta");
        assert!(Config::parse("tui:\n  theme: dark\n  them: x\n").is_err());
    }

    #[test]
    fn an_unknown_key_is_an_error_with_its_line() {
        let e = Config::parse("zone_label: x\nzone_lable: y\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("zone_lable"), "{}", e.message);
    }

    #[test]
    fn globs_match_runs_of_characters() {
        assert!(glob("db/*", "db/pg"));
        assert!(glob("*/pg", "db/pg"));
        assert!(glob("*", "anything"));
        assert!(!glob("db/*", "ops/pg"));
        assert!(glob("a*c*e", "abcde"));
    }
}
