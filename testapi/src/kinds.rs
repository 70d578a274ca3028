//! The fixed table of kinds the server serves.
//!
//! Quorum reads a closed set of kinds, so the server has a static table
//! rather than a schema registry: discovery documents, URL routing and
//! `kind` lookups in fixtures all come from [`KINDS`]. Secrets are not in the
//! table on purpose: they are never stored and never served (see
//! [`is_secret`]).

/// One kind the server knows: where it lives in the API and how it is named.
#[derive(Debug)]
pub struct KindInfo {
    /// `Pod`
    pub kind: &'static str,
    /// `pods`: the URL segment and the RBAC resource name.
    pub plural: &'static str,
    /// `pod`
    pub singular: &'static str,
    /// API group; empty for the core ("legacy") group served under `/api`.
    pub group: &'static str,
    /// `v1`
    pub version: &'static str,
    /// Whether objects live in a namespace.
    pub namespaced: bool,
    /// Short names advertised in discovery (kubectl uses them).
    pub short_names: &'static [&'static str],
}

impl KindInfo {
    /// `v1` or `apps/v1`: the `apiVersion` of objects of this kind.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `PodList`: the `kind` of a LIST response.
    pub fn list_kind(&self) -> String {
        format!("{}List", self.kind)
    }

    /// `pods` or `leases.coordination.k8s.io`: how the apiserver names the
    /// resource in Status messages.
    pub fn qualified(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }
}

/// Index into [`KINDS`].
pub type KindId = usize;

macro_rules! kind {
    ($kind:literal, $plural:literal, $singular:literal, $group:literal, $version:literal, $ns:literal, [$($short:literal),*]) => {
        KindInfo {
            kind: $kind,
            plural: $plural,
            singular: $singular,
            group: $group,
            version: $version,
            namespaced: $ns,
            short_names: &[$($short),*],
        }
    };
}

/// Every kind served, in discovery order.
pub static KINDS: &[KindInfo] = &[
    kind!("Node", "nodes", "node", "", "v1", false, ["no"]),
    kind!("Pod", "pods", "pod", "", "v1", true, ["po"]),
    kind!(
        "PersistentVolumeClaim",
        "persistentvolumeclaims",
        "persistentvolumeclaim",
        "",
        "v1",
        true,
        ["pvc"]
    ),
    kind!(
        "PersistentVolume",
        "persistentvolumes",
        "persistentvolume",
        "",
        "v1",
        false,
        ["pv"]
    ),
    kind!(
        "Namespace",
        "namespaces",
        "namespace",
        "",
        "v1",
        false,
        ["ns"]
    ),
    kind!(
        "Endpoints",
        "endpoints",
        "endpoints",
        "",
        "v1",
        true,
        ["ep"]
    ),
    kind!(
        "ConfigMap",
        "configmaps",
        "configmap",
        "",
        "v1",
        true,
        ["cm"]
    ),
    kind!(
        "StorageClass",
        "storageclasses",
        "storageclass",
        "storage.k8s.io",
        "v1",
        false,
        ["sc"]
    ),
    kind!(
        "Lease",
        "leases",
        "lease",
        "coordination.k8s.io",
        "v1",
        true,
        []
    ),
    kind!(
        "StatefulSet",
        "statefulsets",
        "statefulset",
        "apps",
        "v1",
        true,
        ["sts"]
    ),
    kind!(
        "Deployment",
        "deployments",
        "deployment",
        "apps",
        "v1",
        true,
        ["deploy"]
    ),
    kind!(
        "ReplicaSet",
        "replicasets",
        "replicaset",
        "apps",
        "v1",
        true,
        ["rs"]
    ),
    kind!(
        "DaemonSet",
        "daemonsets",
        "daemonset",
        "apps",
        "v1",
        true,
        ["ds"]
    ),
    kind!(
        "PodDisruptionBudget",
        "poddisruptionbudgets",
        "poddisruptionbudget",
        "policy",
        "v1",
        true,
        ["pdb"]
    ),
];

/// Kind id of `Pod` (eviction needs it).
pub const POD: KindId = 1;
/// Kind id of `PodDisruptionBudget` (eviction needs it).
pub const PDB: KindId = 13;
/// Kind id of `Namespace` (namespaced URLs are ambiguous with it).
pub const NAMESPACE: KindId = 4;

/// Looks a kind up by its `kind` (`Pod`), plural (`pods`), singular or short
/// name, case-insensitively. Used by the Rust test hooks, so `"Pod"` and
/// `"pods"` both work.
pub fn lookup(name: &str) -> Option<KindId> {
    KINDS.iter().position(|k| {
        k.kind.eq_ignore_ascii_case(name)
            || k.plural.eq_ignore_ascii_case(name)
            || k.singular.eq_ignore_ascii_case(name)
            || k.short_names.iter().any(|s| s.eq_ignore_ascii_case(name))
    })
}

