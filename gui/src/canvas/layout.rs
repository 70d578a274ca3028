//! Where everything sits on the canvas, in world coordinates (points at zoom 1), computed once per
//! topology: clusters side by side, zones as swimlanes grouped by region, nodes as cards packed
//! into columns, pods as chips in rows, zonal volumes in a strip under the zone's header.

use std::collections::HashMap;

use eframe::egui::{Pos2, Rect, pos2, vec2};
use quorum_core::graph::*;

pub const CHIP: f32 = 10.0;
pub const PITCH: f32 = 12.0;
/// Rows of chips leave room above each chip for a leader's crown.
pub const ROW_PITCH: f32 = 15.0;
pub const CHIPS_PER_ROW: usize = 8;
pub const CARD_PAD: f32 = 6.0;
pub const CARD_HEADER: f32 = 20.0;
pub const CARD_W: f32 = CHIPS_PER_ROW as f32 * PITCH + 2.0 * CARD_PAD;
pub const CARD_GAP: f32 = 8.0;
pub const LANE_HEADER: f32 = 58.0;
pub const LANE_PAD: f32 = 10.0;
pub const LANE_GAP: f32 = 28.0;
pub const CLUSTER_HEADER: f32 = 64.0;
pub const CLUSTER_GAP: f32 = 120.0;
/// Lanes aim for this height:width ratio when they hold many nodes.
const LANE_ASPECT: f32 = 3.0;

pub struct ZoneBox {
    pub rect: Rect,
    pub header: Rect,
    pub pods: usize,
}

pub struct ClusterBox {
    pub id: ClusterId,
    pub rect: Rect,
    pub header: Rect,
    /// Region names and the span of their lanes.
    pub regions: Vec<(String, Rect)>,
    /// The lane of pods without a node, if any.
    pub unscheduled: Option<(Rect, Vec<PodId>)>,
}

/// A volume pinned to a zone, drawn in the zone's strip, or to a node, drawn on its card.
pub struct VolumeMark {
    pub pv: PvId,
    pub rect: Rect,
    pub pods: Vec<PodId>,
    /// A pod using it runs on a node its node affinity excludes.
    pub broken: bool,
}

pub struct Layout {
    pub bounds: Rect,
    pub clusters: Vec<ClusterBox>,
    /// Indexed by [`ZoneId`].
    pub zones: Vec<ZoneBox>,
    /// Indexed by [`NodeId`].
    pub cards: Vec<Rect>,
    /// Top-left corner of each pod's chip, indexed by [`PodId`]; None for pods not drawn.
    pub chips: Vec<Option<Pos2>>,
    /// Per node, the replicas of each group on it, most first (the card's bar when zoomed out).
    pub bars: Vec<Vec<(Option<GroupId>, u32)>>,
    pub volumes: Vec<VolumeMark>,
    /// The volumes each pod uses (indexes into `volumes`).
    pub volumes_of_pod: HashMap<PodId, Vec<usize>>,
}

/// A card's rows: its pods, plus one spare row for pods a what-if recreates there.
pub fn card_rows(pods: usize) -> usize {
    pods.div_ceil(CHIPS_PER_ROW) + 1
}

fn card_height(pods: usize) -> f32 {
    CARD_HEADER + card_rows(pods) as f32 * ROW_PITCH + CARD_PAD
}

/// The chip positions of `count` pods in a card, row by row.
pub fn chip_at(card: Rect, index: usize) -> Pos2 {
    let row = index / CHIPS_PER_ROW;
    let col = index % CHIPS_PER_ROW;
    pos2(
        card.min.x + CARD_PAD + col as f32 * PITCH,
        card.min.y + CARD_HEADER + row as f32 * ROW_PITCH,
    )
}

