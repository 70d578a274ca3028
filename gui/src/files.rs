//! Choosing files: a dialog behind a trait, so the app works where no desktop portal runs. The
//! platform's dialog ([`NativeDialog`]: the XDG portal, else zenity, through rfd) where there is
//! one, the built-in [`PathPrompt`] (a text field) where there is none; and the recently opened
//! inputs.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::{Duration, Instant};

use eframe::egui::{self, RichText};

use quorum_core::plan::ExportFormat;

/// Why a path is asked for.
#[derive(Clone, Debug, PartialEq)]
pub enum Purpose {
    Open,
    ExportPlan(ExportFormat),
    Screenshot,
    Report,
}

impl Purpose {
    fn title(&self) -> &'static str {
        match self {
            Purpose::Open => {
                "Open files or a directory (several: separate with spaces; NAME=PATH for a named cluster)"
            }
            Purpose::ExportPlan(_) => "Save the plan as",
            Purpose::Screenshot => "Save the canvas as PNG",
            Purpose::Report => "Save the report as (.md or .html)",
        }
    }
}

/// What the user chose: words typed into the prompt (`PATH` or `NAME=PATH`, several separated by
/// spaces), or paths picked in the platform's dialog.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    Words(String),
    Paths(Vec<PathBuf>),
}

impl Answer {
    /// The one path a save asks for.
    pub fn path(&self) -> PathBuf {
        match self {
            Answer::Words(w) => PathBuf::from(w),
            Answer::Paths(p) => p.first().cloned().unwrap_or_default(),
        }
    }
}

/// A way to ask the user for a path. Asked once; answers once, on a later frame.
pub trait FileDialog {
    fn ask(&mut self, purpose: Purpose, suggested: &str);
    /// Shows whatever the dialog draws; returns the answer when there is one.
    fn show(&mut self, ctx: &egui::Context) -> Option<(Purpose, Answer)>;
}

/// The platform's dialog where a display runs, else the prompt. `QUORUM_FILE_DIALOG=prompt`
/// asks for the prompt (scripted sessions, a desktop whose dialog misbehaves).
pub fn native_or_prompt(display: bool) -> Box<dyn FileDialog> {
    let prompt_asked = std::env::var("QUORUM_FILE_DIALOG").is_ok_and(|v| v == "prompt");
    if display && !prompt_asked {
        Box::new(NativeDialog::default())
    } else {
        Box::new(PathPrompt::default())
    }
}

/// A dialog that came back with nothing this soon failed to open (no portal, no zenity): nobody
/// cancels a file dialog in a quarter of a second.
const TOO_SOON_TO_CANCEL: Duration = Duration::from_millis(250);

/// Shows a dialog and waits for its answer: the paths chosen, or none (cancelled, or no dialog).
type Picker = fn(&Purpose, &str) -> Option<Vec<PathBuf>>;

/// A question put to the dialog's thread: why, the name suggested, when, and where the answer
/// comes back.
type Waiting = (Purpose, String, Instant, Receiver<Option<Vec<PathBuf>>>);

/// The platform's file dialog, run on a thread of its own (it blocks until the user answers);
/// when it cannot open, the question goes to the [`PathPrompt`], and so do the later ones.
pub struct NativeDialog {
    picker: Picker,
    waiting: Option<Waiting>,
    prompt: PathPrompt,
    unavailable: bool,
}

impl Default for NativeDialog {
    fn default() -> Self {
        NativeDialog::with_picker(NativeDialog::pick)
    }
}

impl NativeDialog {
    fn with_picker(picker: Picker) -> NativeDialog {
        NativeDialog {
            picker,
            waiting: None,
            prompt: PathPrompt::default(),
            unavailable: false,
        }
    }

