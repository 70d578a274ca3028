//! Holder identities as real electors write them, and the pod or node each one names.
//!
//! One table, [`FORMATS`], most specific first: a record takes the first format that applies to
//! it, which says how its identity names a host; the host is then looked up among the pods and
//! nodes of the export ([`resolve`]). docs/holders.md gives each format with the elector's source.
//! Nothing is guessed: no prefix or substring match, and a host that two pods could be is
//! ambiguous, said so, never picked.

use rustc_hash::FxHashMap as HashMap;

use super::*;

/// How a holder identity names its host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Patroni's `leader` annotation: the member name, which is the pod's name.
    Patroni,
    /// kube-vip (`plndr-cp-lock`, `plndr-svcs-lock`, `kubevip-<service>`): the node's name.
    KubeVip,
    /// cert-manager's controller: `<hostname>-external-cert-manager-controller`.
    CertManager,
    /// The Cilium operator: `<hostname>-<ten random letters>`.
    CiliumOperator,
    /// client-go's `<hostname>_<uuid>` (kube-controller-manager, kube-scheduler, the cloud
    /// controller manager, controller-runtime and kubebuilder operators, library-go).
    ClientGo,
    /// The bare hostname (ingress-nginx, Strimzi, CSI sidecars, cluster-autoscaler, wrangler,
    /// older control planes).
    Bare,
}

/// One holder format: which records it applies to, and the host its identity names.
pub struct HolderFormat {
    pub format: Format,
    /// Who writes it, for the docs and the tests.
    pub electors: &'static str,
    /// Whether this format applies to a record with this identity.
    pub applies: fn(&LeaderRecord, &str) -> bool,
    /// The host part of the identity.
    pub host: for<'a> fn(&'a str) -> &'a str,
}

const CERT_MANAGER_SUFFIX: &str = "-external-cert-manager-controller";
const CILIUM_OPERATOR_LOCK: &str = "cilium-operator-resource-lock";

/// The formats, most specific first; [`Format::Bare`] applies to anything.
pub const FORMATS: &[HolderFormat] = &[
    HolderFormat {
        format: Format::Patroni,
        electors: "Patroni (Zalando postgres-operator, Spilo, CloudNativePG's predecessors)",
        applies: |r, _| r.style == LeaderStyle::Patroni,
        host: |h| h,
    },
    HolderFormat {
        format: Format::KubeVip,
        electors: "kube-vip",
        applies: |r, _| {
            let name = r.meta.name.as_str();
            name == "plndr-cp-lock" || name == "plndr-svcs-lock" || name.starts_with("kubevip-")
        },
        host: |h| h,
    },
    HolderFormat {
        format: Format::CertManager,
        electors: "cert-manager's controller",
        applies: |_, h| h.len() > CERT_MANAGER_SUFFIX.len() && h.ends_with(CERT_MANAGER_SUFFIX),
        host: |h| &h[..h.len() - CERT_MANAGER_SUFFIX.len()],
    },
    HolderFormat {
        format: Format::CiliumOperator,
        electors: "the Cilium operator",
        applies: |r, h| {
            r.meta.name == CILIUM_OPERATOR_LOCK
                && h.rsplit_once('-').is_some_and(|(host, tail)| {
                    !host.is_empty()
                        && tail.len() == 10
                        && tail.bytes().all(|b| b.is_ascii_alphabetic())
                })
        },
        host: |h| h.rsplit_once('-').map_or(h, |(host, _)| host),
    },
    HolderFormat {
        format: Format::ClientGo,
        electors: "client-go electors: kube-controller-manager, kube-scheduler, \
                   cloud-controller-manager, controller-runtime (kubebuilder, operator-sdk), library-go",
        // A hostname holds no `_`: what follows the last one is the uuid of one process run.
        applies: |_, h| {
            h.rsplit_once('_')
                .is_some_and(|(host, id)| !host.is_empty() && !id.is_empty())
        },
        host: |h| h.rsplit_once('_').map_or(h, |(host, _)| host),
    },
    HolderFormat {
        format: Format::Bare,
        electors: "ingress-nginx, Strimzi, CSI sidecars (external-provisioner, -attacher, -resizer, \
                   -snapshotter), cluster-autoscaler, wrangler (Rancher, Harvester), older \
                   control planes",
        applies: |_, _| true,
        host: |h| h,
    },
];

