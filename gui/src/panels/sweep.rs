//! The sweep matrix: every single failure (rows) against the groups it costs their quorum
//! (columns). Node failures that cost nothing are counted, not listed.

use eframe::egui::{self, Grid, RichText, ScrollArea};
use quorum_core::simulate::{Event, Target};

use crate::commands::UiCommand;
use crate::palette;
use crate::session::Session;

const ROWS_SHOWN: usize = 5_000;
const COLUMNS_SHOWN: usize = 40;

#[derive(Default)]
pub struct SweepPanel;

impl SweepPanel {
    pub fn ui(&mut self, ui: &mut egui::Ui, session: &Session) -> Vec<UiCommand> {
        let mut commands = Vec::new();
        // Computed by the loader after the cluster is shown: a few seconds on a large one.
        let Some(sweep) = session.sweep_if_done().cloned() else {
            ui.heading("Sweep");
            ui.label("Sweeping every single failure and partition…");
            return commands;
        };
        let costly: Vec<_> = sweep
            .scenarios
            .iter()
            .filter(|s| {
                !s.groups_without_quorum.is_empty()
                    || !s.leaderless.is_empty()
                    || !s.split_brain.is_empty()
            })
            .collect();
        ui.heading("Sweep");
        ui.label(format!(
            "{} single failures and partitions; {} cost a group its quorum, a lease its leader, or split a brain",
            sweep.scenarios.len(),
            costly.len()
        ));
        let mut columns: Vec<&str> = Vec::new();
        for s in &costly {
            for g in &s.groups_without_quorum {
                if !columns.contains(&g.as_str()) {
                    columns.push(g);
                }
            }
        }
        columns.truncate(COLUMNS_SHOWN);
        if costly.is_empty() {
            ui.colored_label(palette::GOOD, "Every group survives every single failure.");
            return commands;
        }
        ScrollArea::both()
            .id_salt("sweep")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                Grid::new("sweep-matrix")
                    .striped(true)
                    .spacing([6.0, 3.0])
                    .show(ui, |ui| {
                        ui.strong("scenario");
                        ui.strong("");
                        for (i, c) in columns.iter().enumerate() {
                            ui.label(RichText::new(format!("{}", i + 1)).strong())
                                .on_hover_text(*c);
                        }
                        ui.strong("leaderless / split brain");
                        ui.end_row();
                        for s in costly.iter().take(ROWS_SHOWN) {
                            ui.label(RichText::new(&s.event).monospace());
                            let event = s
                                .event
                                .strip_prefix("fail ")
                                .and_then(|t| Target::parse(t).ok());
                            match event {
                                Some(target) => {
                                    if ui
                                        .small_button("try")
                                        .on_hover_text("simulate it on the canvas")
                                        .clicked()
                                    {
                                        commands.push(UiCommand::ResetScenario);
                                        commands.push(UiCommand::AddEvent(Event::Fail(target)));
                                    }
                                }
                                None => {
                                    ui.label("");
                                }
                            }
                            for c in &columns {
                                if s.groups_without_quorum.iter().any(|g| g == c) {
                                    ui.label(RichText::new("✖").color(palette::CRITICAL).strong());
                                } else {
                                    ui.label(RichText::new("·").weak());
                                }
                            }
                            let mut extra = Vec::new();
                            if !s.leaderless.is_empty() {
                                extra.push(format!("{} leaderless", s.leaderless.len()));
                            }
                            if !s.split_brain.is_empty() {
                                extra.push(format!("{} split brain", s.split_brain.len()));
                            }
                            ui.label(extra.join(", "));
                            ui.end_row();
                        }
                    });
                if costly.len() > ROWS_SHOWN {
                    ui.label(
                        RichText::new(format!(
                            "… {} more rows (all are in the report)",
                            costly.len() - ROWS_SHOWN
                        ))
                        .weak(),
                    );
                }
                ui.add_space(6.0);
                for (i, c) in columns.iter().enumerate() {
                    ui.label(RichText::new(format!("{}: {c}", i + 1)).small());
                }
            });
        commands
    }
}
