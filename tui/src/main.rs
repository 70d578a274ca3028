//! `quorum`: the terminal front door. Subcommands for CI and offline work; every question about
//! the cluster is a call into quorum-core.

mod cli;
mod live_cmd;
mod ui;

// The loader allocates millions of small strings on every core; mimalloc is much faster at it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use anyhow::{Context as _, Result, anyhow, bail};
use clap::CommandFactory;

use cli::*;
use quorum_core::check::Severity;
use quorum_core::config::Config;
use quorum_core::graph::Topology;
use quorum_core::load::{self, Input};
use quorum_core::model::{InputReport, Snapshot};
use quorum_core::report::{self, Report, Style};
use quorum_core::simulate::drill::Drill;
use quorum_core::simulate::{Event, Params, Target, simulate};
use quorum_core::workbench::Loaded;

/// Exit codes of the contract.
const EXIT_FINDINGS: u8 = 1;
const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // Installed or linked as `kubectl-quorum`, kubectl runs us as `kubectl quorum`.
    let as_plugin = args
        .first()
        .and_then(|a| {
            PathBuf::from(a)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
        })
        .is_some_and(|s| s == "kubectl-quorum");
    let mut command = Cli::command();
    if as_plugin {
        command = command.bin_name("kubectl quorum");
    }
    let matches = match command.try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_USAGE } else { 0 });
        }
    };
    let cli = match <Cli as clap::FromArgMatches>::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(EXIT_USAGE);
        }
    };
    match run(cli, &matches) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {e:#}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli, matches: &clap::ArgMatches) -> Result<u8> {
    match cli.command {
        None => {
            if !on_terminal() {
                eprintln!(
                    "quorum: the terminal UI needs a terminal. For reports: quorum analyze FILE \
                     (quorum --help lists every subcommand)."
                );
                return Ok(EXIT_USAGE);
            }
            let config = load_config(&InputArgs::default())?;
            let live = live_cmd::options(&[], &LiveArgs::default_values());
            ui::run(
                ui::source::Launch::Live {
                    contexts: vec![],
                    options: Box::new(live),
                    config: config.clone(),
                },
                &config,
            )
        }
        Some(Command::Tui(args)) => tui_cmd(args),
        Some(Command::Analyze(args)) => {
            let loaded = load_inputs(&args.input)?;
            let code = emit_analysis(&loaded, &args.output);
            // The process ends here: freeing a large cluster's millions of allocations one by
            // one would only add time before the exit.
            std::mem::forget(loaded);
            code
        }
        Some(Command::Demo(args)) => demo(args),
        Some(Command::Simulate(args)) => {
            let sub = matches
                .subcommand_matches("simulate")
                .expect("the simulate subcommand matched");
            simulate_cmd(args, sub)
        }
        Some(Command::Sweep(args)) => sweep_cmd(args),
        Some(Command::Drill(args)) => drill_cmd(args),
        Some(Command::Plan(args)) => plan_cmd(args),
        Some(Command::Graph(args)) => {
            let loaded = load_inputs(&args.input)?;
            print_input_errors(&loaded.inputs);
            let out = match args.format {
                GraphFormat::Dot => report::graph_dot(&loaded.topology),
                GraphFormat::Json => report::graph_json(&loaded.topology),
            };
            write_stdout(&out)?;
            Ok(if loaded.input_errors() > 0 {
                EXIT_USAGE
            } else {
                0
            })
        }
        Some(Command::Generate(args)) => generate(args),
        Some(Command::Export(args)) => live_cmd::export(args),
        Some(Command::Apply(args)) => live_cmd::apply(args),
        Some(Command::Completion { shell }) => {
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, "quorum", &mut std::io::stdout());
            Ok(0)
        }
    }
}

fn load_config(args: &InputArgs) -> Result<Config> {
    let mut config = Config::discover(args.config.as_deref())?;
    if let Some(label) = &args.zone_label {
        config.zone_label = Some(label.clone());
    }
    if let Some(version) = &args.kubernetes_version {
        config.kubernetes_version = Some(version.clone());
    }
    Ok(config)
}

