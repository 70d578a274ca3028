//! Leader distribution: bars per zone and per node (the busiest), today and after the what-if or
//! the plan.

use std::collections::BTreeMap;

use eframe::egui::{self, RichText};
use egui_plot::{Bar, BarChart, Legend, Plot};

use crate::palette;
use crate::session::Session;

/// Nodes shown in the per-node chart: the busiest ones today.
const NODES_SHOWN: usize = 24;

/// The other state: what it is, and its leaders per zone and per node.
pub type After<'a> = (
    &'a str,
    &'a BTreeMap<String, u32>,
    &'a BTreeMap<String, u32>,
);

#[derive(Default)]
pub struct LeadersPanel;

impl LeadersPanel {
    /// `after`: leaders per zone and per node in the other state, and what that state is.
    pub fn ui(&mut self, ui: &mut egui::Ui, session: &Session, after: Option<After<'_>>) {
        let l = &session.analysis.leaders;
        ui.heading(format!("Leaders ({})", l.total));
        let best = |b: Option<u32>| b.map_or("–".to_string(), |b| b.to_string());
        ui.label(format!(
            "most per zone {} (best possible {}), most per node {} (best possible {})",
            l.max_per_zone(),
            best(l.best_max_per_zone),
            l.max_per_node(),
            best(l.best_max_per_node)
        ));
        let zones: Vec<String> = l.per_zone.keys().cloned().collect();
        ui.label(RichText::new("per zone").strong());
        chart(
            ui,
            "leaders-per-zone",
            &zones,
            &l.per_zone,
            after.map(|(what, z, _)| (what, z)),
        );
        let (nodes, holding) = nodes_shown(&l.per_node, after.map(|(_, _, n)| n));
        let title = if holding > nodes.len() {
            format!(
                "per node (the {} busiest of {holding} holding leaders)",
                nodes.len()
            )
        } else {
            format!("per node (every node holding leaders: {holding})")
        };
        ui.label(RichText::new(title).strong());
        chart(
            ui,
            "leaders-per-node",
            &nodes,
            &l.per_node,
            after.map(|(what, _, n)| (what, n)),
        );
    }
}

/// The nodes the per-node chart shows: every node that holds a leader today or in the other
/// state (a plan moves leaders to nodes that hold none today), the busiest in either first, at
/// most [`NODES_SHOWN`]; and how many hold one.
fn nodes_shown(
    today: &BTreeMap<String, u32>,
    other: Option<&BTreeMap<String, u32>>,
) -> (Vec<String>, usize) {
    let mut most: BTreeMap<&String, u32> = BTreeMap::new();
    for (n, k) in today.iter().chain(other.into_iter().flatten()) {
        let m = most.entry(n).or_insert(0);
        *m = (*m).max(*k);
    }
    most.retain(|_, k| *k > 0);
    let holding = most.len();
    let mut nodes: Vec<(&String, u32)> = most.into_iter().collect();
    nodes.sort_by_key(|(n, k)| (std::cmp::Reverse(*k), (*n).clone()));
    let nodes = nodes
        .into_iter()
        .take(NODES_SHOWN)
        .map(|(n, _)| n.clone())
        .collect();
    (nodes, holding)
}

fn chart(
    ui: &mut egui::Ui,
    id: &str,
    names: &[String],
    before: &BTreeMap<String, u32>,
    after: Option<(&str, &BTreeMap<String, u32>)>,
) {
    let width = if after.is_some() { 0.4 } else { 0.7 };
    let offset = if after.is_some() { -0.2 } else { 0.0 };
    let bars = |values: &BTreeMap<String, u32>, shift: f64| -> Vec<Bar> {
        names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                Bar::new(i as f64 + shift, values.get(n).copied().unwrap_or(0) as f64)
                    .width(width)
                    .name(n)
            })
            .collect()
    };
    let today = BarChart::new("today", bars(before, offset)).color(palette::LEADER);
    let labels: Vec<String> = names.to_vec();
    Plot::new(id)
        .height(170.0)
        .legend(Legend::default())
        .allow_scroll(false)
        .allow_drag(false)
        .allow_zoom(false)
        .x_axis_formatter(move |mark, _| {
            let i = mark.value.round() as usize;
            if (mark.value - i as f64).abs() < 0.01 {
                labels.get(i).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .show(ui, |plot| {
            plot.bar_chart(today);
            if let Some((what, values)) = after {
                plot.bar_chart(
                    BarChart::new(what.to_string(), bars(values, 0.2)).color(palette::INFO),
                );
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_that_gains_its_first_leader_is_charted() {
        let today = BTreeMap::from([("a".to_string(), 3), ("b".to_string(), 1)]);
        let after = BTreeMap::from([("a".to_string(), 2), ("c".to_string(), 2)]);
        let (nodes, holding) = nodes_shown(&today, Some(&after));
        assert_eq!(nodes, ["a", "c", "b"]);
        assert_eq!(holding, 3);
        let (nodes, _) = nodes_shown(&today, None);
        assert_eq!(nodes, ["a", "b"]);
    }
}
