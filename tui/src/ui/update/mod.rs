//! `update`: the only place the state changes. Pure: a message in, the state changed, maybe a
//! command out for the runtime (a simulation, a plan, an apply), whose result comes back as a
//! message.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use quorum_core::check::Severity as Sev;
use quorum_core::graph::{ClusterId, NodeId, ZoneId};
use quorum_core::overview::{Located, locate};
use quorum_core::plan::Goal;
use quorum_core::simulate::{Event, Target};

use super::keys::Action;
use super::layout;
use super::msg::{Cmd, Msg};
use super::rows;
use super::state::*;

/// The `:` commands, for completion and the help.
mod command;

use command::command_key;
pub use command::completions;

pub const COMMANDS: &[&str] = &[
    "zones", "topology", "leaders", "groups", "findings", "simulate", "plan", "node", "group",
    "context", "help", "quit",
];

pub fn update(state: &mut State, msg: Msg) -> Option<Cmd> {
    match msg {
        Msg::Resize(w, h) => {
            state.size = (w, h);
            None
        }
        Msg::Key(key) => {
            state.flash = None;
            key_event(state, key)
        }
        Msg::Mouse(mouse) => mouse_event(state, mouse),
        Msg::Loaded { data, source } => {
            state.source = source;
            // The last state is freed on another thread: at 150,000 pods that takes longer
            // than drawing the new one.
            if let Some(last) = state.data.replace(*data) {
                std::thread::spawn(move || drop(last));
            }
            // Ids of the previous snapshot mean nothing in the new one.
            state.topology.partition.clear();
            clamp_selections(state);
            // A plan keeps the graph it was made on (an apply under way changes the cluster);
            // outcomes were computed on the previous snapshot: redo the scenario.
            state.plan.outdated = state.plan.base.is_some();
            state.sim.result = None;
            if state.sim.events.is_empty() {
                None
            } else {
                simulate(state)
            }
        }
        Msg::Status(source) => {
            state.source = source;
            None
        }
        Msg::Simulated { events, result } => {
            if events != state.sim.events {
                return None; // a result for a stack that has changed since
            }
            state.sim.running = false;
            match result {
                Ok(r) => {
                    state.sim.result = Some(r);
                    state.sim.error = None;
                }
                Err(e) => {
                    state.sim.events.pop();
                    state.flash = Some(format!("simulation failed: {e}"));
                    return simulate(state);
                }
            }
            None
        }
        Msg::Planned { goal, plan } => {
            if state.plan.goal != Some(goal) {
                return None;
            }
            state.plan.running = false;
            state.plan.step = 0;
            state.plan.states.clear();
            state.plan.apply.clear();
            let empty = plan.steps.is_empty();
            state.plan.plan = Some(plan);
            if empty { None } else { plan_state(state) }
        }
        Msg::PlanState { step, overview } => {
            state.plan.states.insert(step, overview);
            None
        }
        Msg::ApplyProgress { step, status } => {
            if let Some(s) = state.plan.apply.get_mut(step) {
                *s = status;
            }
            None
        }
        Msg::ApplyFinished(result) => {
            state.plan.applying = false;
            state.flash = Some(match result {
                Ok(()) => "plan applied".into(),
                Err(e) => format!("apply stopped: {e}"),
            });
            None
        }
    }
}

fn key_event(state: &mut State, key: KeyEvent) -> Option<Cmd> {
    // ctrl-c always quits, whatever has the keyboard.
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        state.quit = true;
        return Some(Cmd::Quit);
    }
    match state.mode.clone() {
        Mode::Command(text) => command_key(state, text, key),
        Mode::Filter => {
            filter_key(state, key);
            None
        }
        Mode::Help(scroll) => {
            let page = page(state);
            state.mode = match state.keys.action(&key) {
                Some(Action::Back | Action::Quit | Action::Help) => Mode::Normal,
                Some(Action::Down) => Mode::Help(scroll + 1),
                Some(Action::Up) => Mode::Help(scroll.saturating_sub(1)),
                Some(Action::PageDown) => Mode::Help(scroll + page),
                Some(Action::PageUp) => Mode::Help(scroll.saturating_sub(page)),
                Some(Action::Top) => Mode::Help(0),
                _ => Mode::Help(scroll),
            };
            None
        }
        Mode::Describe(what, scroll) => {
            let page = page(state);
            state.mode = match state.keys.action(&key) {
                Some(Action::Back | Action::Quit | Action::Describe) => Mode::Normal,
                Some(Action::Down) => Mode::Describe(what, scroll + 1),
                Some(Action::Up) => Mode::Describe(what, scroll.saturating_sub(1)),
                Some(Action::PageDown) => Mode::Describe(what, scroll + page),
                Some(Action::PageUp) => Mode::Describe(what, scroll.saturating_sub(page)),
                Some(Action::Top) => Mode::Describe(what, 0),
                _ => Mode::Describe(what, scroll),
            };
            None
        }
        Mode::GoalPicker(i) => goal_key(state, i, key),
        Mode::Apply => apply_key(state, key),
        Mode::Normal => match state.keys.action(&key) {
            Some(action) => act(state, action),
            None => None,
        },
    }
}

