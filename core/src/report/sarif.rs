//! SARIF 2.1.0, so code scanning shows each finding on its manifest line.

use serde_json::{Value, json};

use super::Report;
use crate::check::{CHECKS, Severity};

const INPUT_ERROR_RULE: &str = "input-error";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// File paths as SARIF URIs: relative paths stay relative (to the repository root).
fn uri(path: &str) -> String {
    let path = path.strip_prefix("./").unwrap_or(path);
    path.replace('\\', "/").replace(' ', "%20")
}

fn location(file: &str, line: u32) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(file) },
            "region": { "startLine": line.max(1) }
        }
    })
}

pub fn sarif(report: &Report<'_>) -> String {
    let mut rules: Vec<Value> = CHECKS
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "name": c.id,
                "shortDescription": { "text": c.summary },
                "fullDescription": { "text": format!("{} {}", c.summary, c.help) },
                "help": { "text": c.help },
                "defaultConfiguration": { "level": level(c.severity) },
                "properties": { "tags": ["kubernetes", "reliability"] }
            })
        })
        .collect();
    rules.push(json!({
        "id": INPUT_ERROR_RULE,
        "name": INPUT_ERROR_RULE,
        "shortDescription": { "text": "A document could not be read." },
        "help": { "text": "Fix the document; the rest of the input was still analysed." },
        "defaultConfiguration": { "level": "error" }
    }));
    let rule_index = |id: &str| {
        CHECKS
            .iter()
            .position(|c| c.id == id)
            .unwrap_or(CHECKS.len())
    };
    let mut results: Vec<Value> = report
        .analysis
        .findings
        .iter()
        .map(|f| {
            let subject = crate::model::qualified(&f.subject.namespace, &f.subject.name);
            let mut result = json!({
                "ruleId": f.check,
                "ruleIndex": rule_index(f.check),
                "level": level(f.severity),
                "message": { "text": format!("{} {}: {}", f.subject.kind, subject, f.message) },
                "logicalLocations": [{
                    "fullyQualifiedName": format!("{}/{}/{}", f.subject.cluster, f.subject.kind, subject),
                    "kind": "resource"
                }],
                "partialFingerprints": {
                    "quorumSubject/v1": format!("{}:{}:{}:{}", f.check, f.subject.cluster, f.subject.kind, subject)
                }
            });
            if let Some(s) = &f.source {
                result["locations"] = json!([location(&s.file, s.line)]);
            }
            result
        })
        .collect();
    for input in report.inputs {
        for e in &input.errors {
            results.push(json!({
                "ruleId": INPUT_ERROR_RULE,
                "ruleIndex": CHECKS.len(),
                "level": "error",
                "message": { "text": format!("document {}: {}", e.document, e.message) },
                "locations": [location(&input.source, e.line)]
            }));
        }
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "quorum",
                    "version": report.tool_version,
                    "semanticVersion": report.tool_version,
                    "rules": rules
                }
            },
            "columnKind": "utf16CodeUnits",
            "results": results
        }]
    });
    let mut out = serde_json::to_string_pretty(&doc).expect("sarif serializes");
    out.push('\n');
    out
}
