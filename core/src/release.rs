//! Which Kubernetes release's rules the model follows, and what those rules are.
//!
//! The simulator's behaviour changed between releases (docs/kubernetes-versions.md lists each
//! rule with the Go source it was read from). The release is chosen once per run: the one asked
//! for (`--kubernetes-version`, `kubernetes_version:` in `.quorum.yaml`), else the live server's
//! `/version`, else the newest kubelet version among the exported nodes, else the newest release
//! the model knows. A release the model does not know is said so, and the nearest one is used.

use std::fmt;

use serde::Serialize;

/// A Kubernetes minor release (`1.37`). Patch releases do not change the rules the model follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Release {
    pub minor: u16,
}

impl Release {
    /// The oldest release whose rules the model knows.
    pub const OLDEST: Release = Release { minor: 30 };
    /// The newest release whose rules the model knows.
    pub const NEWEST: Release = Release { minor: 37 };
    /// The releases the fidelity suite checks the model against on a real control plane.
    pub const PROVEN: [Release; 2] = [Release { minor: 37 }, Release { minor: 33 }];

    pub const fn new(minor: u16) -> Release {
        Release { minor }
    }

    /// Reads a version as people and servers write it: `1.37`, `v1.37.2`, `1.30.4+k3s1`,
    /// `v1.29.6-gke.1326000`, `v1.31.2-eks-7f9249a`. Only major 1 exists.
    pub fn parse(text: &str) -> Option<Release> {
        let t = text.trim();
        let t = t.strip_prefix(['v', 'V']).unwrap_or(t);
        let mut parts = t.split(|c: char| !c.is_ascii_digit());
        let major: u16 = parts.next()?.parse().ok()?;
        // The separator after the major must be a dot.
        if t.as_bytes().get(major.to_string().len()) != Some(&b'.') || major != 1 {
            return None;
        }
        let minor: u16 = parts.next()?.parse().ok()?;
        Some(Release { minor })
    }

    /// Whether this release's API server streams a watch's initial state by default
    /// (`sendInitialEvents=true`, the `WatchList` feature gate): on in 1.32, off by default again
    /// in 1.33, on from 1.34. Where it is off, the server refuses such a watch (422).
    pub fn streams_initial_lists(self) -> bool {
        self.minor == 32 || self.minor >= 34
    }

    pub fn known(self) -> bool {
        (Release::OLDEST..=Release::NEWEST).contains(&self)
    }

    /// The known release whose rules stand in for this one.
    pub fn nearest_known(self) -> Release {
        self.clamp(Release::OLDEST, Release::NEWEST)
    }

    /// The rules of this release (of the nearest known one), at its newest patch.
    pub fn rules(self) -> Rules {
        Rules::of(self.nearest_known(), None)
    }

    /// The patch of a version as written (`v1.35.2-eks-1` → 2).
    pub fn patch_of(text: &str) -> Option<u16> {
        let t = text.trim();
        let t = t.strip_prefix(['v', 'V']).unwrap_or(t);
        let digits: String = t
            .split('.')
            .nth(2)?
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    }
}

impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "1.{}", self.minor)
    }
}

impl Serialize for Release {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// How coordinated leader election (Lease `spec.strategy`, `spec.preferredHolder`,
/// `LeaseCandidate`) stands in a release.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct CoordinatedElection {
    /// The `coordination.k8s.io` version that serves `LeaseCandidate` once turned on
    /// (`--runtime-config`); never served by default, never `v1`.
    pub api: &'static str,
    /// The `CoordinatedLeaderElection` feature gate is on without being asked for (no release
    /// up to 1.37 has it so).
    pub on_by_default: bool,
}

