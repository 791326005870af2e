//! A file path typed by hand, when this system shows no file dialog (no desktop portal).

use super::frame::{Shown, modal};
use crate::model::text::safe_file_name;
use crate::ui::action::{Action, FileJob};
use crate::ui::widgets;
use std::path::PathBuf;

/// The dialog's state.
pub struct PathDialog {
    job: FileJob,
    path: String,
}

impl PathDialog {
    /// For `job`, starting from `suggested` (made a safe file name: it comes from group
    /// names) in the home folder.
    pub fn new(job: FileJob, suggested: &str) -> Self {
        Self::in_folder(job, suggested, &dirs::home_dir().unwrap_or_default())
    }

    fn in_folder(job: FileJob, suggested: &str, base: &std::path::Path) -> Self {
        let path = if suggested.is_empty() {
            // The folder with its separator: the file's name is typed after it.
            format!("{}{}", base.display(), std::path::MAIN_SEPARATOR)
        } else {
            base.join(safe_file_name(suggested)).display().to_string()
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
            // Only what the text itself says: the file system is the engine's to ask (a
            // missing file or a folder is named by the job, and this frame never waits).
            let typed = self.path.trim();
            let path = PathBuf::from(typed);
            let problem = if typed.is_empty() {
                Some("Type a path.")
            } else if typed.ends_with(std::path::MAIN_SEPARATOR) {
                Some("That is a folder; add a file name.")
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A CSV name made from a hostile group name stays a file in the folder offered.
    #[test]
    fn a_suggested_name_stays_in_the_folder() {
        let home = std::path::Path::new("/home/admin");
        let job = || FileJob::ExportCsv {
            header: vec![],
            rows: vec![],
        };
        for hostile in [
            "/etc/passwd-members.csv",
            "../../../tmp/x-members.csv",
            "a/b\\c.csv",
        ] {
            let d = PathDialog::in_folder(job(), hostile, home);
            let p = std::path::PathBuf::from(&d.path);
            assert_eq!(p.parent(), Some(home), "{hostile} -> {}", d.path);
        }
    }
}
