//! Topology (home): clusters, zones as columns, nodes with their pods; a simulated outcome in
//! place (failed nodes, counts after the scenario, an outcome panel when there is room).

use quorum_core::finding::Severity;
use quorum_core::graph::*;
use quorum_core::overview::{NodeFate, Overview, node_fate};
use quorum_core::simulate::fates::PodFate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::{bar, fit, pad_name};
use crate::ui::layout;
use crate::ui::rows;
use crate::ui::state::{Data, State};

pub fn draw(state: &State, data: &Data, frame: &mut Frame, body: Rect) {
    let th = &state.theme;
    let t = &data.topology;
    let lay = layout::topology(state, data, body);
    let sim = state.sim.result.as_deref();
    let ov: &Overview = sim.map_or(&data.overview, |r| &r.overview);

    let summary = crate::ui::summary::topology(state, data, lay.hidden_left, lay.hidden_right);
    frame.render_widget(
        Paragraph::new(summary).wrap(Wrap { trim: false }),
        lay.summary,
    );

    let max_leaders = lay
        .columns
        .iter()
        .map(|(_, z, _, _)| ov.zone(*z).leaders)
        .max()
        .unwrap_or(0);
    for (index, zone, rect, list) in &lay.columns {
        let selected_zone = *index == state.topology.zone;
        let z = &t.zones[zone.index()];
        let s = ov.zone(*zone);
        let cut = state.topology.partition.contains(zone);
        let mut title = format!(" {}{} ", if cut { "✂ " } else { "" }, t.zone_display(*zone));
        if !z.region.is_empty() && rect.width as usize > title.len() + z.region.len() + 4 {
            title = format!("{title}({}) ", z.region);
        }
        let border = if selected_zone { th.accent } else { th.muted };
        let block = Block::bordered()
            .title(Span::styled(title, th.title))
            .border_style(border);
        frame.render_widget(block, *rect);
        let inner_w = list.width as usize;
        let header_style = if selected_zone && state.topology.node.is_none() {
            th.selected
        } else {
            Style::new()
        };
        let down = s.ready_nodes < s.nodes;
        let nodes_style = if s.ready_nodes == 0 && s.nodes > 0 {
            th.critical
        } else if down {
            th.warning
        } else {
            Style::new()
        };
        let header: Vec<Line> = if lay.header_lines >= 3 {
            let label = format!("leaders {:>3} ", s.leaders);
            let bar_w = inner_w.saturating_sub(label.len());
            vec![
                {
                    // The longest wording that fits: a number is never cut.
                    let (nodes, pods) = [
                        (
                            format!("nodes {}/{}", s.ready_nodes, s.nodes),
                            format!("  pods {}", s.pods),
                        ),
                        (
                            format!("{}/{} nodes", s.ready_nodes, s.nodes),
                            format!(" {} pods", s.pods),
                        ),
                        (
                            format!("{}/{}n", s.ready_nodes, s.nodes),
                            format!(" {}p", s.pods),
                        ),
                    ]
                    .into_iter()
                    .find(|(a, b)| a.chars().count() + b.chars().count() <= inner_w)
                    .unwrap_or_else(|| (format!("{}/{}n", s.ready_nodes, s.nodes), String::new()));
                    Line::from(vec![Span::styled(nodes, nodes_style), Span::raw(pods)])
                },
                Line::from(vec![
                    Span::raw(label),
                    Span::styled(bar(s.leaders, max_leaders, bar_w), th.accent),
                ]),
                Line::raw({
                    let (q, v) = (s.quorum_replicas, s.pinned_volumes);
                    let wordings = [
                        format!("quorum replicas {q}  pinned vols {v}"),
                        format!("quorum {q}  pinned {v}"),
                        format!("Q{q} V{v}"),
                    ];
                    let last = wordings[2].clone();
                    wordings
                        .into_iter()
                        .find(|w| w.chars().count() <= inner_w)
                        .unwrap_or_else(|| fit(&last, inner_w))
                }),
            ]
        } else {
            let text = format!("{}/{}n {}p L{} ", s.ready_nodes, s.nodes, s.pods, s.leaders);
            let bar_w = inner_w.saturating_sub(text.chars().count()).min(12);
            vec![Line::from(vec![
                Span::styled(text, nodes_style),
                Span::styled(bar(s.leaders, max_leaders, bar_w), th.accent),
            ])]
        };
        let header_rect = Rect::new(
            list.x,
            rect.y + 1,
            list.width,
            (lay.header_lines).min(rect.height.saturating_sub(2)),
        );
        frame.render_widget(Paragraph::new(header).style(header_style), header_rect);

        let nodes = rows::nodes(state, data, *zone);
        if nodes.is_empty() {
            let msg = if state.topology.filter.is_empty() {
                "no nodes"
            } else {
                "no node matches the filter"
            };
            frame.render_widget(Paragraph::new(Line::styled(msg, th.muted)), *list);
            continue;
        }
        let lines_per = layout::node_lines(state, data, &nodes);
        let total: usize = lines_per.iter().sum();
        let selected_node = if selected_zone {
            state.topology.node
        } else {
            None
        };
        let selected_line = selected_node.map(|i| lines_per[..i.min(lines_per.len())].iter().sum());
        let height = list.height as usize;
        let first = layout::column_offset(selected_line, height, total);
        let expanded = layout::expanded(state);
        // Walk to the first visible line, then draw only what fits.
        let mut out: Vec<Line> = Vec::with_capacity(height);
        let mut line = 0usize;
        for (i, node) in nodes.iter().enumerate() {
            let n = lines_per[i];
            if line + n <= first {
                line += n;
                continue;
            }
            if out.len() >= height {
                break;
            }
            if line >= first {
                out.push(node_line(
                    state,
                    data,
                    ov,
                    *node,
                    inner_w,
                    selected_node == Some(i),
                ));
            }
            line += 1;
            if expanded {
                // The pods the row counts, in the state drawn (after the what-if, if any).
                for p in &ov.node(*node).listed {
                    if line >= first && out.len() < height {
                        out.push(pod_line(state, data, *p, inner_w));
                    }
                    line += 1;
                    if out.len() >= height {
                        break;
                    }
                }
            }
        }
        frame.render_widget(Paragraph::new(out), *list);
    }
    if let (Some(area), Some(r)) = (lay.outcome, sim) {
        outcome_panel(state, data, r, frame, area);
    }
}