fn filter_key(state: &mut State, key: KeyEvent) {
    let view = state.view;
    match key.code {
        KeyCode::Enter => state.mode = Mode::Normal,
        KeyCode::Esc => {
            if let Some(f) = state.filter_mut() {
                f.clear();
            }
            state.mode = Mode::Normal;
        }
        KeyCode::Backspace => {
            if let Some(f) = state.filter_mut() {
                f.pop();
            }
        }
        KeyCode::Char(c) => {
            if let Some(f) = state.filter_mut() {
                f.push(c);
            }
        }
        _ => return,
    }
    // A new filter starts at the top of what it keeps.
    match view {
        View::Topology => state.topology.node = None,
        View::Leaders => state.leaders.selected = 0,
        View::Groups => state.groups.list.selected = 0,
        View::Findings => state.findings.list.selected = 0,
        View::Simulate | View::Plan => {}
    }
}

fn goal_key(state: &mut State, i: usize, key: KeyEvent) -> Option<Cmd> {
    let action = state.keys.action(&key);
    match (key.code, action) {
        (KeyCode::Enter, _) | (_, Some(Action::Open)) => {
            state.mode = Mode::Normal;
            let goal = Goal::ALL[i];
            let data = state.data.as_ref()?;
            state.plan.goal = Some(goal);
            state.plan.plan = None;
            state.plan.running = true;
            state.plan.base = Some((data.topology.clone(), data.overview.clone()));
            state.plan.outdated = false;
            return Some(Cmd::Plan {
                topology: data.topology.clone(),
                config: data.config.clone(),
                goal,
            });
        }
        (_, Some(Action::Up)) => state.mode = Mode::GoalPicker(i.saturating_sub(1)),
        (_, Some(Action::Down)) => state.mode = Mode::GoalPicker((i + 1).min(Goal::ALL.len() - 1)),
        (_, Some(Action::Back | Action::Quit)) => state.mode = Mode::Normal,
        _ => {}
    }
    None
}

fn apply_key(state: &mut State, key: KeyEvent) -> Option<Cmd> {
    match key.code {
        KeyCode::Char('y') | KeyCode::Char('Y') if !state.plan.applying => {
            let plan = state.plan.plan.clone()?;
            state.plan.apply = vec![StepStatus::Waiting; plan.steps.len()];
            state.plan.applying = true;
            Some(Cmd::Apply(plan))
        }
        _ => {
            if matches!(state.keys.action(&key), Some(Action::Back | Action::Quit))
                || key.code == KeyCode::Char('n')
            {
                state.mode = Mode::Normal;
            }
            None
        }
    }
}

fn switch_view(state: &mut State, view: View) {
    if state.view != view {
        state.history.push(state.view);
        if state.history.len() > 32 {
            state.history.remove(0);
        }
        state.view = view;
    }
}

/// Rows a page moves: the body's height.
fn page(state: &State) -> usize {
    (state.size.1 as usize).saturating_sub(8).max(1)
}

/// A list selection moved by a navigation action.
fn moved(selected: usize, len: usize, action: Action, page: usize) -> usize {
    let last = len.saturating_sub(1);
    match action {
        Action::Up => selected.saturating_sub(1),
        Action::Down => (selected + 1).min(last),
        Action::PageUp => selected.saturating_sub(page),
        Action::PageDown => (selected + page).min(last),
        Action::Top => 0,
        Action::Bottom => last,
        _ => selected,
    }
    .min(last)
}

