//! Native file dialogs, run on a thread of their own so a frame never waits for one. When
//! none can be shown (no desktop portal on Linux: the dialog answers at once without
//! appearing), the app asks for a path instead.

use crate::ui::action::FileJob;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Faster than this, no person cancelled a dialog: none was shown.
const NO_DIALOG: Duration = Duration::from_millis(400);

/// What a dialog gave.
pub enum Picked {
    /// A file was chosen.
    File(FileJob, PathBuf),
    /// The admin cancelled.
    Cancelled,
    /// No dialog could be shown: ask for a path.
    Unavailable(FileJob, String),
}

/// At most one dialog at a time.
#[derive(Default)]
pub struct FilePicker {
    pending: Option<mpsc::Receiver<Picked>>,
}

impl FilePicker {
    /// Whether a dialog is open.
    pub fn is_open(&self) -> bool {
        self.pending.is_some()
    }

    /// Opens a dialog for `job`, offering `suggested` as the file name; `ctx` is woken
    /// when it closes.
    pub fn pick(&mut self, job: FileJob, suggested: String, ctx: egui::Context) {
        if self.pending.is_some() {
            return;
        }
        let (tx, rx) = mpsc::channel();
        self.pending = Some(rx);
        let spawned = std::thread::Builder::new()
            .name("file-dialog".into())
            .spawn(move || {
                let started = Instant::now();
                let (kind, ext) = job.kind();
                let dialog = rfd::FileDialog::new()
                    .add_filter(kind, &[ext])
                    .set_file_name(crate::model::text::safe_file_name(&suggested));
                let chosen = if job.saves() {
                    dialog.save_file()
                } else {
                    dialog.pick_file()
                };
                let picked = match chosen {
                    Some(path) => Picked::File(job, path),
                    None if started.elapsed() < NO_DIALOG => Picked::Unavailable(job, suggested),
                    None => Picked::Cancelled,
                };
                let _ = tx.send(picked);
                ctx.request_repaint();
            });
        if spawned.is_err() {
            self.pending = None;
        }
    }

    /// The dialog's answer, once it closed.
    pub fn poll(&mut self) -> Option<Picked> {
        let rx = self.pending.as_ref()?;
        match rx.try_recv() {
            Ok(p) => {
                self.pending = None;
                Some(p)
            }
            Err(mpsc::TryRecvError::Empty) => None,
            Err(mpsc::TryRecvError::Disconnected) => {
                self.pending = None;
                Some(Picked::Cancelled)
            }
        }
    }
}