/// The rules of one release that the model follows, each read from that release's source
/// (docs/kubernetes-versions.md names the file and line of each).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Rules {
    pub release: Release,
    /// kube-controller-manager's `--node-monitor-grace-period` default, in seconds: 40 up to
    /// 1.31, 50 since 1.32.
    pub node_monitor_grace_seconds: u32,
    /// The node lifecycle controller queues a silent node's NoExecute taint in the same pass
    /// that marks it NotReady (1.34 and later); before, one `--node-monitor-period` later.
    pub taint_in_same_pass: bool,
    /// The StatefulSet controller honours `updateStrategy.rollingUpdate.maxUnavailable`
    /// (`MaxUnavailableStatefulSet` on by default: 1.35.0 to 1.35.3, and 1.37); otherwise the
    /// API server drops the field and a rollout replaces one pod at a time.
    pub statefulset_max_unavailable: bool,
    /// The API server merges topology spread `matchLabelKeys` into the pod's `labelSelector`
    /// at creation (1.34 and later). The scheduler applies them too in every release, so where
    /// pods go does not change; the stored selector of a pod does.
    pub spread_match_label_keys_merged: bool,
    /// None before 1.31: Leases have no `strategy` or `preferredHolder`.
    pub coordinated_election: Option<CoordinatedElection>,
    /// kube-scheduler's NodeResourcesBalancedAllocation scores how much the pod improves the
    /// node's balance, `50 + (50 + with - without) / 2` (1.36 and later), instead of the
    /// balance with the pod alone.
    pub balanced_allocation_by_change: bool,
}

impl Rules {
    fn of(r: Release, patch: Option<u16>) -> Rules {
        let m = r.minor;
        Rules {
            release: r,
            node_monitor_grace_seconds: if m >= 32 { 50 } else { 40 },
            taint_in_same_pass: m >= 34,
            // 1.35.4 turned the gate off again (a regression of Parallel StatefulSets); an
            // unknown 1.35 patch is taken as the newest.
            statefulset_max_unavailable: m == 37 || (m == 35 && patch.is_some_and(|p| p <= 3)),
            spread_match_label_keys_merged: m >= 34,
            balanced_allocation_by_change: m >= 36,
            coordinated_election: match m {
                ..=30 => None,
                31 => Some(CoordinatedElection {
                    api: "v1alpha1",
                    on_by_default: false,
                }),
                32 => Some(CoordinatedElection {
                    api: "v1alpha2",
                    on_by_default: false,
                }),
                _ => Some(CoordinatedElection {
                    api: "v1beta1",
                    on_by_default: false,
                }),
            },
        }
    }

    /// Whether a Lease's `spec.preferredHolder` can move a leader on this release.
    pub fn targeted_handover(&self) -> Handover {
        match self.coordinated_election {
            None => Handover::Impossible,
            Some(c) if c.on_by_default => Handover::Default,
            Some(c) => Handover::NeedsGate(c.api),
        }
    }

    /// What a plan says about targeted handovers on this release.
    pub fn handover_note(&self) -> String {
        match self.targeted_handover() {
            Handover::Impossible => format!(
                "Kubernetes {} has no coordinated leader election: the API server drops a Lease's \
                 spec.preferredHolder, so targeted handovers cannot work; plan with --handover restart",
                self.release
            ),
            Handover::NeedsGate(api) => format!(
                "on Kubernetes {} targeted handovers work only where the API server runs with the \
                 CoordinatedLeaderElection feature gate on and coordination.k8s.io/{api} served \
                 (off by default: the server drops spec.preferredHolder without an error), and \
                 the electors run coordinated (client-go's, with the gate on)",
                self.release
            ),
            Handover::Default => format!(
                "on Kubernetes {} the API server keeps spec.preferredHolder; the electors must \
                 honour it",
                self.release
            ),
        }
    }
}

/// Whether targeted handovers (Lease `spec.preferredHolder`) work on a release.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handover {
    /// The API server keeps the field by default; the elector must still honour it.
    Default,
    /// Only with the `CoordinatedLeaderElection` gate on and this API version served.
    NeedsGate(&'static str),
    /// The release has no coordinated leader election: the field is dropped.
    Impossible,
}

