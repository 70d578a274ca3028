//! The plans panel: choose a goal, let core plan, list the steps, step through the predicted
//! states on the canvas (before and after side by side), export the plan.

use std::sync::Arc;

use eframe::egui::{self, RichText, ScrollArea};
use quorum_core::graph::Topology;
use quorum_core::plan::{ExportFormat, Goal, Handover, Options, Plan, plan};

use crate::canvas::Overlay;
use crate::commands::UiCommand;
use crate::jobs::{INLINE_BELOW_PODS, Job};
use crate::palette;
use crate::session::Session;

pub struct Planner {
    pub goal: Goal,
    pub handover: Handover,
    job: Option<Job<Plan>>,
    pub plan: Option<Arc<Plan>>,
    /// Steps applied in the predicted state shown (0: today).
    pub step: usize,
    /// Show before and after side by side.
    pub compare: bool,
    state: Option<(usize, Overlay)>,
}

impl Default for Planner {
    fn default() -> Self {
        Planner {
            goal: Goal::Leaders,
            handover: Handover::PreferredHolder,
            job: None,
            plan: None,
            step: 0,
            compare: false,
            state: None,
        }
    }
}

impl Planner {
    pub fn start(&mut self, session: &Session, ctx: &egui::Context) {
        let topology: Arc<Topology> = Arc::clone(&session.topology);
        let config = session.config.clone();
        let options = Options {
            goal: self.goal,
            handover: self.handover,
            max_concurrent: None,
        };
        let inline = topology.pods.len() < INLINE_BELOW_PODS;
        self.plan = None;
        self.state = None;
        self.step = 0;
        self.job = Some(Job::start(inline, ctx, move || {
            plan(&topology, &config, &options)
        }));
        self.poll();
    }

    pub fn poll(&mut self) {
        if let Some(p) = self.job.as_ref().and_then(Job::poll) {
            self.job = None;
            self.step = p.steps.len();
            self.plan = Some(Arc::new(p));
            self.state = None;
        }
    }

    pub fn running(&self) -> bool {
        self.job.is_some()
    }

    /// Brings the overlay to the predicted state after `self.step` steps.
    pub fn prepare(&mut self, session: &Session) {
        let Some(plan) = self.plan.as_ref() else {
            self.state = None;
            return;
        };
        if self.state.as_ref().is_none_or(|(s, _)| *s != self.step) {
            let state = quorum_core::workbench::plan_state(&session.topology, plan, self.step);
            self.state = Some((self.step, Overlay::holders(session, state)));
        }
    }

    /// The overlay [`Planner::prepare`] made.
    pub fn overlay(&self) -> Option<&Overlay> {
        self.state.as_ref().map(|(_, o)| o)
    }

    pub fn caption(&self) -> Option<String> {
        let plan = self.plan.as_ref()?;
        Some(format!(
            "after step {} of {} ({} plan)",
            self.step,
            plan.steps.len(),
            plan.goal.name()
        ))
    }

