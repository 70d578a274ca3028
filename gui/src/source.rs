//! Where sessions come from: a loader on its own thread that sends plain messages over a channel
//! (the UI never blocks on a 2 GB export), and a watcher that notices when the files change. A
//! live source (`--context`) is read the same way, once per load; Reload reads it again.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant, SystemTime};

use crate::cli::Origin;
use crate::session::{Session, Stage};

/// What a source tells the window.
pub enum SourceMsg {
    Stage(Stage),
    Loaded(Box<Session>),
    Failed(String),
}

/// A source the window listens to.
pub struct Source {
    pub origin: Origin,
    receiver: Receiver<SourceMsg>,
    pub started: Instant,
    pub stage: Option<Stage>,
    /// Bytes of the files read so far (while reading them).
    pub read: std::sync::Arc<std::sync::atomic::AtomicU64>,
    watcher: Watcher,
}

impl Source {
    /// Starts loading `origin` on a thread; `wake` asks the window to repaint when a message is sent.
    pub fn spawn(origin: Origin, wake: impl Fn() + Send + Sync + 'static) -> Source {
        let (sender, receiver) = channel();
        let thread_origin = origin.clone();
        let read = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let counter = read.clone();
        std::thread::Builder::new()
            .name("quorum-load".into())
            .spawn(move || load(&thread_origin, &sender, &wake, &counter))
            .expect("a thread to load on");
        Source {
            watcher: Watcher::new(origin.watched_paths()),
            origin,
            receiver,
            started: Instant::now(),
            stage: Some(Stage::FIRST),
            read,
        }
    }

    /// Loads on the calling thread (tests, the headless report).
    pub fn load_now(origin: &Origin) -> anyhow::Result<Session> {
        Session::open(origin)
    }

    /// The messages sent since the last call.
    pub fn poll(&mut self) -> Vec<SourceMsg> {
        let messages: Vec<SourceMsg> = self.receiver.try_iter().collect();
        for m in &messages {
            match m {
                SourceMsg::Stage(stage) => self.stage = Some(*stage),
                SourceMsg::Loaded(_) | SourceMsg::Failed(_) => self.stage = None,
            }
        }
        messages
    }

    pub fn loading(&self) -> bool {
        self.stage.is_some()
    }

    /// Whether a watched file changed since the last check (checked at most once a second).
    pub fn files_changed(&mut self) -> bool {
        !self.loading() && self.watcher.changed()
    }
}

/// How far the files have been read, for the loading screen (`812 MB read`); None before any.
pub fn read_text(read: &std::sync::atomic::AtomicU64) -> Option<String> {
    let bytes = read.load(std::sync::atomic::Ordering::Relaxed);
    (bytes > 0).then(|| format!("{:.0} MB read", bytes as f64 / 1e6))
}

fn load(
    origin: &Origin,
    sender: &Sender<SourceMsg>,
    wake: &(dyn Fn() + Sync),
    read: &std::sync::atomic::AtomicU64,
) {
    // QUORUM_TIMINGS=1 prints each stage's time, as the CLI's `timing:` lines.
    let timings = std::env::var_os("QUORUM_TIMINGS").is_some();
    let last = std::cell::Cell::new((Stage::FIRST, Instant::now()));
    let stage = |s: Stage| {
        let (previous, since) = last.replace((s, Instant::now()));
        if timings && previous != s {
            eprintln!(
                "timing: {} {:.2} s",
                previous.describe(),
                since.elapsed().as_secs_f32()
            );
        }
        let _ = sender.send(SourceMsg::Stage(s));
        wake();
    };
    // The window repaints at most four times a second for the bytes read.
    let shown = std::sync::Mutex::new(Instant::now());
    let on_read = |bytes: u64| {
        read.store(bytes, std::sync::atomic::Ordering::Relaxed);
        let mut shown = shown.lock().expect("repaint clock");
        if shown.elapsed() >= Duration::from_millis(250) {
            *shown = Instant::now();
            wake();
        }
    };
    let mut sweeper = None;
    let message = match Session::open_with_progress(origin, &stage, &on_read) {
        Ok(session) => {
            sweeper = Some(session.sweeper());
            SourceMsg::Loaded(Box::new(session))
        }
        Err(e) => SourceMsg::Failed(format!("{e:#}")),
    };
    let (previous, since) = last.get();
    if timings {
        eprintln!(
            "timing: {} {:.2} s",
            previous.describe(),
            since.elapsed().as_secs_f32()
        );
    }
    let _ = sender.send(message);
    wake();
    // The window shows the cluster; the sweep's tab fills in when this is done.
    if let Some(sweeper) = sweeper {
        let since = Instant::now();
        sweeper();
        if timings {
            eprintln!(
                "timing: {} (after the first frame) {:.2} s",
                quorum_core::workbench::Stage::Sweeping.describe(),
                since.elapsed().as_secs_f32()
            );
        }
        wake();
    }
}

