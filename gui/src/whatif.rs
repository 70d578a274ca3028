//! The what-if scenario: the events the user added by clicking, core's simulation of them, and
//! the moment of its timeline the canvas shows.

use std::sync::Arc;

use eframe::egui::{self, RichText, ScrollArea};
use quorum_core::graph::{Topology, ZoneId};
use quorum_core::simulate::Event;
use quorum_core::simulate::fates::{Fates, PodFate};

use crate::canvas::Overlay;
use crate::commands::UiCommand;
use crate::jobs::{INLINE_BELOW_PODS, Job};
use crate::palette;
use crate::session::Session;

/// Timeline entries listed (a zone of a large cluster has tens of thousands).
const TIMELINE_SHOWN: usize = 500;

/// A scenario's outcome and the cluster after it, counted by core as the terminal UI counts it.
pub type Simulated = quorum_core::workbench::WhatIf;

#[derive(Default)]
pub struct WhatIf {
    pub events: Vec<Event>,
    pub result: Option<Result<Arc<Simulated>, String>>,
    job: Option<Job<Result<Simulated, String>>>,
    /// The moment shown, in seconds after the events.
    pub seconds: u32,
    /// Partition sides per zone, while the user builds a partition.
    pub sides: Vec<Option<usize>>,
    /// The sides of the partition applied, still drawn while the scenario is shown.
    pub applied_sides: Vec<Option<usize>>,
    /// The fates and the overlay at `seconds`, computed once per moment.
    cache: Option<(u32, Fates, Overlay)>,
}

impl WhatIf {
    pub fn is_active(&self) -> bool {
        !self.events.is_empty()
    }

    pub fn running(&self) -> bool {
        self.job.is_some()
    }

    pub fn reset(&mut self) {
        *self = WhatIf::default();
    }

    pub fn push(&mut self, event: Event, session: &Session, ctx: &egui::Context) {
        self.events.push(event);
        self.rerun(session, ctx);
    }

    pub fn undo(&mut self, session: &Session, ctx: &egui::Context) {
        if matches!(self.events.pop(), Some(Event::Partition(_))) {
            self.applied_sides.clear();
        }
        self.rerun(session, ctx);
    }

    pub fn cycle_side(&mut self, zone: ZoneId, zones: usize) {
        self.sides.resize(zones, None);
        let side = &mut self.sides[zone.index()];
        *side = match *side {
            None => Some(0),
            Some(0) => Some(1),
            Some(1) => Some(2),
            _ => None,
        };
    }

    /// The sides the canvas draws: the ones being built, else the ones applied.
    pub fn drawn_sides(&self) -> &[Option<usize>] {
        if self.sides.iter().any(Option::is_some) {
            &self.sides
        } else {
            &self.applied_sides
        }
    }

    /// The partition the sides make, once there are two sides or more.
    pub fn partition(&self, t: &Topology) -> Option<Event> {
        let mut sides: Vec<Vec<String>> = Vec::new();
        for s in 0..3 {
            let zones: Vec<String> = self
                .sides
                .iter()
                .enumerate()
                .filter(|(_, side)| **side == Some(s))
                .map(|(z, _)| t.zone_display(ZoneId(z as u32)))
                .collect();
            if !zones.is_empty() {
                sides.push(zones);
            }
        }
        (sides.len() >= 2).then_some(Event::Partition(sides))
    }

    fn rerun(&mut self, session: &Session, ctx: &egui::Context) {
        self.result = None;
        self.cache = None;
        self.job = None;
        if self.events.is_empty() {
            return;
        }
        let topology = Arc::clone(&session.topology);
        let events = self.events.clone();
        let inline = topology.pods.len() < INLINE_BELOW_PODS;
        self.job = Some(Job::start(inline, ctx, move || {
            let timings = std::env::var_os("QUORUM_TIMINGS").is_some();
            let started = std::time::Instant::now();
            let result =
                quorum_core::workbench::what_if(&topology, &events).map_err(|e| e.to_string());
            if timings {
                eprintln!(
                    "timing: what-if simulate and the graph after it {:.2} s",
                    started.elapsed().as_secs_f32()
                );
            }
            result
        }));
        self.poll();
    }

    pub fn poll(&mut self) {
        if let Some(result) = self.job.as_ref().and_then(Job::poll) {
            self.job = None;
            if let Ok(s) = &result {
                self.seconds = s.outcome.end_seconds();
            }
            self.result = Some(result.map(Arc::new));
            self.cache = None;
        }
    }

    pub fn simulated(&self) -> Option<&Simulated> {
        self.result
            .as_ref()
            .and_then(|r| r.as_ref().ok())
            .map(|s| s.as_ref())
    }

    /// Brings the canvas overlay to the chosen moment (cached until the moment changes).
    pub fn prepare(&mut self, session: &Session) {
        let Some(s) = self.simulated() else {
            self.cache = None;
            return;
        };
        let seconds = self.seconds.min(s.outcome.end_seconds());
        if self.cache.as_ref().is_none_or(|(at, _, _)| *at != seconds) {
            let fates = s.outcome.fates_at(&session.topology, seconds);
            let overview = s.overview_at(&session.topology, seconds);
            let overlay = Overlay::fates(&session.topology, &fates, overview);
            self.cache = Some((seconds, fates, overlay));
        }
    }

    /// The overlay [`WhatIf::prepare`] made.
    pub fn overlay(&self) -> Option<&Overlay> {
        self.cache.as_ref().map(|(_, _, o)| o)
    }

