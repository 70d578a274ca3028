//! `quorum-gui`: a window over a loaded cluster (or several): the summary, the findings, the zones
//! as swimlanes of nodes and pods, and the groups. Every answer comes from quorum-core; this crate
//! only loads the inputs the flags name and draws.

mod app;
mod cli;
mod palette;
mod panels;
mod session;

use std::process::ExitCode;

use clap::Parser;

use cli::Args;
use session::Session;

/// Exit codes: 2 as the `quorum` CLI for bad usage and unreadable inputs; 3 when no window opens.
const EXIT_USAGE: u8 = 2;
const EXIT_NO_DISPLAY: u8 = 3;

const NO_DISPLAY: &str =
    "error: no display available (set DISPLAY, or use the quorum CLI: quorum analyze ...)";

fn main() -> ExitCode {
    // clap prints usage errors and exits 2 itself.
    let args = Args::parse();
    // This build talks X11 only: without DISPLAY, winit has nothing to connect to. Said before
    // loading, which can take a while on a large export.
    if !display_available() {
        eprintln!("{NO_DISPLAY}");
        return ExitCode::from(EXIT_NO_DISPLAY);
    }
    let session = match Session::open(&args.origin()) {
        Ok(session) => session,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let options = eframe::NativeOptions {
        viewport: eframe::egui::ViewportBuilder::default()
            .with_title("Quorum")
            .with_inner_size([1500.0, 920.0])
            .with_min_inner_size([900.0, 560.0]),
        ..Default::default()
    };
    let result = eframe::run_native(
        "Quorum",
        options,
        Box::new(|cc| Ok(Box::new(app::QuorumApp::new(cc, session)))),
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

fn display_available() -> bool {
    if !cfg!(target_os = "linux") {
        return true;
    }
    std::env::var_os("DISPLAY").is_some_and(|d| !d.is_empty())
}