/// Looks a kind up by the `kind` field of an object (exact, as written by
/// the apiserver), checking the group of `apiVersion` when given.
pub fn by_kind(kind: &str, api_version: Option<&str>) -> Option<KindId> {
    KINDS.iter().position(|k| {
        k.kind == kind
            && api_version.is_none_or(|av| {
                let group = av.rsplit_once('/').map_or("", |(g, _)| g);
                group == k.group
            })
    })
}

/// Looks a kind up by URL: group (empty for `/api`), version and plural.
pub fn by_path(group: &str, version: &str, plural: &str) -> Option<KindId> {
    KINDS
        .iter()
        .position(|k| k.group == group && k.version == version && k.plural == plural)
}

/// Secrets are refused everywhere: they are dropped when fixtures load and
/// every request for them answers 403, whatever the token may do.
pub fn is_secret(kind_or_plural: &str) -> bool {
    kind_or_plural == "Secret" || kind_or_plural == "secrets" || kind_or_plural == "SecretList"
}

/// The API groups served under `/apis`, in discovery order.
pub fn groups() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for k in KINDS {
        if !k.group.is_empty() && !out.contains(&k.group) {
            out.push(k.group);
        }
    }
    out
}

/// Which kinds a server serves, and at which version: every kind at its table version unless a
/// test turns one off (an API an old server lacks, an aggregated API that is down) or moves it
/// (PodDisruptionBudgets at `policy/v1beta1`, as before Kubernetes 1.21).
#[derive(Clone, Debug, Default)]
pub struct Served {
    without: Vec<KindId>,
    moved: Vec<(KindId, String)>,
}

impl Served {
    /// `kind` is not served: not in discovery, 404 on its paths.
    pub fn without(&mut self, kind: KindId) {
        self.without.push(kind);
    }

    /// `kind` is served at `version` of its group instead of its table version.
    pub fn at(&mut self, kind: KindId, version: impl Into<String>) {
        self.moved.push((kind, version.into()));
    }

    /// The version `kind` is served at, if it is.
    pub fn version(&self, kind: KindId) -> Option<&str> {
        if self.without.contains(&kind) {
            return None;
        }
        Some(
            self.moved
                .iter()
                .find(|(k, _)| *k == kind)
                .map_or(KINDS[kind].version, |(_, v)| v.as_str()),
        )
    }

    /// The kinds served at `group`/`version`.
    pub fn kinds_at<'a>(
        &'a self,
        group: &'a str,
        version: &'a str,
    ) -> impl Iterator<Item = KindId> + 'a {
        (0..KINDS.len())
            .filter(move |&k| KINDS[k].group == group && self.version(k) == Some(version))
    }

    /// The versions of `group` that serve anything, in table order.
    pub fn versions(&self, group: &str) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for k in (0..KINDS.len()).filter(|&k| KINDS[k].group == group) {
            if let Some(v) = self.version(k)
                && !out.contains(&v)
            {
                out.push(v);
            }
        }
        out
    }

    /// The API groups served under `/apis`, in discovery order.
    pub fn groups(&self) -> Vec<&'static str> {
        groups()
            .into_iter()
            .filter(|g| !self.versions(g).is_empty())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_point_at_the_right_rows() {
        assert_eq!(KINDS[POD].kind, "Pod");
        assert_eq!(KINDS[PDB].kind, "PodDisruptionBudget");
        assert_eq!(KINDS[NAMESPACE].kind, "Namespace");
    }

    #[test]
    fn lookups() {
        assert_eq!(lookup("pods"), Some(POD));
        assert_eq!(lookup("Pod"), Some(POD));
        assert_eq!(lookup("pdb"), Some(PDB));
        assert_eq!(
            by_kind("Lease", Some("coordination.k8s.io/v1")),
            lookup("lease")
        );
        assert_eq!(by_kind("Lease", Some("v1")), None);
        assert_eq!(by_path("apps", "v1", "statefulsets"), lookup("sts"));
        assert_eq!(lookup("secrets"), None);
    }

    #[test]
    fn a_kind_turned_off_or_moved_is_served_so() {
        let mut served = Served::default();
        assert_eq!(served.version(PDB), Some("v1"));
        served.at(PDB, "v1beta1");
        assert_eq!(served.versions("policy"), vec!["v1beta1"]);
        assert_eq!(
            served.kinds_at("policy", "v1beta1").collect::<Vec<_>>(),
            vec![PDB]
        );
        served.without(PDB);
        assert_eq!(served.version(PDB), None);
        assert!(!served.groups().contains(&"policy"));
    }
}
