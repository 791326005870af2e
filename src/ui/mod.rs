//! The desktop app: the only module that imports egui. Panels and dialogs draw a
//! read-only view and return actions; the app turns actions into engine commands after
//! drawing and applies engine events at the top of each frame.

pub mod a11y;
pub mod action;
mod app;
pub mod cache;
pub mod dialogs;
pub mod file_dialog;
pub mod markdown;
pub mod panels;
pub mod secret_field;
pub mod tabs;
pub mod view;
pub mod widgets;

pub use action::{Action, Tab};
pub use app::{App, AppOptions};

use crate::engine::config::Settings;
use crate::engine::files;
use crate::engine::paths::DataDir;
use crate::engine::runner::Target;
use crate::engine::secrets::OsKeyring;
use std::process::ExitCode;
use std::sync::Arc;

/// The window's title (its name to screen readers too).
pub const TITLE: &str = "Okta -> Statsig Teams";

/// Makes the data folder and the window's state file user-only before eframe writes to
/// them (eframe creates files with the default permissions).
pub fn private_window_state(data: &DataDir) -> std::io::Result<std::path::PathBuf> {
    files::private_data_folder(data.path(), &data.profile_dir())?;
    let file = data.window_state_file();
    if !file.exists() {
        use std::io::Write;
        files::open_private(&file, true)?.write_all(b"{}")?;
    }
    files::make_private(&file)?;
    Ok(file)
}

/// The window's icon: the packaged 256-pixel PNG, compiled in.
fn window_icon() -> std::sync::Arc<egui::IconData> {
    let png = include_bytes!("../../assets/icons/hicolor/256x256/apps/okta-statsig-teams.png");
    std::sync::Arc::new(eframe::icon_data::from_png_bytes(png).unwrap_or_default())
}

/// What the app connects to at start, and whether the connect wizard is offered: the
/// connection the command line's flags give (`flags`, for this run), else the saved one,
/// else the demo sandbox (with the wizard offered once); nothing with a snapshot.
pub fn start_target(
    snapshot: bool,
    demo: bool,
    flags: Option<Settings>,
    data: &DataDir,
) -> (Option<Target>, bool) {
    if snapshot {
        return (None, false);
    }
    if let Some(flags) = flags {
        return (Some(Target::Flags(Box::new(flags))), false);
    }
    let saved = Settings::load(data);
    // Nothing configured and no demo asked for: the connect wizard is offered (once).
    let offer_connect = !demo
        && saved
            .as_ref()
            .is_ok_and(|s| s.as_ref().is_none_or(|s| !s.is_configured()));
    let target = match (demo, saved) {
        (false, Ok(Some(s))) if s.is_configured() => Target::Saved(Box::new(s)),
        (_, Err(e)) => {
            eprintln!("warning: {e}; opening the demo sandbox");
            Target::Demo { reset: false }
        }
        _ => Target::Demo { reset: false },
    };
    (Some(target), offer_connect)
}

/// Opens the desktop app: on the connection the flags give, the saved one, or the demo
/// sandbox when there is none (or with `demo`), or on a snapshot offline.
pub fn run(
    snapshot: Option<std::path::PathBuf>,
    demo: bool,
    flags: Option<Settings>,
    data: DataDir,
) -> ExitCode {
    crate::engine::logging::init(&data);
    let (target, offer_connect) = start_target(snapshot.is_some(), demo, flags, &data);
    let persistence_path = match private_window_state(&data) {
        Ok(p) => Some(p),
        Err(e) => {
            eprintln!(
                "warning: the window's state cannot be kept ({e}): {}",
                data.path().display()
            );
            None
        }
    };
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title(TITLE)
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([960.0, 600.0])
            .with_drag_and_drop(true)
            .with_app_id("okta-statsig-teams")
            .with_icon(window_icon()),
        persistence_path,
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
                    data,
                    offer_connect,
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

#[cfg(test)]
mod icon_tests {
    #[test]
    fn the_window_icon_is_the_packaged_png() {
        let icon = super::window_icon();
        assert_eq!((icon.width, icon.height), (256, 256));
        assert_eq!(icon.rgba.len(), 256 * 256 * 4);
    }
}