    /// Draws the panel; what the user asks for comes back as commands (nothing changes here).
    pub fn ui(&self, ui: &mut egui::Ui) -> Vec<UiCommand> {
        let mut actions = Vec::new();
        ui.heading("Plan");
        ui.horizontal(|ui| {
            egui::ComboBox::from_label("goal")
                .selected_text(self.goal.name())
                .show_ui(ui, |ui| {
                    for g in Goal::ALL {
                        if ui
                            .selectable_label(self.goal == g, g.name())
                            .on_hover_text(g.describe())
                            .clicked()
                        {
                            actions.push(UiCommand::SetGoal(g));
                        }
                    }
                });
            for (handover, label, hint) in [
                (
                    Handover::PreferredHolder,
                    "targeted",
                    "handovers through Lease spec.preferredHolder",
                ),
                (
                    Handover::Restart,
                    "restarts",
                    "only untargeted handovers: restart the leader",
                ),
            ] {
                if ui
                    .radio(self.handover == handover, label)
                    .on_hover_text(hint)
                    .clicked()
                {
                    actions.push(UiCommand::SetHandover(handover));
                }
            }
        });
        ui.horizontal(|ui| {
            if ui
                .add_enabled(self.job.is_none(), egui::Button::new("Make the plan"))
                .clicked()
            {
                actions.push(UiCommand::MakePlan);
            }
            if self.job.is_some() {
                ui.spinner();
                ui.label("planning…");
            }
        });
        let Some(plan) = self.plan.clone() else {
            return actions;
        };
        ui.separator();
        let (b, a, bound) = (
            &plan.before.leaders,
            &plan.after.leaders,
            &plan.bound.leaders,
        );
        egui::Grid::new("plan-metrics")
            .striped(true)
            .show(ui, |ui| {
                for h in ["", "before", "after", "best"] {
                    ui.strong(h);
                }
                ui.end_row();
                ui.label("most leaders in a zone");
                ui.label(b.max_per_zone.to_string());
                ui.label(a.max_per_zone.to_string());
                ui.label(bound.max_per_zone.to_string());
                ui.end_row();
                ui.label("most leaders on a node");
                ui.label(b.max_per_node.to_string());
                ui.label(a.max_per_node.to_string());
                ui.label(bound.max_per_node.to_string());
                ui.end_row();
            });
        let steps = plan.steps.len();
        ui.horizontal(|ui| {
            if ui
                .add_enabled(self.step > 0, egui::Button::new("◀ step"))
                .clicked()
            {
                actions.push(UiCommand::PlanStep(self.step - 1));
            }
            let mut step = self.step;
            if ui
                .add(egui::Slider::new(&mut step, 0..=steps).text(format!("of {steps} steps")))
                .changed()
            {
                actions.push(UiCommand::PlanStep(step));
            }
            if ui
                .add_enabled(self.step < steps, egui::Button::new("step ▶"))
                .clicked()
            {
                actions.push(UiCommand::PlanStep(self.step + 1));
            }
        });
        let mut compare = self.compare;
        if ui
            .checkbox(&mut compare, "before and after side by side")
            .changed()
        {
            actions.push(UiCommand::ComparePlan(compare));
        }
        ui.horizontal(|ui| {
            ui.label("export");
            for f in ExportFormat::ALL {
                if ui
                    .button(f.extension())
                    .on_hover_text(format!("save the plan as {}", f.extension()))
                    .clicked()
                {
                    actions.push(UiCommand::ExportPlan(f));
                }
            }
        });
        // The safety warnings in a box of their own, at the size of the text around them.
        for w in &plan.warnings {
            egui::Frame::new()
                .stroke(egui::Stroke::new(1.5, palette::WARNING))
                .corner_radius(4)
                .inner_margin(6)
                .show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    ui.label(
                        RichText::new("Before applying")
                            .color(palette::WARNING)
                            .strong(),
                    );
                    ui.label(RichText::new(w).color(palette::WARNING));
                });
        }
        for n in &plan.notes {
            ui.label(RichText::new(n).weak());
        }
        ui.separator();
        if plan.steps.is_empty() {
            ui.colored_label(palette::GOOD, "Nothing to change for this goal.");
        }
        // One line per step, and only the lines in view: a plan can have thousands of steps.
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
        ScrollArea::both()
            .id_salt("plan-steps")
            .auto_shrink([false, false])
            .show_rows(ui, row_height, steps, |ui, rows| {
                for i in rows {
                    let s = &plan.steps[i];
                    let text = format!(
                        "{:>3}. [wave {}] {} {}",
                        i + 1,
                        s.wave,
                        s.action,
                        s.objects.join(", ")
                    );
                    let text = if i < self.step {
                        RichText::new(text).strong()
                    } else {
                        RichText::new(text).weak()
                    };
                    let label = egui::Button::selectable(i + 1 == self.step, text)
                        .wrap_mode(egui::TextWrapMode::Extend);
                    if ui.add(label).on_hover_text(&s.reason).clicked() {
                        actions.push(UiCommand::PlanStep(i + 1));
                    }
                }
            });
        actions
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Origin;

    #[test]
    fn the_leaders_plan_of_the_three_zones_sample_moves_crowns_and_exports_three_ways() {
        let session = Session::open(&Origin::Sample(
            quorum_core::samples::find("three-zones").unwrap(),
        ))
        .unwrap();
        let ctx = egui::Context::default();
        let mut planner = Planner::default();
        planner.start(&session, &ctx);
        let plan = planner.plan.clone().expect("a small cluster plans at once");
        assert!(!plan.steps.is_empty());
        planner.prepare(&session);
        assert!(planner.overlay().unwrap().leases_moved > 0);
        for f in ExportFormat::ALL {
            let text = f.render(&plan).unwrap();
            assert!(
                text.contains("handover") || text.contains("preferredHolder"),
                "{f:?}: {text}"
            );
        }
        planner.step = 0;
        planner.prepare(&session);
        assert_eq!(planner.overlay().unwrap().leases_moved, 0);
    }
}
