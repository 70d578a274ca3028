//! The topology as a petgraph graph, for `quorum graph` and for traversals that want edges.

use serde::Serialize;

use super::*;

/// A vertex of the exported graph.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Vertex {
    Cluster {
        name: String,
    },
    Region {
        cluster: String,
        name: String,
    },
    Zone {
        cluster: String,
        name: String,
    },
    Node {
        name: String,
        ready: bool,
        cordoned: bool,
    },
    Workload {
        kind: String,
        name: String,
    },
    Pod {
        name: String,
    },
    Pvc {
        name: String,
    },
    Pv {
        name: String,
        pin: String,
    },
    StorageClass {
        name: String,
        binding: String,
    },
    Pdb {
        name: String,
    },
    Lease {
        name: String,
        holder: Option<String>,
    },
}

impl Vertex {
    pub fn label(&self) -> String {
        match self {
            Vertex::Cluster { name } => format!("cluster {name}"),
            Vertex::Region { name, .. } => format!("region {name}"),
            Vertex::Zone { name, .. } => format!("zone {name}"),
            Vertex::Node { name, .. } => format!("node {name}"),
            Vertex::Workload { kind, name } => format!("{kind} {name}"),
            Vertex::Pod { name } => format!("pod {name}"),
            Vertex::Pvc { name } => format!("pvc {name}"),
            Vertex::Pv { name, .. } => format!("pv {name}"),
            Vertex::StorageClass { name, .. } => format!("storageclass {name}"),
            Vertex::Pdb { name } => format!("pdb {name}"),
            Vertex::Lease { name, .. } => format!("lease {name}"),
        }
    }
}

/// The typed relations between vertices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Edge {
    Contains,
    RunsOn,
    Owns,
    Claims,
    BoundTo,
    PinnedTo,
    ProvisionedBy,
    Protects,
    HoldsLease,
}

impl Edge {
    pub fn label(self) -> &'static str {
        match self {
            Edge::Contains => "contains",
            Edge::RunsOn => "runs-on",
            Edge::Owns => "owns",
            Edge::Claims => "claims",
            Edge::BoundTo => "bound-to",
            Edge::PinnedTo => "pinned-to",
            Edge::ProvisionedBy => "provisioned-by",
            Edge::Protects => "protects",
            Edge::HoldsLease => "holds-lease",
        }
    }
}

