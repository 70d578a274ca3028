//! What the views show: counts that match their lists, risk in colour, what-ifs and partitions,
//! the describe pane, commands and orders.

use super::*;

/// Per node row on screen: its pod count and the pod lines listed under it, column by column.
fn rows_and_pods(screen: &str) -> Vec<(String, u32, usize)> {
    rows_and_pods_per_column(screen)
        .into_iter()
        .flatten()
        .collect()
}

/// The node rows of each column (zone) on screen, top to bottom: name, the pod count the row
/// shows and the pod lines listed under it.
pub(super) fn rows_and_pods_per_column(screen: &str) -> Vec<Vec<(String, u32, usize)>> {
    let mut columns: Vec<Vec<String>> = Vec::new();
    for line in screen.lines() {
        // Only the lines inside the zone boxes (the footer's words are no pods).
        if !line.contains('│') {
            continue;
        }
        let cells: Vec<&str> = line.trim_matches('"').split('│').collect();
        for (i, c) in cells.iter().enumerate() {
            if columns.len() <= i {
                columns.push(Vec::new());
            }
            columns[i].push(c.to_string());
        }
    }
    let mut out = Vec::new();
    for column in columns {
        // Lines above a column's first node (its zone header) belong to no node.
        let mut rows: Vec<(String, u32, usize)> = Vec::new();
        for cell in column {
            let t = cell.trim_end();
            let node_row = (t.starts_with('●') || t.starts_with('✗') || t.starts_with('⊘'))
                && t.ends_with('p')
                && t.contains(" L");
            if node_row {
                let count = t
                    .rsplit(' ')
                    .next()
                    .and_then(|w| w.trim_end_matches('p').parse().ok())
                    .unwrap();
                let name = t[3..].split_whitespace().next().unwrap().to_string();
                rows.push((name, count, 0));
            } else if (t.contains('/') && !t.contains('→')
                || t.starts_with("→ ")
                || t.starts_with("✗ "))
                && !rows.is_empty()
            {
                rows.last_mut().unwrap().2 += 1;
            }
        }
        if !rows.is_empty() {
            out.push(rows);
        }
    }
    out
}

#[test]
fn every_node_row_lists_as_many_pods_as_it_counts_at_rest_and_in_a_what_if() {
    for events in ["", "X", "jx", "jjd"] {
        let mut s = sample("three-zones", 200, 90);
        keys(&mut s, events);
        let rows = rows_and_pods(&render(&s));
        assert!(rows.len() >= 9, "{events:?}: {rows:?}");
        for (node, count, listed) in &rows {
            assert_eq!(*count as usize, *listed, "{events:?}: node {node}");
        }
    }
}

/// The colour of the first cell where `text` starts on screen.
fn colour_of(state: &State, text: &str) -> Option<ratatui::style::Color> {
    let mut terminal = Terminal::new(TestBackend::new(state.size.0, state.size.1)).unwrap();
    terminal.draw(|f| view(state, f)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    let width = buffer.area.width as usize;
    let cells = buffer.content();
    let line_of = |y: usize| -> String {
        cells[y * width..(y + 1) * width]
            .iter()
            .map(|c| c.symbol())
            .collect()
    };
    for y in 0..buffer.area.height as usize {
        let line = line_of(y);
        if let Some(byte) = line.find(text) {
            let x = line[..byte].chars().count();
            return cells[y * width + x].style().fg;
        }
    }
    None
}

#[test]
fn risk_shows_at_rest_in_the_colour_of_the_worst_finding() {
    // pg's two replicas in eu-west-1a lose quorum with the zone (critical): their nodes, the pods
    // and the group are red before anything is simulated.
    let mut s = sample("three-zones", 200, 60);
    let critical = s.theme.critical.fg;
    assert!(critical.is_some());
    assert_eq!(colour_of(&s, "ip-10-0-1-12"), critical);
    assert_eq!(colour_of(&s, "db/pg-0"), critical);
    // A node with no finding about it or its pods stays plain.
    assert_ne!(colour_of(&s, "ip-10-0-3-10"), critical);
    assert_ne!(colour_of(&s, "ip-10-0-3-10"), s.theme.warning.fg);
    keys(&mut s, "3");
    assert_eq!(colour_of(&s, "db/pg"), critical);
    // The broken-storage sample's pod outside its volume's zone is marked and red.
    let s = sample("broken-storage", 200, 60);
    assert_eq!(colour_of(&s, "mq/rabbit-0"), critical);
    // What no node column shows: the pending pod, and the zone only its volume is in.
    let screen = render(&s);
    assert!(screen.contains("1 pending (on no node)"), "{screen}");
    assert!(
        screen.contains("us-east-1c: 1 volume but no node"),
        "{screen}"
    );
}

#[test]
fn a_scenario_being_computed_is_marked_and_the_numbers_on_screen_say_whose_they_are() {
    let mut s = sample("three-zones", 200, 40);
    keys(&mut s, "X");
    // The next event, with its result not back yet (the runtime has not performed it).
    let pending = update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE)),
    );
    assert!(pending.is_none());
    let cmd = update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE)),
    );
    assert!(matches!(cmd, Some(Cmd::Simulate { .. })));
    let screen = render(&s);
    assert!(screen.contains("⏳ simulating"), "{screen}");
    assert!(
        screen.contains("(below: the previous scenario)"),
        "{screen}"
    );
    assert!(screen.contains("computing…"), "{screen}");
    run(&mut s, source::perform(cmd.unwrap()).unwrap());
    let screen = render(&s);
    assert!(!screen.contains("simulating"), "{screen}");
}

