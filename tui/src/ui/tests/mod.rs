//! The TUI without a terminal: `update` driven by messages (commands run synchronously, as the
//! runtime would), and every view rendered into ratatui's TestBackend and compared to insta
//! snapshots on the samples.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use quorum_core::config::Config;
use quorum_core::simulate::{Event, Target};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::keys::KeyMap;
use super::msg::{Cmd, Msg};
use super::source::{self, Applier, DryApplier, Launch};
use super::state::*;
use super::theme::Theme;
use super::update::update;
use super::view::view;

fn launch(sample: &str) -> Launch {
    Launch::Sample {
        sample: quorum_core::samples::find(sample).expect("a sample"),
        config: Config::default(),
    }
}

fn open(launch: Launch, size: (u16, u16)) -> State {
    let mut state = State::new(KeyMap::defaults(), Theme::dark(), launch.status(), size);
    let msg = source::load(launch, &|_| {});
    run(&mut state, msg);
    state
}

fn sample(name: &str, w: u16, h: u16) -> State {
    open(launch(name), (w, h))
}

/// Handles a message and every command it leads to, as the runtime does (synchronously here).
/// Returns whether a command asked to quit.
fn run(state: &mut State, msg: Msg) -> bool {
    let mut queue = vec![msg];
    let mut quit = false;
    while let Some(m) = queue.pop() {
        match update(state, m) {
            None => {}
            Some(Cmd::Quit) => quit = true,
            Some(Cmd::Apply(plan)) => {
                let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
                DryApplier.apply(plan, tx);
                let mut got = Vec::new();
                while let Ok(m) = rx.try_recv() {
                    got.push(m);
                }
                got.reverse();
                queue.extend(got);
            }
            Some(other) => queue.extend(source::perform(other)),
        }
    }
    quit
}

