use super::*;
use crate::config::Config;
use crate::model::ClusterObjects;
use crate::samples::SAMPLES;

/// The leader records of `snapshot` alone, as a live session sends them when nothing else changed.
fn leaders_only(snapshot: &Snapshot) -> Snapshot {
    Snapshot {
        clusters: snapshot
            .clusters
            .iter()
            .map(|c| ClusterObjects {
                leaders: c.leaders.clone(),
                ..ClusterObjects::new(c.name.clone())
            })
            .collect(),
        inputs: vec![],
        now: snapshot.now,
    }
}

#[test]
fn replacing_the_leader_records_gives_the_graph_a_full_build_of_them_gives() {
    let options = Config::default().build_options();
    let mut changed_any = false;
    for sample in SAMPLES {
        let before = sample.load();
        let mut after = before.clone();
        // What a live cluster does to leases: holders move to other pods, leave them vacant,
        // a record goes away, and time passes (some expire).
        for c in &mut after.clusters {
            let pods: Vec<String> = c.pods.iter().map(|(p, _)| p.meta.name.clone()).collect();
            for (i, (l, _)) in c.leaders.iter_mut().enumerate() {
                if i % 2 == 0 && !pods.is_empty() {
                    l.holder = Some(pods[(i * 7) % pods.len()].clone());
                }
                if i % 5 == 0 {
                    l.holder = None;
                }
            }
            if !c.leaders.is_empty() {
                c.leaders.remove(c.leaders.len() / 2);
            }
        }
        after.now = before
            .newest_renew_time()
            .map(|t| t + chrono::Duration::seconds(20));
        let full = Topology::build(&after, &options);
        let incremental =
            Topology::build(&before, &options).with_leaders(leaders_only(&after), &options);
        assert_eq!(
            format!("{full:#?}"),
            format!("{incremental:#?}"),
            "sample {}",
            sample.name
        );
        changed_any |= format!("{:?}", Topology::build(&before, &options).leaders)
            != format!("{:?}", full.leaders);
    }
    assert!(changed_any, "the changes changed some leader");
}