pub(super) fn graph(t: &Topology) -> petgraph::Graph<Vertex, Edge> {
    use petgraph::graph::NodeIndex;
    let mut g = petgraph::Graph::new();
    let mut zone_v = Vec::new();
    let mut cluster_v = Vec::new();
    for c in &t.clusters {
        cluster_v.push(g.add_node(Vertex::Cluster {
            name: c.name.clone(),
        }));
    }
    let mut regions: std::collections::BTreeMap<(u32, String), NodeIndex> = Default::default();
    for z in &t.zones {
        let cluster = t.clusters[z.cluster.index()].name.clone();
        let parent = if z.region.is_empty() {
            cluster_v[z.cluster.index()]
        } else {
            *regions
                .entry((z.cluster.0, z.region.clone()))
                .or_insert_with(|| {
                    let r = g.add_node(Vertex::Region {
                        cluster: cluster.clone(),
                        name: z.region.clone(),
                    });
                    g.add_edge(cluster_v[z.cluster.index()], r, Edge::Contains);
                    r
                })
        };
        let v = g.add_node(Vertex::Zone {
            cluster,
            name: z.name.clone(),
        });
        g.add_edge(parent, v, Edge::Contains);
        zone_v.push(v);
    }
    let node_v: Vec<NodeIndex> = t
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let v = g.add_node(Vertex::Node {
                name: t.node_display(NodeId(i as u32)),
                ready: n.node.is_ready(),
                cordoned: n.node.unschedulable,
            });
            g.add_edge(zone_v[n.zone.index()], v, Edge::Contains);
            v
        })
        .collect();
    let workload_v: Vec<NodeIndex> = (0..t.workloads.len())
        .map(|i| {
            let w = &t.workloads[i];
            g.add_node(Vertex::Workload {
                kind: workload_kind(w).to_string(),
                name: t.workload_display(WorkloadId(i as u32)),
            })
        })
        .collect();
    let pod_v: Vec<NodeIndex> = (0..t.pods.len())
        .map(|i| {
            let p = &t.pods[i];
            let v = g.add_node(Vertex::Pod {
                name: t.pod_display(PodId(i as u32)),
            });
            if let Some(n) = p.node {
                g.add_edge(v, node_v[n.index()], Edge::RunsOn);
            }
            if let Some(w) = p.workload {
                g.add_edge(workload_v[w.index()], v, Edge::Owns);
            }
            v
        })
        .collect();
    let class_v: Vec<NodeIndex> = t
        .classes
        .iter()
        .map(|c| {
            g.add_node(Vertex::StorageClass {
                name: c.class.meta.name.clone(),
                binding: if c.class.wait_for_first_consumer {
                    "WaitForFirstConsumer".into()
                } else {
                    "Immediate".into()
                },
            })
        })
        .collect();
    let pv_v: Vec<NodeIndex> = t
        .pvs
        .iter()
        .map(|pv| {
            let v = g.add_node(Vertex::Pv {
                name: pv.pv.meta.name.clone(),
                pin: pv.pin.describe(),
            });
            if let Some(c) = pv.class {
                g.add_edge(v, class_v[c.index()], Edge::ProvisionedBy);
            }
            let cluster = pv.cluster;
            match &pv.pin {
                Pin::Zones(zones) => {
                    for z in t.clusters[cluster.index()].zones.iter() {
                        if zones.contains(&t.zones[z.index()].name) {
                            g.add_edge(v, zone_v[z.index()], Edge::PinnedTo);
                        }
                    }
                }
                Pin::Nodes(nodes) => {
                    for n in nodes {
                        if let Some(id) = t.node_named(cluster, n) {
                            g.add_edge(v, node_v[id.index()], Edge::PinnedTo);
                        }
                    }
                }
                Pin::None | Pin::Other => {}
            }
            v
        })
        .collect();
    for pvc in t.pvcs.iter() {
        let v = g.add_node(Vertex::Pvc {
            name: t.display(pvc.cluster, &pvc.pvc.meta.namespace, &pvc.pvc.meta.name),
        });
        for p in &pvc.pods {
            g.add_edge(pod_v[p.index()], v, Edge::Claims);
        }
        if let Some(pv) = pvc.pv {
            g.add_edge(v, pv_v[pv.index()], Edge::BoundTo);
        }
    }
    for pdb in &t.pdbs {
        let v = g.add_node(Vertex::Pdb {
            name: t.display(pdb.cluster, &pdb.pdb.meta.namespace, &pdb.pdb.meta.name),
        });
        for p in &pdb.pods {
            g.add_edge(v, pod_v[p.index()], Edge::Protects);
        }
    }
    for (i, l) in t.leaders.iter().enumerate() {
        let v = g.add_node(Vertex::Lease {
            name: t.leader_display(LeaderId(i as u32)),
            holder: l.record.holder.clone(),
        });
        match l.holder {
            Holder::Pod(p) => {
                g.add_edge(pod_v[p.index()], v, Edge::HoldsLease);
            }
            Holder::Node(n) => {
                g.add_edge(node_v[n.index()], v, Edge::HoldsLease);
            }
            Holder::Unresolved | Holder::Ambiguous | Holder::External | Holder::Vacant => {}
        }
    }
    g
}

/// The kind a workload is shown as (`StaticPod` for control-plane components).
pub fn workload_kind(w: &WorkloadInfo) -> &str {
    match (&w.origin, &w.custom_kind) {
        (WorkloadOrigin::Static, _) => "StaticPod",
        (_, Some(kind)) => kind,
        _ => w.workload.kind.as_str(),
    }
}
