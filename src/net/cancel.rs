//! A job's cancel flag: checked between requests, and awaited so that a retry wait (or a
//! read in flight) ends the moment the admin cancels.

use std::sync::Arc;
use tokio::sync::watch;

/// Cheap to clone; every clone sees the same flag.
#[derive(Debug, Clone)]
pub struct CancelToken(Arc<watch::Sender<bool>>);

impl Default for CancelToken {
    fn default() -> Self {
        CancelToken(Arc::new(watch::channel(false).0))
    }
}

impl CancelToken {
    /// Asks the running job to stop.
    pub fn cancel(&self) {
        self.0.send_replace(true);
    }

    /// Clears the flag for the next job.
    pub fn reset(&self) {
        self.0.send_replace(false);
    }

    /// Whether the job was asked to stop.
    pub fn is_cancelled(&self) -> bool {
        *self.0.borrow()
    }

    /// Completes as soon as the job is asked to stop (at once if it already was).
    pub async fn cancelled(&self) {
        let mut rx = self.0.subscribe();
        // The sender lives as long as `self`, so waiting cannot fail.
        let _ = rx.wait_for(|stop| *stop).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_wait_ends_when_cancelled() {
        let t = CancelToken::default();
        let t2 = t.clone();
        let waiter = tokio::spawn(async move { t2.cancelled().await });
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished());
        t.cancel();
        tokio::time::timeout(std::time::Duration::from_secs(1), waiter)
            .await
            .expect("ends at once")
            .expect("no panic");
        assert!(t.is_cancelled());
        t.reset();
        assert!(!t.is_cancelled());
    }
}
