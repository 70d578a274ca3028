//! What each view lists, after its filter: derived from the state, shared by `update` (bounds,
//! jumps, mouse) and the views (drawing). Indexes point into the data; nothing is copied.

use quorum_core::graph::*;

use super::state::{Data, State};

fn matches(filter: &str, text: &str) -> bool {
    filter.is_empty() || text.to_lowercase().contains(&filter.to_lowercase())
}

/// The zones shown as columns: every cluster's zones in order, or one cluster's.
pub fn zones(state: &State, data: &Data) -> Vec<ZoneId> {
    let t = &data.topology;
    t.clusters
        .iter()
        .enumerate()
        .filter(|(i, _)| state.topology.cluster.is_none_or(|c| c.index() == *i))
        .flat_map(|(_, c)| c.zones.iter().copied())
        .collect()
}

/// The nodes of a zone that pass the filter (by node name, or by a pod's name on it).
pub fn nodes(state: &State, data: &Data, zone: ZoneId) -> Vec<NodeId> {
    let t = &data.topology;
    let filter = &state.topology.filter;
    t.zones[zone.index()]
        .nodes
        .iter()
        .copied()
        .filter(|n| {
            filter.is_empty()
                || matches(filter, t.nodes[n.index()].name())
                || t.nodes[n.index()]
                    .pods
                    .iter()
                    .any(|p| matches(filter, &t.pods[p.index()].pod.meta.name))
        })
        .collect()
}

/// The selected zone and node of the Topology view, if any.
pub fn selection(state: &State, data: &Data) -> (Option<ZoneId>, Option<NodeId>) {
    let zones = zones(state, data);
    let Some(zone) = zones.get(state.topology.zone).copied() else {
        return (None, None);
    };
    let node = state
        .topology
        .node
        .and_then(|i| nodes(state, data, zone).get(i).copied());
    (Some(zone), node)
}

/// Leader records (indexes into the analysis' records) that pass the filter.
pub fn leaders(state: &State, data: &Data) -> Vec<usize> {
    let f = &state.leaders.filter;
    data.analysis
        .leaders
        .records
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            f.is_empty()
                || matches(f, &r.lease)
                || r.holder.as_deref().is_some_and(|h| matches(f, h))
                || r.node.as_deref().is_some_and(|n| matches(f, n))
                || r.zone.as_deref().is_some_and(|z| matches(f, z))
        })
        .map(|(i, _)| i)
        .collect()
}

/// Groups (indexes into the analysis' groups) that pass the filter.
pub fn groups(state: &State, data: &Data) -> Vec<usize> {
    let f = &state.groups.list.filter;
    data.analysis
        .groups
        .iter()
        .enumerate()
        .filter(|(_, g)| matches(f, &g.name) || matches(f, &g.kind))
        .map(|(i, _)| i)
        .collect()
}

/// Findings (indexes) at or above the lowest severity shown that pass the filter.
pub fn findings(state: &State, data: &Data) -> Vec<usize> {
    let f = &state.findings.list.filter;
    data.analysis
        .findings
        .iter()
        .enumerate()
        .filter(|(_, x)| x.severity >= state.findings.min_severity)
        .filter(|(_, x)| {
            f.is_empty()
                || matches(f, x.check)
                || matches(f, &x.message)
                || matches(f, &x.subject.name)
                || matches(f, &x.subject.namespace)
                || matches(f, &x.subject.kind)
        })
        .map(|(i, _)| i)
        .collect()
}

/// The first row shown in a list of `len` rows, `height` high, with `selected` kept in view.
pub fn offset(selected: usize, height: usize, len: usize) -> usize {
    if height == 0 || len <= height {
        return 0;
    }
    let half = height / 2;
    selected.saturating_sub(half).min(len - height)
}
