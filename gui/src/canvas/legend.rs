//! The canvas's legend: every mark and colour it draws, with the mark itself beside its
//! meaning (drawn by the same functions as the canvas, at zoom 1).

use eframe::egui::{self, Color32, Rect, Sense, Stroke, StrokeKind, Vec2, vec2};

use super::{Crown, crown};
use crate::palette;

/// How one entry's mark is drawn.
enum Mark {
    Chip(Color32),
    Crown(Crown),
    Ring(Color32),
    Outlined,
    Hollow,
    Struck,
    Volume,
    OutOfReach,
    Card(Color32),
    Side(usize),
}

fn entries() -> Vec<(Mark, &'static str)> {
    vec![
        (
            Mark::Chip(palette::group(quorum_core::graph::GroupId(0))),
            "a pod, in its group's colour (grey: in no group)",
        ),
        (Mark::Crown(Crown::Held), "holds a leader lease"),
        (
            Mark::Crown(Crown::Moved),
            "took a lease over (what-if, plan)",
        ),
        (
            Mark::Crown(Crown::Expiring),
            "its holder stopped; the lease has not expired yet",
        ),
        (Mark::Crown(Crown::Lost), "held a lease before"),
        (
            Mark::Card(palette::CRITICAL),
            "node: a critical finding about it, its pods or a group on it",
        ),
        (
            Mark::Card(palette::WARNING),
            "node: a warning (a pod ringed the same: its own or its group's)",
        ),
        (
            Mark::Ring(palette::CRITICAL),
            "its group has no quorum in the state drawn",
        ),
        (Mark::Outlined, "recreated on this node by the what-if"),
        (Mark::Hollow, "moved away, or pending"),
        (Mark::Struck, "stopped with its node"),
        (
            Mark::Volume,
            "a zonal volume (on a card: pinned to that node)",
        ),
        (Mark::OutOfReach, "runs where its volume cannot be reached"),
        (
            Mark::Side(0),
            "a zone on side A of a partition (B, C in other colours)",
        ),
    ]
}

/// The legend in a collapsible box; node names end in ✖ when the node is down and read
/// "cordoned" when it takes no new pods.
pub fn ui(ui: &mut egui::Ui) {
    egui::CollapsingHeader::new("Legend")
        .default_open(true)
        .show(ui, |ui| {
            ui.spacing_mut().item_spacing.y = 3.0;
            for (mark, what) in entries() {
                ui.horizontal(|ui| {
                    let (rect, _) = ui.allocate_exact_size(vec2(22.0, 16.0), Sense::hover());
                    draw(ui, rect, &mark);
                    ui.add(egui::Label::new(what).wrap());
                });
            }
            ui.add(
                egui::Label::new(
                    "a node's name ends in ✖ when it is down, and reads \"cordoned\" when it takes no new pods",
                )
                .wrap(),
            );
        });
}

fn draw(ui: &egui::Ui, rect: Rect, mark: &Mark) {
    let painter = ui.painter();
    let chip = Rect::from_center_size(rect.center() + vec2(0.0, 2.0), Vec2::splat(10.0));
    let grey = palette::UNGROUPED;
    match mark {
        Mark::Chip(c) => {
            painter.rect_filled(chip, 0.0, *c);
        }
        Mark::Crown(state) => {
            painter.rect_filled(chip, 0.0, grey);
            let mut mesh = egui::Mesh::default();
            crown(
                painter,
                &mut mesh,
                chip.center_top() + vec2(0.0, -1.0),
                *state,
            );
            painter.add(egui::Shape::mesh(mesh));
        }
        Mark::Ring(c) => {
            painter.rect_filled(chip, 0.0, grey);
            painter.rect_stroke(
                chip.expand(1.5),
                2.0,
                Stroke::new(1.5, *c),
                StrokeKind::Outside,
            );
        }
        Mark::Outlined => {
            painter.rect_filled(chip, 0.0, grey);
            painter.rect_stroke(
                chip.expand(1.0),
                2.0,
                Stroke::new(1.2, Color32::WHITE),
                StrokeKind::Outside,
            );
        }
        Mark::Hollow => {
            painter.rect_stroke(
                chip.shrink(0.5),
                2.0,
                Stroke::new(1.0, grey),
                StrokeKind::Inside,
            );
        }
        Mark::Struck => {
            painter.rect_filled(chip, 2.0, grey.gamma_multiply(0.25));
            painter.line_segment(
                [chip.left_top(), chip.right_bottom()],
                Stroke::new(1.0, palette::CRITICAL),
            );
        }
        Mark::Volume => {
            let c = ui.visuals().text_color().gamma_multiply(0.7);
            painter.rect_filled(chip, 0.0, c.gamma_multiply(0.45));
            let lid = Rect::from_min_max(chip.min, egui::pos2(chip.max.x, chip.min.y + 2.5));
            painter.rect_filled(lid, 0.0, c);
        }
        Mark::OutOfReach => {
            painter.rect_filled(chip, 0.0, grey);
            painter.circle_filled(chip.right_bottom(), 2.5, palette::CRITICAL);
        }
        Mark::Card(c) => {
            let card = rect.shrink2(vec2(2.0, 1.0));
            painter.rect_filled(card, 3.0, ui.visuals().extreme_bg_color);
            painter.rect_stroke(card, 3.0, Stroke::new(2.0, *c), StrokeKind::Inside);
        }
        Mark::Side(s) => {
            let lane = rect.shrink2(vec2(2.0, 1.0));
            painter.rect_filled(lane, 3.0, palette::side(*s).gamma_multiply(0.18));
            painter.rect_stroke(
                lane,
                3.0,
                Stroke::new(2.0, palette::side(*s)),
                StrokeKind::Inside,
            );
        }
    }
}
