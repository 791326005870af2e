//! Offline review: open and close a snapshot, export what is shown, compare with a file,
//! write CSV. File IO runs off the async threads.

use super::{Event, Runner, SnapshotInfo};
use crate::engine::error::{EngineError, Result, refused};
use crate::engine::{files, redaction};
use crate::model::compare;
use crate::model::snapshot::Snapshot;
use crate::model::text::short_time;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The file's own name, as the status line shows it (the full path is on the snapshot
/// badge's tooltip).
fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Runs blocking file work off the async threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> std::result::Result<T, files::FileError> + Send + 'static,
) -> Result<T> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r.map_err(EngineError::from),
        Err(e) => Err(EngineError::Failed(format!(
            "The file work stopped unexpectedly: {e}"
        ))),
    }
}

impl Runner {
    /// What is shown now, as a snapshot.
    fn current(&self) -> Option<Snapshot> {
        match (&self.snapshot, &self.ws) {
            (Some((_, s)), _) => Some(s.clone()),
            (None, Some(ws)) => Some(ws.snapshot(self.demo.is_some())),
            (None, None) => None,
        }
    }

    /// Opens a snapshot read-only; the current view stays as it was when it cannot.
    pub(super) async fn open_snapshot(&mut self, path: PathBuf) -> Result<String> {
        let p = path.clone();
        let snap = blocking(move || files::open_snapshot(&p)).await?;
        let info = SnapshotInfo {
            path: path.clone(),
            taken_at: snap.taken_at.clone(),
            source: snap.source.clone(),
            redacted: snap.redacted,
        };
        let directory = Arc::new(snap.directory());
        let mappings = snap.mappings.clone();
        let rules = snap.rules.clone();
        self.watching = None;
        self.send(Event::Watching(false));
        self.snapshot = Some((path.clone(), snap));
        self.send(Event::SnapshotOpened {
            info: info.clone(),
            directory,
            mappings,
            rules,
        });
        Ok(format!(
            "Opened {}, the snapshot taken {}.",
            file_name(&path),
            short_time(&info.taken_at)
        ))
    }

    /// Exports what is shown (live data or the open snapshot).
    pub(super) async fn export_snapshot(&mut self, path: PathBuf, redact: bool) -> Result<String> {
        let snap = self
            .current()
            .ok_or_else(|| refused("Nothing to export yet: import first, or open a snapshot."))?;
        let p = path.clone();
        let data = self.data.clone();
        blocking(move || {
            let snap = if redact {
                snap.redacted(&redaction::profile_key(&data)?)
            } else {
                snap
            };
            files::export_snapshot(&p, &snap)
        })
        .await?;
        Ok(format!(
            "Snapshot saved{}: {}",
            if redact { " (redacted)" } else { "" },
            path.display()
        ))
    }

    /// Compares what is shown with a snapshot file.
    pub(super) async fn compare(&mut self, path: PathBuf) -> Result<String> {
        let current = self
            .current()
            .ok_or_else(|| refused("Nothing to compare yet: import first, or open a snapshot."))?;
        let p = path.clone();
        let data = self.data.clone();
        let (comparison, health) = blocking(move || {
            let before = files::open_snapshot(&p)?;
            // This profile's key, when one side was redacted with it; no key is made here.
            let key = redaction::existing_key(&data);
            let comparison = compare::compare_keyed(&before, &current, key.as_ref());
            // Health on both sides alike: from the directory and the mappings alone.
            let now = crate::clock::now();
            let findings = |s: Snapshot| {
                let mappings = s.mappings.clone();
                let dir = s.into_directory();
                crate::model::health::check(crate::model::health::Input {
                    dir: &dir,
                    mappings: &mappings,
                    other_feeds: &[],
                    access: &crate::model::health::Access::default(),
                    now: &now,
                })
            };
            let health = crate::model::health::compare(&findings(before), &findings(current));
            Ok((comparison, health))
        })
        .await?;
        let summary = if comparison.is_empty() {
            "No differences.".to_string()
        } else {
            comparison.summary()
        };
        self.send(Event::Compared {
            against: path,
            comparison,
            health,
        });
        Ok(summary)
    }

    /// Writes member rows as CSV.
    pub(super) fn export_csv(
        path: &Path,
        header: &[String],
        rows: &[Vec<String>],
    ) -> Result<String> {
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        files::export_csv(path, &header, rows)?;
        Ok(format!(
            "{} saved: {}",
            crate::model::text::plural(rows.len(), "row"),
            path.display()
        ))
    }
}
