//! The UI never blocks: a watchdog thread that, when one step of the walk has not come
//! back for a long while (a frame waiting on the engine, a wait that never ends), prints
//! the sequence and the step that hung and stops the process, since a blocked frame can
//! neither fail nor be caught.

use crate::steps::Step;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How long one step may go without coming back. Far above any step's work (a step waits
/// at most 30 s for the engine, and fails then); only a frame that never returns reaches it.
const HUNG: Duration = Duration::from_secs(120);

/// Watches one sequence.
pub struct Watchdog {
    origin: Instant,
    beat: Arc<AtomicU64>,
    done: Arc<AtomicBool>,
}

impl Watchdog {
    /// Starts watching `seq`; `at` says which step runs.
    pub fn start(seq: Vec<Step>, at: Arc<AtomicUsize>) -> Watchdog {
        let origin = Instant::now();
        let beat = Arc::new(AtomicU64::new(0));
        let done = Arc::new(AtomicBool::new(false));
        let (b, d) = (beat.clone(), done.clone());
        std::thread::spawn(move || {
            while !d.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(200));
                let last = Duration::from_millis(b.load(Ordering::Relaxed));
                if origin.elapsed().saturating_sub(last) > HUNG && !d.load(Ordering::Relaxed) {
                    let i = at.load(Ordering::Relaxed);
                    eprintln!(
                        "random walk: the window stopped answering during step {i} ({:?}); the sequence was:\n{:#?}",
                        seq.get(i),
                        seq
                    );
                    std::process::abort();
                }
            }
        });
        Watchdog { origin, beat, done }
    }

    /// A step began.
    pub fn beat(&self) {
        self.beat
            .store(self.origin.elapsed().as_millis() as u64, Ordering::Relaxed);
    }

    /// The sequence ended.
    pub fn stop(&self) {
        self.done.store(true, Ordering::Relaxed);
    }
}
