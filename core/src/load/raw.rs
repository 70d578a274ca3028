//! The slim wire shapes of the API objects Quorum reads: only the fields the model needs.
//!
//! One union struct covers every kind we read (their `spec` and `status` fields do not clash), so a
//! document is parsed once, whatever its kind. Unknown fields (managedFields, container images,
//! Secret data, ...) are skipped by the parser without being kept. Every field tolerates `null`,
//! and scalars tolerate the neighbouring types hand-written manifests use (`replicas: "3"`).

use std::collections::BTreeMap;
use std::fmt;

use crate::model::Labels;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

/// A scalar as text; an object or a list is skipped (read as absent).
fn scalar_or_skip<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Text>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<Text>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("anything")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(Text(v.to_owned())))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Some(Text(v)))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(None)
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(None)
        }
    }
    d.deserialize_any(V)
}

/// `null` becomes the default value.
fn nullable<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A scalar read as text, whatever its YAML/JSON type (`1`, `true`, `"x"`); `null` is empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a scalar")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
                Ok(Text(v))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Text, E> {
                Ok(Text::default())
            }
            fn visit_none<E: de::Error>(self) -> Result<Text, E> {
                Ok(Text::default())
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Text, D::Error> {
                Text::deserialize(d)
            }
        }
        d.deserialize_any(V)
    }
}

/// An integer that may be written as a string (`"3"`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Int(pub i64);

impl<'de> Deserialize<'de> for Int {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Int;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an integer")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Int, E> {
                Ok(Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Int, E> {
                i64::try_from(v)
                    .map(Int)
                    .map_err(|_| E::custom("integer too large"))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Int, E> {
                if v.fract() == 0.0 && v.abs() < 9e15 {
                    Ok(Int(v as i64))
                } else {
                    Err(E::custom(format!("expected an integer, found {v}")))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Int, E> {
                v.trim()
                    .parse()
                    .map(Int)
                    .map_err(|_| E::custom(format!("expected an integer, found {v:?}")))
            }
        }
        d.deserialize_any(V)
    }
}

/// An `IntOrString` kept as text (`2`, `"50%"`).
pub type IntOrString = Text;

/// Annotations, keeping only the keys Quorum reads; the rest (last-applied-configuration and
/// friends, often kilobytes) are skipped without being copied.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Annotations(pub Labels);

pub fn is_read_annotation(key: &str) -> bool {
    matches!(
        key,
        "control-plane.alpha.kubernetes.io/leader"
            | "leader"
            | "renewTime"
            | "acquireTime"
            | "ttl"
            | "transitions"
            | "storageclass.kubernetes.io/is-default-class"
            | "storageclass.beta.kubernetes.io/is-default-class"
            | "volume.beta.kubernetes.io/storage-class"
            | "volume.alpha.kubernetes.io/storage-class"
            | "volume.kubernetes.io/selected-node"
            | "kubernetes.io/config.mirror"
    ) || key.starts_with("quorum.dev/")
}

/// A map of strings (labels, a node selector, `matchLabels`), its values read as `Text` (a
/// number or boolean is its text), straight into the model's sorted pairs: no map is built on the
/// way. Of a key given twice the last value counts, as with any map.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TextMap(pub Labels);

impl<'de> Deserialize<'de> for TextMap {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TextMap;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TextMap, A::Error> {
                let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
                while let Some((key, value)) = map.next_entry::<String, Text>()? {
                    pairs.push((key, value.0));
                }
                Ok(TextMap(pairs.into_iter().collect()))
            }
        }
        d.deserialize_map(V)
    }
}