fn act(state: &mut State, action: Action) -> Option<Cmd> {
    use Action::*;
    match action {
        Quit => {
            if close_something(state) {
                return None;
            }
            state.quit = true;
            return Some(Cmd::Quit);
        }
        Back => {
            if !close_something(state)
                && let Some(v) = state.history.pop()
            {
                state.view = v;
            }
        }
        Help => state.mode = Mode::Help(0),
        Command => state.mode = Mode::Command(String::new()),
        Filter => {
            if state.filter_mut().is_some() {
                state.mode = Mode::Filter;
            } else {
                state.flash = Some(format!("no filter in the {} view", state.view.title()));
            }
        }
        Up | Down | PageUp | PageDown | Top | Bottom => {
            navigate(state, action);
            return after_move(state);
        }
        Left | Right => {
            sideways(state, action);
            return after_move(state);
        }
        Open => return open(state),
        NextView | PrevView => {
            let i = View::ALL.iter().position(|v| *v == state.view).unwrap_or(0);
            let n = View::ALL.len();
            let next = if action == NextView {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            };
            state.view = View::ALL[next];
        }
        Topology => switch_view(state, View::Topology),
        Leaders => switch_view(state, View::Leaders),
        Groups => switch_view(state, View::Groups),
        Findings => switch_view(state, View::Findings),
        Simulate => switch_view(state, View::Simulate),
        Plan => switch_view(state, View::Plan),
        Fail | FailZone | Drain => return scenario_event(state, action),
        Partition => partition_toggle(state),
        Undo => {
            if state.sim.events.pop().is_some() {
                state.flash = Some(format!("undone ({} events left)", state.sim.events.len()));
                return simulate(state);
            }
            state.flash = Some("nothing to undo".into());
        }
        PickGoal => {
            if state.data.is_some() {
                switch_view(state, View::Plan);
                state.mode = Mode::GoalPicker(0);
            }
        }
        Apply => {
            if !state.source.is_live() {
                state.flash = Some("apply needs a live cluster (--context)".into());
            } else if state.plan.plan.as_ref().is_none_or(|p| p.steps.is_empty()) {
                state.flash = Some(format!(
                    "no plan to apply: press {} to pick a goal",
                    state.keys.key(PickGoal)
                ));
            } else {
                switch_view(state, View::Plan);
                state.mode = Mode::Apply;
            }
        }
        Expand => {
            let now = layout::expanded(state);
            state.topology.expanded = Some(!now);
        }
        Describe => {
            let data = state.data.as_ref()?;
            let what = match state.view {
                View::Topology => rows::selection(state, data).1.map(Described::Node),
                View::Groups => state
                    .groups
                    .open
                    .or_else(|| {
                        let rows = rows::groups(state, data);
                        rows.get(state.groups.list.selected)
                            .map(|r| data.analysis.groups[*r].id)
                    })
                    .map(Described::Group),
                _ => None,
            };
            match what {
                Some(w) => state.mode = Mode::Describe(w, 0),
                None => {
                    state.flash =
                        Some("select a node (Topology) or a group (Groups) to describe".into())
                }
            }
        }
        Order => {
            state.topology.order = state.topology.order.next();
            state.flash = Some(format!(
                "nodes and groups: {}",
                state.topology.order.describe()
            ));
        }
        Inputs => state.show_inputs = !state.show_inputs,
        Severity => {
            state.findings.min_severity = match state.findings.min_severity {
                Sev::Info => Sev::Warning,
                Sev::Warning => Sev::Critical,
                Sev::Critical => Sev::Info,
            };
            state.findings.list.selected = 0;
        }
    }
    None
}

/// Closes the innermost open thing; false when nothing was open. Work in progress is the
/// innermost: esc cancels a plan or the last event being simulated (its answer, when it comes,
/// is for a question nobody asks any more and is dropped).
fn close_something(state: &mut State) -> bool {
    if state.plan.running {
        state.plan.running = false;
        state.plan.goal = None;
        state.flash = Some("plan cancelled".into());
        return true;
    }
    if state.sim.running
        && let Some(event) = state.sim.events.pop()
    {
        state.flash = Some(format!("{event} cancelled"));
        // The stack before it: its outcome is still on screen, or comes again.
        state.sim.running = false;
        if state.sim.events.is_empty() {
            state.sim.result = None;
        }
        return true;
    }
    if state.view == View::Groups && state.groups.open.take().is_some() {
        return true;
    }
    if state.view == View::Topology && !state.topology.partition.is_empty() {
        state.topology.partition.clear();
        state.flash = Some("partition cancelled".into());
        return true;
    }
    false
}