fn key(state: &mut State, code: KeyCode) -> bool {
    run(state, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn keys(state: &mut State, text: &str) {
    for c in text.chars() {
        key(state, KeyCode::Char(c));
    }
}

fn render(state: &State) -> String {
    let mut terminal = Terminal::new(TestBackend::new(state.size.0, state.size.1)).unwrap();
    terminal.draw(|f| view(state, f)).unwrap();
    terminal.backend().to_string()
}

fn data(state: &State) -> &Data {
    state.data.as_ref().expect("loaded")
}

// ---- update ----

#[test]
fn the_demo_opens_on_the_topology_with_the_first_zone_selected() {
    let state = sample("three-zones", 120, 40);
    assert_eq!(state.view, View::Topology);
    assert_eq!((state.topology.zone, state.topology.node), (0, None));
    assert_eq!(data(&state).topology.zones.len(), 3);
    assert!(!state.source.loading);
}

#[test]
fn arrows_walk_zones_and_nodes_and_up_from_the_first_node_selects_the_zone() {
    let mut s = sample("three-zones", 120, 40);
    key(&mut s, KeyCode::Down);
    assert_eq!(s.topology.node, Some(0));
    key(&mut s, KeyCode::Down);
    assert_eq!(s.topology.node, Some(1));
    key(&mut s, KeyCode::Right);
    assert_eq!((s.topology.zone, s.topology.node), (1, Some(1)));
    key(&mut s, KeyCode::Up);
    key(&mut s, KeyCode::Up);
    assert_eq!(s.topology.node, None);
    key(&mut s, KeyCode::End);
    assert_eq!(s.topology.node, Some(2));
    // Past the last zone nothing moves.
    keys(&mut s, "lll");
    assert_eq!(s.topology.zone, 2);
}

#[test]
fn failing_a_zone_costs_the_skewed_statefulset_its_quorum_and_u_undoes_it() {
    let mut s = sample("three-zones", 120, 40);
    keys(&mut s, "X");
    assert_eq!(
        s.sim.events,
        vec![Event::Fail(Target::Zone("eu-west-1a".into()))]
    );
    let r = s.sim.result.as_ref().expect("an outcome");
    let pg = r.outcome.group("db/pg").unwrap();
    assert!(!pg.has_quorum, "two of three pg replicas sit in eu-west-1a");
    assert!(!s.sim.running);
    keys(&mut s, "u");
    assert!(s.sim.events.is_empty() && s.sim.result.is_none());
}

#[test]
fn events_stack_a_node_failure_on_a_drain() {
    let mut s = sample("three-zones", 120, 40);
    key(&mut s, KeyCode::Right);
    key(&mut s, KeyCode::Down);
    keys(&mut s, "d");
    key(&mut s, KeyCode::Down);
    keys(&mut s, "x");
    let t = &data(&s).topology;
    let b = &t.zones[1];
    assert_eq!(
        s.sim.events,
        vec![
            Event::Drain(Target::Node(t.nodes[b.nodes[0].index()].name().into())),
            Event::Fail(Target::Node(t.nodes[b.nodes[1].index()].name().into())),
        ]
    );
    assert!(s.sim.result.is_some());
    // The same event twice is refused.
    keys(&mut s, "x");
    assert_eq!(s.sim.events.len(), 2);
    assert!(s.flash.as_deref().unwrap().contains("already"));
}

#[test]
fn p_puts_zones_on_one_side_and_enter_cuts_the_partition() {
    let mut s = sample("three-zones", 120, 40);
    keys(&mut s, "p");
    assert_eq!(s.topology.partition.len(), 1);
    key(&mut s, KeyCode::Enter);
    assert!(s.topology.partition.is_empty());
    assert_eq!(
        s.sim.events,
        vec![Event::Partition(vec![
            vec!["eu-west-1a".into()],
            vec!["eu-west-1b".into(), "eu-west-1c".into()]
        ])]
    );
    assert!(s.sim.result.is_some());
    // Esc cancels a side being built.
    keys(&mut s, "p");
    key(&mut s, KeyCode::Esc);
    assert!(s.topology.partition.is_empty());
    assert_eq!(s.sim.events.len(), 1);
}

#[test]
fn enter_on_a_finding_jumps_to_its_group() {
    let mut s = sample("three-zones", 120, 40);
    keys(&mut s, "4");
    let rows = crate::ui::rows::findings(&s, data(&s));
    let i = rows
        .iter()
        .position(|i| {
            let f = &data(&s).analysis.findings[*i];
            f.check == "quorum-zone-loss" && f.subject.name == "pg"
        })
        .expect("the pg finding");
    s.findings.list.selected = i;
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.view, View::Groups);
    let g =
        &data(&s).analysis.groups[crate::ui::rows::groups(&s, data(&s))[s.groups.list.selected]];
    assert_eq!(g.name, "db/pg");
    // Esc goes back to the findings.
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.view, View::Findings);
}

#[test]
fn enter_opens_a_group_q_closes_it_before_quitting() {
    let mut s = sample("three-zones", 120, 40);
    keys(&mut s, "3");
    key(&mut s, KeyCode::Enter);
    assert!(s.groups.open.is_some());
    assert!(!keys_quit(&mut s));
    assert!(s.groups.open.is_none());
    assert!(keys_quit(&mut s));
}

fn keys_quit(s: &mut State) -> bool {
    key(s, KeyCode::Char('q'))
}

#[test]
fn the_filter_narrows_the_list_and_esc_clears_it() {
    let mut s = sample("three-zones", 120, 40);
    keys(&mut s, "3/kafka");
    assert_eq!(s.mode, Mode::Filter);
    let shown = crate::ui::rows::groups(&s, data(&s)).len();
    assert_eq!(shown, 2, "kafka and zookeeper in namespace kafka");
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.mode, Mode::Normal);
    assert_eq!(s.groups.list.filter, "kafka");
    keys(&mut s, "/");
    key(&mut s, KeyCode::Esc);
    assert!(s.groups.list.filter.is_empty());
}

