//! The model against a real Kubernetes control plane (issue 8): every drill of samples/drills/
//! and fidelity/fixtures/drills/ and seeded generated clusters are loaded into kube-apiserver, kube-controller-manager,
//! kube-scheduler and KWOK, exported (the initial state `quorum simulate` predicts from), failed
//! for real, exported again and compared rule by rule; lease takeovers between real electors are
//! timed. Results land in target/fidelity/results/v<X.Y>/ (`quorum-fidelity report` writes
//! FIDELITY.md from them). Each test skips, saying why, when the control plane was never built
//! (controlplane/build.sh --version all), unless QUORUM_REQUIRE_TOOLS=1.
//!
//! Per Kubernetes release (the tests' names end in `_on_v1_37`, `_on_v1_33`): the newest runs every
//! scenario (drills, generated clusters, plans, lease takeovers); the oldest the suite keeps runs
//! the drills of samples/drills/ and fidelity/fixtures/drills/.
//!
//! Plans are carried out for real too: each goal on the generated clusters of
//! QUORUM_FIDELITY_PLAN_SEEDS (default 1), its export compared with the plan's after-state.
//!
//! QUORUM_FIDELITY_SEEDS (`1-8`, or `3,5`; default [`DEFAULT_SEEDS`]) picks the generated clusters; QUORUM_FIDELITY_PARALLEL
//! (default 3) how many control planes run at once.

use std::path::PathBuf;

use quorum_fidelity::compare::Rule;
use quorum_fidelity::report::{Results, ScenarioResult};
use quorum_fidelity::scenario::{self, Scenario};
use quorum_fidelity::{ControlPlane, Release, Start, compare, plans, quorum, suite, timings};

fn elector() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_quorum-elector"))
}

/// The quorum binary is there (cargo test --workspace builds it first); else skip or fail.
fn prerequisites() -> bool {
    match quorum::binary() {
        Ok(_) => true,
        Err(e) => {
            let required = std::env::var_os("QUORUM_REQUIRE_TOOLS").is_some_and(|v| v == "1");
            assert!(!required, "{e}");
            eprintln!("skipped: {e}");
            false
        }
    }
}

/// Runs scenarios side by side (the control planes take turns through QUORUM_FIDELITY_PARALLEL)
/// and compares each; `None` when the control plane is not built.
fn run_all(scenarios: Vec<Scenario>) -> Option<Results> {
    let started = std::time::Instant::now();
    let outcomes: Vec<Result<Option<ScenarioResult>, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = scenarios
            .iter()
            .map(|s| {
                scope.spawn(move || {
                    let obs =
                        scenario::run(s, &elector()).map_err(|e| format!("{}: {e}", s.name))?;
                    let Some(obs) = obs else { return Ok(None) };
                    let verdicts =
                        compare::compare(&obs).map_err(|e| format!("{}: {e}", s.name))?;
                    Ok(Some(ScenarioResult::of(&obs, verdicts)))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err("a scenario panicked".into()))
            })
            .collect()
    });
    let mut results = Results::default();
    let mut failures = Vec::new();
    for o in outcomes {
        match o {
            Ok(Some(r)) => results.scenarios.push(r),
            Ok(None) => return None,
            Err(e) => failures.push(e),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    results.seconds = started.elapsed().as_secs_f64();
    Some(results)
}

/// Every disagreement is explained, or the test fails listing them.
fn assert_explained(results: &Results) {
    let mut lines = Vec::new();
    for s in &results.scenarios {
        for v in s.unexplained() {
            lines.push(format!(
                "{} [{}] {}: predicted {} / real {}",
                s.name,
                v.rule.id(),
                v.subject,
                v.predicted,
                v.observed
            ));
        }
    }
    assert!(
        lines.is_empty(),
        "the real control plane disagrees with the model, unexplained:\n{}",
        lines.join("\n")
    );
}

/// Seeds whose clusters and events cover node and zone failures, drains (refused and allowed
/// evictions) and partitions; see `quorum-fidelity describe SEED`.
const DEFAULT_SEEDS: &str = "1-9,13,16,17,18,20,23,26,30";

fn seeds() -> Vec<u64> {
    let spec = std::env::var("QUORUM_FIDELITY_SEEDS").unwrap_or_else(|_| DEFAULT_SEEDS.into());
    let mut out = Vec::new();
    for part in spec.split(',') {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b): (u64, u64) = (a.trim().parse().unwrap(), b.trim().parse().unwrap());
                out.extend(a..=b);
            }
            None => out.push(part.trim().parse().unwrap()),
        }
    }
    out
}

