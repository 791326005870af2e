//! Files the user asks for: snapshots (export, open) and CSV member lists. Each failure is
//! one sentence with the path last.

use super::state::write_atomic;
use crate::model::snapshot::{self, Snapshot};
use std::path::Path;

/// Writes a snapshot atomically: an existing file is replaced whole or not at all.
pub fn export_snapshot(path: &Path, snap: &Snapshot) -> Result<(), String> {
    write_atomic(path, &snap.to_json())
        .map_err(|e| format!("Could not write the snapshot ({e}): {}", path.display()))
}

/// Opens and checks a snapshot file.
pub fn open_snapshot(path: &Path) -> Result<Snapshot, String> {
    let fail = |why: String| format!("Could not open the snapshot: {why}: {}", path.display());
    let meta = std::fs::metadata(path).map_err(|e| fail(e.to_string()))?;
    if meta.is_dir() {
        return Err(fail("it is a folder".into()));
    }
    if meta.len() > snapshot::MAX_BYTES {
        return Err(fail(snapshot::SnapshotError::TooLarge.to_string()));
    }
    let bytes = std::fs::read(path).map_err(|e| fail(e.to_string()))?;
    Snapshot::from_json(&bytes).map_err(|e| fail(e.to_string()))
}

/// One CSV field, quoted when it has to be, and defused against spreadsheet formulas.
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// CSV text for a header and rows.
pub fn csv(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = header
        .iter()
        .map(|h| csv_field(h))
        .collect::<Vec<_>>()
        .join(",");
    out.push_str("\r\n");
    for r in rows {
        out.push_str(&r.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

pub fn export_csv(path: &Path, header: &[&str], rows: &[Vec<String>]) -> Result<(), String> {
    write_atomic(path, csv(header, rows).as_bytes())
        .map_err(|e| format!("Could not write the CSV file ({e}): {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let text = csv(
            &["name", "email"],
            &[vec!["O'Brien, Ann".into(), "=HYPERLINK(\"x\")".into()]],
        );
        assert_eq!(
            text,
            "name,email\r\n\"O'Brien, Ann\",\"'=HYPERLINK(\"\"x\"\")\"\r\n"
        );
    }

    #[test]
    fn opening_bad_files_names_the_file_and_the_problem() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("notes.json");
        std::fs::write(&p, b"{\"a\": 1}").unwrap();
        let e = open_snapshot(&p).unwrap_err();
        assert!(
            e.contains("not a snapshot") && e.ends_with("notes.json"),
            "{e}"
        );
        let e = open_snapshot(&dir.path().join("missing.json")).unwrap_err();
        assert!(e.contains("missing.json"), "{e}");
        let e = open_snapshot(dir.path()).unwrap_err();
        assert!(e.contains("folder"), "{e}");
    }
}