fn navigate(state: &mut State, action: Action) {
    let Some(data) = state.data.as_ref() else {
        return;
    };
    let page = page(state);
    match state.view {
        View::Topology => {
            let zones = rows::zones(state, data);
            let Some(zone) = zones.get(state.topology.zone).copied() else {
                return;
            };
            let len = rows::nodes(state, data, zone).len();
            state.topology.node = match (state.topology.node, action) {
                (_, _) if len == 0 => None,
                (None, Action::Down | Action::PageDown) => Some(0),
                (None, Action::Bottom) => Some(len - 1),
                (None, _) => None,
                (Some(0), Action::Up) | (_, Action::Top) => None,
                (Some(i), a) => Some(moved(i, len, a, page)),
            };
        }
        View::Leaders => {
            let len = rows::leaders(state, data).len();
            state.leaders.selected = moved(state.leaders.selected, len, action, page);
        }
        View::Groups => {
            if let Some(g) = state.groups.open {
                let len = data.topology.workloads[data.topology.groups[g.index()].workload.index()]
                    .pods
                    .len();
                state.groups.member = moved(state.groups.member, len, action, page);
            } else {
                let len = rows::groups(state, data).len();
                state.groups.list.selected = moved(state.groups.list.selected, len, action, page);
            }
        }
        View::Findings => {
            let len = rows::findings(state, data).len();
            state.findings.list.selected = moved(state.findings.list.selected, len, action, page);
        }
        View::Simulate => {
            let scroll = if state.sim.timeline_focus {
                &mut state.sim.timeline_scroll
            } else {
                &mut state.sim.scroll
            };
            *scroll = match action {
                Action::Up => scroll.saturating_sub(1),
                Action::Down => *scroll + 1,
                Action::PageUp => scroll.saturating_sub(page),
                Action::PageDown => *scroll + page,
                Action::Top => 0,
                // The view shows the last page of what there is.
                Action::Bottom => usize::MAX / 2,
                _ => *scroll,
            };
        }
        View::Plan => {
            let len = state.plan.plan.as_ref().map_or(0, |p| p.steps.len());
            state.plan.step = moved(state.plan.step, len, action, page);
        }
    }
}

fn sideways(state: &mut State, action: Action) {
    let Some(data) = state.data.as_ref() else {
        return;
    };
    if state.view == View::Topology {
        let n = rows::zones(state, data).len();
        let z = state.topology.zone;
        state.topology.zone = if action == Action::Left {
            z.saturating_sub(1)
        } else {
            (z + 1).min(n.saturating_sub(1))
        };
        clamp_selections(state);
    } else if state.view == View::Simulate {
        state.sim.timeline_focus = action == Action::Right;
    } else if state.view == View::Plan {
        let up = if action == Action::Left {
            Action::Up
        } else {
            Action::Down
        };
        navigate(state, up);
    }
}

fn clamp_selections(state: &mut State) {
    let Some(data) = state.data.as_ref() else {
        return;
    };
    let zones = rows::zones(state, data);
    state.topology.zone = state.topology.zone.min(zones.len().saturating_sub(1));
    if let (Some(i), Some(z)) = (state.topology.node, zones.get(state.topology.zone)) {
        let len = rows::nodes(state, data, *z).len();
        state.topology.node = (len > 0).then(|| i.min(len - 1));
    }
    let leaders = rows::leaders(state, data).len();
    state.leaders.selected = state.leaders.selected.min(leaders.saturating_sub(1));
    let groups = rows::groups(state, data).len();
    state.groups.list.selected = state.groups.list.selected.min(groups.saturating_sub(1));
    let findings = rows::findings(state, data).len();
    state.findings.list.selected = state.findings.list.selected.min(findings.saturating_sub(1));
    if state
        .groups
        .open
        .is_some_and(|g| g.index() >= data.topology.groups.len())
    {
        state.groups.open = None;
    }
}

