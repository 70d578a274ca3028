//! Failure events (`fail node:a1`, `drain node:b2`, `partition 'eu-a,eu-b|eu-c'`, `recover
//! zone:eu-a`) and their resolution against a topology, with the closest names on a typo.

use serde::{Deserialize, Serialize};

use crate::graph::*;

/// What an event names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Target {
    Node(String),
    Zone(String),
    Region(String),
    Cluster(String),
}

impl Target {
    pub fn parse(text: &str) -> Result<Target, String> {
        let (kind, name) = text.split_once(':').ok_or_else(|| {
            format!(
                "{text:?}: expected KIND:NAME, e.g. node:a1, zone:eu-a, region:eu, cluster:dc-a"
            )
        })?;
        let name = name.trim().to_string();
        if name.is_empty() {
            return Err(format!("{text:?}: the name is empty"));
        }
        match kind.trim() {
            "node" => Ok(Target::Node(name)),
            "zone" => Ok(Target::Zone(name)),
            "region" => Ok(Target::Region(name)),
            "cluster" => Ok(Target::Cluster(name)),
            other => Err(format!(
                "{text:?}: unknown kind {other:?} (node, zone, region or cluster)"
            )),
        }
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Node(n) => write!(f, "node:{n}"),
            Target::Zone(n) => write!(f, "zone:{n}"),
            Target::Region(n) => write!(f, "region:{n}"),
            Target::Cluster(n) => write!(f, "cluster:{n}"),
        }
    }
}

/// One event of a scenario.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    /// Crash or lose every node of the target.
    Fail(Target),
    /// Cordon the node(s) and evict their pods through the eviction API.
    Drain(Target),
    /// Cut the network between sides; each side a list of zone or cluster names.
    Partition(Vec<Vec<String>>),
    /// The target's nodes come back.
    Recover(Target),
    /// Evict one pod (`namespace/name`) through the eviction API, as a restart does.
    Evict(String),
    /// Delete one pod (`namespace/name`): no budget is asked, as `kubectl delete pod` and a data
    /// migration do; its controller recreates it.
    Delete(String),
}

impl Event {
    /// `pod:NAMESPACE/NAME` (or `pod:CLUSTER/NAMESPACE/NAME`).
    pub fn parse_evict(text: &str) -> Result<Event, String> {
        parse_pod(text).map(Event::Evict)
    }

    /// `pod:NAMESPACE/NAME` (or `pod:CLUSTER/NAMESPACE/NAME`).
    pub fn parse_delete(text: &str) -> Result<Event, String> {
        parse_pod(text).map(Event::Delete)
    }

    pub fn parse_partition(text: &str) -> Result<Event, String> {
        let sides: Vec<Vec<String>> = text
            .split('|')
            .map(|side| {
                side.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
            })
            .collect();
        if sides.len() < 2 || sides.iter().any(|s| s.is_empty()) {
            return Err(format!(
                "{text:?}: a partition is two or more sides separated by `|`, each a comma list of \
                 zones or clusters, e.g. 'eu-a,eu-b|eu-c'"
            ));
        }
        Ok(Event::Partition(sides))
    }
}

impl std::fmt::Display for Event {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Event::Fail(t) => write!(f, "fail {t}"),
            Event::Drain(t) => write!(f, "drain {t}"),
            Event::Recover(t) => write!(f, "recover {t}"),
            Event::Evict(pod) => write!(f, "evict pod:{pod}"),
            Event::Delete(pod) => write!(f, "delete pod:{pod}"),
            Event::Partition(sides) => write!(
                f,
                "partition {}",
                sides
                    .iter()
                    .map(|s| s.join(","))
                    .collect::<Vec<_>>()
                    .join("|")
            ),
        }
    }
}

fn parse_pod(text: &str) -> Result<String, String> {
    match text.split_once(':') {
        Some(("pod", pod)) if pod.contains('/') => Ok(pod.trim().to_string()),
        _ => Err(format!("{text:?}: expected pod:NAMESPACE/NAME")),
    }
}

/// Edit distance, for "did you mean".
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The names closest to `wanted`, for an error message.
pub fn closest<'a>(wanted: &str, names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut scored: Vec<(usize, &str)> = names.map(|n| (distance(wanted, n), n)).collect();
    scored.sort();
    scored.dedup();
    let best = scored.first().map_or(0, |s| s.0);
    scored
        .into_iter()
        .take_while(|(d, _)| *d <= best.max(2))
        .take(3)
        .map(|(_, n)| n.to_string())
        .collect()
}

/// Splits `cluster/name` when the cluster exists.
fn scoped<'a>(t: &Topology, name: &'a str) -> (Option<ClusterId>, &'a str) {
    if let Some((cluster, rest)) = name.split_once('/')
        && let Some(c) = t.cluster_named(cluster)
    {
        return (Some(c), rest);
    }
    (None, name)
}

fn unknown(kind: &str, name: &str, known: Vec<String>) -> String {
    let suggestions = closest(name, known.iter().map(String::as_str));
    if suggestions.is_empty() {
        format!("no {kind} named {name:?}")
    } else {
        format!(
            "no {kind} named {name:?}; did you mean {}?",
            suggestions.join(", ")
        )
    }
}

