//! The prediction (`quorum simulate -o json` on the initial export) against what the real
//! cluster did (its export after the events), rule by rule of DESIGN.md's model. Each verdict
//! names its rule, its subject, both sides and, for a disagreement, the Kubernetes behaviour
//! that explains it (docs/model.md) when one does.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::real::{self, State};
use crate::scenario::Observation;

// The bin and the tests name them `compare::Rule` and `compare::Verdict`.
pub use crate::verdict::{Rule, Verdict};

/// How far a measured takeover may be from `leaseDurationSeconds` under client-go: the leader
/// last renewed up to one retry period before it stopped, and candidates, who measure expiry
/// from when *they* saw the record change, poll every retry period plus up to 120% jitter.
pub fn takeover_window(after: f64, retry: f64, released: bool) -> (f64, f64) {
    if released {
        (0.0, retry * 2.2 + 1.0)
    } else {
        (after - retry - 0.5, after + 2.0 * 2.2 * retry + 1.0)
    }
}

/// Whether a takeover seen `seen` seconds after the events agrees with the model's `want`;
/// `recreated` is (the model's, the real) moment the candidate's pod was created when the new
/// holder is a replacement: its wait for the lease starts then, so the takeover is judged from
/// its real creation (the taint and recreate-timing rules judge that moment on their own).
fn takeover_agrees(
    want: f64,
    seen: f64,
    recreated: Option<(f64, f64)>,
    retry: f64,
    released: bool,
) -> bool {
    let shift = recreated.map_or(0.0, |(want_start, seen_start)| seen_start - want_start);
    let (lo, hi) = takeover_window(want + shift, retry, released);
    (lo..=hi).contains(&seen)
}

struct Cluster {
    prefix: String,
    failed: Vec<String>,
    cut: Vec<String>,
    before: State,
    after: State,
}

fn pred<'a>(p: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    p[key].as_array().into_iter().flatten()
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or("").to_string()
}