fn open(state: &mut State) -> Option<Cmd> {
    let data = state.data.as_ref()?;
    match state.view {
        View::Topology => {
            if !state.topology.partition.is_empty() {
                return cut_partition(state);
            }
            let now = layout::expanded(state);
            state.topology.expanded = Some(!now);
        }
        View::Leaders => {
            let rows = rows::leaders(state, data);
            let record = &data.analysis.leaders.records[*rows.get(state.leaders.selected)?];
            match data.topology.holder_node(record.id) {
                Some(node) => select_node(state, node),
                None => {
                    state.flash = Some(format!("{} has no holder on a node", record.lease));
                }
            }
        }
        View::Groups => match state.groups.open {
            None => {
                let rows = rows::groups(state, data);
                let g = &data.analysis.groups[*rows.get(state.groups.list.selected)?];
                state.groups.open = Some(g.id);
                state.groups.member = 0;
            }
            Some(g) => {
                let t = &data.topology;
                let w = &t.workloads[t.groups[g.index()].workload.index()];
                let pod = *w.pods.get(state.groups.member)?;
                match t.pods[pod.index()].node {
                    Some(node) => select_node(state, node),
                    None => {
                        state.flash = Some(format!("{} is not on a node", t.pod_display(pod)));
                    }
                }
            }
        },
        View::Findings => {
            let rows = rows::findings(state, data);
            let finding = &data.analysis.findings[*rows.get(state.findings.list.selected)?];
            match locate(&data.topology, &finding.subject) {
                Some(place) => jump(state, place),
                None => {
                    state.flash = Some(format!(
                        "{} {} is not shown in a view",
                        finding.subject.kind, finding.subject.name
                    ))
                }
            }
        }
        View::Simulate | View::Plan => {}
    }
    None
}

/// Shows a located object in its view.
pub fn jump(state: &mut State, place: Located) {
    let Some(data) = state.data.as_ref() else {
        return;
    };
    match place {
        Located::Node(node) => select_node(state, node),
        Located::Zone(zone) => {
            let cluster = data.topology.zones[zone.index()].cluster;
            select_zone(state, cluster, zone);
        }
        Located::Cluster(cluster) => {
            if let Some(zone) = data.topology.clusters[cluster.index()]
                .zones
                .first()
                .copied()
            {
                select_zone(state, cluster, zone);
            }
        }
        Located::Group(group) => {
            state.groups.list.filter.clear();
            state.groups.open = None;
            let rows = rows::groups(state, data);
            if let Some(i) = rows
                .iter()
                .position(|r| data.analysis.groups[*r].id == group)
            {
                state.groups.list.selected = i;
            }
            switch_view(state, View::Groups);
        }
        Located::Leader(leader) => {
            state.leaders.filter.clear();
            let rows = rows::leaders(state, data);
            if let Some(i) = rows
                .iter()
                .position(|r| data.analysis.leaders.records[*r].id == leader)
            {
                state.leaders.selected = i;
            }
            switch_view(state, View::Leaders);
        }
    }
}

fn select_zone(state: &mut State, cluster: ClusterId, zone: ZoneId) {
    let Some(data) = state.data.as_ref() else {
        return;
    };
    if state.topology.cluster.is_some_and(|c| c != cluster) {
        state.topology.cluster = None;
    }
    state.topology.filter.clear();
    let zones = rows::zones(state, data);
    state.topology.zone = zones.iter().position(|z| *z == zone).unwrap_or(0);
    state.topology.node = None;
    switch_view(state, View::Topology);
}

fn select_node(state: &mut State, node: NodeId) {
    let Some(data) = state.data.as_ref() else {
        return;
    };
    let n = &data.topology.nodes[node.index()];
    let (cluster, zone) = (n.cluster, n.zone);
    select_zone(state, cluster, zone);
    let Some(data) = state.data.as_ref() else {
        return;
    };
    let nodes = rows::nodes(state, data, zone);
    state.topology.node = nodes.iter().position(|x| *x == node);
}

/// The selection as an event target: the node, or the zone when its header is selected.
fn target(state: &State, zone_only: bool) -> Option<Target> {
    let data = state.data.as_ref()?;
    let t = &data.topology;
    let (zone, node) = rows::selection(state, data);
    match (node, zone_only) {
        (Some(n), false) => Some(Target::Node(t.node_display(n))),
        _ => zone.map(|z| Target::Zone(t.zone_display(z))),
    }
}

