//! Objects as they come off the wire, decoded once, straight into the model.
//!
//! kube-rs lists and watches any type that implements its `Resource` trait. [`Wire<K>`] is that
//! type for each kind Quorum reads: its `Deserialize` runs the loader's slim serde structs and the
//! loader's conversion, so a 150,000-pod list is never held as typed Kubernetes objects or JSON
//! trees, and `managedFields` (and everything else the model does not read) is skipped unread.
//!
//! Kinds the model makes from metadata alone ([`metadata_only`]: ConfigMaps, Endpoints and
//! Namespaces) are listed and watched as `PartialObjectMetadata`: the server sends their
//! metadata and nothing else, so no ConfigMap's data and no Endpoints' addresses cross the wire.

use std::borrow::Cow;
use std::marker::PhantomData;
use std::sync::Arc;

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::{
    ConfigMap, Endpoints, Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod,
};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::storage::v1::StorageClass;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Deserializer};

use crate::load::convert::{Converted, convert};
use crate::load::raw::RawObject;
use crate::model::{Kind, Object};

/// A Kubernetes type Quorum reads, and the model kind it becomes.
pub trait Model: k8s_openapi::Resource + Send + Sync + 'static {
    const MODEL: Kind;
}

macro_rules! models {
    ($($ty:ty => $kind:ident),* $(,)?) => {
        $(impl Model for $ty { const MODEL: Kind = Kind::$kind; })*
    };
}

models! {
    Node => Node,
    Pod => Pod,
    PersistentVolumeClaim => PersistentVolumeClaim,
    PersistentVolume => PersistentVolume,
    StorageClass => StorageClass,
    Lease => Lease,
    StatefulSet => StatefulSet,
    Deployment => Deployment,
    ReplicaSet => ReplicaSet,
    DaemonSet => DaemonSet,
    PodDisruptionBudget => PodDisruptionBudget,
    Namespace => Namespace,
    Endpoints => Endpoints,
    ConfigMap => ConfigMap,
}

/// PodDisruptionBudgets as `policy/v1beta1` serves them, on servers older than 1.21 that lack
/// `policy/v1`: the fields the model reads are the same.
pub enum PodDisruptionBudgetV1beta1 {}

impl k8s_openapi::Resource for PodDisruptionBudgetV1beta1 {
    const API_VERSION: &'static str = "policy/v1beta1";
    const GROUP: &'static str = "policy";
    const KIND: &'static str = "PodDisruptionBudget";
    const VERSION: &'static str = "v1beta1";
    const URL_PATH_SEGMENT: &'static str = "poddisruptionbudgets";
    type Scope = k8s_openapi::NamespaceResourceScope;
}

models! {
    PodDisruptionBudgetV1beta1 => PodDisruptionBudget,
}

/// The versions of kinds read at more than one, most wanted first (every other kind: `v1`).
/// Each has a type here: [`each_model`]'s for the first, [`each_older_model`]'s for the others.
pub const MODEL_VERSIONS: &[(Kind, &[&str])] = &[(Kind::PodDisruptionBudget, &["v1", "v1beta1"])];

/// Calls macro `$m` with the types of the older versions in [`MODEL_VERSIONS`].
macro_rules! each_older_model {
    ($m:ident) => {
        $m!(crate::live::wire::PodDisruptionBudgetV1beta1)
    };
}
pub(crate) use each_older_model;

/// Calls macro `$m` with every Kubernetes type Quorum reads, in [`Kind::ALL`]'s order.
macro_rules! each_model {
    ($m:ident) => {
        $m!(
            k8s_openapi::api::core::v1::Node,
            k8s_openapi::api::core::v1::Pod,
            k8s_openapi::api::core::v1::PersistentVolumeClaim,
            k8s_openapi::api::core::v1::PersistentVolume,
            k8s_openapi::api::storage::v1::StorageClass,
            k8s_openapi::api::coordination::v1::Lease,
            k8s_openapi::api::apps::v1::StatefulSet,
            k8s_openapi::api::apps::v1::Deployment,
            k8s_openapi::api::apps::v1::ReplicaSet,
            k8s_openapi::api::apps::v1::DaemonSet,
            k8s_openapi::api::policy::v1::PodDisruptionBudget,
            k8s_openapi::api::core::v1::Namespace,
            k8s_openapi::api::core::v1::Endpoints,
            k8s_openapi::api::core::v1::ConfigMap
        )
    };
}
pub(crate) use each_model;