#[test]
fn command_mode_completes_and_switches_views() {
    let mut s = sample("two-dcs", 120, 40);
    keys(&mut s, ":lea");
    key(&mut s, KeyCode::Tab);
    assert_eq!(s.mode, Mode::Command("leaders".into()));
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.view, View::Leaders);
    keys(&mut s, ":con");
    key(&mut s, KeyCode::Tab);
    assert_eq!(s.mode, Mode::Command("context ".into()));
    keys(&mut s, "dc-b");
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.view, View::Topology);
    let t = &data(&s).topology;
    assert_eq!(s.topology.cluster, t.cluster_named("dc-b"));
    keys(&mut s, ":context nope");
    key(&mut s, KeyCode::Enter);
    assert!(s.flash.as_deref().unwrap().contains("dc-a"));
    keys(&mut s, ":bogus");
    key(&mut s, KeyCode::Enter);
    assert!(s.flash.as_deref().unwrap().contains("unknown command"));
}

#[test]
fn apply_on_files_says_it_needs_a_live_cluster() {
    let mut s = sample("three-zones", 120, 40);
    keys(&mut s, "A");
    assert_eq!(
        s.flash.as_deref(),
        Some("apply needs a live cluster (--context)")
    );
    assert_eq!(s.mode, Mode::Normal);
}

#[test]
fn a_plan_steps_through_predicted_states_and_applies_live_after_the_dialog() {
    let mut s = sample("three-zones", 120, 40);
    keys(&mut s, "P");
    assert_eq!(s.mode, Mode::GoalPicker(0));
    key(&mut s, KeyCode::Enter);
    let plan = s.plan.plan.clone().expect("a leaders plan");
    assert!(
        !plan.steps.is_empty(),
        "the sample piles leaders on one node"
    );
    assert!(s.plan.states.contains_key(&0));
    key(&mut s, KeyCode::Down);
    assert_eq!(s.plan.step, 1);
    assert!(s.plan.states.contains_key(&1));
    // The same data, as if it came from a live cluster.
    s.source.kind = SourceKind::Live;
    s.source.contexts = vec!["prod".into()];
    keys(&mut s, "A");
    assert_eq!(s.mode, Mode::Apply);
    keys(&mut s, "y");
    assert!(
        s.plan.apply.iter().all(|x| *x == StepStatus::Done),
        "{:?}",
        s.plan.apply
    );
    assert!(!s.plan.applying);
    assert_eq!(s.flash.as_deref(), Some("plan applied"));
}

#[test]
fn a_plan_outlives_a_live_update_marked_outdated_and_keeps_its_own_graph() {
    let mut s = sample("three-zones", 120, 40);
    keys(&mut s, "P");
    key(&mut s, KeyCode::Enter);
    let plan = s.plan.plan.clone().expect("a leaders plan");
    let base = s.plan.base.as_ref().map(|(t, _)| t.clone()).unwrap();
    // A newer snapshot (of a cluster with one node less): the plan stays, in its own ids.
    let mut smaller = quorum_core::samples::find("three-zones").unwrap().load();
    smaller.clusters[0].nodes.pop();
    let data = Data::open(smaller, Config::default());
    let source = s.source.clone();
    run(
        &mut s,
        Msg::Loaded {
            data: Box::new(data),
            source,
        },
    );
    assert!(s.plan.outdated);
    assert!(std::sync::Arc::ptr_eq(s.plan.plan.as_ref().unwrap(), &plan));
    assert!(std::sync::Arc::ptr_eq(
        &s.plan.base.as_ref().unwrap().0,
        &base
    ));
    // Stepping on predicts from the plan's graph, and the view draws without a panic.
    s.view = View::Plan;
    key(&mut s, KeyCode::End);
    assert!(s.plan.states.contains_key(&(plan.steps.len() - 1)));
    assert!(render(&s).contains("the cluster changed since this plan"));
}

