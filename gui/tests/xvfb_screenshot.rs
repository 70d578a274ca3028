//! A real window under Xvfb: the binary opens the three-zones sample, saves a PNG of itself with
//! egui's screenshot command (`--screenshot`), and the picture is checked to be a drawn window,
//! not a blank one. Skipped, saying so, where `xvfb-run` is not installed (a failure under
//! `QUORUM_REQUIRE_TOOLS=1`, as in CI).

use std::process::Command;
use std::time::Duration;

fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn the_window_under_xvfb_draws_the_cluster() {
    if !have("xvfb-run") {
        let why = "xvfb-run is not installed (apt-get install xvfb)";
        // CI (.ci/run) requires every tool: a test that could not run is a failure there.
        assert!(
            std::env::var_os("QUORUM_REQUIRE_TOOLS").is_none_or(|v| v != "1"),
            "{why} (QUORUM_REQUIRE_TOOLS=1)"
        );
        eprintln!("skipped: {why}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("window.png");
    let mut child = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1600x1000x24"])
        .arg(env!("CARGO_BIN_EXE_quorum-gui"))
        .args(["--sample", "three-zones", "--screenshot"])
        .arg(&png)
        // Software OpenGL: the CI machine has no GPU.
        .env("LIBGL_ALWAYS_SOFTWARE", "1")
        .env("XDG_CONFIG_HOME", dir.path())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("the window did not save its screenshot within 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "quorum-gui exited with {status}");
    let image = image::open(&png).expect("a PNG").to_rgba8();
    assert!(
        image.width() >= 900 && image.height() >= 560,
        "{}x{}",
        image.width(),
        image.height()
    );
    // A drawn window has many colours: panels, text, group colours, crowns.
    let mut colours = std::collections::HashSet::new();
    for p in image.pixels().step_by(7) {
        colours.insert(p.0);
    }
    assert!(
        colours.len() > 50,
        "only {} colours: a blank window?",
        colours.len()
    );
}
