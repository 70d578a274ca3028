//! The API calls a step makes, as data: what `quorum apply` sends (a server-side dry run first),
//! and what it waits for afterwards. The step's `kubectl` text is the same call for people.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verb {
    /// A JSON merge patch (`application/merge-patch+json`).
    Patch,
    /// Create the object in `body`.
    Create,
    /// An Eviction through the eviction API, so PodDisruptionBudgets are honoured.
    Evict,
}

/// One mutating call against one object.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Call {
    pub verb: Verb,
    pub api_version: String,
    pub kind: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    pub name: String,
    /// The object's version when the plan was made. Apply compares the object read at apply time
    /// with the plan (see [`Expect`] and the preconditions) and sends the version it read, so a
    /// change between its read and its write is a 409.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_version: Option<String>,
    /// The object's `metadata.generation` when the plan was made: for an object a controller
    /// keeps updating the status of (a workload), apply compares this instead of the version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation: Option<i64>,
    /// The patch or the object to create.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
}

impl Call {
    pub fn patch(
        api_version: &str,
        kind: &str,
        namespace: &str,
        name: &str,
        resource_version: Option<&str>,
        body: Value,
    ) -> Call {
        Call {
            verb: Verb::Patch,
            api_version: api_version.into(),
            kind: kind.into(),
            namespace: namespace.into(),
            name: name.into(),
            resource_version: resource_version.map(str::to_string),
            generation: None,
            body: Some(body),
        }
    }

    /// The same call, judged by the object's generation (its spec) rather than its version.
    pub fn at_generation(mut self, generation: Option<i64>) -> Call {
        self.generation = generation;
        self
    }

    pub fn evict(namespace: &str, name: &str, resource_version: Option<&str>) -> Call {
        Call {
            verb: Verb::Evict,
            api_version: "v1".into(),
            kind: "Pod".into(),
            namespace: namespace.into(),
            name: name.into(),
            resource_version: resource_version.map(str::to_string),
            generation: None,
            body: None,
        }
    }

    /// A create from a YAML manifest written by the planner. `None` when the manifest does not
    /// parse (a planner bug the apply run reports rather than hides).
    pub fn create_from_manifest(manifest: &str) -> Option<Call> {
        let body: Value = crate::load::yaml_from_str(manifest).ok()?;
        let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
        Some(Call {
            verb: Verb::Create,
            api_version: text(&body["apiVersion"]),
            kind: text(&body["kind"]),
            namespace: text(&body["metadata"]["namespace"]),
            name: text(&body["metadata"]["name"]),
            resource_version: None,
            generation: None,
            body: Some(body),
        })
    }

    /// `ns/name` or `name`, for messages.
    pub fn target(&self) -> String {
        if self.namespace.is_empty() {
            format!("{} {}", self.kind, self.name)
        } else {
            format!("{} {}/{}", self.kind, self.namespace, self.name)
        }
    }
}

/// The predicted effect apply waits for after a step's calls.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "until", rename_all = "kebab-case")]
pub enum Expect {
    /// The lease's holder renews as `holder` (a targeted handover).
    LeaseHeldBy {
        namespace: String,
        name: String,
        holder: String,
    },
    /// The lease is held by anyone but `holder` (an untargeted re-election).
    LeaseNotHeldBy {
        namespace: String,
        name: String,
        holder: String,
    },
    /// The evicted pod is gone (or replaced: another uid under the same name).
    PodGone { namespace: String, name: String },
    /// A workload's rollout is complete: every replica updated and ready, none of the old left.
    RolledOut {
        api_version: String,
        kind: String,
        namespace: String,
        name: String,
    },
    /// The created object exists.
    Exists {
        api_version: String,
        kind: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        namespace: String,
        name: String,
    },
}

/// The merge patch of a targeted handover.
pub fn preferred_holder_patch(holder: &str) -> Value {
    json!({ "spec": { "preferredHolder": holder } })
}
