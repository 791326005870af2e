//! The random walk: seeded sequences of what an admin does (import, cancel, refresh, open
//! and close every dialog, link, create, activate, deactivate, unlink, Check now, snapshots
//! and Compare) and of what the servers do (429s, 5xx, slow answers, a mapping made in
//! Okta's console, a team deleted in Statsig, a member edited in Statsig), driven against
//! the real app headless (egui_kittest), its engine thread and the sandbox over loopback, in
//! both push modes. The app's promises are checked after every step; a failure prints its
//! seed and the shortest sequence that still fails, and `RANDOM_WALK_SEED` replays it.
//!
//! Settings (environment): `RANDOM_WALK_CASES` (sequences per mode), `RANDOM_WALK_STEPS`
//! (steps per sequence), `RANDOM_WALK_SEED` (the first sequence's seed; one sequence when
//! set alone), `RANDOM_WALK_MODES` (`okta`, `direct` or both), `RANDOM_WALK_THREADS`
//! (sequences run side by side, each on its own sandbox; 1 by default). With nothing set,
//! three sequences per mode run.
#![allow(clippy::unwrap_used)]

#[path = "../common/mod.rs"]
mod common;
mod dialogs;
mod invariants;
mod ledger;
mod profile;
mod review;
mod run;
mod servers;
mod shrink;
mod steps;
#[path = "../ui/support.rs"]
#[allow(dead_code)]
mod support;
mod watchdog;

use okta_statsig_teams::engine::connection::PushModeChoice;

/// How many sequences, how long, from which seed.
pub struct Plan {
    /// Sequences per push mode.
    pub cases: u64,
    /// Steps per sequence.
    pub steps: usize,
    /// The first sequence's seed (the others follow it).
    pub seed: u64,
    /// Sequences run side by side.
    pub threads: u64,
}

fn plan() -> Plan {
    let var = |k: &str| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
    };
    let seed = var("RANDOM_WALK_SEED");
    Plan {
        cases: var("RANDOM_WALK_CASES").unwrap_or(if seed.is_some() { 1 } else { 3 }),
        steps: var("RANDOM_WALK_STEPS").unwrap_or(32) as usize,
        seed: seed.unwrap_or(0x5EED_0000),
        threads: var("RANDOM_WALK_THREADS").unwrap_or(1),
    }
}

fn wanted(mode: &str) -> bool {
    std::env::var("RANDOM_WALK_MODES")
        .map(|m| m.split(',').any(|x| x.trim() == mode))
        .unwrap_or(true)
}

#[test]
fn random_walk_in_okta_push() {
    if wanted("okta") {
        run::walk(PushModeChoice::Okta, &plan());
    }
}

#[test]
fn random_walk_in_direct_push() {
    if wanted("direct") {
        run::walk(PushModeChoice::Direct, &plan());
    }
}