fn unique<T: Copy>(
    kind: &str,
    name: &str,
    found: Vec<(ClusterId, T)>,
    t: &Topology,
) -> Result<T, String> {
    match found.as_slice() {
        [] => Err(String::new()),
        [(_, one)] => Ok(*one),
        many => Err(format!(
            "{kind} {name:?} exists in several clusters ({}): write CLUSTER/{name}",
            many.iter()
                .map(|(c, _)| t.clusters[c.index()].name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

pub fn resolve_node(t: &Topology, name: &str) -> Result<NodeId, String> {
    let (cluster, name) = scoped(t, name);
    let found: Vec<(ClusterId, NodeId)> = (0..t.clusters.len())
        .map(|c| ClusterId(c as u32))
        .filter(|c| cluster.is_none_or(|want| want == *c))
        .filter_map(|c| t.node_named(c, name).map(|n| (c, n)))
        .collect();
    unique("node", name, found, t).map_err(|e| {
        if e.is_empty() {
            unknown(
                "node",
                name,
                t.nodes.iter().map(|n| n.name().to_string()).collect(),
            )
        } else {
            e
        }
    })
}

pub fn resolve_zone(t: &Topology, name: &str) -> Result<ZoneId, String> {
    let (cluster, name) = scoped(t, name);
    let found: Vec<(ClusterId, ZoneId)> = t
        .zones
        .iter()
        .enumerate()
        .filter(|(_, z)| z.name == name && cluster.is_none_or(|c| c == z.cluster))
        .map(|(i, z)| (z.cluster, ZoneId(i as u32)))
        .collect();
    unique("zone", name, found, t).map_err(|e| {
        if e.is_empty() {
            unknown(
                "zone",
                name,
                t.zones.iter().map(|z| z.name.clone()).collect(),
            )
        } else {
            e
        }
    })
}

pub fn resolve_pod(t: &Topology, name: &str) -> Result<PodId, String> {
    (0..t.pods.len())
        .map(|i| PodId(i as u32))
        .find(|p| t.pod_display(*p) == name)
        .ok_or_else(|| {
            unknown(
                "pod",
                name,
                (0..t.pods.len())
                    .map(|i| t.pod_display(PodId(i as u32)))
                    .collect(),
            )
        })
}

/// The nodes an event target covers.
pub fn nodes_of(t: &Topology, target: &Target) -> Result<Vec<NodeId>, String> {
    match target {
        Target::Node(name) => resolve_node(t, name).map(|n| vec![n]),
        Target::Zone(name) => resolve_zone(t, name).map(|z| t.zones[z.index()].nodes.clone()),
        Target::Region(name) => {
            let (cluster, name) = scoped(t, name);
            let nodes: Vec<NodeId> = t
                .zones
                .iter()
                .filter(|z| z.region == name && cluster.is_none_or(|c| c == z.cluster))
                .flat_map(|z| z.nodes.iter().copied())
                .collect();
            if nodes.is_empty() {
                let mut regions: Vec<String> = t
                    .zones
                    .iter()
                    .map(|z| z.region.clone())
                    .filter(|r| !r.is_empty())
                    .collect();
                regions.sort();
                regions.dedup();
                Err(unknown("region", name, regions))
            } else {
                Ok(nodes)
            }
        }
        Target::Cluster(name) => match t.cluster_named(name) {
            Some(c) => Ok(t
                .nodes
                .iter()
                .enumerate()
                .filter(|(_, n)| n.cluster == c)
                .map(|(i, _)| NodeId(i as u32))
                .collect()),
            None => Err(unknown(
                "cluster",
                name,
                t.clusters.iter().map(|c| c.name.clone()).collect(),
            )),
        },
    }
}

/// The zones one side of a partition names (zones, or every zone of a named cluster).
pub fn side_zones(t: &Topology, side: &[String]) -> Result<Vec<ZoneId>, String> {
    let mut out = Vec::new();
    for name in side {
        if let Some(c) = t.cluster_named(name)
            && !t.zones.iter().any(|z| &z.name == name)
        {
            out.extend(t.clusters[c.index()].zones.iter().copied());
            continue;
        }
        match resolve_zone(t, name) {
            Ok(z) => out.push(z),
            Err(e) => {
                let mut known: Vec<String> = t.zones.iter().map(|z| z.name.clone()).collect();
                known.extend(t.clusters.iter().map(|c| c.name.clone()));
                return Err(if e.contains("several clusters") {
                    e
                } else {
                    unknown("zone or cluster", name, known)
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_and_typos_suggest_the_closest_names() {
        assert_eq!(Target::parse("zone:eu-a"), Ok(Target::Zone("eu-a".into())));
        assert!(
            Target::parse("rack:r1")
                .unwrap_err()
                .contains("unknown kind")
        );
        assert!(Target::parse("eu-a").is_err());
        let t = crate::testkit::three_zones().topology();
        let e = resolve_zone(&t, "eu-d").unwrap_err();
        assert!(e.contains("did you mean") && e.contains("eu-a"), "{e}");
        let e = resolve_node(&t, "a3").unwrap_err();
        assert!(e.contains("a1") || e.contains("a2"), "{e}");
        assert_eq!(nodes_of(&t, &Target::Zone("eu-b".into())).unwrap().len(), 2);
        assert_eq!(nodes_of(&t, &Target::Region("r1".into())).unwrap().len(), 6);
    }

    #[test]
    fn partitions_need_two_non_empty_sides() {
        assert!(Event::parse_partition("eu-a").is_err());
        assert!(Event::parse_partition("eu-a|").is_err());
        assert_eq!(
            Event::parse_partition("eu-a, eu-b|eu-c").unwrap(),
            Event::Partition(vec![
                vec!["eu-a".into(), "eu-b".into()],
                vec!["eu-c".into()]
            ])
        );
    }
}
