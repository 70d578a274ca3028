//! The command line (clap derive). Flags are parsed here; `main` turns them into work.

use std::path::PathBuf;

use clap::builder::TypedValueParser as _;
use clap::{Args, Parser, Subcommand, ValueEnum};
use quorum_core::plan::Goal;

pub const ABOUT: &str = "Where the replicas, volumes and election leaders of your stateful \
workloads really live, and what a node, zone or cluster failure would cost them.";

#[derive(Parser, Debug)]
#[command(
    name = "quorum",
    version = env!("CARGO_PKG_VERSION"),
    long_version = long_version(),
    about = ABOUT,
    propagate_version = true,
    after_help = "Examples:\n  quorum demo                                  analyse a built-in sample cluster\n  kubectl get nodes,pods,pvc,pv,sc,leases,sts,deploy,rs,pdb -A -o yaml > cluster.yaml\n  quorum analyze cluster.yaml                  findings, groups and leaders\n  quorum analyze --cluster dc-a=a/ --cluster dc-b=b/ -o json\n\nAs a kubectl plugin (installed or linked as kubectl-quorum): kubectl quorum analyze ..."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

fn long_version() -> String {
    format!(
        "{} (YAML: {})",
        env!("CARGO_PKG_VERSION"),
        quorum_core::load::YAML_LIBRARY
    )
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Analyse exported manifests: findings, groups and their survivability, leaders.
    #[command(
        after_help = "Examples:\n  quorum analyze cluster.yaml\n  kubectl get nodes,pods,pvc,pv,sc,leases,sts,deploy,rs,pdb -A -o yaml | quorum analyze -\n  quorum analyze must-gather/ -o sarif > quorum.sarif\n  quorum analyze --cluster dc-a=dc-a.yaml --cluster dc-b=dc-b.yaml -o json\n  quorum analyze cluster.yaml --fail-on warning      (CI: exit 1 on any warning)\n\nExit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 bad usage or an\ninput problem (the report still covers every readable document)."
    )]
    Analyze(AnalyzeArgs),
    /// Rehearse one failure scenario: events apply in the order given.
    #[command(
        after_help = "Examples:\n  quorum simulate cluster.yaml --fail zone:eu-a\n  quorum simulate cluster.yaml --drain node:b2 --fail node:c1\n  quorum simulate cluster.yaml --partition 'eu-a,eu-b|eu-c' --control-plane eu-c\n  quorum simulate --cluster dc-a=a.yaml --cluster dc-b=b.yaml --fail cluster:dc-a -o json\n\nEvent targets: node:NAME, zone:NAME, region:NAME, cluster:NAME; with several clusters,\nCLUSTER/NAME picks one. Exit 2 on an unknown name (the closest names are suggested)."
    )]
    Simulate(SimulateArgs),
    /// Every single node, zone, region and cluster failure, and every partition cutting one zone or
    /// cluster off: which groups keep quorum and which leases keep a leader.
    #[command(
        after_help = "Examples:\n  quorum sweep cluster.yaml\n  quorum sweep --cluster dc-a=a/ --cluster dc-b=b/ -o json | jq '.scenarios[] | select(.groups_without_quorum != [])'\n\nEach scenario is judged the moment the failure happens (before any pod is recreated)."
    )]
    Sweep(SweepArgs),
    /// Run drills (a scenario and what must hold after it); exit 1 if an expectation fails.
    #[command(
        after_help = "Examples:\n  quorum drill cluster.yaml drills/lose-eu-a.yaml\n  quorum drill --cluster dc-a=a.yaml --cluster dc-b=b.yaml drills/*.yaml\n\nA drill file is told from an input by its top-level `events:` and `expect:` keys."
    )]
    Drill(DrillArgs),
    /// Plan a rebalancing (leaders, spread, storage) with a before/after preview; never applies it.
    #[command(
        after_help = "Examples:\n  quorum plan cluster.yaml --goal leaders\n  quorum plan cluster.yaml --goal leaders --diff\n  quorum plan cluster.yaml --goal all -o script > plan.sh\n  quorum plan cluster.yaml --goal leaders --handover restart -o json"
    )]
    Plan(PlanArgs),
    /// The terminal UI on exported manifests (or, without inputs, the live current context).
    #[command(
        after_help = "Examples:\n  quorum tui cluster.yaml\n  quorum tui --cluster dc-a=a/ --cluster dc-b=b/\n  kubectl get nodes,pods,pvc,pv,sc,leases,sts,deploy,rs,pdb -A -o yaml | quorum tui -\n\nKeys: ? in the UI lists them; .quorum.yaml (section tui) changes them and the theme."
    )]
    Tui(TuiArgs),
    /// The terminal UI on a sample cluster built into the binary (its analysis when not on a
    /// terminal).
    #[command(
        after_help = "Examples:\n  quorum demo                    the three-zones sample\n  quorum demo --sample two-dcs   two data centres, dual-active\n  quorum demo --list"
    )]
    Demo(DemoArgs),
    /// Write what live clusters hold of the kinds Quorum reads as kubectl-style files.
    #[command(
        after_help = "Examples:\n  quorum export --context prod-eu out/\n  quorum analyze --cluster prod-eu=out/            (the same analysis as --context prod-eu)\n  quorum export --context dc-a --context dc-b out/  (out/dc-a/, out/dc-b/)\n\nOne List file per kind; managedFields dropped; ConfigMaps keep only their metadata; Secrets\nare never read."
    )]
    Export(ExportArgs),
    /// Apply a saved plan to a live cluster, step by step: dry run, confirm, apply, wait.
    #[command(
        after_help = "Examples:\n  quorum plan --context prod-eu --goal leaders -o json > plan.json\n  quorum apply plan.json --context prod-eu              (asks before each step)\n  quorum apply plan.json --context prod-eu --yes --journal apply.jsonl\n  quorum apply plan.json --context prod-eu --from-step 4   (resume after a stop)\n\nEach step: its objects are read and checked against the plan, every call is sent as a\nserver-side dry run (dryRun=All), then for real after confirmation, then apply waits for the\npredicted effect. The first surprise (a changed object, a 409, a PodDisruptionBudget refusing\nan eviction, a timeout) stops the run and says how to roll back. Every call goes to the journal.\n\nExit codes: 0 every step done; 1 stopped at a step; 2 bad usage, a plan for another cluster,\nor the cluster could not be read."
    )]
    Apply(ApplyArgs),
    /// Print the topology graph (zones, nodes, pods, volumes, leases) as DOT or JSON.
    #[command(
        after_help = "Examples:\n  quorum graph cluster.yaml -o dot | dot -Tsvg > topology.svg\n  quorum graph cluster.yaml -o json | jq '.nodes | length'"
    )]
    Graph(GraphArgs),
    /// Write a synthetic cluster at Kubernetes' published limits (for benchmarks).
    #[command(
        after_help = "Examples:\n  quorum generate --pods 150000 -o generated/150k.json\n  quorum generate --pods 3000 --format yaml -o small.yaml"
    )]
    Generate(GenerateArgs),
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  quorum completion bash > /etc/bash_completion.d/quorum\n  quorum completion zsh > \"${fpath[1]}/_quorum\"\n  quorum completion fish > ~/.config/fish/completions/quorum.fish"
    )]
    Completion {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// Where the cluster comes from: shared by every subcommand that reads one.
#[derive(Args, Debug, Clone, Default)]
pub struct InputArgs {
    /// Files or directories of `kubectl get -o yaml|json` exports (`-` reads stdin); together
    /// they form one cluster named `default`.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Objects under PATH belong to cluster NAME (repeat for several clusters).
    #[arg(long = "cluster", value_name = "NAME=PATH")]
    pub clusters: Vec<String>,
    /// Read a live cluster through this kubeconfig context (repeatable; each context is one
    /// cluster, named after it). Read-only: get, list and watch.
    #[arg(long = "context", value_name = "NAME")]
    pub contexts: Vec<String>,
    #[command(flatten)]
    pub live: LiveArgs,
    /// The node label that names the failure domain [default: topology.kubernetes.io/zone,
    /// then failure-domain.beta.kubernetes.io/zone].
    #[arg(long, value_name = "KEY")]
    pub zone_label: Option<String>,
    /// The time leases are judged at [default: each file's own collection time, its newest renewal].
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
    /// Configuration file [default: ./.quorum.yaml when present].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Follow this Kubernetes release's rules (1.30 to 1.37) [default: the live server's
    /// version, else the newest kubelet version among the nodes, else the newest known].
    #[arg(long, value_name = "X.Y", value_parser = kubernetes_version)]
    pub kubernetes_version: Option<String>,
}

/// How live clusters are reached (with --context).
#[derive(Args, Debug, Clone, Default)]
pub struct LiveArgs {
    /// Kubeconfig file [default: $KUBECONFIG (several files merge), else ~/.kube/config].
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
    /// Objects per LIST page when reading a live cluster in pages.
    #[arg(long, value_name = "N", default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..))]
    pub page_size: u32,
    /// Read in LIST pages even where the server streams each kind's objects in one watch
    /// (Kubernetes 1.32 and 1.34 on, by its /version).
    #[arg(long)]
    pub list_in_pages: bool,
    /// Give up on a live cluster that has not been read completely after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub live_timeout: u64,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Table,
    Json,
    Markdown,
    Sarif,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Info,
    Warning,
    Critical,
    Never,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Args, Debug)]
