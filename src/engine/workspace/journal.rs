//! The journal of bulk applies: every restore, copy, rule apply and undo, with what was
//! planned, what was done and when, per connection (`journal.json` beside the mappings,
//! user-only, the last [`KEPT`] entries). *Undo last bulk apply* reads it.

use crate::engine::files::{FileError, write_atomic};
use crate::model::restore::Applied;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Entries kept; older ones are dropped.
pub const KEPT: usize = 100;

/// What kind of bulk apply an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BulkKind {
    /// A restore from a snapshot.
    Restore,
    /// A copy of a snapshot's mappings into this connection.
    Copy,
    /// A push rule applied.
    Rule,
    /// The undo of an earlier entry.
    Undo,
}

/// One bulk apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// When it was applied.
    pub at: String,
    /// What it was ("Restore from the snapshot taken …", "Rule \"Teams\"").
    pub what: String,
    /// Its kind.
    pub kind: BulkKind,
    /// The rows it planned, one line each.
    pub planned: Vec<String>,
    /// What it did.
    pub done: Vec<Applied>,
    /// Undone since.
    #[serde(default)]
    pub undone: bool,
}

impl JournalEntry {
    /// What its undo is called: "Undo of Rule \"Teams\" (2026-03-10 09:30:00 UTC)".
    pub fn undo_what(&self) -> String {
        format!(
            "Undo of {} ({})",
            self.what,
            crate::model::text::short_time(&self.at)
        )
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct JournalFile {
    version: u32,
    entries: Vec<JournalEntry>,
}

fn path(folder: &Path) -> std::path::PathBuf {
    folder.join("journal.json")
}

/// The entries, oldest first (none when there is no journal yet).
pub fn read(folder: &Path) -> Result<Vec<JournalEntry>, FileError> {
    let p = path(folder);
    match std::fs::read(&p) {
        Ok(b) => Ok(serde_json::from_slice::<JournalFile>(&b)
            .map_err(|e| FileError::unreadable("the journal of bulk applies", &p, e))?
            .entries),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(FileError::read("the journal of bulk applies", &p, e)),
    }
}

fn write(folder: &Path, mut entries: Vec<JournalEntry>) -> Result<(), FileError> {
    let p = path(folder);
    let cut = entries.len().saturating_sub(KEPT);
    entries.drain(..cut);
    let file = JournalFile {
        version: 1,
        entries,
    };
    let json = serde_json::to_vec_pretty(&file)
        .map_err(|e| FileError::unreadable("the journal of bulk applies", &p, e))?;
    write_atomic(&p, &json).map_err(|e| FileError::write("the journal of bulk applies", &p, e))
}

/// Adds an entry (the oldest go past [`KEPT`]).
pub fn append(folder: &Path, entry: JournalEntry) -> Result<(), FileError> {
    let mut entries = read(folder)?;
    entries.push(entry);
    write(folder, entries)
}

/// The last entry that can be undone: not an undo, not undone, and did something.
pub fn last_undoable(entries: &[JournalEntry]) -> Option<usize> {
    entries
        .iter()
        .rposition(|e| e.kind != BulkKind::Undo && !e.undone && !e.done.is_empty())
}

/// Marks entry `at` (its time and what) undone.
pub fn mark_undone(folder: &Path, at: &str, what: &str) -> Result<(), FileError> {
    let mut entries = read(folder)?;
    for e in entries.iter_mut().filter(|e| e.at == at && e.what == what) {
        e.undone = true;
    }
    write(folder, entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(n: usize, kind: BulkKind, done: bool) -> JournalEntry {
        JournalEntry {
            at: format!("t{n}"),
            what: format!("apply {n}"),
            kind,
            planned: vec![],
            done: if done {
                vec![Applied::Rule { name: "r".into() }]
            } else {
                vec![]
            },
            undone: false,
        }
    }

    #[test]
    fn keeps_the_last_entries_user_only_and_finds_the_last_to_undo() {
        let dir = tempfile::tempdir().unwrap();
        assert!(read(dir.path()).unwrap().is_empty());
        for n in 0..KEPT + 5 {
            append(dir.path(), entry(n, BulkKind::Rule, true)).unwrap();
        }
        let all = read(dir.path()).unwrap();
        assert_eq!(all.len(), KEPT);
        assert_eq!(all[0].at, "t5");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path(dir.path()))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        append(dir.path(), entry(900, BulkKind::Restore, false)).unwrap();
        append(dir.path(), entry(901, BulkKind::Undo, true)).unwrap();
        let all = read(dir.path()).unwrap();
        let last = last_undoable(&all).unwrap();
        assert_eq!(all[last].at, format!("t{}", KEPT + 4));
        mark_undone(dir.path(), &all[last].at, &all[last].what).unwrap();
        let all = read(dir.path()).unwrap();
        assert_eq!(
            all[last_undoable(&all).unwrap()].at,
            format!("t{}", KEPT + 3)
        );
    }

    #[test]
    fn a_damaged_journal_says_so_and_is_left_as_it_is() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(path(dir.path()), b"{not json").unwrap();
        let e = read(dir.path()).unwrap_err().to_string();
        assert!(e.contains("journal"), "{e}");
        assert!(append(dir.path(), entry(1, BulkKind::Rule, true)).is_err());
        assert_eq!(std::fs::read(path(dir.path())).unwrap(), b"{not json");
    }
}