#[test]
fn the_leaders_view_shows_every_node_that_holds_a_leader_or_counts_the_rest() {
    // Per node, the bars add up to the leaders placed on nodes, at any height.
    for height in [40, 24] {
        let mut s = sample("three-zones", 120, height);
        keys(&mut s, "2");
        let d = data(&s);
        let placed = d.overview.placed_leaders;
        let screen = render(&s);
        let nodes = d.overview.nodes.iter().filter(|n| n.leaders > 0).count();
        let bars: u32 = d
            .topology
            .nodes
            .iter()
            .enumerate()
            .filter(|(i, n)| d.overview.nodes[*i].leaders > 0 && screen.contains(n.name()))
            .map(|(i, _)| d.overview.nodes[i].leaders)
            .sum();
        let rest: u32 = screen
            .lines()
            .find_map(|l| {
                let after = l.split("more holding ").nth(1)?;
                after.split_whitespace().next()?.parse().ok()
            })
            .unwrap_or(0);
        assert_eq!(
            bars + rest,
            placed,
            "{height} rows, {nodes} nodes:\n{screen}"
        );
    }
}

#[test]
fn a_partition_shows_what_each_side_keeps_and_who_may_write_on_both() {
    let mut s = sample("three-zones", 200, 60);
    // eu-west-1a on one side, the rest on the other.
    keys(&mut s, "p");
    key(&mut s, KeyCode::Enter);
    let screen = render(&s);
    assert!(screen.contains("Side eu-west-1a: quorum for"), "{screen}");
    assert!(
        screen.contains("Side eu-west-1b, eu-west-1c: quorum for"),
        "{screen}"
    );
    assert!(screen.contains("Split brain ("), "{screen}");
    assert!(
        screen.contains("kafka/kafka: kafka-0 | kafka-1, kafka-2"),
        "{screen}"
    );
    // The Simulate view says the same at 80 columns, with each group's replicas per side and
    // why both sides may write, wrapped rather than cut.
    s.size = (80, 90);
    keys(&mut s, "5");
    let screen = render(&s);
    let text = screen
        .lines()
        .map(|l| l.trim_matches('"').trim_matches('│').trim())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("Side eu-west-1a: quorum for"), "{screen}");
    assert!(text.contains(" | "), "replicas per side: {screen}");
    let brain = &s.sim.result.as_ref().unwrap().outcome.split_brain[0];
    let squeeze = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(squeeze(&text).contains(&squeeze(&brain.reason)), "{screen}");
}

#[test]
fn at_80_by_24_the_outcome_of_a_what_if_stays_on_screen_whole() {
    let mut s = sample("three-zones", 80, 24);
    keys(&mut s, "X");
    let screen = render(&s);
    let text: String = screen
        .lines()
        .map(|l| l.trim_matches('"').trim_end())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        text.contains("1 group without quorum")
            && text.contains("12 re-elections")
            && text.contains("0 pending"),
        "{screen}"
    );
}

/// The numbers a what-if shows are core's: the same what-if in the desktop app shows the same
/// (its test, `a_what_if_shows_cores_counts_for_the_state_it_draws`, compares with core too).
#[test]
fn a_what_if_shows_cores_counts_of_the_cluster_after_it() {
    let mut s = sample("three-zones", 160, 40);
    keys(&mut s, "X");
    let d = data(&s);
    let w = quorum_core::workbench::what_if(&d.topology, &s.sim.events).unwrap();
    let zones = &w.overview.zones;
    let sum = |f: fn(&quorum_core::overview::ZoneSummary) -> u32| zones.iter().map(f).sum::<u32>();
    let expected = format!(
        "{}/{} nodes ready · {} pods · {} leaders",
        sum(|z| z.ready_nodes),
        sum(|z| z.nodes),
        sum(|z| z.pods),
        sum(|z| z.leaders)
    );
    // Not today's counts: the failed zone's pods and leaders moved or stopped.
    assert_ne!(
        sum(|z| z.ready_nodes),
        d.overview.zones.iter().map(|z| z.ready_nodes).sum::<u32>()
    );
    let screen = render(&s);
    assert!(screen.contains(&expected), "{expected}\n{screen}");
}

