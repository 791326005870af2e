//! Push mappings and their status, persisted as JSON in the data folder: written
//! atomically and readable by the user only. Several runs of the app (the window and the
//! command line) share the file: each save checks that nobody saved a newer one since,
//! and each job starts by re-reading it when another run changed it.

use super::files::{self, FileError};
pub use crate::model::mapping::{
    Drift, DriftChoice, Guard, Mapping, MappingStatus, PushAction, PushCounts,
};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

/// The format this build writes.
pub const STATE_VERSION: u32 = 1;

/// Everything persisted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// The format version.
    pub version: u32,
    /// Bumped by every save, so a run can tell that another run saved since it read.
    #[serde(default)]
    pub revision: u64,
    /// The mappings.
    pub mappings: Vec<Mapping>,
    /// When the watcher last looked at Okta, for `lastMembershipUpdated gt`.
    #[serde(default)]
    pub watched_until: Option<String>,
    /// The number in the last mapping id handed out; ids are never reused.
    #[serde(default)]
    pub last_mapping_number: u64,
}

impl State {
    /// An empty state of this build's format.
    pub fn empty() -> Self {
        State {
            version: STATE_VERSION,
            ..State::default()
        }
    }

    /// The mapping with this id.
    pub fn mapping(&self, id: &str) -> Option<&Mapping> {
        self.mappings.iter().find(|m| m.id == id)
    }

    /// The mapping with this id, to change.
    pub fn mapping_mut(&mut self, id: &str) -> Option<&mut Mapping> {
        self.mappings.iter_mut().find(|m| m.id == id)
    }
}

/// Why the mappings could not be saved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// Another run of the app saved newer mappings since this one read them.
    #[error(
        "Another run of this app changed the mappings meanwhile; nothing was overwritten. The latest mappings were read again: try once more: {}",
        path.display()
    )]
    Conflict {
        /// The state file.
        path: PathBuf,
    },
    /// The file could not be written or locked.
    #[error(transparent)]
    File(#[from] FileError),
}

/// The state file.
#[derive(Debug)]
pub struct StateStore {
    path: PathBuf,
    /// The file's modification time and length when last read or written here.
    seen: Mutex<Option<(SystemTime, u64)>>,
}

impl Clone for StateStore {
    fn clone(&self) -> Self {
        StateStore::new(self.path.clone())
    }
}

/// What loading found besides the state: a sentence for the user when the file was bad.
pub struct Loaded {
    /// The state (empty when there was none, or it was unreadable).
    pub state: State,
    /// What went wrong, if anything.
    pub warning: Option<String>,
}

