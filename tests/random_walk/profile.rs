//! Where a walk's time goes, per kind of step (printed with `RANDOM_WALK_PROFILE=1`).

use crate::steps::Step;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

static TIMES: Mutex<BTreeMap<String, (u32, Duration, Duration)>> = Mutex::new(BTreeMap::new());

fn on() -> bool {
    std::env::var_os("RANDOM_WALK_PROFILE").is_some()
}

fn add(kind: String, work: Duration, check: Duration) {
    if !on() {
        return;
    }
    let mut t = TIMES.lock().unwrap_or_else(|p| p.into_inner());
    let e = t.entry(kind).or_default();
    e.0 += 1;
    e.1 += work;
    e.2 += check;
}

/// A step took `work`, and checking the promises after it `check`.
pub fn record(s: &Step, work: Duration, check: Duration) {
    let kind = format!("{s:?}");
    let kind = kind
        .split([' ', '('])
        .next()
        .unwrap_or_default()
        .to_string();
    add(kind, work, check);
}

/// Starting a sandbox and the app, and the first import, took `d`.
pub fn record_start(d: Duration) {
    add("(start)".into(), d, Duration::ZERO);
}

/// Prints the table.
pub fn print() {
    if !on() {
        return;
    }
    let t = TIMES.lock().unwrap_or_else(|p| p.into_inner());
    for (k, (n, work, check)) in t.iter() {
        eprintln!(
            "{k:>18}: {n:>6} × {:>7.1} ms work, {:>6.1} ms checks",
            work.as_secs_f64() * 1000.0 / *n as f64,
            check.as_secs_f64() * 1000.0 / *n as f64
        );
    }
}