fn scenario_event(state: &mut State, action: Action) -> Option<Cmd> {
    if !matches!(state.view, View::Topology | View::Simulate) {
        state.flash = Some(format!(
            "select a node or a zone in the Topology view ({}) first",
            state.keys.key(Action::Topology)
        ));
        return None;
    }
    let Some(target) = target(state, action == Action::FailZone) else {
        state.flash = Some("nothing selected".into());
        return None;
    };
    let event = if action == Action::Drain {
        Event::Drain(target)
    } else {
        Event::Fail(target)
    };
    if state.sim.events.contains(&event) {
        state.flash = Some(format!("{event}: already in the scenario"));
        return None;
    }
    state.flash = Some(format!("{event} (u undoes)"));
    state.sim.events.push(event);
    simulate(state)
}

fn partition_toggle(state: &mut State) {
    if state.view != View::Topology {
        state.flash = Some("build a partition in the Topology view".into());
        return;
    }
    let Some(data) = state.data.as_ref() else {
        return;
    };
    let (Some(zone), _) = rows::selection(state, data) else {
        return;
    };
    let side = &mut state.topology.partition;
    if let Some(i) = side.iter().position(|z| *z == zone) {
        side.remove(i);
    } else {
        side.push(zone);
    }
    let t = &data.topology;
    let names: Vec<String> = side.iter().map(|z| t.zone_display(*z)).collect();
    state.flash = Some(if names.is_empty() {
        "partition cancelled".into()
    } else {
        format!(
            "partition: {} | the rest. p adds or removes a zone, Enter cuts, Esc cancels",
            names.join(",")
        )
    });
}

fn cut_partition(state: &mut State) -> Option<Cmd> {
    let data = state.data.as_ref()?;
    let t = &data.topology;
    let side: Vec<ZoneId> = std::mem::take(&mut state.topology.partition);
    let rest: Vec<String> = rows::zones(state, data)
        .into_iter()
        .filter(|z| !side.contains(z))
        .map(|z| t.zone_display(z))
        .collect();
    if rest.is_empty() {
        state.flash = Some("a partition needs zones on both sides".into());
        return None;
    }
    let event = Event::Partition(vec![
        side.iter().map(|z| t.zone_display(*z)).collect(),
        rest,
    ]);
    state.flash = Some(format!("{event} (u undoes)"));
    state.sim.events.push(event);
    simulate(state)
}

/// Runs the events stack again (or clears the outcome when it is empty).
fn simulate(state: &mut State) -> Option<Cmd> {
    if state.sim.events.is_empty() {
        state.sim.result = None;
        state.sim.running = false;
        return None;
    }
    let data = state.data.as_ref()?;
    state.sim.running = true;
    Some(Cmd::Simulate {
        topology: data.topology.clone(),
        events: state.sim.events.clone(),
    })
}

/// Asks for the predicted state after the highlighted step, unless it is known.
fn plan_state(state: &mut State) -> Option<Cmd> {
    let plan = state.plan.plan.clone()?;
    if plan.steps.is_empty() || state.plan.states.contains_key(&state.plan.step) {
        return None;
    }
    let (topology, _) = state.plan.base.as_ref()?;
    Some(Cmd::PlanState {
        topology: topology.clone(),
        plan,
        step: state.plan.step,
    })
}

fn mouse_event(state: &mut State, mouse: MouseEvent) -> Option<Cmd> {
    if state.mode != Mode::Normal {
        return None;
    }
    match mouse.kind {
        MouseEventKind::ScrollUp => {
            navigate(state, Action::Up);
            after_move(state)
        }
        MouseEventKind::ScrollDown => {
            navigate(state, Action::Down);
            after_move(state)
        }
        MouseEventKind::Down(MouseButton::Left) => {
            match layout::hit(state, mouse.column, mouse.row) {
                Some(layout::Hit::Tab(view)) => switch_view(state, view),
                Some(layout::Hit::Zone(zone, node)) => {
                    state.topology.zone = zone;
                    state.topology.node = node;
                }
                Some(layout::Hit::Row(row)) => match state.view {
                    View::Leaders => state.leaders.selected = row,
                    View::Groups if state.groups.open.is_some() => state.groups.member = row,
                    View::Groups => state.groups.list.selected = row,
                    View::Findings => state.findings.list.selected = row,
                    View::Plan => {
                        state.plan.step = row;
                        return plan_state(state);
                    }
                    View::Topology | View::Simulate => {}
                },
                None => {}
            }
            None
        }
        _ => None,
    }
}

fn after_move(state: &mut State) -> Option<Cmd> {
    if state.view == View::Plan {
        plan_state(state)
    } else {
        None
    }
}
