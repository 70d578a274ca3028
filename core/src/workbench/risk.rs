//! How risky each pod, node and group is: the worst finding that concerns it, so every front end
//! colours the same things the same way the report does.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use std::sync::Arc;

use crate::check::Kept;
use crate::finding::{Finding, Severity};
use crate::graph::*;

/// What one finding is about, as ids (a pod's finding is also about its node and its group).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct About {
    pub pod: Option<PodId>,
    pub node: Option<NodeId>,
    pub group: Option<GroupId>,
}

/// The worst severity of the findings about each pod, node and group (`None`: no finding).
#[derive(Clone, Debug, Default)]
pub struct Risk {
    /// Per finding of the analysis, in its order: what it is about.
    pub about: Vec<About>,
    /// A pod's own findings and its group's.
    pub pods: Vec<Option<Severity>>,
    /// A node's own findings, its pods' own findings, and the critical findings of the groups
    /// with a replica on it (warnings about a group would colour every node it touches).
    pub nodes: Vec<Option<Severity>>,
    /// A group's findings (about its workload, its pods, its budget or its lease).
    pub groups: Vec<Option<Severity>>,
}

fn worse(slot: &mut Option<Severity>, s: Severity) {
    if slot.is_none_or(|old| s > old) {
        *slot = Some(s);
    }
}

/// A subject's names, borrowed from the graph: (cluster, namespace, name).
type Key<'t> = (ClusterId, &'t str, &'t str);

/// Whether a subject's kind is that of a leader record.
fn is_record(kind: &str) -> bool {
    matches!(kind, "Lease" | "Endpoints" | "ConfigMap")
}

/// The groups of the leader records, by the records' names: built from the graph alone, so a
/// state builds it beside its checks (a live cluster may have thousands of findings about
/// records).
pub(crate) struct Names<'t> {
    leases: HashMap<Key<'t>, GroupId>,
}

