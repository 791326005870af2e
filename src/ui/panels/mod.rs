//! The frame around the tabs: the top bar (menus, connection, import, progress), the
//! status bar, and the projects list on the left.

pub mod projects;
pub mod status_bar;
pub mod top_bar;

use crate::engine::runner::JobKind;
use crate::engine::workspace::ImportProgress;
use std::path::PathBuf;

/// The running job, as the top bar shows it.
#[derive(Debug, Clone)]
pub struct Busy {
    /// What runs.
    pub kind: JobKind,
    /// Import progress, when importing.
    pub progress: Option<ImportProgress>,
}

/// What the window's frame shows besides the view.
pub struct Chrome<'a> {
    /// The dark theme is on.
    pub dark: bool,
    /// Recently opened snapshots, newest first.
    pub recent: &'a [PathBuf],
    /// The running job.
    pub busy: Option<&'a Busy>,
    /// Watching for changes.
    pub watching: bool,
    /// Desktop alerts while watching.
    pub alerts: bool,
    /// Another run of the app is pushing.
    pub other_pushing: bool,
    /// The last message.
    pub last_message: Option<&'a crate::ui::widgets::Toast>,
}