/// Lock names of the control plane's own elections in `kube-system`: on a managed control plane
/// (EKS, GKE, AKS) their holders are machines no node or pod of the export names.
pub const CONTROL_PLANE_LOCKS: &[&str] = &[
    "kube-controller-manager",
    "kube-scheduler",
    "cloud-controller-manager",
    "cloud-provider-extraction-migration",
];

/// The API servers' identity leases in `kube-system` (heartbeats, no election): labelled
/// `apiserver.kubernetes.io/identity` (1.27 and later) or `k8s.io/component: kube-apiserver`
/// (1.26), or named `apiserver-<id>` / `kube-apiserver-<id>` and held by `<name>_<uuid>`.
pub fn is_apiserver_identity(record: &LeaderRecord) -> bool {
    let labels = &record.meta.labels;
    if labels.contains_key("apiserver.kubernetes.io/identity")
        || labels
            .get("k8s.io/component")
            .is_some_and(|c| c == "kube-apiserver")
    {
        return true;
    }
    let name = record.meta.name.as_str();
    record.meta.namespace == "kube-system"
        && (name.starts_with("apiserver-") || name.starts_with("kube-apiserver-"))
        && record
            .holder
            .as_deref()
            .and_then(|h| h.strip_prefix(name))
            .is_some_and(|rest| rest.starts_with('_'))
}

/// Whether an identity names nobody: empty, or the placeholders export tools write for a null
/// (`null` from `jq -r`, `<none>` from kubectl's columns).
pub fn is_vacant(identity: Option<&str>) -> bool {
    identity
        .map(str::trim)
        .is_none_or(|h| h.is_empty() || h == "null" || h == "<none>")
}

/// The format of a record's identity (None for a vacant record).
pub fn format_of(record: &LeaderRecord) -> Option<(&'static HolderFormat, &str)> {
    let identity = record.holder.as_deref().map(str::trim)?;
    if is_vacant(Some(identity)) {
        return None;
    }
    FORMATS
        .iter()
        .find(|f| (f.applies)(record, identity))
        .map(|f| (f, (f.host)(identity)))
}

/// The names a record's holder may be found under among the pods: its identity and its host
/// (a part of it).
pub fn pod_names(record: &LeaderRecord) -> Vec<&str> {
    let Some((_, host)) = format_of(record) else {
        return vec![];
    };
    let identity = record.holder.as_deref().map(str::trim).unwrap_or_default();
    if identity == host {
        vec![host]
    } else {
        vec![identity, host]
    }
}

/// The hostname a pod's containers see (what `os.Hostname()` returns in it): `spec.hostname`, or
/// its name, cut to 63 characters without a trailing `-` or `.`.
pub fn pod_hostname(pod: &Pod) -> &str {
    let name = pod.hostname.as_deref().unwrap_or(&pod.meta.name);
    if name.len() <= 63 {
        return name;
    }
    name[..63].trim_end_matches(['-', '.'])
}

/// Pods of one cluster by `(namespace, name)` and by the hostname their containers see.
pub(super) struct PodNames<'a> {
    pub by_key: HashMap<(&'a str, &'a str), PodId>,
    pub by_host: HashMap<&'a str, Vec<PodId>>,
}