    /// The fates [`WhatIf::prepare`] computed.
    pub fn fates(&self) -> Option<&Fates> {
        self.cache.as_ref().map(|(_, f, _)| f)
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, session: &Session) -> Vec<UiCommand> {
        let mut commands = Vec::new();
        let t = &session.topology;
        ui.heading("What if");
        if self.events.is_empty() && self.partition(t).is_none() {
            ui.label(RichText::new("Pick the Fail, Drain or Partition tool and click the canvas, or use the inspector's buttons.").weak());
        }
        for e in &self.events {
            ui.label(RichText::new(format!("• {e}")).monospace());
        }
        if let Some(partition) = self.partition(t) {
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(format!("{partition}")).monospace());
                if ui.button("Apply partition").clicked() {
                    commands.push(UiCommand::ApplyPartition);
                }
            });
        } else if self.sides.iter().any(Option::is_some) {
            ui.label(RichText::new("A partition needs zones on two sides or more.").weak());
        }
        if self.is_active() || self.sides.iter().any(Option::is_some) {
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(self.is_active(), egui::Button::new("Undo"))
                    .clicked()
                {
                    commands.push(UiCommand::UndoEvent);
                }
                if ui.button("Reset").clicked() {
                    commands.push(UiCommand::ResetScenario);
                }
            });
        }
        if self.running() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("simulating…");
            });
        }
        match self.result.clone() {
            Some(Err(e)) => {
                ui.colored_label(palette::CRITICAL, e);
            }
            Some(Ok(s)) => self.outcome_ui(ui, session, &s, &mut commands),
            None => {}
        }
        commands
    }

    fn outcome_ui(
        &self,
        ui: &mut egui::Ui,
        session: &Session,
        s: &Simulated,
        commands: &mut Vec<UiCommand>,
    ) {
        let t = &session.topology;
        let o = &s.outcome;
        let end = o.end_seconds();
        ui.separator();
        ui.horizontal(|ui| {
            ui.label("timeline");
            let mut seconds = self.seconds;
            if ui
                .add(
                    egui::Slider::new(&mut seconds, 0..=end.max(1))
                        .suffix(" s")
                        .text("after the events"),
                )
                .changed()
            {
                commands.push(UiCommand::SetMoment(seconds));
            }
        });
        let seconds = self.seconds.min(end);
        let Some((_, fates, overlay)) = self.cache.as_ref() else {
            return;
        };
        let stopped = fates
            .pods
            .iter()
            .filter(|f| **f == PodFate::Stopped)
            .count();
        let moved = fates
            .pods
            .iter()
            .filter(|f| matches!(f, PodFate::Moved(_)))
            .count();
        let pending = fates
            .pods
            .iter()
            .filter(|f| **f == PodFate::Pending)
            .count();
        ui.label(format!(
            "at {seconds} s: {stopped} pods stopped, {moved} recreated elsewhere, {pending} pending"
        ));
        let without: Vec<String> = fates
            .groups_without_quorum()
            .filter(|g| {
                session
                    .analysis
                    .groups
                    .iter()
                    .any(|s| s.id == *g && s.has_quorum())
            })
            .map(|g| t.group_display(g))
            .collect();
        if without.is_empty() {
            ui.colored_label(palette::GOOD, "every group keeps its quorum");
        } else {
            ui.colored_label(
                palette::CRITICAL,
                RichText::new(if without.len() == 1 {
                    "1 group loses quorum".to_string()
                } else {
                    format!("{} groups lose quorum", without.len())
                })
                .strong(),
            );
            // A long list folds away, so the rest of the outcome stays in view.
            egui::CollapsingHeader::new(format!("lost quorum ({})", without.len()))
                .id_salt("lost-quorum")
                .default_open(without.len() <= 8)
                .show(ui, |ui| {
                    for g in &without {
                        ui.colored_label(palette::CRITICAL, format!("lost quorum: {g}"));
                    }
                });
        }
        ui.label(format!(
            "leases: {} moved, {} without a leader, {} re-elections in the worst second",
            overlay.leases_moved, overlay.leases_lost, o.max_simultaneous_reelections
        ));
        if !o.stranded_volumes.is_empty() {
            ui.colored_label(
                palette::WARNING,
                format!("{} volumes stranded", o.stranded_volumes.len()),
            );
        }
        for b in &o.split_brain {
            ui.colored_label(
                palette::CRITICAL,
                format!("split brain: {} ({})", b.group, b.reason),
            );
        }
        for w in &o.warnings {
            ui.colored_label(palette::WARNING, w);
        }
        egui::CollapsingHeader::new(format!(
            "timeline ({})",
            quorum_core::contract::count(o.timeline.len(), "entry", "entries")
        ))
        .id_salt("timeline")
        .default_open(true)
        .show(ui, |ui| {
            // As tall as the panel allows: the panel scrolls, the timeline is not cut short.
            ScrollArea::vertical()
                .id_salt("timeline-scroll")
                .max_height(ui.ctx().content_rect().height() * 0.6)
                .show(ui, |ui| {
                    for e in o.timeline.iter().take(TIMELINE_SHOWN) {
                        ui.horizontal_top(|ui| {
                            let time = RichText::new(format!("{:>5} s", e.t)).monospace();
                            let what = RichText::new(&e.what);
                            let (time, what) = if e.t <= seconds {
                                (time.strong(), what)
                            } else {
                                (time.weak(), what.weak())
                            };
                            ui.label(time);
                            ui.add(egui::Label::new(what).wrap());
                        });
                    }
                    if o.timeline.len() > TIMELINE_SHOWN {
                        ui.label(
                            RichText::new(format!(
                                "… {} more entries: export the review report for all of them",
                                o.timeline.len() - TIMELINE_SHOWN
                            ))
                            .weak(),
                        );
                    }
                });
        });
    }
}
