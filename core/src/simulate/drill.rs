//! Drills: a named scenario and what must hold after it, kept in a file and run in CI.
//!
//! ```yaml
//! name: lose-eu-a
//! events:
//!   - fail: zone:eu-a
//!   - drain: node:b2
//! expect:
//!   - group: db/etcd
//!     has_quorum: true
//!   - lease: db/etcd-leader
//!     has_leader: true
//!   - pending: 0
//! ```

use serde::{Deserialize, Serialize};

use super::{Event, Outcome, Params, Target, simulate};
use crate::graph::Topology;

/// One event: exactly one of `fail`, `drain`, `partition`, `recover`, `evict`, `delete`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DrillEvent {
    pub fail: Option<String>,
    pub drain: Option<String>,
    pub partition: Option<String>,
    pub recover: Option<String>,
    pub evict: Option<String>,
    pub delete: Option<String>,
}

/// One expectation; exactly one subject (group, lease) or count per entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    pub group: Option<String>,
    pub has_quorum: Option<bool>,
    pub lease: Option<String>,
    pub has_leader: Option<bool>,
    pub pending: Option<u32>,
    pub max_simultaneous_reelections: Option<u32>,
    pub stranded_volumes: Option<u32>,
    pub blocked_evictions: Option<u32>,
}

/// Scenario parameters a drill may set.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DrillParams {
    pub out_of_service: Option<bool>,
    pub release_on_cancel: Option<bool>,
    pub control_plane: Option<Vec<String>>,
    pub node_monitor_grace_seconds: Option<u32>,
    pub node_monitor_period_seconds: Option<u32>,
    pub toleration_seconds: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Drill {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    pub events: Vec<DrillEvent>,
    #[serde(default)]
    pub params: DrillParams,
    pub expect: Vec<Expectation>,
}

#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct DrillError {
    pub file: String,
    pub line: u32,
    pub message: String,
}

/// The line of the `n`-th (0-based) `- ` entry under a top-level key, for messages.
fn entry_line(text: &str, key: &str, n: usize) -> u32 {
    let mut in_key = false;
    let mut seen = 0;
    for (i, line) in text.lines().enumerate() {
        if !line.starts_with(' ')
            && !line.starts_with('-')
            && !line.starts_with('#')
            && !line.trim().is_empty()
        {
            in_key = line.trim_end() == format!("{key}:");
            continue;
        }
        if in_key
            && line.trim_start().starts_with("- ")
            && line.len() - line.trim_start().len() <= 2
        {
            if seen == n {
                return i as u32 + 1;
            }
            seen += 1;
        }
    }
    1
}

impl Drill {
    pub fn parse(file: &str, text: &str) -> Result<Drill, DrillError> {
        let drill: Drill = crate::load::yaml_from_str(text).map_err(|e| DrillError {
            file: file.to_string(),
            line: e.line.unwrap_or(1),
            message: e.message,
        })?;
        for (i, e) in drill.expect.iter().enumerate() {
            let problem = match e {
                Expectation {
                    group: Some(_),
                    has_quorum: None,
                    ..
                } => Some("`group` needs `has_quorum: true|false`"),
                Expectation {
                    lease: Some(_),
                    has_leader: None,
                    ..
                } => Some("`lease` needs `has_leader: true|false`"),
                Expectation {
                    has_quorum: Some(_),
                    group: None,
                    ..
                } => Some("`has_quorum` needs a `group`"),
                Expectation {
                    has_leader: Some(_),
                    lease: None,
                    ..
                } => Some("`has_leader` needs a `lease`"),
                e if *e == Expectation::default() => Some("an empty expectation"),
                _ => None,
            };
            if let Some(message) = problem {
                return Err(DrillError {
                    file: file.to_string(),
                    line: entry_line(text, "expect", i),
                    message: message.to_string(),
                });
            }
        }
        for (i, e) in drill.events.iter().enumerate() {
            if let Err(message) = e.event() {
                return Err(DrillError {
                    file: file.to_string(),
                    line: entry_line(text, "events", i),
                    message,
                });
            }
        }
        Ok(drill)
    }

    pub fn events(&self) -> Vec<Event> {
        self.events.iter().filter_map(|e| e.event().ok()).collect()
    }

    pub fn params(&self, base: &Params) -> Params {
        let mut p = base.clone();
        let d = &self.params;
        if let Some(v) = d.out_of_service {
            p.out_of_service = v;
        }
        if let Some(v) = d.release_on_cancel {
            p.release_on_cancel = v;
        }
        if let Some(v) = &d.control_plane {
            p.control_plane_zones = v.clone();
        }
        if let Some(v) = d.node_monitor_grace_seconds {
            p.node_monitor_grace_seconds = v;
        }
        if let Some(v) = d.node_monitor_period_seconds {
            p.node_monitor_period_seconds = v;
        }
        if let Some(v) = d.toleration_seconds {
            p.toleration_seconds = v;
        }
        p
    }
}