pub struct AnalyzeArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args, Debug, Clone)]
pub struct OutputArgs {
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value = "table")]
    pub format: ReportFormat,
    /// Exit 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value = "critical")]
    pub fail_on: FailOn,
    /// Colour the table (NO_COLOR in the environment turns it off).
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
}

#[derive(Args, Debug)]
pub struct TuiArgs {
    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Which sample.
    #[arg(long, default_value = "three-zones")]
    pub sample: String,
    /// List the samples.
    #[arg(long)]
    pub list: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    Dot,
    Json,
}

#[derive(Args, Debug)]
pub struct GraphArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[arg(short = 'o', long = "output", value_enum, default_value = "dot")]
    pub format: GraphFormat,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum GenerateFormat {
    Json,
    Yaml,
}

/// How much the objects carry beyond what Quorum reads (the same cluster either way).
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum GenerateShape {
    /// Containers with environment and probes, pods with the service-account token volume and
    /// scrape annotations (about 14 KB of JSON a pod).
    Rich,
    /// Plain workloads: no environment, probes, token volume or pod annotations (about 9 KB).
    Lean,
}

#[derive(Args, Debug)]
pub struct GenerateArgs {
    /// Number of pods (nodes scale with it, up to 5,000).
    #[arg(long, default_value_t = 150_000)]
    pub pods: usize,
    /// Number of nodes [default: pods / 30, at most 5,000].
    #[arg(long)]
    pub nodes: Option<usize>,
    #[arg(long, value_enum, default_value = "json")]
    pub format: GenerateFormat,
    /// What the objects carry beside the fields Quorum reads; both shapes give the same analysis.
    #[arg(long, value_enum, default_value = "rich")]
    pub shape: GenerateShape,
    /// Output file (`-` for stdout).
    #[arg(short = 'o', long = "output", default_value = "-")]
    pub output: PathBuf,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

/// The behaviour model's parameters (DESIGN.md); every default is reported in the output.
#[derive(Args, Debug, Clone)]
pub struct ModelArgs {
    /// Failed nodes are tainted node.kubernetes.io/out-of-service: StatefulSet pods are recreated.
    #[arg(long)]
    pub out_of_service: bool,
    /// Electors release their lease on a graceful stop (client-go ReleaseOnCancel).
    #[arg(long)]
    pub release_on_cancel: bool,
    /// Zone where the control plane runs (repeatable) [default: zones of control-plane nodes].
    #[arg(long = "control-plane", value_name = "ZONE")]
    pub control_plane: Vec<String>,
    /// Seconds before an unreachable node is marked NotReady [default: the release's: 50 s
    /// since 1.32, 40 s before].
    #[arg(long, value_name = "SECONDS")]
    pub node_monitor_grace: Option<u32>,
    /// How often kube-controller-manager looks at the nodes: up to 1.33 a NotReady node is
    /// tainted NoExecute one period after it is marked (since 1.34 in the same pass).
    #[arg(long, value_name = "SECONDS", default_value_t = 5)]
    pub node_monitor_period: u32,
    /// Default not-ready/unreachable tolerationSeconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub toleration: u32,
    /// NotReady nodes tainted NoExecute per second in each zone (kube-controller-manager
    /// --node-eviction-rate): a zone's nodes are evicted one every 1/RATE seconds.
    #[arg(long, value_name = "RATE", default_value_t = 0.1, value_parser = positive_rate)]
    pub node_eviction_rate: f64,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum SimFormat {
    Table,
    Json,
}

#[derive(Args, Debug)]
pub struct SimulateArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Fail a node, zone, region or cluster (KIND:NAME).
    #[arg(long, value_name = "TARGET")]
    pub fail: Vec<String>,
    /// Drain a node (or every node of a zone): cordon, then evict through PDBs.
    #[arg(long, value_name = "TARGET")]
    pub drain: Vec<String>,
    /// Partition the network: sides separated by |, each a comma list of zones or clusters.
    #[arg(long, value_name = "SIDES")]
    pub partition: Vec<String>,
    /// A failed node, zone, region or cluster comes back.
    #[arg(long, value_name = "TARGET")]
    pub recover: Vec<String>,
    /// Evict one pod through the eviction API (pod:NAMESPACE/NAME), as a restart does.
    #[arg(long, value_name = "POD")]
    pub evict: Vec<String>,
    /// Delete one pod (pod:NAMESPACE/NAME) without asking its budgets, as kubectl delete does.
    #[arg(long, value_name = "POD")]
    pub delete: Vec<String>,
    #[command(flatten)]
    pub model: ModelArgs,
    /// Also analyse the cluster after the scenario (every check, on the predicted graph).
    #[arg(long)]
    pub findings: bool,
    /// Write the predicted cluster as a kubectl-style export (`quorum analyze FILE` reads it);
    /// with several clusters, one FILE.CLUSTER.json each.
    #[arg(long, value_name = "FILE")]
    pub after_state: Option<PathBuf>,
    /// The moment the after-state shows, in seconds after the events (default: once everything
    /// has happened).
    #[arg(long, value_name = "SECONDS", requires = "after_state")]
    pub at: Option<u32>,
    #[arg(short = 'o', long = "output", value_enum, default_value = "table")]
    pub format: SimFormat,
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
}

#[derive(Args, Debug)]
pub struct SweepArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[arg(short = 'o', long = "output", value_enum, default_value = "table")]
    pub format: SimFormat,
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
}