#[test]
fn node_and_group_commands_complete_names_and_jump_to_them() {
    let mut s = sample("three-zones", 120, 40);
    keys(&mut s, ":node ip-10-0-2-1");
    key(&mut s, KeyCode::Tab);
    assert_eq!(
        s.mode,
        Mode::Command("node ip-10-0-2-1".into()),
        "three nodes start so"
    );
    keys(&mut s, "1");
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.view, View::Topology);
    let d = data(&s);
    let (_, node) = crate::ui::rows::selection(&s, d);
    assert_eq!(
        node.map(|n| d.topology.node_display(n)).as_deref(),
        Some("ip-10-0-2-11")
    );
    keys(&mut s, ":group kafka/z");
    key(&mut s, KeyCode::Tab);
    assert_eq!(s.mode, Mode::Command("group kafka/zookeeper".into()));
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.view, View::Groups);
    let d = data(&s);
    let open = s.groups.open.expect("the group is open");
    assert_eq!(d.topology.group_display(open), "kafka/zookeeper");
    keys(&mut s, ":node nope");
    key(&mut s, KeyCode::Enter);
    assert!(s.flash.as_deref().unwrap().contains("no node"));
}

#[test]
fn v_describes_a_node_or_a_group_with_its_findings_and_their_source() {
    let mut s = sample("three-zones", 160, 50);
    keys(&mut s, ":node ip-10-0-1-11");
    key(&mut s, KeyCode::Enter);
    keys(&mut s, "v");
    assert!(matches!(s.mode, Mode::Describe(..)));
    let screen = render(&s);
    assert!(screen.contains("node ip-10-0-1-11"), "{screen}");
    assert!(screen.contains("zone eu-west-1a"), "{screen}");
    // Its pods' findings are its findings: pg loses quorum with this zone.
    assert!(screen.contains("Findings ("), "{screen}");
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.mode, Mode::Normal);
    keys(&mut s, ":group db/pg");
    key(&mut s, KeyCode::Enter);
    keys(&mut s, "v");
    let screen = render(&s);
    assert!(screen.contains("group db/pg"), "{screen}");
    assert!(screen.contains("critical quorum-zone-loss"), "{screen}");
    assert!(
        screen.contains("cluster.yaml:"),
        "the finding's file and line:\n{screen}"
    );
}

#[test]
fn o_orders_nodes_and_groups_by_risk_leaders_and_quorum_replicas() {
    let mut s = sample("three-zones", 160, 50);
    let zone_a = |s: &State| {
        let d = data(s);
        let zones = crate::ui::rows::zones(s, d);
        crate::ui::rows::nodes(s, d, zones[0])
            .iter()
            .map(|n| d.topology.node_display(*n))
            .collect::<Vec<_>>()
    };
    assert_eq!(zone_a(&s), ["ip-10-0-1-10", "ip-10-0-1-11", "ip-10-0-1-12"]);
    keys(&mut s, "o");
    assert_eq!(s.topology.order, Order::Risk);
    // The nodes holding pg's replicas (critical) come before the one holding none.
    assert_eq!(zone_a(&s).last().map(String::as_str), Some("ip-10-0-1-10"));
    keys(&mut s, "o");
    assert_eq!(zone_a(&s)[0], "ip-10-0-1-11", "10 leaders");
    keys(&mut s, "3");
    let d = data(&s);
    let first = crate::ui::rows::groups(&s, d)[0];
    assert_eq!(
        d.analysis.groups[first].mode,
        quorum_core::graph::Mode::Quorum
    );
    keys(&mut s, "oo");
    assert_eq!(s.topology.order, Order::Name);
}

#[test]
fn the_plans_warnings_show_whole_at_80_columns() {
    let mut s = sample("three-zones", 80, 30);
    keys(&mut s, "P");
    key(&mut s, KeyCode::Enter);
    let plan = s.plan.plan.clone().expect("a leaders plan");
    assert!(
        !plan.warnings.is_empty(),
        "targeted handovers of leases without a strategy warn"
    );
    let text: String = render(&s)
        .lines()
        .map(|l| l.trim_matches('"').trim_end().trim_start_matches(' '))
        .collect::<Vec<_>>()
        .join(" ");
    let squeeze = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    for w in &plan.warnings {
        // Every word of it, wrapped rather than cut.
        assert!(squeeze(&text).contains(&squeeze(w)), "{w}\n{}", render(&s));
    }
}

