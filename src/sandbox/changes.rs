//! The world's changes, told to whoever waits for one: every write to the world (a
//! request to either server, Okta's push worker, a test's own edit) wakes the waiters,
//! who look again. A test waits for what it expects this way, never on a guessed sleep;
//! its time limit only turns a hang into a failure.

use super::world::World;
use std::ops::{Deref, DerefMut};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How many writes the world has had, with a way to wait for the next.
#[derive(Debug, Default)]
pub struct Changes {
    count: Mutex<u64>,
    threads: Condvar,
    tasks: tokio::sync::Notify,
}

impl Changes {
    fn count(&self) -> MutexGuard<'_, u64> {
        self.count.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// One more write: wakes every waiting thread and task.
    fn wrote(&self) {
        *self.count() += 1;
        self.threads.notify_all();
        self.tasks.notify_waiters();
    }

    /// Blocks this thread until `done` holds of the world (`false` when `limit` passed
    /// first). `done` is asked again after each write, never on a timer.
    pub(super) fn until(
        &self,
        world: &Mutex<World>,
        limit: Duration,
        mut done: impl FnMut(&World) -> bool,
    ) -> bool {
        let deadline = Instant::now() + limit;
        loop {
            let seen = *self.count();
            if done(&world.lock().unwrap_or_else(|p| p.into_inner())) {
                return true;
            }
            let mut count = self.count();
            while *count == seen {
                let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                    return false;
                };
                count = self
                    .threads
                    .wait_timeout(count, left)
                    .unwrap_or_else(|p| p.into_inner())
                    .0;
            }
        }
    }

    /// Waits (in a task) until `done` holds (`false` when `limit` passed first); `done`
    /// is asked again after each write to the world. It may ask over HTTP: reading the
    /// world is no write.
    pub(super) async fn until_async(
        &self,
        limit: Duration,
        mut done: impl AsyncFnMut() -> bool,
    ) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let next = self.tasks.notified();
            tokio::pin!(next);
            next.as_mut().enable();
            if done().await {
                return true;
            }
            if tokio::time::timeout_at(deadline, next).await.is_err() {
                return false;
            }
        }
    }
}

/// The world, locked; a write through it tells the waiters once the lock is let go.
pub struct WorldGuard<'a> {
    guard: Option<MutexGuard<'a, World>>,
    changes: &'a Changes,
    wrote: bool,
}

impl<'a> WorldGuard<'a> {
    pub(super) fn new(guard: MutexGuard<'a, World>, changes: &'a Changes) -> Self {
        WorldGuard {
            guard: Some(guard),
            changes,
            wrote: false,
        }
    }
}

impl Deref for WorldGuard<'_> {
    type Target = World;

    fn deref(&self) -> &World {
        self.guard.as_deref().unwrap_or_else(|| unreachable!())
    }
}

impl DerefMut for WorldGuard<'_> {
    fn deref_mut(&mut self) -> &mut World {
        self.wrote = true;
        self.guard.as_deref_mut().unwrap_or_else(|| unreachable!())
    }
}

impl Drop for WorldGuard<'_> {
    fn drop(&mut self) {
        // Let go first, so a waiter woken by the write can look at once.
        self.guard.take();
        if self.wrote {
            self.changes.wrote();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    struct Both {
        world: Mutex<World>,
        changes: Changes,
    }

    impl Both {
        fn world(&self) -> WorldGuard<'_> {
            WorldGuard::new(self.world.lock().unwrap(), &self.changes)
        }
    }

    fn both() -> Arc<Both> {
        Arc::new(Both {
            world: Mutex::new(crate::sandbox::seed::build(&Default::default())),
            changes: Changes::default(),
        })
    }

    #[test]
    fn a_waiting_thread_sees_a_write_made_after_it_began_to_wait() {
        let b = both();
        let writer = b.clone();
        let (asked, ready) = std::sync::mpsc::channel();
        let wait = std::thread::spawn(move || {
            let mut first = true;
            b.changes.until(&b.world, Duration::from_secs(30), |w| {
                if first {
                    first = false;
                    asked.send(()).unwrap();
                }
                w.okta_group_by_name("Late Group").is_some()
            })
        });
        ready.recv().unwrap();
        // Reading is no write; the waiter still waits.
        assert!(writer.world().okta_group_by_name("Late Group").is_none());
        writer
            .world()
            .create_okta_group("Late Group", "", "OKTA_GROUP", "2026-03-09T12:00:00.000Z")
            .unwrap();
        assert!(wait.join().unwrap());
    }

    #[test]
    fn a_wait_ends_false_at_its_limit_when_nothing_comes() {
        let b = both();
        assert!(
            !b.changes
                .until(&b.world, Duration::from_millis(1), |_| false)
        );
    }

    #[tokio::test]
    async fn a_waiting_task_sees_a_write_made_after_it_began_to_wait() {
        let b = both();
        let writer = b.clone();
        let mut asked = 0;
        let waited = b.changes.until_async(Duration::from_secs(30), async || {
            asked += 1;
            if asked == 1 {
                let w = writer.clone();
                tokio::spawn(async move {
                    w.world()
                        .create_okta_group(
                            "Late Group",
                            "",
                            "OKTA_GROUP",
                            "2026-03-09T12:00:00.000Z",
                        )
                        .unwrap();
                });
            }
            b.world().okta_group_by_name("Late Group").is_some()
        });
        assert!(waited.await);
        assert!(asked >= 2, "asked again after the write");
    }
}
