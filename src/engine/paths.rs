//! The data folder: where settings, mappings, the demo's data and the window's state live.
//! Passed in (never a global), so tests and profiles each have their own.
//!
//! Connection profiles (*Production*, *Staging*, …) each keep their settings, mappings and
//! rules in `profiles/<name>/` and their tokens under their own keyring accounts; the
//! *Default* profile uses the folder itself. The demo, the log and the window's state are
//! shared.

use std::path::{Path, PathBuf};

/// Overrides the data folder (tests, portable installs).
pub const DATA_DIR_ENV: &str = "OKTA_STATSIG_TEAMS_DATA_DIR";

/// The profile every data folder has.
pub const DEFAULT_PROFILE: &str = "Default";

/// Why a profile name cannot be used, as one sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "\"{0}\" cannot name a profile: use 1 to 40 letters, digits, spaces, hyphens or underscores, starting with a letter or digit."
)]
pub struct BadProfileName(pub String);

/// The app's data folder, as one profile sees it. Created user-only (0700) when first
/// written to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir {
    root: PathBuf,
    /// `None`: the Default profile.
    profile: Option<String>,
}

impl DataDir {
    /// A data folder at `path`, on the Default profile.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        DataDir {
            root: path.into(),
            profile: None,
        }
    }

    /// The same folder on profile `name` (checked; "Default" is the folder itself).
    pub fn with_profile(&self, name: &str) -> Result<DataDir, BadProfileName> {
        let name = name.trim();
        if name.eq_ignore_ascii_case(DEFAULT_PROFILE) {
            return Ok(DataDir::new(self.root.clone()));
        }
        let ok = (1..=40).contains(&name.chars().count())
            && name.chars().next().is_some_and(char::is_alphanumeric)
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'));
        if !ok {
            return Err(BadProfileName(name.to_string()));
        }
        Ok(DataDir {
            root: self.root.clone(),
            profile: Some(name.to_string()),
        })
    }

    /// The profile's name.
    pub fn profile(&self) -> &str {
        self.profile.as_deref().unwrap_or(DEFAULT_PROFILE)
    }

    /// Every profile this folder holds, Default first, the others by name.
    pub fn profiles(&self) -> Vec<String> {
        let mut named: Vec<String> = std::fs::read_dir(self.root.join("profiles"))
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.path().is_dir())
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .filter(|n| self.with_profile(n).is_ok_and(|d| d.profile.is_some()))
            .collect();
        named.sort_by_key(|n| n.to_lowercase());
        std::iter::once(DEFAULT_PROFILE.to_string())
            .chain(named)
            .collect()
    }

    /// The profile's own folder (settings, mappings, rules).
    pub fn profile_dir(&self) -> PathBuf {
        match &self.profile {
            None => self.root.clone(),
            Some(p) => self.root.join("profiles").join(p),
        }
    }

    /// The keyring account for a token of `service` at `url` in this profile: two profiles
    /// on one URL keep two tokens.
    pub fn account(&self, service: &str, url: &str) -> String {
        match &self.profile {
            None => super::secrets::account(service, url),
            Some(p) => super::secrets::account(&format!("{service}@{p}"), url),
        }
    }

    /// The last profile the app used (the CLI starts on Default unless told).
    pub fn last_profile(&self) -> DataDir {
        std::fs::read_to_string(self.root.join("last-profile"))
            .ok()
            .and_then(|n| self.with_profile(n.trim()).ok())
            .filter(|d| d.profile_dir().is_dir())
            .unwrap_or_else(|| DataDir::new(self.root.clone()))
    }

    /// Remembers this profile as the one the app opens next.
    pub fn remember_profile(&self) -> std::io::Result<()> {
        super::files::write_atomic(&self.root.join("last-profile"), self.profile().as_bytes())
    }

    /// `OKTA_STATSIG_TEAMS_DATA_DIR` when set, else the platform's data folder
    /// (`~/.local/share/okta-statsig-teams` on Linux).
    pub fn from_env() -> Self {
        if let Some(d) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
            return DataDir::new(PathBuf::from(d));
        }
        DataDir::new(
            dirs::data_dir()
                .unwrap_or_else(std::env::temp_dir)
                .join("okta-statsig-teams"),
        )
    }

    /// The folder itself (shared by every profile).
    pub fn path(&self) -> &Path {
        &self.root
    }

    /// The profile's saved connection settings (URLs and lists, never tokens).
    pub fn settings_file(&self) -> PathBuf {
        self.profile_dir().join("settings.json")
    }

    /// The mappings of the profile's saved connection.
    pub fn state_file(&self) -> PathBuf {
        self.profile_dir().join("state.json")
    }

    /// The demo's own folder (its data and mappings; one demo for every profile).
    pub fn demo_dir(&self) -> PathBuf {
        self.root.join("demo")
    }

    /// The log file to send to support (rotated beside itself).
    pub fn log_file(&self) -> PathBuf {
        self.root.join("logs").join("okta-statsig-teams.log")
    }

    /// The window's own state (size, tab, theme, recent snapshots).
    pub fn window_state_file(&self) -> PathBuf {
        self.root.join("app.ron")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_keep_their_own_files_and_tokens() {
        let dir = tempfile::tempdir().unwrap();
        let d = DataDir::new(dir.path());
        let prod = d.with_profile("Production").unwrap();
        assert_eq!(prod.profile(), "Production");
        assert_ne!(prod.settings_file(), d.settings_file());
        assert_ne!(prod.state_file(), d.state_file());
        assert_eq!(prod.demo_dir(), d.demo_dir(), "one demo");
        let url = "https://statsigapi.net/scim";
        assert_ne!(prod.account("statsig", url), d.account("statsig", url));
        assert_eq!(d.with_profile("default").unwrap(), d);
        for bad in ["", "../x", ".hidden", "a/b", &"x".repeat(41)] {
            assert!(d.with_profile(bad).is_err(), "{bad:?}");
        }
        std::fs::create_dir_all(prod.profile_dir()).unwrap();
        std::fs::create_dir_all(d.with_profile("staging").unwrap().profile_dir()).unwrap();
        assert_eq!(d.profiles(), ["Default", "Production", "staging"]);
        prod.remember_profile().unwrap();
        assert_eq!(d.last_profile(), prod);
    }
}
