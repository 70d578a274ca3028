//! Simulate: the events stack, what the scenario did (groups, new leaders, pending pods,
//! evictions, stranded volumes) and the timeline.

use quorum_core::contract::count;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

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
    // Build only the lines up to the bottom of the window; past the end, the last page.
    let lines = super::outcome::lines(
        th,
        o,
        w,
        state.sim.scroll + height,
        super::outcome::Detail::Full,
    );
    let skip = state.sim.scroll.min(lines.len().saturating_sub(height));
    let shown: Vec<Line> = lines.into_iter().skip(skip).collect();
    let focus = |on: bool| if on { th.accent } else { Style::new() };
    frame.render_widget(
        Paragraph::new(shown).block(
            Block::bordered()
                .title(format!(
                    " Outcome{} ",
                    if state.sim.timeline_focus {
                        " · ← scrolls this"
                    } else {
                        " · ↑↓ scroll"
                    }
                ))
                .border_style(focus(!state.sim.timeline_focus)),
        ),
        lay.outcome,
    );

    // The timeline: every entry whole (wrapped under its time), scrolled on its own.
    let tw = lay.timeline.width.saturating_sub(2) as usize;
    let th_h = lay.timeline.height.saturating_sub(2) as usize;
    let budget = state.sim.timeline_scroll.saturating_add(th_h);
    let mut timeline: Vec<Line> = Vec::new();
    for e in &o.timeline {
        if timeline.len() >= budget {
            break;
        }
        let what = super::wrap_words(&e.what, tw.saturating_sub(8), 0);
        for (i, line) in what.into_iter().enumerate() {
            timeline.push(if i == 0 {
                Line::from(vec![
                    Span::styled(format!("t+{:>4}s ", e.t), th.accent),
                    Span::raw(line),
                ])
            } else {
                Line::raw(format!("        {line}"))
            });
        }
    }
    let skip = state
        .sim
        .timeline_scroll
        .min(timeline.len().saturating_sub(th_h));
    let timeline: Vec<Line> = timeline.into_iter().skip(skip).collect();
    frame.render_widget(
        Paragraph::new(timeline).block(
            Block::bordered()
                .title(format!(
                    " Timeline ({}){} ",
                    count(o.timeline.len(), "entry", "entries"),
                    if state.sim.timeline_focus {
                        " · ↑↓ scroll"
                    } else {
                        " · → scrolls this"
                    }
                ))
                .border_style(focus(state.sim.timeline_focus)),
        ),
        lay.timeline,
    );
    let _ = data;
}