    /// rfd's dialog: the XDG desktop portal, else zenity.
    fn pick(purpose: &Purpose, suggested: &str) -> Option<Vec<PathBuf>> {
        let dialog = rfd::FileDialog::new().set_title(purpose.title());
        let dialog = match std::env::current_dir() {
            Ok(dir) => dialog.set_directory(dir),
            Err(_) => dialog,
        };
        match purpose {
            Purpose::Open => dialog
                .add_filter("Kubernetes exports", &["yaml", "yml", "json"])
                .add_filter("All files", &["*"])
                .pick_files(),
            Purpose::ExportPlan(format) => dialog
                .set_file_name(suggested)
                .add_filter(format.name(), &[format.extension()])
                .save_file()
                .map(|p| vec![p]),
            Purpose::Screenshot => dialog
                .set_file_name(suggested)
                .add_filter("PNG", &["png"])
                .save_file()
                .map(|p| vec![p]),
            Purpose::Report => dialog
                .set_file_name(suggested)
                .add_filter("Markdown", &["md"])
                .add_filter("HTML", &["html"])
                .save_file()
                .map(|p| vec![p]),
        }
    }
}

impl FileDialog for NativeDialog {
    fn ask(&mut self, purpose: Purpose, suggested: &str) {
        if self.unavailable {
            return self.prompt.ask(purpose, suggested);
        }
        let (tx, rx) = channel();
        let (p, s, pick) = (purpose.clone(), suggested.to_string(), self.picker);
        std::thread::spawn(move || {
            let _ = tx.send(pick(&p, &s));
        });
        self.waiting = Some((purpose, suggested.to_string(), Instant::now(), rx));
    }

    fn show(&mut self, ctx: &egui::Context) -> Option<(Purpose, Answer)> {
        let Some((_, _, asked, rx)) = &self.waiting else {
            return self.prompt.show(ctx);
        };
        let answer = match rx.try_recv() {
            Err(TryRecvError::Empty) => {
                // Nothing to draw: the dialog is a window of its own. Look again soon.
                ctx.request_repaint_after(Duration::from_millis(100));
                return None;
            }
            Ok(answer) => answer.filter(|paths| !paths.is_empty()),
            Err(TryRecvError::Disconnected) => None,
        };
        let too_soon = asked.elapsed() < TOO_SOON_TO_CANCEL;
        let (purpose, suggested, ..) = self.waiting.take()?;
        match answer {
            Some(paths) => Some((purpose, Answer::Paths(paths))),
            None if too_soon => {
                self.unavailable = true;
                self.prompt.ask(purpose, &suggested);
                self.prompt.show(ctx)
            }
            None => None,
        }
    }
}

/// The built-in dialog: a modal window with a path field.
#[derive(Default)]
pub struct PathPrompt {
    pending: Option<(Purpose, String)>,
}

impl FileDialog for PathPrompt {
    fn ask(&mut self, purpose: Purpose, suggested: &str) {
        self.pending = Some((purpose, suggested.to_string()));
    }

    fn show(&mut self, ctx: &egui::Context) -> Option<(Purpose, Answer)> {
        let (purpose, text) = self.pending.as_mut()?;
        let mut answer = None;
        let mut cancel = false;
        egui::Modal::new(egui::Id::unique("path-prompt")).show(ctx, |ui| {
            ui.set_width(520.0);
            ui.label(RichText::new(purpose.title()).strong());
            let field = ui.add(
                egui::TextEdit::singleline(text)
                    .desired_width(f32::INFINITY)
                    .hint_text("path"),
            );
            field.request_focus();
            let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            ui.horizontal(|ui| {
                if ui.button("OK").clicked() || enter {
                    answer = Some(text.trim().to_string());
                }
                if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                    cancel = true;
                }
            });
        });
        if cancel {
            self.pending = None;
            return None;
        }
        let answer = answer.filter(|a| !a.is_empty())?;
        let (purpose, _) = self.pending.take()?;
        Some((purpose, Answer::Words(answer)))
    }
}

