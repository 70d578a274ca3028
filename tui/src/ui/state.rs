//! The TUI's state: the cluster as loaded (shared, read-only), where the data came from, and the
//! view state of each view. No terminal types here; `update` is the only place it changes.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use quorum_core::check::Severity;
use quorum_core::graph::*;
use quorum_core::overview::Overview;
use quorum_core::plan::{Goal, Plan};
use quorum_core::simulate::Event;

use super::keys::KeyMap;
use super::theme::Theme;

/// One loaded cluster (or several) with everything the views read: core's workbench state,
/// computed once per snapshot. The views read it; they compute nothing of their own.
pub type Data = quorum_core::workbench::Workbench;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceKind {
    /// Files, directories or stdin: one snapshot, read-only for good.
    Files(String),
    /// A sample built into the binary.
    Sample(String),
    /// Live clusters through kubeconfig contexts.
    Live,
}

/// Where the data comes from and how fresh it is (the status line).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceStatus {
    pub kind: SourceKind,
    pub contexts: Vec<String>,
    /// Live: every context of the kubeconfig (`:context NAME` switches to one).
    pub available: Vec<String>,
    pub last_update: Option<DateTime<Utc>>,
    pub stale_since: Option<DateTime<Utc>>,
    /// When this status was made (live: re-sent every second while stale, so the age shows).
    pub as_of: Option<DateTime<Utc>>,
    pub error: Option<String>,
    /// Loading in progress.
    pub loading: bool,
    /// How far a load has come (`812 MB read`, `building the topology`), while it runs.
    pub progress: Option<String>,
}

impl SourceStatus {
    pub fn new(kind: SourceKind) -> SourceStatus {
        SourceStatus {
            kind,
            contexts: vec![],
            available: vec![],
            last_update: None,
            stale_since: None,
            as_of: None,
            error: None,
            loading: true,
            progress: None,
        }
    }

    pub fn is_live(&self) -> bool {
        self.kind == SourceKind::Live
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    Topology,
    Leaders,
    Groups,
    Findings,
    Simulate,
    Plan,
}

impl View {
    pub const ALL: [View; 6] = [
        View::Topology,
        View::Leaders,
        View::Groups,
        View::Findings,
        View::Simulate,
        View::Plan,
    ];

    pub fn title(self) -> &'static str {
        match self {
            View::Topology => "Topology",
            View::Leaders => "Leaders",
            View::Groups => "Groups",
            View::Findings => "Findings",
            View::Simulate => "Simulate",
            View::Plan => "Plan",
        }
    }
}

/// What has the keyboard besides the view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    Normal,
    /// `:` prompt: the text typed so far.
    Command(String),
    /// `/` prompt for the current view's filter.
    Filter,
    /// The help, scrolled by this many lines.
    Help(usize),
    /// Choosing a plan goal: the highlighted one.
    GoalPicker(usize),
    /// The apply dialog (live only).
    Apply,
    /// A node's or a group's description, scrolled by this many lines.
    Describe(Described, usize),
}

/// What a describe pane is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Described {
    Node(NodeId),
    Group(GroupId),
}

/// How node and group lists are ordered (`o` cycles).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Order {
    /// As the input has them (nodes by name within a zone, groups by name).
    #[default]
    Name,
    /// The worst finding first.
    Risk,
    /// Most leaders first.
    Leaders,
    /// Most quorum replicas first.
    Quorum,
}