impl Layout {
    pub fn build(wb: &quorum_core::workbench::Workbench) -> Layout {
        let t: &Topology = &wb.topology;
        let mut layout = Layout {
            bounds: Rect::NOTHING,
            clusters: Vec::new(),
            zones: (0..t.zones.len())
                .map(|_| ZoneBox {
                    rect: Rect::NOTHING,
                    header: Rect::NOTHING,
                    pods: 0,
                })
                .collect(),
            cards: vec![Rect::NOTHING; t.nodes.len()],
            chips: vec![None; t.pods.len()],
            bars: vec![Vec::new(); t.nodes.len()],
            volumes: Vec::new(),
            volumes_of_pod: HashMap::new(),
        };
        let mut x = 0.0;
        for (c, cluster) in t.clusters.iter().enumerate() {
            let id = ClusterId(c as u32);
            let right = layout.cluster(t, id, &cluster.zones, x);
            x = right + CLUSTER_GAP;
        }
        layout.volumes(wb);
        for n in 0..t.nodes.len() {
            let mut per_group: HashMap<Option<GroupId>, u32> = HashMap::new();
            for p in &t.nodes[n].pods {
                let g = t.pods[p.index()]
                    .workload
                    .and_then(|w| t.group_of_workload(w));
                *per_group.entry(g).or_insert(0) += 1;
            }
            let mut bar: Vec<(Option<GroupId>, u32)> = per_group.into_iter().collect();
            bar.sort_by_key(|(g, k)| (std::cmp::Reverse(*k), *g));
            layout.bars[n] = bar;
        }
        layout.bounds = layout
            .clusters
            .iter()
            .fold(Rect::NOTHING, |r, c| r.union(c.rect));
        if !layout.bounds.is_positive() {
            layout.bounds = Rect::from_min_size(Pos2::ZERO, vec2(400.0, 300.0));
        }
        layout
    }

    /// Lays out one cluster from `x`; returns its right edge.
    fn cluster(&mut self, t: &Topology, id: ClusterId, zones: &[ZoneId], x0: f32) -> f32 {
        let top = CLUSTER_HEADER;
        let mut x = x0;
        let mut bottom: f32 = top + LANE_HEADER;
        let mut regions: Vec<(String, Rect)> = Vec::new();
        let mut zones: Vec<ZoneId> = zones.to_vec();
        zones.sort_by(|a, b| {
            let (za, zb) = (&t.zones[a.index()], &t.zones[b.index()]);
            (&za.region, &za.name).cmp(&(&zb.region, &zb.name))
        });
        for z in &zones {
            let zone = &t.zones[z.index()];
            let (rect, header) = self.lane(t, *z, pos2(x, top));
            self.zones[z.index()].header = header;
            self.zones[z.index()].rect = rect;
            bottom = bottom.max(rect.bottom());
            match regions.last_mut() {
                Some((name, span)) if *name == zone.region => *span = span.union(rect),
                _ => regions.push((zone.region.clone(), rect)),
            }
            x = rect.right() + LANE_GAP;
        }
        let unscheduled: Vec<PodId> = t
            .pods
            .iter()
            .enumerate()
            .filter(|(_, p)| p.cluster == id && p.node.is_none() && p.pod.is_active())
            .map(|(p, _)| PodId(p as u32))
            .collect();
        let unscheduled = (!unscheduled.is_empty()).then(|| {
            let card = Rect::from_min_size(
                pos2(x + LANE_PAD, top + LANE_HEADER),
                vec2(CARD_W, card_height(unscheduled.len())),
            );
            for (i, p) in unscheduled.iter().enumerate() {
                self.chips[p.index()] = Some(chip_at(card, i));
            }
            let rect = Rect::from_min_max(pos2(x, top), card.max + vec2(LANE_PAD, LANE_PAD));
            bottom = bottom.max(rect.bottom());
            x = rect.right() + LANE_GAP;
            (rect, unscheduled)
        });
        // Lanes stretch to the tallest.
        for z in &zones {
            self.zones[z.index()].rect.max.y = bottom;
        }
        for (_, span) in &mut regions {
            span.max.y = bottom;
        }
        let right = (x - LANE_GAP).max(x0 + 200.0);
        let rect = Rect::from_min_max(pos2(x0, 0.0), pos2(right, bottom));
        self.clusters.push(ClusterBox {
            id,
            rect,
            header: Rect::from_min_max(pos2(x0, 0.0), pos2(right, CLUSTER_HEADER - 28.0)),
            regions,
            unscheduled,
        });
        right
    }

