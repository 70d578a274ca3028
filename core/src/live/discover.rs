//! What an API server serves, asked before anything is listed.
//!
//! A kind the server does not have (PodDisruptionBudgets at `policy/v1` on a server older than
//! 1.21, an API turned off with `--runtime-config`) would otherwise be listed, answered 404, and
//! retried until a one-shot read gave up. Discovery says so at once: the kind is skipped with a
//! warning naming it, like a kind RBAC refuses, and everything else is read. Where an older
//! version the model reads the same way is served instead, that one is read.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use super::Cluster;
use super::errors::{LiveError, Problem, classify};
use super::wire::MODEL_VERSIONS;
use super::wire::resource_name;
use crate::model::Kind;

/// Where one kind is read on one server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Served {
    /// At `version` of its group: the first of [`MODEL_VERSIONS`] the server serves.
    At(&'static str),
    /// Nowhere: why, for the warning.
    Missing(String),
}

/// What one server serves of the kinds Quorum reads, in [`Kind::ALL`]'s order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Discovery {
    pub kinds: Vec<(Kind, Served)>,
    /// The server's `/version` `gitVersion` (`v1.37.2`): whose rules the model follows.
    pub server_version: Option<String>,
}

impl Discovery {
    /// Every kind at its first version: what is assumed when discovery could not be asked (the
    /// watchers then report what fails).
    pub fn assumed() -> Discovery {
        Discovery {
            kinds: Kind::ALL
                .iter()
                .map(|k| (*k, Served::At(versions(*k)[0])))
                .collect(),
            server_version: None,
        }
    }

    pub fn served(&self, kind: Kind) -> &Served {
        self.kinds
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, s)| s)
            .expect("discovery covers every kind")
    }

    /// The kinds that are not served, with why.
    pub fn missing(&self) -> impl Iterator<Item = (Kind, &str)> {
        self.kinds.iter().filter_map(|(k, s)| match s {
            Served::Missing(why) => Some((*k, why.as_str())),
            Served::At(_) => None,
        })
    }
}

/// The versions of a kind the model reads, most wanted first.
pub fn versions(kind: Kind) -> &'static [&'static str] {
    MODEL_VERSIONS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(&["v1"], |(_, v)| v)
}

/// `(group, plural)` of a kind: `("policy", "poddisruptionbudgets")`, `("", "pods")`.
fn group_and_plural(kind: Kind) -> (&'static str, &'static str) {
    match resource_name(kind).split_once('.') {
        Some((plural, group)) => (group, plural),
        None => ("", resource_name(kind)),
    }
}

/// What the server answered: the resources of each group version asked (`None`: that group
/// version is not served).
#[derive(Default)]
struct Answers {
    /// `group/version` (`v1` for the core group) → plural resource names.
    resources: BTreeMap<String, Option<BTreeSet<String>>>,
    version: Option<String>,
}

/// Which kinds are served where, from the server's answers.
fn decide(answers: &Answers) -> Discovery {
    let kinds = Kind::ALL
        .iter()
        .map(|&kind| {
            let (group, plural) = group_and_plural(kind);
            let gv = |v: &str| {
                if group.is_empty() {
                    v.to_string()
                } else {
                    format!("{group}/{v}")
                }
            };
            let wanted = versions(kind);
            let served = wanted.iter().find(|v| {
                answers
                    .resources
                    .get(&gv(v))
                    .and_then(Option::as_ref)
                    .is_some_and(|names| names.contains(plural))
            });
            let served = match served {
                Some(v) => Served::At(v),
                None => {
                    let asked: Vec<String> = wanted.iter().map(|v| gv(v)).collect();
                    Served::Missing(format!(
                        "the API server does not serve {plural} at {}",
                        asked.join(" or ")
                    ))
                }
            };
            (kind, served)
        })
        .collect();
    Discovery {
        kinds,
        server_version: None,
    }
}