fn inputs_of(args: &InputArgs) -> Result<Vec<Input>> {
    let mut inputs: Vec<Input> = args
        .paths
        .iter()
        .map(|p| Input::new("default", p))
        .collect();
    for spec in &args.clusters {
        inputs.push(Input::parse_cluster(spec).map_err(|e| anyhow!(e))?);
    }
    if inputs.is_empty() && args.contexts.is_empty() {
        if std::io::stdin().is_terminal() {
            bail!(
                "no input: pass files or directories of kubectl exports, `-` for stdin, or \
                 --cluster NAME=PATH (try `quorum demo` for a sample)"
            );
        }
        inputs.push(Input::new("default", "-"));
    }
    Ok(inputs)
}

fn load_inputs(args: &InputArgs) -> Result<Loaded> {
    let config = load_config(args)?;
    let inputs = inputs_of(args)?;
    let started = std::time::Instant::now();
    let mut snapshot = if inputs.is_empty() {
        Snapshot::default()
    } else {
        with_progress(|progress| load::load_with_progress(&inputs, progress))?
    };
    timing("load", started);
    if !args.contexts.is_empty() {
        let started = std::time::Instant::now();
        let live = live_cmd::read(&args.contexts, &args.live)?;
        timing("live read", started);
        snapshot.clusters.extend(live.clusters);
        // Each live cluster carries its read's clock; files are judged at their own times.
        snapshot.inputs.extend(live.inputs);
    }
    if let Some(now) = &args.now {
        let parsed = chrono_parse(now)?;
        snapshot.now = Some(parsed);
    }
    let started = std::time::Instant::now();
    let loaded = Loaded::build(snapshot, config);
    timing("graph", started);
    Ok(loaded)
}

fn chrono_parse(text: &str) -> Result<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|d| d.with_timezone(&chrono::Utc))
        .with_context(|| {
            format!("--now takes an RFC 3339 time like 2026-11-20T10:00:00Z, got {text:?}")
        })
}

/// Runs `work`, showing a progress line on stderr when it takes more than a moment on a terminal
/// (never in pipes or CI).
fn with_progress<T>(work: impl FnOnce(&(dyn Fn(u64) + Sync)) -> T) -> T {
    let show = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
    if !show {
        return work(&|_| {});
    }
    let bytes = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let (b, d) = (bytes.clone(), done.clone());
    let spinner = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(400));
        let frames = ['|', '/', '-', '\\'];
        let mut i = 0;
        let mut shown = false;
        while !d.load(Ordering::Relaxed) {
            let mb = b.load(Ordering::Relaxed) as f64 / 1e6;
            eprint!("\r{} loading… {mb:.0} MB read", frames[i % 4]);
            shown = true;
            i += 1;
            std::thread::sleep(Duration::from_millis(120));
        }
        if shown {
            eprint!("\r\x1b[2K");
        }
    });
    let result = work(&move |n| bytes.store(n, Ordering::Relaxed));
    done.store(true, Ordering::Relaxed);
    let _ = spinner.join();
    result
}

fn style_for(choice: ColorChoice) -> Style {
    let tty = std::io::stdout().is_terminal();
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let color = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => tty && !no_color,
    };
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100);
    Style { color, width }
}

fn print_input_errors(inputs: &[InputReport]) {
    for input in inputs {
        for e in &input.errors {
            eprintln!("error: {}: {}", e.position(&input.source), e.message);
        }
    }
}

/// Phase timings on stderr with QUORUM_TIMINGS=1 (for BENCHMARKS.md), with the memory the
/// process holds after the phase and the most it held so far (Linux).
fn timing(phase: &str, started: std::time::Instant) {
    if std::env::var_os("QUORUM_TIMINGS").is_some() {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let kb = |key: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        };
        let memory = match (kb("VmRSS:"), kb("VmHWM:")) {
            (Some(rss), Some(peak)) => format!(", {} MB held, peak {} MB", rss / 1024, peak / 1024),
            _ => String::new(),
        };
        eprintln!(
            "timing: {phase} {:.3} s{memory}",
            started.elapsed().as_secs_f64()
        );
    }
}

