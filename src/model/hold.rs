//! What a push of one mapping sends and what it holds back, held once for the engine, the
//! command line and the views: members edited in Statsig since the last push (drift) are
//! never pushed over until the admin chooses; removals past the deletion guard wait for
//! the admin's confirmation; adds always go.

use super::directory::Directory;
use super::mapping::{Drift, Guard};
use super::plan::Plan;
use super::rules::{self, GuardStop};
use std::collections::BTreeSet;

/// Edits made in Statsig that Okta's membership disagrees with: members Statsig has that
/// Okta does not want and the last push did not leave (added there), and members Okta
/// wants, whom the last push left, that Statsig no longer has (removed there). Edits Okta
/// agrees with are not drift.
pub fn drift(plan: &Plan, last_pushed: &[String]) -> Drift {
    let left: BTreeSet<&str> = last_pushed.iter().map(String::as_str).collect();
    Drift {
        added_in_statsig: plan
            .removes
            .iter()
            .filter(|m| !left.contains(&*m.id))
            .map(|m| m.id.to_string())
            .collect(),
        removed_in_statsig: plan
            .adds
            .iter()
            .filter(|m| left.contains(&*m.id))
            .map(|m| m.id.to_string())
            .collect(),
    }
}

/// A Statsig user by email (the id when the directory does not know it).
pub fn email(dir: &Directory, statsig_id: &str) -> String {
    dir.statsig_user(statsig_id)
        .map_or_else(|| statsig_id.to_string(), |u| u.user_name.clone())
}

/// Each person of a drift by email with what was done in Statsig, those added there first:
/// "zoe@example.com (added in Statsig)", "ada@example.com (removed in Statsig)".
pub fn people(dir: &Directory, d: &Drift) -> Vec<String> {
    let side = |ids: &[String], what: &str| {
        let mut v: Vec<String> = ids
            .iter()
            .map(|id| format!("{} ({what} in Statsig)", email(dir, id)))
            .collect();
        v.sort();
        v
    };
    let mut out = side(&d.added_in_statsig, "added");
    out.extend(side(&d.removed_in_statsig, "removed"));
    out
}

/// One push of a mapping: what it sends, and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut {
    /// What is sent now.
    pub send: Plan,
    /// Edits made in Statsig that stay as they are until the admin chooses.
    pub drift: Drift,
    /// Removals the deletion guard holds (none of them is in `send`).
    pub stop: Option<GuardStop>,
    /// The membership the push leaves, less the edits held: what the next push compares
    /// Statsig with to find edits made there. Sorted.
    pub baseline: Vec<String>,
    /// What Statsig has once `send` is done. Sorted.
    pub after: Vec<String>,
}

impl Cut {
    /// Changes from Okta that wait: what is sent now and the removals the guard holds.
    pub fn waiting(&self) -> usize {
        self.send.adds.len()
            + self.send.removes.len()
            + self.stop.as_ref().map_or(0, |s| s.removals)
    }
}

/// What a push of a mapping may do.
#[derive(Debug, Clone, Copy)]
pub struct Allowed<'a> {
    /// Removals the admin confirmed past the deletion guard.
    pub removals: usize,
    /// Edits made in Statsig the admin chose, by name, to push over (Overwrite).
    pub overwrite: &'a Drift,
}

impl Allowed<'static> {
    /// Nothing confirmed, nothing chosen.
    pub fn nothing() -> Self {
        Allowed::removals(0)
    }

    /// `removals` confirmed past the guard, no edit made in Statsig pushed over.
    pub fn removals(removals: usize) -> Self {
        static NONE: Drift = Drift {
            added_in_statsig: Vec::new(),
            removed_in_statsig: Vec::new(),
        };
        Allowed {
            removals,
            overwrite: &NONE,
        }
    }
}

