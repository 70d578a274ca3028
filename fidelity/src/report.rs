//! Results of the suite's runs (kept as JSON in `target/fidelity/results/v<X.Y>/`, one directory
//! per Kubernetes release) and FIDELITY.md made from them: per release, agreement per rule and per
//! scenario, every disagreement with its explanation, and the failover timings next to the
//! prediction.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::Release;
use crate::scenario::{Observation, work_root};
use crate::timings::{MODES, Timings};
use crate::verdict::{Rule, Verdict};

/// One scenario's outcome.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ScenarioResult {
    pub name: String,
    pub origin: String,
    pub events: Vec<String>,
    pub seconds: f64,
    pub verdicts: Vec<Verdict>,
    /// What the loader could not reproduce, and why.
    pub notes: Vec<String>,
}

impl ScenarioResult {
    pub fn of(obs: &Observation, verdicts: Vec<Verdict>) -> ScenarioResult {
        ScenarioResult {
            name: obs.scenario.clone(),
            origin: obs.origin.clone(),
            events: obs.events.clone(),
            seconds: obs.seconds,
            verdicts,
            notes: obs.clusters.iter().flat_map(|c| c.notes.clone()).collect(),
        }
    }

    /// Disagreements nothing explains.
    pub fn unexplained(&self) -> Vec<&Verdict> {
        self.verdicts
            .iter()
            .filter(|v| !v.agree && v.explanation.is_none())
            .collect()
    }
}

/// What a test run found: its scenarios, or the timings.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Results {
    pub scenarios: Vec<ScenarioResult>,
    pub timings: Option<Timings>,
    pub seconds: f64,
    /// The Kubernetes version the runs were made on (`v1.37.2`).
    #[serde(default)]
    pub kubernetes_version: Option<String>,
}

/// Where one release's results are: `target/fidelity/results/v1.37/`.
pub fn results_dir(release: Release) -> PathBuf {
    work_root().join("results").join(format!("v{release}"))
}

impl Results {
    /// Saves them as `results/v<X.Y>/<name>.json`, with the release's Kubernetes version.
    pub fn save(&self, release: Release, name: &str) {
        let dir = results_dir(release);
        std::fs::create_dir_all(&dir).ok();
        let mut r = self.clone();
        r.kubernetes_version
            .get_or_insert_with(|| release.kubernetes_version());
        std::fs::write(
            dir.join(format!("{name}.json")),
            serde_json::to_string_pretty(&r).unwrap(),
        )
        .ok();
    }

    /// Every result saved for a release, merged (`None` when there is none).
    pub fn load(release: Release) -> Option<Results> {
        let mut all = Results::default();
        let mut found = false;
        let mut files: Vec<PathBuf> = std::fs::read_dir(results_dir(release))
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.sort();
        for f in files {
            let Ok(text) = std::fs::read_to_string(&f) else {
                continue;
            };
            let Ok(r) = serde_json::from_str::<Results>(&text) else {
                continue;
            };
            found = true;
            all.scenarios.extend(r.scenarios);
            all.seconds += r.seconds;
            if r.timings.is_some() {
                all.timings = r.timings;
            }
            if r.kubernetes_version.is_some() {
                all.kubernetes_version = r.kubernetes_version;
            }
        }
        found.then_some(all)
    }
}

fn count(verdicts: &[&Verdict]) -> (usize, usize, usize) {
    let agree = verdicts.iter().filter(|v| v.agree).count();
    let explained = verdicts
        .iter()
        .filter(|v| !v.agree && v.explanation.is_some())
        .count();
    (agree, explained, verdicts.len() - agree - explained)
}

fn percent(agree: usize, total: usize) -> String {
    if total == 0 {
        "–".into()
    } else {
        format!("{:.0}%", 100.0 * agree as f64 / total as f64)
    }
}

