//! The eframe app: the session (read-only once loaded), the view state (selection, tool, the
//! what-if, the plan), and the one place where commands change that state.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Instant;

use eframe::egui::{self, RichText};
use quorum_core::load::Input;

use crate::canvas::{self, Canvas, CanvasInput, Overlay};
use crate::cli::{self, Origin};
use crate::commands::{Subject, Tab, Tool, UiCommand};
use crate::files::{Answer, FileDialog, PathPrompt, Purpose, Recent};
use crate::measure::{Measure, Next};
use crate::palette;
use crate::panels::Panels;
use crate::planner::Planner;
use crate::review::Review;
use crate::session::Session;
use crate::source::{Source, SourceMsg};
use crate::whatif::WhatIf;

/// A screenshot on its way to a file.
type Screenshot = (PathBuf, std::sync::Arc<egui::ColorImage>);

/// What the window was asked to do on its own (`--screenshot`, `--measure`).
#[derive(Default)]
pub struct Automation {
    pub screenshot: Option<PathBuf>,
    pub measure: Option<Measure>,
    /// Frames drawn with a session, before the automatic screenshot.
    frames: u32,
    requested: bool,
}

pub struct QuorumApp {
    source: Option<Source>,
    pub session: Option<Session>,
    load_error: Option<String>,
    panels: Panels,
    canvas: Canvas,
    after_canvas: Canvas,
    pub tool: Tool,
    pub selection: Option<Subject>,
    pub whatif: WhatIf,
    pub planner: Planner,
    pub tab: Tab,
    today: Option<Overlay>,
    /// How paths are asked for: the prompt until `main` gives the platform's dialog.
    pub dialog: Box<dyn FileDialog>,
    recent: Recent,
    status: Option<(String, bool)>,
    screenshots: (Sender<Screenshot>, Receiver<Screenshot>),
    pub automation: Automation,
    started: Instant,
}

impl QuorumApp {
    fn empty(recent: Recent) -> QuorumApp {
        QuorumApp {
            source: None,
            session: None,
            load_error: None,
            panels: Panels::default(),
            canvas: Canvas::new("canvas"),
            after_canvas: Canvas::new("after"),
            tool: Tool::Select,
            selection: None,
            whatif: WhatIf::default(),
            planner: Planner::default(),
            tab: Tab::Findings,
            today: None,
            dialog: Box::new(PathPrompt::default()),
            recent,
            status: None,
            screenshots: channel(),
            automation: Automation::default(),
            started: Instant::now(),
        }
    }

    /// Starts loading `origin` in the background.
    pub fn loading(ctx: &egui::Context, origin: Origin, recent: Recent) -> QuorumApp {
        let mut app = QuorumApp::empty(recent);
        app.open(ctx, origin);
        app
    }

    /// A window over a session already loaded (tests).
    #[cfg(test)]
    pub fn with_session(session: Session) -> QuorumApp {
        let mut app = QuorumApp::empty(Recent::at(None));
        app.install(session);
        app
    }

    /// The part of the world the canvas shows (tests).
    #[cfg(test)]
    pub fn canvas_view(&self) -> egui::Rect {
        self.canvas.scene_rect()
    }

    /// What is open (tests).
    #[cfg(test)]
    pub fn session(&self) -> Option<&Session> {
        self.session.as_ref()
    }

    fn open(&mut self, ctx: &egui::Context, origin: Origin) {
        let ctx = ctx.clone();
        self.source = Some(Source::spawn(origin, move || ctx.request_repaint()));
    }

    fn install(&mut self, session: Session) {
        let same_shape = self.session.as_ref().is_some_and(|s| {
            s.topology.nodes.len() == session.topology.nodes.len() && s.title == session.title
        });
        self.today = Some(Overlay::today(&session));
        self.session = Some(session);
        self.load_error = None;
        self.whatif.reset();
        self.planner = Planner::default();
        if !same_shape {
            self.selection = None;
            self.canvas.fit();
            self.after_canvas.fit();
        }
    }

