//! Leaders: where the leaders are per zone and per node (bars; above the best spread the replicas
//! allow is a concentration, highlighted), and the lease list.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::{age, bar, col, col_name, pad};
use crate::ui::layout;
use crate::ui::rows;
use crate::ui::state::{Data, State};

pub fn draw(state: &State, data: &Data, frame: &mut Frame, body: Rect) {
    let th = &state.theme;
    let t = &data.topology;
    let stats = &data.analysis.leaders;
    let lay = layout::leaders(data, body);

    // Per zone.
    let best_zone = stats.best_max_per_zone;
    let max_zone = data
        .overview
        .zones
        .iter()
        .map(|z| z.leaders)
        .max()
        .unwrap_or(0);
    let inner_w = lay.zones_chart.width.saturating_sub(2) as usize;
    let name_w = t
        .zones
        .iter()
        .enumerate()
        .map(|(i, _)| t.zone_display(quorum_core::graph::ZoneId(i as u32)).len())
        .max()
        .unwrap_or(4)
        .min(inner_w / 3);
    let mut lines = Vec::new();
    for (i, _) in t.zones.iter().enumerate() {
        let z = quorum_core::graph::ZoneId(i as u32);
        let n = data.overview.zone(z).leaders;
        let over = best_zone.is_some_and(|b| n > b);
        let style = if over { th.warning } else { th.accent };
        let label = format!("{} ", pad(&t.zone_display(z), name_w));
        let count = format!(" {n:>4}{}", if over { " ▲" } else { "" });
        let bar_w = inner_w.saturating_sub(label.len() + count.len());
        lines.push(Line::from(vec![
            Span::raw(label),
            Span::styled(bar(n, max_zone, bar_w), style),
            Span::styled(count, style),
        ]));
    }
    let zone_title = format!(
        " Leaders per zone: max {}{} ",
        stats.max_per_zone(),
        best_zone.map_or(String::new(), |b| format!(", best possible {b}"))
    );
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(zone_title)),
        lay.zones_chart,
    );

    // Per node: the fullest first, as many as fit.
    let best_node = stats.best_max_per_node;
    let max_node = data
        .nodes_by_leaders
        .first()
        .map_or(0, |n| data.overview.node(*n).leaders);
    let inner_w = lay.nodes_chart.width.saturating_sub(2) as usize;
    let height = lay.nodes_chart.height.saturating_sub(2) as usize;
    let mut lines = Vec::new();
    let leading: Vec<_> = data
        .nodes_by_leaders
        .iter()
        .filter(|n| data.overview.node(**n).leaders > 0)
        .collect();
    // Every node that holds a leader, or as many as fit and a line for the rest: never cut.
    let shown = if leading.len() > height {
        height.saturating_sub(1)
    } else {
        leading.len()
    };
    for node in leading.iter().take(shown) {
        let node = *node;
        let n = data.overview.node(*node).leaders;
        let over = best_node.is_some_and(|b| n > b);
        let style = if over { th.warning } else { th.accent };
        let label = format!("{} ", pad(&t.node_display(*node), (inner_w / 3).max(8)));
        let count = format!(" {n:>4}{}", if over { " ▲" } else { "" });
        let bar_w = inner_w.saturating_sub(label.chars().count() + count.len());
        lines.push(Line::from(vec![
            Span::raw(label),
            Span::styled(bar(n, max_node, bar_w), style),
            Span::styled(count, style),
        ]));
    }
    if shown < leading.len() {
        let rest: u32 = leading[shown..]
            .iter()
            .map(|n| data.overview.node(**n).leaders)
            .sum();
        lines.push(Line::styled(
            format!(
                "… {} more holding {} (the lease list below has them all)",
                quorum_core::contract::count(leading.len() - shown, "node", "nodes"),
                quorum_core::contract::count(rest as usize, "leader", "leaders")
            ),
            th.muted,
        ));
    }
    let node_title = format!(
        " Leaders per node: max {}{} ",
        stats.max_per_node(),
        best_node.map_or(String::new(), |b| format!(", best possible {b}"))
    );
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(node_title)),
        lay.nodes_chart,
    );

    // The lease list.
    let rows = rows::leaders(state, data);
    let w = lay.rows.width as usize;
    let fixed = 8 + 9; // age, state
    let rest = w.saturating_sub(fixed);
    let (lease_w, holder_w, node_w) = (rest * 34 / 100, rest * 28 / 100, rest * 22 / 100);
    let zone_w = rest.saturating_sub(lease_w + holder_w + node_w);
    let header = format!(
        "{}{}{}{}{}{}",
        col("LEASE", lease_w),
        col("HOLDER", holder_w),
        col("NODE", node_w),
        col("ZONE", zone_w),
        col("AGE", 8),
        col("STATE", 9)
    );
    let height = lay.rows.height as usize;
    let first = rows::offset(state.leaders.selected, height, rows.len());
    let mut lines = vec![Line::styled(header, th.title)];
    for (k, r) in rows.iter().enumerate().skip(first).take(height) {
        let rec = &stats.records[*r];
        let leader = &t.leaders[rec.id.index()];
        let renewed = leader.record.renew_time.or(leader.record.acquire_time);
        let age_text = match (t.now, renewed) {
            (Some(now), Some(at)) => age((now - at).num_seconds()),
            _ => "–".into(),
        };
        let node_leaders = t
            .holder_node(rec.id)
            .map_or(0, |n| data.overview.node(n).leaders);
        let concentrated = best_node.is_some_and(|b| node_leaders > b && b > 0);
        let base = if k == state.leaders.selected {
            th.selected
        } else {
            Style::new()
        };
        let (state_text, state_style) = if rec.expired {
            ("expired", th.critical)
        } else if rec.node.is_none() {
            ("no node", th.warning)
        } else {
            ("held", th.ok)
        };
        lines.push(Line::from(vec![
            Span::styled(col_name(&rec.lease, lease_w), base),
            Span::styled(
                col_name(rec.holder.as_deref().unwrap_or("–"), holder_w),
                base,
            ),
            Span::styled(
                col(rec.node.as_deref().unwrap_or("–"), node_w),
                if concentrated {
                    base.patch(th.warning)
                } else {
                    base
                },
            ),
            Span::styled(col(rec.zone.as_deref().unwrap_or("–"), zone_w), base),
            Span::styled(col(&age_text, 8), base),
            Span::styled(col(state_text, 9), base.patch(state_style)),
        ]));
    }
    let filter = if state.leaders.filter.is_empty() {
        String::new()
    } else {
        format!(" · filter /{}", state.leaders.filter)
    };
    let title = format!(
        " Leases: {} of {}{filter} · ▲ above the best possible spread ",
        rows.len(),
        stats.records.len()
    );
    let table = lay.table;
    frame.render_widget(Block::bordered().title(title), table);
    let inner = Rect::new(
        table.x + 1,
        table.y + 1,
        table.width.saturating_sub(2),
        table.height.saturating_sub(2),
    );
    frame.render_widget(Paragraph::new(lines), inner);
}
