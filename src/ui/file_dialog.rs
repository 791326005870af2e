//! Native file dialogs, run on a thread of their own so a frame never waits for one. When
//! none can be shown (on Linux and the BSDs: the desktop portal does not answer for its
//! file chooser), the app asks for a path instead; a dialog closed without a file is a
//! cancel, however fast.

use crate::ui::action::FileJob;
use std::path::PathBuf;
use std::sync::mpsc;

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
                if let Err(why) = dialog_available() {
                    tracing::info!("no file dialog: {why}; asking for a path");
                    let _ = tx.send(Picked::Unavailable(job, suggested));
                    ctx.request_repaint();
                    return;
                }
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

/// Whether a file dialog can be shown, as the desktop itself answers: the desktop portal
/// (which the dialogs go through on Linux and the BSDs) is asked for its file chooser's
/// version on the session bus. Runs on the dialog's thread, never in a frame.
#[cfg(all(unix, not(target_os = "macos")))]
fn dialog_available() -> Result<(), String> {
    const PORTAL: &str = "org.freedesktop.portal.Desktop";
    let bus = zbus::blocking::Connection::session()
        .map_err(|e| format!("no desktop session bus ({e})"))?;
    bus.call_method(
        Some(PORTAL),
        "/org/freedesktop/portal/desktop",
        Some("org.freedesktop.DBus.Properties"),
        "Get",
        &("org.freedesktop.portal.FileChooser", "version"),
    )
    .map(|_| ())
    .map_err(|e| format!("the desktop portal has no file chooser ({e})"))
}

/// Elsewhere the operating system's own dialogs are always there.
#[cfg(not(all(unix, not(target_os = "macos"))))]
fn dialog_available() -> Result<(), String> {
    Ok(())
}
