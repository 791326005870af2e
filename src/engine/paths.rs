//! The data folder: where settings, mappings, the demo's data and the window's state live.
//! Passed in (never a global), so tests and profiles each have their own.
//!
//! Connection profiles (*Production*, *Staging*, …) each keep their settings, mappings and
//! rules in `profiles/<name>/` and their tokens under their own keyring accounts; the
//! *Default* profile uses the folder itself. The demo, the log and the window's state are
//! shared.
//!
//! A window holds its profile with an OS file lock ([`DataDir::lock`]): a second window on
//! the same profile is told another window has it open. The command line takes no lock;
//! its writes go through the state file's revision check.

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

/// Why a window cannot hold a profile.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileLockError {
    /// Another window holds it.
    #[error(
        "Another window has profile \"{0}\" open: use that window, or open another profile here."
    )]
    InUse(String),
    /// The lock file could not be made or locked.
    #[error(
        "Profile \"{0}\" could not be marked as open in this window ({1}); another window could open it too."
    )]
    Unavailable(String, std::io::Error),
}

/// A window's hold on a profile, released when dropped (or when the process ends, however
/// it ends: the OS drops the lock with the file).
#[derive(Debug)]
pub struct ProfileLock {
    _file: std::fs::File,
    profile: String,
}

impl ProfileLock {
    /// The profile held.
    pub fn profile(&self) -> &str {
        &self.profile
    }
}

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

    /// The file a window locks while it has this profile open.
    pub fn lock_file(&self) -> PathBuf {
        self.profile_dir().join("window.lock")
    }

    /// Holds this profile for one window (an OS file lock, user-only file): refused while
    /// another window holds it.
    pub fn lock(&self) -> Result<ProfileLock, ProfileLockError> {
        let profile = self.profile().to_string();
        let unavailable = |e| ProfileLockError::Unavailable(profile.clone(), e);
        super::files::create_private_dir(&self.profile_dir()).map_err(unavailable)?;
        let file = super::files::open_private(&self.lock_file(), false).map_err(unavailable)?;
        match file.try_lock() {
            Ok(()) => Ok(ProfileLock {
                _file: file,
                profile,
            }),
            Err(std::fs::TryLockError::WouldBlock) => Err(ProfileLockError::InUse(profile)),
            Err(std::fs::TryLockError::Error(e)) => Err(unavailable(e)),
        }
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

    #[test]
    fn one_window_holds_a_profile_until_it_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let d = DataDir::new(dir.path());
        let staging = d.with_profile("Staging").unwrap();
        let held = d.lock().unwrap();
        assert_eq!(held.profile(), "Default");
        assert_eq!(
            d.lock().unwrap_err().to_string(),
            "Another window has profile \"Default\" open: use that window, or open another profile here."
        );
        let other = staging.lock().expect("another profile is free");
        assert_eq!(
            d.profiles(),
            ["Default", "Staging"],
            "the lock is no profile"
        );
        drop(held);
        d.lock().expect("free once let go");
        drop(other);
    }
}
