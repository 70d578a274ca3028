//! Plan: the goal's steps, and the leaders per zone before and after the highlighted step, side
//! by side; the step in full below.

use quorum_core::graph::ZoneId;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::{bar, fit, pad};
use crate::ui::keys::Action;
use crate::ui::layout;
use crate::ui::rows;
use crate::ui::state::{Data, State};

pub fn draw(state: &State, data: &Data, frame: &mut Frame, body: Rect) {
    let th = &state.theme;
    // The plan's own graph: the snapshot may have moved on since (live).
    let (t, overview) = match &state.plan.base {
        Some((t, o)) => (&**t, &**o),
        None => (&*data.topology, &*data.overview),
    };
    let Some(plan) = state.plan.plan.as_deref() else {
        let text = if state.plan.running {
            "planning…".to_string()
        } else {
            format!(
                "No plan yet: {} picks a goal (leaders, spread, storage, all). A plan is a preview; \
                 applying needs a live cluster.",
                state.keys.key(Action::PickGoal)
            )
        };
        frame.render_widget(
            Paragraph::new(Line::styled(text, th.accent))
                .wrap(Wrap { trim: true })
                .block(Block::bordered().title(" Plan ")),
            body,
        );
        return;
    };
    // What the plan could not do and what to know before applying it: whole, wrapped.
    let notes: Vec<(String, Style)> = layout::plan_notes(plan)
        .into_iter()
        .map(|(n, warning)| (n, if warning { th.warning } else { th.muted }))
        .collect();
    let notes_height: usize = notes
        .iter()
        .map(|(n, _)| layout::note_lines(n, body.width))
        .sum();
    let lay = layout::plan_for(state, body);
    let (b, a) = (&plan.before.leaders, &plan.after.leaders);
    let outdated = if state.plan.outdated {
        format!(
            "the cluster changed since this plan ({} plans again) · ",
            state.keys.key(Action::PickGoal)
        )
    } else {
        String::new()
    };
    let summary = vec![
        Line::from(vec![
            Span::styled(format!("goal {:?}", plan.goal).to_lowercase(), th.title),
            Span::raw(format!(
                " · handover {} · {} step{} · leaders max per zone {} → {} (best {}) · per node {} → {} (best {})",
                match plan.handover {
                    quorum_core::plan::Handover::PreferredHolder => "preferred-holder",
                    quorum_core::plan::Handover::Restart => "restart",
                },
                plan.steps.len(),
                if plan.steps.len() == 1 { "" } else { "s" },
                b.max_per_zone,
                a.max_per_zone,
                plan.bound.leaders.max_per_zone,
                b.max_per_node,
                a.max_per_node,
                plan.bound.leaders.max_per_node,
            )),
        ]),
        Line::from(vec![
            Span::styled(outdated.clone(), th.warning),
            Span::styled(
                fit(
                    &format!(
                        "groups surviving a zone {} → {} · findings {} → {} critical{}",
                        plan.before
                            .groups_surviving
                            .get("zone")
                            .copied()
                            .unwrap_or(0),
                        plan.after
                            .groups_surviving
                            .get("zone")
                            .copied()
                            .unwrap_or(0),
                        plan.before.findings.get("critical").copied().unwrap_or(0),
                        plan.after.findings.get("critical").copied().unwrap_or(0),
                        if notes.is_empty() {
                            String::new()
                        } else {
                            format!(
                                " · {} below",
                                quorum_core::contract::count(notes.len(), "note", "notes")
                            )
                        }
                    ),
                    (lay.summary.width as usize).saturating_sub(outdated.chars().count()),
                ),
                th.muted,
            ),
        ]),
    ];
    frame.render_widget(Paragraph::new(summary), lay.summary);

    // Steps.
    let height = lay.rows.height as usize;
    let first = rows::offset(state.plan.step, height, plan.steps.len());
    let w = lay.rows.width as usize;
    let mut lines = Vec::new();
    for (i, step) in plan.steps.iter().enumerate().skip(first).take(height) {
        let base = if i == state.plan.step {
            th.selected
        } else {
            Style::new()
        };
        let (mark, mark_style) = super::step_mark(state.plan.apply.get(i), th);
        let what_w = w.saturating_sub(9);
        let what = match (&step.lease, &step.from, &step.to) {
            (Some(lease), from, to) => handover_text(
                &step.action,
                lease,
                from.as_deref().unwrap_or("–"),
                to.as_deref().unwrap_or("any replica"),
                what_w,
            ),
            _ => format!("{} {}", step.action, step.objects.join(", ")),
        };
        lines.push(Line::from(vec![
            Span::styled(mark, base.patch(mark_style)),
            Span::styled(
                format!("{:>3} w{:<2} ", i + 1, step.wave),
                base.patch(th.muted),
            ),
            Span::styled(pad(&what, what_w), base),
        ]));
    }
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(format!(
            " Steps ({}) · ↑↓ steps through the predicted states ",
            plan.steps.len()
        ))),
        lay.steps,
    );

    // Before and after the highlighted step, side by side.
    let after = state.plan.states.get(&state.plan.step);
    let cw = lay.compare.width.saturating_sub(2) as usize;
    let name_w = (cw / 4).max(6);
    let bar_w = (cw.saturating_sub(name_w + 12)) / 2;
    let max = overview
        .zones
        .iter()
        .map(|z| z.leaders)
        .chain(after.iter().flat_map(|o| o.zones.iter().map(|z| z.leaders)))
        .max()
        .unwrap_or(0);
    let mut lines = vec![Line::styled(
        format!(
            "{}{}  {}",
            pad("ZONE", name_w),
            pad("LEADERS BEFORE", bar_w + 5),
            format_args!("AFTER STEP {}", state.plan.step + 1)
        ),
        th.title,
    )];
    for (i, _) in t.zones.iter().enumerate() {
        let z = ZoneId(i as u32);
        let before = overview.zone(z).leaders;
        let (after_n, after_text) = match after {
            Some(o) => {
                let n = o.zone(z).leaders;
                (n, format!("{n:>4}"))
            }
            None => (0, "   …".into()),
        };
        let changed = after.is_some() && after_n != before;
        lines.push(Line::from(vec![
            Span::raw(pad(&t.zone_display(z), name_w)),
            Span::styled(bar(before, max, bar_w), th.muted),
            Span::raw(format!("{before:>4} ")),
            Span::raw(" "),
            Span::styled(
                bar(after_n, max, bar_w),
                if changed { th.accent } else { th.muted },
            ),
            Span::styled(after_text, if changed { th.accent } else { Style::new() }),
        ]));
    }
    if let Some(o) = after {
        let moved: Vec<String> = (0..t.nodes.len())
            .filter(|n| o.nodes[*n].leaders != overview.nodes[*n].leaders)
            .take(lay.compare.height as usize)
            .map(|n| {
                format!(
                    "  {} {} → {}",
                    t.node_display(quorum_core::graph::NodeId(n as u32)),
                    overview.nodes[n].leaders,
                    o.nodes[n].leaders
                )
            })
            .collect();
        if !moved.is_empty() {
            lines.push(Line::styled("Nodes whose leaders change:", th.title));
            lines.extend(moved.into_iter().map(|m| Line::raw(fit(&m, cw))));
        }
    }
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" Before │ after this step ")),
        lay.compare,
    );

    if !notes.is_empty() {
        let shown = lay.notes.height as usize;
        let mut lines: Vec<Line> = notes
            .iter()
            .map(|(n, style)| Line::styled(n.clone(), *style))
            .collect();
        if notes_height > shown && shown > 0 {
            // Wrapped lines beyond the area: say how many notes are left out rather than cut one.
            let mut used = 0;
            let mut keep = 0;
            for (n, _) in &notes {
                let h = layout::note_lines(n, body.width);
                if used + h >= shown {
                    break;
                }
                used += h;
                keep += 1;
            }
            lines.truncate(keep);
            lines.push(Line::styled(
                format!(
                    "… {} more (quorum plan -o json lists them all)",
                    quorum_core::contract::count(notes.len() - keep, "note", "notes")
                ),
                th.muted,
            ));
        }
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), lay.notes);
    }

    let detail = match plan.steps.get(state.plan.step) {
        Some(step) => vec![
            Line::raw(fit(
                &format!("why: {}", step.reason),
                lay.detail.width as usize,
            )),
            Line::raw(fit(
                &format!("effect: {}", step.effect),
                lay.detail.width as usize,
            )),
            Line::styled(
                fit(&format!("$ {}", step.kubectl), lay.detail.width as usize),
                th.accent,
            ),
            Line::styled(
                if state.source.is_live() {
                    format!(
                        "{} applies the plan (a dialog lists every call first)",
                        state.keys.key(Action::Apply)
                    )
                } else {
                    "read-only: applying needs a live cluster (--context)".to_string()
                },
                th.muted,
            ),
        ],
        None => vec![Line::styled(
            "the plan has no steps: nothing to change",
            th.ok,
        )],
    };
    frame.render_widget(Paragraph::new(detail), lay.detail);
}