fn node_line(
    state: &State,
    data: &Data,
    ov: &Overview,
    node: NodeId,
    width: usize,
    selected: bool,
) -> Line<'static> {
    let th = &state.theme;
    let t = &data.topology;
    let s = ov.node(node);
    let fate = state
        .sim
        .result
        .as_ref()
        .map_or(NodeFate::Unchanged, |r| node_fate(t, &r.outcome, node));
    let (mark, mark_style) = match fate {
        NodeFate::Down => ("✗", th.critical),
        NodeFate::Cordoned => ("⊘", th.warning),
        NodeFate::Unchanged if !s.ready => ("✗", th.critical),
        NodeFate::Unchanged if s.cordoned => ("⊘", th.warning),
        NodeFate::Unchanged => ("●", th.ok),
    };
    let stats = if width >= 40 {
        format!(
            "L{:<2} Q{:<2} V{:<2} {:>3}p",
            s.leaders, s.quorum_replicas, s.pinned_volumes, s.pods
        )
    } else {
        format!("L{} Q{} {}p", s.leaders, s.quorum_replicas, s.pods)
    };
    let name = &t.nodes[node.index()].node.meta.name;
    // The mark says it already; the word only where the name still fits beside it.
    let word_fits = |w: &str| width >= stats.chars().count() + 3 + w.len() + name.chars().count();
    let state_word = {
        let word = match fate {
            NodeFate::Down => " DOWN",
            NodeFate::Cordoned => " drained",
            NodeFate::Unchanged if !s.ready => " NotReady",
            NodeFate::Unchanged if s.cordoned => " cordoned",
            NodeFate::Unchanged => "",
        };
        if word_fits(word) { word } else { "" }
    };
    let name_w = width.saturating_sub(stats.chars().count() + 3 + state_word.len());
    let name = pad_name(name, name_w);
    let base = if selected { th.selected } else { Style::new() };
    // Down in the what-if; at rest, the worst finding about the node or what runs there.
    let name_style = if fate == NodeFate::Down {
        base.patch(th.critical)
    } else if state.sim.result.is_none() {
        base.patch(severity_style(th, data.risk.nodes[node.index()]))
    } else {
        base
    };
    let leaders_style = if s.leaders > 0 {
        base.patch(th.accent)
    } else {
        base
    };
    Line::from(vec![
        Span::styled(format!("{mark} "), base.patch(mark_style)),
        Span::styled(name, name_style),
        Span::styled(state_word.to_string(), base.patch(mark_style)),
        Span::styled(" ", base),
        Span::styled(stats, leaders_style),
    ])
}

