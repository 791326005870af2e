//! The desktop app (the only module that imports egui).

use std::process::ExitCode;

/// Opens the desktop app.
pub fn run(_snapshot: Option<std::path::PathBuf>, _demo: bool) -> ExitCode {
    eprintln!("the desktop app is being built");
    ExitCode::FAILURE
}
