//! The scenarios the suite runs: every drill of `samples/drills/` on its sample, the suite's own
//! drills of `fidelity/fixtures/drills/` (rules the samples do not exercise), and seeded
//! generated clusters.

use std::path::{Path, PathBuf};

use quorum_core::simulate::drill::Drill;

use crate::Start;
use crate::quorum::ModelFlags;
use crate::scenario::Scenario;

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every drill file of `samples/drills/`, then of `fidelity/fixtures/drills/`, each sorted.
pub fn drill_files() -> Vec<PathBuf> {
    ["samples/drills", "fidelity/fixtures/drills"]
        .iter()
        .flat_map(|dir| {
            let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join(dir))
                .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
                .unwrap_or_default();
            files.retain(|f| f.extension().is_some_and(|e| e == "yaml"));
            files.sort();
            files
        })
        .collect()
}

/// The inputs a drill names in its `# run: quorum drill INPUTS DRILL` comment: one cluster
/// `default`, or `--cluster NAME=PATH` for several.
pub fn drill_inputs(text: &str) -> Result<Vec<(String, PathBuf)>, String> {
    let line = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("# run: quorum drill "))
        .ok_or("the drill has no `# run: quorum drill INPUTS DRILL` comment")?;
    let words: Vec<&str> = line.split_whitespace().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        match words[i] {
            "--cluster" => {
                let (name, path) = words
                    .get(i + 1)
                    .and_then(|w| w.split_once('='))
                    .ok_or("--cluster needs NAME=PATH")?;
                out.push((name.to_string(), repo().join(path)));
                i += 2;
            }
            w if w.ends_with(".yaml") && w.contains("drills/") => i += 1,
            w => {
                out.push(("default".to_string(), repo().join(w)));
                i += 1;
            }
        }
    }
    Ok(out)
}

/// A drill as a scenario: its sample's clusters, its events and parameters, short timings.
pub fn drill_scenario(file: &Path) -> Result<Scenario, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let drill = Drill::parse(&file.display().to_string(), &text).map_err(|e| e.to_string())?;
    let mut clusters = Vec::new();
    for (name, path) in drill_inputs(&text)? {
        clusters.push((name, crate::objects::read(&[&path])?));
    }
    let mut flags = ModelFlags::short();
    flags.release_on_cancel = drill.params.release_on_cancel.unwrap_or(false);
    flags.out_of_service = drill.params.out_of_service.unwrap_or(false);
    flags.control_plane = drill.params.control_plane.clone().unwrap_or_default();
    let stem = file
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("drill")
        .to_string();
    Ok(Scenario {
        name: format!("drill-{stem}"),
        clusters,
        events: drill.events(),
        flags,
        origin: file
            .canonicalize()
            .ok()
            .and_then(|f| {
                let root = repo().canonicalize().ok()?;
                Some(f.strip_prefix(root).ok()?.display().to_string())
            })
            .unwrap_or_else(|| file.display().to_string()),
        drill: Some((file.to_path_buf(), drill)),
        start: Start::short(),
    })
}

/// A generated cluster and its failure as a scenario, short timings.
pub fn generated_scenario(seed: u64) -> Scenario {
    let g = crate::generate::generate(seed);
    let mut flags = ModelFlags::short();
    flags.control_plane = g.control_plane;
    Scenario {
        name: format!("generated-{seed}"),
        clusters: vec![("default".into(), g.objects)],
        events: g.events,
        flags,
        drill: None,
        start: Start::short(),
        origin: format!("seed {seed}: {}", g.summary),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sample_drill_names_its_inputs() {
        let files = drill_files();
        assert!(files.len() >= 5, "{files:?}");
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            let inputs = drill_inputs(&text).unwrap();
            assert!(!inputs.is_empty());
            for (_, path) in inputs {
                assert!(path.exists(), "{}", path.display());
            }
        }
    }

    #[test]
    fn two_data_centres_are_two_clusters() {
        let text = "# run: quorum drill --cluster dc-a=samples/two-dcs/dc-a.yaml --cluster dc-b=samples/two-dcs/dc-b.yaml samples/drills/two-dcs-lose-dc-a-1.yaml\n";
        let inputs = drill_inputs(text).unwrap();
        assert_eq!(inputs.len(), 2);
        assert_eq!(inputs[0].0, "dc-a");
        assert!(inputs[1].1.ends_with("samples/two-dcs/dc-b.yaml"));
    }
}
