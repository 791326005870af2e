//! The saved connection settings: URLs and lists, never tokens.

use super::connection::PushModeChoice;
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
    /// Okta push or Direct push.
    pub push_mode: PushModeChoice,
    /// The Statsig app's id in Okta (empty: found by `okta_app_search`).
    pub okta_app_id: String,
    /// What the Statsig app's label starts with (empty: "Statsig").
    pub okta_app_search: String,
}

impl Settings {
    /// The URLs the push mode needs are filled in: Okta's always; Statsig's unless the
    /// mode is Okta push, where Okta pushes and Statsig is only read for previews.
    pub fn is_configured(&self) -> bool {
        !self.okta_url.trim().is_empty()
            && (self.push_mode == PushModeChoice::Okta || !self.statsig_url.trim().is_empty())
    }

    /// The connection these settings describe, with its tokens.
    pub fn connection(
        &self,
        statsig_token: crate::model::secret::Secret,
        okta_token: crate::model::secret::Secret,
    ) -> super::connection::Connection {
        super::connection::Connection {
            statsig_url: self.statsig_url.trim().to_string(),
            statsig_token,
            okta_url: self.okta_url.trim().to_string(),
            okta_token,
            projects: self.projects.clone(),
            org_domains: self.org_domains.clone(),
            batch_size: self.batch_size,
            guard: self.guard,
            push_mode: self.push_mode,
            okta_app_id: Some(self.okta_app_id.trim().to_string()).filter(|s| !s.is_empty()),
            app_search: self.okta_app_search.clone(),
        }
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
