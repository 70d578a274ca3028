//! What a check reports: a finding's severity, its subject and where the subject was read. A leaf
//! module: the checks, the configuration and the renderers all use it, and it uses only the
//! model.

use serde::{Deserialize, Serialize};

use crate::model::Source;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "info" => Ok(Severity::Info),
            "warning" => Ok(Severity::Warning),
            "critical" => Ok(Severity::Critical),
            _ => Err(format!("unknown severity {s:?} (info, warning, critical)")),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Subject {
    pub cluster: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourceRef {
    pub file: String,
    pub document: u32,
    pub line: u32,
}

impl std::fmt::Display for SourceRef {
    /// `file:line`; a live object (line 0) has only its context and server.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.file)
        } else {
            write!(f, "{}:{}", self.file, self.line)
        }
    }
}

impl From<&Source> for SourceRef {
    fn from(s: &Source) -> Self {
        SourceRef {
            file: s.file.to_string(),
            document: s.document,
            line: s.line,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub check: &'static str,
    pub severity: Severity,
    pub subject: Subject,
    pub message: String,
    pub source: Option<SourceRef>,
    /// Check ids the subject's `quorum.dev/ignore` annotation names.
    #[serde(skip)]
    pub(crate) ignored: Vec<String>,
}
