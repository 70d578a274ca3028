//! `view`: draws the state, nothing else. Every list draws only the rows that fit.

mod findings;
mod groups;
mod leaders;
mod outcome;
mod plan;
mod simulate;
mod topology;

use quorum_core::plan::Goal;
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::keys::Action;
use super::layout;
use super::state::{Described, Mode, SourceKind, State, StepStatus, View};
use super::theme::Theme;
use super::update::{COMMANDS, completions};

pub fn view(state: &State, frame: &mut Frame) {
    let area = frame.area();
    if layout::too_small(state)
        || area.width < layout::MIN_WIDTH
        || area.height < layout::MIN_HEIGHT
    {
        let text = format!(
            "make the window larger\n(at least {}x{}; now {}x{})",
            layout::MIN_WIDTH,
            layout::MIN_HEIGHT,
            area.width,
            area.height
        );
        let y = area.height / 2;
        let rect = Rect::new(0, y.saturating_sub(1), area.width, 2.min(area.height));
        frame.render_widget(Paragraph::new(text).alignment(Alignment::Center), rect);
        return;
    }
    let areas = layout::areas(state);
    tabs(state, frame, areas.tabs);
    match &state.data {
        None => waiting(state, frame, areas.body),
        Some(data) => match state.view {
            View::Topology => topology::draw(state, data, frame, areas.body),
            View::Leaders => leaders::draw(state, data, frame, areas.body),
            View::Groups => groups::draw(state, data, frame, areas.body),
            View::Findings => findings::draw(state, data, frame, areas.body),
            View::Simulate => simulate::draw(state, data, frame, areas.body),
            View::Plan => plan::draw(state, data, frame, areas.body),
        },
    }
    if let (Some(side), Some(data)) = (areas.side, &state.data) {
        inputs(state, data, frame, side);
    }
    hint(state, frame, areas.hint);
    status(state, frame, areas.status);
    match state.mode {
        Mode::Help(scroll) => help(state, frame, areas.body, scroll),
        Mode::GoalPicker(i) => goal_picker(state, frame, areas.body, i),
        Mode::Apply => apply_dialog(state, frame, areas.body),
        Mode::Describe(what, scroll) => {
            if let Some(data) = &state.data {
                describe(state, data, what, frame, areas.body, scroll)
            }
        }
        Mode::Normal | Mode::Command(_) | Mode::Filter => {}
    }
}

fn tabs(state: &State, frame: &mut Frame, area: Rect) {
    let th = &state.theme;
    let mut spans = Vec::new();
    for (view, label, _, _) in layout::tabs(state) {
        let style = if view == state.view {
            th.selected.patch(th.title)
        } else {
            th.muted
        };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn waiting(state: &State, frame: &mut Frame, area: Rect) {
    let th = &state.theme;
    let mut lines = vec![Line::raw("")];
    if let Some(e) = &state.source.error {
        lines.push(Line::styled(format!("  {e}"), th.critical));
        lines.push(Line::raw(""));
        lines.push(Line::raw(
            "  Try `quorum demo` for a sample, or `quorum tui FILE...` on kubectl exports.",
        ));
        lines.push(Line::raw(format!(
            "  {} quits.",
            state.keys.key(Action::Quit)
        )));
    } else {
        let what = state.source.progress.as_deref().unwrap_or("starting");
        lines.push(Line::styled(format!("  loading… {what}"), th.muted));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(" Quorum ")),
        area,
    );
}

fn inputs(state: &State, data: &super::state::Data, frame: &mut Frame, area: Rect) {
    let th = &state.theme;
    let mut lines = Vec::new();
    let height = area.height.saturating_sub(2) as usize;
    'outer: for input in &data.inputs {
        for e in &input.errors {
            if lines.len() + 2 > height {
                lines.push(Line::styled("…", th.muted));
                break 'outer;
            }
            lines.push(Line::styled(e.position(&input.source), th.warning));
            lines.push(Line::raw(format!("  {}", e.message)));
        }
    }
    let title = format!(
        " Input problems ({}) · {} hides ",
        data.input_errors(),
        state.keys.key(Action::Inputs)
    );
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(title).border_style(th.warning)),
        area,
    );
}