/// Asks the server what it serves, within `limit`: at most one request per group version Quorum
/// reads. A server that does not answer within `limit`, or refuses the credentials, is an error
/// naming it; discovery that is refused (403) or broken otherwise leaves every kind assumed.
pub async fn discover(cluster: &Cluster, limit: Duration) -> Result<Discovery, LiveError> {
    match tokio::time::timeout(limit, ask(cluster)).await {
        Ok(Ok(answers)) => Ok(Discovery {
            server_version: answers.version.clone(),
            ..decide(&answers)
        }),
        Ok(Err(Problem::Unauthorized)) => Err(LiveError::Unauthorized {
            context: cluster.name.clone(),
            verb: "get".into(),
            resource: "the API discovery (/api, /apis)".into(),
        }),
        Ok(Err(Problem::Credentials(message))) => Err(LiveError::Context {
            context: cluster.name.clone(),
            message,
        }),
        Ok(Err(Problem::Unreachable(message))) => Err(LiveError::Unreachable {
            context: cluster.name.clone(),
            server: cluster.server.clone(),
            message,
        }),
        Ok(Err(_)) => Ok(Discovery::assumed()),
        Err(_) => Err(LiveError::Unreachable {
            context: cluster.name.clone(),
            server: cluster.server.clone(),
            message: format!(
                "no answer within {} s (is the address right, and the server up?)",
                limit.as_secs()
            ),
        }),
    }
}

async fn ask(cluster: &Cluster) -> Result<Answers, Problem> {
    let client = &cluster.client;
    // The release the server runs; a server that does not say (or refuses) leaves it unknown.
    let mut answers = Answers {
        version: client
            .apiserver_version()
            .await
            .ok()
            .map(|v| v.git_version)
            .filter(|v| !v.is_empty()),
        ..Answers::default()
    };
    let core = client
        .list_core_api_resources("v1")
        .await
        .map_err(|e| classify(&e))?;
    answers.resources.insert(
        "v1".into(),
        Some(core.resources.into_iter().map(|r| r.name).collect()),
    );
    let groups = client.list_api_groups().await.map_err(|e| classify(&e))?;
    let listed: BTreeSet<String> = groups
        .groups
        .iter()
        .flat_map(|g| g.versions.iter().map(|v| v.group_version.clone()))
        .collect();
    let mut wanted: BTreeSet<String> = BTreeSet::new();
    for kind in Kind::ALL.iter().copied() {
        let (group, _) = group_and_plural(kind);
        if !group.is_empty() {
            wanted.extend(versions(kind).iter().map(|v| format!("{group}/{v}")));
        }
    }
    let asked = futures::future::join_all(
        wanted
            .iter()
            .filter(|gv| listed.contains(*gv))
            .map(|gv| async move { (gv.clone(), client.list_api_group_resources(gv).await) }),
    )
    .await;
    for gv in wanted.iter().filter(|gv| !listed.contains(*gv)) {
        answers.resources.insert(gv.clone(), None);
    }
    for (gv, answer) in asked {
        let names = match answer {
            Ok(list) => Some(list.resources.into_iter().map(|r| r.name).collect()),
            Err(e) => match classify(&e) {
                Problem::NotFound(_) => None,
                problem @ (Problem::Unauthorized
                | Problem::Unreachable(_)
                | Problem::Credentials(_)) => {
                    return Err(problem);
                }
                // Listed but its resources unknown (an aggregated API down, say): try the lists.
                _ => Some(
                    Kind::ALL
                        .iter()
                        .map(|k| group_and_plural(*k).1.to_string())
                        .collect(),
                ),
            },
        };
        answers.resources.insert(gv, names);
    }
    Ok(answers)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(served: &[(&str, &[&str])]) -> Answers {
        let mut a = Answers::default();
        for (gv, names) in served {
            a.resources.insert(
                gv.to_string(),
                Some(names.iter().map(|n| n.to_string()).collect()),
            );
        }
        a
    }

    #[test]
    fn a_server_without_policy_v1_has_its_budgets_read_at_v1beta1() {
        let d = decide(&answers(&[
            ("v1", &["pods", "nodes"]),
            ("policy/v1beta1", &["poddisruptionbudgets"]),
        ]));
        assert_eq!(d.served(Kind::PodDisruptionBudget), &Served::At("v1beta1"));
        assert_eq!(d.served(Kind::Pod), &Served::At("v1"));
    }

    #[test]
    fn a_kind_served_nowhere_is_missing_and_says_where_it_was_looked_for() {
        let d = decide(&answers(&[
            ("v1", &["pods"]),
            ("apps/v1", &["deployments"]),
        ]));
        let Served::Missing(why) = d.served(Kind::PodDisruptionBudget) else {
            panic!("budgets are not served")
        };
        assert_eq!(
            why,
            "the API server does not serve poddisruptionbudgets at policy/v1 or policy/v1beta1"
        );
        assert!(matches!(d.served(Kind::StatefulSet), Served::Missing(_)));
        assert_eq!(d.served(Kind::Deployment), &Served::At("v1"));
        assert!(d.missing().any(|(k, _)| k == Kind::Node));
    }
}
