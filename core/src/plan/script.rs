//! A plan as a bash script: each mutating command preceded by its server-side dry run and
//! followed by a wait for its effect.

use std::fmt::Write;

use super::Plan;

fn quote_heredoc(manifest: &str) -> String {
    format!(
        "<<'QUORUM_MANIFEST'\n{}\nQUORUM_MANIFEST",
        manifest.trim_end()
    )
}

pub fn script(plan: &Plan) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "#!/usr/bin/env bash");
    let _ = writeln!(
        out,
        "# Quorum plan: goal {:?}, {} for {} {}.",
        plan.goal,
        crate::contract::count(plan.steps.len(), "step", "steps"),
        if plan.clusters.len() == 1 {
            "cluster"
        } else {
            "clusters"
        },
        plan.clusters.join(", ")
    );
    let _ = writeln!(
        out,
        "# Review before running. Each step: a server-side dry run, the change, a wait for its effect."
    );
    let _ = writeln!(out, "set -euo pipefail\n");
    let mut wave = 0;
    for (i, step) in plan.steps.iter().enumerate() {
        if step.wave != wave {
            wave = step.wave;
            let _ = writeln!(out, "# --- wave {wave} ---");
        }
        let _ = writeln!(
            out,
            "# step {}: {} {}",
            i + 1,
            step.action,
            step.objects.join(", ")
        );
        let _ = writeln!(out, "#   why: {}", step.reason);
        if !step.effect.is_empty() {
            let _ = writeln!(out, "#   expect: {}", step.effect);
        }
        let _ = writeln!(out, "#   rollback: {}", step.rollback);
        let mut dry = step.dry_run.clone();
        let mut real = step.kubectl.clone();
        if let Some(manifest) = &step.manifest {
            // Apply the manifest from stdin instead of a file.
            let file = real
                .split_whitespace()
                .find(|w| w.ends_with(".yaml"))
                .unwrap_or("manifest.yaml")
                .to_string();
            dry = dry.replace(&format!("-f {file}"), "-f -");
            real = real.replace(&format!("-f {file}"), "-f -");
            let _ = writeln!(out, "{dry} {}", quote_heredoc(manifest));
            let _ = writeln!(out, "{real} {}", quote_heredoc(manifest));
        } else {
            let _ = writeln!(out, "{dry}");
            let _ = writeln!(out, "{real}");
        }
        if !step.wait.is_empty() {
            let _ = writeln!(out, "{}", step.wait);
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "echo 'plan applied: {}'",
        crate::contract::count(plan.steps.len(), "step", "steps")
    );
    out
}
