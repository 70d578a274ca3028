//! Tables for `simulate`, `sweep` and `drill`, read at a glance in an 80-column terminal.

use std::fmt::Write;

use super::count;
use super::table::{Style, wrap, wrap_hanging};
use crate::simulate::drill::DrillResult;
use crate::simulate::sweep::Sweep;
use crate::simulate::{Outcome, Params};

fn model(p: &Params) -> String {
    format!(
        "{}; node-monitor grace {} s{}, not-ready/unreachable toleration {} s (a pod's own wins), \
         lease {} s when unset, retry {} s; StatefulSet pods {} recreated off unreachable nodes; \
         electors {} their lease on a graceful stop{}",
        p.kubernetes.line(),
        p.node_monitor_grace_seconds,
        if p.kubernetes.rules().taint_in_same_pass {
            String::new()
        } else {
            format!(
                " (tainted NoExecute one {} s monitor period later)",
                p.node_monitor_period_seconds
            )
        },
        p.toleration_seconds,
        p.default_lease_seconds,
        p.retry_period_seconds,
        if p.out_of_service {
            "are (out-of-service taint)"
        } else {
            "are not"
        },
        if p.release_on_cancel {
            "release"
        } else {
            "do not release"
        },
        if p.release_on_cancel {
            ""
        } else {
            " (kube-scheduler does)"
        },
    )
}

pub fn simulation_table(o: &Outcome, style: &Style) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {}",
        style.bold("Scenario:"),
        o.events.join(", then ")
    );
    out.push_str(&style.dim(&wrap(
        &format!("Model: {}.", model(&o.params)),
        style.width,
        2,
    )));
    for note in &o.params.kubernetes.notes {
        out.push_str(&style.dim(&wrap(&format!("Note: {note}."), style.width, 2)));
    }
    for w in &o.warnings {
        let _ = writeln!(
            out,
            "{} {w}",
            style.severity(crate::check::Severity::Warning, "warning:")
        );
    }
    let width = o
        .groups
        .iter()
        .map(|g| g.name.len())
        .max()
        .unwrap_or(5)
        .clamp(5, 44);
    let _ = writeln!(out, "\n{}", style.bold("GROUPS"));
    let _ = writeln!(
        out,
        "  {:width$}  {:>7}  {:>6}  QUORUM",
        "NAME", "UP/WANT", "NEEDED"
    );
    let mut lost = 0;
    for g in &o.groups {
        let verdict = if g.has_quorum {
            style.good("kept")
        } else {
            lost += 1;
            style.bad("LOST")
        };
        let name = if g.name.len() > width {
            format!("{}…", &g.name[..width - 1])
        } else {
            g.name.clone()
        };
        let _ = writeln!(
            out,
            "  {name:width$}  {:>7}  {:>6}  {verdict}",
            format!("{}/{}", g.available, g.replicas),
            g.needed
        );
        for s in &g.sides {
            let _ = writeln!(
                out,
                "    side {}: {} up{}",
                s.side,
                s.available,
                if s.has_quorum { ", can write" } else { "" }
            );
        }
    }
    let _ = writeln!(
        out,
        "  {} of {} groups keep their quorum.",
        o.groups.len() - lost,
        o.groups.len()
    );
    if !o.reelections.is_empty() {
        let _ = writeln!(
            out,
            "\n{} {} lose their holder; at most {} at the same moment",
            style.bold("RE-ELECTIONS"),
            count(o.reelections.len(), "lease", "leases"),
            count(
                o.max_simultaneous_reelections as usize,
                "re-election",
                "re-elections"
            )
        );
        for r in &o.reelections {
            // Whoever retries first wins: a tie is named as one.
            let to = match &r.to {
                Some(to) if r.from.as_ref() == Some(to) => "renews it again, recreated".to_string(),
                Some(_) if r.candidates.len() > 1 => {
                    format!("-> one of {}", r.candidates.join(", "))
                }
                Some(to) => format!("-> {to}"),
                None => style.bad("-> nobody"),
            };
            let _ = writeln!(
                out,
                "  t+{:<4} {}: {} {to}",
                format!("{}s", r.after_seconds),
                r.lease,
                r.from.as_deref().unwrap_or("?")
            );
            if r.to.is_none() {
                out.push_str(&wrap(&r.reason, style.width, 10));
            }
        }
    }
    if !o.evictions.is_empty() {
        let _ = writeln!(out, "\n{}", style.bold("EVICTIONS"));
        for e in &o.evictions {
            let status = if e.status == "blocked" {
                style.bad("blocked")
            } else {
                e.status.to_string()
            };
            let _ = writeln!(out, "  {status} {} ({})", e.pod, e.reason);
        }
    }
    if !o.rescheduled.is_empty() {
        let _ = writeln!(out, "\n{}", style.bold("RESCHEDULED"));
        for r in &o.rescheduled {
            // A tie the real scheduler breaks at random is said as one.
            let to = if r.candidates.is_empty() {
                r.to.clone()
            } else {
                format!("one of {}", r.candidates.join(", "))
            };
            let line = if r.replaced {
                format!(
                    "t+{}s {} (on {}): replaced by a new pod on {to}",
                    r.after_seconds, r.pod, r.from
                )
            } else {
                format!(
                    "t+{}s {}: recreated on {to} (was on {})",
                    r.after_seconds, r.pod, r.from
                )
            };
            out.push_str(&wrap_hanging(&line, style.width, 2, 6));
        }
    }
    if !o.pending.is_empty() {
        let _ = writeln!(out, "\n{}", style.bold("PENDING"));
        for p in &o.pending {
            let _ = writeln!(out, "  {}", p.pod);
            out.push_str(&wrap(&p.reason, style.width, 6));
        }
    }
    if !o.lost.is_empty() {
        let _ = writeln!(out, "\n{}", style.bold("NOT RECREATED"));
        for l in &o.lost {
            let _ = writeln!(out, "  {} (on {})", l.pod, l.node);
            out.push_str(&wrap(&l.reason, style.width, 6));
        }
    }
    if !o.stranded_volumes.is_empty() {
        let _ = writeln!(out, "\n{}", style.bold("STRANDED VOLUMES"));
        for s in &o.stranded_volumes {
            let _ = writeln!(out, "  {} ({}) pinned to {}", s.pv, s.pvc, s.pinned_to);
        }
    }
    if !o.split_brain.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            style.severity(crate::check::Severity::Critical, "SPLIT-BRAIN RISKS")
        );
        for s in &o.split_brain {
            let _ = writeln!(out, "  {}", s.group);
            out.push_str(&wrap(&s.reason, style.width, 6));
        }
    }
    if !o.timeline.is_empty() {
        let _ = writeln!(out, "\n{}", style.bold("TIMELINE"));
        for e in &o.timeline {
            out.push_str(&wrap(&format!("t+{}s {}", e.t, e.what), style.width, 2));
        }
    }
    out
}