/// One object of kind `K`: the metadata kube-rs keeps its bookkeeping with (name, namespace,
/// resourceVersion) and what the model made of it.
pub struct Wire<K> {
    pub meta: ObjectMeta,
    pub decoded: Decoded,
    kind: PhantomData<fn() -> K>,
}

/// What the model made of an object.
#[derive(Clone, Debug)]
pub enum Decoded {
    Object(Arc<Object>),
    /// Read but of no use to the model (a ConfigMap without a leader record).
    Skipped,
    /// The object could not be converted; the message says why.
    Invalid(String),
}

impl<K> Clone for Wire<K> {
    fn clone(&self) -> Self {
        Wire {
            meta: self.meta.clone(),
            decoded: self.decoded.clone(),
            kind: PhantomData,
        }
    }
}

impl<K> std::fmt::Debug for Wire<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wire")
            .field("name", &self.meta.name)
            .field("namespace", &self.meta.namespace)
            .finish()
    }
}

impl<'de, K: Model> Deserialize<'de> for Wire<K> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawObject::deserialize(d)?;
        let text = |t: &Option<crate::load::raw::Text>| t.as_ref().map(|t| t.0.clone());
        let meta = ObjectMeta {
            name: text(&raw.metadata.name),
            namespace: text(&raw.metadata.namespace),
            resource_version: text(&raw.metadata.resource_version),
            ..ObjectMeta::default()
        };
        let decoded = match convert(raw, K::MODEL) {
            Ok(Converted::Object(object)) => Decoded::Object(Arc::new(*object)),
            Ok(Converted::Skipped(_)) => Decoded::Skipped,
            Err(message) => Decoded::Invalid(message),
        };
        Ok(Wire {
            meta,
            decoded,
            kind: PhantomData,
        })
    }
}

impl<K: Model> kube::Resource for Wire<K> {
    type DynamicType = ();
    type Scope = K::Scope;

    fn kind(_: &()) -> Cow<'_, str> {
        K::KIND.into()
    }
    fn group(_: &()) -> Cow<'_, str> {
        K::GROUP.into()
    }
    fn version(_: &()) -> Cow<'_, str> {
        K::VERSION.into()
    }
    fn api_version(_: &()) -> Cow<'_, str> {
        K::API_VERSION.into()
    }
    fn plural(_: &()) -> Cow<'_, str> {
        K::URL_PATH_SEGMENT.into()
    }
    /// Lists and watches of a kind read for its metadata alone ask for `PartialObjectMetadata`
    /// (kube-rs sends `Accept: application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1`);
    /// the reply decodes the same way, since the conversion reads nothing but the metadata.
    fn metadata_api() -> bool {
        metadata_only(K::MODEL)
    }
    fn meta(&self) -> &ObjectMeta {
        &self.meta
    }
    fn meta_mut(&mut self) -> &mut ObjectMeta {
        &mut self.meta
    }
}

/// The kinds the model makes from an object's metadata alone: ConfigMaps and Endpoints (their
/// leader records are annotations) and Namespaces. They are listed and watched as
/// `PartialObjectMetadata` (live reads and `quorum export`), so their data is never requested.
pub fn metadata_only(kind: Kind) -> bool {
    matches!(kind, Kind::ConfigMap | Kind::Endpoints | Kind::Namespace)
}