#[test]
fn context_on_a_live_source_reads_another_kubeconfig_context() {
    let mut s = sample("three-zones", 120, 40);
    s.source.kind = SourceKind::Live;
    s.source.contexts = vec!["default".into()];
    s.source.available = vec!["default".into(), "dc-b".into()];
    keys(&mut s, ":context dc");
    key(&mut s, KeyCode::Tab);
    let cmd = update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    assert!(matches!(cmd, Some(Cmd::SwitchContext(ref c)) if c == "dc-b"));
    assert!(
        s.data.is_none(),
        "the old cluster is not shown as the new one"
    );
    assert_eq!(s.source.contexts, vec!["dc-b".to_string()]);
    assert!(s.source.loading);
    // A context the kubeconfig does not have.
    keys(&mut s, ":context nowhere");
    key(&mut s, KeyCode::Enter);
    assert!(
        s.flash
            .as_deref()
            .unwrap()
            .starts_with("no context \"nowhere\"")
    );
}

#[test]
fn a_live_update_reruns_the_scenario_and_a_dropped_connection_is_marked_stale() {
    let mut s = sample("three-zones", 120, 40);
    keys(&mut s, "X");
    let again = source::load(launch("three-zones"), &|_| {});
    run(&mut s, again);
    assert!(
        s.sim.result.is_some(),
        "the stack is simulated on the new snapshot"
    );
    let mut status = s.source.clone();
    status.stale_since = Some(chrono::DateTime::from_timestamp(1_763_000_000, 0).unwrap());
    status.as_of = Some(chrono::DateTime::from_timestamp(1_763_000_042, 0).unwrap());
    status.error = Some("connection refused".into());
    run(&mut s, Msg::Status(status));
    let screen = render(&s);
    assert!(screen.contains("STALE 42s (since"), "{screen}");
    assert!(screen.contains("connection refused"));
}

#[test]
fn a_tiny_terminal_asks_for_more_room_and_a_resize_brings_the_view_back() {
    let mut s = sample("three-zones", 120, 40);
    run(&mut s, Msg::Resize(50, 12));
    assert!(render(&s).contains("make the window larger"));
    // Keys and clicks still work without panicking.
    keys(&mut s, "jjlX");
    run(
        &mut s,
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: 3,
            row: 3,
            modifiers: KeyModifiers::NONE,
        }),
    );
    run(&mut s, Msg::Resize(1, 1));
    render(&s);
    run(&mut s, Msg::Resize(80, 24));
    assert!(render(&s).contains("eu-west-1a"));
}

/// Guards the race CI met: a frame drawn after the terminal grew but before its resize event
/// (or with the event lost) drew the too-small screen at the new size.
#[test]
fn a_frame_is_laid_out_for_the_size_it_is_drawn_at_even_before_the_resize_event() {
    let mut s = sample("three-zones", 50, 12);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    super::draw(&mut terminal, &mut s).unwrap();
    let screen = terminal.backend().to_string();
    assert!(!screen.contains("make the window larger"), "{screen}");
    assert!(screen.contains("eu-west-1a"), "{screen}");
    assert_eq!(s.size, (80, 24));
    // And the other way: a terminal that shrank is too small at once.
    let mut terminal = Terminal::new(TestBackend::new(40, 10)).unwrap();
    super::draw(&mut terminal, &mut s).unwrap();
    assert!(
        terminal
            .backend()
            .to_string()
            .contains("make the window larger")
    );
}

#[test]
fn every_view_renders_at_the_smallest_size_and_at_large_ones() {
    for sample_name in ["three-zones", "two-dcs", "broken-storage", "healthy"] {
        let mut s = sample(sample_name, 60, 15);
        keys(&mut s, "jXP");
        key(&mut s, KeyCode::Enter);
        for size in [(60, 15), (61, 16), (79, 23), (80, 24), (250, 80)] {
            run(&mut s, Msg::Resize(size.0, size.1));
            for view in "123456".chars() {
                keys(&mut s, &view.to_string());
                let screen = render(&s);
                assert!(!screen.contains("make the window larger"), "{screen}");
            }
            keys(&mut s, "3");
            key(&mut s, KeyCode::Enter);
            render(&s);
            key(&mut s, KeyCode::Esc);
            keys(&mut s, "?");
            render(&s);
            key(&mut s, KeyCode::Esc);
        }
    }
}