fn hint(state: &State, frame: &mut Frame, area: Rect) {
    let th = &state.theme;
    let line = match &state.mode {
        Mode::Command(text) => {
            let options = completions(state, text);
            let mut spans = vec![Span::styled(format!(":{text}▏"), th.title)];
            if !options.is_empty() && options.len() < COMMANDS.len() + 1 {
                spans.push(Span::styled(
                    format!("   tab: {}", options.join(" ")),
                    th.muted,
                ));
            }
            Line::from(spans)
        }
        Mode::Filter => Line::from(vec![
            Span::styled(format!("/{}▏", state.filter()), th.title),
            Span::styled("   enter keeps, esc clears", th.muted),
        ]),
        _ => match &state.flash {
            Some(f) => Line::styled(f.clone(), th.accent),
            None => Line::styled(hints(state), th.muted),
        },
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// The keys that matter in the current view, from the key map.
fn hints(state: &State) -> String {
    use Action::*;
    let k = |a: Action| state.keys.key(a);
    let mut parts: Vec<String> = Vec::new();
    match state.view {
        View::Topology => {
            parts.push(format!("{} fail", k(Fail)));
            parts.push(format!("{} fail zone", k(FailZone)));
            parts.push(format!("{} drain", k(Drain)));
            parts.push(format!("{} partition", k(Partition)));
            if !state.sim.events.is_empty() {
                parts.push(format!("{} undo", k(Undo)));
            }
            parts.push(format!("{} pods", k(Expand)));
        }
        View::Leaders => parts.push(format!("{} holder's node", k(Open))),
        View::Groups if state.groups.open.is_some() => {
            parts.push(format!("{} member's node", k(Open)));
            parts.push(format!("{} back", k(Back)));
        }
        View::Groups => parts.push(format!("{} open", k(Open))),
        View::Findings => {
            parts.push(format!("{} go to subject", k(Open)));
            parts.push(format!("{} severity", k(Severity)));
        }
        View::Simulate => {
            parts.push(format!("{} undo", k(Undo)));
            parts.push(format!("{} fail selection", k(Fail)));
        }
        View::Plan => {
            parts.push(format!("{} goal", k(PickGoal)));
            parts.push("↑↓ step".into());
            parts.push(format!("{} apply", k(Apply)));
        }
    }
    if state.filter_mut_available() {
        parts.push(format!("{} filter", k(Filter)));
    }
    parts.push(format!("{} command", k(Command)));
    // Help and quit first: on a narrow terminal the end of the line is cut.
    let mut all = vec![format!("{} help", k(Help)), format!("{} quit", k(Quit))];
    all.extend(parts);
    all.join("  ")
}

impl State {
    fn filter_mut_available(&self) -> bool {
        !matches!(self.view, View::Simulate | View::Plan)
    }
}

fn status(state: &State, frame: &mut Frame, area: Rect) {
    let th = &state.theme;
    let s = &state.source;
    let mut left = vec![Span::styled(
        match &s.kind {
            SourceKind::Files(label) => format!(" files: {label}"),
            SourceKind::Sample(name) => format!(" sample: {name}"),
            SourceKind::Live => format!(" live: {}", s.contexts.join(", ")),
        },
        th.title,
    )];
    // Problems first: they must show on a narrow terminal.
    if s.loading {
        left.push(Span::styled(" · loading…", th.accent));
    }
    if let Some(since) = s.stale_since {
        let age = s
            .as_of
            .map(|at| format!(" {}", age((at - since).num_seconds())))
            .unwrap_or_default();
        left.push(Span::styled(
            format!(" · STALE{age} (since {})", since.format("%H:%M:%S")),
            th.critical,
        ));
    }
    if let Some(e) = &s.error {
        left.push(Span::styled(format!(" · {e}"), th.critical));
    }
    if state.sim.running || state.plan.running {
        left.push(Span::styled(" · computing…", th.accent));
    }
    // What follows is context: a part that does not fit whole is left out, never cut.
    let essential = left.len();
    if let Some(data) = &state.data {
        let t = &data.topology;
        left.push(Span::raw(format!(
            " · {} cluster{} · {} zones · {} nodes · {} pods",
            t.clusters.len(),
            if t.clusters.len() == 1 { "" } else { "s" },
            t.zones.len(),
            t.nodes.len(),
            t.pods.len()
        )));
        if let Some(now) = t.now {
            left.push(Span::styled(
                format!(" · snapshot {}", now.format("%Y-%m-%d %H:%M:%SZ")),
                th.muted,
            ));
        }
        // Whose rules the what-ifs and plans follow (the Simulate view says where it came from).
        left.push(Span::styled(
            format!(
                " · Kubernetes {}{}",
                t.kubernetes.release,
                if t.kubernetes.known {
                    ""
                } else {
                    " (nearest known)"
                }
            ),
            th.muted,
        ));
    }
    if let Some(at) = s.last_update {
        left.push(Span::styled(
            format!(" · updated {}", at.format("%H:%M:%S")),
            th.muted,
        ));
    }
    let marker = if state.plan.applying {
        Span::styled(" APPLYING ", th.critical.patch(th.selected))
    } else {
        Span::styled(" read-only ", th.selected)
    };
    // The marker keeps its place on the right, whatever the left part needs.
    let marker_w = (marker.content.chars().count() as u16).min(area.width);
    let left_area = Rect::new(area.x, area.y, area.width - marker_w, 1);
    let width = |spans: &[Span]| {
        spans
            .iter()
            .map(|s| s.content.chars().count())
            .sum::<usize>()
    };
    while left.len() > essential && width(&left) > left_area.width as usize {
        left.pop();
    }
    let right_area = Rect::new(area.x + area.width - marker_w, area.y, marker_w, 1);
    frame.render_widget(Paragraph::new(Line::from(left)), left_area);
    frame.render_widget(Paragraph::new(Line::from(marker)), right_area);
}

/// A centred rectangle of at most `w` x `h` inside `area`.
fn centred(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// What the marks and counts on screen mean (the `?` screen lists them).
pub const LEGEND: &[(&str, &str)] = &[
    (
        "● ✗ ⊘",
        "node ready · down or NotReady · cordoned or drained",
    ),
    (
        "L Q V  Np",
        "leaders held · quorum replicas · pinned volumes · pods, on a node",
    ),
    ("★", "the pod holds a leader lease"),
    (
        "Q V (pod)",
        "a quorum group's replica · its volume pins it to a zone or node",
    ),
    (
        "→ ✗ !",
        "recreated here by the what-if · stopped with its node · its volume is out of reach",
    ),
    (
        "red, yellow",
        "the worst finding about a node, pod or group: critical, warning",
    ),
    (
        "UP/ALL≥NEED",
        "replicas up / all replicas ≥ the majority a quorum group needs",
    ),
    (
        "✓ ✗ –",
        "survives the loss of one node / zone / region · does not · does not apply",
    ),
];

fn help(state: &State, frame: &mut Frame, body: Rect, scroll: usize) {
    let th = &state.theme;
    let mut lines: Vec<Line> = Vec::new();
    let mut section = "";
    for (sec, keys, what) in state.keys.help() {
        if sec != section {
            if !section.is_empty() {
                lines.push(Line::raw(""));
            }
            lines.push(Line::styled(sec.to_string(), th.title));
            section = sec;
        }
        lines.push(Line::from(vec![
            Span::styled(format!("  {keys:<14}"), th.accent),
            Span::raw(what),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Legend", th.title));
    for (mark, what) in LEGEND {
        lines.push(Line::from(vec![
            Span::styled(format!("  {mark:<14}"), th.accent),
            Span::raw(*what),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Commands", th.title));
    lines.push(Line::raw(format!("  :{}", COMMANDS.join("  :"))));
    lines.push(Line::raw(
        "  keys and theme: .quorum.yaml, section tui (keys: {fail: x}, theme: dark|light|mono)",
    ));
    let area = centred(body, 170, body.height);
    frame.render_widget(Clear, area);
    let block = Block::bordered().title(format!(
        " Help · {} closes · ↑↓ scrolls ",
        state.keys.key(Action::Back)
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let height = inner.height as usize;
    // Two columns when the lines fit in two; otherwise one, scrolled.
    if lines.len() > height && lines.len() <= 2 * height && inner.width >= 160 {
        let half = inner.width / 2;
        let left = Rect::new(inner.x, inner.y, half, inner.height);
        let right = Rect::new(inner.x + half, inner.y, inner.width - half, inner.height);
        let rest = lines.split_off(height.min(lines.len()));
        frame.render_widget(Paragraph::new(lines), left);
        frame.render_widget(Paragraph::new(rest), right);
    } else {
        let first = scroll.min(lines.len().saturating_sub(height));
        let shown: Vec<Line> = lines.into_iter().skip(first).collect();
        frame.render_widget(Paragraph::new(shown), inner);
    }
}

/// A node's or a group's description (k9s' describe): where it is, what runs there, and every
/// finding about it with the file and line of its subject.
fn describe(
    state: &State,
    data: &super::state::Data,
    what: Described,
    frame: &mut Frame,
    body: Rect,
    scroll: usize,
) {
    let th = &state.theme;
    let t = &data.topology;
    let mut lines: Vec<Line> = Vec::new();
    let (title, findings) = match what {
        Described::Node(n) => {
            let info = &t.nodes[n.index()];
            let s = data.overview.node(n);
            lines.push(Line::raw(format!(
                "zone {} · {} · {}",
                t.zone_display(info.zone),
                if s.ready { "Ready" } else { "NotReady" },
                if s.cordoned {
                    "cordoned"
                } else {
                    "schedulable"
                }
            )));
            lines.push(Line::raw(format!(
                "{} · {} · {} · {}",
                quorum_core::contract::count(s.pods as usize, "pod", "pods"),
                quorum_core::contract::count(s.leaders as usize, "leader", "leaders"),
                quorum_core::contract::count(
                    s.quorum_replicas as usize,
                    "quorum replica",
                    "quorum replicas"
                ),
                quorum_core::contract::count(
                    s.pinned_volumes as usize,
                    "pinned volume",
                    "pinned volumes"
                ),
            )));
            if !info.source.file.is_empty() {
                lines.push(Line::styled(
                    format!("from {}:{}", info.source.file, info.source.line),
                    th.muted,
                ));
            }
            (
                format!("node {}", t.node_display(n)),
                data.risk.findings_of_node(n),
            )
        }
        Described::Group(g) => {
            if let Some(stats) = data.analysis.groups.iter().find(|s| s.id == g) {
                lines.push(Line::raw(format!(
                    "{} · {} · {}/{} up, {} needed",
                    stats.kind,
                    match stats.mode {
                        quorum_core::graph::Mode::Quorum => "quorum",
                        quorum_core::graph::Mode::Leader => "leader",
                    },
                    stats.available,
                    stats.replicas,
                    stats.needed
                )));
            }
            (
                format!("group {}", t.group_display(g)),
                data.risk.findings_of_group(g),
            )
        }
    };
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!("Findings ({})", findings.len()),
        th.title,
    ));
    if findings.is_empty() {
        lines.push(Line::styled("  none", th.muted));
    }
    for i in findings {
        let f = &data.analysis.findings[i];
        let style = match f.severity {
            quorum_core::finding::Severity::Critical => th.critical,
            quorum_core::finding::Severity::Warning => th.warning,
            quorum_core::finding::Severity::Info => Style::new(),
        };
        lines.push(Line::styled(
            format!(
                "  {} {} · {}/{}",
                f.severity.as_str(),
                f.check,
                f.subject.namespace,
                f.subject.name
            ),
            style,
        ));
        lines.push(Line::raw(format!("    {}", f.message)));
        if let Some(src) = &f.source {
            lines.push(Line::styled(
                format!("    {}:{}", src.file, src.line),
                th.muted,
            ));
        }
    }
    let area = centred(body, 110, body.height);
    frame.render_widget(Clear, area);
    let block = Block::bordered().title(format!(
        " {title} · {} closes · ↑↓ scrolls ",
        state.keys.key(Action::Back)
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let first = scroll.min(lines.len().saturating_sub(1));
    frame.render_widget(
        Paragraph::new(lines.into_iter().skip(first).collect::<Vec<_>>())
            .wrap(Wrap { trim: false }),
        inner,
    );
}

fn goal_picker(state: &State, frame: &mut Frame, body: Rect, selected: usize) {
    let th = &state.theme;
    let lines: Vec<Line> = Goal::ALL
        .iter()
        .enumerate()
        .map(|(i, goal)| {
            let (name, what) = (goal.name(), goal.describe());
            let style = if i == selected {
                th.selected
            } else {
                Style::new()
            };
            Line::styled(format!(" {name:<8} {what} "), style)
        })
        .collect();
    let area = centred(body, 70, Goal::ALL.len() as u16 + 2);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" Plan: pick a goal (enter) ")),
        area,
    );
}

fn apply_dialog(state: &State, frame: &mut Frame, body: Rect) {
    let th = &state.theme;
    let Some(plan) = &state.plan.plan else {
        return;
    };
    let mut lines = vec![
        Line::styled(
            format!(
                "Apply {} to {}: every mutating call, in order (server-side dry run first):",
                quorum_core::contract::count(plan.steps.len(), "step", "steps"),
                state.source.contexts.join(", ")
            ),
            th.title,
        ),
        Line::raw(""),
    ];
    let width = body.width.saturating_sub(6) as usize;
    for warning in &plan.warnings {
        lines.push(Line::styled(
            fit(&format!("! {warning}"), width),
            th.warning,
        ));
    }
    // From just before the first step not done, as many as fit (a plan can have thousands).
    let first = state
        .plan
        .apply
        .iter()
        .position(|s| !matches!(s, StepStatus::Done | StepStatus::Skipped(_)))
        .unwrap_or(0)
        .saturating_sub(2);
    let fit_steps = (body.height as usize).saturating_sub(6);
    for (i, step) in plan.steps.iter().enumerate().skip(first).take(fit_steps) {
        let (mark, style) = step_mark(state.plan.apply.get(i), th);
        lines.push(Line::styled(
            format!("{mark} {:>3}. {}", i + 1, step.kubectl),
            style,
        ));
        match state.plan.apply.get(i) {
            Some(StepStatus::Failed(e)) => {
                lines.push(Line::styled(format!("       {e}"), th.critical))
            }
            Some(StepStatus::Skipped(why)) => {
                lines.push(Line::styled(format!("       skipped: {why}"), th.muted))
            }
            _ => {}
        }
    }
    lines.push(Line::raw(""));
    lines.push(if state.plan.applying {
        Line::styled("applying… (esc hides this dialog)", th.accent)
    } else if state.plan.apply.is_empty() {
        Line::styled("y applies · n or esc cancels", th.warning)
    } else {
        let done = state
            .plan
            .apply
            .iter()
            .filter(|s| matches!(s, StepStatus::Done | StepStatus::Skipped(_)))
            .count();
        Line::styled(
            format!(
                "{done} of {} done · esc closes",
                quorum_core::contract::count(plan.steps.len(), "step", "steps")
            ),
            th.muted,
        )
    });
    let area = centred(body, body.width.saturating_sub(4), body.height);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::bordered()
                .title(" Apply the plan ")
                .border_style(th.warning),
        ),
        area,
    );
}

/// `n` of `max` as a bar `width` cells wide.
pub fn bar(n: u32, max: u32, width: usize) -> String {
    if width == 0 {
        return String::new();
    }
    let filled = if max == 0 {
        0
    } else {
        (n as usize * width).div_ceil(max as usize)
    }
    .min(width);
    format!("{}{}", "█".repeat(filled), "·".repeat(width - filled))
}

/// Cut to `width` characters, with an ellipsis when cut.
pub fn fit(text: &str, width: usize) -> String {
    let n = text.chars().count();
    if n <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut s: String = text.chars().take(width - 1).collect();
    s.push('…');
    s
}

/// `text` wrapped at words to lines of `width` characters; lines after the first start with
/// `indent` spaces. A word longer than a line is broken.
pub fn wrap_words(text: &str, width: usize, indent: usize) -> Vec<String> {
    let width = width.max(indent + 8);
    let lead: String = text.chars().take_while(|c| *c == ' ').collect();
    let mut lines = Vec::new();
    let mut line = lead;
    let mut empty = true;
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        let used = line.chars().count();
        if !empty && used + 1 + word.len() > width {
            lines.push(std::mem::replace(&mut line, " ".repeat(indent)));
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        loop {
            let room = width - line.chars().count();
            if word.len() <= room {
                line.extend(word.iter());
                break;
            }
            line.extend(word.drain(..room));
            lines.push(std::mem::replace(&mut line, " ".repeat(indent)));
        }
        empty = false;
    }
    if !empty || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// A name cut in the middle to `width` characters: the start says what it is, the end (a
/// ReplicaSet's hash, a pod's suffix, an ordinal) which one, so both stay.
pub fn fit_name(text: &str, width: usize) -> String {
    let n = text.chars().count();
    if n <= width {
        return text.to_string();
    }
    if width < 8 {
        return fit(text, width);
    }
    let tail = (width - 1) / 3;
    let head = width - 1 - tail;
    let chars: Vec<char> = text.chars().collect();
    let mut s: String = chars[..head].iter().collect();
    s.push('…');
    s.extend(&chars[n - tail..]);
    s
}

/// A name padded or cut in the middle to exactly `width` characters.
pub fn pad_name(text: &str, width: usize) -> String {
    let s = fit_name(text, width);
    let n = s.chars().count();
    format!("{s}{}", " ".repeat(width - n))
}

/// Padded or cut to exactly `width` characters.
pub fn pad(text: &str, width: usize) -> String {
    let s = fit(text, width);
    let n = s.chars().count();
    format!("{s}{}", " ".repeat(width - n))
}

/// A table cell: padded or cut to `width`, the last character a space between columns.
pub fn col(text: &str, width: usize) -> String {
    if width == 0 {
        return String::new();
    }
    format!("{} ", pad(text, width - 1))
}

/// A table cell holding a name: cut in the middle, so its end (a hash, an ordinal) stays.
pub fn col_name(text: &str, width: usize) -> String {
    if width == 0 {
        return String::new();
    }
    format!("{} ", pad_name(text, width - 1))
}

/// A mark for a survivability answer.
pub fn mark(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "✓",
        Some(false) => "✗",
        None => "–",
    }
}

/// Seconds as a short age: 12s, 3m, 2h, 4d.
pub fn age(seconds: i64) -> String {
    let s = seconds.max(0);
    if s < 120 {
        format!("{s}s")
    } else if s < 7200 {
        format!("{}m", s / 60)
    } else if s < 172_800 {
        format!("{}h", s / 3600)
    } else {
        format!("{}d", s / 86_400)
    }
}

/// The mark and style of a step in an apply: waiting, running, done, skipped (already so), failed.
pub fn step_mark(status: Option<&StepStatus>, th: &Theme) -> (&'static str, Style) {
    match status {
        None | Some(StepStatus::Waiting) => (" ", Style::new()),
        Some(StepStatus::Running) => ("▶", th.accent),
        Some(StepStatus::Done) => ("✓", th.ok),
        Some(StepStatus::Skipped(_)) => ("=", th.muted),
        Some(StepStatus::Failed(_)) => ("✗", th.critical),
    }
}