/// Polls the modification times of the inputs (files, and the files under directories).
struct Watcher {
    paths: Vec<PathBuf>,
    seen: Vec<(PathBuf, Option<SystemTime>)>,
    checked: Instant,
}

impl Watcher {
    fn new(paths: Vec<PathBuf>) -> Watcher {
        let seen = stamps(&paths);
        Watcher {
            paths,
            seen,
            checked: Instant::now(),
        }
    }

    fn changed(&mut self) -> bool {
        if self.paths.is_empty() || self.checked.elapsed() < Duration::from_secs(1) {
            return false;
        }
        self.checked = Instant::now();
        let now = stamps(&self.paths);
        let changed = now != self.seen;
        self.seen = now;
        changed
    }
}

fn stamps(paths: &[PathBuf]) -> Vec<(PathBuf, Option<SystemTime>)> {
    let mut out = Vec::new();
    for path in paths {
        collect(path, &mut out, 0);
    }
    out
}

fn collect(path: &PathBuf, out: &mut Vec<(PathBuf, Option<SystemTime>)>, depth: u32) {
    let meta = std::fs::metadata(path).ok();
    if let Some(m) = &meta
        && m.is_dir()
        && depth < 8
    {
        if let Ok(entries) = std::fs::read_dir(path) {
            let mut children: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
            children.sort();
            for child in children {
                collect(&child, out, depth + 1);
            }
        }
        return;
    }
    out.push((path.clone(), meta.and_then(|m| m.modified().ok())));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rewritten_file_is_noticed_and_an_untouched_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("cluster.yaml");
        std::fs::write(&file, "kind: Node\n").unwrap();
        let mut w = Watcher::new(vec![dir.path().to_path_buf()]);
        w.checked -= Duration::from_secs(2);
        assert!(!w.changed());
        std::fs::write(dir.path().join("more.yaml"), "kind: Node\n").unwrap();
        w.checked -= Duration::from_secs(2);
        assert!(w.changed(), "a new file under a watched directory");
    }

    #[test]
    fn a_sample_loads_on_the_thread_and_arrives_as_one_session() {
        let origin = Origin::Sample(quorum_core::samples::find("three-zones").unwrap());
        let mut source = Source::spawn(origin, || {});
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if source
                .poll()
                .into_iter()
                .any(|m| matches!(m, SourceMsg::Loaded(_)))
            {
                break;
            }
            assert!(Instant::now() < deadline, "the sample did not load");
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(!source.loading());
    }

    #[test]
    fn a_file_being_read_counts_its_bytes_for_the_loading_screen() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/three-zones");
        let size: u64 = std::fs::read_dir(&path)
            .unwrap()
            .map(|e| e.unwrap().metadata().unwrap().len())
            .sum();
        let origin = Origin::Inputs(vec![quorum_core::load::Input::new("default", &path)]);
        let mut source = Source::spawn(origin, || {});
        assert_eq!(read_text(&source.read), None, "nothing read yet");
        let deadline = Instant::now() + Duration::from_secs(30);
        while !source
            .poll()
            .into_iter()
            .any(|m| matches!(m, SourceMsg::Loaded(_)))
        {
            assert!(Instant::now() < deadline, "the file did not load");
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(
            source.read.load(std::sync::atomic::Ordering::Relaxed),
            size,
            "every byte of the file is counted"
        );
        assert!(read_text(&source.read).unwrap().ends_with("MB read"));
    }
}
