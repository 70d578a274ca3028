//! The spread goal: moves that let every quorum group survive the loss of any one zone; a
//! replica on a zonal volume moves by data migration.

use super::*;

/// The spread goal: for each quorum group that does not survive a zone loss, the moves that make
/// it survive, when the zones allow it.
pub(super) fn spread(t: &Topology, before: &Analysis) -> (Vec<Step>, Vec<String>) {
    let mut steps = Vec::new();
    let mut notes = Vec::new();
    for g in before
        .groups
        .iter()
        .filter(|g| g.mode == Mode::Quorum && g.survives.zone == Some(false))
    {
        let group = &t.groups[g.id.index()];
        let cluster = group.cluster;
        let zones: Vec<ZoneId> = t
            .cluster_zones(cluster)
            .iter()
            .copied()
            .filter(|z| t.zones[z.index()].name != UNKNOWN_ZONE)
            .collect();
        let cap = g.replicas - quorum_size(Mode::Quorum, g.replicas);
        if cap == 0 || (zones.len() as u32) * cap < g.replicas {
            notes.push(format!(
                "spread: {} cannot survive a zone loss: {} replicas need at least {} zones with at most {} each, and the cluster has {}",
                g.name,
                g.replicas,
                if cap == 0 { g.replicas } else { g.replicas.div_ceil(cap) },
                cap.max(1),
                zones.len()
            ));
            continue;
        }
        let mut per_zone: BTreeMap<ZoneId, Vec<PodId>> =
            zones.iter().map(|z| (*z, vec![])).collect();
        for p in t.running_replicas(g.id) {
            if let Some(z) = t.pod_zone(p) {
                per_zone.entry(z).or_default().push(p);
            }
        }
        let mut moved: BTreeSet<PodId> = BTreeSet::new();
        while let Some((&from_zone, pods)) = per_zone
            .iter()
            .filter(|(_, p)| p.len() as u32 > cap)
            .max_by_key(|(_, p)| p.len())
        {
            let pod = *pods
                .iter()
                .rev()
                .find(|p| !moved.contains(p))
                .expect("a zone over its cap has replicas");
            let Some((&to_zone, _)) = per_zone
                .iter()
                .filter(|(z, p)| **z != from_zone && (p.len() as u32) < cap)
                .min_by_key(|(_, p)| p.len())
            else {
                notes.push(format!(
                    "spread: {}: no zone has room for another replica",
                    g.name
                ));
                break;
            };
            // A node in the target zone that is Ready and schedulable.
            let Some(node) = t.zones[to_zone.index()]
                .nodes
                .iter()
                .copied()
                .find(|n| t.nodes[n.index()].accepts_pods())
            else {
                notes.push(format!(
                    "spread: {}: zone {} has no schedulable node",
                    g.name,
                    t.zone_display(to_zone)
                ));
                break;
            };
            per_zone
                .get_mut(&from_zone)
                .expect("known")
                .retain(|p| *p != pod);
            per_zone.get_mut(&to_zone).expect("known").push(pod);
            moved.insert(pod);
            steps.push(move_step(t, pod, from_zone, to_zone, node));
        }
    }
    (steps, notes)
}