fn click(s: &mut State, column: u16, row: u16) {
    run(
        s,
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        }),
    );
}

#[test]
fn a_click_picks_a_tab_a_zone_a_node_and_a_row() {
    let mut s = sample("three-zones", 120, 40);
    // The second column's first node row: below the summary, the border and 3 header lines.
    click(&mut s, 50, 6);
    assert_eq!((s.topology.zone, s.topology.node), (1, Some(0)));
    let (_, _, x0, _) = super::layout::tabs(&s)[2];
    click(&mut s, x0 + 1, 0);
    assert_eq!(s.view, View::Groups);
    click(&mut s, 10, 5);
    assert_eq!(s.groups.list.selected, 2);
}

#[test]
fn help_lists_the_bound_keys_and_any_close_key_closes_it() {
    let mut s = sample("three-zones", 120, 40);
    keys(&mut s, "?");
    assert_eq!(s.mode, Mode::Help(0));
    let screen = render(&s);
    assert!(screen.contains("fail the selected node"));
    // Every mark on screen is explained (on a screen tall enough for all of the help).
    run(&mut s, Msg::Resize(200, 90));
    let whole = render(&s);
    for (mark, _) in crate::ui::view::LEGEND {
        assert!(
            whole.contains(mark),
            "{mark} is not in the legend:\n{whole}"
        );
    }
    // On a small terminal the help scrolls to its last line.
    run(&mut s, Msg::Resize(80, 24));
    assert!(!render(&s).contains("keys and theme"));
    for _ in 0..6 {
        if render(&s).contains("keys and theme") {
            break;
        }
        key(&mut s, KeyCode::PageDown);
    }
    assert!(render(&s).contains("keys and theme"));
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.mode, Mode::Normal);
}

#[test]
fn input_problems_show_beside_what_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cluster.yaml");
    std::fs::write(
        &file,
        "apiVersion: v1\nkind: Node\nmetadata:\n  name: a1\n  labels: {topology.kubernetes.io/zone: eu-a}\nstatus:\n  conditions: [{type: Ready, status: 'True'}]\n---\nkind: [broken\n",
    )
    .unwrap();
    let launch = Launch::Files {
        inputs: vec![quorum_core::load::Input::new("default", &file)],
        config: Config::default(),
        now: None,
        label: "cluster.yaml".into(),
    };
    let mut s = open(launch, (120, 30));
    assert_eq!(data(&s).input_errors(), 1);
    let screen = render(&s);
    assert!(screen.contains("Input problems (1)"), "{screen}");
    assert!(screen.contains("a1"), "the readable node still shows");
    keys(&mut s, "i");
    assert!(!render(&s).contains("Input problems"));
}

#[test]
fn a_source_that_cannot_load_says_why() {
    let launch = Launch::Files {
        inputs: vec![quorum_core::load::Input::new(
            "default",
            "/nonexistent/quorum/cluster.yaml",
        )],
        config: Config::default(),
        now: None,
        label: "missing".into(),
    };
    let s = open(launch, (100, 30));
    assert!(s.data.is_none());
    assert!(s.source.error.is_some());
    assert!(render(&s).contains("quorum demo"));
}

// ---- views (insta snapshots of every view on the samples) ----

macro_rules! snap {
    ($name:literal, $state:expr) => {
        insta::assert_snapshot!($name, render(&$state));
    };
}

#[test]
fn snapshot_topology() {
    snap!("topology_120x40", sample("three-zones", 120, 40));
    snap!("topology_80x24", sample("three-zones", 80, 24));
    snap!("topology_two_dcs_200x60", sample("two-dcs", 200, 60));
    let mut s = sample("broken-storage", 100, 30);
    keys(&mut s, "jj");
    snap!("topology_broken_storage_node_selected", s);
}

