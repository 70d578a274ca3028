//! What each view lists, after its filter: derived from the state, shared by `update` (bounds,
//! jumps, mouse) and the views (drawing). Indexes point into the data. A filtered list is
//! computed once per filter and snapshot (a filter over 150,000 pods is not a per-frame job)
//! and kept in [`Cache`].

use std::cell::RefCell;
use std::sync::Arc;

use quorum_core::check::Severity;
use quorum_core::graph::*;
use quorum_core::overview::Overview;

use super::state::{Data, Order, State};

/// A filter on one state: the state's generation, the what-if's (0 for none) and the filter.
type Key = (u64, u64, String);

/// Rows of a list and the key they were computed for.
type Slot<K, V> = Option<(K, V)>;

/// Filtered lists, each with the key it was computed for.
#[derive(Default)]
pub struct Cache {
    nodes: Slot<(Key, Order), Arc<Vec<Vec<NodeId>>>>,
    leaders: Slot<Key, Arc<[usize]>>,
    groups: Slot<(Key, Order), Arc<[usize]>>,
    findings: Slot<(Key, Severity), Arc<[usize]>>,
}

pub type CacheCell = RefCell<Cache>;

fn key(data: &Data, filter: &str) -> Key {
    (data.generation, 0, filter.to_string())
}

/// The overview of the state the views draw: the graph after the what-if, else today's.
pub fn overview<'a>(state: &'a State, data: &'a Data) -> &'a Overview {
    state
        .sim
        .result
        .as_deref()
        .map_or(&*data.overview, |r| &r.overview)
}

fn cached<K: PartialEq, V: Clone>(slot: &mut Slot<K, V>, key: K, compute: impl FnOnce() -> V) -> V {
    match slot {
        Some((k, v)) if *k == key => v.clone(),
        _ => {
            let v = compute();
            *slot = Some((key, v.clone()));
            v
        }
    }
}

/// Case-insensitive substring match; no allocation for ASCII (names are), as it runs per row
/// per frame on 150,000 pods.
fn matches(filter: &str, text: &str) -> bool {
    if filter.is_empty() {
        return true;
    }
    if filter.is_ascii() && text.is_ascii() {
        let (needle, hay) = (filter.as_bytes(), text.as_bytes());
        return needle.len() <= hay.len()
            && hay
                .windows(needle.len())
                .any(|w| w.eq_ignore_ascii_case(needle));
    }
    text.to_lowercase().contains(&filter.to_lowercase())
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
pub fn nodes(state: &State, data: &Data, zone: ZoneId) -> Arc<[NodeId]> {
    let t = &data.topology;
    let filter = &state.topology.filter;
    if filter.is_empty() && state.topology.order == Order::Name {
        return t.zones[zone.index()].nodes.as_slice().into();
    }
    let sim = state.sim.result.as_ref().map_or(0, |r| r.generation);
    let ov = overview(state, data);
    let order = state.topology.order;
    let per_zone = cached(
        &mut state.rows.borrow_mut().nodes,
        ((data.generation, sim, filter.clone()), order),
        || {
            let mut per_zone = vec![Vec::new(); t.zones.len()];
            // A node matches by its name or by a pod listed under it, as `namespace/name`.
            for (i, n) in t.nodes.iter().enumerate() {
                if matches(filter, n.name())
                    || ov.nodes[i].listed.iter().any(|p| {
                        let meta = &t.pods[p.index()].pod.meta;
                        matches(filter, &format!("{}/{}", meta.namespace, meta.name))
                    })
                {
                    per_zone[n.zone.index()].push(NodeId(i as u32));
                }
            }
            for nodes in &mut per_zone {
                sort_nodes(nodes, data, ov, order);
            }
            Arc::new(per_zone)
        },
    );
    per_zone[zone.index()].as_slice().into()
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
pub fn leaders(state: &State, data: &Data) -> Arc<[usize]> {
    let f = &state.leaders.filter;
    cached(&mut state.rows.borrow_mut().leaders, key(data, f), || {
        leaders_now(data, f)
    })
}

fn leaders_now(data: &Data, f: &str) -> Arc<[usize]> {
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
pub fn groups(state: &State, data: &Data) -> Arc<[usize]> {
    let f = &state.groups.list.filter;
    let order = state.topology.order;
    cached(
        &mut state.rows.borrow_mut().groups,
        (key(data, f), order),
        || groups_now(data, f, order),
    )
}

fn groups_now(data: &Data, f: &str, order: Order) -> Arc<[usize]> {
    let groups = &data.analysis.groups;
    let mut rows: Vec<usize> = groups
        .iter()
        .enumerate()
        .filter(|(_, g)| matches(f, &g.name) || matches(f, &g.kind))
        .map(|(i, _)| i)
        .collect();
    // Stable: equal ones keep the analysis' order.
    match order {
        Order::Name => {}
        Order::Risk => {
            rows.sort_by_key(|i| std::cmp::Reverse(data.risk.groups[groups[*i].id.index()]))
        }
        Order::Leaders => rows.sort_by_key(|i| std::cmp::Reverse(groups[*i].leases.len())),
        Order::Quorum => rows.sort_by_key(|i| {
            std::cmp::Reverse(if groups[*i].mode == Mode::Quorum {
                groups[*i].replicas
            } else {
                0
            })
        }),
    }
    rows.into()
}

/// A zone's nodes in the order chosen (stable: equal ones keep the input's order).
fn sort_nodes(nodes: &mut [NodeId], data: &Data, ov: &Overview, order: Order) {
    match order {
        Order::Name => {}
        Order::Risk => nodes.sort_by_key(|n| std::cmp::Reverse(data.risk.nodes[n.index()])),
        Order::Leaders => nodes.sort_by_key(|n| std::cmp::Reverse(ov.node(*n).leaders)),
        Order::Quorum => nodes.sort_by_key(|n| std::cmp::Reverse(ov.node(*n).quorum_replicas)),
    }
}

/// Findings (indexes) at or above the lowest severity shown that pass the filter.
pub fn findings(state: &State, data: &Data) -> Arc<[usize]> {
    let f = &state.findings.list.filter;
    let min = state.findings.min_severity;
    cached(
        &mut state.rows.borrow_mut().findings,
        (key(data, f), min),
        || findings_now(data, f, min),
    )
}

fn findings_now(data: &Data, f: &str, min: Severity) -> Arc<[usize]> {
    data.analysis
        .findings
        .iter()
        .enumerate()
        .filter(|(_, x)| x.severity >= min)
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

#[cfg(test)]
#[test]
fn filters_ignore_case() {
    assert!(matches("PG", "db/pg-0"));
    assert!(matches("", "anything"));
    assert!(!matches("pg-10", "pg-1"));
    assert!(matches("zürich", "Zürich-1"));
}

/// The first row shown in a list of `len` rows, `height` high, with `selected` kept in view.
pub fn offset(selected: usize, height: usize, len: usize) -> usize {
    if height == 0 || len <= height {
        return 0;
    }
    let half = height / 2;
    selected.saturating_sub(half).min(len - height)
}