fn stats(values: &[f64]) -> String {
    if values.is_empty() {
        return "–".into();
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let median = v[v.len() / 2];
    format!("{:.1} / {:.1} / {:.1} s", v[0], median, v[v.len() - 1])
}

/// The generated part of FIDELITY.md: a line per release, then each release's tables.
pub fn render_releases(releases: &[(Release, Option<Results>)]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| release | Kubernetes | etcd | scenarios | comparisons | agree | differ (explained) | unexplained | test time (sum of the tests' wall times) |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|");
    for (release, results) in releases {
        let Some(r) = results else {
            let _ = writeln!(
                out,
                "| {release} | {} | {} | not run | | | | | |",
                release.kubernetes_version(),
                release.etcd_version()
            );
            continue;
        };
        let all: Vec<&Verdict> = r.scenarios.iter().flat_map(|s| &s.verdicts).collect();
        let (a, e, u) = count(&all);
        let _ = writeln!(
            out,
            "| {release} | {} | {} | {} | {} | {a} ({}) | {e} | {u} | {:.0} min |",
            r.kubernetes_version
                .clone()
                .unwrap_or_else(|| release.kubernetes_version()),
            release.etcd_version(),
            r.scenarios.len(),
            all.len(),
            percent(a, all.len()),
            r.seconds / 60.0
        );
    }
    for (release, results) in releases {
        let Some(r) = results else { continue };
        let _ = writeln!(
            out,
            "\n### Kubernetes {}\n",
            r.kubernetes_version
                .clone()
                .unwrap_or_else(|| release.kubernetes_version())
        );
        out.push_str(&render(r));
    }
    out
}

/// One release's tables (FIDELITY.md has one set per release, under `### Kubernetes vX.Y.Z`).
pub fn render(results: &Results) -> String {
    let mut out = String::new();
    let all: Vec<&Verdict> = results.scenarios.iter().flat_map(|s| &s.verdicts).collect();
    let (a, e, u) = count(&all);
    let _ = writeln!(
        out,
        "{} scenarios, {} comparisons: {a} agree ({}), {e} differ for an explained reason, {u} unexplained.\n",
        results.scenarios.len(),
        all.len(),
        percent(a, all.len())
    );
    let _ = writeln!(out, "#### Per rule\n");
    let _ = writeln!(
        out,
        "| rule | DESIGN.md | scenarios | comparisons | agree | differ (explained) | unexplained |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|");
    for rule in Rule::ALL {
        let verdicts: Vec<&Verdict> = all.iter().copied().filter(|v| v.rule == rule).collect();
        if verdicts.is_empty() {
            continue;
        }
        let scenarios = results
            .scenarios
            .iter()
            .filter(|s| s.verdicts.iter().any(|v| v.rule == rule))
            .count();
        let (a, e, u) = count(&verdicts);
        let _ = writeln!(
            out,
            "| `{}` | {} | {scenarios} | {} | {a} ({}) | {e} | {u} |",
            rule.id(),
            rule.title(),
            verdicts.len(),
            percent(a, verdicts.len())
        );
    }
    let _ = writeln!(out, "\n#### Per scenario\n");
    let _ = writeln!(
        out,
        "| scenario | cluster | events | comparisons | agree | explained | unexplained | wall time (with waiting for a control plane) |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|");
    for s in &results.scenarios {
        let v: Vec<&Verdict> = s.verdicts.iter().collect();
        let (a, e, u) = count(&v);
        let _ = writeln!(
            out,
            "| `{}` | {} | `{}` | {} | {a} ({}) | {e} | {u} | {:.0} s |",
            s.name,
            s.origin.replace('|', "\\|"),
            s.events.join("; ").replace('|', "\\|"),
            v.len(),
            percent(a, v.len()),
            s.seconds
        );
    }
    let differing: Vec<(&ScenarioResult, &Verdict)> = results
        .scenarios
        .iter()
        .flat_map(|s| s.verdicts.iter().filter(|v| !v.agree).map(move |v| (s, v)))
        .collect();
    if !differing.is_empty() {
        let _ = writeln!(out, "\n#### Every disagreement\n");
        let _ = writeln!(
            out,
            "| scenario | rule | subject | predicted | real | why |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---|");
        for (s, v) in differing {
            let _ = writeln!(
                out,
                "| `{}` | `{}` | {} | {} | {} | {} |",
                s.name,
                v.rule.id(),
                v.subject,
                v.predicted.replace('|', "\\|"),
                v.observed.replace('|', "\\|"),
                v.explanation
                    .as_deref()
                    .unwrap_or("**unexplained**")
                    .replace('|', "\\|")
            );
        }
    }
    let notes: BTreeMap<&str, Vec<&str>> = results
        .scenarios
        .iter()
        .filter(|s| !s.notes.is_empty())
        .map(|s| {
            (
                s.name.as_str(),
                s.notes.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    if !notes.is_empty() {
        let _ = writeln!(out, "\n#### Not reproduced on the real control plane\n");
        for (name, notes) in notes {
            for n in notes {
                let _ = writeln!(out, "- `{name}`: {n}");
            }
        }
    }
    if let Some(t) = &results.timings {
        let _ = writeln!(out, "\n#### Failover timings\n");
        let _ = writeln!(
            out,
            "{} runs per mode, one lease each (15 s leases, client-go timings: renew deadline 10 s, retry 2 s).\n",
            t.runs_per_mode
        );
        let _ = writeln!(
            out,
            "| mode | predicted (`after_seconds`) | measured min / median / max | client-go window | taken over | by a predicted candidate |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---|");
        for mode in MODES {
            let runs: Vec<_> = t.takeovers.iter().filter(|x| x.mode == mode).collect();
            if runs.is_empty() {
                continue;
            }
            let measured: Vec<f64> = runs.iter().filter_map(|x| x.seconds).collect();
            let mut predicted: Vec<String> = runs
                .iter()
                .map(|x| match x.predicted_seconds {
                    Some(p) => format!("{p:.0} s"),
                    None => "none".into(),
                })
                .collect();
            predicted.sort();
            predicted.dedup();
            let window = match mode {
                "handover" => {
                    "next renewal of the leader (≤ 2 s) + the preferred candidate's retry"
                        .to_string()
                }
                "graceful-release" => {
                    let (lo, hi) = crate::compare::takeover_window(0.0, 2.0, true);
                    format!("{lo:.1}–{hi:.1} s")
                }
                _ => {
                    let (lo, hi) = crate::compare::takeover_window(15.0, 2.0, false);
                    format!("{lo:.1}–{hi:.1} s")
                }
            };
            let by_candidate = runs
                .iter()
                .filter(|x| {
                    x.to.as_ref().is_some_and(|to| {
                        x.predicted_candidates
                            .iter()
                            .any(|c| c.rsplit('/').next() == Some(to.as_str()))
                    })
                })
                .count();
            let _ = writeln!(
                out,
                "| `{mode}` | {} | {} | {window} | {}/{} | {by_candidate}/{} |",
                predicted.join(", "),
                stats(&measured),
                measured.len(),
                runs.len(),
                runs.len()
            );
        }
        for n in &t.notes {
            let _ = writeln!(out, "\n- {n}");
        }
    }
    out
}

/// FIDELITY.md with the generated part between its markers replaced.
pub fn update_fidelity_md(text: &str, generated: &str) -> String {
    const BEGIN: &str = "<!-- generated by quorum-fidelity report: begin -->";
    const END: &str = "<!-- generated by quorum-fidelity report: end -->";
    match (text.find(BEGIN), text.find(END)) {
        (Some(b), Some(e)) if b < e => format!(
            "{}{BEGIN}\n{generated}{END}{}",
            &text[..b],
            &text[e + END.len()..]
        ),
        _ => format!("{text}\n{BEGIN}\n{generated}{END}\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generated_part_of_fidelity_md_is_replaced_between_its_markers_and_nothing_else() {
        let text = "# Fidelity\nhand-written\n<!-- generated by quorum-fidelity report: begin -->\nold\n<!-- generated by quorum-fidelity report: end -->\nafter\n";
        let new = update_fidelity_md(text, "new\n");
        assert!(new.contains("hand-written") && new.contains("new\n") && new.ends_with("after\n"));
        assert!(!new.contains("old"));
        assert!(update_fidelity_md("# F\n", "x\n").contains("begin -->\nx\n"));
    }

    #[test]
    fn a_crash_takeover_may_come_a_retry_early_or_two_jittered_retries_late() {
        let (lo, hi) = crate::compare::takeover_window(15.0, 2.0, false);
        assert!(
            lo < 13.0 && lo > 12.0 && hi > 23.0 && hi < 26.0,
            "{lo} {hi}"
        );
        let (lo, hi) = crate::compare::takeover_window(0.0, 2.0, true);
        assert_eq!(lo, 0.0);
        assert!(hi > 4.4);
    }
}
