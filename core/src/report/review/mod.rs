//! The review document as Markdown sections: a title, what was read and when, an executive
//! summary of the top risks in plain words, the findings by severity, the survivability matrix,
//! the recommended plan before and after, and the worst zone failure and partition with their
//! timelines. A front end adds its picture and turns the sections into a page (HTML, a file).

mod decide;

use std::fmt::Write;

pub use decide::{
    ALL_GOALS_UP_TO_PODS, FindingKind, Played, Recommended, Review, added, review_goal,
    review_plan_options, row_cost, simulate_flags,
};

use super::{Report, count};
use crate::finding::Severity;
use crate::simulate::sweep::Scenario;

/// Rows of one severity listed in full; the rest are counted (the CLI lists them all).
const FINDINGS_LISTED: usize = 200;
/// Node failures listed in the matrix (the costliest; zones, regions, clusters and partitions
/// are always listed).
const NODE_ROWS_LISTED: usize = 40;
/// Names listed in a cell before the rest are counted.
const NAMES_IN_CELL: usize = 8;
/// Top risks in the executive summary.
const TOP_RISKS: usize = 6;

/// One section of the document: an anchor, a heading and its Markdown body.
pub struct Section {
    pub id: &'static str,
    pub title: String,
    pub body: String,
}

/// The document: its title, the lines under it, then the sections in order.
pub struct ReviewDoc {
    pub title: String,
    pub intro: String,
    pub sections: Vec<Section>,
}

