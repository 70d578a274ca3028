//! Choosing files: a dialog behind a trait, so the app works where no desktop portal runs (the
//! built-in [`PathPrompt`] is a text field), and the recently opened inputs.

use std::path::{Path, PathBuf};

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

/// A way to ask the user for a path. Asked once; answers once, on a later frame.
pub trait FileDialog {
    fn ask(&mut self, purpose: Purpose, suggested: &str);
    /// Shows whatever the dialog draws; returns the answer when there is one.
    fn show(&mut self, ctx: &egui::Context) -> Option<(Purpose, String)>;
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

    fn show(&mut self, ctx: &egui::Context) -> Option<(Purpose, String)> {
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
        Some((purpose, answer))
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
