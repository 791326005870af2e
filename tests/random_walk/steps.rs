//! What the walk can do, and how a seed chooses a sequence of it. Every step names what
//! it acts on by a number taken modulo what exists when it runs, so any sub-sequence
//! (what shrinking tries) is still a sequence that can run.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Which server a fault comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Server {
    Okta,
    Statsig,
}

/// A fault the sandbox answers the next requests with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    TooMany,
    ServerError,
    Unavailable,
    Slow,
}

/// One thing an admin (or a server) does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The first import, cancelled after this many frames (only ever the first step).
    CancelFirstImport(u8),
    /// Refresh: import both directories again.
    Refresh,
    /// Refresh, then Cancel after this many frames.
    CancelRefresh(u8),
    /// Check now (one watch cycle).
    CheckNow,
    /// Open the n-th dialog, check it, close it.
    Dialog(u8),
    /// Look at an Okta group's detail in the Okta groups tab.
    LookAtGroup(u8),
    /// Push Groups: pick an Okta group and link it to a team group; Save when it may
    /// (typing the team's name past the guard when `confirm`).
    Link {
        group: u8,
        target: u8,
        confirm: bool,
    },
    /// Push Groups: pick an Okta group and create a team for it.
    Create { group: u8, team: u8 },
    /// Push Groups: pick a group, press Save before the plan shows (it must be disabled).
    EagerSave { group: u8 },
    /// Deactivate the n-th mapping.
    Deactivate(u8),
    /// Activate the n-th mapping.
    Activate(u8),
    /// Push now on the n-th mapping (the guard's limit, nothing confirmed).
    PushNow(u8),
    /// Retry all.
    RetryAll,
    /// Unlink the n-th mapping, deleting its team or leaving it.
    Unlink { mapping: u8, delete: bool },
    /// Settle drift on the n-th mapping: Overwrite or Adopt.
    Resolve { mapping: u8, overwrite: bool },
    /// Export a snapshot, then compare what is shown with it at once (no differences).
    ExportAndCompare,
    /// Compare what is shown with the last snapshot exported.
    CompareLater,
    /// Switch to a new profile and back.
    SwitchProfile,
    /// The next few requests to a server fail or come late.
    Fault { server: Server, kind: FaultKind },
    /// Someone makes a push mapping in Okta's console (Okta push).
    ConsoleMapping { group: u8, target: u8 },
    /// Someone deletes the n-th mapping's team group in Statsig.
    DeleteTarget(u8),
    /// Someone adds (or removes) a member of the n-th mapping's group directly in Statsig.
    EditInStatsig { mapping: u8, user: u8, add: bool },
}

/// A sequence of `len` steps drawn from `seed`.
pub fn generate(seed: u64, len: usize, okta_push: bool) -> Vec<Step> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut steps: Vec<Step> = (0..len).map(|_| one(&mut rng, okta_push)).collect();
    // One sequence in four begins by cancelling the first import part-way.
    if len > 0 && rng.random_bool(0.25) {
        steps[0] = Step::CancelFirstImport(rng.random_range(0..60));
    }
    steps
}

fn one(r: &mut StdRng, okta_push: bool) -> Step {
    let n = |r: &mut StdRng| r.random::<u8>();
    // Weights: what admins do most comes most; server events are rarer.
    let table: &[(u32, u8)] = &[
        (6, 0),                              // Refresh
        (5, 1),                              // CancelRefresh
        (6, 2),                              // CheckNow
        (8, 3),                              // Dialog
        (5, 4),                              // LookAtGroup
        (12, 5),                             // Link
        (8, 6),                              // Create
        (4, 7),                              // EagerSave
        (5, 8),                              // Deactivate
        (5, 9),                              // Activate
        (4, 10),                             // PushNow
        (3, 11),                             // RetryAll
        (5, 12),                             // Unlink
        (3, 13),                             // Resolve
        (4, 14),                             // ExportAndCompare
        (3, 15),                             // CompareLater
        (1, 16),                             // SwitchProfile
        (5, 17),                             // Fault
        (if okta_push { 3 } else { 0 }, 18), // ConsoleMapping
        (2, 19),                             // DeleteTarget
        (if okta_push { 1 } else { 5 }, 20), // EditInStatsig
    ];
    let total: u32 = table.iter().map(|(w, _)| w).sum();
    let mut x = r.random_range(0..total);
    let kind = table
        .iter()
        .find(|(w, _)| {
            if x < *w {
                true
            } else {
                x -= w;
                false
            }
        })
        .map(|(_, k)| *k)
        .unwrap_or(0);
    match kind {
        0 => Step::Refresh,
        1 => Step::CancelRefresh(r.random_range(0..12)),
        2 => Step::CheckNow,
        3 => Step::Dialog(n(r)),
        4 => Step::LookAtGroup(n(r)),
        5 => Step::Link {
            group: n(r),
            target: n(r),
            confirm: r.random_bool(0.5),
        },
        6 => Step::Create {
            group: n(r),
            team: r.random_range(0..4),
        },
        7 => Step::EagerSave { group: n(r) },
        8 => Step::Deactivate(n(r)),
        9 => Step::Activate(n(r)),
        10 => Step::PushNow(n(r)),
        11 => Step::RetryAll,
        12 => Step::Unlink {
            mapping: n(r),
            delete: r.random_bool(0.4),
        },
        13 => Step::Resolve {
            mapping: n(r),
            overwrite: r.random_bool(0.5),
        },
        14 => Step::ExportAndCompare,
        15 => Step::CompareLater,
        16 => Step::SwitchProfile,
        17 => Step::Fault {
            server: if r.random_bool(0.5) {
                Server::Okta
            } else {
                Server::Statsig
            },
            kind: [
                FaultKind::TooMany,
                FaultKind::ServerError,
                FaultKind::Unavailable,
                FaultKind::Slow,
            ][r.random_range(0..4)],
        },
        18 => Step::ConsoleMapping {
            group: n(r),
            target: n(r),
        },
        19 => Step::DeleteTarget(n(r)),
        _ => Step::EditInStatsig {
            mapping: n(r),
            user: n(r),
            add: r.random_bool(0.6),
        },
    }
}
