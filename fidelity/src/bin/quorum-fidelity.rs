//! `quorum-fidelity`: runs fidelity scenarios against the real control plane by hand, and
//! compares a run again.
//!
//! ```sh
//! cargo run -p quorum-fidelity --bin quorum-fidelity -- drill samples/drills/healthy-lose-b.yaml
//! cargo run -p quorum-fidelity --bin quorum-fidelity -- generated 7
//! cargo run -p quorum-fidelity --bin quorum-fidelity -- --version 1.33 drill samples/drills/healthy-lose-b.yaml
//! cargo run -p quorum-fidelity --bin quorum-fidelity -- compare target/fidelity/v1.37/drill-healthy-lose-b/observation.json
//! ```
//!
//! `--version X.Y` picks the Kubernetes release (default: the newest). Exports, predictions,
//! elector logs and the observation land in `target/fidelity/v<X.Y>/<scenario>/`.

use std::path::PathBuf;
use std::process::ExitCode;

use quorum_fidelity::{Release, compare, report, scenario, suite, timings};

fn elector_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("the current executable");
    exe.with_file_name("quorum-elector")
}

fn print(verdicts: &[compare::Verdict]) {
    for v in verdicts {
        println!(
            "{} {:18} {:50} | {} | {}{}",
            if v.agree { "ok  " } else { "DIFF" },
            v.rule.id(),
            v.subject,
            v.predicted,
            v.observed,
            v.explanation
                .as_deref()
                .map(|e| format!(" [{e}]"))
                .unwrap_or_default()
        );
    }
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut release = Release::NEWEST;
    if let Some(i) = args.iter().position(|a| a == "--version") {
        let Some(r) = args.get(i + 1).and_then(|v| Release::parse(v)) else {
            let all: Vec<&str> = Release::ALL.iter().map(|r| r.as_str()).collect();
            eprintln!("--version takes one of {}", all.join(", "));
            return ExitCode::from(2);
        };
        release = r;
        args.drain(i..i + 2);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let scenario = match args.as_slice() {
        ["compare", file] => {
            let text = std::fs::read_to_string(file).expect("an observation file");
            let obs: scenario::Observation = serde_json::from_str(&text).expect("an observation");
            print(&compare::compare(&obs).expect("a comparison"));
            return ExitCode::SUCCESS;
        }
        ["report"] => {
            let releases: Vec<_> = Release::ALL
                .into_iter()
                .map(|r| (r, report::Results::load(r)))
                .collect();
            let path = suite::repo().join("FIDELITY.md");
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let text = report::update_fidelity_md(&text, &report::render_releases(&releases));
            std::fs::write(&path, text).expect("FIDELITY.md is writable");
            println!("{}", path.display());
            return ExitCode::SUCCESS;
        }
        ["timings", runs] => {
            let runs: usize = runs.parse().unwrap_or(5);
            return match timings::measure(runs, &elector_bin(), release) {
                Ok(Some(t)) => {
                    println!("{}", serde_json::to_string_pretty(&t).unwrap());
                    report::Results {
                        timings: Some(t),
                        ..Default::default()
                    }
                    .save(release, "timings-manual");
                    ExitCode::SUCCESS
                }
                Ok(None) => ExitCode::from(3),
                Err(e) => {
                    eprintln!("{e}");
                    ExitCode::FAILURE
                }
            };
        }
        ["describe", seeds @ ..] => {
            for seed in seeds.iter().filter_map(|s| s.parse().ok()) {
                let s = suite::generated_scenario(seed);
                let events: Vec<String> = s.events.iter().map(|e| e.to_string()).collect();
                println!("{}: {} -> {}", s.name, s.origin, events.join(", "));
            }
            return ExitCode::SUCCESS;
        }
        ["objects", which @ ("failure" | "plan"), seed] => {
            // A generated cluster as one kubectl List, to plan or simulate offline.
            let Ok(seed) = seed.parse() else {
                eprintln!("{seed}: not a seed");
                return ExitCode::from(2);
            };
            let g = if *which == "plan" {
                quorum_fidelity::generate::for_plans(seed)
            } else {
                quorum_fidelity::generate::generate(seed)
            };
            let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": g.objects});
            println!(
                "{}",
                serde_json::to_string_pretty(&list).unwrap_or_default()
            );
            return ExitCode::SUCCESS;
        }
        ["plan", which, seed] => {
            // One plan carried out for real: GOAL is leaders, leaders-restart, spread, storage
            // or all.
            let Ok(seed) = seed.parse() else {
                eprintln!("{seed}: not a seed");
                return ExitCode::from(2);
            };
            let Some(s) = quorum_fidelity::plans::scenarios(seed, release)
                .into_iter()
                .find(|s| s.name == format!("plan-{which}-{seed}"))
            else {
                eprintln!("{which}: leaders, leaders-restart, spread, storage or all");
                return ExitCode::from(2);
            };
            return match quorum_fidelity::plans::run(&s, &elector_bin()) {
                Ok(Some(obs)) => match quorum_fidelity::plans::compare(&obs) {
                    Ok(v) => {
                        print(&v);
                        ExitCode::SUCCESS
                    }
                    Err(e) => {
                        eprintln!("{e}");
                        ExitCode::FAILURE
                    }
                },
                Ok(None) => ExitCode::from(3),
                Err(e) => {
                    eprintln!("{e}");
                    ExitCode::FAILURE
                }
            };
        }
        ["drill", file] => suite::drill_scenario(&PathBuf::from(file)),
        ["generated", seed] => match seed.parse() {
            Ok(seed) => Ok(suite::generated_scenario(seed)),
            Err(e) => Err(format!("{seed}: {e}")),
        },
        _ => {
            eprintln!(
                "usage: quorum-fidelity [--version X.Y] drill FILE | generated SEED | describe SEED... | objects failure|plan SEED | plan GOAL SEED | timings RUNS | compare OBSERVATION | report"
            );
            return ExitCode::from(2);
        }
    };
    let scenario = match scenario {
        Ok(s) => s.on(release),
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match scenario::run(&scenario, &elector_bin()) {
        Ok(Some(obs)) => match compare::compare(&obs) {
            Ok(v) => {
                print(&v);
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        },
        Ok(None) => ExitCode::from(3),
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
