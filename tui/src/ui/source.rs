//! Where the data comes from, as messages into the event loop: files and samples load once on a
//! blocking task and send one `Loaded`; live clusters (not in this build) will send `Loaded` on
//! every snapshot and `Status` when the connection changes. Also the work behind each `Cmd`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Utc};
use quorum_core::config::Config;
use quorum_core::load::{self, Input};
use quorum_core::plan::{Handover, Options, Plan};
use quorum_core::samples::Sample;
use tokio::sync::mpsc::UnboundedSender;

use super::msg::{Cmd, Msg};
use super::state::{Data, SourceKind, SourceStatus, StepStatus};

#[derive(Clone)]
pub enum Launch {
    Files {
        inputs: Vec<Input>,
        config: Config,
        now: Option<DateTime<Utc>>,
        label: String,
    },
    Sample {
        sample: &'static Sample,
        config: Config,
    },
    /// Kubeconfig contexts (none: the current one).
    Live {
        contexts: Vec<String>,
        options: Box<quorum_core::live::Options>,
        config: Config,
    },
}

impl Launch {
    pub fn status(&self) -> SourceStatus {
        match self {
            Launch::Files { label, .. } => SourceStatus::new(SourceKind::Files(label.clone())),
            Launch::Sample { sample, .. } => {
                SourceStatus::new(SourceKind::Sample(sample.name.to_string()))
            }
            Launch::Live { contexts, .. } => SourceStatus {
                contexts: contexts.clone(),
                ..SourceStatus::new(SourceKind::Live)
            },
        }
    }
}

/// Loads a file or sample source: the message it ends with. While it reads, `tell` hears how far
/// it has come (a status with `progress`, at most ten a second).
pub fn load(launch: Launch, tell: &(dyn Fn(Msg) + Sync)) -> Msg {
    let mut status = launch.status();
    let loading = status.clone();
    status.loading = false;
    let last = std::sync::Mutex::new(std::time::Instant::now() - std::time::Duration::from_secs(1));
    let say = |what: String| {
        tell(Msg::Status(SourceStatus {
            progress: Some(what),
            ..loading.clone()
        }))
    };
    // QUORUM_TIMINGS=1 prints each stage's time on stderr, as the CLI's `timing:` lines
    // (redirect it: `quorum tui FILE 2> timings`).
    let timings = std::env::var_os("QUORUM_TIMINGS").is_some();
    let clock = std::cell::Cell::new(std::time::Instant::now());
    let lap = |what: &str| {
        if timings {
            eprintln!(
                "timing: {what} {:.3} s",
                clock.get().elapsed().as_secs_f64()
            );
            clock.set(std::time::Instant::now());
        }
    };
    match launch {
        Launch::Files {
            inputs,
            config,
            now,
            ..
        } => match load::load_with_progress(&inputs, &|bytes| {
            let mut last = last.lock().expect("progress clock");
            if last.elapsed() >= std::time::Duration::from_millis(100) {
                *last = std::time::Instant::now();
                say(format!("{:.0} MB read", bytes as f64 / 1e6));
            }
        }) {
            Ok(mut snapshot) => {
                if now.is_some() {
                    snapshot.now = now;
                }
                status.last_update = Some(Utc::now());
                lap("load");
                let data = Data::open_with(snapshot, config, &|stage| {
                    if stage == quorum_core::workbench::Stage::Analysing {
                        lap("graph");
                    }
                    say(stage.describe().to_string())
                });
                lap("analysis and what the views draw");
                Msg::Loaded {
                    data: Box::new(data),
                    source: status,
                }
            }
            Err(e) => {
                status.error = Some(e.to_string());
                Msg::Status(status)
            }
        },
        Launch::Sample { sample, config } => Msg::Loaded {
            data: Box::new(Data::open(sample.load(), config)),
            source: status,
        },
        Launch::Live { .. } => unreachable!("live sources are followed by `follow`"),
    }
}

