//! The binary's edges: no display, a live cluster, the review without a window.

use std::process::Command;

fn gui() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_quorum-gui"));
    c.env_remove("DISPLAY").env_remove("WAYLAND_DISPLAY");
    c
}

#[test]
fn without_a_display_it_says_so_and_exits_3() {
    let out = gui().output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no display available"), "{err}");
}

#[test]
fn a_live_context_is_read_for_the_review_and_an_unknown_one_is_named() {
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/three-zones");
    let server = quorum_testapi::Server::builder()
        .fixtures([sample])
        .start_blocking()
        .expect("test API server");
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("kubeconfig");
    server.write_kubeconfig(&kc, "three").unwrap();
    let md = dir.path().join("review.md");
    let out = gui()
        .args(["--context", "three", "--kubeconfig"])
        .arg(&kc)
        .arg("--report")
        .arg(&md)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(text.contains("eu-west-1a"), "{text}");
    assert!(
        text.contains("`context three (https://127.0.0.1:"),
        "{text}"
    );
    assert!(!text.contains("/):0`"), "a live object has no line: {text}");
    assert!(
        server.requests().iter().all(|r| r.method == "GET"),
        "read-only"
    );

    let out = gui()
        .args(["--context", "prod", "--kubeconfig"])
        .arg(&kc)
        .arg("--report")
        .arg(&md)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("\"prod\" is not in the kubeconfig (available: three)"),
        "{err}"
    );
}

#[test]
fn a_missing_file_is_a_usage_error_before_any_window() {
    let out = gui().arg("/nonexistent/cluster.yaml").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_review_report_is_written_without_a_window() {
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("review.md");
    let out = gui()
        .args(["--sample", "three-zones", "--report"])
        .arg(&md)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(
        text.contains("![topology: zones, nodes, pods and leaders, with its legend](review.svg)")
    );
    assert!(dir.path().join("review.svg").exists());
    let html = dir.path().join("review.html");
    let out = gui()
        .args(["--sample", "two-dcs", "--report"])
        .arg(&html)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(std::fs::read_to_string(&html).unwrap().contains("<svg"));
}

/// The `quorum` command line built next to this binary (`cargo build -p quorum`; `cargo test
/// --workspace` builds it before any test runs).
fn quorum_cli() -> Option<Command> {
    let path = std::path::Path::new(env!("CARGO_BIN_EXE_quorum-gui")).with_file_name("quorum");
    if path.exists() {
        return Some(Command::new(path));
    }
    let why = format!("{} is not built (cargo build -p quorum)", path.display());
    assert!(
        std::env::var_os("QUORUM_REQUIRE_TOOLS").is_none_or(|v| v != "1"),
        "{why} (QUORUM_REQUIRE_TOOLS=1)"
    );
    eprintln!("skipped: {why}");
    None
}

fn stdout_of(mut c: Command) -> String {
    let out = c.output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// The line of `text` that starts with `start` (after spaces), split into words.
fn words_of<'a>(text: &'a str, start: &str) -> Vec<&'a str> {
    text.lines()
        .find(|l| l.trim_start().starts_with(start))
        .unwrap_or_else(|| panic!("no line starting {start:?} in:\n{text}"))
        .split_whitespace()
        .collect()
}

#[test]
fn the_reviews_numbers_are_the_ones_the_quorum_command_line_prints() {
    let Some(_) = quorum_cli() else { return };
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let input = "samples/three-zones/cluster.yaml";
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("review.md");
    let out = gui()
        .current_dir(&root)
        .arg(input)
        .arg("--report")
        .arg(&md)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let review = std::fs::read_to_string(&md).unwrap();
    let cli = |args: &[&str]| {
        let mut c = quorum_cli().unwrap();
        c.current_dir(&root).args(args).env("NO_COLOR", "1");
        stdout_of(c)
    };

    // quorum analyze: the critical findings.
    let analyze: serde_json::Value =
        serde_json::from_str(&cli(&["analyze", input, "-o", "json"])).unwrap();
    let critical = analyze["summary"]["critical"].as_u64().unwrap();
    assert!(critical > 0);
    assert!(
        review.contains(&format!("The checks found **{critical} critical finding")),
        "{review}"
    );

    // quorum sweep: the groups that survive every single failure.
    let sweep = cli(&["sweep", input]);
    let survivors = sweep
        .lines()
        .find(|l| l.contains("survive every single failure above"))
        .unwrap_or_else(|| panic!("{sweep}"));
    let (n, rest) = survivors.split_once(" of ").unwrap();
    let m = rest.split_whitespace().next().unwrap();
    assert!(
        review.contains(&format!("**{n} of {m} survive every single failure**")),
        "sweep says {survivors:?}:\n{review}"
    );

    // quorum plan --goal all: leaders in the fullest zone, before, after and best possible.
    let plan = cli(&["plan", input, "--goal", "all"]);
    let w = words_of(&plan, "leaders in fullest zone");
    let (before, after, bound) = (w[4], w[5], w[6]);
    assert!(
        review.contains(&format!(
            "| most leaders in one zone | {before} | {after} | {bound} |"
        )),
        "plan says {w:?}:\n{review}"
    );

    // quorum simulate, with the flags the review gives for its worst zone failure.
    let heading = review
        .lines()
        .find(|l| l.starts_with("## Worst zone failure: "))
        .expect("three-zones has a zone whose loss costs a quorum");
    let zone_section = &review[review.find(heading).unwrap()..];
    let command = format!("`quorum simulate {input} --fail zone:");
    let at = zone_section
        .find(&command)
        .expect("the command to repeat it")
        + command.len();
    let zone = &zone_section[at..at + zone_section[at..].find('`').unwrap()];
    assert_eq!(heading, format!("## Worst zone failure: {zone}"));
    let target = format!("zone:{zone}");
    let target = target.as_str();
    let simulate = cli(&["simulate", input, "--fail", target]);
    let kept = simulate
        .lines()
        .find(|l| l.contains("groups keep their quorum"))
        .unwrap_or_else(|| panic!("{simulate}"));
    let w: Vec<&str> = kept.split_whitespace().collect();
    assert!(
        zone_section.contains(&format!(
            "**{} of {} groups** keep their quorum",
            w[0], w[2]
        )),
        "simulate says {kept:?}:\n{zone_section}"
    );
}
