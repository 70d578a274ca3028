//! Simulate: the events stack, what the scenario did (groups, new leaders, pending pods,
//! evictions, stranded volumes) and the timeline.

use quorum_core::contract::count;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::fit;
use crate::ui::keys::Action;
use crate::ui::layout;
use crate::ui::state::{Data, State};

pub fn draw(state: &State, data: &Data, frame: &mut Frame, body: Rect) {
    let th = &state.theme;
    let lay = layout::simulate(body);
    let k = |a: Action| state.keys.key(a);
    let events = if state.sim.events.is_empty() {
        vec![
            Line::raw(format!(
                "No scenario yet. In Topology ({}), select a node or a zone: {} fails it, {} fails its zone, {} drains it,",
                k(Action::Topology),
                k(Action::Fail),
                k(Action::FailZone),
                k(Action::Drain)
            )),
            Line::raw(format!(
                "{} puts zones on one side of a partition (enter cuts). Events stack; {} undoes the last.",
                k(Action::Partition),
                k(Action::Undo)
            )),
        ]
    } else {
        vec![Line::from(
            state
                .sim
                .events
                .iter()
                .enumerate()
                .flat_map(|(i, e)| {
                    [
                        Span::styled(format!("{}. ", i + 1), th.muted),
                        Span::styled(format!("{e}   "), th.title),
                    ]
                })
                .collect::<Vec<_>>(),
        )]
    };
    frame.render_widget(
        Paragraph::new(events).block(Block::bordered().title(format!(
            " Events ({}) · {} undoes ",
            state.sim.events.len(),
            k(Action::Undo)
        ))),
        lay.events,
    );
    let Some(r) = state.sim.result.as_deref() else {
        let msg = if state.sim.running {
            "simulating…"
        } else {
            ""
        };
        frame.render_widget(
            Paragraph::new(Line::styled(msg, th.accent))
                .block(Block::bordered().title(" Outcome ")),
            lay.outcome,
        );
        frame.render_widget(Block::bordered().title(" Timeline "), lay.timeline);
        return;
    };
    let o = &r.outcome;
    let w = lay.outcome.width.saturating_sub(2) as usize;
    let height = lay.outcome.height.saturating_sub(2) as usize;
    let budget = state.sim.scroll + height;
    // Build only the lines up to the bottom of the window.
    let mut lines: Vec<Line> = Vec::new();
    let mut push = |line: Line<'static>| {
        if lines.len() < budget {
            lines.push(line);
        }
    };
    let lost = o.groups.iter().filter(|g| !g.has_quorum).count();
    push(Line::styled(
        format!("Groups: {lost} of {} without quorum", o.groups.len()),
        th.title,
    ));
    let mut groups: Vec<_> = o.groups.iter().collect();
    groups.sort_by_key(|g| g.has_quorum);
    for g in groups.iter().take(budget) {
        let style = if g.has_quorum { th.ok } else { th.critical };
        push(Line::styled(
            fit(
                &format!(
                    "  {} {} {}/{} (needs {})",
                    if g.has_quorum { "ok  " } else { "LOST" },
                    g.name,
                    g.available,
                    g.replicas,
                    g.needed
                ),
                w,
            ),
            style,
        ));
    }
    push(Line::styled(
        if o.reelections.is_empty() {
            "New leaders: no re-election".to_string()
        } else {
            format!(
                "New leaders: {}, at most {} at once",
                count(o.reelections.len(), "re-election", "re-elections"),
                o.max_simultaneous_reelections
            )
        },
        th.title,
    ));
    for re in o.reelections.iter().take(budget) {
        let (text, style) = match &re.to {
            Some(to) => (
                format!(
                    "  {}: {} → {} after {}s",
                    re.lease,
                    re.from.as_deref().unwrap_or("–"),
                    to,
                    re.after_seconds
                ),
                th.ok,
            ),
            None => (
                format!("  {}: nobody ({})", re.lease, re.reason),
                th.critical,
            ),
        };
        push(Line::styled(fit(&text, w), style));
    }
    push(Line::styled(
        format!("Pending pods: {}", o.pending.len()),
        th.title,
    ));
    for p in o.pending.iter().take(budget) {
        push(Line::styled(
            fit(&format!("  {}: {}", p.pod, p.reason), w),
            th.warning,
        ));
    }
    if !o.evictions.is_empty() {
        push(Line::styled(
            format!("Evictions: {}", o.evictions.len()),
            th.title,
        ));
        for e in o.evictions.iter().take(budget) {
            let style = if e.status == "blocked" {
                th.warning
            } else {
                th.muted
            };
            push(Line::styled(
                fit(&format!("  {} {}: {}", e.status, e.pod, e.reason), w),
                style,
            ));
        }
    }
    if !o.stranded_volumes.is_empty() {
        push(Line::styled(
            format!("Stranded volumes: {}", o.stranded_volumes.len()),
            th.title,
        ));
        for s in o.stranded_volumes.iter().take(budget) {
            push(Line::styled(
                fit(
                    &format!("  {} → {} pinned to {}", s.pvc, s.pv, s.pinned_to),
                    w,
                ),
                th.warning,
            ));
        }
    }
    for s in o.split_brain.iter().take(budget) {
        push(Line::styled(
            fit(&format!("split brain: {}: {}", s.group, s.reason), w),
            th.critical,
        ));
    }
    for warning in o.warnings.iter().take(budget) {
        push(Line::styled(fit(&format!("note: {warning}"), w), th.muted));
    }
    let shown: Vec<Line> = lines.into_iter().skip(state.sim.scroll).collect();
    frame.render_widget(
        Paragraph::new(shown).block(Block::bordered().title(" Outcome · ↑↓ scroll ")),
        lay.outcome,
    );
    let tw = lay.timeline.width.saturating_sub(2) as usize;
    let th_h = lay.timeline.height.saturating_sub(2) as usize;
    let timeline: Vec<Line> = o
        .timeline
        .iter()
        .take(th_h)
        .map(|e| {
            Line::from(vec![
                Span::styled(format!("t+{:>4}s ", e.t), th.accent),
                Span::raw(fit(&e.what, tw.saturating_sub(8))),
            ])
        })
        .collect();
    frame.render_widget(
        Paragraph::new(timeline).block(Block::bordered().title(format!(
            " Timeline ({}) ",
            count(o.timeline.len(), "entry", "entries")
        ))),
        lay.timeline,
    );
    let _ = data;
}