/// Follows live clusters: a `Loaded` for every new complete snapshot (changes coalesced), a
/// `Status` when only the health changed (staleness, errors), until the UI goes away.
fn follow(
    mut status: SourceStatus,
    options: &quorum_core::live::Options,
    config: Config,
    tx: UnboundedSender<Msg>,
    stop: Arc<AtomicBool>,
) {
    // Every context of the kubeconfig, for `:context NAME` to switch to.
    status.available = quorum_core::live::kubeconfig(options)
        .map(|k| k.contexts.into_iter().map(|c| c.name).collect())
        .unwrap_or_default();
    let _ = tx.send(Msg::Status(status.clone()));
    let sender = tx.clone();
    let base = SourceStatus {
        loading: false,
        ..status.clone()
    };
    let stopped = stop.clone();
    // Builds each update's state; a change of leader records alone is applied to the last graph.
    let follower = std::sync::Mutex::new(quorum_core::workbench::Follower::new(config));
    let on_update = move |update: quorum_core::live::Update| {
        if stopped.load(Ordering::Relaxed) {
            return; // another context was chosen since
        }
        let mut status = base.clone();
        status.contexts = update.status.iter().map(|c| c.cluster.clone()).collect();
        status.last_update = update.status.iter().filter_map(|c| c.last_update).max();
        status.stale_since = update.status.iter().filter_map(|c| c.stale_since).min();
        status.as_of = Some(update.at);
        status.error = update
            .status
            .iter()
            .find_map(|c| c.error.as_ref().map(|e| format!("{}: {e}", c.cluster)))
            .or_else(|| {
                update
                    .status
                    .iter()
                    .find_map(|c| c.warnings.first().map(|w| format!("{}: {w}", c.cluster)))
            });
        let next =
            follower
                .lock()
                .expect("the follower")
                .next(update.snapshot, update.changes, || update.resync.snapshot());
        let msg = match next {
            Some(data) => Msg::Loaded {
                data: Box::new(data),
                source: status,
            },
            None => Msg::Status(status),
        };
        let _ = sender.send(msg);
    };
    let options = quorum_core::live::Options {
        partial_updates: true,
        ..options.clone()
    };
    match quorum_core::live::Session::start(
        &options,
        std::time::Duration::from_millis(200),
        on_update,
    ) {
        Ok(session) => {
            // The session lives as long as the UI listens to it.
            while !tx.is_closed() && !stop.load(Ordering::Relaxed) {
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
            drop(session);
        }
        Err(e) => {
            status.loading = false;
            status.error = Some(e.to_string());
            let _ = tx.send(Msg::Status(status));
        }
    }
}

/// Starts the source: its messages arrive in the event loop. Setting the flag it returns stops a
/// live source (to follow another context).
pub fn start(
    launch: Launch,
    tx: UnboundedSender<Msg>,
    rt: &tokio::runtime::Handle,
) -> Arc<AtomicBool> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    rt.spawn_blocking(move || match launch {
        Launch::Live {
            ref options,
            ref config,
            ..
        } => {
            let status = launch.status();
            follow(status, options, config.clone(), tx, flag);
        }
        launch => {
            // Tests hold a load back to prove the UI can be left while it runs.
            if cfg!(debug_assertions)
                && let Some(ms) = std::env::var("QUORUM_TEST_LOAD_DELAY_MS")
                    .ok()
                    .and_then(|v| v.parse().ok())
            {
                std::thread::sleep(std::time::Duration::from_millis(ms));
            }
            let progress = std::sync::Mutex::new(tx.clone());
            let tell = move |msg: Msg| {
                let _ = progress.lock().expect("progress sender").send(msg);
            };
            let _ = tx.send(load(launch, &tell));
        }
    });
    stop
}

impl Launch {
    /// The same live source on another context; `None` for files and samples.
    pub fn with_context(&self, name: &str) -> Option<Launch> {
        match self {
            Launch::Live {
                options, config, ..
            } => Some(Launch::Live {
                contexts: vec![name.to_string()],
                options: Box::new(quorum_core::live::Options {
                    contexts: vec![name.to_string()],
                    ..(**options).clone()
                }),
                config: config.clone(),
            }),
            _ => None,
        }
    }

    /// What applies plans for this source.
    pub fn applier(&self) -> Arc<dyn Applier> {
        match self {
            Launch::Live { options, .. } => Arc::new(LiveApplier {
                options: (**options).clone(),
                journal: "quorum-apply.jsonl".into(),
            }),
            _ => Arc::new(NoApplier),
        }
    }
}

/// Applies a plan to a live cluster, reporting each step (`ApplyProgress`) and the end
/// (`ApplyFinished`). Core's executor plugs in here.
pub trait Applier: Send + Sync {
    fn apply(&self, plan: Arc<Plan>, progress: UnboundedSender<Msg>);
}

/// Files and samples: nothing to apply to (the `A` key says so before it gets here).
pub struct NoApplier;

