//! The saved connection settings: URLs and lists, never tokens.

use super::files::{FileError, write_atomic};
use super::paths::DataDir;
use serde::{Deserialize, Serialize};

/// A saved connection. Tokens live in the OS keyring under [`super::secrets::account`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Statsig SCIM base URL.
    pub statsig_url: String,
    /// Okta org URL.
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
    /// Both URLs are filled in.
    pub fn is_configured(&self) -> bool {
        !self.statsig_url.trim().is_empty() && !self.okta_url.trim().is_empty()
    }

    /// The saved settings; `Ok(None)` when there are none.
    pub fn load(dir: &DataDir) -> Result<Option<Settings>, FileError> {
        let path = dir.settings_file();
        match std::fs::read(&path) {
            Ok(b) => serde_json::from_slice(&b)
                .map(Some)
                .map_err(|e| FileError::unreadable("the settings", &path, e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(FileError::read("the settings", &path, e)),
        }
    }

    /// Saves the settings (atomically, user-only).
    pub fn save(&self, dir: &DataDir) -> Result<(), FileError> {
        let path = dir.settings_file();
        let json = serde_json::to_vec_pretty(self)
            .map_err(|e| FileError::unreadable("the settings", &path, e))?;
        write_atomic(&path, &json).map_err(|e| FileError::write("the settings", &path, e))
    }
}
