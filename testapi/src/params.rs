//! The query string of one request, and what the handlers read from it.

use crate::selector::{FieldSelector, LabelSelector};
use crate::status::ApiError;

/// Decodes a query string into pairs, in order.
pub fn parse_query(q: &str) -> Vec<(String, String)> {
    if q.is_empty() {
        return Vec::new();
    }
    let uri: axum::http::Uri = match format!("/?{q}").parse() {
        Ok(u) => u,
        Err(_) => return Vec::new(),
    };
    axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&uri)
        .map(|q| q.0)
        .unwrap_or_default()
}

/// Query parameters of one request.
pub struct Params(Vec<(String, String)>);

impl Params {
    /// The parameters of a raw query string.
    pub fn parse(query: &str) -> Self {
        Self(parse_query(query))
    }

    /// The same parameters with `fieldSelector` replaced.
    pub fn with_field_selector(mut self, selector: String) -> Self {
        self.0.retain(|(k, _)| k != "fieldSelector");
        self.0.push(("fieldSelector".into(), selector));
        self
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// `true`/`1` as the apiserver reads booleans.
    pub fn flag(&self, name: &str) -> bool {
        matches!(self.get(name), Some("true" | "1"))
    }

    pub fn label_selector(&self) -> Result<LabelSelector, ApiError> {
        LabelSelector::parse(self.get("labelSelector").unwrap_or(""))
            .map_err(|e| ApiError::bad_request(format!("unable to parse requirement: {e}")))
    }

    pub fn field_selector(&self) -> Result<FieldSelector, ApiError> {
        FieldSelector::parse(self.get("fieldSelector").unwrap_or("")).map_err(ApiError::bad_request)
    }

    /// `dryRun=All` is the only value the apiserver accepts.
    pub fn dry_run(&self) -> Result<bool, ApiError> {
        match self.get("dryRun") {
            None | Some("") => Ok(false),
            Some("All") => Ok(true),
            Some(other) => Err(ApiError::bad_request(format!(
                "dryRun: Unsupported value: \"{other}\": supported values: \"All\""
            ))),
        }
    }
}