/// Cuts `plan` (made from fresh reads) for a push of a mapping whose last push left
/// `last_pushed`: the edits the admin chose to overwrite go, other drift is held, and the
/// guard judges the remaining removals (adds always go).
pub fn cut(
    guard: Guard,
    dir: &Directory,
    plan: Plan,
    okta_group_name: &str,
    last_pushed: &[String],
    allowed: Allowed<'_>,
) -> Cut {
    let found = drift(&plan, last_pushed);
    let set = |v: &[String]| v.iter().cloned().collect::<BTreeSet<String>>();
    let (added_there, removed_there) =
        (set(&found.added_in_statsig), set(&found.removed_in_statsig));
    let (over_add, over_remove) = (
        set(&allowed.overwrite.added_in_statsig),
        set(&allowed.overwrite.removed_in_statsig),
    );
    let held_adds = plan
        .adds
        .filtered(|m| removed_there.contains(&*m.id) && !over_remove.contains(&*m.id));
    let held_drift = plan
        .removes
        .filtered(|m| added_there.contains(&*m.id) && !over_add.contains(&*m.id));
    let chosen = plan
        .removes
        .filtered(|m| added_there.contains(&*m.id) && over_add.contains(&*m.id));
    let normal = plan.removes.filtered(|m| !added_there.contains(&*m.id));
    let adds = plan
        .adds
        .filtered(|m| !removed_there.contains(&*m.id) || over_remove.contains(&*m.id));
    let stop = rules::check_removals(
        guard,
        dir,
        &plan,
        &normal,
        okta_group_name,
        allowed.removals,
    )
    .map(|s| GuardStop {
        added: adds.len(),
        ..s
    });
    let removes = if stop.is_some() {
        chosen
    } else {
        plan.removes
            .filtered(|m| !added_there.contains(&*m.id) || over_add.contains(&*m.id))
    };
    let guard_held = stop.is_some().then_some(&normal).into_iter().flatten();
    let sorted = |ids: Vec<String>| {
        let mut ids = ids;
        ids.sort();
        ids.dedup();
        ids
    };
    let kept = || plan.unchanged.iter().chain(&adds).chain(guard_held.clone());
    let baseline = sorted(kept().chain(&held_adds).map(|m| m.id.to_string()).collect());
    let after = sorted(
        kept()
            .chain(&held_drift)
            .map(|m| m.id.to_string())
            .collect(),
    );
    let drift = Drift {
        added_in_statsig: held_drift.iter().map(|m| m.id.to_string()).collect(),
        removed_in_statsig: held_adds.iter().map(|m| m.id.to_string()).collect(),
    };
    Cut {
        send: Plan {
            adds,
            removes,
            ..plan
        },
        drift,
        stop,
        baseline,
        after,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::directory::tests::{og, ou, sg, su};
    use crate::model::plan::plan_push;

    /// Okta wants s0..s3; Statsig has s0, s1 (pushed), s4 (added there), s5 (pushed, left
    /// Okta); s2 was pushed and removed there; s3 is new in Okta.
    fn dir() -> Directory {
        Directory::new(
            vec!["Checkout".into()],
            vec!["example.com".into()],
            (0..8)
                .map(|i| su(&format!("s{i}"), &format!("u{i}@example.com")))
                .collect(),
            vec![sg(
                "g1",
                "Statsig-Checkout-Payments-Member",
                &["s0", "s1", "s4", "s5", "s6", "s7"],
            )],
            (0..8)
                .map(|i| ou(&format!("o{i}"), &format!("u{i}@example.com"), "ACTIVE"))
                .collect(),
            vec![og("og1", "Payments", &["o0", "o1", "o2", "o3", "o6", "o7"])],
        )
    }

    fn last() -> Vec<String> {
        ["s0", "s1", "s2", "s5", "s6", "s7"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    fn ids(l: &crate::model::MemberList) -> Vec<&str> {
        l.iter().map(|m| &*m.id).collect()
    }

    /// The fixture's push cut under `guard` with `allowed`.
    fn cut_with(guard: Guard, allowed: Allowed<'_>) -> Cut {
        let d = dir();
        let plan = plan_push(&d, "og1", "g1", 100).unwrap();
        cut(guard, &d, plan, "Payments", &last(), allowed)
    }

    #[test]
    fn edits_made_in_statsig_are_held_and_the_rest_goes() {
        let c = cut_with(Guard::default(), Allowed::nothing());
        assert_eq!(ids(&c.send.adds), ["s3"], "s2 was removed in Statsig: held");
        assert_eq!(
            ids(&c.send.removes),
            ["s5"],
            "s4 was added in Statsig: held"
        );
        assert_eq!(c.drift.added_in_statsig, ["s4"]);
        assert_eq!(c.drift.removed_in_statsig, ["s2"]);
        assert!(c.stop.is_none(), "one removal of six: under the floor");
        assert_eq!(c.baseline, ["s0", "s1", "s2", "s3", "s6", "s7"]);
        assert_eq!(c.after, ["s0", "s1", "s3", "s4", "s6", "s7"]);
        assert_eq!(c.waiting(), 2);
    }

    #[test]
    fn overwrite_pushes_over_the_edits_chosen_by_name_only() {
        let chosen = Drift {
            added_in_statsig: vec!["s4".into()],
            removed_in_statsig: vec![],
        };
        let c = cut_with(
            Guard::default(),
            Allowed {
                removals: 0,
                overwrite: &chosen,
            },
        );
        assert_eq!(ids(&c.send.removes), ["s4", "s5"]);
        assert_eq!(ids(&c.send.adds), ["s3"], "s2 was not chosen: still held");
        assert_eq!(c.drift.added_in_statsig, Vec::<String>::new());
        assert_eq!(c.drift.removed_in_statsig, ["s2"]);
    }

    #[test]
    fn the_guard_holds_removals_only_and_adds_still_go() {
        let strict = Guard {
            max_removals: 0,
            ..Guard::default()
        };
        let c = cut_with(strict, Allowed::nothing());
        let stop = c.stop.as_ref().expect("held");
        assert_eq!((stop.removals, stop.added), (1, 1));
        assert_eq!(stop.names, ["u5@example.com"]);
        assert!(c.send.removes.is_empty());
        assert_eq!(ids(&c.send.adds), ["s3"]);
        assert!(
            c.baseline.contains(&"s5".to_string()),
            "held: not drift next time"
        );
        assert_eq!(c.waiting(), 2);
    }

    #[test]
    fn drift_is_only_what_okta_disagrees_with() {
        let d = dir();
        let plan = plan_push(&d, "og1", "g1", 100).unwrap();
        // s6 was added in Statsig, but Okta wants s6 too: no drift there.
        let last: Vec<String> = last().into_iter().filter(|s| s != "s6").collect();
        let found = drift(&plan, &last);
        assert_eq!(found.added_in_statsig, ["s4"]);
        assert_eq!(found.removed_in_statsig, ["s2"]);
    }
}