    /// One zone's lane at `origin`: the header, the strip of zonal volumes, the node cards packed
    /// into columns (each card into the shortest column). Returns the lane and its header.
    fn lane(&mut self, t: &Topology, zone: ZoneId, origin: Pos2) -> (Rect, Rect) {
        let nodes = &t.zones[zone.index()].nodes;
        let heights: Vec<f32> = nodes
            .iter()
            .map(|n| card_height(t.nodes[n.index()].pods.len()))
            .collect();
        let mean = heights.iter().sum::<f32>() / heights.len().max(1) as f32;
        let columns = ((nodes.len() as f32 * (mean + CARD_GAP)
            / ((CARD_W + CARD_GAP) * LANE_ASPECT))
            .sqrt()
            .round() as usize)
            .clamp(1, nodes.len().max(1));
        let width = columns as f32 * (CARD_W + CARD_GAP) - CARD_GAP + 2.0 * LANE_PAD;
        let header = Rect::from_min_size(origin, vec2(width, LANE_HEADER));
        // Zonal volumes: one row of marks per PITCH under the header.
        let zone_name = &t.zones[zone.index()].name;
        let cluster = t.zones[zone.index()].cluster;
        let pinned: Vec<PvId> = t
            .pvs
            .iter()
            .enumerate()
            .filter(|(_, pv)| {
                pv.cluster == cluster
                    && matches!(&pv.pin, Pin::Zones(z) if z.first() == Some(zone_name))
            })
            .map(|(i, _)| PvId(i as u32))
            .collect();
        let per_row = (((width - 2.0 * LANE_PAD) / PITCH) as usize).max(1);
        let strip_top = header.bottom();
        for (i, pv) in pinned.iter().enumerate() {
            let at = pos2(
                origin.x + LANE_PAD + (i % per_row) as f32 * PITCH,
                strip_top + (i / per_row) as f32 * PITCH,
            );
            self.volumes.push(VolumeMark {
                pv: *pv,
                rect: Rect::from_min_size(at, vec2(CHIP, CHIP)),
                pods: Vec::new(),
                broken: false,
            });
        }
        let strip = pinned.len().div_ceil(per_row) as f32 * PITCH
            + if pinned.is_empty() { 0.0 } else { CARD_GAP };
        let cards_top = strip_top + strip;
        let mut column_bottoms = vec![cards_top; columns];
        let mut pods = 0;
        for (n, h) in nodes.iter().zip(&heights) {
            let (col, y) = column_bottoms
                .iter()
                .enumerate()
                .min_by(|a, b| a.1.total_cmp(b.1))
                .map(|(c, y)| (c, *y))
                .expect("at least one column");
            let card = Rect::from_min_size(
                pos2(origin.x + LANE_PAD + col as f32 * (CARD_W + CARD_GAP), y),
                vec2(CARD_W, *h),
            );
            column_bottoms[col] = card.bottom() + CARD_GAP;
            self.cards[n.index()] = card;
            let info = &t.nodes[n.index()];
            pods += info.pods.len();
            for (i, p) in info.pods.iter().enumerate() {
                self.chips[p.index()] = Some(chip_at(card, i));
            }
        }
        let bottom = column_bottoms.iter().copied().fold(cards_top, f32::max) + LANE_PAD;
        self.zones[zone.index()].pods = pods;
        (
            Rect::from_min_max(origin, pos2(origin.x + width, bottom)),
            header,
        )
    }