/// Every drill of samples/drills/ and fidelity/fixtures/drills/ on `release`.
fn every_drill_agrees(release: Release) {
    if !prerequisites() {
        return;
    }
    let scenarios: Vec<Scenario> = suite::drill_files()
        .iter()
        .map(|f| suite::drill_scenario(f).unwrap().on(release))
        .collect();
    assert!(scenarios.len() >= 4);
    let Some(results) = run_all(scenarios) else {
        return;
    };
    results.save(release, "drills");
    for s in &results.scenarios {
        // The drill's own expectations hold on the real cluster, as the model says they do.
        for v in s.verdicts.iter().filter(|v| v.rule == Rule::Drill) {
            assert_eq!(
                v.observed, "holds",
                "{}: {} ({})",
                s.name, v.subject, v.predicted
            );
        }
    }
    assert_explained(&results);
    eprintln!(
        "Kubernetes {release}: {} drills, {} comparisons, in {:.0} s",
        results.scenarios.len(),
        results
            .scenarios
            .iter()
            .map(|s| s.verdicts.len())
            .sum::<usize>(),
        results.seconds
    );
}

#[test]
fn every_sample_drill_agrees_with_a_real_control_plane_on_v1_37() {
    every_drill_agrees(Release::V1_37);
}

#[test]
fn every_sample_drill_agrees_with_a_real_control_plane_on_v1_33() {
    every_drill_agrees(Release::V1_33);
}

#[test]
fn generated_clusters_agree_with_a_real_control_plane_on_v1_37() {
    let release = Release::V1_37;
    if !prerequisites() {
        return;
    }
    let scenarios: Vec<Scenario> = seeds()
        .into_iter()
        .map(|seed| suite::generated_scenario(seed).on(release))
        .collect();
    let Some(results) = run_all(scenarios) else {
        return;
    };
    results.save(release, "generated");
    assert_explained(&results);
}

/// The plans' generated clusters (`QUORUM_FIDELITY_PLAN_SEEDS`, same syntax; default 1).
fn plan_seeds() -> Vec<u64> {
    let spec = std::env::var("QUORUM_FIDELITY_PLAN_SEEDS").unwrap_or_else(|_| "1".into());
    spec.split(',')
        .flat_map(|part| match part.split_once('-') {
            Some((a, b)) => {
                let (a, b): (u64, u64) = (a.trim().parse().unwrap(), b.trim().parse().unwrap());
                (a..=b).collect::<Vec<_>>()
            }
            None => vec![part.trim().parse().unwrap()],
        })
        .collect()
}

