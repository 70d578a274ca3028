//! Where things are on the screen: pure functions of the state and the terminal's size, used by
//! the views to draw and by `update` to hit-test the mouse, so both always agree.

use quorum_core::graph::*;
use ratatui::layout::{Constraint, Layout, Rect};

use super::rows;
use super::state::{Data, State, View};

pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;
/// The narrowest zone column.
pub const MIN_COLUMN: u16 = 24;

pub fn too_small(state: &State) -> bool {
    state.size.0 < MIN_WIDTH || state.size.1 < MIN_HEIGHT
}

pub struct Areas {
    pub tabs: Rect,
    pub body: Rect,
    /// Input problems, beside what loaded.
    pub side: Option<Rect>,
    pub hint: Rect,
    pub status: Rect,
}

pub fn areas(state: &State) -> Areas {
    let full = Rect::new(0, 0, state.size.0, state.size.1);
    let [tabs, middle, hint, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(full);
    let errors = state.data.as_ref().map_or(0, Data::input_errors);
    let (body, side) = if errors > 0 && state.show_inputs {
        let width = (middle.width / 3).clamp(24, 48);
        let [body, side] =
            Layout::horizontal([Constraint::Min(1), Constraint::Length(width)]).areas(middle);
        (body, Some(side))
    } else {
        (middle, None)
    };
    Areas {
        tabs,
        body,
        side,
        hint,
        status,
    }
}

/// Tab labels and their columns on the first line.
pub fn tabs(state: &State) -> Vec<(View, String, u16, u16)> {
    let mut x = 0u16;
    let mut out = Vec::new();
    for view in View::ALL {
        let key = state.keys.key(view_action(view));
        let label = format!(" {key} {} ", view.title());
        let w = label.chars().count() as u16;
        out.push((view, label, x, x + w));
        x += w + 1;
    }
    out
}

pub fn view_action(view: View) -> super::keys::Action {
    use super::keys::Action;
    match view {
        View::Topology => Action::Topology,
        View::Leaders => Action::Leaders,
        View::Groups => Action::Groups,
        View::Findings => Action::Findings,
        View::Simulate => Action::Simulate,
        View::Plan => Action::Plan,
    }
}

/// Whether pods are listed under their nodes: as asked, or when the window is tall enough.
pub fn expanded(state: &State) -> bool {
    state.topology.expanded.unwrap_or(state.size.1 >= 30)
}

/// The Topology view: the summary line, then one column per zone shown.
pub struct TopologyLayout {
    pub summary: Rect,
    /// (index into the zones shown, zone, column, its node list)
    pub columns: Vec<(usize, ZoneId, Rect, Rect)>,
    /// Zone header lines inside a column.
    pub header_lines: u16,
    /// Zones left out on either side.
    pub hidden_left: usize,
    pub hidden_right: usize,
    /// The outcome panel beside the columns (a simulation is on and the window is wide).
    pub outcome: Option<Rect>,
}

pub fn topology(state: &State, data: &Data, body: Rect) -> TopologyLayout {
    let zones = rows::zones(state, data);
    // The outcome panel beside the columns on a wide terminal: the names in it are the facts.
    let outcome_w =
        (state.sim.result.is_some() && body.width >= 110).then(|| (body.width / 4).clamp(36, 70));
    let columns_w = body.width.saturating_sub(outcome_w.unwrap_or(0));
    let fit = (columns_w / MIN_COLUMN).max(1) as usize;
    let shown = fit.min(zones.len());
    let start = if zones.len() > shown {
        rows::offset(state.topology.zone, shown, zones.len())
    } else {
        0
    };
    let hidden_right = zones.len().saturating_sub(start + shown);
    // The clusters' line, and the scenario's under it while there is one: as many rows as
    // they wrap to, no more.
    let lines = super::summary::topology(state, data, start, hidden_right);
    let height: usize = lines
        .iter()
        .map(|l| {
            let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
            note_lines(&text, body.width)
        })
        .sum();
    let height = (height as u16).min(body.height / 3);
    let [summary, rest] =
        Layout::vertical([Constraint::Length(height), Constraint::Min(1)]).areas(body);
    let (rest, outcome) = match outcome_w {
        Some(width) => {
            let [a, b] =
                Layout::horizontal([Constraint::Min(1), Constraint::Length(width)]).areas(rest);
            (a, Some(b))
        }
        None => (rest, None),
    };
    let header_lines = if rest.height >= 16 { 3 } else { 1 };
    let mut columns = Vec::new();
    if shown > 0 {
        let rects = Layout::horizontal(vec![Constraint::Fill(1); shown]).split(rest);
        for (k, rect) in rects.iter().enumerate() {
            let inner = Rect::new(
                rect.x + 1,
                rect.y + 1,
                rect.width.saturating_sub(2),
                rect.height.saturating_sub(2),
            );
            let list = Rect::new(
                inner.x,
                inner.y + header_lines.min(inner.height),
                inner.width,
                inner.height.saturating_sub(header_lines),
            );
            columns.push((start + k, zones[start + k], *rect, list));
        }
    }
    TopologyLayout {
        summary,
        columns,
        header_lines,
        hidden_left: start,
        hidden_right,
        outcome,
    }
}

/// Lines each node takes in a column (itself, then its pods when expanded).
pub fn node_lines(state: &State, data: &Data, nodes: &[NodeId]) -> Vec<usize> {
    let expanded = expanded(state);
    let ov = super::rows::overview(state, data);
    nodes
        .iter()
        .map(|n| {
            1 + if expanded {
                ov.node(*n).listed.len()
            } else {
                0
            }
        })
        .collect()
}

/// The first line shown in a column whose selected node (if in this column) starts at `line`.
pub fn column_offset(selected_line: Option<usize>, height: usize, total: usize) -> usize {
    match selected_line {
        Some(line) if total > height => {
            // Keep the node's own line in view with some of its pods under it.
            line.saturating_sub(height / 3).min(total - height)
        }
        _ => 0,
    }
}

/// The Leaders view: charts on top, the lease table under them.
pub struct LeadersLayout {
    pub zones_chart: Rect,
    pub nodes_chart: Rect,
    pub table: Rect,
    /// The table's rows (under its header).
    pub rows: Rect,
}

pub fn leaders(data: &Data, body: Rect) -> LeadersLayout {
    // Tall enough for every zone and every node holding a leader, up to half the body (a
    // longer list ends with a line that counts the rest).
    let zones = data.topology.zones.len();
    let leading = data.overview.nodes.iter().filter(|n| n.leaders > 0).count();
    let chart = (zones.max(leading) as u16 + 2).clamp(4, (body.height / 2).max(4));
    let (zones_chart, nodes_chart, table) = if body.width >= 100 {
        let [charts, table] =
            Layout::vertical([Constraint::Length(chart), Constraint::Min(3)]).areas(body);
        let [a, b] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
            .areas(charts);
        (a, b, table)
    } else {
        let [a, b, table] = Layout::vertical([
            Constraint::Length(chart),
            Constraint::Length(chart),
            Constraint::Min(3),
        ])
        .areas(body);
        (a, b, table)
    };
    LeadersLayout {
        zones_chart,
        nodes_chart,
        table,
        rows: table_rows(table),
    }
}

/// Rows of a bordered table with one header line.
fn table_rows(table: Rect) -> Rect {
    Rect::new(
        table.x + 1,
        table.y + 2,
        table.width.saturating_sub(2),
        table.height.saturating_sub(3),
    )
}

/// Rows of a bordered list without a header.
fn list_rows(list: Rect) -> Rect {
    Rect::new(
        list.x + 1,
        list.y + 1,
        list.width.saturating_sub(2),
        list.height.saturating_sub(2),
    )
}

/// The Groups view: the table, or an open group's members.
pub fn groups(body: Rect) -> Rect {
    table_rows(body)
}

pub struct GroupLayout {
    pub summary: Rect,
    pub members: Rect,
    pub rows: Rect,
    pub footer: Rect,
}

pub fn group(body: Rect) -> GroupLayout {
    let [summary, members, footer] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(3),
        Constraint::Length(3),
    ])
    .areas(body);
    GroupLayout {
        summary,
        members,
        rows: table_rows(members),
        footer,
    }
}

