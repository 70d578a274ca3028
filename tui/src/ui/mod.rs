//! The terminal UI, in the Msg/update/view shape:
//!
//! - [`state`]: what is shown (no terminal types); [`msg`]: the one message enum and the commands
//!   `update` hands to the runtime; [`update`]: the only place state changes (pure);
//!   [`view`]: draws from `&State`; [`layout`] and [`rows`]: geometry and row lists both share.
//! - [`keys`]: actions and the key map (help generated from it); [`theme`]: colours by role.
//! - [`source`]: files, samples and (later) live clusters as messages; the work behind commands.
//!
//! The loop waits on one channel (keys, mouse, resize, loads, results) and draws after each batch
//! of messages: nothing runs while nothing happens.

pub mod keys;
pub mod layout;
pub mod msg;
pub mod rows;
pub mod source;
pub mod state;
pub mod summary;
pub mod theme;
pub mod update;
pub mod view;

#[cfg(test)]
mod tests;

use std::io::stdout;
use std::sync::Arc;

use anyhow::Result;
use crossterm::event::{
    DisableMouseCapture, EnableMouseCapture, Event, KeyEventKind, MouseEventKind,
};
use crossterm::execute;
use quorum_core::config::Config;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use msg::{Cmd, Msg};
use source::{Applier, Launch};
use state::State;

/// Builds the key map and theme from the configuration (errors name the bad key or colour).
pub fn initial_state(config: &Config, launch: &Launch, size: (u16, u16)) -> Result<State> {
    let keys = keys::KeyMap::from_config(&config.tui).map_err(anyhow::Error::msg)?;
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let theme = theme::Theme::from_config(&config.tui, no_color).map_err(anyhow::Error::msg)?;
    Ok(State::new(keys, theme, launch.status(), size))
}

/// Checks the `tui` section of the configuration (keys, theme) before anything else happens.
pub fn check_config(config: &Config) -> Result<()> {
    keys::KeyMap::from_config(&config.tui).map_err(anyhow::Error::msg)?;
    theme::Theme::from_config(&config.tui, false).map_err(anyhow::Error::msg)?;
    Ok(())
}

/// Runs the TUI until the user quits; the terminal is restored whatever happens.
pub fn run(launch: Launch, config: &Config) -> Result<u8> {
    let mut state = initial_state(config, &launch, (80, 24))?;
    let rt = tokio::runtime::Builder::new_current_thread().build()?;
    let (tx, rx) = unbounded_channel();

    // Mouse capture off on a panic too (ratatui's hook, installed next, restores the rest).
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(stdout(), DisableMouseCapture);
        previous(info);
    }));
    let mut terminal = ratatui::try_init()?;
    execute!(stdout(), EnableMouseCapture)?;
    // crossterm installs its SIGWINCH handler when its event reader is first used. Until then
    // a resize is lost (SIGWINCH is ignored by default), so it is made here, before the size is
    // read, and not on the input thread, which a loaded machine may start late.
    crossterm::event::poll(std::time::Duration::ZERO)?;
    let size = terminal.size()?;
    state.size = (size.width, size.height);

    spawn_input(tx.clone());
    let applier = launch.applier();
    let result = rt.block_on(event_loop(
        &mut terminal,
        &mut state,
        rx,
        tx,
        applier,
        launch,
    ));

    let _ = execute!(stdout(), DisableMouseCapture);
    ratatui::restore();
    let _ = execute!(stdout(), crossterm::cursor::Show);
    // A load, a simulation or a plan may still run on the blocking pool: quitting does not wait
    // for it (dropping the runtime would, for seconds on a large cluster).
    rt.shutdown_background();
    result.map(|()| 0)
}

/// Terminal events on their own thread (crossterm's read blocks).
fn spawn_input(tx: UnboundedSender<Msg>) {
    std::thread::spawn(move || {
        // Tests hold the input thread back to prove no resize is lost before it reads.
        if cfg!(debug_assertions)
            && let Some(ms) = std::env::var("QUORUM_TEST_INPUT_DELAY_MS")
                .ok()
                .and_then(|v| v.parse().ok())
        {
            std::thread::sleep(std::time::Duration::from_millis(ms));
        }
        while let Ok(event) = crossterm::event::read() {
            let msg = match event {
                Event::Key(k) if k.kind != KeyEventKind::Release => Msg::Key(k),
                // Motion would redraw on every pixel the pointer crosses.
                Event::Mouse(m)
                    if !matches!(m.kind, MouseEventKind::Moved | MouseEventKind::Drag(_)) =>
                {
                    Msg::Mouse(m)
                }
                Event::Resize(w, h) => Msg::Resize(w, h),
                _ => continue,
            };
            if tx.send(msg).is_err() {
                break;
            }
        }
    });
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    state: &mut State,
    mut rx: UnboundedReceiver<Msg>,
    tx: UnboundedSender<Msg>,
    applier: Arc<dyn Applier>,
    launch: Launch,
) -> Result<()> {
    // A live source restarts on another context with `:context NAME`.
    let mut live = matches!(launch, Launch::Live { .. }).then(|| launch.clone());
    let mut stop = source::start(launch, tx.clone(), &tokio::runtime::Handle::current());
    draw(terminal, state)?;
    while let Some(first) = rx.recv().await {
        let mut cmds = Vec::new();
        cmds.extend(update::update(state, first));
        // Coalesce whatever else is waiting (a burst of keys, a resize storm) into one frame.
        while let Ok(msg) = rx.try_recv() {
            cmds.extend(update::update(state, msg));
        }
        for cmd in cmds {
            match cmd {
                Cmd::Quit => return Ok(()),
                Cmd::Apply(plan) => {
                    let (applier, tx) = (applier.clone(), tx.clone());
                    tokio::task::spawn_blocking(move || applier.apply(plan, tx));
                }
                Cmd::SwitchContext(name) => {
                    if let Some(next) = live.as_ref().and_then(|l| l.with_context(&name)) {
                        stop.store(true, std::sync::atomic::Ordering::Relaxed);
                        live = Some(next.clone());
                        stop = source::start(next, tx.clone(), &tokio::runtime::Handle::current());
                    }
                }
                other => {
                    let tx = tx.clone();
                    tokio::task::spawn_blocking(move || {
                        if let Some(msg) = source::perform(other) {
                            let _ = tx.send(msg);
                        }
                    });
                }
            }
        }
        if state.quit {
            return Ok(());
        }
        draw(terminal, state)?;
    }
    Ok(())
}

/// Draws one frame at the terminal's real size. The size a frame is drawn at is read from the
/// terminal; a resize event can come later than a frame (or, before the fix above, never), and
/// the layout must never be computed for another size than the one drawn.
pub fn draw<B: ratatui::backend::Backend>(
    terminal: &mut ratatui::Terminal<B>,
    state: &mut State,
) -> Result<()>
where
    B::Error: Send + Sync + 'static,
{
    let size = terminal.size()?;
    if state.size != (size.width, size.height) {
        update::update(state, Msg::Resize(size.width, size.height));
    }
    terminal.draw(|f| view::view(state, f))?;
    Ok(())
}
