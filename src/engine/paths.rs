//! The data folder: where settings, mappings, the demo's data and the window's state live.
//! Passed in (never a global), so tests and profiles each have their own.

use std::path::{Path, PathBuf};

/// Overrides the data folder (tests, portable installs).
pub const DATA_DIR_ENV: &str = "OKTA_STATSIG_TEAMS_DATA_DIR";

/// The app's data folder. Created user-only (0700) when first written to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir(PathBuf);

impl DataDir {
    /// A data folder at `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        DataDir(path.into())
    }

    /// `OKTA_STATSIG_TEAMS_DATA_DIR` when set, else the platform's data folder
    /// (`~/.local/share/okta-statsig-teams` on Linux).
    pub fn from_env() -> Self {
        if let Some(d) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
            return DataDir(PathBuf::from(d));
        }
        DataDir(
            dirs::data_dir()
                .unwrap_or_else(std::env::temp_dir)
                .join("okta-statsig-teams"),
        )
    }

    /// The folder itself.
    pub fn path(&self) -> &Path {
        &self.0
    }

    /// The saved connection settings (URLs and lists, never tokens).
    pub fn settings_file(&self) -> PathBuf {
        self.0.join("settings.json")
    }

    /// The mappings of the saved connection.
    pub fn state_file(&self) -> PathBuf {
        self.0.join("state.json")
    }

    /// The demo's own folder (its data and mappings).
    pub fn demo_dir(&self) -> PathBuf {
        self.0.join("demo")
    }

    /// The log file to send to support (rotated beside itself).
    pub fn log_file(&self) -> PathBuf {
        self.0.join("logs").join("okta-statsig-teams.log")
    }

    /// The window's own state (size, tab, theme, recent snapshots).
    pub fn window_state_file(&self) -> PathBuf {
        self.0.join("app.ron")
    }
}
