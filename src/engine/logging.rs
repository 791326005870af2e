//! Logging: warnings to stderr (colour only on a terminal), and a log file in the data
//! folder (`logs/okta-statsig-teams.log`, user-only, rotated by size) to send to support.
//! Nothing logged carries a token: requests are logged by method and path only, and
//! tokens are `Secret`s whose `Debug` is redacted.

use super::files::{create_private_dir, open_private};
use super::paths::DataDir;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Largest log file before it is rotated.
pub const MAX_BYTES: u64 = 2 * 1024 * 1024;
/// Rotated files kept (`.1` the newest).
pub const KEEP: usize = 3;

/// A log file rotated by size: `name.log`, then `name.log.1` … `name.log.{KEEP}`.
#[derive(Clone)]
pub struct LogFile(Arc<Mutex<Inner>>);

struct Inner {
    path: PathBuf,
    max: u64,
    file: Option<std::fs::File>,
    size: u64,
}

impl LogFile {
    /// The log file at `path`, rotated past `max` bytes.
    pub fn new(path: PathBuf, max: u64) -> Self {
        LogFile(Arc::new(Mutex::new(Inner {
            path,
            max,
            file: None,
            size: 0,
        })))
    }

    /// Where it writes.
    pub fn path(&self) -> PathBuf {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .path
            .clone()
    }
}

impl Inner {
    fn open(&mut self) -> std::io::Result<&mut std::fs::File> {
        if self.file.is_none() {
            if let Some(dir) = self.path.parent() {
                create_private_dir(dir)?;
            }
            let mut f = open_private(&self.path, false)?;
            self.size = f.seek_end()?;
            self.file = Some(f);
        }
        self.file
            .as_mut()
            .ok_or_else(|| std::io::Error::other("the log file is not open"))
    }

    fn rotate(&mut self) -> std::io::Result<()> {
        self.file = None;
        for n in (1..KEEP).rev() {
            let from = numbered(&self.path, n);
            if from.exists() {
                std::fs::rename(&from, numbered(&self.path, n + 1))?;
            }
        }
        if self.path.exists() {
            std::fs::rename(&self.path, numbered(&self.path, 1))?;
        }
        self.size = 0;
        Ok(())
    }
}

trait SeekEnd {
    fn seek_end(&mut self) -> std::io::Result<u64>;
}

impl SeekEnd for std::fs::File {
    fn seek_end(&mut self) -> std::io::Result<u64> {
        use std::io::Seek;
        self.seek(std::io::SeekFrom::End(0))
    }
}

fn numbered(path: &Path, n: usize) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(format!(".{n}"));
    PathBuf::from(s)
}

impl Write for LogFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut inner = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if inner.size > 0 && inner.size + buf.len() as u64 > inner.max {
            inner.rotate()?;
        }
        let n = inner.open()?.write(buf)?;
        inner.size += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let mut inner = self.0.lock().unwrap_or_else(|p| p.into_inner());
        match inner.file.as_mut() {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogFile {
    type Writer = LogFile;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Starts logging for a run of the app or the CLI: stderr at `RUST_LOG` (default:
/// warnings), the log file at `RUST_LOG` (default: this app's information and every
/// warning). Returns the log file's path.
pub fn init(data: &DataDir) -> PathBuf {
    use std::io::IsTerminal;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::{EnvFilter, Layer};
    let filter = |default: &str| {
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default))
    };
    let file = LogFile::new(data.log_file(), MAX_BYTES);
    let path = file.path();
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_ansi(std::io::stderr().is_terminal())
                .with_writer(std::io::stderr)
                .with_filter(filter("warn")),
        )
        .with(
            tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(file)
                .with_filter(filter("warn,okta_statsig_teams=info")),
        )
        .try_init();
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_rotates_by_size_and_keeps_a_few_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("logs/app.log");
        let mut log = LogFile::new(path.clone(), 100);
        for i in 0..40 {
            writeln!(log, "line {i:03} of the log, twenty-ish").unwrap();
        }
        log.flush().unwrap();
        assert!(std::fs::metadata(&path).unwrap().len() <= 100);
        assert!(numbered(&path, 1).exists() && numbered(&path, KEEP).exists());
        assert!(!numbered(&path, KEEP + 1).exists(), "only {KEEP} kept");
        let last = std::fs::read_to_string(&path).unwrap();
        assert!(
            last.contains("line 039"),
            "the newest lines are in the file"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }
}