fn emit_analysis(loaded: &Loaded, output: &OutputArgs) -> Result<u8> {
    let started = std::time::Instant::now();
    let analysis = loaded.analysis();
    timing("analysis", started);
    let started = std::time::Instant::now();
    let report = Report {
        inputs: &loaded.inputs,
        topology: &loaded.topology,
        analysis: &analysis,
        tool_version: env!("CARGO_PKG_VERSION"),
    };
    // Input problems go to stderr too, so they are seen whatever the format.
    if output.format != ReportFormat::Table {
        print_input_errors(&loaded.inputs);
    }
    let text = match output.format {
        ReportFormat::Table => report::table(&report, &style_for(output.color)),
        ReportFormat::Json => report.json(),
        ReportFormat::Markdown => report::markdown(&report),
        ReportFormat::Sarif => report::sarif(&report),
    };
    write_stdout(&text)?;
    timing("report", started);
    // The table lists them itself: on a terminal they would be said twice.
    if output.format == ReportFormat::Table
        && report.input_errors() > 0
        && !std::io::stdout().is_terminal()
    {
        print_input_errors(&loaded.inputs);
    }
    if report.input_errors() > 0 {
        return Ok(EXIT_USAGE);
    }
    let threshold = match output.fail_on {
        FailOn::Info => Some(Severity::Info),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Critical => Some(Severity::Critical),
        FailOn::Never => None,
    };
    let failed = threshold.is_some_and(|t| analysis.worst().is_some_and(|w| w >= t));
    Ok(if failed { EXIT_FINDINGS } else { 0 })
}

