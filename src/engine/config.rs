//! Where the app keeps its files, and the saved connection settings (URLs and lists,
//! never tokens).

use super::state::write_atomic;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Overrides the data folder (tests, portable installs).
pub const DATA_DIR_ENV: &str = "OKTA_STATSIG_TEAMS_DATA_DIR";

static OVERRIDE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// Fixes the data folder for this process (tests); the first call wins.
pub fn set_data_dir(path: PathBuf) {
    let _ = OVERRIDE.set(path);
}

/// The app's data folder.
pub fn data_dir() -> PathBuf {
    if let Some(d) = OVERRIDE.get() {
        return d.clone();
    }
    if let Some(d) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    dirs::data_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("okta-statsig-teams")
}

/// A saved connection. Tokens live in the OS keyring under [`super::secrets::account`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub statsig_url: String,
    pub okta_url: String,
    /// Statsig projects, for reading group names; derived when empty.
    pub projects: Vec<String>,
    /// Email domains Statsig accepts; derived when empty.
    pub org_domains: Vec<String>,
    /// Membership changes per PATCH (Okta's default is 100).
    pub batch_size: usize,
    /// When a push stops to ask before removing members.
    pub guard: crate::model::mapping::Guard,
}

impl Settings {
    pub fn is_configured(&self) -> bool {
        !self.statsig_url.trim().is_empty() && !self.okta_url.trim().is_empty()
    }

    fn path() -> PathBuf {
        data_dir().join("settings.json")
    }

    /// The saved settings; `Ok(None)` when there are none.
    pub fn load() -> Result<Option<Settings>, String> {
        let path = Self::path();
        match std::fs::read(&path) {
            Ok(b) => serde_json::from_slice(&b)
                .map(Some)
                .map_err(|e| format!("The settings file is unreadable ({e}): {}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!(
                "Could not read the settings ({e}): {}",
                path.display()
            )),
        }
    }

    pub fn save(&self) -> Result<(), String> {
        let path = Self::path();
        let json = serde_json::to_vec_pretty(self).map_err(|e| e.to_string())?;
        write_atomic(&path, &json)
            .map_err(|e| format!("Could not save the settings ({e}): {}", path.display()))
    }
}
