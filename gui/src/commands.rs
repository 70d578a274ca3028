//! One command enum: what panels, the canvas, menus, dialogs, the planner and shortcuts ask the
//! app to do. Nothing changes the app's state while drawing; the app applies commands in one
//! place ([`crate::app::QuorumApp::apply`]), after the frame's widgets have spoken.

use quorum_core::graph::{ClusterId, GroupId, NodeId, PodId, ZoneId};
use quorum_core::plan::{ExportFormat, Goal, Handover};
use quorum_core::simulate::Event;

use crate::files::Purpose;

/// Something on the canvas a user can select.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    Cluster(ClusterId),
    Zone(ZoneId),
    Node(NodeId),
    Pod(PodId),
    /// An index into the layout's volumes.
    Volume(usize),
    /// A stateful group: all its replicas, wherever they run.
    Group(GroupId),
}

/// What a click on the canvas does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Tool {
    #[default]
    Select,
    Fail,
    Drain,
    /// Clicking a zone moves it to the next partition side.
    Partition,
}

impl Tool {
    pub const ALL: [Tool; 4] = [Tool::Select, Tool::Fail, Tool::Drain, Tool::Partition];

    pub fn label(self) -> &'static str {
        match self {
            Tool::Select => "Select",
            Tool::Fail => "Fail",
            Tool::Drain => "Drain",
            Tool::Partition => "Partition",
        }
    }

    pub fn hint(self) -> &'static str {
        match self {
            Tool::Select => "click to select and inspect",
            Tool::Fail => "click a node, a zone's header or a cluster's title to fail it",
            Tool::Drain => "click a node or a zone's header to drain it",
            Tool::Partition => "click zones to put them on side A, B, or back to none",
        }
    }
}

/// The left panel's tabs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Findings,
    Groups,
    Leaders,
    Sweep,
    Plan,
}

impl Tab {
    pub const ALL: [Tab; 5] = [
        Tab::Findings,
        Tab::Groups,
        Tab::Leaders,
        Tab::Sweep,
        Tab::Plan,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Tab::Findings => "Findings",
            Tab::Groups => "Groups",
            Tab::Leaders => "Leaders",
            Tab::Sweep => "Sweep",
            Tab::Plan => "Plan",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum UiCommand {
    Select(Option<Subject>),
    /// Select and bring into view.
    Locate(Subject),
    SetTool(Tool),
    /// Add an event to the what-if scenario.
    AddEvent(Event),
    /// Remove the last event of the scenario.
    UndoEvent,
    ResetScenario,
    /// Move a zone to the next partition side.
    CyclePartitionSide(ZoneId),
    ApplyPartition,
    /// The moment of the what-if's timeline the canvas shows, in seconds after the events.
    SetMoment(u32),
    /// The left panel's tab.
    SetTab(Tab),
    /// The planner's goal and handover for the next plan.
    SetGoal(Goal),
    SetHandover(Handover),
    MakePlan,
    /// Show the predicted state after this many of the plan's steps.
    PlanStep(usize),
    /// Show before and after side by side.
    ComparePlan(bool),
    ExportPlan(ExportFormat),
    Reload,
    /// Ask for paths to open.
    AskOpen,
    /// Open inputs as the Open prompt and the recent list write them (`PATH` or `NAME=PATH`).
    OpenWords(String),
    OpenPaths(Vec<std::path::PathBuf>),
    Screenshot,
    ExportReport,
    /// A dialog's answer.
    Answer(Purpose, crate::files::Answer),
}