/// Leases whose elector releases them when it stops gracefully, in every release the model
/// knows: kube-scheduler's (`ReleaseOnCancel`). kube-controller-manager's only with the alpha
/// gate `ControllerManagerReleaseLeaderElectionLockOnExit` (1.36 and later, off by default).
pub const RELEASED_ON_STOP: [(&str, &str); 1] = [("kube-system", "kube-scheduler")];

/// Where the release came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum From {
    /// `--kubernetes-version` or `.quorum.yaml`.
    Asked,
    /// A live server's `/version`.
    Server,
    /// The newest kubelet version among the exported nodes.
    Kubelet,
    /// Nothing in the input says: the newest release the model knows.
    Newest,
}

/// The release the model follows in one run, where it came from and what was assumed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Kubernetes {
    /// Whose rules the model follows.
    pub release: Release,
    pub from: From,
    /// The version as given or seen (`v1.37.2`, `1.39`), when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seen: Option<String>,
    /// The cluster (and node) it was seen on, when several could have said.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on: Option<String>,
    /// The release seen is one the model knows.
    pub known: bool,
    /// What was assumed: an unknown release, clusters on different releases.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Default for Kubernetes {
    fn default() -> Self {
        Kubernetes {
            release: Release::NEWEST,
            from: From::Newest,
            seen: None,
            on: None,
            known: true,
            notes: vec![],
        }
    }
}

/// What one cluster's input says about its version.
#[derive(Clone, Debug, Default)]
pub struct Seen {
    pub cluster: String,
    /// A live server's `/version` `gitVersion`.
    pub server: Option<String>,
    /// Every node's `status.nodeInfo.kubeletVersion` with the node's name.
    pub kubelets: Vec<(String, String)>,
}

/// The error of a `--kubernetes-version` that is not a version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "--kubernetes-version takes a release as X.Y (such as 1.37 or v1.33.2), got {0:?}; the model knows {oldest} to {newest}",
    oldest = Release::OLDEST,
    newest = Release::NEWEST
)]
pub struct BadVersion(pub String);

/// Checks a `--kubernetes-version` value.
pub fn parse_asked(text: &str) -> Result<Release, BadVersion> {
    Release::parse(text).ok_or_else(|| BadVersion(text.to_string()))
}

impl Kubernetes {
    /// Chooses the release: `asked` first, else the clusters' servers, else their kubelets,
    /// else the newest known. Where clusters disagree, the newest release seen is used and a
    /// note says so.
    pub fn choose(asked: Option<&str>, seen: &[Seen]) -> Kubernetes {
        let several = seen.len() > 1;
        let mut notes = vec![];
        let (release, from, text, on) = if let Some(r) = asked.and_then(Release::parse) {
            (r, From::Asked, asked.map(str::to_string), None)
        } else if let Some(((r, text), cluster)) = newest(
            seen.iter()
                .filter_map(|s| Some((s.server.as_deref()?, s.cluster.clone()))),
        ) {
            differ(
                &mut notes,
                seen,
                |s| s.server.as_deref().and_then(Release::parse),
                "servers",
            );
            (r, From::Server, Some(text), several.then_some(cluster))
        } else if let Some(((r, text), on)) = newest(seen.iter().flat_map(|s| {
            s.kubelets.iter().map(move |(node, v)| {
                let on = if several {
                    format!("{}/{node}", s.cluster)
                } else {
                    node.clone()
                };
                (v.as_str(), on)
            })
        })) {
            let kubelet_releases = |s: &Seen| {
                s.kubelets
                    .iter()
                    .filter_map(|(_, v)| Release::parse(v))
                    .max()
            };
            differ(&mut notes, seen, kubelet_releases, "nodes");
            (r, From::Kubelet, Some(text), Some(on))
        } else {
            (Release::NEWEST, From::Newest, None, None)
        };
        let known = release.known();
        if !known {
            notes.insert(
                0,
                format!(
                    "Kubernetes {release} is {} than any release the model knows ({} to {}): {}'s rules are used",
                    if release > Release::NEWEST { "newer" } else { "older" },
                    Release::OLDEST,
                    Release::NEWEST,
                    release.nearest_known()
                ),
            );
        }
        Kubernetes {
            release: release.nearest_known(),
            from,
            seen: text,
            on,
            known,
            notes,
        }
    }