impl<'t> Names<'t> {
    pub(crate) fn of(t: &'t Topology) -> Names<'t> {
        let mut leases: HashMap<Key, GroupId> =
            HashMap::with_capacity_and_hasher(t.leaders.len(), Default::default());
        for l in &t.leaders {
            if let Some(g) = l.group {
                let (ns, name) = (&l.record.meta.namespace, &l.record.meta.name);
                leases.insert((l.cluster, ns, name), g);
            }
        }
        Names { leases }
    }
}

impl Risk {
    /// The worst of `findings` (the analysis of `t`, whose per-group findings `kept` holds) about
    /// each pod, node and group, the records' groups looked up in `names` ([`Names::of`] the
    /// same graph).
    pub(crate) fn of(
        t: &Topology,
        names: &Names<'_>,
        findings: &[Arc<Finding>],
        kept: &Kept,
    ) -> Risk {
        let leases = &names.leases;
        // A finding a check made about one group is about that group; only the other findings'
        // subjects are looked up by name. Keys borrow the graph's names, and only the pods and
        // workloads some finding names are indexed: a map of every pod's owned name cost more
        // than the checks themselves at 150,000 pods.
        let judged = |i: usize| kept.group_of.get(i).copied().flatten();
        let named = |wanted: &dyn Fn(usize, &Finding) -> bool| -> HashSet<(&str, &str)> {
            findings
                .iter()
                .enumerate()
                .filter(|(i, f)| wanted(*i, f))
                .map(|(_, f)| (f.subject.namespace.as_str(), f.subject.name.as_str()))
                .collect()
        };
        // A pod's finding is about the pod (and its node and group), whoever made it.
        let pods_named = named(&|_, f| f.subject.kind == "Pod");
        let workloads_named = named(&|i, f| {
            !matches!(f.subject.kind.as_str(), "Pod" | "Node")
                && !is_record(&f.subject.kind)
                && judged(i).is_none()
        });
        let mut pods: HashMap<Key, PodId> = HashMap::default();
        if !pods_named.is_empty() {
            for (i, p) in t.pods.iter().enumerate() {
                let (ns, name) = (p.pod.meta.namespace.as_str(), p.pod.meta.name.as_str());
                if pods_named.contains(&(ns, name)) {
                    pods.insert((p.cluster, ns, name), PodId(i as u32));
                }
            }
        }
        let mut workloads: HashMap<(Key, &str), GroupId> = HashMap::default();
        if !workloads_named.is_empty() {
            for (i, w) in t.workloads.iter().enumerate() {
                let (ns, name) = (&w.workload.meta.namespace, &w.workload.meta.name);
                if workloads_named.contains(&(ns.as_str(), name.as_str()))
                    && let Some(g) = t.group_of_workload(WorkloadId(i as u32))
                {
                    workloads.insert(((w.cluster, ns, name), workload_kind(w)), g);
                }
            }
        }
        let group_of_pod = |p: PodId| {
            t.pods[p.index()]
                .workload
                .and_then(|w| t.group_of_workload(w))
        };
        // What each finding is about, on every core (a live cluster may have tens of thousands).
        use rayon::prelude::*;
        let about = (0..findings.len())
            .into_par_iter()
            .with_min_len(1024)
            .map(|i| {
                let f = &findings[i];
                let Some(cluster) = t.cluster_named(&f.subject.cluster) else {
                    return About::default();
                };
                let k: Key = (cluster, &f.subject.namespace, &f.subject.name);
                match f.subject.kind.as_str() {
                    "Node" => About {
                        node: t.node_named(cluster, &f.subject.name),
                        ..About::default()
                    },
                    "Pod" => pods.get(&k).map_or_else(About::default, |p| About {
                        pod: Some(*p),
                        node: t.pods[p.index()].node,
                        group: group_of_pod(*p),
                    }),
                    kind if is_record(kind) => About {
                        group: leases.get(&k).copied(),
                        ..About::default()
                    },
                    kind => About {
                        group: judged(i).or_else(|| workloads.get(&(k, kind)).copied()),
                        ..About::default()
                    },
                }
            })
            .collect();
        let mut risk = Risk {
            about,
            pods: vec![None; t.pods.len()],
            nodes: vec![None; t.nodes.len()],
            groups: vec![None; t.groups.len()],
        };
        for (f, about) in findings.iter().zip(&risk.about) {
            let s = f.severity;
            if let Some(p) = about.pod {
                worse(&mut risk.pods[p.index()], s);
            }
            if let Some(n) = about.node {
                worse(&mut risk.nodes[n.index()], s);
            }
            if let Some(g) = about.group {
                worse(&mut risk.groups[g.index()], s);
            }
        }
        // A group's risk reaches its pods (its workload's), and a critical one the nodes they
        // run on: the groups with a finding, not every pod. The nodes are found from their
        // lists of pods, without reading each pod.
        let mut critical = vec![false; t.pods.len()];
        for (g, group) in t.groups.iter().enumerate() {
            let Some(s) = risk.groups[g] else {
                continue;
            };
            for p in &t.workloads[group.workload.index()].pods {
                worse(&mut risk.pods[p.index()], s);
                critical[p.index()] |= s == Severity::Critical;
            }
        }
        for (n, node) in t.nodes.iter().enumerate() {
            if node.pods.iter().any(|p| critical[p.index()]) {
                worse(&mut risk.nodes[n], Severity::Critical);
            }
        }
        risk
    }

    /// Indexes of the findings about a node: its own and those of the pods on it.
    pub fn findings_of_node(&self, node: NodeId) -> Vec<usize> {
        (0..self.about.len())
            .filter(|i| self.about[*i].node == Some(node))
            .collect()
    }

    /// Indexes of the findings about a group: its workload's, its pods', its budget's, its lease's.
    pub fn findings_of_group(&self, group: GroupId) -> Vec<usize> {
        (0..self.about.len())
            .filter(|i| self.about[*i].group == Some(group))
            .collect()
    }
}