/// The resource name (`pods`, `poddisruptionbudgets.policy`) of a kind, as RBAC and kubectl say it.
pub fn resource_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Node => "nodes",
        Kind::Pod => "pods",
        Kind::PersistentVolumeClaim => "persistentvolumeclaims",
        Kind::PersistentVolume => "persistentvolumes",
        Kind::StorageClass => "storageclasses.storage.k8s.io",
        Kind::Lease => "leases.coordination.k8s.io",
        Kind::StatefulSet => "statefulsets.apps",
        Kind::Deployment => "deployments.apps",
        Kind::ReplicaSet => "replicasets.apps",
        Kind::DaemonSet => "daemonsets.apps",
        Kind::PodDisruptionBudget => "poddisruptionbudgets.policy",
        Kind::Namespace => "namespaces",
        Kind::Endpoints => "endpoints",
        Kind::ConfigMap => "configmaps",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    /// What the model makes of `object` read as kind `K`.
    fn decode<K: Model>(object: &Value) -> Decoded {
        serde_json::from_value::<Wire<K>>(object.clone())
            .unwrap()
            .decoded
    }

    /// `object` as the API server sends it to a metadata-only read.
    fn partial(object: &Value) -> Value {
        json!({
            "kind": "PartialObjectMetadata",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": object["metadata"],
        })
    }

    fn same(a: &Decoded, b: &Decoded) -> bool {
        match (a, b) {
            (Decoded::Object(a), Decoded::Object(b)) => a == b,
            (Decoded::Skipped, Decoded::Skipped) => true,
            (Decoded::Invalid(a), Decoded::Invalid(b)) => a == b,
            _ => false,
        }
    }

    #[test]
    fn kinds_read_for_their_metadata_decode_the_same_from_metadata_alone() {
        let leader = r#"{"holderIdentity":"ctrl-0","leaseDurationSeconds":15,"renewTime":"2026-01-01T00:00:00Z"}"#;
        let meta = |name: &str| {
            json!({"name": name, "namespace": "ops", "resourceVersion": "7", "uid": "u-1",
                "labels": {"app": "ctrl"},
                "annotations": {"control-plane.alpha.kubernetes.io/leader": leader},
                "managedFields": [{"manager": "kubectl", "operation": "Update"}]})
        };
        let config_map = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("lock"),
            "data": {"password": "hunter2"}});
        let endpoints = json!({"apiVersion": "v1", "kind": "Endpoints", "metadata": meta("lock"),
            "subsets": [{"addresses": [{"ip": "10.0.0.1"}], "ports": [{"port": 80}]}]});
        let plain = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "settings", "namespace": "ops"}, "data": {"a": "b"}});
        let namespace = json!({"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": "ops", "labels": {"team": "db"}, "resourceVersion": "3"},
            "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}});

        let full = decode::<ConfigMap>(&config_map);
        assert!(matches!(&full, Decoded::Object(o) if matches!(**o, Object::Leader(_))));
        assert!(same(&full, &decode::<ConfigMap>(&partial(&config_map))));
        let full = decode::<Endpoints>(&endpoints);
        assert!(matches!(&full, Decoded::Object(o) if matches!(**o, Object::Leader(_))));
        assert!(same(&full, &decode::<Endpoints>(&partial(&endpoints))));
        let full = decode::<ConfigMap>(&plain);
        assert!(matches!(full, Decoded::Skipped));
        assert!(same(&full, &decode::<ConfigMap>(&partial(&plain))));
        let full = decode::<Namespace>(&namespace);
        assert!(matches!(&full, Decoded::Object(o) if matches!(**o, Object::Namespace(_))));
        assert!(same(&full, &decode::<Namespace>(&partial(&namespace))));
    }

    #[test]
    fn only_kinds_read_for_their_metadata_ask_for_metadata() {
        use kube::Resource;
        assert!(Wire::<ConfigMap>::metadata_api());
        assert!(Wire::<Endpoints>::metadata_api());
        assert!(Wire::<Namespace>::metadata_api());
        assert!(!Wire::<Pod>::metadata_api());
        assert!(!Wire::<Lease>::metadata_api());
        assert!(!Wire::<Node>::metadata_api());
        let metadata: Vec<Kind> = Kind::ALL
            .into_iter()
            .filter(|k| metadata_only(*k))
            .collect();
        assert_eq!(
            metadata,
            [Kind::Namespace, Kind::Endpoints, Kind::ConfigMap]
        );
    }
}
