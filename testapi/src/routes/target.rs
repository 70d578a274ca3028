//! What a request path names, parsed by hand.
//!
//! Kubernetes paths are regular (`/api/v1/namespaces/NS/pods/NAME`), and
//! `/api/v1/namespaces/X` vs `/api/v1/namespaces/X/pods` is easier to tell
//! apart by hand than with route patterns.

use crate::kinds::{self, KINDS, KindId, Served};

/// What a path names.
#[derive(Debug, PartialEq)]
pub enum Target {
    Version,
    ApiVersions,
    GroupList,
    Group(String),
    Resources(String, String),
    Collection {
        kind: KindId,
        ns: Option<String>,
    },
    Object {
        kind: KindId,
        ns: String,
        name: String,
    },
    Subresource {
        kind: KindId,
        ns: String,
        name: String,
        sub: String,
    },
    /// Anything about Secrets: always 403.
    Secret {
        ns: Option<String>,
    },
    NotFound,
}

pub fn parse_target(path: &str) -> Target {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (group, version, rest) = match segs.as_slice() {
        ["version"] => return Target::Version,
        ["api"] => return Target::ApiVersions,
        ["apis"] => return Target::GroupList,
        ["apis", g] if kinds::groups().contains(g) => return Target::Group(g.to_string()),
        ["api", v, rest @ ..] => ("", *v, rest),
        ["apis", g, v, rest @ ..] => (*g, *v, rest),
        _ => return Target::NotFound,
    };
    let known_version = if group.is_empty() {
        version == "v1"
    } else {
        KINDS
            .iter()
            .any(|k| k.group == group && k.version == version)
    };
    if !known_version {
        return Target::NotFound;
    }
    let secret = |p: &str| group.is_empty() && kinds::is_secret(p);
    let kind = |p: &str| kinds::by_path(group, version, p);
    match rest {
        [] => Target::Resources(group.to_string(), version.to_string()),
        [p] if secret(p) => Target::Secret { ns: None },
        [p] => match kind(p) {
            Some(k) => Target::Collection { kind: k, ns: None },
            None => Target::NotFound,
        },
        ["namespaces", ns, p, ..] if secret(p) => Target::Secret {
            ns: Some(ns.to_string()),
        },
        ["namespaces", ns, p] if kind(p).is_some_and(|k| KINDS[k].namespaced) => {
            Target::Collection {
                kind: kind(p).expect("checked"),
                ns: Some(ns.to_string()),
            }
        }
        ["namespaces", ns, p, name] if kind(p).is_some_and(|k| KINDS[k].namespaced) => {
            Target::Object {
                kind: kind(p).expect("checked"),
                ns: ns.to_string(),
                name: name.to_string(),
            }
        }
        ["namespaces", ns, p, name, sub] if kind(p).is_some_and(|k| KINDS[k].namespaced) => {
            Target::Subresource {
                kind: kind(p).expect("checked"),
                ns: ns.to_string(),
                name: name.to_string(),
                sub: sub.to_string(),
            }
        }
        [p, name] => match kind(p) {
            Some(k) if !KINDS[k].namespaced => Target::Object {
                kind: k,
                ns: String::new(),
                name: name.to_string(),
            },
            _ => Target::NotFound,
        },
        [p, name, sub] => match kind(p) {
            Some(k) if !KINDS[k].namespaced => Target::Subresource {
                kind: k,
                ns: String::new(),
                name: name.to_string(),
                sub: sub.to_string(),
            },
            _ => Target::NotFound,
        },
        _ => Target::NotFound,
    }
}

/// What a path names on a server that serves what `served` says: a kind moved to another version
/// is found there and only there; a kind turned off, and a group version serving nothing, are not
/// found (404, as from an API server without them).
pub fn served_target(served: &Served, path: &str) -> Target {
    let mut segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (group, asked, at) = match segs.as_slice() {
        ["apis", g] if !served.groups().contains(g) => return Target::NotFound,
        ["api", v, ..] => ("", *v, 1),
        ["apis", g, v, ..] => (*g, *v, 2),
        _ => return parse_target(path),
    };
    // The table keeps each kind at one version: route a moved kind as if asked there.
    let table = served
        .kinds_at(group, asked)
        .next()
        .map_or(asked, |k| KINDS[k].version);
    segs[at] = table;
    let target = parse_target(&format!("/{}", segs.join("/")));
    let kind = match &target {
        Target::Collection { kind, .. }
        | Target::Object { kind, .. }
        | Target::Subresource { kind, .. } => Some(*kind),
        _ => None,
    };
    match target {
        _ if kind.is_some_and(|k| served.version(k) != Some(asked)) => Target::NotFound,
        Target::Resources(..)
            if !group.is_empty() && served.kinds_at(group, asked).next().is_none() =>
        {
            Target::NotFound
        }
        Target::Resources(g, _) => Target::Resources(g, asked.to_string()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        let pods = kinds::POD;
        assert_eq!(
            parse_target("/api/v1/pods"),
            Target::Collection {
                kind: pods,
                ns: None
            }
        );
        assert_eq!(
            parse_target("/api/v1/namespaces/db/pods"),
            Target::Collection {
                kind: pods,
                ns: Some("db".into())
            }
        );
        assert_eq!(
            parse_target("/api/v1/namespaces/db"),
            Target::Object {
                kind: kinds::NAMESPACE,
                ns: String::new(),
                name: "db".into()
            }
        );
        assert_eq!(
            parse_target("/api/v1/namespaces/db/pods/p/eviction"),
            Target::Subresource {
                kind: pods,
                ns: "db".into(),
                name: "p".into(),
                sub: "eviction".into()
            }
        );
        assert_eq!(
            parse_target("/apis/coordination.k8s.io/v1/namespaces/ops/leases/l"),
            Target::Object {
                kind: kinds::lookup("lease").unwrap(),
                ns: "ops".into(),
                name: "l".into()
            }
        );
        assert_eq!(
            parse_target("/api/v1/namespaces/x/secrets"),
            Target::Secret {
                ns: Some("x".into())
            }
        );
        assert_eq!(parse_target("/api/v1/pods/x"), Target::NotFound);
        assert_eq!(parse_target("/apis/apps/v2/deployments"), Target::NotFound);
        assert_eq!(parse_target("/apis/apps"), Target::Group("apps".into()));
    }

    #[test]
    fn a_moved_kind_is_found_at_its_new_version_only_and_a_removed_one_nowhere() {
        let mut served = Served::default();
        served.at(kinds::PDB, "v1beta1");
        assert_eq!(
            served_target(&served, "/apis/policy/v1beta1/poddisruptionbudgets"),
            Target::Collection {
                kind: kinds::PDB,
                ns: None
            }
        );
        assert_eq!(
            served_target(&served, "/apis/policy/v1/poddisruptionbudgets"),
            Target::NotFound
        );
        assert_eq!(
            served_target(&served, "/apis/policy/v1beta1"),
            Target::Resources("policy".into(), "v1beta1".into())
        );
        assert_eq!(served_target(&served, "/apis/policy/v1"), Target::NotFound);
        let mut served = Served::default();
        served.without(kinds::PDB);
        assert_eq!(served_target(&served, "/apis/policy"), Target::NotFound);
        assert_eq!(
            served_target(&served, "/apis/policy/v1/namespaces/a/poddisruptionbudgets"),
            Target::NotFound
        );
        assert_eq!(
            served_target(&served, "/api/v1/namespaces/a/pods/p/eviction"),
            Target::Subresource {
                kind: kinds::POD,
                ns: "a".into(),
                name: "p".into(),
                sub: "eviction".into()
            }
        );
    }
}
