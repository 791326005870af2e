//! Each profile's redaction key: 32 random bytes in `redaction.key` in the profile's
//! folder, user-only (0600), made at the first redacted export.
//!
//! A file beside the profile's data rather than the keyring: it is not a credential
//! (it opens nothing; it only decides the pseudonyms), and whoever can read the profile's
//! folder can read the unredacted directory cache there anyway, so the key adds nothing
//! to what that person can see; a file works where no keyring runs (servers, CI), which
//! the command line's `--redact` needs. It never goes into a snapshot: a redacted file
//! carries only the key's fingerprint, to tell whether two files compare.

use super::files::{self, FileError};
use super::paths::DataDir;
use crate::model::redact::RedactionKey;
use rand::TryRngCore;
use std::io::Write;
use std::path::Path;

/// The key's file name in the profile's folder.
pub const KEY_FILE: &str = "redaction.key";

/// The profile's key, made (and kept) when it has none yet.
pub fn profile_key(data: &DataDir) -> Result<RedactionKey, FileError> {
    let dir = data.profile_dir();
    let path = dir.join(KEY_FILE);
    if !path.exists() {
        match make(&dir, &path) {
            Ok(key) => return Ok(key),
            // Another run made it first: use that one.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(FileError::write("the redaction key", &path, e)),
        }
    }
    read(&path)
}

/// The profile's key if it has one (comparing never makes one); an unreadable key counts
/// as none, so a comparison then says the sides cannot be matched.
pub fn existing_key(data: &DataDir) -> Option<RedactionKey> {
    let path = data.profile_dir().join(KEY_FILE);
    path.exists().then(|| read(&path).ok()).flatten()
}

fn read(path: &Path) -> Result<RedactionKey, FileError> {
    let bytes = files::read_regular("the redaction key", path, 1024, || {
        FileError::unreadable("the redaction key", path, "it is too large")
    })?;
    let _ = files::make_private(path);
    RedactionKey::from_hex(&String::from_utf8_lossy(&bytes)).ok_or_else(|| {
        FileError::unreadable(
            "the redaction key",
            path,
            "it is not 64 hex digits; remove it to make a new one (files redacted with the old one will then no longer compare with new ones)",
        )
    })
}

/// Writes a new key whole (a temp file linked into place, never over an existing key).
fn make(dir: &Path, path: &Path) -> std::io::Result<RedactionKey> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(std::io::Error::other)?;
    let key = RedactionKey::from_bytes(bytes);
    files::create_private_dir(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".redaction.key.")
        .tempfile_in(dir)?;
    writeln!(tmp.as_file_mut(), "{}", key.to_hex())?;
    tmp.as_file().sync_all()?;
    tmp.persist_noclobber(path).map_err(|e| e.error)?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_profile_keeps_its_own_user_only_key() {
        let dir = tempfile::tempdir().unwrap();
        let root = DataDir::new(dir.path());
        let staging = root.with_profile("Staging").unwrap();
        let a = profile_key(&root).unwrap();
        assert_eq!(profile_key(&root).unwrap(), a, "kept");
        let b = profile_key(&staging).unwrap();
        assert_ne!(a, b);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(staging.profile_dir().join(KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(root.profile_dir().join(KEY_FILE), "nonsense").unwrap();
        let e = profile_key(&root).unwrap_err().to_string();
        assert!(
            e.contains("redaction key") && e.contains("64 hex digits"),
            "{e}"
        );
    }
}