pub(super) fn move_step(t: &Topology, pod: PodId, from: ZoneId, to: ZoneId, node: NodeId) -> Step {
    let info = &t.pods[pod.index()];
    let ns = &info.pod.meta.namespace;
    let kn = kubectl_in(ns);
    let name = &info.pod.meta.name;
    let zonal: Vec<(PvcId, PvId)> = info
        .pvcs
        .iter()
        .filter_map(|c| t.pvcs[c.index()].pv.map(|pv| (*c, pv)))
        .filter(|(_, pv)| matches!(t.pvs[pv.index()].pin, Pin::Zones(_) | Pin::Nodes(_)))
        .collect();
    let to_name = &t.zones[to.index()].name;
    if zonal.is_empty() {
        let cmd = format!("{kn} delete pod {name} --wait=false");
        return Step {
            wave: 0,
            action: "evict".into(),
            lease: None,
            from: Some(t.zone_display(from)),
            to: Some(t.zone_display(to)),
            targeted: None,
            candidates: vec![],
            comeback: vec![],
            objects: vec![format!("Pod {}", t.pod_display(pod))],
            reason: format!(
                "too many replicas of its group in {}; a replica in {} survives its loss",
                t.zone_display(from),
                t.zone_display(to)
            ),
            preconditions: vec![format!(
                "the group keeps quorum with {} down",
                t.pod_display(pod)
            )],
            effect: format!(
                "{} runs in {} (e.g. on {})",
                t.pod_display(pod),
                t.zone_display(to),
                t.node_display(node)
            ),
            kubectl: format!(
                "{cmd}  # after adding a zone spread constraint so it lands in {to_name}"
            ),
            dry_run: format!("{cmd} --dry-run=server"),
            wait: format!("{kn} wait pod/{name} --for=condition=Ready --timeout=600s"),
            rollback: "none: the pod is recreated by its controller".into(),
            calls: vec![Call::evict(
                ns,
                name,
                info.pod.meta.resource_version.as_deref(),
            )],
            expect: Some(Expect::PodGone {
                namespace: ns.clone(),
                name: name.clone(),
            }),
            manifest: None,
            bytes: None,
            handover: None,
            change: Some(Change::Evict { pod }),
            zone: Some(to),
        };
    }
    let bytes: u64 = zonal
        .iter()
        .map(|(_, pv)| t.pvs[pv.index()].pv.capacity_bytes)
        .sum();
    let claims: Vec<String> = zonal
        .iter()
        .map(|(c, _)| t.pvcs[c.index()].pvc.meta.name.clone())
        .collect();
    let snapshots: Vec<String> = claims
        .iter()
        .map(|c| format!("apiVersion: snapshot.storage.k8s.io/v1\nkind: VolumeSnapshot\nmetadata:\n  name: {c}-move\n{}spec:\n  source:\n    persistentVolumeClaimName: {c}\n", namespace_line(ns)))
        .collect();
    Step {
        wave: 0,
        action: "migrate".into(),
        lease: None,
        from: Some(t.zone_display(from)),
        to: Some(t.zone_display(to)),
        targeted: None,
        candidates: vec![],
        comeback: vec![],
        objects: std::iter::once(format!("Pod {}", t.pod_display(pod)))
            .chain(
                claims
                    .iter()
                    .map(|c| format!("PersistentVolumeClaim {ns}/{c}")),
            )
            .collect(),
        reason: format!(
            "too many replicas of its group in {}; its volume is zonal, so it moves by data migration to {}, never by eviction",
            t.zone_display(from),
            t.zone_display(to)
        ),
        preconditions: vec![
            format!("the group keeps quorum with {} down", t.pod_display(pod)),
            "a CSI snapshot class exists for the volume's driver".into(),
        ],
        effect: format!(
            "{} runs in {} on a restored copy of its data ({bytes} bytes)",
            t.pod_display(pod),
            t.zone_display(to)
        ),
        kubectl: "kubectl apply -f snapshot.yaml".to_string(),
        dry_run: "kubectl apply -f snapshot.yaml --dry-run=server".to_string(),
        wait: format!(
            "{kn} wait volumesnapshot/{}-move --for=jsonpath='{{.status.readyToUse}}'=true --timeout=1h  # then: delete {} {} and pod {name}, recreate the claim from the snapshot with a StorageClass allowed only in {to_name}, and wait for the pod to be Ready",
            claims[0],
            if claims.len() == 1 { "claim" } else { "claims" },
            claims.join(" ")
        ),
        rollback: format!(
            "restore {} from the snapshot into {}",
            claims.join(", "),
            t.zone_display(from)
        ),
        // A data migration is done by hand: apply stops before it.
        calls: vec![],
        expect: None,
        manifest: Some(snapshots.join("---\n")),
        bytes: Some(bytes),
        handover: None,
        change: Some(Change::Migrate { pod, zone: to }),
        zone: Some(to),
    }
}