    /// The rules followed: the release's, at the patch seen when it was a known release.
    pub fn rules(&self) -> Rules {
        let patch = self
            .seen
            .as_deref()
            .filter(|_| self.known)
            .and_then(Release::patch_of);
        Rules::of(self.release, patch)
    }

    /// One line for a report: `Kubernetes 1.37 rules (the server's v1.37.2)`.
    pub fn line(&self) -> String {
        let why = match (&self.from, &self.seen, &self.on) {
            (From::Asked, Some(v), _) => format!("--kubernetes-version {v}"),
            (From::Server, Some(v), Some(c)) => format!("{c}'s server is {v}"),
            (From::Server, Some(v), None) => format!("the server is {v}"),
            (From::Kubelet, Some(v), Some(n)) => format!("newest kubelet {v}, on {n}"),
            (From::Kubelet, Some(v), None) => format!("newest kubelet {v}"),
            _ => "no version in the input: the newest the model knows".to_string(),
        };
        let unknown = if self.known {
            ""
        } else {
            ", a release the model does not know"
        };
        format!("Kubernetes {} rules ({why}{unknown})", self.release)
    }
}

/// The newest release among `(version, where)` pairs, with the text it was written as.
fn newest<'a>(
    versions: impl Iterator<Item = (&'a str, String)>,
) -> Option<((Release, String), String)> {
    versions
        .filter_map(|(text, on)| Some(((Release::parse(text)?, text.to_string()), on)))
        .max_by(|a, b| a.0.0.cmp(&b.0.0).then_with(|| b.1.cmp(&a.1)))
}