#[test]
fn snapshot_topology_after_a_zone_failure() {
    let mut s = sample("three-zones", 140, 40);
    keys(&mut s, "X");
    snap!("topology_after_fail_zone_140x40", s);
    let mut s = sample("three-zones", 80, 24);
    keys(&mut s, "X");
    snap!("topology_after_fail_zone_80x24", s);
}

#[test]
fn snapshot_leaders() {
    let mut s = sample("three-zones", 120, 40);
    keys(&mut s, "2");
    snap!("leaders_120x40", s);
    let mut s = sample("three-zones", 80, 24);
    keys(&mut s, "2");
    snap!("leaders_80x24", s);
}

#[test]
fn snapshot_groups() {
    let mut s = sample("three-zones", 120, 40);
    keys(&mut s, "3");
    snap!("groups_120x40", s);
    key(&mut s, KeyCode::Enter);
    snap!("group_open_120x40", s);
    let mut s = sample("two-dcs", 120, 30);
    keys(&mut s, "X3");
    snap!("groups_two_dcs", s);
}

#[test]
fn snapshot_findings() {
    let mut s = sample("broken-storage", 120, 40);
    keys(&mut s, "4");
    snap!("findings_120x40", s);
    keys(&mut s, "s");
    snap!("findings_warning_and_up", s);
}

#[test]
fn snapshot_simulate() {
    let mut s = sample("three-zones", 120, 40);
    keys(&mut s, "5");
    snap!("simulate_empty", s);
    keys(&mut s, "1X5");
    snap!("simulate_after_fail_zone", s);
}

#[test]
fn snapshot_plan() {
    let mut s = sample("three-zones", 120, 40);
    keys(&mut s, "6");
    snap!("plan_empty", s);
    keys(&mut s, "P");
    snap!("plan_goal_picker", s);
    key(&mut s, KeyCode::Enter);
    snap!("plan_leaders", s);
    // The apply dialog, as it will show on a live cluster: every mutating call, then progress.
    s.source.kind = SourceKind::Live;
    s.source.contexts = vec!["prod-eu".into()];
    keys(&mut s, "A");
    snap!("plan_apply_dialog", s);
    keys(&mut s, "y");
    snap!("plan_apply_done", s);
}

#[test]
fn snapshot_help_command_and_too_small() {
    let mut s = sample("three-zones", 120, 40);
    keys(&mut s, "?");
    snap!("help_120x40", s);
    key(&mut s, KeyCode::Esc);
    keys(&mut s, ":g");
    snap!("command_prompt", s);
    snap!("too_small", sample("three-zones", 59, 20));
}

#[test]
fn snapshot_no_color_and_light_render_the_same_text() {
    let mut s = sample("three-zones", 100, 30);
    let dark = render(&s);
    s.theme = Theme::mono();
    assert_eq!(render(&s), dark, "marks carry the meaning without colour");
    s.theme = Theme::light();
    assert_eq!(render(&s), dark);
}

// ---- frame time on a big cluster (BENCHMARKS.md, "Terminal UI"; bench/tui.sh runs it) ----

