// ---- after-states: a predicted graph written as an export reads back the same ----

/// What an analysis says, without where it was read from.
fn said(a: &crate::analysis::Analysis) -> String {
    let findings: Vec<String> = a
        .findings
        .iter()
        .map(|f| format!("{} {} {:?}", f.check, f.severity, f.subject))
        .collect();
    let groups: Vec<String> = a
        .groups
        .iter()
        .map(|g| {
            format!(
                "{} {}/{} {:?} {:?} {:?}",
                g.name, g.available, g.replicas, g.per_zone, g.per_node, g.survives
            )
        })
        .collect();
    let l = &a.leaders;
    format!(
        "{findings:#?}\n{groups:#?}\n{} {} {:?} {:?}",
        l.total, l.elsewhere, l.per_zone, l.per_node
    )
}

/// The clusters of `t`, each written as its after-state and read back.
fn read_back(t: &crate::graph::Topology) -> crate::graph::Topology {
    let texts: Vec<(String, String)> = t
        .clusters
        .iter()
        .enumerate()
        .map(|(c, cluster)| {
            (
                cluster.name.clone(),
                super::after_state(t, crate::graph::ClusterId(c as u32)),
            )
        })
        .collect();
    let inputs: Vec<(&str, &str, &[u8])> = texts
        .iter()
        .map(|(name, text)| (name.as_str(), "after-state.json", text.as_bytes()))
        .collect();
    let snapshot = crate::load::load_texts(&inputs);
    assert_eq!(snapshot.error_count(), 0, "{:?}", snapshot.inputs);
    crate::graph::Topology::build(&snapshot, &Default::default())
}

#[test]
fn a_plans_after_state_reads_back_as_the_plans_after_for_every_sample_and_goal() {
    use crate::plan::{Goal, Handover, Options, plan};
    let config = crate::config::Config::default();
    for sample in crate::samples::SAMPLES {
        let t = crate::graph::Topology::build(&sample.load(), &Default::default());
        for goal in [Goal::Leaders, Goal::Spread, Goal::Storage, Goal::All] {
            let options = Options {
                goal,
                handover: Handover::PreferredHolder,
                max_concurrent: None,
            };
            let p = plan(&t, &config, &options);
            let predicted = p.state_after(&t, p.steps.len());
            let again = read_back(&predicted);
            assert_eq!(
                said(&crate::analysis::analyze(&again, &config)),
                said(&crate::analysis::analyze(&predicted, &config)),
                "{} {goal:?}",
                sample.name
            );
        }
    }
}

#[test]
fn a_scenarios_after_state_reads_back_as_the_scenario_left_the_cluster() {
    use crate::simulate::{Event, Params, Target, simulate};
    let config = crate::config::Config::default();
    for sample in crate::samples::SAMPLES {
        let t = crate::graph::Topology::build(&sample.load(), &Default::default());
        for z in 0..t.zones.len() {
            let zone = t.zone_display(crate::graph::ZoneId(z as u32));
            let o = simulate(
                &t,
                &[Event::Fail(Target::Zone(zone.clone()))],
                &Params::default(),
            )
            .unwrap();
            for at in [0, 100, u32::MAX] {
                let predicted = o.after_at(&t, at);
                let again = read_back(&predicted);
                assert_eq!(
                    said(&crate::analysis::analyze(&again, &config)),
                    said(&crate::analysis::analyze(&predicted, &config)),
                    "{} fail zone:{zone} at {at}",
                    sample.name
                );
            }
        }
    }
}