/// `handover LEASE: FROM → TO` in `width` characters. The pods are named without the lease's
/// namespace (they share it); when it is still too long, names are cut in the middle, the
/// lease's first, so the pods that lose and win the lease stay readable.
fn handover_text(action: &str, lease: &str, from: &str, to: &str, width: usize) -> String {
    let namespace = lease.split_once('/').map(|(ns, _)| ns);
    let short = |pod: &str| -> String {
        match (namespace, pod.split_once('/')) {
            (Some(ns), Some((pod_ns, name))) if ns == pod_ns => name.to_string(),
            _ => pod.to_string(),
        }
    };
    let (from, to) = (short(from), short(to));
    let (from, to) = (from.as_str(), to.as_str());
    let text = format!("{action} {lease}: {from} → {to}");
    let len = |s: &str| s.chars().count();
    if len(&text) <= width {
        return text;
    }
    // The pod that wins usually shares its workload's name with the one that loses: say only
    // how it differs.
    let shared = from
        .char_indices()
        .zip(to.chars())
        .take_while(|((_, a), b)| a == b)
        .filter(|((_, a), _)| *a == '-')
        .map(|((i, _), _)| i)
        .last();
    let to = match shared {
        Some(i) if i >= 8 => format!("…{}", &to[i..]),
        _ => to.to_string(),
    };
    let text = format!("{action} {lease}: {from} → {to}");
    if len(&text) <= width {
        return text;
    }
    // "ACTION " ": " " → " around the three names.
    let fixed = len(action) + 6;
    let pods = len(from) + len(&to);
    let room = width.saturating_sub(fixed);
    if room >= pods + 12 {
        return format!(
            "{action} {}: {from} → {to}",
            super::fit_name(lease, room - pods)
        );
    }
    // The lease (what changes hands) first; the pods are in the detail below too.
    let lease_w = len(lease).min(room / 2).max(1);
    let to_w = len(&to).min((room - lease_w) / 2);
    let from_w = room - lease_w - to_w;
    format!(
        "{action} {}: {} → {}",
        super::fit_name(lease, lease_w),
        super::fit_name(from, from_w),
        super::fit_name(&to, to_w)
    )
}
