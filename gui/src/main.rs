//! `quorum-gui`: the desktop app for architecture reviews. A topology canvas (zones as lanes,
//! nodes as cards, pods as chips, leaders crowned, volumes pinned), what-if failures with a
//! timeline, the findings, leaders, groups and sweep panels, plans stepped through on the canvas,
//! and review output (PNG, Markdown, HTML). Every answer comes from quorum-core; this crate loads
//! the inputs the flags name, keeps view state and draws.

mod app;
mod canvas;
mod cli;
mod commands;
mod files;
mod jobs;
mod measure;
mod palette;
mod panels;
mod planner;
mod review;
mod session;
mod source;
#[cfg(test)]
mod ui_tests;
mod whatif;

use std::process::ExitCode;

// The loader allocates millions of small strings on every core; mimalloc is much faster at it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;

use cli::{Args, Origin};

/// Exit codes: 2 as the `quorum` CLI for bad usage and unreadable inputs; 3 when no window opens.
const EXIT_USAGE: u8 = 2;
const EXIT_NO_DISPLAY: u8 = 3;

const NO_DISPLAY: &str = "error: no display available (set DISPLAY, or use the quorum CLI: quorum analyze ..., \
     or write the review without a window: quorum-gui --report review.md ...)";

fn main() -> ExitCode {
    // clap prints usage errors and exits 2 itself.
    let args = Args::parse();
    if let Some(version) = &args.kubernetes_version {
        session::ask_kubernetes_version(version.clone());
    }
    let origin = args.origin();
    if let Err(e) = check_paths(&origin) {
        eprintln!("error: {e}");
        return ExitCode::from(EXIT_USAGE);
    }
    if let Some(path) = &args.report {
        return headless_report(&origin, path);
    }
    // This build talks X11 only: without DISPLAY, winit has nothing to connect to.
    if !display_available() {
        eprintln!("{NO_DISPLAY}");
        return ExitCode::from(EXIT_NO_DISPLAY);
    }
    let options = eframe::NativeOptions {
        viewport: eframe::egui::ViewportBuilder::default()
            .with_title("Quorum")
            .with_inner_size([1500.0, 920.0])
            .with_min_inner_size([900.0, 560.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    let screenshot = args.screenshot.clone();
    let measure = args.measure;
    let result = eframe::run_native(
        "Quorum",
        options,
        Box::new(move |cc| {
            let mut app = app::QuorumApp::loading(&cc.egui_ctx, origin, files::Recent::load());
            app.dialog = files::native_or_prompt(true);
            app.automation.screenshot = screenshot;
            app.automation.measure = measure.then(measure::Measure::default);
            Ok(Box::new(app))
        }),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{NO_DISPLAY}");
            eprintln!("  caused by: {e}");
            ExitCode::from(EXIT_NO_DISPLAY)
        }
    }
}

/// Paths that do not exist are a usage error before any window opens.
fn check_paths(origin: &Origin) -> Result<(), String> {
    if let Origin::Inputs(inputs) = origin {
        for i in inputs.iter().filter(|i| !i.is_stdin()) {
            if std::fs::metadata(&i.path).is_err() {
                return Err(format!("{}: no such file or directory", i.path.display()));
            }
        }
    }
    Ok(())
}

/// `--report PATH`: the review without a window.
fn headless_report(origin: &Origin, path: &std::path::Path) -> ExitCode {
    let session = match source::Source::load_now(origin) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    for p in session.input_problems() {
        eprintln!("{}: {}", p.location, p.message);
    }
    let overlay = canvas::Overlay::today(&session);
    let review = review::Review {
        session: &session,
        layout: &session.layout,
        overlay: &overlay,
        whatif: None,
        plan: None,
    };
    match review.write(path) {
        Ok(files) => {
            for f in files {
                eprintln!("wrote {}", f.display());
            }
            if session.input_problems().is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_USAGE)
            }
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn display_available() -> bool {
    if !cfg!(target_os = "linux") {
        return true;
    }
    std::env::var_os("DISPLAY").is_some_and(|d| !d.is_empty())
}