    fn poll_source(&mut self, ctx: &egui::Context) {
        let Some(source) = self.source.as_mut() else {
            return;
        };
        let messages = source.poll();
        let elapsed = source.started.elapsed();
        let origin = source.origin.clone();
        let loading = source.loading();
        let changed = source.files_changed();
        for message in messages {
            match message {
                SourceMsg::Stage(_) => {}
                SourceMsg::Loaded(session) => {
                    if let Origin::Inputs(_) = origin {
                        self.recent.push(origin.title());
                    }
                    self.status =
                        Some((format!("loaded in {:.1} s", elapsed.as_secs_f32()), false));
                    if let Some(m) = &mut self.automation.measure {
                        m.loaded(session.topology.pods.len());
                    }
                    self.install(*session);
                }
                SourceMsg::Failed(e) => self.load_error = Some(e),
            }
        }
        if loading {
            // Twice a second: with a software renderer, repainting competes with the loader for the cores.
            ctx.request_repaint_after(std::time::Duration::from_millis(500));
        } else if changed {
            self.status = Some(("the inputs changed: reloading".into(), false));
            self.open(ctx, origin);
        } else if !origin.watched_paths().is_empty() {
            ctx.request_repaint_after(std::time::Duration::from_secs(1));
        }
    }

    /// Applies one command: the only place the app's state changes.
    pub fn apply(&mut self, ctx: &egui::Context, command: UiCommand) {
        // What needs no cluster loaded: opening, dialogs, the tab.
        let command = match command {
            UiCommand::AskOpen => return self.dialog.ask(Purpose::Open, ""),
            UiCommand::OpenWords(words) => {
                let inputs = cli::inputs_from_words(&words);
                self.status = Some(if inputs.is_empty() {
                    ("no path given".into(), true)
                } else {
                    self.open(ctx, Origin::Inputs(inputs));
                    (format!("opening {words}"), false)
                });
                return;
            }
            UiCommand::OpenPaths(paths) => {
                let inputs = paths
                    .into_iter()
                    .map(|p| Input::new("default", p))
                    .collect();
                return self.open(ctx, Origin::Inputs(inputs));
            }
            UiCommand::Answer(purpose, answer) => return self.answer(ctx, purpose, answer),
            UiCommand::SetTab(tab) => {
                self.tab = tab;
                return;
            }
            other => other,
        };
        let Some(session) = self.session.as_ref() else {
            return;
        };
        match command {
            UiCommand::Select(s) => self.selection = s,
            UiCommand::Locate(s) => {
                self.selection = Some(s);
                if let Some(rect) = canvas::subject_rect(session, &session.layout, s) {
                    self.canvas.focus(rect);
                }
            }
            UiCommand::SetTool(t) => self.tool = t,
            UiCommand::AddEvent(e) => {
                if self.whatif.events.contains(&e) {
                    self.status = Some((format!("{e}: already in the scenario"), true));
                } else {
                    self.whatif.push(e, session, ctx);
                }
                // A tool acts once, then it is Select again (shift keeps it armed): a second
                // click, or a double-click meant to fit, adds nothing.
                if matches!(self.tool, Tool::Fail | Tool::Drain)
                    && !ctx.input(|i| i.modifiers.shift)
                {
                    self.tool = Tool::Select;
                }
            }
            UiCommand::UndoEvent => self.whatif.undo(session, ctx),
            UiCommand::ResetScenario => self.whatif.reset(),
            UiCommand::SetMoment(seconds) => self.whatif.seconds = seconds,
            UiCommand::CyclePartitionSide(z) => {
                self.whatif.cycle_side(z, session.topology.zones.len())
            }
            UiCommand::ApplyPartition => {
                if let Some(e) = self.whatif.partition(&session.topology) {
                    self.whatif.applied_sides = std::mem::take(&mut self.whatif.sides);
                    self.whatif.push(e, session, ctx);
                }
            }
            UiCommand::SetGoal(goal) => self.planner.goal = goal,
            UiCommand::SetHandover(handover) => self.planner.handover = handover,
            UiCommand::MakePlan => self.planner.start(session, ctx),
            UiCommand::PlanStep(step) => {
                let steps = self.planner.plan.as_ref().map_or(0, |p| p.steps.len());
                self.planner.step = step.min(steps);
            }
            UiCommand::ComparePlan(on) => self.planner.compare = on,
            UiCommand::ExportPlan(format) => self.dialog.ask(
                Purpose::ExportPlan(format),
                &format!("quorum-plan.{}", format.extension()),
            ),
            UiCommand::Reload => {
                if let Some(origin) = self.source.as_ref().map(|s| s.origin.clone()) {
                    self.open(ctx, origin);
                }
            }
            UiCommand::Screenshot => self.dialog.ask(Purpose::Screenshot, "quorum.png"),
            UiCommand::ExportReport => self.dialog.ask(Purpose::Report, "quorum-review.md"),
            UiCommand::AskOpen
            | UiCommand::OpenWords(_)
            | UiCommand::OpenPaths(_)
            | UiCommand::Answer(..)
            | UiCommand::SetTab(_) => unreachable!("applied above"),
        }
    }