fn write_stdout(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Both ends of the UI are a terminal (keys come from /dev/tty even when stdin is a pipe).
fn on_terminal() -> bool {
    std::io::stdout().is_terminal()
}

fn tui_cmd(args: TuiArgs) -> Result<u8> {
    let input = &args.input;
    let config = load_config(input)?;
    let launch = if input.paths.is_empty() && input.clusters.is_empty() {
        ui::source::Launch::Live {
            contexts: input.contexts.clone(),
            options: Box::new(live_cmd::options(&input.contexts, &input.live)),
            config: config.clone(),
        }
    } else {
        let inputs = inputs_of(input)?;
        let now = input.now.as_deref().map(chrono_parse).transpose()?;
        let mut names: Vec<String> = input
            .paths
            .iter()
            .map(|p| p.display().to_string())
            .chain(input.clusters.iter().cloned())
            .collect();
        if names.len() > 3 {
            let more = names.len() - 2;
            names.truncate(2);
            names.push(format!("{more} more"));
        }
        ui::source::Launch::Files {
            inputs,
            config: config.clone(),
            now,
            label: names.join(", "),
        }
    };
    ui::check_config(&config)?;
    if !on_terminal() {
        bail!("the terminal UI needs a terminal; for a report use `quorum analyze`");
    }
    ui::run(launch, &config)
}

fn demo(args: DemoArgs) -> Result<u8> {
    use quorum_core::samples::SAMPLES;
    if args.list {
        for s in SAMPLES {
            println!("{:16} {}", s.name, s.description);
        }
        return Ok(0);
    }
    let sample = quorum_core::samples::find(&args.sample).ok_or_else(|| {
        anyhow!(
            "no sample named {:?}; the samples are: {}",
            args.sample,
            SAMPLES
                .iter()
                .map(|s| s.name)
                .collect::<Vec<_>>()
                .join(", ")
        )
    })?;
    if on_terminal() && args.output.format == ReportFormat::Table {
        // The sample's own model, with the user's keys and theme.
        let config = Config {
            tui: load_config(&InputArgs::default())?.tui,
            ..Config::default()
        };
        ui::check_config(&config)?;
        return ui::run(
            ui::source::Launch::Sample {
                sample,
                config: config.clone(),
            },
            &config,
        );
    }
    let snapshot = sample.load();
    if args.output.format == ReportFormat::Table {
        eprintln!(
            "Sample `{}`: {}. (Other samples: quorum demo --list)\n",
            sample.name, sample.description
        );
    }
    let loaded = Loaded::build(snapshot, Config::default());
    // The demo shows findings; it is not a CI gate.
    let mut output = args.output.clone();
    output.fail_on = FailOn::Never;
    emit_analysis(&loaded, &output)
}

fn generate(args: GenerateArgs) -> Result<u8> {
    use quorum_generate::{GenerateFormat as Format, GenerateParams, generate};
    let mut params = GenerateParams::for_pods(args.pods);
    if let Some(nodes) = args.nodes {
        params.nodes = nodes;
    }
    params.seed = args.seed;
    params.shape = match args.shape {
        cli::GenerateShape::Rich => quorum_generate::Shape::Rich,
        cli::GenerateShape::Lean => quorum_generate::Shape::Lean,
    };
    let format = match args.format {
        GenerateFormat::Json => Format::Json,
        GenerateFormat::Yaml => Format::Yaml,
    };
    let stats = if args.output.as_os_str() == "-" {
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        generate(&params, format, &mut out)?
    } else {
        if let Some(dir) = args.output.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let file = std::fs::File::create(&args.output)
            .with_context(|| format!("creating {}", args.output.display()))?;
        let mut out = std::io::BufWriter::new(file);
        generate(&params, format, &mut out)?
    };
    eprintln!(
        "generated {} nodes, {} pods, {} StatefulSets, {} Deployments, {} PVCs, {} leases, {} PDBs ({:.1} MB)",
        stats.nodes,
        stats.pods,
        stats.statefulsets,
        stats.deployments,
        stats.pvcs,
        stats.leases,
        stats.pdbs,
        stats.bytes as f64 / 1e6
    );
    Ok(0)
}

/// The model's parameters: the defaults of the release `t` follows, and the flags given.
fn params_of(model: &ModelArgs, t: &Topology) -> Params {
    let defaults = Params::of(t);
    Params {
        node_monitor_grace_seconds: model
            .node_monitor_grace
            .unwrap_or(defaults.node_monitor_grace_seconds),
        node_monitor_period_seconds: model.node_monitor_period,
        toleration_seconds: model.toleration,
        out_of_service: model.out_of_service,
        release_on_cancel: model.release_on_cancel,
        control_plane_zones: model.control_plane.clone(),
        node_eviction_rate: model.node_eviction_rate,
        ..defaults
    }
}

/// The events of the command line in the order they were given, whatever their flag.
fn ordered_events(matches: &clap::ArgMatches) -> Result<Vec<Event>> {
    let mut events: Vec<(usize, Event)> = Vec::new();
    for id in ["fail", "drain", "partition", "recover", "evict", "delete"] {
        let (Some(values), Some(indices)) =
            (matches.get_many::<String>(id), matches.indices_of(id))
        else {
            continue;
        };
        for (value, index) in values.zip(indices) {
            let event = match id {
                "fail" => Target::parse(value).map(Event::Fail),
                "drain" => Target::parse(value).map(Event::Drain),
                "recover" => Target::parse(value).map(Event::Recover),
                "evict" if value.starts_with("pod:") => Event::parse_evict(value),
                "evict" => Event::parse_evict(&format!("pod:{value}")),
                "delete" if value.starts_with("pod:") => Event::parse_delete(value),
                "delete" => Event::parse_delete(&format!("pod:{value}")),
                _ => Event::parse_partition(value),
            }
            .map_err(|e| anyhow!("--{id} {e}"))?;
            events.push((index, event));
        }
    }
    events.sort_by_key(|(i, _)| *i);
    Ok(events.into_iter().map(|(_, e)| e).collect())
}

fn simulate_cmd(args: SimulateArgs, matches: &clap::ArgMatches) -> Result<u8> {
    let events = ordered_events(matches)?;
    if events.is_empty() {
        bail!(
            "no event: give --fail, --drain, --partition, --recover, --evict or --delete (see quorum simulate --help)"
        );
    }
    let loaded = load_inputs(&args.input)?;
    print_input_errors(&loaded.inputs);
    let started = std::time::Instant::now();
    let outcome = simulate(
        &loaded.topology,
        &events,
        &params_of(&args.model, &loaded.topology),
    )
    .map_err(|e| anyhow!("{e}"))?;
    timing("simulate", started);
    if let Some(file) = &args.after_state {
        let at = args.at.unwrap_or(u32::MAX);
        write_after_state(file, &outcome.after_at(&loaded.topology, at))?;
    }
    // Analysis runs unchanged on the graph after the scenario.
    let after = args.findings.then(|| {
        let graph = outcome.after(&loaded.topology);
        let analysis = loaded.analysis_of(&graph);
        (graph, analysis)
    });
    let style = style_for(args.color);
    let text = match (args.format, &after) {
        (SimFormat::Table, None) => report::simulation_table(&outcome, &style),
        (SimFormat::Table, Some((graph, analysis))) => {
            let report = Report {
                inputs: &loaded.inputs,
                topology: graph,
                analysis,
                tool_version: env!("CARGO_PKG_VERSION"),
            };
            format!(
                "{}\n{}\n{}",
                report::simulation_table(&outcome, &style),
                style.bold("AFTER THE SCENARIO"),
                report::table(&report, &style)
            )
        }
        (SimFormat::Json, None) => json_text(&outcome),
        (SimFormat::Json, Some((_, analysis))) => {
            let mut value = serde_json::to_value(&outcome)?;
            value["findings_after"] = serde_json::to_value(&analysis.findings)?;
            json_text(&value)
        }
    };
    write_stdout(&text)?;
    Ok(if loaded.input_errors() > 0 {
        EXIT_USAGE
    } else {
        0
    })
}

fn json_text<T: serde::Serialize>(value: &T) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("reports serialize");
    text.push('\n');
    text
}