impl<'a> PodNames<'a> {
    /// Every pod of `cluster`, or only those a name in `wanted` could name.
    pub fn of(
        pods: &'a [std::sync::Arc<PodInfo>],
        cluster: ClusterId,
        wanted: Option<&rustc_hash::FxHashSet<&str>>,
    ) -> PodNames<'a> {
        let mut names = PodNames {
            by_key: HashMap::default(),
            by_host: HashMap::default(),
        };
        use rayon::prelude::*;
        // A few names (a live change's) are compared, not hashed: most names differ in length.
        let few: Option<Vec<&str>> = wanted
            .filter(|w| w.len() <= 8)
            .map(|w| w.iter().copied().collect());
        let named = |name: &str| match (&few, wanted) {
            (Some(few), _) => few.contains(&name),
            (None, Some(w)) => w.contains(name),
            (None, None) => true,
        };
        // The pods to index, found on every core.
        let indexes: Vec<usize> = pods
            .par_iter()
            .enumerate()
            .with_min_len(8192)
            .filter(|(_, p)| {
                p.cluster == cluster
                    && (named(p.pod.meta.name.as_str()) || named(pod_hostname(&p.pod)))
            })
            .map(|(i, _)| i)
            .collect();
        for i in indexes {
            let p = &pods[i];
            let (ns, name) = (p.pod.meta.namespace.as_str(), p.pod.meta.name.as_str());
            names.by_key.insert((ns, name), PodId(i as u32));
            names
                .by_host
                .entry(pod_hostname(&p.pod))
                .or_default()
                .push(PodId(i as u32));
        }
        names
    }
}

/// Who holds a record, and, when the identity could be several pods, which.
pub(super) fn resolve(
    t: &Topology,
    cluster: ClusterId,
    names: &PodNames<'_>,
    record: &LeaderRecord,
) -> (Holder, Vec<PodId>) {
    let Some((format, host)) = format_of(record) else {
        return (Holder::Vacant, vec![]);
    };
    let ns = record.meta.namespace.as_str();
    let identity = record.holder.as_deref().map(str::trim).unwrap_or_default();
    // The identity itself as a pod of the record's namespace (Patroni members, ingress-nginx).
    if let Some(p) = names.by_key.get(&(ns, identity)) {
        return (Holder::Pod(*p), vec![]);
    }
    match format.format {
        Format::Patroni => return (Holder::Unresolved, vec![]),
        Format::KubeVip => {
            return match node_named(t, cluster, host) {
                Found::One(n) => (Holder::Node(n), vec![]),
                _ => (Holder::Unresolved, vec![]),
            };
        }
        _ => {}
    }
    // The host as the hostname a pod's containers see: in the record's namespace first (where
    // operators elect by default), else anywhere in the cluster.
    let pods = names.by_host.get(host).map_or(&[][..], Vec::as_slice);
    let here: Vec<PodId> = pods
        .iter()
        .copied()
        .filter(|p| t.pods[p.index()].pod.meta.namespace == ns)
        .collect();
    match (here.as_slice(), pods) {
        ([p], _) | ([], [p]) => return (Holder::Pod(*p), vec![]),
        ([], []) => {}
        (_, _) => {
            let mut candidates = if here.len() > 1 { here } else { pods.to_vec() };
            candidates.sort();
            return (Holder::Ambiguous, candidates);
        }
    }
    // A node (a host-network elector, a static control-plane pod).
    match node_named(t, cluster, host) {
        Found::One(n) => (Holder::Node(n), vec![]),
        Found::Several => (Holder::Ambiguous, vec![]),
        Found::None
            if format.format == Format::ClientGo
                && ns == "kube-system"
                && CONTROL_PLANE_LOCKS.contains(&record.meta.name.as_str()) =>
        {
            (Holder::External, vec![])
        }
        Found::None => (Holder::Unresolved, vec![]),
    }
}

enum Found {
    None,
    One(NodeId),
    Several,
}

