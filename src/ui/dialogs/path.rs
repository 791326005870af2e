//! A file path typed by hand, when this system shows no file dialog (no desktop portal).

use super::{Shown, modal};
use crate::ui::action::{Action, FileJob};
use crate::ui::widgets;
use std::path::PathBuf;

/// The dialog's state.
pub struct PathDialog {
    job: FileJob,
    path: String,
}

impl PathDialog {
    /// For `job`, starting from `suggested` in the home folder.
    pub fn new(job: FileJob, suggested: &str) -> Self {
        let base = dirs::home_dir().unwrap_or_default();
        let path = if suggested.is_empty() {
            base.display().to_string()
        } else {
            base.join(suggested).display().to_string()
        };
        PathDialog { job, path }
    }

    /// Draws the dialog.
    pub fn show(&mut self, ctx: &egui::Context) -> Shown {
        let title = if self.job.saves() { "Save as" } else { "Open" };
        let (shown, escape) = modal(ctx, "file-path", title, 600.0, |ui| {
            ui.label(format!(
                "No file dialog is available here (no desktop portal is running), so type the file's path to {}.",
                self.job.verb()
            ));
            let field = widgets::labelled_text(
                ui,
                "File path",
                &mut self.path,
                "/home/you/file.json",
                false,
            );
            let path = PathBuf::from(self.path.trim());
            let problem = if self.path.trim().is_empty() {
                Some("Type a path.")
            } else if path.is_dir() {
                Some("That is a folder; add a file name.")
            } else if !self.job.saves() && !path.exists() {
                Some("There is no file at that path.")
            } else {
                None
            };
            if let Some(p) = problem {
                widgets::warn_text(ui, p);
            }
            let mut out = Shown::stay();
            ui.horizontal(|ui| {
                let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                let label = if self.job.saves() { "Save" } else { "Open" };
                if (ui
                    .add_enabled(problem.is_none(), egui::Button::new(label))
                    .clicked()
                    || enter)
                    && problem.is_none()
                {
                    out = Shown::done(Action::Send(self.job.clone().command(path.clone())));
                }
                if ui.button("Cancel").clicked() {
                    out = Shown::close();
                }
            });
            out
        });
        if escape { Shown::close() } else { shown }
    }
}
