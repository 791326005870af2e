//! A gate a test closes to hold a server's requests where they are (a push "in flight"
//! for as long as the test says) and opens to let them go: no sleeps, no race with speed.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::watch;

/// Which requests (by method and path) a closed gate holds.
pub type PathFilter = Arc<dyn Fn(&str, &str) -> bool + Send + Sync>;

/// One server's gate; open unless a [`Held`] is alive.
pub struct Gate {
    closed: watch::Sender<bool>,
    only: Mutex<Option<PathFilter>>,
    waiting: Mutex<usize>,
    arrived: Condvar,
    arrived_task: tokio::sync::Notify,
}

impl std::fmt::Debug for Gate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gate")
            .field("closed", &*self.closed.borrow())
            .finish()
    }
}

impl Default for Gate {
    fn default() -> Self {
        Gate {
            closed: watch::channel(false).0,
            only: Mutex::new(None),
            waiting: Mutex::new(0),
            arrived: Condvar::new(),
            arrived_task: tokio::sync::Notify::new(),
        }
    }
}

impl Gate {
    /// Waits while the gate is closed to `method` `path`.
    pub async fn pass(&self, method: &str, path: &str) {
        let mut rx = self.closed.subscribe();
        if !*rx.borrow_and_update() {
            return;
        }
        let only = self.only.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if only.is_some_and(|holds| !holds(method, path)) {
            return;
        }
        *self.waiting() += 1;
        self.arrived.notify_all();
        self.arrived_task.notify_waiters();
        let _ = rx.wait_for(|closed| !*closed).await;
        *self.waiting() -= 1;
    }

    fn waiting(&self) -> MutexGuard<'_, usize> {
        self.waiting.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The gate held closed; dropping it (or [`Held::release`]) lets the requests go.
#[derive(Debug)]
pub struct Held(Arc<Gate>);

impl Held {
    /// Closes `gate` to the requests `only` accepts (every request with `None`).
    pub(super) fn new(gate: Arc<Gate>, only: Option<PathFilter>) -> Self {
        *gate.only.lock().unwrap_or_else(|p| p.into_inner()) = only;
        gate.closed.send_replace(true);
        Held(gate)
    }

    /// How many requests wait at the gate now.
    pub fn waiting(&self) -> usize {
        *self.0.waiting()
    }

    /// Blocks this thread until a request waits at the gate (`false` when `limit` passed
    /// first). Not on a thread of the runtime that serves the sandbox.
    pub fn until_one_waits(&self, limit: Duration) -> bool {
        let waiting = self.0.waiting();
        let (waiting, _) = self
            .0
            .arrived
            .wait_timeout_while(waiting, limit, |n| *n == 0)
            .unwrap_or_else(|p| p.into_inner());
        *waiting > 0
    }

    /// Waits (in a task) until a request waits at the gate (`false` when `limit` passed
    /// first).
    pub async fn until_one_waits_async(&self, limit: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let next = self.0.arrived_task.notified();
            tokio::pin!(next);
            next.as_mut().enable();
            if self.waiting() > 0 {
                return true;
            }
            if tokio::time::timeout_at(deadline, next).await.is_err() {
                return false;
            }
        }
    }

    /// Lets the held requests go.
    pub fn release(self) {}
}

impl Drop for Held {
    fn drop(&mut self) {
        self.0.closed.send_replace(false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_held_gate_keeps_requests_until_released() {
        let gate = Arc::new(Gate::default());
        gate.pass("PATCH", "/Groups/1").await;
        let held = Held::new(
            gate.clone(),
            Some(Arc::new(|m: &str, p: &str| {
                m == "PATCH" && p.starts_with("/Groups")
            })),
        );
        gate.pass("GET", "/Groups/1").await;
        let g = gate.clone();
        let passed = tokio::spawn(async move { g.pass("PATCH", "/Groups/1").await });
        assert!(held.until_one_waits_async(Duration::from_secs(30)).await);
        assert!(!passed.is_finished());
        held.release();
        passed.await.unwrap();
        assert_eq!(*gate.waiting(), 0);
    }

    #[test]
    fn a_thread_waits_until_a_request_is_held() {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let gate = Arc::new(Gate::default());
        let held = Held::new(gate.clone(), None);
        assert!(!held.until_one_waits(Duration::from_millis(1)), "none yet");
        let g = gate.clone();
        let passed = rt.spawn(async move { g.pass("PATCH", "/Groups/1").await });
        assert!(held.until_one_waits(Duration::from_secs(30)));
        assert_eq!(held.waiting(), 1);
        assert!(!passed.is_finished());
        held.release();
        rt.block_on(passed).unwrap();
    }
}
