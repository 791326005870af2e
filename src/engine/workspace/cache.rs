//! The warm start: the directory as last read, kept beside the connection's mappings
//! (user-only, in the snapshot format with its version and checks, never a token), shown
//! at once when the app starts and then refreshed by what changed since.

use super::Workspace;
pub use super::progress::Warm;
use crate::engine::files::{self, FileError};
use crate::model::snapshot::{Snapshot, Source};
use std::path::{Path, PathBuf};

/// The cache's file name, in the folder of the connection's mappings (so per profile).
pub const CACHE_FILE: &str = "directory-cache.json";

/// How far before the cached read began the refresh asks Okta for changes, for clocks
/// that differ and changes made while the read ran.
const OVERLAP_MINUTES: i64 = 5;

/// What came of looking for a cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheLoad {
    /// None for this connection (no file, or one of another org).
    Missing,
    /// Shown; the next import refreshes it.
    Shown(Warm),
    /// Damaged or unreadable: moved aside, with the sentence that says so.
    MovedAside(String),
}

/// The cache file beside the mappings in `store_path`.
pub fn cache_path(store_path: &Path) -> PathBuf {
    files::parent_of(store_path).join(CACHE_FILE)
}

/// Removes the cache beside the mappings in `store_path`; true when there was one.
pub fn clear(store_path: &Path) -> Result<bool, FileError> {
    let path = cache_path(store_path);
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(FileError::write("the cached directory", &path, e)),
    }
}

impl Workspace {
    /// This connection's cache file.
    pub fn cache_path(&self) -> PathBuf {
        cache_path(self.core.store().path())
    }

    fn source(&self) -> Source {
        Source {
            statsig_url: self.core.conn().statsig_url.clone(),
            okta_url: self.core.conn().okta_url.clone(),
            demo: false,
        }
    }

    /// Shows the cached directory of this connection at once, if there is one. A damaged
    /// file is moved aside (never read again, never lost) and named in one sentence.
    pub fn load_cache(&mut self) -> CacheLoad {
        let path = self.cache_path();
        if !path.exists() {
            return CacheLoad::Missing;
        }
        let snap = match files::open_snapshot(&path) {
            Ok(s) => s,
            Err(e) => {
                let aside =
                    path.with_extension(format!("json.damaged-{}", crate::clock::epoch_seconds()));
                let moved = std::fs::rename(&path, &aside);
                return CacheLoad::MovedAside(match moved {
                    Ok(()) => format!(
                        "The cached directory could not be used ({e}); it was moved to {} and everything is read again.",
                        aside.display()
                    ),
                    Err(m) => format!(
                        "The cached directory could not be used ({e}) nor moved aside ({m}); everything is read again."
                    ),
                });
            }
        };
        if snap.source != self.source() || snap.redacted {
            return CacheLoad::Missing;
        }
        let since = crate::clock::minutes_before(&snap.taken_at, OVERLAP_MINUTES)
            .unwrap_or_else(|| snap.taken_at.clone());
        let warm = Warm {
            read_at: snap.taken_at.clone(),
            since,
        };
        self.core.set_directory(snap.into_directory());
        self.warm = Some(warm.clone());
        CacheLoad::Shown(warm)
    }

    /// Keeps the directory as read at `read_at` for the next start. A failure to write
    /// is returned as a sentence; the import it follows still counts.
    pub(super) fn save_cache(&self, read_at: &str) -> Result<(), FileError> {
        let path = self.cache_path();
        let snap = Snapshot::capture(read_at, self.source(), self.directory(), &[]);
        // Streamed: a large org's directory is not held twice in memory.
        files::write_atomic_with(&path, |out| Ok(serde_json::to_writer(out, &snap)?))
            .map_err(|e| FileError::write("the cached directory", &path, e))
    }

    /// Keep the directory for the next start after each import (the app does; a
    /// command-line run reads everything each time and leaves the cache alone).
    pub fn keep_cache(&mut self, keep: bool) {
        self.keep_cache = keep;
    }

    /// The cached directory shown and not refreshed yet, if so.
    pub fn warm(&self) -> Option<&Warm> {
        self.warm.as_ref()
    }
}
