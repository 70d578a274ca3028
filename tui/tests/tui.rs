//! The terminal UI end to end: the real binary in a pseudo-terminal (a private tmux server),
//! driven by keys, read back from the screen; and what it does without a terminal.

use assert_cmd::Command as AssertCommand;
use predicates::prelude::*;

mod common;
use common::Tmux;

#[test]
fn demo_in_a_terminal_navigates_fails_a_zone_shows_the_outcome_and_restores_the_terminal() {
    if !Tmux::available() {
        return;
    }
    let bin = env!("CARGO_BIN_EXE_quorum");
    // The shell stays after quorum exits so the pane's modes can be read.
    let tmux = Tmux::start(
        "demo",
        120,
        40,
        &format!("'{bin}' demo; echo quorum-exited-$?; sleep 30"),
    );
    tmux.wait_for_all(&["eu-west-1a", "Topology", "read-only"]);
    assert_eq!(
        tmux.tmux(&["display", "-p", "-t", "t", "#{alternate_on}"])
            .trim(),
        "1"
    );

    // Navigate: the groups, back home, into the second zone and back.
    tmux.keys("3");
    tmux.wait_for("survives the loss");
    tmux.keys("1");
    tmux.wait_for("quorum replicas");
    tmux.keys("ljkh");

    // Fail the first zone: its three nodes go down and db/pg loses its quorum, in place.
    tmux.keys("X");
    tmux.wait_for_all(&["nodes 0/3", "✗ ip-10-0-1-10", "Lost quorum (1)", "db/pg"]);
    tmux.keys("5");
    tmux.wait_for_all(&["Timeline", "LOST db/pg"]);

    tmux.keys("q");
    tmux.wait_for("quorum-exited-0");
    // The terminal is back: alternate screen left, cursor shown, mouse released.
    let modes = tmux.tmux(&[
        "display",
        "-p",
        "-t",
        "t",
        "#{alternate_on} #{cursor_flag} #{mouse_any_flag}",
    ]);
    assert_eq!(modes.trim(), "0 1 0", "alternate screen, cursor, mouse");
}

#[test]
fn a_small_window_asks_for_room_and_a_resize_brings_the_view_back() {
    if !Tmux::available() {
        return;
    }
    let bin = env!("CARGO_BIN_EXE_quorum");
    let tmux = Tmux::start(
        "small",
        50,
        12,
        &format!("'{bin}' demo; echo quorum-exited-$?; sleep 30"),
    );
    tmux.wait_for("make the window larger");
    tmux.tmux(&["resize-window", "-t", "t", "-x", "80", "-y", "24"]);
    tmux.wait_for("eu-west-1a");
    tmux.keys("q");
    tmux.wait_for("quorum-exited-0");
}

/// The race behind a CI failure, brought out on purpose: the window is resized before the input
/// thread reads its first event (held back here; a loaded machine starts it late). The resize
/// must not be lost.
#[test]
fn a_resize_before_the_input_thread_reads_is_not_lost() {
    if !Tmux::available() {
        return;
    }
    let bin = env!("CARGO_BIN_EXE_quorum");
    let tmux = Tmux::start(
        "resize-early",
        50,
        12,
        &format!("QUORUM_TEST_INPUT_DELAY_MS=3000 '{bin}' demo; echo quorum-exited-$?; sleep 30"),
    );
    tmux.wait_for("make the window larger");
    // Not a wait for a result: it lets the demo's data arrive first, so that nothing but the
    // resize event itself could bring the view back (a later frame would follow the new size).
    std::thread::sleep(std::time::Duration::from_millis(500));
    tmux.tmux(&["resize-window", "-t", "t", "-x", "80", "-y", "24"]);
    tmux.wait_for("eu-west-1a");
    tmux.keys("q");
    tmux.wait_for("quorum-exited-0");
}

/// Leaving while a large cluster still loads: `q` quits at once, not when the load ends (the
/// load is held back for ten minutes here; before, quitting waited for it).
#[test]
fn q_quits_while_the_cluster_is_still_loading() {
    if !Tmux::available() {
        return;
    }
    let bin = env!("CARGO_BIN_EXE_quorum");
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/../samples/three-zones");
    let tmux = Tmux::start(
        "quit-while-loading",
        100,
        30,
        &format!(
            "QUORUM_TEST_LOAD_DELAY_MS=600000 '{bin}' tui '{sample}'; echo quorum-exited-$?; sleep 30"
        ),
    );
    tmux.wait_for("loading");
    tmux.keys("q");
    tmux.wait_for("quorum-exited-0");
}

#[test]
fn without_a_terminal_quorum_prints_a_hint_and_exits_2() {
    AssertCommand::cargo_bin("quorum")
        .unwrap()
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs a terminal"));
    AssertCommand::cargo_bin("quorum")
        .unwrap()
        .arg("tui")
        .arg("whatever.yaml")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs a terminal"));
}

#[test]
fn the_tui_on_a_context_without_a_terminal_exits_2() {
    AssertCommand::cargo_bin("quorum")
        .unwrap()
        .args(["tui", "--context", "prod"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs a terminal"));
}

#[test]
fn a_bad_key_in_the_configuration_is_an_error_naming_the_actions() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("quorum.yaml");
    std::fs::write(&config, "tui:\n  keys:\n    explode: e\n").unwrap();
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../samples/three-zones/cluster.yaml");
    AssertCommand::cargo_bin("quorum")
        .unwrap()
        .arg("tui")
        .arg(&sample)
        .arg("--config")
        .arg(&config)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("explode"))
        .stderr(predicate::str::contains("fail-zone"));
}
