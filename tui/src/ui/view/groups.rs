//! Groups: replicas per zone and what each group survives; Enter opens one: its pods, claims,
//! volumes and the chain from pod to zone.

use quorum_core::analysis::GroupStats;
use quorum_core::finding::Severity;
use quorum_core::graph::*;
use quorum_core::overview::members;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::{col, col_name, fit, mark};
use crate::ui::layout;
use crate::ui::rows;
use crate::ui::state::{Data, State};

pub fn draw(state: &State, data: &Data, frame: &mut Frame, body: Rect) {
    match state.groups.open {
        Some(g) => detail(state, data, g, frame, body),
        None => table(state, data, frame, body),
    }
}

fn per_zone(g: &GroupStats) -> String {
    g.per_zone
        .iter()
        .map(|(z, n)| format!("{z} {n}"))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn table(state: &State, data: &Data, frame: &mut Frame, body: Rect) {
    let th = &state.theme;
    let rows = rows::groups(state, data);
    let area = layout::groups(body);
    let w = area.width as usize;
    let sim = state.sim.result.as_deref();
    let after_w = if sim.is_some() { 12 } else { 0 };
    // On a narrow terminal kinds are named as kubectl abbreviates them, and the group's name
    // gets the room it needs before the zones do.
    let narrow = w < 120;
    let kind_w = if narrow { 7 } else { 12 };
    let fixed = kind_w + 7 + 12 + 14 + after_w;
    let rest = w.saturating_sub(fixed);
    let longest = rows
        .iter()
        .map(|r| data.analysis.groups[*r].name.chars().count() + 1)
        .max()
        .unwrap_or(6);
    let name_w = longest.max(6).min(rest * 60 / 100);
    let zones_w = rest.saturating_sub(name_w);
    let kind = |k: &str| -> String {
        match (narrow, k) {
            (true, "StatefulSet") => "sts".into(),
            (true, "Deployment") => "deploy".into(),
            (true, "ReplicaSet") => "rs".into(),
            (true, "DaemonSet") => "ds".into(),
            _ => k.to_string(),
        }
    };
    let mut header = format!(
        "{}{}{}{}{}{}",
        col("GROUP", name_w),
        col("KIND", kind_w),
        col("MODE", 7),
        col("UP/ALL≥NEED", 12),
        col("PER ZONE", zones_w),
        col("NODE ZONE REG", 14)
    );
    if sim.is_some() {
        header.push_str(&col("AFTER", after_w));
    }
    let height = area.height as usize;
    let first = rows::offset(state.groups.list.selected, height, rows.len());
    let mut lines = vec![Line::styled(header, th.title)];
    for (k, r) in rows.iter().enumerate().skip(first).take(height) {
        let g = &data.analysis.groups[*r];
        let base = if k == state.groups.list.selected {
            th.selected
        } else {
            Style::new()
        };
        // The worst finding about the group, as the Findings view lists it.
        let health = match data.risk.groups[g.id.index()] {
            Some(Severity::Critical) => th.critical,
            Some(Severity::Warning) => th.warning,
            _ => Style::new(),
        };
        let survives = format!(
            " {}    {}    {}",
            mark(g.survives.node),
            mark(g.survives.zone),
            mark(g.survives.region)
        );
        let mode = match g.mode {
            Mode::Quorum => "quorum",
            Mode::Leader => "leader",
        };
        let mut spans = vec![
            Span::styled(col_name(&g.name, name_w), base.patch(health)),
            Span::styled(col(&kind(&g.kind), kind_w), base),
            Span::styled(col(mode, 7), base),
            Span::styled(
                col(&format!("{}/{}≥{}", g.available, g.replicas, g.needed), 12),
                base.patch(health),
            ),
            Span::styled(col(&per_zone(g), zones_w), base),
            Span::styled(col(&survives, 14), base.patch(health)),
        ];
        if let Some(r) = sim {
            let after = r.outcome.groups.iter().find(|o| o.id == g.id);
            let (text, style) = match after {
                Some(o) if !o.has_quorum => {
                    (format!("LOST {}/{}", o.available, o.replicas), th.critical)
                }
                Some(o) => (format!("ok {}/{}", o.available, o.replicas), th.ok),
                None => ("–".to_string(), Style::new()),
            };
            spans.push(Span::styled(col(&text, after_w), base.patch(style)));
        }
        lines.push(Line::from(spans));
    }
    let filter = if state.groups.list.filter.is_empty() {
        String::new()
    } else {
        format!(" · filter /{}", state.groups.list.filter)
    };
    let title = format!(
        " Groups: {} of {}{filter} · survives the loss of any one node / zone / region ",
        rows.len(),
        data.analysis.groups.len()
    );
    frame.render_widget(Block::bordered().title(title), body);
    let inner = Rect::new(
        body.x + 1,
        body.y + 1,
        body.width.saturating_sub(2),
        body.height.saturating_sub(2),
    );
    frame.render_widget(Paragraph::new(lines), inner);
}

fn detail(state: &State, data: &Data, group: GroupId, frame: &mut Frame, body: Rect) {
    let th = &state.theme;
    let t = &data.topology;
    let lay = layout::group(body);
    let Some(g) = data.analysis.groups.iter().find(|s| s.id == group) else {
        return;
    };
    let health = if !g.has_quorum() {
        th.critical
    } else if g.survives.zone == Some(false) {
        th.warning
    } else {
        th.ok
    };
    let summary = vec![
        Line::from(vec![
            Span::styled(g.name.clone(), th.title),
            Span::raw(format!(
                " · {} · {} · {} of {} replicas up, {} needed",
                g.kind,
                match g.mode {
                    Mode::Quorum => "quorum group",
                    Mode::Leader => "leader group",
                },
                g.available,
                g.replicas,
                g.needed
            )),
        ]),
        Line::from(vec![
            Span::styled(
                format!(
                    "survives a node {}  a zone {}  a region {}  a cluster {}",
                    mark(g.survives.node),
                    mark(g.survives.zone),
                    mark(g.survives.region),
                    mark(g.survives.cluster)
                ),
                health,
            ),
            Span::raw(format!("   per zone: {}", per_zone(g))),
        ]),
    ];
    frame.render_widget(Paragraph::new(summary), lay.summary);

    let list = members(t, group);
    let w = lay.rows.width as usize;
    let (pod_w, ready_w, node_w, zone_w) = (w * 22 / 100, 7, w * 16 / 100, w * 12 / 100);
    let chain_w = w.saturating_sub(pod_w + ready_w + node_w + zone_w);
    let header = format!(
        "{}{}{}{}{}",
        col("POD", pod_w),
        col("READY", ready_w),
        col("NODE", node_w),
        col("ZONE", zone_w),
        col("CLAIM → PINNED TO (VOLUME)", chain_w)
    );
    let height = lay.rows.height as usize;
    let first = rows::offset(state.groups.member, height, list.len());
    let mut lines = vec![Line::styled(header, th.title)];
    for (k, m) in list.iter().enumerate().skip(first).take(height) {
        let base = if k == state.groups.member {
            th.selected
        } else {
            Style::new()
        };
        let chain = if m.volumes.is_empty() {
            "no volumes".to_string()
        } else {
            m.volumes
                .iter()
                .map(|v| {
                    let pvc = &t.pvcs[v.pvc.index()].pvc.meta.name;
                    match v.pv {
                        Some(pv) => format!(
                            "{pvc} → {} ({})",
                            v.pin.describe(),
                            t.pvs[pv.index()].pv.meta.name
                        ),
                        None => format!("{pvc} → unbound"),
                    }
                })
                .collect::<Vec<_>>()
                .join("; ")
        };
        let pod = format!(
            "{}{}",
            if m.leads.is_empty() { "  " } else { "★ " },
            t.pods[m.pod.index()].pod.meta.name
        );
        lines.push(Line::from(vec![
            Span::styled(col(&pod, pod_w), base),
            Span::styled(
                col(if m.ready { "yes" } else { "no" }, ready_w),
                base.patch(if m.ready { th.ok } else { th.critical }),
            ),
            Span::styled(
                col(&m.node.map_or("–".into(), |n| t.node_display(n)), node_w),
                base,
            ),
            Span::styled(
                col(&m.zone.map_or("–".into(), |z| t.zone_display(z)), zone_w),
                base,
            ),
            Span::styled(col(&chain, chain_w), base.patch(th.accent)),
        ]));
    }
    frame.render_widget(
        Block::bordered().title(format!(" Members ({}) · ★ holds the lease ", list.len())),
        lay.members,
    );
    let inner = Rect::new(
        lay.members.x + 1,
        lay.members.y + 1,
        lay.members.width.saturating_sub(2),
        lay.members.height.saturating_sub(2),
    );
    frame.render_widget(Paragraph::new(lines), inner);
    let fw = lay.footer.width as usize;
    let footer = vec![
        Line::raw(fit(
            &format!(
                "leases: {}",
                if g.leases.is_empty() {
                    "none".into()
                } else {
                    g.leases.join(", ")
                }
            ),
            fw,
        )),
        Line::raw(fit(
            &format!(
                "budgets: {}",
                if g.pdbs.is_empty() {
                    "none".into()
                } else {
                    g.pdbs.join(", ")
                }
            ),
            fw,
        )),
        Line::styled(
            "a pod on a zonal volume can only come back in that zone; on a local volume, only on that node",
            th.muted,
        ),
    ];
    frame.render_widget(Paragraph::new(footer), lay.footer);
}