/// The node a hostname names: its name, its `kubernetes.io/hostname` label, the first label of
/// its DNS name (a short hostname for an FQDN node name), or its name with every character
/// outside `[A-Za-z0-9-]` made `-` (as the CSI sidecars write a hostname); any case.
fn node_named(t: &Topology, cluster: ClusterId, host: &str) -> Found {
    let nodes = &t.node_by_name[cluster.index()];
    if let Some(n) = nodes.get(host) {
        return Found::One(*n);
    }
    let host = host.to_ascii_lowercase();
    let sanitized = |name: &str| -> String {
        name.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '-'
                }
            })
            .collect::<String>()
            .to_ascii_lowercase()
    };
    let mut found: Vec<NodeId> = nodes
        .iter()
        .filter(|(name, id)| {
            let name = name.to_ascii_lowercase();
            name == host
                || name.split('.').next() == Some(host.as_str())
                || sanitized(&name) == host
                || t.nodes[id.index()]
                    .node
                    .meta
                    .labels
                    .get(HOSTNAME_LABEL)
                    .is_some_and(|h| h.eq_ignore_ascii_case(&host))
        })
        .map(|(_, id)| *id)
        .collect();
    found.sort();
    found.dedup();
    match found.as_slice() {
        [] => Found::None,
        [n] => Found::One(*n),
        _ => Found::Several,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(ns: &str, name: &str, holder: &str) -> LeaderRecord {
        LeaderRecord {
            meta: Meta {
                name: name.into(),
                namespace: ns.into(),
                ..Meta::default()
            },
            kind: Kind::Lease,
            style: LeaderStyle::Lease,
            holder: Some(holder.into()),
            duration_seconds: Some(15),
            renew_time: None,
            acquire_time: None,
            transitions: None,
            preferred_holder: None,
            strategy: None,
        }
    }

    fn host(ns: &str, name: &str, holder: &str) -> Option<(Format, String)> {
        let r = record(ns, name, holder);
        format_of(&r).map(|(f, h)| (f.format, h.to_string()))
    }

    #[test]
    fn each_elector_format_names_its_host() {
        let cases = [
            (
                (
                    "kube-system",
                    "kube-scheduler",
                    "cp-1_0fdf508a-72bf-40de-90a1-d967b34f3086",
                ),
                (Format::ClientGo, "cp-1"),
            ),
            (
                (
                    "kube-system",
                    "cert-manager-controller",
                    "cert-manager-7d9f8b6c5d-2xkqz-external-cert-manager-controller",
                ),
                (Format::CertManager, "cert-manager-7d9f8b6c5d-2xkqz"),
            ),
            (
                (
                    "kube-system",
                    "cilium-operator-resource-lock",
                    "cp-1-QwErTyUiOp",
                ),
                (Format::CiliumOperator, "cp-1"),
            ),
            (
                ("kube-system", "plndr-cp-lock", "CP-Node-1"),
                (Format::KubeVip, "CP-Node-1"),
            ),
            (
                (
                    "kube-system",
                    "external-attacher-leader-ebs-csi-aws-com",
                    "ebs-csi-controller-6b9d8f7c44-4kx2p",
                ),
                (Format::Bare, "ebs-csi-controller-6b9d8f7c44-4kx2p"),
            ),
            (
                (
                    "ingress",
                    "ingress-nginx-leader",
                    "ingress-nginx-controller-5c8d66c76d-x7q2j",
                ),
                (Format::Bare, "ingress-nginx-controller-5c8d66c76d-x7q2j"),
            ),
        ];
        for ((ns, name, holder), (format, h)) in cases {
            assert_eq!(
                host(ns, name, holder),
                Some((format, h.to_string())),
                "{holder}"
            );
        }
        // Ten letters after a dash are the Cilium operator's only on its own lock.
        assert_eq!(
            host("ops", "other-lock", "web-QwErTyUiOp").map(|(f, _)| f),
            Some(Format::Bare)
        );
    }

    #[test]
    fn an_empty_null_or_placeholder_identity_names_nobody() {
        for holder in ["", "  ", "null", "<none>"] {
            assert!(host("ops", "lock", holder).is_none(), "{holder:?}");
        }
        assert!(is_vacant(None));
        assert!(!is_vacant(Some("nullable-0")));
    }

    #[test]
    fn a_pods_hostname_is_its_spec_hostname_or_its_name_cut_to_63() {
        let pod = |name: &str, hostname: Option<&str>| Pod {
            meta: Meta {
                name: name.into(),
                ..Meta::default()
            },
            node_name: None,
            phase: PodPhase::Running,
            ready: true,
            placement: Placement::default(),
            claims: vec![],
            host_path: None,
            hostname: hostname.map(str::to_string),
            alone: false,
            deleting: false,
        };
        assert_eq!(pod_hostname(&pod("web-0", None)), "web-0");
        assert_eq!(pod_hostname(&pod("web-0", Some("worker"))), "worker");
        let long = format!("{}-{}", "a".repeat(62), "bcdef");
        assert_eq!(pod_hostname(&pod(&long, None)), "a".repeat(62));
    }
}
