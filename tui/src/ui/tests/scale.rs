//! The views on a generated cluster of 5,000 nodes: the counts a row shows are the pods listed
//! under it, at rest, in a zone failure and with a plan, and the numbers are core's.

use super::views::rows_and_pods_per_column;
use super::*;

/// 5,000 nodes in three zones (the largest cluster Kubernetes supports), three pods a node.
fn five_thousand_nodes() -> (tempfile::TempDir, State) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("5000-nodes.json");
    let params = quorum_generate::GenerateParams {
        nodes: 5_000,
        pods: 15_000,
        zones: 3,
        seed: 7,
        shape: quorum_generate::Shape::Rich,
    };
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    quorum_generate::generate(&params, quorum_generate::GenerateFormat::Json, &mut out).unwrap();
    drop(out);
    let launch = Launch::Files {
        inputs: vec![quorum_core::load::Input::new("default", &path)],
        config: Config::default(),
        now: None,
        label: "5000-nodes".into(),
    };
    let s = open(launch, (200, 60));
    (dir, s)
}

fn assert_rows_list_what_they_count(s: &mut State, when: &str) {
    // A tall frame, so that several nodes of each zone show with their pods.
    let size = std::mem::replace(&mut s.size, (200, 160));
    let screen = render(s);
    s.size = size;
    let columns = rows_and_pods_per_column(&screen);
    assert_eq!(columns.len(), 3, "{when}: one column per zone\n{screen}");
    for rows in &columns {
        assert!(rows.len() >= 3, "{when}: a screenful of nodes\n{screen}");
        // The last row of a column may be cut by the bottom of the frame.
        for (node, count, listed) in &rows[..rows.len() - 1] {
            assert_eq!(*count as usize, *listed, "{when}: node {node}\n{screen}");
        }
    }
}

fn one_line(screen: &str) -> String {
    screen
        .lines()
        .map(|l| l.trim_matches('"').trim())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_zone_failure_and_a_plan_on_five_thousand_nodes() {
    let (_dir, mut s) = five_thousand_nodes();
    let d = data(&s);
    assert_eq!(d.topology.nodes.len(), 5_000);
    let today = d.overview.zones.iter().map(|z| z.pods).sum::<u32>();
    s.topology.expanded = Some(true);
    assert_rows_list_what_they_count(&mut s, "at rest");
    assert!(render(&s).contains(&format!("{}", today)));

    // Fail the first zone: the rows list the pods that moved in, the summary is core's.
    keys(&mut s, "X");
    let outcome = s.sim.result.as_ref().expect("an outcome").clone();
    assert!(outcome.events.len() == 1, "{:?}", outcome.events);
    assert_rows_list_what_they_count(&mut s, "zone failure");
    let w = quorum_core::workbench::what_if(&data(&s).topology, &s.sim.events).unwrap();
    let ready: u32 = w.overview.zones.iter().map(|z| z.ready_nodes).sum();
    let screen = one_line(&render(&s));
    assert!(
        screen.contains(&format!("{}/5000 nodes ready", ready)),
        "{screen}"
    );
    assert!(screen.contains("re-election"), "the outcome line: {screen}");

    // At 80x24 the one-line outcome stays whole.
    s.size = (80, 24);
    let small = one_line(&render(&s));
    assert!(
        small.contains("without quorum") || small.contains("keep quorum"),
        "{small}"
    );
    assert!(small.contains("pending"), "{small}");

    // A leaders plan: its steps are listed and its warnings shown whole.
    key(&mut s, KeyCode::Char('u'));
    s.size = (200, 60);
    keys(&mut s, "P");
    key(&mut s, KeyCode::Enter);
    let plan = s.plan.plan.clone().expect("a leaders plan");
    assert!(!plan.steps.is_empty(), "the generated leaders are skewed");
    let screen = one_line(&render(&s));
    assert!(
        screen.contains(&format!("{} step", plan.steps.len())),
        "{screen}"
    );
    let squeeze = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    for w in &plan.warnings {
        assert!(squeeze(&screen).contains(&squeeze(w)), "{w}\n{screen}");
    }
}