/// README's terminal UI section and the `?` screen tell the same story: every key `?` lists,
/// every command and every mark of its legend is in README, and README names no command the
/// prompt does not take.
#[test]
fn readme_and_the_help_screen_agree() {
    let readme = include_str!("../../../../README.md");
    let start = readme
        .find("## Terminal UI")
        .expect("README has a terminal UI section");
    let end = start
        + readme[start..]
            .find("\n## Desktop app")
            .expect("the next section");
    let section = &readme[start..end];
    let unnamed: Vec<String> = KeyMap::defaults()
        .help()
        .into_iter()
        .flat_map(|(_, keys, what)| {
            keys.split(' ')
                .filter(|key| !section.contains(&format!("`{key}`")))
                .map(|key| format!("`{key}` ({what})"))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(unnamed.is_empty(), "README does not name {unnamed:#?}");
    let named: std::collections::BTreeSet<&str> = section
        .split('`')
        .flat_map(|code| code.split_whitespace())
        .filter_map(|w| w.strip_prefix(':'))
        .filter(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase()))
        .collect();
    let commands: std::collections::BTreeSet<&str> =
        crate::ui::update::COMMANDS.iter().copied().collect();
    assert_eq!(named, commands, "README's commands and the prompt's");
    let unexplained: Vec<&str> = crate::ui::view::LEGEND
        .iter()
        .flat_map(|(marks, _)| marks.split_whitespace().filter(|m| !m.is_ascii()))
        .filter(|mark| !section.contains(mark))
        .collect();
    assert!(
        unexplained.is_empty(),
        "README does not explain {unexplained:?}"
    );
    // The screen lists every command too.
    let mut s = sample("three-zones", 200, 90);
    keys(&mut s, "?");
    let screen = render(&s);
    for c in &commands {
        assert!(
            screen.contains(&format!(":{c}")),
            ":{c} is not on the help screen"
        );
    }
}

/// The Simulate view's timeline scrolls on its own (→ focuses it): its last entry is
/// reachable, and every entry is whole.
#[test]
fn the_timeline_scrolls_to_its_last_entry() {
    let mut s = sample("three-zones", 100, 30);
    keys(&mut s, "X5");
    let last = s
        .sim
        .result
        .as_ref()
        .unwrap()
        .outcome
        .timeline
        .last()
        .unwrap()
        .what
        .clone();
    // A name longer than the line breaks across lines: compare without any space.
    let squeeze = |t: &str| t.split_whitespace().collect::<String>();
    // The timeline's box: the right of the two side by side.
    let text = |s: &State| {
        render(s)
            .lines()
            .filter_map(|l| l.split("││").nth(1))
            .map(|l| l.trim_matches('"').trim_matches('│').trim().to_string())
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert!(!squeeze(&text(&s)).contains(&squeeze(&last)));
    keys(&mut s, "lG");
    assert!(s.sim.timeline_focus);
    assert_eq!(s.sim.scroll, 0, "the outcome stays where it was");
    assert!(
        squeeze(&text(&s)).contains(&squeeze(&last)),
        "{}",
        render(&s)
    );
    // ← gives ↑↓ back to the outcome.
    keys(&mut s, "hj");
    assert_eq!(s.sim.scroll, 1);
}

/// Esc while a what-if or a plan is being computed cancels it: the mark goes, and the answer,
/// when it comes, is dropped.
#[test]
fn esc_cancels_work_in_progress_and_its_late_answer_is_dropped() {
    let mut s = sample("three-zones", 120, 40);
    let press =
        |s: &mut State, code: KeyCode| update(s, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    let cmd = press(&mut s, KeyCode::Char('X')).expect("a simulation to run");
    assert!(s.sim.running);
    assert!(render(&s).contains("simulating"));
    press(&mut s, KeyCode::Esc);
    assert!(!s.sim.running);
    assert!(s.sim.events.is_empty());
    assert!(s.flash.as_deref().unwrap_or("").contains("cancelled"));
    let late = source::perform(cmd).expect("an answer");
    update(&mut s, late);
    assert!(
        s.sim.result.is_none(),
        "the cancelled what-if's answer is dropped"
    );

    keys(&mut s, "6");
    press(&mut s, KeyCode::Char('P'));
    let cmd = press(&mut s, KeyCode::Enter).expect("a plan to make");
    assert!(s.plan.running);
    press(&mut s, KeyCode::Esc);
    assert!(!s.plan.running);
    let late = source::perform(cmd).expect("an answer");
    update(&mut s, late);
    assert!(
        s.plan.plan.is_none(),
        "the cancelled plan's answer is dropped"
    );
}
