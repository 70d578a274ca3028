//! Everything that can happen (one `Msg` enum, handled by `update`) and the work `update` asks the
//! runtime to do (`Cmd`), whose results come back as messages.

use std::sync::Arc;

use crossterm::event::{KeyEvent, MouseEvent};
use quorum_core::config::Config;
use quorum_core::graph::Topology;
use quorum_core::overview::Overview;
use quorum_core::plan::{Goal, Plan};
use quorum_core::simulate::Event;

use super::state::{Data, SimResult, SourceStatus, StepStatus};

pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// A new snapshot from the source (a file load, or a live update).
    Loaded {
        data: Box<Data>,
        source: SourceStatus,
    },
    /// The source's health changed (contexts, staleness, an error) without new data.
    Status(SourceStatus),
    /// A scenario ran (for exactly these events).
    Simulated {
        events: Vec<Event>,
        result: Result<Arc<SimResult>, String>,
    },
    Planned {
        goal: Goal,
        plan: Arc<Plan>,
    },
    /// The predicted state after step `step` of the current plan.
    PlanState {
        step: usize,
        overview: Arc<Overview>,
    },
    /// Progress of an apply: one step's status (sent by the apply executor).
    #[allow(dead_code)]
    ApplyProgress {
        step: usize,
        status: StepStatus,
    },
    ApplyFinished(Result<(), String>),
}

pub enum Cmd {
    Quit,
    Simulate {
        topology: Arc<Topology>,
        events: Vec<Event>,
    },
    Plan {
        topology: Arc<Topology>,
        config: Arc<Config>,
        goal: Goal,
    },
    PlanState {
        topology: Arc<Topology>,
        plan: Arc<Plan>,
        step: usize,
    },
    Apply(Arc<Plan>),
    /// Live: read another context.
    SwitchContext(String),
}