impl StateStore {
    /// The state file at `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        StateStore {
            path: path.into(),
            seen: Mutex::new(None),
        }
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn stamp(&self) -> Option<(SystemTime, u64)> {
        let m = std::fs::metadata(&self.path).ok()?;
        Some((m.modified().ok()?, m.len()))
    }

    fn remember(&self) {
        *self.seen.lock().unwrap_or_else(|p| p.into_inner()) = self.stamp();
    }

    /// Whether the file changed since this store last read or wrote it (one `stat`).
    pub fn changed_on_disk(&self) -> bool {
        *self.seen.lock().unwrap_or_else(|p| p.into_inner()) != self.stamp()
    }

    /// Loads the state. A missing file is an empty state; a corrupt one is moved aside
    /// (`state.json.corrupt-<time>`) and reported, and an empty state is used.
    pub fn load(&self) -> Loaded {
        self.remember();
        let bytes = match std::fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Loaded {
                    state: State::empty(),
                    warning: None,
                };
            }
            Err(e) => {
                return Loaded {
                    state: State::empty(),
                    warning: Some(format!(
                        "Could not read the saved mappings ({e}): {}",
                        self.path.display()
                    )),
                };
            }
        };
        match serde_json::from_slice::<State>(&bytes) {
            Ok(state) if state.version <= STATE_VERSION => Loaded {
                state,
                warning: None,
            },
            Ok(state) => Loaded {
                state: State::empty(),
                warning: Some(format!(
                    "The saved mappings are from a newer version of this app (format {}); they were left untouched: {}",
                    state.version,
                    self.path.display()
                )),
            },
            Err(e) => self.move_aside(e),
        }
    }

    fn move_aside(&self, e: serde_json::Error) -> Loaded {
        let stamp = time::OffsetDateTime::now_utc().unix_timestamp();
        let aside = self.path.with_extension(format!("json.corrupt-{stamp}"));
        let moved = std::fs::rename(&self.path, &aside).is_ok();
        self.remember();
        Loaded {
            state: State::empty(),
            warning: Some(if moved {
                format!(
                    "The saved mappings were unreadable ({e}) and were moved aside; starting with none: {}",
                    aside.display()
                )
            } else {
                format!(
                    "The saved mappings are unreadable ({e}): {}",
                    self.path.display()
                )
            }),
        }
    }

    /// The revision of the file on disk (0 when there is none or it is unreadable).
    fn disk_revision(&self) -> u64 {
        std::fs::read(&self.path)
            .ok()
            .and_then(|b| serde_json::from_slice::<State>(&b).ok())
            .map_or(0, |s| s.revision)
    }

    fn lock_file(&self, suffix: &str) -> std::io::Result<std::fs::File> {
        files::create_private_dir(files::parent_of(&self.path))?;
        files::open_private(&self.path.with_extension(format!("json.{suffix}")), false)
    }

    /// Takes the lock that says "a push is running on this state" (an OS file lock, so it
    /// is released even when the process is killed). `Ok(None)` means another process
    /// holds it.
    pub fn try_lock_push(&self) -> std::io::Result<Option<std::fs::File>> {
        let file = self.lock_file("lock")?;
        match file.try_lock() {
            Ok(()) => Ok(Some(file)),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(e),
        }
    }

    /// Whether another run of the app is pushing right now.
    pub fn is_push_locked(&self) -> bool {
        matches!(self.try_lock_push(), Ok(None))
    }

    /// Writes `state` atomically, unless another run saved a newer revision since `state`
    /// was read; then nothing is written and [`StoreError::Conflict`] says so. On success
    /// `state.revision` is the new revision.
    pub fn save(&self, state: &mut State) -> Result<(), StoreError> {
        let write_err = |e: std::io::Error| FileError::write("the mappings", &self.path, e);
        let lock = self.lock_file("write-lock").map_err(write_err)?;
        lock.lock().map_err(write_err)?;
        if self.disk_revision() > state.revision {
            return Err(StoreError::Conflict {
                path: self.path.clone(),
            });
        }
        let mut next = state.clone();
        next.revision = state.revision + 1;
        let json =
            serde_json::to_vec_pretty(&next).map_err(|e| write_err(std::io::Error::other(e)))?;
        files::write_atomic(&self.path, &json).map_err(write_err)?;
        state.revision = next.revision;
        self.remember();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_moves_a_corrupt_file_aside() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::new(dir.path().join("sub/state.json"));
        assert!(store.load().state.mappings.is_empty());
        let mut state = State::empty();
        state.watched_until = Some("2026-01-01T00:00:00.000Z".into());
        store.save(&mut state).unwrap();
        assert_eq!(store.load().state, state);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(store.path())
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
            let dmode = std::fs::metadata(dir.path().join("sub"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(dmode & 0o777, 0o700);
        }
        // One pusher at a time; the lock goes with its holder.
        let held = store.try_lock_push().unwrap().expect("free");
        assert!(
            store.try_lock_push().unwrap().is_none(),
            "held by the running push"
        );
        assert!(store.is_push_locked());
        drop(held);
        assert!(store.try_lock_push().unwrap().is_some());
        std::fs::write(store.path(), b"{ not json").unwrap();
        let loaded = store.load();
        assert!(loaded.state.mappings.is_empty());
        assert!(loaded.warning.unwrap().contains("moved aside"));
        assert!(!store.path().exists());
    }

    #[test]
    fn a_save_never_overwrites_what_another_run_saved_since() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let (gui, cli) = (StateStore::new(&path), StateStore::new(&path));
        let mut a = gui.load().state;
        let mut b = cli.load().state;
        b.last_mapping_number = 7;
        cli.save(&mut b).unwrap();
        assert!(gui.changed_on_disk());
        a.last_mapping_number = 3;
        let e = gui.save(&mut a).unwrap_err();
        assert!(matches!(e, StoreError::Conflict { .. }), "{e}");
        assert_eq!(gui.load().state.last_mapping_number, 7, "kept the newer");
        let mut a = gui.load().state;
        assert!(!gui.changed_on_disk());
        a.last_mapping_number = 8;
        gui.save(&mut a).unwrap();
        assert_eq!(cli.load().state.last_mapping_number, 8);
    }
}
