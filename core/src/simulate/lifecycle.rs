//! The node lifecycle controller's NoExecute tainting (kube-controller-manager `nodelifecycle`):
//! a NotReady node is tainted `node.kubernetes.io/unreachable:NoExecute` through a rate limiter
//! per zone (`--node-eviction-rate`, 0.1 node/s: the first node at once, the next every 10 s), and
//! not at all in a zone in partial disruption of a small cluster, nor anywhere when every zone is
//! fully disrupted. Pods are evicted when that taint outlives their toleration, so the eviction of
//! a zone's pods is spread over time (seen on a real v1.33 control plane: docs/model.md).

use super::Params;

/// A zone as the node lifecycle controller judges it from its nodes' Ready conditions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZoneState {
    Normal,
    /// More than two nodes and at least `--unhealthy-zone-threshold` of them NotReady.
    PartialDisruption,
    /// No node Ready.
    FullDisruption,
}

/// kube-controller-manager's `ComputeZoneState`.
pub fn zone_state(ready: usize, not_ready: usize, unhealthy_threshold: f64) -> ZoneState {
    if ready == 0 && not_ready > 0 {
        ZoneState::FullDisruption
    } else if not_ready > 2 && not_ready as f64 / (ready + not_ready) as f64 >= unhealthy_threshold
    {
        ZoneState::PartialDisruption
    } else {
        ZoneState::Normal
    }
}

/// Nodes per second the zone's tainter may taint (0: none). A fully disrupted zone keeps the
/// normal rate; a partially disrupted one slows to the secondary rate, or stops when the zone
/// is no larger than `--large-cluster-size-threshold`.
pub fn eviction_rate(state: ZoneState, zone_size: usize, p: &Params) -> f64 {
    match state {
        ZoneState::Normal | ZoneState::FullDisruption => p.node_eviction_rate,
        ZoneState::PartialDisruption if zone_size > p.large_cluster_size_threshold as usize => {
            p.secondary_node_eviction_rate
        }
        ZoneState::PartialDisruption => 0.0,
    }
}

/// Seconds after the first node of a zone is tainted that the `queued`-th next one is (a token
/// bucket of burst 1).
pub fn delay(queued: u32, rate: f64) -> u32 {
    (f64::from(queued) / rate).ceil() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zone_is_fully_disrupted_when_no_node_is_ready_and_partially_from_three_of_most() {
        assert_eq!(zone_state(0, 2, 0.55), ZoneState::FullDisruption);
        assert_eq!(zone_state(3, 2, 0.55), ZoneState::Normal);
        // Two NotReady nodes never make a partial disruption, whatever the share.
        assert_eq!(zone_state(1, 2, 0.55), ZoneState::Normal);
        assert_eq!(zone_state(1, 3, 0.55), ZoneState::PartialDisruption);
        assert_eq!(zone_state(3, 3, 0.55), ZoneState::Normal);
    }

    #[test]
    fn a_small_zone_in_partial_disruption_stops_evicting_and_a_large_one_slows_down() {
        let p = Params::default();
        assert_eq!(
            eviction_rate(ZoneState::PartialDisruption, 4, &p),
            0.0,
            "zones of 50 nodes or fewer stop"
        );
        assert_eq!(eviction_rate(ZoneState::PartialDisruption, 60, &p), 0.01);
        assert_eq!(eviction_rate(ZoneState::FullDisruption, 3, &p), 0.1);
        assert_eq!(delay(0, 0.1), 0);
        assert_eq!(delay(2, 0.1), 20);
    }
}