pub fn sweep_table(s: &Sweep, survivors: &[String], style: &Style) -> String {
    let mut out = String::new();
    let width = style.width.clamp(60, 200);
    let event_w = s
        .scenarios
        .iter()
        .map(|x| x.event.len())
        .max()
        .unwrap_or(10)
        .clamp(10, 34);
    let rest = width.saturating_sub(event_w + 6);
    let half = rest / 2;
    let _ = writeln!(
        out,
        "{}",
        style.bold(&format!(
            "{} over {}",
            count(s.scenarios.len(), "scenario", "scenarios"),
            count(s.groups, "group", "groups")
        ))
    );
    out.push_str(&super::table::kubernetes_lines(&s.kubernetes, style));
    let _ = writeln!(
        out,
        "  {:event_w$}  {:half$}  LEADERLESS",
        "SCENARIO", "QUORUM LOST"
    );
    let cell = |items: &[String], w: usize| -> String {
        if items.is_empty() {
            return "-".into();
        }
        let joined = items.join(", ");
        if joined.len() <= w {
            joined
        } else {
            let mut shown = String::new();
            for (i, item) in items.iter().enumerate() {
                let more = format!(" +{}", items.len() - i);
                if shown.len() + item.len() + 2 + more.len() > w {
                    if shown.is_empty() {
                        // Not even the first fits: cut it in the middle, keep the count.
                        let more = format!(" +{}", items.len() - 1);
                        let room = w.saturating_sub(more.len() + 1).max(4);
                        let chars: Vec<char> = item.chars().collect();
                        let head: String = chars[..room / 2].iter().collect();
                        let tail: String =
                            chars[chars.len() - (room - room / 2)..].iter().collect();
                        return if items.len() > 1 {
                            format!("{head}…{tail}{more}")
                        } else {
                            format!("{head}…{tail}")
                        };
                    }
                    return format!("{shown}{more}");
                }
                if !shown.is_empty() {
                    shown.push_str(", ");
                }
                shown.push_str(item);
            }
            shown
        }
    };
    // What is wrong already is said once, and each row says what its failure adds.
    if !s.before.groups_without_quorum.is_empty() || !s.before.leaderless.is_empty() {
        let _ = writeln!(
            out,
            "  {:event_w$}  {}{}  {}",
            "before any failure",
            style.bad(&cell(&s.before.groups_without_quorum, half)),
            " ".repeat(
                half.saturating_sub(cell(&s.before.groups_without_quorum, half).chars().count())
            ),
            cell(&s.before.leaderless, rest - half)
        );
    }
    let added = |items: &[String], already: &[String]| -> Vec<String> {
        items
            .iter()
            .filter(|i| !already.contains(i))
            .cloned()
            .collect()
    };
    let mut quiet = 0;
    for sc in &s.scenarios {
        let without = added(&sc.groups_without_quorum, &s.before.groups_without_quorum);
        let leaderless = added(&sc.leaderless, &s.before.leaderless);
        if without.is_empty() && leaderless.is_empty() && sc.split_brain.is_empty() {
            quiet += 1;
            continue;
        }
        let event = if sc.event.len() > event_w {
            format!("{}…", &sc.event[..event_w - 1])
        } else {
            sc.event.clone()
        };
        let lost = cell(&without, half);
        let visible = lost.chars().count();
        let lost = if without.is_empty() {
            lost
        } else {
            style.bad(&lost)
        };
        let _ = writeln!(
            out,
            "  {event:event_w$}  {lost}{}  {}",
            " ".repeat(half.saturating_sub(visible)),
            cell(&leaderless, rest - half)
        );
        if !sc.split_brain.is_empty() {
            let _ = writeln!(
                out,
                "  {:event_w$}  split brain: {}",
                "",
                cell(
                    &sc.split_brain_groups(),
                    rest.saturating_sub("split brain: ".len())
                )
            );
        }
    }
    if quiet > 0 {
        let _ = writeln!(
            out,
            "  {}",
            style.dim(&format!(
                "{} where every group keeps its quorum and leader{}",
                count(quiet, "more scenario", "more scenarios"),
                if s.before.groups_without_quorum.is_empty() {
                    ""
                } else {
                    " (as before)"
                }
            ))
        );
    }
    if s.scenarios.is_empty() {
        // Nothing was tested: no group is said to survive anything.
        let _ = writeln!(
            out,
            "\nNo single failure to judge: the input places nothing on a node (manifests?)."
        );
    } else {
        let _ = writeln!(
            out,
            "\n{} of {} survive every single failure above.",
            survivors.len(),
            count(s.groups, "group", "groups")
        );
    }
    for note in &s.notes {
        out.push_str(&wrap(&format!("Note: {note}."), style.width, 0));
    }
    out
}