impl DrillEvent {
    pub fn event(&self) -> Result<Event, String> {
        let given = [
            &self.fail,
            &self.drain,
            &self.partition,
            &self.recover,
            &self.evict,
            &self.delete,
        ];
        if given.iter().filter(|g| g.is_some()).count() != 1 {
            return Err("an event is exactly one of `fail:`, `drain:`, `partition:`, `recover:`, `evict:` or `delete:`".into());
        }
        match (
            &self.fail,
            &self.drain,
            &self.partition,
            &self.recover,
            &self.evict,
        ) {
            (Some(t), ..) => Target::parse(t).map(Event::Fail),
            (_, Some(t), ..) => Target::parse(t).map(Event::Drain),
            (_, _, _, Some(t), _) => Target::parse(t).map(Event::Recover),
            (_, _, Some(p), ..) => Event::parse_partition(p),
            (.., Some(p)) => Event::parse_evict(p),
            _ => Event::parse_delete(self.delete.as_deref().unwrap_or_default()),
        }
    }
}

/// One checked expectation.
#[derive(Clone, Debug, Serialize)]
pub struct Check {
    pub expectation: String,
    pub passed: bool,
    pub seen: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct DrillResult {
    pub name: String,
    pub passed: bool,
    pub checks: Vec<Check>,
    pub outcome: Outcome,
}

pub fn run(
    t: &Topology,
    drill: &Drill,
    base: &Params,
) -> Result<DrillResult, super::ScenarioError> {
    let outcome = simulate(t, &drill.events(), &drill.params(base))?;
    let mut checks = Vec::new();
    let count = |what: &str, want: u32, seen: u32, detail: String| Check {
        expectation: format!("{what}: {want}"),
        passed: want == seen,
        seen: if detail.is_empty() {
            seen.to_string()
        } else {
            format!("{seen} ({detail})")
        },
    };
    let mut out = Vec::new();
    for e in &drill.expect {
        if let (Some(group), Some(want)) = (&e.group, e.has_quorum) {
            let check = match outcome.group(group) {
                Some(g) => Check {
                    expectation: format!("group {group} has_quorum: {want}"),
                    passed: g.has_quorum == want,
                    seen: format!(
                        "has_quorum: {} ({} of {} replicas up, {} needed)",
                        g.has_quorum, g.available, g.replicas, g.needed
                    ),
                },
                None => Check {
                    expectation: format!("group {group} has_quorum: {want}"),
                    passed: false,
                    seen: format!(
                        "no group named {group}{}",
                        did_you_mean(group, outcome.groups.iter().map(|g| g.name.as_str()))
                    ),
                },
            };
            out.push(check);
        }
        if let (Some(lease), Some(want)) = (&e.lease, e.has_leader) {
            let check = match outcome.has_leader(t, lease) {
                Some(has) => {
                    let detail = outcome
                        .reelections
                        .iter()
                        .find(|r| &r.lease == lease)
                        .map(|r| match &r.to {
                            Some(to) => format!(" ({to} takes over after {} s)", r.after_seconds),
                            None => format!(" ({})", r.reason),
                        })
                        .unwrap_or_else(|| " (its holder is untouched)".into());
                    Check {
                        expectation: format!("lease {lease} has_leader: {want}"),
                        passed: has == want,
                        seen: format!("has_leader: {has}{detail}"),
                    }
                }
                None => Check {
                    expectation: format!("lease {lease} has_leader: {want}"),
                    passed: false,
                    seen: format!(
                        "no lease named {lease}{}",
                        did_you_mean(
                            lease,
                            (0..t.leaders.len())
                                .map(|l| t.leader_display(crate::graph::LeaderId(l as u32)))
                                .collect::<Vec<_>>()
                                .iter()
                                .map(String::as_str)
                        )
                    ),
                },
            };
            out.push(check);
        }
        if let Some(want) = e.pending {
            let names: Vec<&str> = outcome.pending.iter().map(|p| p.pod.as_str()).collect();
            out.push(count(
                "pending",
                want,
                outcome.pending.len() as u32,
                names.join(", "),
            ));
        }
        if let Some(want) = e.max_simultaneous_reelections {
            out.push(count(
                "max_simultaneous_reelections",
                want,
                outcome.max_simultaneous_reelections,
                String::new(),
            ));
        }
        if let Some(want) = e.stranded_volumes {
            let names: Vec<&str> = outcome
                .stranded_volumes
                .iter()
                .map(|s| s.pv.as_str())
                .collect();
            out.push(count(
                "stranded_volumes",
                want,
                outcome.stranded_volumes.len() as u32,
                names.join(", "),
            ));
        }
        if let Some(want) = e.blocked_evictions {
            let blocked: Vec<&str> = outcome
                .evictions
                .iter()
                .filter(|e| e.status == "blocked")
                .map(|e| e.pod.as_str())
                .collect();
            out.push(count(
                "blocked_evictions",
                want,
                blocked.len() as u32,
                blocked.join(", "),
            ));
        }
    }
    checks.extend(out);
    Ok(DrillResult {
        name: drill.name.clone(),
        passed: checks.iter().all(|c| c.passed),
        checks,
        outcome,
    })
}

fn did_you_mean<'a>(name: &str, names: impl Iterator<Item = &'a str>) -> String {
    let close = super::events::closest(name, names);
    if close.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", close.join(", "))
    }
}
