//! Push mappings and their status, persisted as JSON in the user's data dir: written
//! atomically (temp file, fsync, rename) and readable by the user only.

pub use crate::model::mapping::{
    Drift, DriftChoice, Guard, Mapping, MappingStatus, PushAction, PushCounts,
};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

pub const STATE_VERSION: u32 = 1;

/// Everything persisted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    pub version: u32,
    pub mappings: Vec<Mapping>,
    /// When the watcher last looked at Okta, for `lastMembershipUpdated gt`.
    #[serde(default)]
    pub watched_until: Option<String>,
    /// The number in the last mapping id handed out; ids are never reused.
    #[serde(default)]
    pub last_mapping_number: u64,
}

impl State {
    pub fn mapping(&self, id: &str) -> Option<&Mapping> {
        self.mappings.iter().find(|m| m.id == id)
    }

    pub fn mapping_mut(&mut self, id: &str) -> Option<&mut Mapping> {
        self.mappings.iter_mut().find(|m| m.id == id)
    }
}

/// The state file.
#[derive(Debug, Clone)]
pub struct StateStore {
    path: PathBuf,
}

/// What loading found besides the state: a sentence for the user when the file was bad.
pub struct Loaded {
    pub state: State,
    pub warning: Option<String>,
}

impl StateStore {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        StateStore { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Loads the state. A missing file is an empty state; a corrupt one is moved aside
    /// (`state.json.corrupt-<time>`) and reported, and an empty state is used.
    pub fn load(&self) -> Loaded {
        let bytes = match std::fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Loaded {
                    state: State {
                        version: STATE_VERSION,
                        ..State::default()
                    },
                    warning: None,
                };
            }
            Err(e) => {
                return Loaded {
                    state: State::default(),
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
                state: State::default(),
                warning: Some(format!(
                    "The saved mappings are from a newer version of this app (format {}); they were left untouched: {}",
                    state.version,
                    self.path.display()
                )),
            },
            Err(e) => {
                let stamp = time::OffsetDateTime::now_utc().unix_timestamp();
                let aside = self.path.with_extension(format!("json.corrupt-{stamp}"));
                let moved = std::fs::rename(&self.path, &aside).is_ok();
                Loaded {
                    state: State {
                        version: STATE_VERSION,
                        ..State::default()
                    },
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
        }
    }

    /// Takes the lock that says "a push is running on this state" (an OS file lock, so it
    /// is released even when the process is killed). `Ok(None)` means another process
    /// holds it.
    pub fn try_lock_push(&self) -> std::io::Result<Option<std::fs::File>> {
        let dir = self
            .path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        create_private_dir(dir)?;
        let file = open_private_keep(&self.path.with_extension("json.lock"))?;
        match file.try_lock() {
            Ok(()) => Ok(Some(file)),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(e),
        }
    }

    /// Writes the state atomically.
    pub fn save(&self, state: &State) -> std::io::Result<()> {
        let json = serde_json::to_vec_pretty(state).map_err(std::io::Error::other)?;
        write_atomic(&self.path, &json)
    }
}

/// Writes `bytes` to `path` via a temp file in the same folder, fsync and rename, so the
/// file is either the old or the new one, never half of each. Files and the folder are
/// created readable by the user only.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    create_private_dir(dir)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    {
        let mut f = open_private(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// Creates `dir` (and parents) with mode 0700 on Unix.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.exists() {
        return Ok(());
    }
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

/// Opens (creating, not truncating) a file readable by the user only.
fn open_private_keep(path: &Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

fn open_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_moves_a_corrupt_file_aside() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::new(dir.path().join("sub/state.json"));
        assert!(store.load().state.mappings.is_empty());
        let mut state = State {
            version: STATE_VERSION,
            ..State::default()
        };
        state.watched_until = Some("2026-01-01T00:00:00.000Z".into());
        store.save(&state).unwrap();
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
        drop(held);
        assert!(store.try_lock_push().unwrap().is_some());
        std::fs::write(store.path(), b"{ not json").unwrap();
        let loaded = store.load();
        assert!(loaded.state.mappings.is_empty());
        assert!(loaded.warning.unwrap().contains("moved aside"));
        assert!(!store.path().exists());
    }
}