impl Applier for NoApplier {
    fn apply(&self, _plan: Arc<Plan>, progress: UnboundedSender<Msg>) {
        let _ = progress.send(Msg::ApplyFinished(Err(
            "plans apply to live clusters only (quorum tui --context NAME)".into(),
        )));
    }
}

/// Core's executor on the plan's live context: the dialog that listed every call was the
/// confirmation, so steps run without asking again; each is still dry-run first, checked against
/// the cluster as it is now, and waited for; every call goes to the journal.
pub struct LiveApplier {
    pub options: quorum_core::live::Options,
    pub journal: std::path::PathBuf,
}

impl Applier for LiveApplier {
    fn apply(&self, plan: Arc<Plan>, progress: UnboundedSender<Msg>) {
        use quorum_core::live::apply::{self as run, ApplyOptions, Progress, SavedPlan};
        let saved = SavedPlan::of(&plan);
        let Some(context) = saved.clusters.first().cloned() else {
            let _ = progress.send(Msg::ApplyFinished(Err("the plan names no cluster".into())));
            return;
        };
        let options = ApplyOptions {
            live: self.options.clone(),
            context,
            yes: true,
            wait: std::time::Duration::from_secs(120),
            poll: std::time::Duration::from_millis(500),
            journal: self.journal.clone(),
            from_step: 1,
        };
        let send = |step: usize, status: StepStatus| {
            let _ = progress.send(Msg::ApplyProgress {
                step: step.saturating_sub(1),
                status,
            });
        };
        let mut on_progress = |p: &Progress| match p {
            Progress::Step { step, .. } => send(*step, StepStatus::Running),
            Progress::Done { step, .. } => send(*step, StepStatus::Done),
            Progress::Skipped { step, reason } => send(*step, StepStatus::Skipped(reason.clone())),
            Progress::DryRun { .. } | Progress::Applied { .. } | Progress::Waiting { .. } => {}
        };
        let result = run::apply(&saved, &options, &mut |_, _| true, &mut on_progress);
        let journal = self.journal.display();
        let finished = match result {
            Err(e) => Err(e.to_string()),
            Ok(report) => match report.stopped {
                None => Ok(()),
                Some(stop) => {
                    send(stop.step, StepStatus::Failed(stop.reason.clone()));
                    let rollback = if stop.rollback.is_empty() {
                        "nothing to roll back".to_string()
                    } else {
                        format!("roll back: {}", stop.rollback.join("; "))
                    };
                    Err(format!(
                        "stopped at step {}: {}; {rollback}; journal {journal}",
                        stop.step, stop.reason
                    ))
                }
            },
        };
        let _ = progress.send(Msg::ApplyFinished(finished));
    }
}

/// A pretend executor for tests: every step succeeds in order.
#[cfg(test)]
pub struct DryApplier;

#[cfg(test)]
impl Applier for DryApplier {
    fn apply(&self, plan: Arc<Plan>, progress: UnboundedSender<Msg>) {
        for step in 0..plan.steps.len() {
            let _ = progress.send(Msg::ApplyProgress {
                step,
                status: StepStatus::Running,
            });
            let _ = progress.send(Msg::ApplyProgress {
                step,
                status: StepStatus::Done,
            });
        }
        let _ = progress.send(Msg::ApplyFinished(Ok(())));
    }
}

/// The work behind a command, done where blocking is fine; its result as a message.
pub fn perform(cmd: Cmd) -> Option<Msg> {
    match cmd {
        Cmd::Quit | Cmd::Apply(_) => None,
        Cmd::Simulate { topology, events } => {
            let result = quorum_core::workbench::what_if(&topology, &events)
                .map(Arc::new)
                .map_err(|e| e.to_string());
            Some(Msg::Simulated { events, result })
        }
        Cmd::Plan {
            topology,
            config,
            goal,
        } => {
            let options = Options {
                goal,
                handover: Handover::PreferredHolder,
                max_concurrent: None,
            };
            let plan = quorum_core::plan::plan(&topology, &config, &options);
            Some(Msg::Planned {
                goal,
                plan: Arc::new(plan),
            })
        }
        Cmd::PlanState {
            topology,
            plan,
            step,
        } => {
            let state = quorum_core::workbench::plan_state(&topology, &plan, step + 1);
            Some(Msg::PlanState {
                step,
                overview: Arc::new(state.overview),
            })
        }
        // The event loop restarts the source itself.
        Cmd::SwitchContext(_) => None,
    }
}
