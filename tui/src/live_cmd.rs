//! The live-cluster side of the command line: reading `--context`, `export` and `apply`.

use std::io::{BufRead, IsTerminal, Write};
use std::time::Duration;

use anyhow::{Result, anyhow};
use quorum_core::live::{self, ClusterStatus, apply as run};
use quorum_core::model::Snapshot;

use crate::cli::{ApplyArgs, ApplyFormat, ExportArgs, LiveArgs};

pub fn options(contexts: &[String], args: &LiveArgs) -> live::Options {
    live::Options {
        contexts: contexts.to_vec(),
        kubeconfig: args.kubeconfig.clone(),
        page_size: args.page_size,
        list_in_pages: args.list_in_pages,
        timeout: Duration::from_secs(args.live_timeout),
        ..live::Options::default()
    }
}

/// Reads the live clusters; warnings (kinds RBAC refuses or the server does not serve) go to
/// stderr, and on a terminal a progress line while the read takes more than a second.
pub fn read(contexts: &[String], args: &LiveArgs) -> Result<Snapshot> {
    let mut line = ProgressLine::new("reading");
    let read = live::read_with_progress(&options(contexts, args), |p| line.show(p));
    line.erase();
    let read = read.map_err(|e| anyhow!(e))?;
    print_warnings(&read.status);
    if std::env::var_os("QUORUM_TIMINGS").is_some() {
        for c in &read.status {
            let r = c.requests;
            eprintln!(
                "timing: requests to {}: {} LIST pages, {} watches, {} other",
                c.cluster, r.lists, r.watches, r.other
            );
        }
    }
    Ok(read.snapshot)
}

/// One line on a terminal saying how far a read has come; nothing when stderr is no terminal.
struct ProgressLine {
    what: &'static str,
    terminal: bool,
    started: std::time::Instant,
    shown: bool,
}

impl ProgressLine {
    fn new(what: &'static str) -> ProgressLine {
        ProgressLine {
            what,
            terminal: std::io::stderr().is_terminal(),
            started: std::time::Instant::now(),
            shown: false,
        }
    }

    fn show(&mut self, p: live::ReadProgress) {
        // A read done within a second says nothing.
        if !self.terminal || self.started.elapsed() < Duration::from_secs(1) {
            return;
        }
        self.shown = true;
        // A server that streams its lists sends no pages: only the objects count then.
        let pages = if p.pages > 0 {
            format!("{} pages, ", p.pages)
        } else {
            String::new()
        };
        eprint!(
            "\r\x1b[K{}: {}/{} kinds, {pages}{} objects, {} s",
            self.what,
            p.kinds_done,
            p.kinds,
            p.objects,
            self.started.elapsed().as_secs()
        );
        let _ = std::io::stderr().flush();
    }

    fn erase(&self) {
        if self.shown {
            eprint!("\r\x1b[K");
        }
    }
}

fn print_warnings(status: &[ClusterStatus]) {
    for cluster in status {
        for warning in &cluster.warnings {
            eprintln!("warning: context {}: {warning}", cluster.cluster);
        }
    }
}

pub fn export(args: ExportArgs) -> Result<u8> {
    let mut line = ProgressLine::new("exporting");
    let done =
        live::export::export_with_progress(&options(&args.contexts, &args.live), &args.dir, |p| {
            line.show(p)
        });
    line.erase();
    let done = done.map_err(|e| anyhow!(e))?;
    for e in &done {
        for warning in &e.warnings {
            eprintln!("warning: context {}: {warning}", e.cluster);
        }
        println!(
            "{}: {} objects in {} files under {} ({} list requests); analyse with: quorum analyze --cluster {}={}",
            e.cluster,
            e.objects,
            e.files.len(),
            e.dir.display(),
            e.requests,
            e.cluster,
            e.dir.display()
        );
    }
    Ok(0)
}

pub fn apply(args: ApplyArgs) -> Result<u8> {
    let plan = run::read_plan(&args.plan).map_err(|e| anyhow!(e))?;
    run::check_target(&plan, &args.context).map_err(|e| anyhow!(e))?;
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if !args.yes && !interactive {
        anyhow::bail!(
            "apply changes the cluster: run it on a terminal to confirm each step, or pass --yes"
        );
    }
    let options = run::ApplyOptions {
        live: options(std::slice::from_ref(&args.context), &args.live),
        context: args.context.clone(),
        yes: args.yes,
        wait: Duration::from_secs(args.wait),
        poll: Duration::from_millis(500),
        journal: args.journal.clone(),
        from_step: args.from_step as usize,
    };
    let total = plan.steps.len();
    let mut confirm = |number: usize, step: &run::SavedStep| -> bool {
        eprintln!("  step {number}/{total} will call:");
        for call in &step.calls {
            eprintln!(
                "    {} {}{}",
                serde_json::to_value(call.verb)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                call.target(),
                call.body
                    .as_ref()
                    .map(|b| format!(" {b}"))
                    .unwrap_or_default()
            );
        }
        if !step.effect.is_empty() {
            eprintln!("    expected: {}", step.effect);
        }
        eprint!("  apply step {number}? [y/N] ");
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer).is_ok()
            && matches!(answer.trim(), "y" | "Y" | "yes")
    };
    let mut progress = |p: &run::Progress| match p {
        run::Progress::Step {
            step,
            of,
            action,
            objects,
        } => eprintln!("step {step}/{of}: {action} {}", objects.join(", ")),
        run::Progress::Skipped { reason, .. } => eprintln!("  skipped: {reason}"),
        run::Progress::DryRun { call, .. } => eprintln!("  dry run ok: {call}"),
        run::Progress::Applied { call, .. } => eprintln!("  applied: {call}"),
        run::Progress::Waiting { effect, .. } => eprintln!("  waiting for: {effect}"),
        run::Progress::Done { seconds, .. } => eprintln!("  done in {seconds:.1} s"),
    };
    let report =
        run::apply(&plan, &options, &mut confirm, &mut progress).map_err(|e| anyhow!(e))?;
    match args.format {
        ApplyFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("reports serialise")
        ),
        ApplyFormat::Table => {
            println!(
                "{}: {} of {} steps done, {} skipped (already so); journal {}",
                report.context,
                report.done,
                report.steps,
                report.skipped,
                report.journal.display()
            );
            if let Some(stop) = &report.stopped {
                println!("stopped at step {}: {}", stop.step, stop.reason);
                if stop.rollback.is_empty() {
                    println!("nothing to roll back");
                } else {
                    println!("to roll back, newest first:");
                    for r in &stop.rollback {
                        println!("  {r}");
                    }
                }
            }
        }
    }
    Ok(if report.stopped.is_some() { 1 } else { 0 })
}