    fn answer(&mut self, ctx: &egui::Context, purpose: Purpose, answer: Answer) {
        let path = answer.path();
        let shown = path.display().to_string();
        let result: anyhow::Result<String> = match (purpose, answer) {
            (Purpose::Open, Answer::Words(words)) => {
                return self.apply(ctx, UiCommand::OpenWords(words));
            }
            (Purpose::Open, Answer::Paths(paths)) => {
                return self.apply(ctx, UiCommand::OpenPaths(paths));
            }
            (Purpose::ExportPlan(format), _) => match self.planner.plan.as_ref() {
                Some(plan) => format
                    .render(plan)
                    .map_err(|e| anyhow::anyhow!(e))
                    .and_then(|text| Ok(quorum_core::files::write(&path, text)?))
                    .map(|()| format!("saved the plan to {shown}")),
                None => Err(anyhow::anyhow!("no plan to export")),
            },
            (Purpose::Screenshot, _) => {
                self.request_screenshot(ctx, path);
                Ok(format!("saving the canvas to {shown}…"))
            }
            (Purpose::Report, _) => self
                .write_report(&path)
                .map(|files| format!("wrote {}", files.join(", "))),
        };
        self.status = Some(match result {
            Ok(m) => (m, false),
            Err(e) => (format!("{e:#}"), true),
        });
    }