#[derive(Args, Debug)]
pub struct DrillArgs {
    /// Inputs and drill files (a drill file has top-level `events:` and `expect:`).
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub model: ModelArgs,
    #[arg(short = 'o', long = "output", value_enum, default_value = "table")]
    pub format: SimFormat,
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
}

/// `--goal`: the names core gives the goals.
fn goal_parser() -> impl clap::builder::TypedValueParser<Value = Goal> {
    clap::builder::PossibleValuesParser::new(Goal::ALL.map(Goal::name))
        .map(|name| Goal::parse(&name).expect("a possible value is a goal"))
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum HandoverArg {
    PreferredHolder,
    Restart,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    Table,
    Json,
    Yaml,
    Script,
}

#[derive(Args, Debug)]
pub struct PlanArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// What the plan pursues.
    #[arg(long, default_value = "leaders", value_parser = goal_parser())]
    pub goal: Goal,
    /// How leases change hands: targeted (Lease spec.preferredHolder) or restarting the leader.
    #[arg(long, value_enum, default_value = "preferred-holder")]
    pub handover: HandoverArg,
    /// Re-elections per wave [default: one per zone].
    #[arg(long, value_name = "N")]
    pub max_concurrent: Option<u32>,
    /// Leaders per zone and node, before and after, side by side.
    #[arg(long)]
    pub diff: bool,
    /// Write the cluster once every step has run as a kubectl-style export (`quorum analyze
    /// FILE` gives the plan's `after`); with several clusters, one FILE.CLUSTER.json each.
    #[arg(long, value_name = "FILE")]
    pub after_state: Option<PathBuf>,
    #[arg(short = 'o', long = "output", value_enum, default_value = "table")]
    pub format: PlanFormat,
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// The context(s) to export (repeatable).
    #[arg(long = "context", value_name = "NAME", required = true)]
    pub contexts: Vec<String>,
    /// Where to write (created if missing).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub live: LiveArgs,
}

