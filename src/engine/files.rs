//! Files: written atomically and readable by the user only; snapshots (export, open) and
//! CSV member lists. Each failure is one sentence saying what, why, and the path last.

use crate::model::snapshot::{self, Snapshot, SnapshotError};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// A file that could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FileError {
    /// Reading failed.
    #[error("Could not read {what} at {}: {reason}.", path.display())]
    Read {
        /// What the file is ("the settings").
        what: &'static str,
        /// Why.
        reason: String,
        /// Where.
        path: PathBuf,
    },
    /// The file is there but its content is not what it should be.
    #[error("{} at {} is unreadable: {reason}.", capital(what), path.display())]
    Unreadable {
        /// What the file is.
        what: &'static str,
        /// Why.
        reason: String,
        /// Where.
        path: PathBuf,
    },
    /// Writing failed.
    #[error("Could not write {what} to {}: {reason}.", path.display())]
    Write {
        /// What the file is.
        what: &'static str,
        /// Why.
        reason: String,
        /// Where.
        path: PathBuf,
    },
    /// Not a snapshot this app can open.
    #[error("Could not open the snapshot {}: {reason}.", path.display())]
    Snapshot {
        /// Why.
        reason: SnapshotError,
        /// Where.
        path: PathBuf,
    },
    /// A pipe, a device or a socket where a file was expected: reading it could hang or
    /// never end, so it is not read.
    #[error("Could not open {what} at {}: it is {kind}, not a file.", path.display())]
    Special {
        /// What the file should be.
        what: &'static str,
        /// What it is ("a named pipe", "a device").
        kind: &'static str,
        /// Where.
        path: PathBuf,
    },
    /// A folder where a file was expected.
    #[error("Could not open {what} at {}: it is a folder.", path.display())]
    Folder {
        /// What the file should be.
        what: &'static str,
        /// Where.
        path: PathBuf,
    },
}

/// A system error as words in a sentence: "Is a directory (os error 21)" reads "a folder
/// of that name is in the way".
fn in_words(e: impl std::fmt::Display) -> String {
    let raw = e.to_string();
    let bare = match raw.find(" (os error ") {
        Some(i) => raw[..i].to_string(),
        None => raw,
    };
    let known = [
        ("Is a directory", "a folder of that name is in the way"),
        (
            "Permission denied",
            "this user may not write there (permission denied)",
        ),
        (
            "No such file or directory",
            "it or its folder does not exist",
        ),
        ("No space left on device", "the disk is full"),
        ("Read-only file system", "the disk is read-only"),
        ("Not a directory", "a file stands where a folder should be"),
    ];
    if let Some((_, words)) = known.iter().find(|(k, _)| bare == *k) {
        return (*words).to_string();
    }
    // "Broken pipe" reads "broken pipe" mid-sentence; "JSON …" stays as it is.
    let bare = bare.trim_end_matches('.');
    let mut c = bare.chars();
    match (c.next(), c.clone().next()) {
        (Some(f), Some(n)) if !n.is_uppercase() => {
            f.to_lowercase().collect::<String>() + c.as_str()
        }
        _ => bare.to_string(),
    }
}

fn capital(what: &str) -> String {
    let mut c = what.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

impl FileError {
    /// Reading `path` failed.
    pub fn read(what: &'static str, path: &Path, e: impl std::fmt::Display) -> Self {
        FileError::Read {
            what,
            reason: in_words(e),
            path: path.to_path_buf(),
        }
    }

    /// `path`'s content is wrong.
    pub fn unreadable(what: &'static str, path: &Path, e: impl std::fmt::Display) -> Self {
        FileError::Unreadable {
            what,
            reason: in_words(e),
            path: path.to_path_buf(),
        }
    }

    /// Writing `path` failed.
    pub fn write(what: &'static str, path: &Path, e: impl std::fmt::Display) -> Self {
        FileError::Write {
            what,
            reason: in_words(e),
            path: path.to_path_buf(),
        }
    }
}

/// Writes `bytes` to `path` via a temp file in the same folder, fsync and rename, so the
/// file is either the old or the new one, never half of each. The temp file has an
/// unpredictable name and is created exclusively (a link planted in the folder is never
/// followed); files and the folder are created readable by the user only.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_with(path, |out| out.write_all(bytes))
}