#[test]
fn plans_carried_out_on_a_real_control_plane_reach_their_after_state_on_v1_37() {
    let release = Release::V1_37;
    if !prerequisites() {
        return;
    }
    let started = std::time::Instant::now();
    let scenarios: Vec<plans::PlanScenario> = plan_seeds()
        .into_iter()
        .flat_map(|seed| plans::scenarios(seed, release))
        .collect();
    let outcomes: Vec<Result<Option<ScenarioResult>, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = scenarios
            .iter()
            .map(|s| {
                scope.spawn(move || {
                    let Some(obs) =
                        plans::run(s, &elector()).map_err(|e| format!("{}: {e}", s.name))?
                    else {
                        return Ok(None);
                    };
                    let verdicts = plans::compare(&obs).map_err(|e| format!("{}: {e}", s.name))?;
                    Ok(Some(plans::result(&obs, verdicts)))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err("a plan panicked".into())))
            .collect()
    });
    let mut results = Results::default();
    let mut failures = Vec::new();
    for o in outcomes {
        match o {
            Ok(Some(r)) => results.scenarios.push(r),
            Ok(None) => return,
            Err(e) => failures.push(e),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    results.seconds = started.elapsed().as_secs_f64();
    results.save(release, "plans");
    for s in &results.scenarios {
        // Every goal had something to do on these clusters, and every step was carried out. A
        // plan of restarts may rightly have none: where every leader's restarted pod could win
        // the lease back somewhere that breaks the bound, the planner leaves it out and says so
        // (the plan's notes, and the after-state equal to today's, are still compared).
        let restarts_declined = s.name.contains("-restart-")
            && s.notes
                .iter()
                .any(|n| n.contains("the restarted pod itself"));
        assert!(
            restarts_declined || s.verdicts.iter().any(|v| v.rule == Rule::PlanApply),
            "{}: the plan has no step",
            s.name
        );
        for v in s.verdicts.iter().filter(|v| v.rule == Rule::PlanApply) {
            assert!(v.agree, "{}: {}: {}", s.name, v.subject, v.observed);
        }
    }
    assert_explained(&results);
}

#[test]
fn lease_takeovers_between_real_electors_fall_where_the_model_puts_them_on_v1_37() {
    let release = Release::V1_37;
    if !prerequisites() {
        return;
    }
    let Some(t) = timings::measure(5, &elector(), release).unwrap() else {
        return;
    };
    Results {
        timings: Some(t.clone()),
        seconds: t.seconds,
        ..Results::default()
    }
    .save(release, "timings");
    for x in &t.takeovers {
        let to =
            x.to.as_deref()
                .unwrap_or_else(|| panic!("{} ({}): nobody took the lease over", x.lease, x.mode));
        assert!(
            x.predicted_candidates
                .iter()
                .any(|c| c.rsplit('/').next() == Some(to)),
            "{} ({}): {to} took over, the model named {:?}",
            x.lease,
            x.mode,
            x.predicted_candidates
        );
        let seconds = x.seconds.expect("an acquireTime");
        if x.mode == "handover" {
            assert!(
                seconds < 2.0 * 2.2 + 2.0 + 1.0,
                "{}: handover took {seconds:.1} s",
                x.lease
            );
            continue;
        }
        let predicted = x.predicted_seconds.expect("a prediction");
        let (lo, hi) = compare::takeover_window(predicted, 2.0, x.mode == "graceful-release");
        assert!(
            (lo..=hi).contains(&seconds),
            "{} ({}): taken over after {seconds:.1} s, predicted {predicted} s (window {lo:.1}–{hi:.1} s)",
            x.lease,
            x.mode
        );
    }
}

/// docs/model.md: targeted handovers need the CoordinatedLeaderElection gate (beta, off by
/// default in v1.33 and v1.37) and a strategy on the Lease; the patch `quorum plan` prints succeeds
/// and changes nothing here.
fn a_default_api_server_drops_a_preferred_holder_patch(release: Release) {
    let Some(cp) = ControlPlane::start(&Start::short().release(release)) else {
        return;
    };
    cp.kubectl_ok(
        &["apply", "-f", "-"],
        Some(
            "apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata: {name: l, namespace: default}\nspec: {holderIdentity: pod-a, leaseDurationSeconds: 15}\n",
        ),
    );
    cp.kubectl_ok(
        &[
            "patch",
            "lease",
            "l",
            "--type=merge",
            "-p",
            r#"{"spec":{"preferredHolder":"pod-b"}}"#,
        ],
        None,
    );
    let spec = cp.kubectl_ok(&["get", "lease", "l", "-o", "jsonpath={.spec}"], None);
    assert!(
        spec.contains("pod-a") && !spec.contains("preferredHolder"),
        "{spec}"
    );
}

#[test]
fn a_default_api_server_drops_a_preferred_holder_patch_without_a_word_on_v1_37() {
    a_default_api_server_drops_a_preferred_holder_patch(Release::V1_37);
}

#[test]
fn a_default_api_server_drops_a_preferred_holder_patch_without_a_word_on_v1_33() {
    a_default_api_server_drops_a_preferred_holder_patch(Release::V1_33);
}