impl LiveArgs {
    /// The defaults the flags have (for `quorum` with no subcommand).
    pub fn default_values() -> LiveArgs {
        LiveArgs {
            kubeconfig: None,
            page_size: 500,
            list_in_pages: false,
            live_timeout: 60,
        }
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ApplyFormat {
    Table,
    Json,
}

#[derive(Args, Debug)]
pub struct ApplyArgs {
    /// A plan saved with `quorum plan -o json` or `-o yaml`.
    #[arg(value_name = "PLAN")]
    pub plan: PathBuf,
    /// The context to apply to; the plan must have been made for it.
    #[arg(long, value_name = "NAME")]
    pub context: String,
    /// Apply without asking before each step.
    #[arg(long)]
    pub yes: bool,
    /// Seconds to wait for each step's predicted effect.
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    pub wait: u64,
    /// The JSON-lines journal of every call and result (appended).
    #[arg(long, value_name = "FILE", default_value = "quorum-apply.jsonl")]
    pub journal: PathBuf,
    /// Start at this step (1-based), to resume after a stop.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub from_step: u32,
    /// The final report's format (progress goes to stderr).
    #[arg(short = 'o', long = "output", value_enum, default_value_t = ApplyFormat::Table)]
    pub format: ApplyFormat,
    #[command(flatten)]
    pub live: LiveArgs,
}

/// A rate above zero (`0.1`): zero would never evict, and means nothing to the controller.
fn positive_rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(rate) if rate > 0.0 && rate.is_finite() => Ok(rate),
        _ => Err(format!(
            "expected a rate above 0 (nodes per second, like 0.1), got {text:?}"
        )),
    }
}

fn kubernetes_version(text: &str) -> Result<String, String> {
    quorum_core::release::parse_asked(text)
        .map(|_| text.trim().to_string())
        .map_err(|e| {
            e.to_string()
                .trim_start_matches("--kubernetes-version takes ")
                .to_string()
        })
}