    pub fn write_report(&mut self, path: &std::path::Path) -> anyhow::Result<Vec<String>> {
        let session = self
            .session
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("nothing loaded"))?;
        self.whatif.prepare(session);
        let overlay = match self.whatif.overlay() {
            Some(o) => o,
            None => self.today.as_ref().expect("set with the session"),
        };
        let review = Review {
            session,
            layout: &session.layout,
            overlay,
            whatif: self.whatif.simulated().map(|s| &s.outcome),
            plan: self.planner.plan.clone(),
        };
        Ok(review
            .write(path)?
            .iter()
            .map(|p| p.display().to_string())
            .collect())
    }

    fn request_screenshot(&mut self, ctx: &egui::Context, path: PathBuf) {
        let sender = self.screenshots.0.clone();
        let repaint = ctx.clone();
        ctx.request_screenshot(move |image| {
            let _ = sender.send((path, image));
            repaint.request_repaint();
        });
    }

    fn save_screenshots(&mut self, ctx: &egui::Context) {
        while let Ok((path, image)) = self.screenshots.1.try_recv() {
            let result = save_png(&path, &image);
            self.status = Some(match &result {
                Ok(()) => (format!("saved {}", path.display()), false),
                Err(e) => (format!("{e:#}"), true),
            });
            if self.automation.screenshot.as_ref() == Some(&path) {
                if let Err(e) = result {
                    eprintln!("error: {e:#}");
                } else {
                    eprintln!("saved {}", path.display());
                }
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }

    fn automate(&mut self, ctx: &egui::Context, frame_cpu: Option<f32>, app: std::time::Duration) {
        if let Some(m) = &mut self.automation.measure {
            m.window_shown(self.started);
        }
        if self.session.is_none() {
            return;
        }
        self.automation.frames += 1;
        // With --measure, the screenshot shows where the measurement ended (zoomed in).
        if let Some(path) = self.automation.screenshot.clone()
            && self.automation.frames >= 3
            && !self.automation.requested
            && self.automation.measure.is_none()
        {
            self.automation.requested = true;
            self.request_screenshot(ctx, path);
        }
        let layout = self
            .session
            .as_ref()
            .map(|s| std::sync::Arc::clone(&s.layout));
        let running = self.whatif.running();
        let sweeping = self
            .session
            .as_ref()
            .is_some_and(|s| s.sweep_if_done().is_none());
        if let (Some(m), Some(layout)) = (&mut self.automation.measure, layout) {
            match m.frame(
                &mut self.canvas,
                &layout,
                frame_cpu,
                app,
                (running, sweeping),
                self.started,
            ) {
                Next::Continue => ctx.request_repaint(),
                Next::StartWhatIf => {
                    if let Some(session) = self.session.as_ref() {
                        let zone = session.topology.zone_display(quorum_core::graph::ZoneId(0));
                        let fail = quorum_core::simulate::Event::Fail(
                            quorum_core::simulate::Target::Zone(zone),
                        );
                        self.apply(ctx, UiCommand::AddEvent(fail));
                    }
                    ctx.request_repaint();
                }
                Next::Done => match self.automation.screenshot.clone() {
                    Some(path) if !self.automation.requested => {
                        self.automation.requested = true;
                        self.request_screenshot(ctx, path);
                    }
                    Some(_) => {}
                    None => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
                },
            }
        }
    }

    /// The whole window, inside any `Ui` (eframe's, or a test harness's).
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.poll_source(&ctx);
        self.whatif.poll();
        self.planner.poll();
        self.save_screenshots(&ctx);
        if self.whatif.running() || self.planner.running() {
            ctx.request_repaint_after(std::time::Duration::from_millis(50));
        }
        // Files dropped on the window open as one cluster.
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        if !dropped.is_empty() {
            self.apply(&ctx, UiCommand::OpenPaths(dropped));
        }
        if let Some((purpose, answer)) = self.dialog.show(&ctx) {
            self.apply(&ctx, UiCommand::Answer(purpose, answer));
        }

        let mut commands = Vec::new();
        egui::Panel::top("top").show(ui, |ui| commands.extend(self.top_bar(ui)));
        egui::Panel::bottom("status").show(ui, |ui| self.status_bar(ui));
        let Some(session) = self.session.as_ref() else {
            egui::CentralPanel::default().show(ui, |ui| self.loading_ui(ui));
            return;
        };
        self.whatif.prepare(session);
        self.planner.prepare(session);
        if !session.input_problems().is_empty() {
            egui::Panel::bottom("input-errors")
                .resizable(true)
                .default_size(90.0)
                .show(ui, |ui| input_errors(ui, session));
        }
        egui::Panel::left("tabs")
            .resizable(true)
            .default_size(430.0)
            .size_range(240.0..=760.0)
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    for tab in Tab::ALL {
                        if ui.selectable_label(self.tab == tab, tab.label()).clicked() {
                            commands.push(UiCommand::SetTab(tab));
                        }
                    }
                });
                ui.separator();
                match self.tab {
                    Tab::Findings => {
                        commands.extend(self.panels.findings.ui(ui, session, &session.layout))
                    }
                    Tab::Groups => {
                        commands.extend(self.panels.groups.ui(
                            ui,
                            session,
                            self.whatif.fates(),
                            self.selection,
                        ));
                    }
                    Tab::Leaders => {
                        let after = if let Some(s) = self.whatif.simulated() {
                            Some((
                                "after the what-if",
                                &s.leaders_per_zone,
                                &s.leaders_per_node,
                            ))
                        } else {
                            self.planner.plan.as_ref().map(|p| {
                                (
                                    "after the plan",
                                    &p.after.leaders.per_zone,
                                    &p.after.leaders.per_node,
                                )
                            })
                        };
                        self.panels.leaders.ui(ui, session, after);
                    }
                    Tab::Sweep => commands.extend(self.panels.sweep.ui(ui, session)),
                    Tab::Plan => commands.extend(self.planner.ui(ui)),
                }
            });
        let today = self.today.as_ref().expect("set with the session");
        egui::Panel::right("inspector")
            .resizable(true)
            .default_size(340.0)
            .size_range(240.0..=640.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("right")
                    .show(ui, |ui| {
                        let overlay = self.whatif.overlay().unwrap_or(today);
                        commands.extend(self.panels.inspector.ui(
                            ui,
                            session,
                            &session.layout,
                            overlay,
                            self.selection,
                        ));
                        ui.separator();
                        commands.extend(self.whatif.ui(ui, session));
                        ui.separator();
                        crate::canvas::legend(ui);
                    });
            });
        // The canvas: the what-if if there is one, else the plan's state, else today.
        let sides = self.whatif.drawn_sides().to_vec();
        let plan_shown =
            self.planner.plan.is_some() && (self.tab == Tab::Plan || self.planner.compare);
        let whatif_active = self.whatif.simulated().is_some();
        let caption_whatif = whatif_active.then(|| {
            format!(
                "what if: {} — at {} s",
                self.whatif
                    .events
                    .iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                self.whatif.seconds
            )
        });
        let plan_caption = self.planner.caption();
        let compare = plan_shown && self.planner.compare && !whatif_active;
        let tool = self.tool;
        let selection = self.selection;
        let whatif_overlay = if whatif_active {
            self.whatif.overlay()
        } else {
            None
        };
        let plan_overlay = if plan_shown && !whatif_active {
            self.planner.overlay()
        } else {
            None
        };
        egui::CentralPanel::default().show(ui, |ui| {
            if compare {
                let plan_overlay = plan_overlay.expect("a plan is shown");
                let before = CanvasInput {
                    session,
                    layout: &session.layout,
                    overlay: today,
                    selection,
                    tool,
                    sides: &sides,
                    caption: Some("today"),
                };
                let after = CanvasInput {
                    overlay: plan_overlay,
                    caption: plan_caption.as_deref(),
                    ..before
                };
                // A wide cluster compares better one above the other; a tall one side by side.
                let bounds = session.layout.bounds;
                let stacked = bounds.width() > bounds.height();
                let full = ui.available_size();
                let half = if stacked {
                    egui::vec2(full.x, full.y / 2.0 - 4.0)
                } else {
                    egui::vec2(full.x / 2.0 - 4.0, full.y)
                };
                let layout = if stacked {
                    egui::Layout::top_down(egui::Align::Min)
                } else {
                    egui::Layout::left_to_right(egui::Align::Min)
                };
                ui.with_layout(layout, |ui| {
                    ui.allocate_ui(half, |ui| commands.extend(self.canvas.ui(ui, &before)));
                    // Both look at the same part of the world; either one pans both.
                    let shared = self.canvas.scene_rect();
                    self.after_canvas.set_scene_rect(shared);
                    ui.allocate_ui(half, |ui| commands.extend(self.after_canvas.ui(ui, &after)));
                    if self.after_canvas.scene_rect() != shared {
                        self.canvas.set_scene_rect(self.after_canvas.scene_rect());
                    }
                });
            } else {
                let (overlay, caption) = match (whatif_overlay, plan_overlay) {
                    (Some(o), _) => (o, caption_whatif.as_deref()),
                    (None, Some(o)) => (o, plan_caption.as_deref()),
                    (None, None) => (today, None),
                };
                let input = CanvasInput {
                    session,
                    layout: &session.layout,
                    overlay,
                    selection,
                    tool,
                    sides: &sides,
                    caption,
                };
                commands.extend(self.canvas.ui(ui, &input));
            }
        });
        for c in commands {
            self.apply(&ctx, c);
        }
    }

    fn top_bar(&mut self, ui: &mut egui::Ui) -> Vec<UiCommand> {
        let mut commands = Vec::new();
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                if ui.button("Open…").clicked() {
                    commands.push(UiCommand::AskOpen);
                }
                ui.menu_button("Open recent", |ui| {
                    if self.recent.entries.is_empty() {
                        ui.label(RichText::new("nothing yet").weak());
                    }
                    for entry in self.recent.entries.clone() {
                        if ui.button(&entry).clicked() {
                            commands.push(UiCommand::OpenWords(entry));
                        }
                    }
                });
                if ui.button("Reload").clicked() {
                    commands.push(UiCommand::Reload);
                }
                ui.separator();
                if ui.button("Save the canvas as PNG…").clicked() {
                    commands.push(UiCommand::Screenshot);
                }
                if ui.button("Export the review report…").clicked() {
                    commands.push(UiCommand::ExportReport);
                }
            });
            ui.separator();
            ui.label("tool");
            for tool in Tool::ALL {
                if ui
                    .selectable_label(self.tool == tool, tool.label())
                    .on_hover_text(tool.hint())
                    .clicked()
                {
                    commands.push(UiCommand::SetTool(tool));
                }
            }
            ui.label(RichText::new(self.tool.hint()).weak());
        });
        if let Some(session) = &self.session {
            self.panels.summary.ui(ui, session);
        }
        commands
    }

    fn status_bar(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            if let Some(source) = &self.source
                && let Some(stage) = source.stage
            {
                // No spinner: it repaints every frame, and a software renderer would take the
                // cores the loader needs. The seconds tick twice a second.
                ui.label(format!(
                    "⏳ {} {}: {} ({:.0} s)",
                    if self.session.is_some() {
                        "reloading"
                    } else {
                        "opening"
                    },
                    source.origin.title(),
                    stage.describe(),
                    source.started.elapsed().as_secs_f32()
                ));
            }
            if let Some((message, error)) = &self.status {
                let text = RichText::new(message);
                ui.label(if *error {
                    text.color(palette::CRITICAL)
                } else {
                    text.weak()
                });
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.label(
                    RichText::new(
                        "drag to pan · scroll, pinch or + − to zoom · F or double-click to fit",
                    )
                    .weak()
                    .small(),
                );
            });
        });
    }

    fn loading_ui(&mut self, ui: &mut egui::Ui) {
        ui.vertical_centered(|ui| {
            ui.add_space(ui.available_height() / 3.0);
            if let Some(e) = &self.load_error {
                ui.label(
                    RichText::new("Could not open the inputs")
                        .heading()
                        .color(palette::CRITICAL),
                );
                ui.label(e);
                ui.label("File ▸ Open… to pick others, or drop files on the window.");
            } else if let Some(source) = &self.source {
                ui.label(RichText::new(format!("⏳ Opening {}", source.origin.title())).heading());
                if let Some(stage) = source.stage {
                    let read = crate::source::read_text(&source.read)
                        .filter(|_| stage == crate::session::Stage::FIRST)
                        .map(|r| format!(" · {r}"))
                        .unwrap_or_default();
                    ui.label(format!(
                        "{}{read} · {:.0} s",
                        stage.describe(),
                        source.started.elapsed().as_secs_f32()
                    ));
                }
            } else {
                ui.label("Drop kubectl exports on the window, or File ▸ Open….");
            }
        });
    }
}

