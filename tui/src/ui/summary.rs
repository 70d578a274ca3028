//! The summary lines above the Topology view's zone columns: one part per cluster, what no
//! column shows (pending pods, zones only volumes are in), and the scenario's outcome on a line
//! of its own. Shared by the layout (how many lines they wrap to) and the view (drawing them).

use quorum_core::contract::count;
use quorum_core::overview::Overview;
use ratatui::text::{Line, Span};

use super::state::{Data, State};

/// The summary's lines, given how many zones are left out on either side.
pub fn topology(
    state: &State,
    data: &Data,
    hidden_left: usize,
    hidden_right: usize,
) -> Vec<Line<'static>> {
    let th = &state.theme;
    let t = &data.topology;
    let sim = state.sim.result.as_deref();
    let ov: &Overview = sim.map_or(&data.overview, |r| &r.overview);
    let mut spans = Vec::new();
    if hidden_left > 0 {
        spans.push(Span::styled(format!("◀ {} ", hidden_left), th.accent));
    }
    for (i, c) in t.clusters.iter().enumerate() {
        if state.topology.cluster.is_some_and(|x| x.index() != i) {
            continue;
        }
        let (mut nodes, mut ready, mut pods, mut leaders) = (0, 0, 0, 0);
        for z in &c.zones {
            let s = ov.zone(*z);
            nodes += s.nodes;
            ready += s.ready_nodes;
            pods += s.pods;
            leaders += s.leaders;
        }
        if !spans.is_empty() {
            spans.push(Span::raw(" │ "));
        }
        spans.push(Span::styled(c.name.clone(), th.title));
        spans.push(Span::raw(format!(
            ": {} zones · {ready}/{nodes} nodes ready · {pods} pods · {leaders} leaders",
            c.zones.len()
        )));
        // At rest, what no node column shows: pods on no node, zones only volumes are in.
        if sim.is_none() {
            let pending = data
                .unplaced
                .iter()
                .filter(|p| t.pods[p.index()].cluster.index() == i)
                .count();
            if pending > 0 {
                spans.push(Span::styled(
                    format!(" · {pending} pending (on no node)"),
                    th.warning,
                ));
            }
            for (cluster, zone, pvs) in &data.volume_only_zones {
                if cluster.index() == i {
                    spans.push(Span::styled(
                        format!(
                            " · {zone}: {} but no node",
                            count(pvs.len(), "volume", "volumes")
                        ),
                        th.critical,
                    ));
                }
            }
        }
    }
    // The scenario's line: under the clusters' (a narrow terminal keeps both whole).
    let cluster_spans = std::mem::take(&mut spans);
    let events = state
        .sim
        .events
        .iter()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    if state.sim.running {
        // The new scenario is being computed: say so, and that what is drawn is the last one.
        spans.push(Span::styled(
            format!(
                " │ ⏳ simulating {}…{}",
                events,
                if sim.is_some() {
                    " (below: the previous scenario)"
                } else {
                    ""
                }
            ),
            th.accent,
        ));
    } else if let Some(r) = sim {
        let lost = r.outcome.groups.iter().filter(|g| !g.has_quorum).count();
        spans.push(Span::styled(
            format!(
                " │ after {}: {} without quorum · {} · {} pending",
                events,
                count(lost, "group", "groups"),
                count(r.outcome.reelections.len(), "re-election", "re-elections"),
                r.outcome.pending.len()
            ),
            if lost > 0 { th.critical } else { th.warning },
        ));
    }
    let mut cluster_spans = cluster_spans;
    if hidden_right > 0 {
        cluster_spans.push(Span::styled(format!(" {} ▶", hidden_right), th.accent));
    }
    let scenario_spans: Vec<Span> = spans
        .into_iter()
        .map(|s| {
            // The scenario's own line needs no separator from the clusters'.
            match s.content.strip_prefix(" │ ") {
                Some(rest) => Span::styled(rest.to_string(), s.style),
                None => s,
            }
        })
        .collect();
    let mut summary = vec![Line::from(cluster_spans)];
    if !scenario_spans.is_empty() {
        summary.push(Line::from(scenario_spans));
    }
    summary
}
