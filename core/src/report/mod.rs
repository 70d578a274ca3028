//! Renderers over one [`Report`]: a table for people, JSON for scripts, Markdown for pull
//! requests, SARIF for code scanning, and the graph as DOT or JSON.

mod after_state;
mod graph;
mod markdown;
pub mod review;
mod sarif;
mod simulation;
mod table;

use serde::Serialize;

use crate::analysis::Analysis;
use crate::graph::Topology;
use crate::model::InputReport;

pub use crate::contract::{ALONE_ANNOTATION, INFERRED_ANNOTATION, JUDGED_AT_ANNOTATION};
pub use after_state::after_state;
pub use graph::{graph_dot, graph_json};
pub use markdown::{markdown, plan_markdown, sweep_markdown};
pub use review::{Review, ReviewDoc, Section, review_doc};
pub use sarif::sarif;
pub use simulation::{drill_table, plan_table, simulation_table, sweep_table};
pub use table::{Style, table};

pub use crate::contract::{JSON_VERSION, count};

/// What `analyze` reports: the inputs as read, and the analysis of their topology.
pub struct Report<'a> {
    pub inputs: &'a [InputReport],
    pub topology: &'a Topology,
    pub analysis: &'a Analysis,
    pub tool_version: &'a str,
}

#[derive(Serialize)]
struct InputJson<'a> {
    source: &'a str,
    cluster: &'a str,
    documents: u32,
    objects: u32,
    duplicates: u32,
    skipped: &'a std::collections::BTreeMap<String, u32>,
    errors: &'a [crate::model::InputError],
    #[serde(skip_serializing_if = "is_zero")]
    not_kubernetes: u32,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    notes: &'a [String],
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

#[derive(Serialize)]
struct AnalyzeJson<'a> {
    version: u32,
    tool: ToolJson<'a>,
    now: Option<String>,
    zone_label: &'a str,
    kubernetes: &'a crate::release::Kubernetes,
    inputs: Vec<InputJson<'a>>,
    clusters: &'a [crate::analysis::ClusterRow],
    findings: &'a [std::sync::Arc<crate::check::Finding>],
    summary: SummaryJson,
    leaders: &'a crate::analysis::LeaderStats,
    groups: &'a [std::sync::Arc<crate::analysis::GroupStats>],
}

#[derive(Serialize)]
struct ToolJson<'a> {
    name: &'static str,
    version: &'a str,
}

#[derive(Serialize)]
struct SummaryJson {
    critical: usize,
    warning: usize,
    info: usize,
    input_errors: usize,
    nodes: usize,
    pods: usize,
}

impl Report<'_> {
    pub fn input_errors(&self) -> usize {
        self.inputs.iter().map(|i| i.errors.len()).sum()
    }

    pub fn json(&self) -> String {
        use crate::check::Severity;
        let doc = AnalyzeJson {
            version: JSON_VERSION,
            tool: ToolJson {
                name: "quorum",
                version: self.tool_version,
            },
            now: self
                .topology
                .now
                .map(|n| n.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            zone_label: &self.topology.zone_label,
            kubernetes: &self.topology.kubernetes,
            inputs: self
                .inputs
                .iter()
                .map(|i| InputJson {
                    source: &i.source,
                    cluster: &i.cluster,
                    documents: i.documents,
                    objects: i.objects,
                    duplicates: i.duplicates,
                    skipped: &i.skipped,
                    errors: &i.errors,
                    not_kubernetes: i.not_kubernetes,
                    notes: &i.notes,
                })
                .collect(),
            clusters: &self.analysis.clusters,
            findings: &self.analysis.findings,
            summary: SummaryJson {
                critical: self.analysis.count(Severity::Critical),
                warning: self.analysis.count(Severity::Warning),
                info: self.analysis.count(Severity::Info),
                input_errors: self.input_errors(),
                nodes: self.topology.nodes.len(),
                pods: self.topology.pods.len(),
            },
            leaders: &self.analysis.leaders,
            groups: &self.analysis.groups,
        };
        let mut out = serde_json::to_string_pretty(&doc).expect("reports serialize");
        out.push('\n');
        out
    }
}

#[cfg(test)]
mod tests;