fn pod_line(state: &State, data: &Data, pod: PodId, width: usize) -> Line<'static> {
    let th = &state.theme;
    let t = &data.topology;
    let info = &t.pods[pod.index()];
    let sim = state.sim.result.as_deref();
    // Who holds a lease in the state drawn (a what-if moves leases).
    let facts = sim.map_or(&data.pods[pod.index()], |r| &r.pods[pod.index()]);
    let pinned = info.pvcs.iter().any(|c| {
        t.pvcs[c.index()]
            .pv
            .is_some_and(|v| matches!(t.pvs[v.index()].pin, Pin::Zones(_) | Pin::Nodes(_)))
    });
    let fate = sim.map(|r| r.fates.pods[pod.index()]);
    // What the what-if did to it: stopped with its node, recreated here, or as it was.
    let (fate_mark, style) = match fate {
        Some(PodFate::Stopped) => ("✗", th.critical),
        Some(PodFate::Moved(_)) => ("→", th.ok),
        _ if facts.volume_out_of_reach.is_some() => ("!", th.critical),
        _ if !info.pod.ready => (" ", th.muted),
        None => (" ", severity_style(th, data.risk.pods[pod.index()])),
        _ => (" ", Style::new()),
    };
    let marks = format!(
        "{}{}{}",
        if facts.holds_lease { "★" } else { " " },
        if facts.quorum_replica { "Q" } else { " " },
        if pinned { "V" } else { " " }
    );
    let name = format!("{}/{}", info.pod.meta.namespace, info.pod.meta.name);
    Line::from(vec![
        Span::styled(format!("{fate_mark} "), style),
        Span::styled(pad_name(&name, width.saturating_sub(6)), style),
        Span::styled(format!(" {marks}"), th.accent),
    ])
}

/// The colour of a finding's severity (warnings and worse; info is no risk to colour).
fn severity_style(th: &crate::ui::theme::Theme, severity: Option<Severity>) -> Style {
    match severity {
        Some(Severity::Critical) => th.critical,
        Some(Severity::Warning) => th.warning,
        _ => Style::new(),
    }
}

fn outcome_panel(
    state: &State,
    data: &Data,
    r: &crate::ui::state::SimResult,
    frame: &mut Frame,
    area: Rect,
) {
    let th = &state.theme;
    let w = area.width.saturating_sub(2) as usize;
    let h = area.height.saturating_sub(2) as usize;
    let lines = super::outcome::lines(th, &r.outcome, w, h, super::outcome::Detail::Panel);
    let _ = data;
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(format!(
            " Outcome · {} for the timeline ",
            state.keys.key(crate::ui::keys::Action::Simulate)
        ))),
        area,
    );
}