pub struct FindingsLayout {
    pub list: Rect,
    pub rows: Rect,
    pub detail: Rect,
}

pub fn findings(body: Rect) -> FindingsLayout {
    let detail = if body.height >= 18 { 7 } else { 5 };
    let [list, detail] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(detail)]).areas(body);
    FindingsLayout {
        list,
        rows: list_rows(list),
        detail,
    }
}

pub struct PlanLayout {
    /// The plan's warnings and notes, wrapped.
    pub notes: Rect,
    pub summary: Rect,
    pub steps: Rect,
    pub rows: Rect,
    pub compare: Rect,
    pub detail: Rect,
}

/// The plan's warnings (true) and notes (false), as the Plan view shows them under its steps.
pub fn plan_notes(plan: &quorum_core::plan::Plan) -> Vec<(String, bool)> {
    plan.warnings
        .iter()
        .map(|w| (format!("before applying: {w}"), true))
        .chain(
            plan.notes
                .iter()
                .map(|n| (format!("not planned: {n}"), false)),
        )
        .collect()
}

/// The lines a note takes, wrapped at words to `width` as the view wraps it.
pub fn note_lines(note: &str, width: u16) -> usize {
    let width = width.max(1) as usize;
    let mut lines = 1;
    let mut used = 0;
    for word in note.split_whitespace() {
        let n = word.chars().count();
        let need = if used == 0 { n } else { used + 1 + n };
        if need <= width {
            used = need;
        } else {
            lines += 1 + (n.saturating_sub(1)) / width;
            used = n % width;
        }
    }
    lines
}