impl Order {
    pub fn next(self) -> Order {
        match self {
            Order::Name => Order::Risk,
            Order::Risk => Order::Leaders,
            Order::Leaders => Order::Quorum,
            Order::Quorum => Order::Name,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Order::Name => "by name",
            Order::Risk => "worst finding first",
            Order::Leaders => "most leaders first",
            Order::Quorum => "most quorum replicas first",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TopologyState {
    /// Index into the zones shown (cluster order, then zone order).
    pub zone: usize,
    /// Row in the zone's node list; None selects the zone itself (its header).
    pub node: Option<usize>,
    /// Pods under each node: None decides by the window's height.
    pub expanded: Option<bool>,
    /// `:context NAME` on files shows one cluster.
    pub cluster: Option<ClusterId>,
    pub filter: String,
    /// Zones on the first side of a partition being built.
    pub partition: Vec<ZoneId>,
    pub order: Order,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListState {
    pub selected: usize,
    pub filter: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupsState {
    pub list: ListState,
    /// The open group (Enter) and the highlighted member in it.
    pub open: Option<GroupId>,
    pub member: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FindingsState {
    pub list: ListState,
    pub min_severity: Severity,
}

impl Default for FindingsState {
    fn default() -> Self {
        FindingsState {
            list: ListState::default(),
            min_severity: Severity::Info,
        }
    }
}

/// A scenario's result: the outcome and the overview of the graph after it.
/// A what-if's answer, as core computes it for both front ends.
pub type SimResult = quorum_core::workbench::WhatIf;

#[derive(Default)]
pub struct SimState {
    /// The events stack, oldest first.
    pub events: Vec<Event>,
    pub result: Option<Arc<SimResult>>,
    pub error: Option<String>,
    pub running: bool,
    /// The first line shown of the outcome, and of the timeline.
    pub scroll: usize,
    pub timeline_scroll: usize,
    /// ↑↓ scroll the timeline (→) rather than the outcome (←).
    pub timeline_focus: bool,
}

/// The status of one step while a plan is applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepStatus {
    Waiting,
    Running,
    Done,
    /// Already so in the cluster: nothing was sent.
    Skipped(String),
    Failed(String),
}

#[derive(Default)]
pub struct PlanState {
    pub goal: Option<Goal>,
    pub plan: Option<Arc<Plan>>,
    pub running: bool,
    /// The highlighted step: the predicted state shown is the one after it.
    pub step: usize,
    /// Predicted overviews after step k (index k), computed on demand.
    pub states: std::collections::BTreeMap<usize, Arc<Overview>>,
    /// Progress of an apply, per step; empty until one starts.
    pub apply: Vec<StepStatus>,
    pub applying: bool,
    /// The graph the plan was made on, and its overview: its steps and predicted states are in
    /// its ids, whatever snapshot arrives after it.
    pub base: Option<(Arc<Topology>, Arc<Overview>)>,
    /// A newer snapshot arrived since the plan was made (live): it still applies (every step is
    /// checked against the cluster first), but may no longer be the best one.
    pub outdated: bool,
}

pub struct State {
    pub data: Option<Data>,
    pub source: SourceStatus,
    pub view: View,
    /// Views left with a jump, for Esc.
    pub history: Vec<View>,
    pub mode: Mode,
    pub keys: KeyMap,
    pub theme: Theme,
    /// The terminal's size (columns, rows).
    pub size: (u16, u16),
    pub topology: TopologyState,
    pub leaders: ListState,
    pub groups: GroupsState,
    pub findings: FindingsState,
    pub sim: SimState,
    pub plan: PlanState,
    /// A one-line message until the next key.
    pub flash: Option<String>,
    pub show_inputs: bool,
    pub quit: bool,
    /// Filtered lists, computed once per filter (see [`super::rows`]).
    pub rows: super::rows::CacheCell,
}

impl State {
    pub fn new(keys: KeyMap, theme: Theme, source: SourceStatus, size: (u16, u16)) -> State {
        State {
            data: None,
            source,
            view: View::Topology,
            history: vec![],
            mode: Mode::Normal,
            keys,
            theme,
            size,
            topology: TopologyState::default(),
            leaders: ListState::default(),
            groups: GroupsState::default(),
            findings: FindingsState::default(),
            sim: SimState::default(),
            plan: PlanState::default(),
            flash: None,
            show_inputs: true,
            quit: false,
            rows: Default::default(),
        }
    }

    /// The filter the current view uses.
    pub fn filter(&self) -> &str {
        match self.view {
            View::Topology => &self.topology.filter,
            View::Leaders => &self.leaders.filter,
            View::Groups => &self.groups.list.filter,
            View::Findings => &self.findings.list.filter,
            View::Simulate | View::Plan => "",
        }
    }

    pub fn filter_mut(&mut self) -> Option<&mut String> {
        match self.view {
            View::Topology => Some(&mut self.topology.filter),
            View::Leaders => Some(&mut self.leaders.filter),
            View::Groups => Some(&mut self.groups.list.filter),
            View::Findings => Some(&mut self.findings.list.filter),
            View::Simulate | View::Plan => None,
        }
    }
}