    /// Node-pinned volumes go on their node's card (top right); every volume learns its pods and
    /// whether one of them runs where the volume cannot be reached.
    fn volumes(&mut self, wb: &quorum_core::workbench::Workbench) {
        let t: &Topology = &wb.topology;
        let mut on_card: HashMap<NodeId, usize> = HashMap::new();
        for (i, pv) in t.pvs.iter().enumerate() {
            let Pin::Nodes(names) = &pv.pin else { continue };
            let Some(node) = names.first().and_then(|n| t.node_named(pv.cluster, n)) else {
                continue;
            };
            let card = self.cards[node.index()];
            let k = on_card.entry(node).or_insert(0);
            let at = pos2(
                card.max.x - CARD_PAD - (*k as f32 + 1.0) * 8.0,
                card.min.y + 5.0,
            );
            *k += 1;
            self.volumes.push(VolumeMark {
                pv: PvId(i as u32),
                rect: Rect::from_min_size(at, vec2(6.0, 9.0)),
                pods: Vec::new(),
                broken: false,
            });
        }
        for (v, mark) in self.volumes.iter_mut().enumerate() {
            let pv = &t.pvs[mark.pv.index()];
            let Some(pvc) = pv.pvc else { continue };
            mark.pods = t.pvcs[pvc.index()].pods.clone();
            for p in &mark.pods {
                self.volumes_of_pod.entry(*p).or_default().push(v);
                // Core's pv-zone-conflict rule decides; the mark only shows it.
                if wb.pods[p.index()].volume_out_of_reach == Some(mark.pv) {
                    mark.broken = true;
                }
            }
        }
    }

    /// The node whose card contains `pos`, among a zone's nodes.
    pub fn node_at(&self, t: &Topology, zone: ZoneId, pos: Pos2) -> Option<NodeId> {
        t.zones[zone.index()]
            .nodes
            .iter()
            .copied()
            .find(|n| self.cards[n.index()].contains(pos))
    }

    /// The pod whose chip contains `pos`, on a node's card.
    pub fn pod_at(&self, t: &Topology, node: NodeId, pos: Pos2) -> Option<PodId> {
        t.nodes[node.index()].pods.iter().copied().find(|p| {
            self.chips[p.index()]
                .is_some_and(|c| Rect::from_min_size(c, vec2(CHIP, CHIP)).contains(pos))
        })
    }

    pub fn volume_at(&self, pos: Pos2) -> Option<usize> {
        self.volumes
            .iter()
            .position(|v| v.rect.expand(1.0).contains(pos))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Origin;
    use crate::session::Session;

    fn three_zones() -> Session {
        Session::open(&Origin::Sample(
            quorum_core::samples::find("three-zones").unwrap(),
        ))
        .unwrap()
    }

    #[test]
    fn every_card_sits_in_its_zone_lane_and_every_chip_in_its_card() {
        let s = three_zones();
        let t = &s.topology;
        let l = Layout::build(&s);
        for (n, node) in t.nodes.iter().enumerate() {
            let card = l.cards[n];
            assert!(l.zones[node.zone.index()].rect.contains_rect(card));
            for p in &node.pods {
                let chip = l.chips[p.index()].unwrap();
                assert!(card.contains_rect(Rect::from_min_size(chip, vec2(CHIP, CHIP))));
            }
        }
        assert!(l.bounds.contains_rect(l.zones[0].rect));
    }

    #[test]
    fn lanes_do_not_overlap_and_clusters_sit_side_by_side() {
        let s = Session::open(&Origin::Sample(
            quorum_core::samples::find("two-dcs").unwrap(),
        ))
        .unwrap();
        let l = Layout::build(&s);
        assert_eq!(l.clusters.len(), 2);
        assert!(l.clusters[0].rect.right() < l.clusters[1].rect.left());
        for (i, a) in l.zones.iter().enumerate() {
            for b in &l.zones[i + 1..] {
                assert!(!a.rect.intersects(b.rect));
            }
        }
    }

    #[test]
    fn a_pod_is_found_under_its_chip_and_its_node_under_its_card() {
        let s = three_zones();
        let t = &s.topology;
        let l = Layout::build(&s);
        let n = t.nodes.iter().position(|n| !n.pods.is_empty()).unwrap();
        let node = NodeId(n as u32);
        let pod = t.nodes[n].pods[0];
        let at = l.chips[pod.index()].unwrap() + vec2(CHIP / 2.0, CHIP / 2.0);
        assert_eq!(l.node_at(t, t.nodes[n].zone, at), Some(node));
        assert_eq!(l.pod_at(t, node, at), Some(pod));
    }
}