/// Compares one run.
pub fn compare(obs: &Observation) -> Result<Vec<Verdict>, String> {
    let multi = obs.clusters.len() > 1;
    let mut clusters = Vec::new();
    for c in &obs.clusters {
        let prefix = if multi {
            format!("{}/", c.name)
        } else {
            String::new()
        };
        clusters.push(Cluster {
            before: State::read(&c.initial, &prefix)?,
            after: State::read(&c.after, &prefix)?,
            failed: c.failed_nodes.clone(),
            cut: c.cut_nodes.clone(),
            prefix,
        });
    }
    let p = &obs.prediction;
    let t0 = obs.injected_at;
    let mut out = Vec::new();
    let mut verdict = |rule, subject: String, predicted: String, observed: String, agree: bool| {
        out.push(Verdict {
            rule,
            subject,
            predicted,
            observed,
            agree,
            explanation: None,
        });
    };
    // Where each pod that stopped or was evicted went, in the model.
    let mut predicted_fate: BTreeMap<String, String> = BTreeMap::new();
    // Where the model sees a tie, every node kube-scheduler may pick among (the chosen one
    // included); a real pod on any of them agrees.
    let mut tied: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in pred(p, "rescheduled") {
        predicted_fate.insert(s(&r["pod"]), format!("runs on {}", s(&r["to"])));
        let candidates: Vec<String> = r["candidates"]
            .as_array()
            .map(|c| c.iter().map(s).collect())
            .unwrap_or_default();
        if candidates.len() > 1 {
            tied.insert(s(&r["pod"]), candidates);
        }
    }
    for r in pred(p, "pending") {
        predicted_fate.insert(s(&r["pod"]), format!("Pending: {}", s(&r["reason"])));
    }
    let lost: BTreeMap<String, String> = pred(p, "lost")
        .map(|l| (s(&l["pod"]), s(&l["reason"])))
        .collect();
    let evictions: BTreeMap<String, String> = pred(p, "evictions")
        .map(|e| (s(&e["pod"]), s(&e["status"])))
        .collect();
    // Taint times the model gives, per node (seconds after the events).
    let mut predicted_taint: BTreeMap<String, f64> = BTreeMap::new();
    for e in pred(p, "timeline") {
        let what = s(&e["what"]);
        if let Some(rest) = what.strip_prefix("node ")
            && let Some(node) =
                rest.strip_suffix(" tainted node.kubernetes.io/unreachable:NoExecute")
        {
            predicted_taint.insert(node.to_string(), e["t"].as_f64().unwrap_or(0.0));
        }
    }
    let drained: BTreeMap<String, &crate::scenario::Drained> = obs
        .drains
        .iter()
        .map(|d| {
            (
                format!(
                    "{}{}",
                    if multi {
                        format!("{}/", d.cluster)
                    } else {
                        String::new()
                    },
                    d.node
                ),
                d,
            )
        })
        .collect();
    // Per workload: the real pods that appeared after the events (replacements).
    for c in &clusters {
        let failed: BTreeSet<&str> = c.failed.iter().map(String::as_str).collect();
        let node_name = |n: &str| format!("{}{n}", c.prefix);
        // --- Taint: per zone, the sorted NoExecute times the model gives and the real ones.
        let mut zones: BTreeMap<String, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
        for n in &c.failed {
            let Some(node) = c.after.nodes.get(n) else {
                continue;
            };
            let e = zones.entry(node.zone.clone()).or_default();
            if let Some(t) = predicted_taint.get(&node_name(n)) {
                e.0.push(*t);
            }
            if let Some(t) = node.noexecute_at {
                e.1.push(t - t0);
            }
        }
        for (zone, (mut want, mut seen)) in zones {
            want.sort_by(f64::total_cmp);
            seen.sort_by(f64::total_cmp);
            let agree = want.len() == seen.len()
                && want.iter().zip(&seen).all(|(w, s)| (w - s).abs() <= 3.0);
            verdict(
                Rule::Taint,
                format!("zone {}{zone}", c.prefix),
                fmt_times(&want),
                fmt_times(&seen),
                agree,
            );
        }
        // --- Pods on failed nodes.
        let mut replacements_used: BTreeSet<String> = BTreeSet::new();
        let before_pods: Vec<&real::Pod> = c.before.pods.iter().filter(|p| p.running()).collect();
        // Per workload and drained node: (evicted, refused) in the model and for real.
        let mut drain_counts: BTreeMap<String, (u32, u32, u32, u32)> = BTreeMap::new();
        for pod in &before_pods {
            let node = pod.node.clone().unwrap_or_default();
            let on_failed = failed.contains(node.as_str());
            let after = c.after.pods.iter().find(|a| a.uid == pod.uid);
            let drained_here = drained.contains_key(&node_name(&node));
            if on_failed {
                if pod.workload_kind == "DaemonSet" {
                    continue;
                }
                let stopped = after.is_none_or(|a| !a.running() || !c.after.serving(a));
                verdict(
                    Rule::Stop,
                    pod.key.clone(),
                    "stops".into(),
                    if stopped {
                        "stopped".into()
                    } else {
                        "still Ready".into()
                    },
                    stopped,
                );
                let evicted_at = after.and_then(|a| a.deleted_at);
                match pod.workload_kind.as_str() {
                    "Deployment" | "ReplicaSet" => {
                        let predicted = predicted_fate.get(&pod.key);
                        let recreated = predicted.is_some();
                        verdict(
                            Rule::Recreate,
                            pod.key.clone(),
                            match predicted {
                                Some(_) => "evicted and recreated".into(),
                                None => format!(
                                    "not recreated ({})",
                                    lost.get(&pod.key).cloned().unwrap_or_default()
                                ),
                            },
                            match evicted_at {
                                Some(t) => format!("evicted at +{:.1} s", t - t0),
                                None => "not evicted".into(),
                            },
                            recreated == evicted_at.is_some(),
                        );
                        if let (Some(at), Some(rescheduled)) = (
                            evicted_at,
                            pred(p, "rescheduled").find(|r| s(&r["pod"]) == pod.key),
                        ) {
                            let want = rescheduled["after_seconds"].as_f64().unwrap_or(0.0);
                            // Against the node's own taint time: the toleration is the claim;
                            // the taint's moment is judged by the taint rule.
                            let taint_pred = predicted_taint.get(&node_name(&node)).copied();
                            let taint_real = c.after.nodes.get(&node).and_then(|n| n.noexecute_at);
                            let (want_tol, seen_tol) = match (taint_pred, taint_real) {
                                (Some(tp), Some(tr)) => (want - tp, at - tr),
                                _ => (want, at - t0),
                            };
                            verdict(
                                Rule::RecreateTiming,
                                pod.key.clone(),
                                format!("+{want:.0} s ({want_tol:.0} s after the taint)"),
                                format!("+{:.1} s ({seen_tol:.1} s after the taint)", at - t0),
                                (want_tol - seen_tol).abs() <= 2.0,
                            );
                        }
                    }
                    "StatefulSet" => {
                        let elsewhere = c.after.pods.iter().any(|a| {
                            a.key == pod.key
                                && a.uid != pod.uid
                                && a.node.as_deref().is_some_and(|n| n != node)
                        });
                        let model_stays = !predicted_fate.contains_key(&pod.key);
                        verdict(
                            Rule::StatefulSetStays,
                            pod.key.clone(),
                            if model_stays {
                                "not recreated elsewhere".into()
                            } else {
                                format!(
                                    "recreated: {}",
                                    predicted_fate.get(&pod.key).cloned().unwrap_or_default()
                                )
                            },
                            if elsewhere {
                                "recreated elsewhere".into()
                            } else {
                                format!(
                                    "left on {node}{}",
                                    if evicted_at.is_some() {
                                        ", Terminating"
                                    } else {
                                        ""
                                    }
                                )
                            },
                            model_stays != elsewhere,
                        );
                    }
                    _ => {}
                }
            } else if drained_here && pod.workload_kind != "DaemonSet" {
                // kubectl drain evicts a node's pods concurrently, each retried every 5 s: which
                // of a budget's pods it admits first is a race, how many is the budget's.
                let d = drained[&node_name(&node)];
                let refused = d
                    .refused
                    .iter()
                    .any(|r| format!("{}{r}", c.prefix) == pod.key);
                let blocked = evictions.get(&pod.key).is_some_and(|e| e == "blocked");
                let group = if pod.workload.is_empty() {
                    pod.key.clone()
                } else {
                    pod.workload.clone()
                };
                let e = drain_counts
                    .entry(format!("{group} on {node}"))
                    .or_insert((0, 0, 0, 0));
                if blocked {
                    e.1 += 1;
                } else {
                    e.0 += 1;
                }
                if refused {
                    e.3 += 1;
                } else {
                    e.2 += 1;
                }
            } else {
                let still = after.is_some_and(|a| a.running() && a.node == pod.node);
                let model_moves =
                    evictions.contains_key(&pod.key) || predicted_fate.contains_key(&pod.key);
                if !model_moves {
                    verdict(
                        Rule::Untouched,
                        pod.key.clone(),
                        format!("keeps running on {node}"),
                        match after {
                            Some(a) if still => {
                                format!("runs on {}", a.node.clone().unwrap_or_default())
                            }
                            Some(a) => format!("{} on {:?}", a.phase, a.node),
                            None => "gone".into(),
                        },
                        still,
                    );
                }
            }
        }
        for (subject, (want_evicted, want_refused, evicted, refused)) in drain_counts {
            verdict(
                Rule::Drain,
                subject,
                format!("{want_evicted} evicted, {want_refused} refused"),
                format!("{evicted} evicted, {refused} refused"),
                want_refused == refused,
            );
        }
        // --- Placement of everything that moved: per workload, the model's destinations and
        // the real pods that appeared after the events.
        let mut by_workload: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for (pod, fate) in &predicted_fate {
            if !pod.starts_with(&c.prefix) && multi {
                continue;
            }
            let Some(workload) = c
                .before
                .pods
                .iter()
                .find(|p| p.key == *pod)
                .map(|p| p.workload.clone())
            else {
                continue;
            };
            by_workload
                .entry(workload)
                .or_default()
                .push((pod.clone(), fate.clone()));
        }
        for (workload, fates) in by_workload {
            let fresh: Vec<&real::Pod> = c
                .after
                .pods
                .iter()
                .filter(|a| a.workload == workload && a.deleted_at.is_none())
                .filter(|a| !c.before.pods.iter().any(|b| b.uid == a.uid))
                .filter(|a| !replacements_used.contains(&a.uid))
                .collect();
            let mut real_nodes: Vec<String> = fresh
                .iter()
                .filter(|a| a.node.is_some())
                .map(|a| a.node.clone().unwrap_or_default())
                .collect();
            let real_pending: Vec<&real::Pod> =
                fresh.iter().copied().filter(|a| a.pending()).collect();
            for a in &fresh {
                replacements_used.insert(a.uid.clone());
            }
            let want_running = fates
                .iter()
                .filter(|(_, f)| f.starts_with("runs on "))
                .count();
            let want_pending: Vec<&String> = fates
                .iter()
                .filter(|(_, f)| f.starts_with("Pending"))
                .map(|(_, f)| f)
                .collect();
            let want_classes: BTreeSet<&str> = want_pending
                .iter()
                .flat_map(|f| real::reason_classes(f))
                .collect();
            let seen_classes: BTreeSet<&str> = real_pending
                .iter()
                .filter_map(|a| a.unschedulable.as_deref())
                .flat_map(real::reason_classes)
                .collect();
            let agree = want_running == real_nodes.len()
                && want_pending.len() == real_pending.len()
                && want_classes == seen_classes;
            verdict(
                Rule::Placement,
                workload.clone(),
                format!(
                    "{want_running} run, {} Pending{}",
                    want_pending.len(),
                    classes(&want_classes)
                ),
                format!(
                    "{} run, {} Pending{}",
                    real_nodes.len(),
                    real_pending.len(),
                    classes(&seen_classes)
                ),
                agree,
            );
            // Which node: pair each predicted destination with a real one on the same node, then
            // with one among the nodes the model found tied, then say where the rest went.
            let local = |n: &str| n.strip_prefix(&c.prefix).unwrap_or(n).to_string();
            let zone = |n: &str| {
                c.after
                    .nodes
                    .get(n)
                    .map(|n| n.zone.clone())
                    .unwrap_or_default()
            };
            let mut open: Vec<(String, String)> = Vec::new();
            for (pod, fate) in fates.iter().filter(|(_, f)| f.starts_with("runs on ")) {
                let want = fate.trim_start_matches("runs on ").to_string();
                match real_nodes.iter().position(|n| *n == local(&want)) {
                    Some(i) => {
                        let seen = real_nodes.remove(i);
                        verdict(Rule::PlacementNode, pod.clone(), want, seen, true);
                    }
                    None => open.push((pod.clone(), want)),
                }
            }
            let mut unpaired = Vec::new();
            for (pod, want) in open {
                let among: Vec<String> = tied
                    .get(&pod)
                    .map(|c| c.iter().map(|n| local(n)).collect())
                    .unwrap_or_default();
                match real_nodes.iter().position(|n| among.contains(n)) {
                    Some(i) => {
                        let seen = real_nodes.remove(i);
                        let tie = tied[&pod].join(", ");
                        verdict(
                            Rule::PlacementNode,
                            pod,
                            format!("one of {tie}"),
                            seen,
                            true,
                        );
                    }
                    None => unpaired.push((pod, want)),
                }
            }
            for (pod, want) in unpaired {
                let want_local = local(&want);
                let predicted = match tied.get(&pod) {
                    Some(tie) => format!("one of {}", tie.join(", ")),
                    None => want,
                };
                let seen =
                    if let Some(i) = real_nodes.iter().position(|n| zone(n) == zone(&want_local)) {
                        format!("{} (same zone)", real_nodes.remove(i))
                    } else if !real_nodes.is_empty() {
                        let n = real_nodes.remove(0);
                        format!("{n} (zone {})", zone(&n))
                    } else {
                        "does not run".into()
                    };
                verdict(Rule::PlacementNode, pod, predicted, seen, false);
            }
        }
        // --- Storage.
        let want: BTreeSet<String> = pred(p, "stranded_volumes").map(|v| s(&v["pv"])).collect();
        // A partition's cut-off nodes still run on their side (the test bed only stops their
        // heartbeats): their volumes are reachable from there, as the model says.
        let seen: BTreeSet<String> = c
            .after
            .stranded_except(&c.cut)
            .into_iter()
            .map(|(_, pv)| pv)
            .collect();
        for (claim, pv, _) in &c.after.pinned_volumes {
            let w = want.contains(pv);
            let r = seen.contains(pv);
            if w || r || !c.failed.is_empty() {
                verdict(
                    Rule::Storage,
                    format!("{claim} ({pv})"),
                    if w { "stranded" } else { "reachable" }.into(),
                    if r { "stranded" } else { "reachable" }.into(),
                    w == r,
                );
            }
        }
    }
    // --- Quorum per group.
    for g in pred(p, "groups") {
        let name = s(&g["name"]);
        let Some(c) = clusters
            .iter()
            .find(|c| c.after.replicas.contains_key(&name))
        else {
            continue;
        };
        let needed = g["needed"].as_u64().unwrap_or(1) as usize;
        // Under a partition, the side that reaches the control plane is the one that is seen:
        // the side without a cut-off node (a node failed on it besides is still on it).
        let want = match g["sides"].as_array() {
            Some(sides) if !sides.is_empty() => sides
                .iter()
                .filter(|side| {
                    s(&side["side"]).split(',').all(|z| {
                        !c.cut
                            .iter()
                            .any(|n| c.after.nodes.get(n).is_some_and(|n| n.zone == z))
                    })
                })
                .map(|side| side["available"].as_u64().unwrap_or(0))
                .sum::<u64>() as usize,
            _ => g["available"].as_u64().unwrap_or(0) as usize,
        };
        let seen = c.after.available(&name);
        verdict(
            Rule::Quorum,
            name.clone(),
            format!("{want} up, {needed} needed"),
            format!("{seen} up"),
            want == seen,
        );
    }
    // --- Leases the loader created.
    let retry = 2.0;
    for c in &obs.clusters {
        let prefix = if multi {
            format!("{}/", c.name)
        } else {
            String::new()
        };
        let cl = clusters
            .iter()
            .find(|x| x.prefix == prefix)
            .expect("the cluster");
        for lease in c.leases.keys() {
            let key = format!("{prefix}{lease}");
            let before = cl
                .before
                .leases
                .get(&key)
                .map(|l| l.holder.clone())
                .unwrap_or_default();
            let after = cl.after.leases.get(&key);
            let live = cl.after.has_leader(&key, obs.exported_at);
            let holder = after.map(|l| l.holder.clone()).unwrap_or_default();
            let holder_key = format!("{prefix}{}/{holder}", lease.split('/').next().unwrap_or(""));
            let r = pred(p, "reelections").find(|r| s(&r["lease"]) == key);
            let (predicted, agree) = match r {
                None => (format!("kept by {before}"), live && holder == before),
                Some(r) if r["to"].is_null() => (format!("nobody ({})", s(&r["reason"])), !live),
                Some(r) => {
                    let candidates: Vec<String> = r["candidates"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(s)
                        .collect();
                    // A Deployment candidate the model recreated is, for real, a new pod of
                    // that workload: any replacement stands for it.
                    // (creationTimestamp has whole seconds: a pod is new when the first export
                    // did not have it.)
                    let replacement = cl.after.pod(&holder_key).is_some_and(|h| {
                        !cl.before.pods.iter().any(|b| b.uid == h.uid)
                            && candidates.iter().any(|c| {
                                predicted_fate.contains_key(c)
                                    && cl.before.pod(c).is_some_and(|b| {
                                        b.workload == h.workload && b.workload_kind == "Deployment"
                                    })
                            })
                    });
                    (
                        format!("one of {}", candidates.join(", ")),
                        live && (candidates.contains(&holder_key) || replacement),
                    )
                }
            };
            verdict(
                Rule::Reelection,
                key.clone(),
                predicted,
                if live {
                    format!("held by {holder}")
                } else {
                    format!("no live holder (last {holder})")
                },
                agree,
            );
            if let (Some(r), Some(a)) = (r, after)
                && !r["to"].is_null()
                && holder != before
                && let Some(at) = a.acquired_at
            {
                let want = r["after_seconds"].as_f64().unwrap_or(0.0);
                let seen = at - t0;
                let released = obs.release_on_cancel && want == 0.0;
                // (model, real) moment the new holder's pod was created, when it is a
                // replacement of a candidate the model recreated.
                let recreated = (|| {
                    let holder = cl.after.pod(&holder_key)?;
                    if cl.before.pods.iter().any(|b| b.uid == holder.uid) {
                        return None;
                    }
                    let predicted = pred(p, "rescheduled")
                        .filter(|x| {
                            let pod = s(&x["pod"]);
                            r["candidates"]
                                .as_array()
                                .is_some_and(|c| c.iter().any(|c| s(c) == pod))
                                && cl
                                    .before
                                    .pod(&pod)
                                    .is_some_and(|b| b.workload == holder.workload)
                        })
                        .filter_map(|x| x["after_seconds"].as_f64())
                        .reduce(f64::min)?;
                    Some((predicted, holder.created_at - t0))
                })();
                let (predicted, observed) = match recreated {
                    Some((want_start, seen_start)) => (
                        format!(
                            "+{want:.0} s ({:.0} s after the recreation)",
                            want - want_start
                        ),
                        format!(
                            "+{seen:.1} s ({:.1} s after its pod's creation at {seen_start:+.0} s)",
                            seen - seen_start
                        ),
                    ),
                    None => (format!("+{want:.0} s"), format!("+{seen:.1} s")),
                };
                verdict(
                    Rule::ReelectionTiming,
                    key.clone(),
                    predicted,
                    observed,
                    takeover_agrees(want, seen, recreated, retry, released),
                );
            }
        }
    }
    // --- The drill's own expectations, judged on the real cluster.
    if let Some(drill) = &obs.drill_prediction {
        for d in pred(drill, "drills") {
            for check in pred(d, "checks") {
                let expectation = s(&check["expectation"]);
                let model_passed = check["passed"].as_bool().unwrap_or(false);
                let real_passed = judge(&expectation, &clusters, obs);
                verdict(
                    Rule::Drill,
                    expectation.clone(),
                    format!(
                        "{} ({})",
                        if model_passed { "holds" } else { "fails" },
                        s(&check["seen"])
                    ),
                    match real_passed {
                        Some(true) => "holds".into(),
                        Some(false) => "fails".into(),
                        None => "not judged (the control plane cannot see it)".into(),
                    },
                    // What the real cluster cannot show is no disagreement; the suite's test
                    // still asks every sample drill to be judged.
                    real_passed.is_none_or(|real| real == model_passed),
                );
            }
        }
    }
    crate::explain::explain(obs, &mut out);
    Ok(out)
}

fn classes(set: &BTreeSet<&str>) -> String {
    if set.is_empty() {
        String::new()
    } else {
        format!(" ({})", set.iter().copied().collect::<Vec<_>>().join(", "))
    }
}

fn fmt_times(t: &[f64]) -> String {
    if t.is_empty() {
        return "none".into();
    }
    t.iter()
        .map(|t| format!("+{t:.1} s"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A drill expectation (`group X has_quorum: true`, `lease Y has_leader: false`, `pending: 0`,
/// `stranded_volumes: 1`, `blocked_evictions: 1`) judged on the real cluster after the events.
fn judge(expectation: &str, clusters: &[Cluster], obs: &Observation) -> Option<bool> {
    let (what, want) = expectation.rsplit_once(": ")?;
    if let Some(group) = what
        .strip_prefix("group ")
        .and_then(|g| g.strip_suffix(" has_quorum"))
    {
        let c = clusters
            .iter()
            .find(|c| c.after.replicas.contains_key(group))?;
        let replicas = c.after.replicas[group] as usize;
        let predicted = obs.prediction["groups"]
            .as_array()?
            .iter()
            .find(|g| g["name"] == group);
        // A quorum kept on a side cut off from the control plane is invisible to it: those
        // replicas show NotReady, whatever they do among themselves. Not judged.
        let cut_off_side_holds =
            predicted
                .and_then(|g| g["sides"].as_array())
                .is_some_and(|sides| {
                    sides.iter().any(|side| {
                        side["has_quorum"].as_bool() == Some(true)
                            && s(&side["side"]).split(',').any(|z| {
                                c.cut
                                    .iter()
                                    .any(|n| c.after.nodes.get(n).is_some_and(|n| n.zone == z))
                            })
                    })
                });
        if cut_off_side_holds {
            return None;
        }
        let needed = predicted
            .and_then(|g| g["needed"].as_u64())
            .unwrap_or((replicas / 2 + 1) as u64) as usize;
        return Some((c.after.available(group) >= needed) == (want == "true"));
    }
    if let Some(lease) = what
        .strip_prefix("lease ")
        .and_then(|l| l.strip_suffix(" has_leader"))
    {
        let c = clusters
            .iter()
            .find(|c| c.after.leases.contains_key(lease))?;
        return Some(c.after.has_leader(lease, obs.exported_at) == (want == "true"));
    }
    let want: usize = want.parse().ok()?;
    let seen: usize = match what {
        "pending" => clusters
            .iter()
            .map(|c| {
                c.after
                    .pods
                    .iter()
                    .filter(|a| a.pending())
                    .filter(|a| !c.before.pods.iter().any(|b| b.uid == a.uid && b.pending()))
                    .count()
            })
            .sum(),
        "stranded_volumes" => clusters
            .iter()
            .map(|c| c.after.stranded_except(&c.cut).len())
            .sum(),
        "blocked_evictions" => obs.drains.iter().map(|d| d.refused.len()).sum(),
        _ => return None,
    };
    Some(seen == want)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replacement_created_late_takes_over_late_by_as_much() {
        // The model: recreated at +18 s, takes over at +33 s.
        // Created 10 s late, its takeover 12 s late agrees; created on time, it does not.
        assert!(takeover_agrees(33.0, 45.0, Some((18.0, 28.0)), 2.0, false));
        assert!(!takeover_agrees(33.0, 45.0, Some((18.0, 18.0)), 2.0, false));
        // Early is early, however the pod came: nobody takes over before its wait.
        assert!(!takeover_agrees(33.0, 30.0, Some((18.0, 28.0)), 2.0, false));
        // A candidate that ran all along is judged from the events.
        assert!(takeover_agrees(15.0, 17.0, None, 2.0, false));
        assert!(!takeover_agrees(15.0, 27.0, None, 2.0, false));
    }
}
