//! The Okta groups whose members an import reads after the views are shown, as they come
//! in (see `import.rs`).

use super::progress::ImportProgress;
use crate::net::ApiError;
use std::sync::Arc;
use tokio::sync::mpsc;

/// Where an import's progress goes.
pub(super) type Report = Arc<dyn Fn(ImportProgress) + Send + Sync>;

/// A group's members as they come in.
pub(super) type Members = (String, Result<Vec<String>, ApiError>);

/// The Okta groups whose members an import reads after the views are shown.
pub(super) struct Pending {
    pub(super) results: mpsc::UnboundedReceiver<Members>,
    /// Held so that dropping the reading (a cancel, a new import) stops the task.
    pub(super) _reader: Reader,
    /// Groups not in yet.
    pub(super) left: usize,
    /// All the groups being read.
    pub(super) total: usize,
    pub(super) report: Report,
    /// When the import began (the cache's time).
    pub(super) read_at: String,
}

/// The task reading members; stopped when dropped (a cancelled or failed import).
pub(super) struct Reader(pub(super) tokio::task::JoinHandle<()>);

impl Drop for Reader {
    fn drop(&mut self) {
        self.0.abort();
    }
}