/// Recently opened inputs, newest first, in a small file under the config directory.
pub struct Recent {
    file: Option<PathBuf>,
    pub entries: Vec<String>,
}

const RECENT_MAX: usize = 10;

impl Recent {
    /// `$XDG_CONFIG_HOME/quorum/recent-gui`, else `~/.config/quorum/recent-gui`.
    pub fn load() -> Recent {
        let dir = std::env::var_os("XDG_CONFIG_HOME")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".config")));
        Recent::at(dir.map(|d| d.join("quorum").join("recent-gui")))
    }

    pub fn at(file: Option<PathBuf>) -> Recent {
        let entries = file
            .as_ref()
            .and_then(|f| std::fs::read_to_string(f).ok())
            .map(|s| {
                s.lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        Recent { file, entries }
    }

    /// Remembers an opening (the same words `Purpose::Open` takes) and saves; failing to save is
    /// not worth an error.
    pub fn push(&mut self, entry: String) {
        self.entries.retain(|e| *e != entry);
        self.entries.insert(0, entry);
        self.entries.truncate(RECENT_MAX);
        if let Some(file) = &self.file {
            if let Some(dir) = file.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            let _ = quorum_core::files::write(file, self.entries.join("\n") + "\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs frames until the dialog answers or shows its prompt, or five seconds pass.
    fn frames(dialog: &mut NativeDialog) -> Option<(Purpose, Answer)> {
        let ctx = egui::Context::default();
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let mut answer = None;
            let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
                answer = dialog.show(ui.ctx());
            });
            // No painter here: the fonts' texture is not uploaded anywhere.
            output.textures_delta.clear();
            if answer.is_some() || dialog.waiting.is_none() || Instant::now() > deadline {
                return answer;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    #[test]
    fn a_path_chosen_in_the_platforms_dialog_is_the_answer() {
        let mut d = NativeDialog::with_picker(|_, _| Some(vec!["/tmp/review.html".into()]));
        d.ask(Purpose::Report, "quorum-review.md");
        let (purpose, answer) = frames(&mut d).expect("answered");
        assert_eq!(purpose, Purpose::Report);
        assert_eq!(answer.path(), PathBuf::from("/tmp/review.html"));
    }

    #[test]
    fn where_no_dialog_opens_the_path_prompt_asks_instead_and_from_then_on() {
        let mut d = NativeDialog::with_picker(|_, _| None);
        d.ask(Purpose::Report, "quorum-review.md");
        assert_eq!(frames(&mut d), None, "the prompt waits for the user");
        assert!(d.unavailable);
        assert_eq!(
            d.prompt.pending,
            Some((Purpose::Report, "quorum-review.md".to_string()))
        );
        d.prompt.pending = None;
        d.ask(Purpose::Screenshot, "quorum.png");
        assert!(
            d.waiting.is_none(),
            "no second try at a dialog that cannot open"
        );
        assert_eq!(
            d.prompt.pending,
            Some((Purpose::Screenshot, "quorum.png".to_string()))
        );
    }

    #[test]
    fn a_dialog_cancelled_by_the_user_asks_nothing_more() {
        let mut d = NativeDialog::with_picker(|_, _| {
            std::thread::sleep(TOO_SOON_TO_CANCEL + Duration::from_millis(100));
            None
        });
        d.ask(Purpose::Open, "");
        assert_eq!(frames(&mut d), None);
        assert!(!d.unavailable);
        assert_eq!(d.prompt.pending, None, "no prompt after a cancel");
    }

    #[test]
    fn recent_files_survive_a_restart_newest_first_without_duplicates() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("quorum").join("recent-gui");
        let mut r = Recent::at(Some(file.clone()));
        r.push("a.yaml".into());
        r.push("dc-a=a/ dc-b=b/".into());
        r.push("a.yaml".into());
        let again = Recent::at(Some(file));
        assert_eq!(again.entries, vec!["a.yaml", "dc-a=a/ dc-b=b/"]);
    }
}