pub fn drill_table(results: &[(String, DrillResult)], style: &Style) -> String {
    let mut out = String::new();
    if let Some((_, first)) = results.first() {
        out.push_str(&super::table::kubernetes_lines(
            &first.outcome.params.kubernetes,
            style,
        ));
    }
    for (file, r) in results {
        let verdict = if r.passed {
            style.good("PASS")
        } else {
            style.bad("FAIL")
        };
        let _ = writeln!(
            out,
            "{verdict} {} ({file}): {}",
            r.name,
            r.outcome.events.join(", then ")
        );
        for c in &r.checks {
            let mark = if c.passed {
                style.good("ok  ")
            } else {
                style.bad("FAIL")
            };
            if c.passed {
                let _ = writeln!(out, "  {mark} {}", c.expectation);
            } else {
                let _ = writeln!(out, "  {mark} {}: saw {}", c.expectation, c.seen);
            }
        }
    }
    let failed = results.iter().filter(|(_, r)| !r.passed).count();
    let _ = writeln!(out, "\n{} passed, {failed} failed", results.len() - failed);
    out
}

/// A plan for a person: metrics before, after and at the bound, the steps by wave, notes.
pub fn plan_table(p: &crate::plan::Plan, style: &Style, diff: bool) -> String {
    let mut out = String::new();
    let b = &p.before.leaders;
    let a = &p.after.leaders;
    let bound = &p.bound.leaders;
    let _ = writeln!(
        out,
        "{} goal {:?}, {}, handovers {}",
        style.bold("Plan:"),
        p.goal,
        crate::contract::count(p.steps.len(), "step", "steps"),
        match p.handover {
            crate::plan::Handover::PreferredHolder => "targeted (Lease spec.preferredHolder)",
            crate::plan::Handover::Restart => "untargeted (restart the leader pod)",
        }
    );
    out.push_str(&super::table::kubernetes_lines(&p.kubernetes, style));
    if p.handover == crate::plan::Handover::PreferredHolder {
        out.push_str(&style.dim(&wrap(&p.targeted_handovers.sentence(), style.width, 2)));
    }
    let _ = writeln!(
        out,
        "  {:24} {:>8} {:>8} {:>8}",
        "", "before", "after", "bound"
    );
    let _ = writeln!(
        out,
        "  {:24} {:>8} {:>8} {:>8}",
        "leaders in fullest zone", b.max_per_zone, a.max_per_zone, bound.max_per_zone
    );
    let _ = writeln!(
        out,
        "  {:24} {:>8} {:>8} {:>8}",
        "leaders on fullest node", b.max_per_node, a.max_per_node, bound.max_per_node
    );
    let _ = writeln!(
        out,
        "  {:24} {:>8} {:>8} {:>8}",
        "handovers",
        "",
        p.steps.iter().filter(|s| s.handover.is_some()).count(),
        bound.handovers
    );
    for (what, key) in [
        ("groups surviving a node", "node"),
        ("groups surviving a zone", "zone"),
    ] {
        let _ = writeln!(
            out,
            "  {what:24} {:>8} {:>8}",
            p.before.groups_surviving.get(key).copied().unwrap_or(0),
            p.after.groups_surviving.get(key).copied().unwrap_or(0)
        );
    }
    for sev in ["critical", "warning", "info"] {
        let _ = writeln!(
            out,
            "  {:24} {:>8} {:>8}",
            format!("{sev} findings"),
            p.before.findings.get(sev).copied().unwrap_or(0),
            p.after.findings.get(sev).copied().unwrap_or(0)
        );
    }
    if diff {
        let _ = writeln!(out, "\n{}", style.bold("LEADERS PER ZONE"));
        let zones: std::collections::BTreeSet<&String> =
            b.per_zone.keys().chain(a.per_zone.keys()).collect();
        let _ = writeln!(out, "  {:24} {:>8} {:>8}", "ZONE", "before", "after");
        for z in zones {
            let (x, y) = (
                b.per_zone.get(z).copied().unwrap_or(0),
                a.per_zone.get(z).copied().unwrap_or(0),
            );
            let _ = writeln!(
                out,
                "  {z:24} {x:>8} {y:>8}  {}",
                if x == y {
                    String::new()
                } else {
                    format!("{:+}", i64::from(y) - i64::from(x))
                }
            );
        }
        let _ = writeln!(out, "\n{}", style.bold("NODES WHOSE LEADERS CHANGE"));
        let nodes: std::collections::BTreeSet<&String> =
            b.per_node.keys().chain(a.per_node.keys()).collect();
        for n in nodes {
            let (x, y) = (
                b.per_node.get(n).copied().unwrap_or(0),
                a.per_node.get(n).copied().unwrap_or(0),
            );
            if x != y {
                let _ = writeln!(
                    out,
                    "  {n:24} {x:>8} {y:>8}  {:+}",
                    i64::from(y) - i64::from(x)
                );
            }
        }
    }
    if !p.steps.is_empty() {
        let _ = writeln!(out, "\n{}", style.bold("STEPS"));
        for (i, s) in p.steps.iter().enumerate() {
            let what = match (&s.lease, &s.from, &s.to) {
                (Some(l), Some(f), Some(t)) => format!("{l}: {f} -> {t}"),
                (None, Some(f), Some(t)) => format!(
                    "{}: {f} -> {t}",
                    s.objects.first().cloned().unwrap_or_default()
                ),
                _ => s.objects.join(", "),
            };
            let _ = writeln!(out, "  {:>3}. wave {} {} {what}", i + 1, s.wave, s.action);
            if !s.candidates.is_empty() {
                let comeback = if s.comeback.is_empty() {
                    String::new()
                } else {
                    format!(
                        ", or the restarted pod itself on {}",
                        s.comeback.join(" or ")
                    )
                };
                out.push_str(&wrap(
                    &format!("possible winners: {}{comeback}", s.candidates.join(", ")),
                    style.width,
                    9,
                ));
            }
            if s.handover.is_none() {
                out.push_str(&wrap(&s.reason, style.width, 9));
            }
        }
    }
    if !p.notes.is_empty() {
        let _ = writeln!(out, "\n{}", style.bold("NOT PLANNED"));
        for n in &p.notes {
            out.push_str(&wrap(n, style.width, 2));
        }
    }
    if !p.warnings.is_empty() {
        let _ = writeln!(out, "\n{}", style.bold("BEFORE APPLYING"));
        for w in &p.warnings {
            out.push_str(&wrap(w, style.width, 2));
        }
    }
    let _ = writeln!(out, "\n{}", style.bold("SAFETY"));
    for s in &p.safety {
        out.push_str(&wrap(s, style.width, 2));
    }
    out
}