/// A note when the clusters run different releases.
fn differ(
    notes: &mut Vec<String>,
    seen: &[Seen],
    release: impl Fn(&Seen) -> Option<Release>,
    what: &str,
) {
    let per: Vec<(String, Release)> = seen
        .iter()
        .filter_map(|s| Some((s.cluster.clone(), release(s)?)))
        .collect();
    let first = per.first().map(|(_, r)| *r);
    if per.iter().any(|(_, r)| Some(*r) != first) {
        let list: Vec<String> = per.iter().map(|(c, r)| format!("{c} {r}")).collect();
        notes.push(format!(
            "the {what} run different releases ({}): the newest one's rules are used for all",
            list.join(", ")
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_versions_as_servers_and_providers_write_them() {
        for (text, minor) in [
            ("1.37", 37),
            ("v1.33.13", 33),
            ("1.30.4+k3s1", 30),
            ("v1.29.6-gke.1326000", 29),
            ("v1.31.2-eks-7f9249a", 31),
            (" V1.36 ", 36),
        ] {
            assert_eq!(Release::parse(text), Some(Release::new(minor)), "{text}");
        }
        for bad in ["", "1", "2.1", "137", "v", "1-37", "latest", "1.x"] {
            assert_eq!(Release::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn only_releases_with_the_watch_list_gate_on_by_default_stream_their_lists() {
        let streams: Vec<u16> = (26..=40)
            .filter(|m| Release::new(*m).streams_initial_lists())
            .collect();
        assert_eq!(streams, [32, 34, 35, 36, 37, 38, 39, 40]);
    }

    #[test]
    fn asked_wins_then_server_then_kubelet_then_newest() {
        let seen = vec![Seen {
            cluster: "default".into(),
            server: Some("v1.34.1".into()),
            kubelets: vec![("n1".into(), "v1.33.5".into())],
        }];
        let k = Kubernetes::choose(Some("1.31"), &seen);
        assert_eq!((k.release, k.from), (Release::new(31), From::Asked));
        let k = Kubernetes::choose(None, &seen);
        assert_eq!(
            (k.release, k.from.clone()),
            (Release::new(34), From::Server)
        );
        assert_eq!(k.line(), "Kubernetes 1.34 rules (the server is v1.34.1)");
        let only_nodes = vec![Seen {
            cluster: "default".into(),
            server: None,
            kubelets: vec![
                ("a".into(), "v1.32.9".into()),
                ("b".into(), "v1.33.5-eks-1".into()),
                ("c".into(), "fake".into()),
            ],
        }];
        let k = Kubernetes::choose(None, &only_nodes);
        assert_eq!(
            (k.release, k.from.clone()),
            (Release::new(33), From::Kubelet)
        );
        assert_eq!(
            k.line(),
            "Kubernetes 1.33 rules (newest kubelet v1.33.5-eks-1, on b)"
        );
        let k = Kubernetes::choose(None, &[]);
        assert_eq!((k.release, k.from), (Release::NEWEST, From::Newest));
    }

    #[test]
    fn an_unknown_release_is_said_and_the_nearest_used() {
        let k = Kubernetes::choose(Some("1.39"), &[]);
        assert_eq!(k.release, Release::NEWEST);
        assert!(!k.known);
        assert!(
            k.notes[0].starts_with("Kubernetes 1.39 is newer than any release"),
            "{:?}",
            k.notes
        );
        let k = Kubernetes::choose(Some("1.21"), &[]);
        assert_eq!(k.release, Release::OLDEST);
        assert!(k.notes[0].contains("older"), "{:?}", k.notes);
    }

    #[test]
    fn clusters_on_different_releases_are_said() {
        let seen = vec![
            Seen {
                cluster: "dc1".into(),
                server: Some("v1.33.2".into()),
                kubelets: vec![],
            },
            Seen {
                cluster: "dc2".into(),
                server: Some("v1.36.0".into()),
                kubelets: vec![],
            },
        ];
        let k = Kubernetes::choose(None, &seen);
        assert_eq!(k.release, Release::new(36));
        assert_eq!(k.on.as_deref(), Some("dc2"));
        assert_eq!(
            k.notes,
            vec![
                "the servers run different releases (dc1 1.33, dc2 1.36): the newest one's rules are used for all"
            ]
        );
    }

    #[test]
    fn rules_follow_the_release_and_for_1_35_its_patch() {
        let rules = |v: &str| Kubernetes::choose(Some(v), &[]).rules();
        assert_eq!(rules("1.31").node_monitor_grace_seconds, 40);
        assert_eq!(rules("1.32").node_monitor_grace_seconds, 50);
        assert!(!rules("1.33").taint_in_same_pass);
        assert!(rules("1.34").taint_in_same_pass);
        assert!(!rules("1.34").statefulset_max_unavailable);
        assert!(rules("v1.35.2").statefulset_max_unavailable);
        assert!(!rules("v1.35.4").statefulset_max_unavailable);
        assert!(!rules("1.35").statefulset_max_unavailable);
        assert!(!rules("1.36").statefulset_max_unavailable);
        assert!(rules("1.37").statefulset_max_unavailable);
        assert_eq!(rules("1.30").targeted_handover(), Handover::Impossible);
        assert_eq!(
            rules("1.32").targeted_handover(),
            Handover::NeedsGate("v1alpha2")
        );
        assert_eq!(
            rules("1.37").targeted_handover(),
            Handover::NeedsGate("v1beta1")
        );
        assert_eq!(Release::patch_of("v1.35.2-eks-1"), Some(2));
        assert_eq!(Release::patch_of("1.35"), None);
    }
}
