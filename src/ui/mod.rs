//! The desktop app: the only module that imports egui. Panels draw state the app owns and
//! return actions; the app turns actions into engine commands after drawing and applies
//! engine events at the top of each frame.

mod app;
mod dialogs;
mod views;
mod widgets;

pub use app::{App, AppOptions, Tab};

use crate::engine::config::Settings;
use crate::engine::runner::Target;
use crate::engine::secrets::OsKeyring;
use std::process::ExitCode;
use std::sync::Arc;

/// Opens the desktop app: on the saved connection, or on the demo sandbox when there is
/// none (or with `demo`).
pub fn run(snapshot: Option<std::path::PathBuf>, demo: bool) -> ExitCode {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .try_init();
    let target = match (demo, Settings::load()) {
        // A snapshot opens offline; nothing connects.
        _ if snapshot.is_some() => None,
        (false, Ok(Some(s))) if s.is_configured() => Some(Target::Saved(s)),
        (_, Err(e)) => {
            eprintln!("warning: {e}; opening the demo sandbox");
            Some(Target::Demo { reset: false })
        }
        _ => Some(Target::Demo { reset: false }),
    };
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Okta -> Statsig Teams")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([900.0, 560.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    let result = eframe::run_native(
        "okta-statsig-teams",
        options,
        Box::new(move |cc| {
            Ok(Box::new(App::new(
                cc,
                AppOptions {
                    target,
                    store: Arc::new(OsKeyring),
                    snapshot,
                },
            )))
        }),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: the window could not open: {e}");
            ExitCode::FAILURE
        }
    }
}