impl<'de> Deserialize<'de> for Annotations {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Annotations;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of annotations")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Annotations, E> {
                Ok(Annotations::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Annotations, A::Error> {
                let mut out = Labels::new();
                while let Some(key) = map.next_key::<Text>()? {
                    if is_read_annotation(&key.0) {
                        let value: Text = map.next_value()?;
                        out.insert(key.0, value.0);
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(Annotations(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// A list that skips nothing but tolerates `null`.
pub type List<T> = Vec<T>;

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RawObject {
    pub api_version: Option<Text>,
    pub kind: Option<Text>,
    #[serde(deserialize_with = "nullable")]
    pub metadata: RawMeta,
    #[serde(deserialize_with = "nullable")]
    pub spec: RawSpec,
    #[serde(deserialize_with = "nullable")]
    pub status: RawStatus,
    // StorageClass keeps its fields at the top level.
    pub provisioner: Option<Text>,
    pub volume_binding_mode: Option<Text>,
    pub allowed_topologies: Option<List<RawTopologyTerm>>,
    #[serde(deserialize_with = "nullable")]
    pub parameters: BTreeMap<Text, Text>,
    /// `*List` documents parsed whole (small YAML lists).
    pub items: Option<List<RawObject>>,
    /// A version document: `kubectl version -o json|yaml` (`serverVersion`), the API's
    /// `/version` (`gitVersion` at the top), a support bundle's `cluster_version.json` (`info`).
    pub server_version: Option<RawVersion>,
    pub git_version: Option<Text>,
    pub info: Option<RawVersion>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RawVersion {
    pub git_version: Option<Text>,
}

impl RawObject {
    /// The server version a version document (no object) gives.
    pub fn version(&self) -> Option<String> {
        let v = |r: &Option<RawVersion>| r.as_ref().and_then(|r| r.git_version.clone());
        v(&self.server_version)
            .or_else(|| self.git_version.clone())
            .or_else(|| v(&self.info))
            .map(|t| t.0)
            .filter(|t| crate::release::Release::parse(t).is_some())
    }

    /// Nothing in it says it is a Kubernetes object: no `apiVersion`, `kind`, name or list.
    pub fn is_foreign(&self) -> bool {
        self.api_version.is_none()
            && self.kind.is_none()
            && self.metadata.name.is_none()
            && self.metadata.generate_name.is_none()
            && self.items.is_none()
    }
}

/// Only what is needed to say what a document is, when the full parse failed.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RawHead {
    pub api_version: Option<Text>,
    pub kind: Option<Text>,
    #[serde(deserialize_with = "nullable")]
    pub metadata: RawHeadMeta,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawHeadMeta {
    pub name: Option<Text>,
    pub namespace: Option<Text>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RawMeta {
    pub name: Option<Text>,
    pub uid: Option<Text>,
    pub self_link: Option<Text>,
    pub generate_name: Option<Text>,
    pub namespace: Option<Text>,
    #[serde(deserialize_with = "nullable")]
    pub labels: TextMap,
    #[serde(deserialize_with = "nullable")]
    pub annotations: Annotations,
    #[serde(deserialize_with = "nullable")]
    pub owner_references: List<RawOwner>,
    pub creation_timestamp: Option<Text>,
    pub deletion_timestamp: Option<Text>,
    pub resource_version: Option<Text>,
    pub generation: Option<Int>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawOwner {
    pub kind: Text,
    pub name: Text,
    pub controller: Option<bool>,
}

/// Every `spec` field of every kind read (they do not clash), and the pod spec fields, so that a
/// workload's `template.spec` reuses this type.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RawSpec {
    // Pod
    pub node_name: Option<Text>,
    pub hostname: Option<Text>,
    #[serde(deserialize_with = "nullable")]
    pub node_selector: TextMap,
    #[serde(deserialize_with = "nullable")]
    pub affinity: RawAffinity,
    #[serde(deserialize_with = "nullable")]
    pub tolerations: List<RawToleration>,
    #[serde(deserialize_with = "nullable")]
    pub topology_spread_constraints: List<RawSpread>,
    #[serde(deserialize_with = "nullable")]
    pub containers: List<RawContainer>,
    #[serde(deserialize_with = "nullable")]
    pub init_containers: List<RawContainer>,
    #[serde(deserialize_with = "nullable")]
    pub volumes: List<RawVolume>,
    // Node
    #[serde(rename = "providerID")]
    pub provider_id: Option<Text>,
    pub unschedulable: Option<bool>,
    #[serde(deserialize_with = "nullable")]
    pub taints: List<RawTaint>,
    // Workloads
    pub replicas: Option<Int>,
    pub selector: Option<RawLabelSelector>,
    pub template: Option<Box<RawTemplate>>,
    #[serde(deserialize_with = "nullable")]
    pub volume_claim_templates: List<RawObject>,
    // PVC and PV
    pub volume_name: Option<Text>,
    pub storage_class_name: Option<Text>,
    #[serde(deserialize_with = "nullable")]
    pub resources: RawResources,
    pub claim_ref: Option<RawClaimRef>,
    pub node_affinity: Option<RawVolumeNodeAffinity>,
    pub local: Option<IgnoredAny>,
    pub host_path: Option<IgnoredAny>,
    pub csi: Option<RawCsi>,
    pub aws_elastic_block_store: Option<IgnoredAny>,
    pub gce_persistent_disk: Option<IgnoredAny>,
    pub azure_disk: Option<IgnoredAny>,
    #[serde(deserialize_with = "nullable")]
    pub capacity: BTreeMap<String, Text>,
    // Lease
    pub holder_identity: Option<Text>,
    pub lease_duration_seconds: Option<Int>,
    pub renew_time: Option<Text>,
    pub acquire_time: Option<Text>,
    pub lease_transitions: Option<Int>,
    pub preferred_holder: Option<Text>,
    /// A Lease's strategy is a string; a Deployment's (same field name) an object, not read.
    #[serde(deserialize_with = "scalar_or_skip")]
    pub strategy: Option<Text>,
    // PodDisruptionBudget
    pub min_available: Option<IntOrString>,
    pub max_unavailable: Option<IntOrString>,
    /// A StatefulSet's (a DaemonSet's has the same shape).
    pub update_strategy: Option<RawUpdateStrategy>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RawUpdateStrategy {
    pub rolling_update: Option<RawRollingUpdate>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RawRollingUpdate {
    pub max_unavailable: Option<IntOrString>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawTemplate {
    #[serde(deserialize_with = "nullable")]
    pub metadata: RawMeta,
    #[serde(deserialize_with = "nullable")]
    pub spec: RawSpec,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawCsi {
    pub driver: Option<Text>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawClaimRef {
    pub namespace: Option<Text>,
    pub name: Option<Text>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawVolumeNodeAffinity {
    pub required: Option<RawNodeSelector>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RawNodeSelector {
    #[serde(deserialize_with = "nullable")]
    pub node_selector_terms: List<RawNodeSelectorTerm>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RawNodeSelectorTerm {
    #[serde(deserialize_with = "nullable")]
    pub match_expressions: List<RawRequirement>,
    #[serde(deserialize_with = "nullable")]
    pub match_fields: List<RawRequirement>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawRequirement {
    pub key: Text,
    pub operator: Text,
    #[serde(deserialize_with = "nullable")]
    pub values: List<Text>,
}

/// StorageClass `allowedTopologies` terms.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RawTopologyTerm {
    #[serde(deserialize_with = "nullable")]
    pub match_label_expressions: List<RawTopologyRequirement>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawTopologyRequirement {
    pub key: Text,
    #[serde(deserialize_with = "nullable")]
    pub values: List<Text>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RawLabelSelector {
    #[serde(deserialize_with = "nullable")]
    pub match_labels: TextMap,
    #[serde(deserialize_with = "nullable")]
    pub match_expressions: List<RawRequirement>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RawAffinity {
    pub node_affinity: Option<RawNodeAffinity>,
    pub pod_anti_affinity: Option<RawPodAntiAffinity>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawNodeAffinity {
    #[serde(rename = "requiredDuringSchedulingIgnoredDuringExecution")]
    pub required: Option<RawNodeSelector>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawPodAntiAffinity {
    #[serde(
        rename = "requiredDuringSchedulingIgnoredDuringExecution",
        deserialize_with = "nullable"
    )]
    pub required: List<RawPodAffinityTerm>,
    #[serde(
        rename = "preferredDuringSchedulingIgnoredDuringExecution",
        deserialize_with = "nullable"
    )]
    pub preferred: List<RawWeightedTerm>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RawWeightedTerm {
    #[serde(deserialize_with = "nullable")]
    pub pod_affinity_term: RawPodAffinityTerm,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RawPodAffinityTerm {
    pub label_selector: Option<RawLabelSelector>,
    pub topology_key: Text,
    #[serde(deserialize_with = "nullable")]
    pub namespaces: List<Text>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RawToleration {
    pub key: Option<Text>,
    pub operator: Option<Text>,
    pub value: Option<Text>,
    pub effect: Option<Text>,
    pub toleration_seconds: Option<Int>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RawSpread {
    pub max_skew: Option<Int>,
    pub topology_key: Text,
    pub when_unsatisfiable: Option<Text>,
    pub label_selector: Option<RawLabelSelector>,
    pub min_domains: Option<Int>,
    pub node_affinity_policy: Option<Text>,
    pub node_taints_policy: Option<Text>,
    #[serde(deserialize_with = "nullable")]
    pub match_label_keys: Vec<Text>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawContainer {
    #[serde(deserialize_with = "nullable")]
    pub resources: RawResources,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawResources {
    #[serde(deserialize_with = "nullable")]
    pub requests: BTreeMap<String, Text>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RawVolume {
    pub persistent_volume_claim: Option<RawClaimSource>,
    pub host_path: Option<RawHostPath>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawHostPath {
    pub path: Option<Text>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RawClaimSource {
    pub claim_name: Option<Text>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawTaint {
    pub key: Text,
    pub value: Option<Text>,
    pub effect: Text,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RawStatus {
    pub phase: Option<Text>,
    #[serde(deserialize_with = "nullable")]
    pub conditions: List<RawCondition>,
    #[serde(deserialize_with = "nullable")]
    pub allocatable: BTreeMap<String, Text>,
    #[serde(deserialize_with = "nullable")]
    pub capacity: BTreeMap<String, Text>,
    pub ready_replicas: Option<Int>,
    /// A workload's status was written by its controller (Go leaves out `readyReplicas: 0`).
    pub observed_generation: Option<Int>,
    pub replicas: Option<Int>,
    pub disruptions_allowed: Option<Int>,
    /// A node's `nodeInfo` (its kubelet's version).
    pub node_info: Option<RawNodeInfo>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RawNodeInfo {
    pub kubelet_version: Option<Text>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawCondition {
    #[serde(rename = "type")]
    pub kind: Text,
    pub status: Text,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nulls_and_stringly_numbers_do_not_fail_a_document() {
        let o: RawObject = serde_json::from_str(
            r#"{"kind":"StatefulSet","metadata":null,"spec":{"replicas":"3","selector":null,
                "template":{"metadata":{"labels":{"v":1}},"spec":{"containers":null}}},"status":null}"#,
        )
        .unwrap();
        assert_eq!(o.spec.replicas, Some(Int(3)));
        let t = o.spec.template.unwrap();
        assert_eq!(t.metadata.labels.0["v"], "1");
    }

    #[test]
    fn only_read_annotations_are_kept() {
        let o: RawObject = serde_json::from_str(
            r#"{"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{...}",
                "quorum.dev/ignore":"missing-pdb"}}}"#,
        )
        .unwrap();
        assert_eq!(o.metadata.annotations.0.len(), 1);
        assert_eq!(o.metadata.annotations.0["quorum.dev/ignore"], "missing-pdb");
    }
}