fn sweep_cmd(args: SweepArgs) -> Result<u8> {
    let loaded = load_inputs(&args.input)?;
    print_input_errors(&loaded.inputs);
    let started = std::time::Instant::now();
    let result = loaded.sweep();
    timing("sweep", started);
    let text = match args.format {
        SimFormat::Table => report::sweep_table(
            &result,
            &result.survivors(&loaded.topology),
            &style_for(args.color),
        ),
        SimFormat::Json => json_text(&result),
    };
    write_stdout(&text)?;
    Ok(if loaded.input_errors() > 0 {
        EXIT_USAGE
    } else {
        0
    })
}

/// Writes a predicted cluster as an export: FILE, or FILE.CLUSTER.json per cluster when there
/// are several (read back with `--cluster CLUSTER=FILE.CLUSTER.json`). Readable by its owner only:
/// it holds the cluster's names and layout.
fn write_after_state(file: &std::path::Path, t: &quorum_core::graph::Topology) -> Result<()> {
    let files: Vec<(PathBuf, String)> = if t.clusters.len() == 1 {
        vec![(
            file.to_path_buf(),
            report::after_state(t, quorum_core::graph::ClusterId(0)),
        )]
    } else {
        t.clusters
            .iter()
            .enumerate()
            .map(|(c, cluster)| {
                let mut name = file.as_os_str().to_owned();
                name.push(format!(".{}.json", cluster.name));
                (
                    PathBuf::from(name),
                    report::after_state(t, quorum_core::graph::ClusterId(c as u32)),
                )
            })
            .collect()
    };
    for (path, text) in files {
        quorum_core::files::write(&path, text.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("wrote the predicted cluster to {}", path.display());
    }
    Ok(())
}

/// Whether a file is a drill (top-level `events:` and `expect:`, no `kind:`).
fn is_drill_file(path: &std::path::Path) -> bool {
    if !path.is_file() {
        return false;
    }
    let Ok(text) = std::fs::read_to_string(path) else {
        return false;
    };
    let top = |key: &str| text.lines().any(|l| l.trim_end() == key);
    top("events:") && top("expect:") && !text.lines().any(|l| l.starts_with("kind:"))
}

fn drill_cmd(args: DrillArgs) -> Result<u8> {
    let (drills, inputs): (Vec<PathBuf>, Vec<PathBuf>) = args
        .input
        .paths
        .iter()
        .cloned()
        .partition(|p| is_drill_file(p));
    if drills.is_empty() {
        bail!(
            "no drill file given: a drill is a YAML file with top-level `events:` and `expect:` (see quorum drill --help)"
        );
    }
    let mut parsed = Vec::new();
    for path in &drills {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        parsed.push((
            path.display().to_string(),
            Drill::parse(&path.display().to_string(), &text)?,
        ));
    }
    let input = InputArgs {
        paths: inputs,
        ..args.input.clone()
    };
    let loaded = load_inputs(&input)?;
    print_input_errors(&loaded.inputs);
    let base = params_of(&args.model, &loaded.topology);
    let mut results = Vec::new();
    for (file, drill) in &parsed {
        let result = quorum_core::simulate::drill::run(&loaded.topology, drill, &base)
            .map_err(|e| anyhow!("{file}: {e}"))?;
        results.push((file.clone(), result));
    }
    let text = match args.format {
        SimFormat::Table => report::drill_table(&results, &style_for(args.color)),
        SimFormat::Json => json_text(&serde_json::json!({
            "version": quorum_core::report::JSON_VERSION,
            "drills": results.iter().map(|(file, r)| serde_json::json!({
                "file": file, "name": r.name, "passed": r.passed, "checks": r.checks, "outcome": r.outcome,
            })).collect::<Vec<_>>(),
        })),
    };
    write_stdout(&text)?;
    if loaded.input_errors() > 0 {
        return Ok(EXIT_USAGE);
    }
    Ok(if results.iter().all(|(_, r)| r.passed) {
        0
    } else {
        EXIT_FINDINGS
    })
}

fn plan_cmd(args: PlanArgs) -> Result<u8> {
    use quorum_core::plan::{ExportFormat, Handover, Options, plan};
    if args.max_concurrent == Some(0) {
        bail!("--max-concurrent must be at least 1");
    }
    let loaded = load_inputs(&args.input)?;
    print_input_errors(&loaded.inputs);
    let options = Options {
        goal: args.goal,
        handover: match args.handover {
            HandoverArg::PreferredHolder => Handover::PreferredHolder,
            HandoverArg::Restart => Handover::Restart,
        },
        max_concurrent: args.max_concurrent,
    };
    let started = std::time::Instant::now();
    let result = plan(&loaded.topology, &loaded.config, &options);
    timing("plan", started);
    if let Some(file) = &args.after_state {
        write_after_state(
            file,
            &result.state_after(&loaded.topology, result.steps.len()),
        )?;
    }
    let text = match args.format {
        PlanFormat::Table => report::plan_table(&result, &style_for(args.color), args.diff),
        PlanFormat::Json => ExportFormat::Json.render(&result).map_err(|e| anyhow!(e))?,
        PlanFormat::Yaml => ExportFormat::Yaml.render(&result).map_err(|e| anyhow!(e))?,
        PlanFormat::Script => ExportFormat::Script
            .render(&result)
            .map_err(|e| anyhow!(e))?,
    };
    write_stdout(&text)?;
    Ok(if loaded.input_errors() > 0 {
        EXIT_USAGE
    } else {
        0
    })
}
