//! The topology graph as DOT (Graphviz) or JSON.

use std::fmt::Write;

use petgraph::visit::EdgeRef;
use serde_json::json;

use crate::graph::Topology;

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

pub fn graph_dot(t: &Topology) -> String {
    use crate::graph::Vertex;
    let g = t.petgraph();
    let mut out = String::from(
        "digraph quorum {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n",
    );
    for i in g.node_indices() {
        let v = &g[i];
        let shape = match v {
            Vertex::Cluster { .. } | Vertex::Region { .. } => "folder",
            Vertex::Zone { .. } => "tab",
            Vertex::Node { .. } => "box3d",
            Vertex::Pod { .. } => "ellipse",
            Vertex::Pvc { .. } | Vertex::Pv { .. } | Vertex::StorageClass { .. } => "cylinder",
            Vertex::Lease { .. } => "diamond",
            Vertex::Workload { .. } | Vertex::Pdb { .. } => "component",
        };
        let _ = writeln!(
            out,
            "  n{} [label=\"{}\", shape={shape}];",
            i.index(),
            escape(&v.label())
        );
    }
    for e in g.edge_references() {
        let _ = writeln!(
            out,
            "  n{} -> n{} [label=\"{}\"];",
            e.source().index(),
            e.target().index(),
            e.weight().label()
        );
    }
    out.push_str("}\n");
    out
}

pub fn graph_json(t: &Topology) -> String {
    let g = t.petgraph();
    let nodes: Vec<_> = g
        .node_indices()
        .map(|i| {
            let mut v = serde_json::to_value(&g[i]).expect("vertices serialize");
            v["id"] = json!(i.index());
            v
        })
        .collect();
    let edges: Vec<_> = g
        .edge_references()
        .map(|e| json!({"from": e.source().index(), "to": e.target().index(), "type": e.weight()}))
        .collect();
    let mut out =
        serde_json::to_string_pretty(&json!({"version": 1, "nodes": nodes, "edges": edges}))
            .expect("graph serializes");
    out.push('\n');
    out
}