/// Renders every view many times on `QUORUM_TUI_BENCH_FILE` and prints the frame times.
#[test]
#[ignore = "needs a generated cluster: bench/tui.sh"]
fn frame_time_on_a_big_cluster() {
    use std::time::Instant;
    let Some(path) = std::env::var_os("QUORUM_TUI_BENCH_FILE") else {
        eprintln!("note: set QUORUM_TUI_BENCH_FILE to a generated cluster");
        return;
    };
    let started = Instant::now();
    let launch = Launch::Files {
        inputs: vec![quorum_core::load::Input::new("default", &path)],
        config: Config::default(),
        now: None,
        label: "bench".into(),
    };
    let mut s = open(launch, (200, 60));
    println!(
        "load, graph, analysis, overview: {:.2} s ({} pods, {} nodes)",
        started.elapsed().as_secs_f64(),
        data(&s).topology.pods.len(),
        data(&s).topology.nodes.len()
    );
    let frames = 30;
    let measure = |label: &str, s: &mut State, size: (u16, u16)| {
        s.size = size;
        let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).unwrap();
        let mut times = Vec::with_capacity(frames);
        for _ in 0..frames {
            let t0 = Instant::now();
            terminal.draw(|f| view(s, f)).unwrap();
            times.push(t0.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{label:<40} {}x{}: median {:6.2} ms, max {:6.2} ms",
            size.0,
            size.1,
            times[frames / 2],
            times[frames - 1]
        );
    };
    for size in [(200, 60), (80, 24)] {
        s.view = View::Topology;
        s.topology.expanded = Some(false);
        measure("topology (nodes)", &mut s, size);
        s.topology.expanded = Some(true);
        measure("topology (nodes and pods)", &mut s, size);
        keys(&mut s, "llllGkk");
        measure("topology (scrolled)", &mut s, size);
        s.topology.filter = "node-1".into();
        measure("topology (filtered)", &mut s, size);
        s.topology.filter.clear();
        keys(&mut s, "2G");
        measure("leaders (at the end of the list)", &mut s, size);
        keys(&mut s, "3G");
        measure("groups (at the end of the list)", &mut s, size);
        key(&mut s, KeyCode::Enter);
        measure("group open", &mut s, size);
        key(&mut s, KeyCode::Esc);
        keys(&mut s, "4G");
        measure("findings (at the end of the list)", &mut s, size);
        s.findings.list.filter = "zone".into();
        measure("findings (filtered)", &mut s, size);
        s.findings.list.filter.clear();
    }
    // A keypress: update alone.
    let t0 = Instant::now();
    for _ in 0..100 {
        keys(&mut s, "jk");
    }
    println!(
        "update, one key: {:.3} ms",
        t0.elapsed().as_secs_f64() * 1000.0 / 200.0
    );
    let t0 = Instant::now();
    keys(&mut s, "1X");
    println!(
        "fail a zone (simulate, graph after, overview): {:.2} s",
        t0.elapsed().as_secs_f64()
    );
    s.topology.expanded = Some(true);
    measure("topology after a zone failure", &mut s, (200, 60));
    keys(&mut s, "5");
    measure("simulate", &mut s, (200, 60));
    let t0 = Instant::now();
    keys(&mut s, "P");
    key(&mut s, KeyCode::Enter);
    println!(
        "plan leaders and the first predicted state: {:.2} s",
        t0.elapsed().as_secs_f64()
    );
    measure("plan", &mut s, (200, 60));
}

mod scale;
mod views;

#[test]
fn a_file_being_loaded_shows_how_far_it_has_come() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/three-zones");
    let launch = Launch::Files {
        inputs: vec![quorum_core::load::Input::new("default", path)],
        config: Config::default(),
        now: None,
        label: "three-zones".into(),
    };
    let mut state = State::new(KeyMap::defaults(), Theme::dark(), launch.status(), (80, 24));
    let told = std::sync::Mutex::new(Vec::new());
    let last = source::load(launch, &|msg| told.lock().unwrap().push(msg));
    let told = told.into_inner().unwrap();
    let progress: Vec<String> = told
        .iter()
        .filter_map(|m| match m {
            Msg::Status(s) => s.progress.clone(),
            _ => None,
        })
        .collect();
    assert!(
        progress.iter().any(|p| p == "building the topology"),
        "{progress:?}"
    );
    assert!(
        progress.iter().any(|p| p == "running the checks"),
        "{progress:?}"
    );
    // The waiting screen says it while the load runs.
    for msg in told {
        run(&mut state, msg);
    }
    assert!(state.data.is_none());
    let screen = render(&state);
    assert!(screen.contains("loading… running the checks"), "{screen}");
    run(&mut state, last);
    assert!(state.data.is_some() && !state.source.loading);
}