/// [`write_atomic`] for content written piece by piece (a large file is never held
/// whole in memory).
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = parent_of(path);
    create_private_dir(dir)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    // `tempfile` creates it with O_EXCL (and 0600 on Unix); dropped on failure, it goes.
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)?;
    {
        let mut out = std::io::BufWriter::new(tmp.as_file_mut());
        write(&mut out)?;
        out.flush()?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// The folder `path` is in (`.` for a bare name).
pub fn parent_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
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

/// Opens a file for writing, created readable by the user only; `truncate` empties it.
pub fn open_private(path: &Path, truncate: bool) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(truncate);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

/// The data folder (and a profile's folder in it, when there is one) made or tightened to
/// user-only, whoever created it: the app and the command line both start with this.
pub fn private_data_folder(root: &Path, profile: &Path) -> std::io::Result<()> {
    create_private_dir(root)?;
    make_private(root)?;
    if profile != root && profile.is_dir() {
        make_private(profile)?;
    }
    Ok(())
}

/// Makes an existing file or folder user-only (0600 / 0700), whoever created it.
pub fn make_private(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(path)?;
        let mode = if meta.is_dir() { 0o700 } else { 0o600 };
        if meta.permissions().mode() & 0o777 != mode {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Writes a snapshot atomically: an existing file is replaced whole or not at all.
pub fn export_snapshot(path: &Path, snap: &Snapshot) -> Result<(), FileError> {
    write_atomic(path, &snap.to_json()).map_err(|e| FileError::write("the snapshot", path, e))
}

/// Reads a file of at most `limit` bytes that must be a regular file: a named pipe, a
/// device or a socket (also behind a link) is refused before it is read, and the read
/// stops past the limit whatever the file claims its size is.
pub fn read_regular(
    what: &'static str,
    path: &Path,
    limit: u64,
    too_large: impl FnOnce() -> FileError,
) -> Result<Vec<u8>, FileError> {
    let meta = std::fs::metadata(path).map_err(|e| FileError::read(what, path, e))?;
    refuse_special(what, path, &meta)?;
    let mut o = std::fs::OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    {
        // Opening a pipe swapped in since the check returns at once instead of waiting.
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(libc::O_NONBLOCK);
    }
    let file = o.open(path).map_err(|e| FileError::read(what, path, e))?;
    let meta = file
        .metadata()
        .map_err(|e| FileError::read(what, path, e))?;
    refuse_special(what, path, &meta)?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| FileError::read(what, path, e))?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(bytes)
}

/// A folder, pipe, device or socket where a regular file should be.
fn refuse_special(
    what: &'static str,
    path: &Path,
    meta: &std::fs::Metadata,
) -> Result<(), FileError> {
    if meta.is_file() {
        return Ok(());
    }
    if meta.is_dir() {
        return Err(FileError::Folder {
            what,
            path: path.to_path_buf(),
        });
    }
    let kind = {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            let t = meta.file_type();
            if t.is_fifo() {
                "a named pipe"
            } else if t.is_socket() {
                "a socket"
            } else {
                "a device"
            }
        }
        #[cfg(not(unix))]
        {
            "a device"
        }
    };
    Err(FileError::Special {
        what,
        kind,
        path: path.to_path_buf(),
    })
}

/// Opens and checks a snapshot file (a regular file, read through the size limit).
pub fn open_snapshot(path: &Path) -> Result<Snapshot, FileError> {
    let fail = |reason: SnapshotError| FileError::Snapshot {
        reason,
        path: path.to_path_buf(),
    };
    let bytes = read_regular("the snapshot", path, snapshot::MAX_BYTES, || {
        fail(SnapshotError::TooLarge)
    })?;
    Snapshot::from_json(&bytes).map_err(fail)
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

/// Writes member rows as a CSV file.
pub fn export_csv(path: &Path, header: &[&str], rows: &[Vec<String>]) -> Result<(), FileError> {
    write_atomic(path, csv(header, rows).as_bytes())
        .map_err(|e| FileError::write("the CSV file", path, e))
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
        let e = open_snapshot(&p).unwrap_err().to_string();
        assert!(
            e.contains("not a snapshot") && e.contains("notes.json") && e.ends_with('.'),
            "{e}"
        );
        let e = open_snapshot(&dir.path().join("missing.json"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("missing.json"), "{e}");
        let e = open_snapshot(dir.path()).unwrap_err().to_string();
        assert!(e.contains("folder"), "{e}");
        // A system error reads as words, without its number.
        std::fs::create_dir(dir.path().join("settings.json")).unwrap();
        let e = write_atomic(&dir.path().join("settings.json"), b"{}").unwrap_err();
        let e = FileError::write("the settings", &dir.path().join("settings.json"), e).to_string();
        assert!(e.starts_with("Could not write the settings to "), "{e}");
        assert!(
            e.ends_with("settings.json: a folder of that name is in the way."),
            "{e}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn files_and_folders_are_user_only_whoever_made_them() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a/b/file.json");
        write_atomic(&f, b"{}").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&f), 0o600);
        assert_eq!(mode(&dir.path().join("a/b")), 0o700);
        let loose = dir.path().join("loose.ron");
        std::fs::write(&loose, b"{}").unwrap();
        std::fs::set_permissions(&loose, std::fs::Permissions::from_mode(0o644)).unwrap();
        make_private(&loose).unwrap();
        assert_eq!(mode(&loose), 0o600);
    }
}