impl ReviewDoc {
    /// The whole document as Markdown (`#` title, `##` sections).
    pub fn markdown(&self) -> String {
        let mut out = format!("# {}\n\n{}\n", self.title, self.intro);
        for s in &self.sections {
            let _ = write!(out, "## {}\n\n{}\n", s.title, s.body);
        }
        out
    }
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// Names as code, the first few, then how many more.
fn names(items: &[String]) -> String {
    if items.is_empty() {
        return "–".into();
    }
    let mut shown: Vec<String> = items
        .iter()
        .take(NAMES_IN_CELL)
        .map(|n| format!("`{}`", cell(n)))
        .collect();
    if items.len() > NAMES_IN_CELL {
        shown.push(format!("and {} more", items.len() - NAMES_IN_CELL));
    }
    shown.join(", ")
}

/// A count and the names: `2: `a`, `b``, or `–`.
fn counted(items: &[String]) -> String {
    if items.is_empty() {
        "–".into()
    } else {
        format!("**{}**: {}", items.len(), names(items))
    }
}

/// A plain-words list: "a", "a and b", "a, b and 3 more".
fn plain_list(items: &[String]) -> String {
    let shown: Vec<String> = items.iter().take(3).map(|n| format!("`{n}`")).collect();
    let more = items.len().saturating_sub(3);
    match (shown.len(), more) {
        (0, _) => String::new(),
        (1, _) => shown[0].clone(),
        (_, 0) => format!(
            "{} and {}",
            shown[..shown.len() - 1].join(", "),
            shown[shown.len() - 1]
        ),
        _ => format!("{} and {more} more", shown.join(", ")),
    }
}

/// What a scenario is, in words: "zone eu-a fails", "the network cuts eu-a off from eu-b, eu-c".
fn scenario_words(row: &Scenario) -> String {
    use crate::simulate::{Event, Target};
    match &row.scenario {
        Event::Fail(Target::Node(n)) => format!("node `{n}` fails"),
        Event::Fail(Target::Zone(z)) => format!("zone `{z}` fails"),
        Event::Fail(Target::Region(r)) => format!("region `{r}` fails"),
        Event::Fail(Target::Cluster(c)) => format!("cluster `{c}` fails"),
        Event::Partition(sides) => {
            let side = |s: &Vec<String>| s.join(", ");
            format!(
                "the network splits into {}",
                sides
                    .iter()
                    .map(|s| format!("[{}]", side(s)))
                    .collect::<Vec<_>>()
                    .join(" and ")
            )
        }
        other => other.to_string(),
    }
}

/// What a scenario strikes, for a heading: `eu-a`, `eu-a | eu-b, eu-c`.
fn target_words(row: &Scenario) -> String {
    use crate::simulate::{Event, Target};
    match &row.scenario {
        Event::Fail(Target::Node(n) | Target::Zone(n) | Target::Region(n) | Target::Cluster(n)) => {
            n.clone()
        }
        Event::Partition(sides) => sides
            .iter()
            .map(|s| s.join(", "))
            .collect::<Vec<_>>()
            .join(" | "),
        other => other.to_string(),
    }
}

/// `quorum` and the inputs, as a reader would type it to get a number again.
fn cli(command: &str, inputs: &str, flags: &str) -> String {
    let flags = if flags.is_empty() {
        String::new()
    } else {
        format!(" {flags}")
    };
    format!("`quorum {command} {inputs}{flags}`")
}

/// The review as a document. `report` is what `quorum analyze` reports; `inputs` names them as
/// the CLI takes them (`cluster.yaml`, `--cluster dc-a=a/ ...`, a sample's directory);
/// `generated_by` says which tool wrote it.
pub fn review_doc(
    report: &Report<'_>,
    review: &Review,
    inputs: &str,
    generated_by: &str,
) -> ReviewDoc {
    let t = report.topology;
    let a = report.analysis;
    let title = format!(
        "Quorum review: {}",
        if review.clusters.len() == 1 {
            format!("cluster {}", review.clusters[0])
        } else {
            format!("clusters {}", review.clusters.join(", "))
        }
    );
    let zones: usize = t.clusters.iter().map(|c| c.zones.len()).sum();
    let mut intro = String::new();
    let _ = writeln!(
        intro,
        "**Snapshot time:** {}  ",
        match review.snapshot_time {
            Some(now) => format!(
                "{} (the time the inputs speak of: a live read's clock, else their newest lease renewal)",
                now.format("%Y-%m-%d %H:%M:%S UTC")
            ),
            None => {
                "unknown: no input carries a time (no lease renewal, no `--now`), so no lease is judged expired".into()
            }
        }
    );
    let _ = writeln!(
        intro,
        "**Scope:** {}, {}, {}, {}, {}, {}  ",
        count(t.clusters.len(), "cluster", "clusters"),
        count(zones, "zone", "zones"),
        count(t.nodes.len(), "node", "nodes"),
        count(t.pods.len(), "pod", "pods"),
        count(a.groups.len(), "group", "groups"),
        count(a.leaders.total as usize, "leader", "leaders"),
    );
    let _ = writeln!(intro, "**Inputs:** `{}`  ", cell(inputs));
    let _ = writeln!(intro, "**Written by:** {generated_by}");

    let mut sections = vec![summary(report, review, inputs)];
    sections.push(findings(report, inputs));
    sections.push(matrix(review, t, inputs));
    sections.push(plan(review, inputs));
    sections.push(played(
        "zone-failure",
        "Worst zone failure",
        review.worst_zone.as_ref(),
        inputs,
        "No zone failure costs any group its quorum or any lease its leader: there is nothing to play out.",
    ));
    sections.push(played(
        "partition",
        "Worst partition",
        review.worst_partition.as_ref(),
        inputs,
        "No partition that cuts one zone or cluster off costs a quorum, a leader or risks split brain.",
    ));
    sections.push(about(report, review, inputs));
    ReviewDoc {
        title,
        intro,
        sections,
    }
}

fn summary(report: &Report<'_>, review: &Review, inputs: &str) -> Section {
    let a = report.analysis;
    let sweep = &review.sweep;
    let mut body = String::new();
    let (c, w, i) = (
        a.count(Severity::Critical),
        a.count(Severity::Warning),
        a.count(Severity::Info),
    );
    let _ = writeln!(
        body,
        "The checks found **{}**, {} and {}.",
        count(c, "critical finding", "critical findings"),
        count(w, "warning", "warnings"),
        count(i, "note", "notes")
    );
    let survivors = sweep.survivors(report.topology).len();
    if !sweep.scenarios.is_empty() {
        let _ = writeln!(
            body,
            "{} of {} keep their quorum through every single node, zone and cluster failure and every partition of the sweep (split brain is counted apart, below).",
            survivors,
            count(sweep.groups, "group", "groups")
        );
    }
    body.push('\n');
    let mut risks: Vec<String> = Vec::new();
    if !sweep.before.groups_without_quorum.is_empty() {
        risks.push(format!(
            "**Already broken:** before anything fails, {} {} no quorum: {}.",
            count(sweep.before.groups_without_quorum.len(), "group", "groups"),
            if sweep.before.groups_without_quorum.len() == 1 {
                "has"
            } else {
                "have"
            },
            plain_list(&sweep.before.groups_without_quorum)
        ));
    }
    if let Some(z) = &review.worst_zone {
        let lost = added(
            &z.row.groups_without_quorum,
            &sweep.before.groups_without_quorum,
        );
        let leaderless = added(&z.row.leaderless, &sweep.before.leaderless);
        let mut what = Vec::new();
        if !lost.is_empty() {
            what.push(format!(
                "{} {} quorum ({})",
                count(lost.len(), "group", "groups"),
                if lost.len() == 1 {
                    "loses its"
                } else {
                    "lose their"
                },
                plain_list(&lost)
            ));
        }
        if !leaderless.is_empty() {
            what.push(format!(
                "{} no leader to elect",
                count(
                    leaderless.len(),
                    "lease is left with",
                    "leases are left with"
                )
            ));
        }
        if !z.row.split_brain.is_empty() {
            what.push(format!(
                "{} at risk of split brain",
                count(z.row.split_brain.len(), "group is", "groups are")
            ));
        }
        risks.push(format!(
            "**A zone outage:** if {}, {}.",
            scenario_words(&z.row),
            what.join("; ")
        ));
    }
    if let Some(p) = &review.worst_partition {
        let lost = added(
            &p.row.groups_without_quorum,
            &sweep.before.groups_without_quorum,
        );
        let mut what = Vec::new();
        if !p.row.split_brain.is_empty() {
            what.push(format!(
                "{} may act as two leaders at once, one on each side (split brain): {}",
                count(p.row.split_brain.len(), "group", "groups"),
                plain_list(&p.row.split_brain_groups())
            ));
        }
        if !lost.is_empty() {
            what.push(format!(
                "{} can write on no side ({})",
                count(lost.len(), "group", "groups"),
                plain_list(&lost)
            ));
        }
        let leaderless = added(&p.row.leaderless, &sweep.before.leaderless);
        if !leaderless.is_empty() {
            what.push(format!(
                "{} no leader",
                count(
                    leaderless.len(),
                    "lease is left with",
                    "leases are left with"
                )
            ));
        }
        risks.push(format!(
            "**A network partition:** if {}, {}.",
            scenario_words(&p.row),
            what.join("; ")
        ));
    }
    for k in Review::finding_kinds(&a.findings) {
        if risks.len() >= TOP_RISKS || k.severity == Severity::Info {
            break;
        }
        let subject =
            crate::model::qualified(&k.example.subject.namespace, &k.example.subject.name);
        let others = if k.count > 1 {
            format!(" ({} more like it)", k.count - 1)
        } else {
            String::new()
        };
        risks.push(format!(
            "**{} `{}`**{others}: {} `{}`: {}",
            capitalised(k.severity.as_str()),
            k.check,
            k.example.subject.kind,
            cell(&subject),
            cell(&k.example.message)
        ));
    }
    if risks.is_empty() {
        let _ = writeln!(
            body,
            "No risk found: every group survives every single failure, and no check warns.\n"
        );
    } else {
        let _ = writeln!(body, "Top risks, worst first:\n");
        for (n, r) in risks.iter().enumerate() {
            let _ = writeln!(body, "{}. {r}", n + 1);
        }
        body.push('\n');
    }
    let p = &review.plan.plan;
    let crit = |m: &crate::plan::Metrics| m.findings.get("critical").copied().unwrap_or(0);
    if p.steps.is_empty() {
        let _ = writeln!(
            body,
            "**Recommendation:** the plan for goal `{}` finds nothing to change ({}).\n",
            p.goal.name(),
            cli("plan", inputs, &format!("--goal {}", p.goal.name()))
        );
    } else {
        let _ = writeln!(
            body,
            "**Recommendation:** the plan for goal `{}` ({}, below): critical findings {} → {}, groups surviving a zone {} → {}, most leaders in one zone {} → {}.\n",
            p.goal.name(),
            count(p.steps.len(), "step", "steps"),
            crit(&p.before),
            crit(&p.after),
            p.before.groups_surviving.get("zone").copied().unwrap_or(0),
            p.after.groups_surviving.get("zone").copied().unwrap_or(0),
            p.before.leaders.max_per_zone,
            p.after.leaders.max_per_zone,
        );
    }
    Section {
        id: "summary",
        title: "Executive summary".into(),
        body,
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn findings(report: &Report<'_>, inputs: &str) -> Section {
    let t = report.topology;
    let a = report.analysis;
    let mut body = String::new();
    if a.findings.is_empty() {
        let _ = writeln!(body, "No findings.\n");
    }
    let errors = report.input_errors();
    if errors > 0 {
        let _ = writeln!(
            body,
            "**{}** could not be read; what they describe is missing from every number below.\n",
            count(errors, "input problem", "input problems")
        );
        for input in report.inputs {
            for e in &input.errors {
                let _ = writeln!(
                    body,
                    "- `{}`: {}",
                    e.position(&input.source),
                    cell(&e.message)
                );
            }
        }
        body.push('\n');
    }
    for severity in [Severity::Critical, Severity::Warning, Severity::Info] {
        let of: Vec<_> = a
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .collect();
        if of.is_empty() {
            continue;
        }
        let _ = writeln!(
            body,
            "### {} ({})\n",
            capitalised(severity.as_str()),
            of.len()
        );
        let _ = writeln!(
            body,
            "| check | subject | what breaks, and the fix | source |"
        );
        let _ = writeln!(body, "|---|---|---|---|");
        for f in of.iter().take(FINDINGS_LISTED) {
            let subject = crate::model::qualified(&f.subject.namespace, &f.subject.name);
            let subject = if t.multi_cluster() {
                format!("{}/{subject}", f.subject.cluster)
            } else {
                subject
            };
            let source = f
                .source
                .as_ref()
                .map(|s| format!("`{}`", cell(&s.to_string())))
                .unwrap_or_default();
            let _ = writeln!(
                body,
                "| `{}` | {} `{}` | {} | {} |",
                f.check,
                f.subject.kind,
                cell(&subject),
                cell(&f.message),
                source
            );
        }
        if of.len() > FINDINGS_LISTED {
            let _ = writeln!(
                body,
                "\n…and {} more {severity} findings ({} lists them all).",
                of.len() - FINDINGS_LISTED,
                cli("analyze", inputs, "")
            );
        }
        body.push('\n');
    }
    Section {
        id: "findings",
        title: "Findings by severity".into(),
        body,
    }
}

fn matrix(review: &Review, t: &crate::graph::Topology, inputs: &str) -> Section {
    use crate::simulate::{Event, Target};
    let sweep = &review.sweep;
    let mut body = String::new();
    let _ = writeln!(
        body,
        "Every single failure and every partition that cuts one zone or cluster off, judged at its first moment ({}). Each row says what it costs beyond what is wrong before anything fails; split brain is a group whose leader may act on both sides of a cut.\n",
        cli("sweep", inputs, "")
    );
    if sweep.scenarios.is_empty() {
        let _ = writeln!(
            body,
            "No single failure to judge: the input places nothing on a node (manifests?).\n"
        );
    } else {
        let _ = writeln!(
            body,
            "{} over {}; **{} of {} survive every single failure**.\n",
            count(sweep.scenarios.len(), "scenario", "scenarios"),
            count(sweep.groups, "group", "groups"),
            sweep.survivors(t).len(),
            sweep.groups
        );
    }
    let node = |r: &&Scenario| matches!(r.scenario, Event::Fail(Target::Node(_)));
    let mut nodes: Vec<&Scenario> = sweep
        .scenarios
        .iter()
        .filter(node)
        .filter(|r| row_cost(sweep, r) != (0, 0, 0))
        .collect();
    nodes.sort_by_key(|r| std::cmp::Reverse(row_cost(sweep, r)));
    let quiet_nodes = sweep.scenarios.iter().filter(node).count() - nodes.len();
    let rows: Vec<&Scenario> = sweep
        .scenarios
        .iter()
        .filter(|r| !node(r))
        .chain(nodes.iter().take(NODE_ROWS_LISTED).copied())
        .collect();
    if !rows.is_empty() || !sweep.before.groups_without_quorum.is_empty() {
        let _ = writeln!(
            body,
            "| scenario | groups without quorum | leases without a leader | split brain |"
        );
        let _ = writeln!(body, "|---|---|---|---|");
        if !sweep.before.groups_without_quorum.is_empty() || !sweep.before.leaderless.is_empty() {
            let _ = writeln!(
                body,
                "| before any failure | {} | {} | – |",
                counted(&sweep.before.groups_without_quorum),
                counted(&sweep.before.leaderless)
            );
        }
        for r in &rows {
            let _ = writeln!(
                body,
                "| {} | {} | {} | {} |",
                cell(&r.event),
                counted(&added(
                    &r.groups_without_quorum,
                    &sweep.before.groups_without_quorum
                )),
                counted(&added(&r.leaderless, &sweep.before.leaderless)),
                counted(&r.split_brain_groups())
            );
        }
        body.push('\n');
    }
    if nodes.len() > NODE_ROWS_LISTED {
        let _ = writeln!(
            body,
            "…and {} more node failures that cost something.\n",
            nodes.len() - NODE_ROWS_LISTED
        );
    }
    if quiet_nodes > 0 {
        let _ = writeln!(
            body,
            "{} cost nothing and are not listed.\n",
            count(quiet_nodes, "node failure", "node failures")
        );
    }
    for note in &sweep.notes {
        let _ = writeln!(body, "Note: {}.\n", cell(note));
    }
    Section {
        id: "survivability",
        title: "Survivability matrix".into(),
        body,
    }
}

fn plan(review: &Review, inputs: &str) -> Section {
    let p = &review.plan.plan;
    let mut body = String::new();
    let _ = writeln!(
        body,
        "{} Goal **{}**: {}; {}. The same plan: {}.\n",
        if review.plan.users {
            "The plan made in this session.".to_string()
        } else if p.goal == crate::plan::Goal::All {
            "No plan was made in the session: this is core's plan for every goal at once."
                .to_string()
        } else {
            format!(
                "No plan was made in the session: this is core's plan for goal {} (above {ALL_GOALS_UP_TO_PODS} pods a review does not wait for every goal at once: {}).",
                p.goal.name(),
                cli("plan", inputs, "--goal all")
            )
        },
        p.goal.name(),
        if p.goal == crate::plan::Goal::All {
            "leaders spread over zones and nodes, replicas moved so every quorum group survives a zone, and storage made safe (late binding, budgets, spread constraints)"
        } else {
            p.goal.describe()
        },
        count(p.steps.len(), "step", "steps"),
        cli("plan", inputs, &format!("--goal {}", p.goal.name()))
    );
    body.push_str(&super::markdown::plan_comparison(p));
    let (b, a) = (&p.before.leaders, &p.after.leaders);
    body.push('\n');
    let zones: std::collections::BTreeSet<&String> =
        b.per_zone.keys().chain(a.per_zone.keys()).collect();
    if !zones.is_empty() {
        let _ = writeln!(body, "Leaders per zone:\n");
        let _ = writeln!(body, "| zone | before | after |\n|---|---|---|");
        for z in zones {
            let _ = writeln!(
                body,
                "| {} | {} | {} |",
                cell(z),
                b.per_zone.get(z).copied().unwrap_or(0),
                a.per_zone.get(z).copied().unwrap_or(0)
            );
        }
        body.push('\n');
    }
    if p.steps.is_empty() {
        let _ = writeln!(body, "No steps: nothing to change.\n");
    } else {
        let _ = writeln!(body, "| # | wave | action | what | why |");
        let _ = writeln!(body, "|---|---|---|---|---|");
        for (i, s) in p.steps.iter().enumerate() {
            let what = match (&s.lease, &s.from, &s.to) {
                (Some(l), Some(f), Some(t)) => format!("`{l}`: {f} → {t}"),
                (None, Some(f), Some(t)) => format!(
                    "`{}`: {f} → {t}",
                    s.objects.first().cloned().unwrap_or_default()
                ),
                _ => names(&s.objects),
            };
            let _ = writeln!(
                body,
                "| {} | {} | {} | {} | {} |",
                i + 1,
                s.wave,
                cell(&s.action),
                cell(&what),
                cell(&s.reason)
            );
        }
        body.push('\n');
    }
    for w in &p.warnings {
        let _ = writeln!(body, "- **Before applying:** {}", cell(w));
    }
    for n in &p.notes {
        let _ = writeln!(body, "- Not planned: {}", cell(n));
    }
    for s in &p.safety {
        let _ = writeln!(body, "- Safety: {}", cell(s));
    }
    if !p.warnings.is_empty() || !p.notes.is_empty() || !p.safety.is_empty() {
        body.push('\n');
    }
    Section {
        id: "plan",
        title: format!("Recommended plan: goal {}", p.goal.name()),
        body,
    }
}

fn played(
    id: &'static str,
    title: &str,
    played: Option<&Played>,
    inputs: &str,
    none: &str,
) -> Section {
    let Some(p) = played else {
        return Section {
            id,
            title: title.into(),
            body: format!("{none}\n"),
        };
    };
    let o = &p.outcome;
    let mut body = String::new();
    let kept = o.groups.iter().filter(|g| g.has_quorum).count();
    let _ = writeln!(
        body,
        "What happens, second by second, if {} ({}), with the default model of {} (lease {} s, node-monitor grace {} s, toleration {} s).\n",
        scenario_words(&p.row),
        cli("simulate", inputs, &p.flags),
        o.params.kubernetes.line(),
        o.params.default_lease_seconds,
        o.params.node_monitor_grace_seconds,
        o.params.toleration_seconds
    );
    let _ = writeln!(
        body,
        "- **{kept} of {}** keep their quorum.",
        count(o.groups.len(), "group", "groups")
    );
    let lost: Vec<String> = o
        .groups
        .iter()
        .filter(|g| !g.has_quorum)
        .map(|g| g.name.clone())
        .collect();
    if !lost.is_empty() {
        let _ = writeln!(body, "- Quorum lost: {}.", names(&lost));
    }
    if !o.reelections.is_empty() {
        let _ = writeln!(
            body,
            "- {} lose their holder; at most {} at the same moment; {} find no new leader.",
            count(o.reelections.len(), "lease", "leases"),
            count(
                o.max_simultaneous_reelections as usize,
                "re-election",
                "re-elections"
            ),
            o.reelections.iter().filter(|r| r.to.is_none()).count()
        );
    }
    if !o.split_brain.is_empty() {
        let groups: Vec<String> = o.split_brain.iter().map(|s| s.group.clone()).collect();
        let _ = writeln!(body, "- Split-brain risk: {}.", names(&groups));
    }
    if !o.pending.is_empty() {
        let _ = writeln!(
            body,
            "- {} left Pending.",
            count(o.pending.len(), "pod", "pods")
        );
    }
    if !o.lost.is_empty() {
        let _ = writeln!(
            body,
            "- {} not recreated.",
            count(o.lost.len(), "pod is", "pods are")
        );
    }
    if !o.stranded_volumes.is_empty() {
        let _ = writeln!(
            body,
            "- {} stranded.",
            count(o.stranded_volumes.len(), "volume", "volumes")
        );
    }
    body.push('\n');
    if !o.timeline.is_empty() {
        let _ = writeln!(body, "| time | what happens |\n|---|---|");
        for e in &o.timeline {
            let _ = writeln!(body, "| t+{}s | {} |", e.t, cell(&e.what));
        }
        body.push('\n');
    }
    for s in &o.split_brain {
        let _ = writeln!(
            body,
            "- Split brain, `{}`: {}",
            cell(&s.group),
            cell(&s.reason)
        );
    }
    if !o.split_brain.is_empty() {
        body.push('\n');
    }
    Section {
        id,
        title: format!("{title}: {}", target_words(&p.row)),
        body,
    }
}

fn about(report: &Report<'_>, review: &Review, inputs: &str) -> Section {
    let mut body = String::new();
    let _ = writeln!(
        body,
        "Every number here is one the `quorum` command line prints for the same inputs: {}, {}, {}{}.\n",
        cli("analyze", inputs, ""),
        cli("sweep", inputs, ""),
        cli(
            "plan",
            inputs,
            &format!("--goal {}", review.plan.plan.goal.name())
        ),
        review
            .worst_zone
            .iter()
            .chain(review.worst_partition.iter())
            .map(|p| format!(", {}", cli("simulate", inputs, &p.flags)))
            .collect::<String>()
    );
    let _ = writeln!(body, "| input | cluster | documents | objects | problems |");
    let _ = writeln!(body, "|---|---|---|---|---|");
    for i in report.inputs {
        let _ = writeln!(
            body,
            "| `{}` | {} | {} | {} | {} |",
            cell(&i.source),
            cell(&i.cluster),
            i.documents,
            i.objects,
            i.errors.len()
        );
    }
    body.push('\n');
    Section {
        id: "about",
        title: "About this review".into(),
        body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::testkit::*;
    use crate::workbench::Workbench;

    fn doc_of(c: ClusterYaml) -> ReviewDoc {
        let wb = Workbench::new(c.topology(), vec![], Config::default());
        let review = wb.review(None);
        let report = Report {
            inputs: &wb.inputs,
            topology: &wb.topology,
            analysis: &wb.analysis,
            tool_version: "test",
        };
        review_doc(&report, &review, "cluster.yaml", "a test")
    }

    #[test]
    fn a_2_of_3_majority_in_one_zone_is_the_first_risk_and_its_zone_is_played_out() {
        let doc = doc_of(three_zones() + pg_on(&["a1", "a2", "b1"]));
        let md = doc.markdown();
        let summary = &doc.sections[0].body;
        assert!(
            summary.contains(
                "1. **A zone outage:** if zone `eu-a` fails, 1 group loses its quorum (`db/pg`)"
            ),
            "{summary}"
        );
        assert!(md.contains("## Worst zone failure: eu-a\n"), "{md}");
        assert!(
            md.contains("`quorum simulate cluster.yaml --fail zone:eu-a`"),
            "{md}"
        );
        assert!(
            md.contains("| t+0s |"),
            "the timeline starts at the failure: {md}"
        );
    }

    #[test]
    fn without_a_time_in_the_inputs_the_snapshot_time_is_said_to_be_unknown() {
        let doc = doc_of(three_zones() + pg_on(&["a1", "b1", "c1"]));
        assert!(
            doc.intro.contains("**Snapshot time:** unknown"),
            "{}",
            doc.intro
        );
        let ids: Vec<&str> = doc.sections.iter().map(|s| s.id).collect();
        assert_eq!(
            ids,
            [
                "summary",
                "findings",
                "survivability",
                "plan",
                "zone-failure",
                "partition",
                "about"
            ]
        );
    }
}