/// The Plan view's layout for the plan shown (its notes take room under the steps).
pub fn plan_for(state: &State, body: Rect) -> PlanLayout {
    let notes: usize = state.plan.plan.as_ref().map_or(0, |p| {
        plan_notes(p)
            .iter()
            .map(|(n, _)| note_lines(n, body.width))
            .sum()
    });
    plan(body, notes.min(u16::MAX as usize) as u16)
}

/// `notes`: the lines the plan's warnings and notes take once wrapped (they get up to a third of
/// the body; what does not fit is counted in a last line).
pub fn plan(body: Rect, notes: u16) -> PlanLayout {
    let notes = notes.min(body.height / 3);
    let [summary, main, notes, detail] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(4),
        Constraint::Length(notes),
        Constraint::Length(4),
    ])
    .areas(body);
    let (steps, compare) = if main.width >= 100 {
        let [a, b] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
            .areas(main);
        (a, b)
    } else {
        let [a, b] =
            Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(main);
        (a, b)
    };
    PlanLayout {
        summary,
        steps,
        rows: list_rows(steps),
        compare,
        notes,
        detail,
    }
}

pub struct SimulateLayout {
    pub events: Rect,
    pub outcome: Rect,
    pub timeline: Rect,
}

pub fn simulate(body: Rect) -> SimulateLayout {
    let [events, rest] = Layout::vertical([Constraint::Length(4), Constraint::Min(3)]).areas(body);
    let (outcome, timeline) = if rest.width >= 100 {
        let [a, b] = Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
            .areas(rest);
        (a, b)
    } else {
        let [a, b] =
            Layout::vertical([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(rest);
        (a, b)
    };
    SimulateLayout {
        events,
        outcome,
        timeline,
    }
}

/// What the mouse pointed at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hit {
    Tab(View),
    /// A zone column (index in the zones shown) and a node row in it (None: the header).
    Zone(usize, Option<usize>),
    /// A row of the current view's list (index into the list).
    Row(usize),
}

fn inside(r: Rect, x: u16, y: u16) -> bool {
    x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height
}

pub fn hit(state: &State, x: u16, y: u16) -> Option<Hit> {
    if too_small(state) {
        return None;
    }
    let a = areas(state);
    if y == a.tabs.y {
        return tabs(state)
            .into_iter()
            .find(|(_, _, x0, x1)| x >= *x0 && x < *x1)
            .map(|(v, ..)| Hit::Tab(v));
    }
    let data = state.data.as_ref()?;
    if !inside(a.body, x, y) {
        return None;
    }
    let row_in = |rows: Rect, len: usize, selected: usize| {
        if !inside(rows, x, y) {
            return None;
        }
        let h = rows.height as usize;
        let i = rows::offset(selected, h, len) + (y - rows.y) as usize;
        (i < len).then_some(Hit::Row(i))
    };
    match state.view {
        View::Topology => {
            let layout = topology(state, data, a.body);
            let (index, zone, rect, list) = layout
                .columns
                .iter()
                .copied()
                .find(|(_, _, rect, _)| inside(*rect, x, y))?;
            let _ = rect;
            if !inside(list, x, y) {
                return Some(Hit::Zone(index, None));
            }
            let nodes = rows::nodes(state, data, zone);
            let lines = node_lines(state, data, &nodes);
            let total: usize = lines.iter().sum();
            let selected_line = (index == state.topology.zone)
                .then_some(state.topology.node)
                .flatten()
                .map(|i| lines[..i.min(lines.len())].iter().sum());
            let line =
                column_offset(selected_line, list.height as usize, total) + (y - list.y) as usize;
            let mut start = 0;
            for (i, n) in lines.iter().enumerate() {
                if line < start + n {
                    return Some(Hit::Zone(index, Some(i)));
                }
                start += n;
            }
            Some(Hit::Zone(index, None))
        }
        View::Leaders => {
            let len = rows::leaders(state, data).len();
            row_in(leaders(data, a.body).rows, len, state.leaders.selected)
        }
        View::Groups => match state.groups.open {
            Some(g) => {
                let t = &data.topology;
                let len = t.workloads[t.groups[g.index()].workload.index()].pods.len();
                row_in(group(a.body).rows, len, state.groups.member)
            }
            None => {
                let len = rows::groups(state, data).len();
                row_in(groups(a.body), len, state.groups.list.selected)
            }
        },
        View::Findings => {
            let len = rows::findings(state, data).len();
            row_in(findings(a.body).rows, len, state.findings.list.selected)
        }
        View::Plan => {
            let len = state.plan.plan.as_ref().map_or(0, |p| p.steps.len());
            row_in(plan_for(state, a.body).rows, len, state.plan.step)
        }
        View::Simulate => None,
    }
}