impl eframe::App for QuorumApp {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        let cpu = frame.info().cpu_usage;
        let started = Instant::now();
        self.show(ui);
        let app = started.elapsed();
        let ctx = ui.ctx().clone();
        self.automate(&ctx, cpu, app);
    }

    /// A screenshot or a measurement shows the window as it opens: where the pointer happens
    /// to be (the middle of a virtual screen) must not hover anything into the picture.
    fn raw_input_hook(&mut self, _ctx: &egui::Context, raw_input: &mut egui::RawInput) {
        if self.automation.screenshot.is_some() || self.automation.measure.is_some() {
            raw_input.events.retain(|e| {
                !matches!(
                    e,
                    egui::Event::PointerMoved(_)
                        | egui::Event::MouseMoved(_)
                        | egui::Event::PointerButton { .. }
                )
            });
        }
    }
}

fn input_errors(ui: &mut egui::Ui, session: &Session) {
    let problems = session.input_problems();
    ui.label(
        RichText::new(format!(
            "{} input error{}: the documents around them are still shown",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" }
        ))
        .color(palette::CRITICAL)
        .strong(),
    );
    egui::ScrollArea::vertical()
        .id_salt("input-errors")
        .show(ui, |ui| {
            for p in &problems {
                ui.label(
                    RichText::new(format!("{}: {}", p.location, p.message))
                        .color(palette::CRITICAL)
                        .monospace(),
                );
            }
        });
}

fn save_png(path: &std::path::Path, image: &egui::ColorImage) -> anyhow::Result<()> {
    let [w, h] = image.size;
    let bytes: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_array()).collect();
    let buffer = image::RgbaImage::from_raw(w as u32, h as u32, bytes)
        .ok_or_else(|| anyhow::anyhow!("the screenshot has the wrong size"))?;
    let mut png = std::io::Cursor::new(Vec::new());
    buffer
        .write_to(&mut png, image::ImageFormat::Png)
        .map_err(|e| anyhow::anyhow!("encoding {}: {e}", path.display()))?;
    // Owner-only, as every file that shows the cluster.
    quorum_core::files::write(path, png.into_inner())
        .map_err(|e| anyhow::anyhow!("saving {}: {e}", path.display()))
}
