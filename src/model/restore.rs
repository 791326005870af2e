//! Putting mappings back: the plan that makes now what a snapshot shows again (restore,
//! in the org it was taken of) or the same mappings in another org (copy, matched by
//! name). Pure: one row per change, each with who Statsig gains and loses at the next push
//! and the deletion guard's verdict; the engine applies the ticked rows, the CLI and the UI
//! show the same rows.

use super::directory::{Directory, OktaGroup};
use super::mapping::{Guard, Mapping, MappingStatus, PushAction};
use super::names::{ParsedName, Role, parse_group_name};
use super::plan::{desired_members, plan_push};
use super::push_rule::PushRule;
use super::rules::{self, GuardStop};
use super::snapshot::{Snapshot, Source, VERSION};
use serde::{Deserialize, Serialize};

pub use super::undo::{Applied, undo};

/// What the admin asked for beyond the mappings, statuses and rules.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RestoreOptions {
    /// Mappings made since the snapshot are unlinked (Leave, never Delete).
    pub unlink_new: bool,
    /// The members of the mapped Okta groups are set back to the snapshot's.
    pub members: bool,
    /// Copy to another org: groups, teams and people are matched by name, not by id.
    pub copy: bool,
}

/// Where a mapping made again pushes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "how")]
pub enum MakeTarget {
    /// Link to the team group that exists now.
    Link {
        /// Its id.
        statsig_group_id: String,
    },
    /// Create the team again, by its name.
    Create {
        /// The project.
        project: String,
        /// The team.
        team: String,
    },
}

/// One change the plan makes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Change {
    /// Make a mapping again (Link or Create), Active or Inactive as it was.
    Make {
        /// The Okta group pushed (now's id).
        okta_group_id: String,
        /// Link or Create.
        target: MakeTarget,
        /// Active as it was (else Inactive).
        active: bool,
    },
    /// Set a mapping's status back.
    Status {
        /// The mapping (now's id).
        mapping_id: String,
        /// Active (else Inactive).
        active: bool,
    },
    /// Put a push rule back.
    Rule {
        /// The rule as the snapshot holds it.
        rule: PushRule,
    },
    /// Remove a push rule (its mappings stay): the undo of a rule put back.
    RemoveRule {
        /// The rule's name.
        name: String,
    },
    /// Unlink a mapping made since (Leave: the team stays).
    Unlink {
        /// The mapping.
        mapping_id: String,
    },
    /// Set an Okta group's members back.
    Members {
        /// The Okta group (now's id).
        okta_group_id: String,
        /// Okta user ids added.
        add: Vec<String>,
        /// Okta user ids removed.
        remove: Vec<String>,
    },
}

/// One row of a restore plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreRow {
    /// Stable key, for ticking rows off ("make:Payments").
    pub key: String,
    /// The Okta group (or rule) the row is about.
    pub what: String,
    /// The Statsig group it concerns, when one.
    pub target: String,
    /// The change; `None` when the row is skipped.
    pub change: Option<Change>,
    /// Why it is skipped, in one sentence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    /// Emails Statsig gains at the next push.
    pub gains: Vec<String>,
    /// Emails Statsig loses at the next push.
    pub loses: Vec<String>,
    /// People added to and removed from the Okta group (emails), for a members row.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub people: Vec<String>,
    /// The deletion guard's stop, when it would stop this row's push.
    #[serde(skip)]
    pub guard: Option<GuardStop>,
}

impl RestoreRow {
    /// Whether it can be applied as it is.
    pub fn ready(&self) -> bool {
        self.change.is_some() && self.guard.is_none()
    }

    /// "Link", "Create", "Status", "Rule", "Unlink (Leave)", "Members" or "Skipped".
    pub fn label(&self) -> &'static str {
        match &self.change {
            Some(Change::Make {
                target: MakeTarget::Link { .. },
                ..
            }) => "Link",
            Some(Change::Make {
                target: MakeTarget::Create { .. },
                ..
            }) => "Create",
            Some(Change::Status { active: true, .. }) => "Activate",
            Some(Change::Status { active: false, .. }) => "Deactivate",
            Some(Change::Rule { .. }) => "Rule",
            Some(Change::RemoveRule { .. }) => "Remove rule",
            Some(Change::Unlink { .. }) => "Unlink (Leave)",
            Some(Change::Members { .. }) => "Members",
            None => "Skipped",
        }
    }
}

/// What a restore (or copy) would do now.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestorePlan {
    /// When the snapshot was taken.
    pub taken_at: String,
    /// The snapshot's mappings were Okta's (Okta push), else the app's (Direct push).
    pub okta_push: bool,
    /// The rows, members first, then mappings, statuses, rules and unlinks.
    pub rows: Vec<RestoreRow>,
}

impl RestorePlan {
    /// Rows that would change something.
    pub fn ready(&self) -> usize {
        self.rows.iter().filter(|r| r.ready()).count()
    }

    /// "3 changes to make, 1 stopped by the deletion guard, 2 skipped".
    pub fn summary(&self) -> String {
        use super::text::plural;
        let guarded = self.rows.iter().filter(|r| r.guard.is_some()).count();
        let skipped = self.rows.iter().filter(|r| r.change.is_none()).count();
        let mut parts = vec![plural(self.ready(), "change") + " to make"];
        if guarded > 0 {
            parts.push(format!("{guarded} stopped by the deletion guard"));
        }
        if skipped > 0 {
            parts.push(format!("{skipped} skipped"));
        }
        parts.join(", ")
    }
}

/// Why a snapshot cannot be restored here, as one sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RestoreProblem {
    /// Taken of another org.
    #[error(
        "This snapshot is of another org (Okta {0}); a restore puts mappings back in the org it was taken of: copy it to this profile instead (snapshot copy)."
    )]
    OtherOrg(String),
    /// Written by a newer version of the app.
    #[error(
        "The snapshot is format version {0}, newer than this app reads ({VERSION}); update the app to restore from it."
    )]
    TooNew(u32),
    /// Redacted: its names are pseudonyms.
    #[error(
        "The snapshot is redacted: its groups and people are pseudonyms, so nothing can be put back from it; use an unredacted snapshot."
    )]
    Redacted,
}

/// Whether two sources are the same org (the demo sandbox is always itself).
pub fn same_org(a: &Source, b: &Source) -> bool {
    let norm = |u: &str| u.trim_end_matches('/').to_ascii_lowercase();
    (a.demo && b.demo) || norm(&a.okta_url) == norm(&b.okta_url)
}

/// The plan that puts back what `snap` shows, against now (`dir`, `mappings`, `rules`,
/// from `here`).
pub fn plan(
    snap: &Snapshot,
    here: &Source,
    dir: &Directory,
    mappings: &[Mapping],
    rules_now: &[PushRule],
    guard: Guard,
    opts: RestoreOptions,
) -> Result<RestorePlan, RestoreProblem> {
    if snap.version > VERSION {
        return Err(RestoreProblem::TooNew(snap.version));
    }
    if snap.redacted {
        return Err(RestoreProblem::Redacted);
    }
    if !opts.copy && !same_org(&snap.source, here) {
        return Err(RestoreProblem::OtherOrg(snap.source.okta_url.clone()));
    }
    let then = snap.directory();
    let find = |g: &OktaGroup| -> Option<String> {
        let now = if opts.copy {
            dir.okta_group_by_name(&g.name)
        } else {
            dir.okta_group(&g.id)
        };
        now.map(|n| n.id.clone())
    };
    let mut out = RestorePlan {
        taken_at: snap.taken_at.clone(),
        okta_push: snap.mappings.iter().any(|m| m.remote.is_some()),
        rows: Vec::new(),
    };
    // Members first: the mappings' previews see the groups as they will be.
    let mut after = dir.clone();
    if opts.members {
        for m in &snap.mappings {
            let Some(was) = then.okta_group(&m.okta_group_id) else {
                continue;
            };
            let Some(id) = find(was) else { continue };
            if let Some(row) = members_row(&then, dir, was, &id, opts.copy) {
                if let Some(Change::Members { add, remove, .. }) = &row.change {
                    let mut g = dir.okta_group(&id).cloned().unwrap_or_else(|| was.clone());
                    g.members.retain(|u| !remove.contains(u));
                    g.members.extend(add.iter().cloned());
                    g.members.sort();
                    after.upsert_okta_group(g);
                }
                out.rows.push(row);
            }
        }
    }
    let mut rows = Vec::new();
    for m in &snap.mappings {
        let now = then.okta_group(&m.okta_group_id).and_then(find);
        // A mapping still here is compared as it is; one gone is not made again when it
        // was already broken then.
        let here = now.as_deref().and_then(|o| rules::pushed_from(mappings, o));
        rows.extend(match broken_then(&then, m).filter(|_| here.is_none()) {
            Some(r) => Some(r),
            None => mapping_row(&after, mappings, m, now.as_deref(), guard, opts.copy),
        });
    }
    if !opts.copy {
        rows.extend(admin_rows(&then, &snap.mappings, &rows));
    }
    // Two mappings put back into one team: neither (as a rule's preview does).
    let makes: Vec<String> = rows.iter().filter_map(make_key).collect();
    for r in &mut rows {
        if let Some(k) = make_key(r)
            && makes.iter().filter(|x| **x == k).count() > 1
        {
            skip(
                r,
                format!(
                    "Two mappings of the snapshot go to \"{}\"; a team is pushed from one Okta group.",
                    r.target
                ),
            );
        }
    }
    // Previews of members rows: the push of each mapping the group feeds then.
    for r in out.rows.iter_mut() {
        if let Some(Change::Members { okta_group_id, .. }) = r.change.clone() {
            let okta_group_id = &okta_group_id;
            let feeds = rows
                .iter()
                .find_map(|x| match &x.change {
                    Some(Change::Make {
                        okta_group_id: o,
                        target: MakeTarget::Link { statsig_group_id },
                        ..
                    }) if o == okta_group_id => Some(statsig_group_id.clone()),
                    _ => None,
                })
                .or_else(|| {
                    rules::pushed_from(mappings, okta_group_id).map(|m| m.statsig_group_id.clone())
                });
            if let Some(sg) = feeds {
                preview(r, dir, &after, okta_group_id, &sg, guard);
            }
        }
    }
    out.rows.extend(rows);
    out.rows.extend(rule_rows(snap, dir, rules_now));
    if opts.unlink_new {
        out.rows.extend(unlink_rows(snap, mappings, opts.copy));
    }
    Ok(out)
}

/// The snapshot's rules that are not here now, to put back.
fn rule_rows(snap: &Snapshot, dir: &Directory, rules_now: &[PushRule]) -> Vec<RestoreRow> {
    let mut out = Vec::new();
    for rule in &snap.rules {
        if rules_now
            .iter()
            .any(|r| r.name.eq_ignore_ascii_case(&rule.name))
        {
            continue;
        }
        let mut row = row(format!("rule:{}", rule.name), &rule.name, "");
        match rule.check(dir, rules_now) {
            Ok(()) => row.change = Some(Change::Rule { rule: rule.clone() }),
            Err(e) => row.skipped = Some(e.to_string()),
        }
        out.push(row);
    }
    out
}

/// The mappings made since the snapshot, to unlink with Leave.
fn unlink_rows(snap: &Snapshot, mappings: &[Mapping], copy: bool) -> Vec<RestoreRow> {
    let mut out = Vec::new();
    for m in mappings {
        let known = snap.mappings.iter().any(|s| {
            if copy {
                s.okta_group_name.eq_ignore_ascii_case(&m.okta_group_name)
            } else {
                s.okta_group_id == m.okta_group_id
            }
        });
        if !known {
            let mut row = row(
                format!("unlink:{}", m.okta_group_name),
                &m.okta_group_name,
                &m.statsig_group_name,
            );
            row.change = Some(Change::Unlink {
                mapping_id: m.id.clone(),
            });
            out.push(row);
        }
    }
    out
}

pub(super) fn row(key: String, what: &str, target: &str) -> RestoreRow {
    RestoreRow {
        key,
        what: what.to_string(),
        target: target.to_string(),
        change: None,
        skipped: None,
        gains: Vec::new(),
        loses: Vec::new(),
        people: Vec::new(),
        guard: None,
    }
}

fn skip(r: &mut RestoreRow, why: String) {
    r.change = None;
    r.skipped = Some(why);
    r.gains.clear();
    r.loses.clear();
    r.guard = None;
}

fn make_key(r: &RestoreRow) -> Option<String> {
    matches!(r.change, Some(Change::Make { .. })).then(|| r.target.to_ascii_lowercase())
}

/// Who Statsig gains and loses when `okta` is pushed into `statsig` in `after`, and the
/// guard's verdict (nothing when Statsig was not read).
pub(super) fn preview(
    r: &mut RestoreRow,
    now: &Directory,
    after: &Directory,
    okta: &str,
    statsig: &str,
    guard: Guard,
) {
    if !now.statsig_read {
        return;
    }
    if let Ok(p) = plan_push(after, okta, statsig, 100) {
        r.gains = p.adds.iter().map(|m| m.display.to_string()).collect();
        r.loses = p.removes.iter().map(|m| m.display.to_string()).collect();
        r.guard = rules::check_guard(guard, after, &p, &r.what, 0);
    }
}

/// Why a snapshot's mapping is not made again because it was already broken when the
/// snapshot was taken: it pushed into a Statsig group Statsig no longer had (a Create not
/// pushed yet is not broken: its team comes at its first push).
fn broken_then(then: &Directory, m: &Mapping) -> Option<RestoreRow> {
    let not_pushed_create = m.action == PushAction::Create && m.last_push.is_none();
    if !then.statsig_read || not_pushed_create || then.statsig_group(&m.statsig_group_id).is_some()
    {
        return None;
    }
    let mut r = row(
        format!("make:{}", m.okta_group_name),
        &m.okta_group_name,
        &m.statsig_group_name,
    );
    r.skipped = Some(format!(
        "Its Statsig group \"{}\" was already gone when the snapshot was taken (nothing could be pushed into it then), so it is not made again; Create a team for \"{}\" if it should have one.",
        m.statsig_group_name, m.okta_group_name
    ));
    Some(r)
}

/// For each team made again by Create: its Admin role as the snapshot had it, when it held
/// people no mapping of the snapshot fed (added in Statsig by hand). A restore cannot put
/// them back: a row says who, so the admin adds them in Statsig.
fn admin_rows(then: &Directory, snapped: &[Mapping], rows: &[RestoreRow]) -> Vec<RestoreRow> {
    let mut out = Vec::new();
    for r in rows {
        let Some(Change::Make {
            target: MakeTarget::Create { project, team },
            ..
        }) = &r.change
        else {
            continue;
        };
        let name = format!("Statsig-{project}-{team}-Admin");
        let Some(admin) = then.statsig_group_by_name(&name) else {
            continue;
        };
        if admin.members.is_empty()
            || snapped
                .iter()
                .any(|m| m.statsig_group_name.eq_ignore_ascii_case(&name))
        {
            continue;
        }
        let people: Vec<String> = admin
            .members
            .iter()
            .filter_map(|id| then.statsig_user(id))
            .map(|u| u.user_name.clone())
            .collect();
        let mut row = row(format!("admin:{name}"), &format!("{team} Admin"), &name);
        let who = match people.len() {
            1 => "1 person".to_string(),
            n => format!("{n} people"),
        };
        row.skipped = Some(format!(
            "The team's Admin role had {who} that no mapping fed ({}): a restore makes the team again from its Member mapping and cannot put them back, so add them as Admin in Statsig.",
            people.join(", ")
        ));
        out.push(row);
    }
    out
}

fn is_active(s: &MappingStatus) -> bool {
    !matches!(s, MappingStatus::Inactive)
}

/// The row for one of the snapshot's mappings: made again, its status set back, or
/// none when it is as it was.
fn mapping_row(
    dir: &Directory,
    mappings: &[Mapping],
    m: &Mapping,
    now: Option<&str>,
    guard: Guard,
    copy: bool,
) -> Option<RestoreRow> {
    let mut r = row(
        format!("make:{}", m.okta_group_name),
        &m.okta_group_name,
        &m.statsig_group_name,
    );
    let Some(okta) = now else {
        r.skipped = Some(if copy {
            format!(
                "No Okta group here is named \"{}\", so its mapping is not copied.",
                m.okta_group_name
            )
        } else {
            format!(
                "Okta group \"{}\" is gone from Okta, so its mapping cannot be made again.",
                m.okta_group_name
            )
        });
        return Some(r);
    };
    let active = is_active(&m.status);
    if let Some(cur) = rules::pushed_from(mappings, okta) {
        if !cur
            .statsig_group_name
            .eq_ignore_ascii_case(&m.statsig_group_name)
        {
            r.skipped = Some(format!(
                "Okta group \"{}\" now pushes to \"{}\"; unlink that mapping first to put this one back.",
                m.okta_group_name, cur.statsig_group_name
            ));
            return Some(r);
        }
        r.key = format!("status:{}", m.okta_group_name);
        if is_active(&cur.status) == active {
            return None;
        }
        r.change = Some(Change::Status {
            mapping_id: cur.id.clone(),
            active,
        });
        if active {
            preview(&mut r, dir, dir, okta, &cur.statsig_group_id, guard);
        }
        return Some(r);
    }
    let target = match dir.statsig_group_by_name(&m.statsig_group_name) {
        Some(g) => {
            if let Some(other) = rules::pushing_to(mappings, &g.id) {
                r.skipped = Some(format!(
                    "The team name \"{}\" is now taken: Okta group \"{}\" pushes to it.",
                    g.display_name, other.okta_group_name
                ));
                return Some(r);
            }
            if let Err(e) = rules::check_link(dir, mappings, okta, &g.id) {
                r.skipped = Some(e.to_string());
                return Some(r);
            }
            MakeTarget::Link {
                statsig_group_id: g.id.clone(),
            }
        }
        None => match parse_group_name(&m.statsig_group_name, &dir.projects) {
            ParsedName::Team {
                project,
                team,
                role: Role::Member,
            } => match rules::check_create(dir, mappings, okta, &project, &team) {
                Ok(_) => MakeTarget::Create { project, team },
                Err(e) => {
                    r.skipped = Some(e.to_string());
                    return Some(r);
                }
            },
            _ => {
                r.skipped = Some(format!(
                    "\"{}\" is gone from Statsig and only a team's Member group can be made by a push; make the team first.",
                    m.statsig_group_name
                ));
                return Some(r);
            }
        },
    };
    match &target {
        MakeTarget::Link { statsig_group_id } if active => {
            preview(&mut r, dir, dir, okta, statsig_group_id, guard);
        }
        MakeTarget::Create { .. } if active && dir.statsig_read => {
            if let Ok((members, _)) = desired_members(dir, okta) {
                r.gains = members.iter().map(|m| m.display.to_string()).collect();
            }
        }
        _ => {}
    }
    r.change = Some(Change::Make {
        okta_group_id: okta.to_string(),
        target,
        active,
    });
    Some(r)
}

/// The members row of one mapped Okta group, when its members differ from the snapshot's.
fn members_row(
    then: &Directory,
    dir: &Directory,
    was: &OktaGroup,
    now_id: &str,
    copy: bool,
) -> Option<RestoreRow> {
    let now = dir.okta_group(now_id)?;
    let mut r = row(format!("members:{}", was.name), &was.name, "");
    if !now.is_editable() {
        return None;
    }
    // A person of the snapshot, as she is now (by id, or by email in a copy).
    let here = |id: &String| -> Option<String> {
        if !copy {
            return dir.okta_user(id).map(|u| u.id.clone());
        }
        let u = then.okta_user(id)?;
        dir.okta_user_by_email(&u.email).map(|u| u.id.clone())
    };
    let email =
        |d: &Directory, id: &String| d.okta_user(id).map_or(id.clone(), |u| u.email.clone());
    let mut gone = Vec::new();
    let wanted: Vec<String> = was
        .members
        .iter()
        .filter_map(|id| {
            let h = here(id);
            if h.is_none() {
                gone.push(email(then, id));
            }
            h
        })
        .collect();
    let add: Vec<String> = wanted
        .iter()
        .filter(|u| !now.members.contains(u))
        .cloned()
        .collect();
    let remove: Vec<String> = now
        .members
        .iter()
        .filter(|u| !wanted.contains(u))
        .cloned()
        .collect();
    if add.is_empty() && remove.is_empty() && gone.is_empty() {
        return None;
    }
    r.people = add
        .iter()
        .map(|u| format!("+ {}", email(dir, u)))
        .chain(remove.iter().map(|u| format!("- {}", email(dir, u))))
        .chain(
            gone.iter()
                .map(|e| format!("{e} is no longer in Okta; left out")),
        )
        .collect();
    if !add.is_empty() || !remove.is_empty() {
        r.change = Some(Change::Members {
            okta_group_id: now_id.to_string(),
            add,
            remove,
        });
    } else {
        r.skipped = Some("Its members as they were are no longer in Okta.".to_string());
    }
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::directory::tests::{og, ou, su};
    use crate::model::snapshot::Source;
    use crate::model::snapshot::tests::{dir, mapping};

    fn here() -> Source {
        Source {
            statsig_url: "https://statsig.example".into(),
            okta_url: "https://acme.okta.com".into(),
            demo: false,
        }
    }

    fn snap(members: &[&str], status: MappingStatus) -> Snapshot {
        Snapshot::capture("then", here(), &dir(members), &[mapping(status)])
    }

    /// Now: `dir` with the Statsig groups kept by `keep` and Okta group og1's members.
    fn now(keep: &[&str], okta: &[&str], statsig: &[&str]) -> Directory {
        let d = dir(statsig);
        Directory::new(
            d.projects.clone(),
            vec![],
            vec![su("s1", "ada@example.com"), su("s2", "bob@example.com")],
            d.statsig_groups
                .iter()
                .filter(|g| keep.contains(&g.id.as_str()))
                .map(|g| (**g).clone())
                .collect(),
            vec![
                ou("o1", "ada@example.com", "ACTIVE"),
                ou("o2", "bob@example.com", "ACTIVE"),
            ],
            vec![og("og1", "Payments", okta), og("og2", "Other", &[])],
        )
    }

    fn plan_of(s: &Snapshot, d: &Directory, m: &[Mapping], opts: RestoreOptions) -> RestorePlan {
        plan(s, &here(), d, m, &[], Guard::default(), opts).unwrap()
    }

    #[test]
    fn a_mapping_broken_in_the_snapshot_is_not_made_again_and_hand_made_admins_are_named() {
        // Its group was already gone when the snapshot was taken: not made again.
        let mut broken = mapping(MappingStatus::Active);
        broken.statsig_group_id = "gone".into();
        broken.statsig_group_name = "Statsig-Checkout-Loyalty-Member".into();
        let s = Snapshot::capture("then", here(), &dir(&["s1"]), &[broken]);
        let p = plan_of(
            &s,
            &now(&["g2", "g3"], &["o1"], &[]),
            &[],
            RestoreOptions::default(),
        );
        assert_eq!(p.ready(), 0, "{:?}", p.rows);
        assert!(
            p.rows[0]
                .skipped
                .as_deref()
                .is_some_and(|w| w.contains("already gone when the snapshot was taken")),
            "{:?}",
            p.rows
        );
        // Still here as it was: nothing to list.
        let still = plan_of(
            &s,
            &now(&["g2", "g3"], &["o1"], &[]),
            &s.mappings,
            RestoreOptions::default(),
        );
        assert!(still.rows.is_empty(), "{:?}", still.rows);
        // A team made again by Create: its Admin role's people, whom no mapping fed, are
        // named, since a restore cannot put them back.
        use crate::model::directory::tests::sg;
        let then = Directory::new(
            vec!["Checkout".into()],
            vec![],
            vec![su("s1", "ada@example.com"), su("s2", "bob@example.com")],
            vec![
                sg("g1", "Statsig-Checkout-Payments-Member", &["s1"]),
                sg("g2", "Statsig-Checkout-Payments-Admin", &["s2"]),
            ],
            vec![ou("o1", "ada@example.com", "ACTIVE")],
            vec![og("og1", "Payments", &["o1"])],
        );
        let s = Snapshot::capture("then", here(), &then, &[mapping(MappingStatus::Active)]);
        let p = plan_of(
            &s,
            &now(&["g3"], &["o1"], &[]),
            &[],
            RestoreOptions::default(),
        );
        assert_eq!(p.rows[0].label(), "Create", "{:?}", p.rows);
        let admin = p
            .rows
            .iter()
            .find(|r| r.key == "admin:Statsig-Checkout-Payments-Admin")
            .expect("the Admin role's row");
        assert!(admin.change.is_none());
        assert!(
            admin
                .skipped
                .as_deref()
                .is_some_and(|w| w.contains("bob@example.com") && w.contains("add them as Admin")),
            "{admin:?}"
        );
    }

    #[test]
    fn a_deleted_team_is_created_again_and_a_left_one_linked_with_who_it_gains() {
        let s = snap(&["s1"], MappingStatus::Active);
        let gone = plan_of(
            &s,
            &now(&["g2", "g3"], &["o1"], &[]),
            &[],
            RestoreOptions::default(),
        );
        assert_eq!(gone.rows.len(), 1);
        let r = &gone.rows[0];
        assert_eq!(r.label(), "Create");
        assert_eq!(
            r.change,
            Some(Change::Make {
                okta_group_id: "og1".into(),
                target: MakeTarget::Create {
                    project: "Checkout".into(),
                    team: "Payments".into()
                },
                active: true
            })
        );
        assert_eq!(r.gains, ["ada@example.com"]);
        let left = plan_of(
            &s,
            &now(&["g1", "g2", "g3"], &["o1"], &[]),
            &[],
            RestoreOptions::default(),
        );
        assert_eq!(left.rows[0].label(), "Link");
        assert_eq!(left.rows[0].gains, ["ada@example.com"]);
        assert!(left.rows[0].loses.is_empty() && left.rows[0].ready());
        assert_eq!(left.summary(), "1 change to make");
    }

    #[test]
    fn a_status_is_set_back_and_what_is_as_it_was_makes_nothing() {
        let s = snap(&["s1"], MappingStatus::Active);
        let d = now(&["g1", "g2", "g3"], &["o1"], &["s1"]);
        let p = plan_of(
            &s,
            &d,
            &[mapping(MappingStatus::Inactive)],
            RestoreOptions::default(),
        );
        assert_eq!(
            p.rows[0].change,
            Some(Change::Status {
                mapping_id: "m1".into(),
                active: true
            })
        );
        let same = plan_of(
            &s,
            &d,
            &[mapping(MappingStatus::Active)],
            RestoreOptions::default(),
        );
        assert!(same.rows.is_empty(), "as it was: no row");
    }

    #[test]
    fn a_gone_okta_group_and_a_taken_team_name_are_listed_and_skipped() {
        let s = snap(&["s1"], MappingStatus::Active);
        let mut d = now(&["g1", "g2", "g3"], &["o1"], &[]);
        d = Directory::new(
            d.projects.clone(),
            vec![],
            d.statsig_users.to_vec(),
            d.statsig_groups.iter().map(|g| (**g).clone()).collect(),
            d.okta_users.to_vec(),
            vec![og("og2", "Other", &[])],
        );
        let p = plan_of(&s, &d, &[], RestoreOptions::default());
        assert_eq!(p.ready(), 0);
        assert!(
            p.rows[0]
                .skipped
                .as_deref()
                .unwrap()
                .contains("\"Payments\" is gone from Okta")
        );
        let d = now(&["g1", "g2", "g3"], &["o1"], &[]);
        let mut other = mapping(MappingStatus::Active);
        other.id = "m9".into();
        other.okta_group_id = "og2".into();
        other.okta_group_name = "Other".into();
        let p = plan_of(&s, &d, &[other], RestoreOptions::default());
        let why = p.rows[0].skipped.as_deref().unwrap();
        assert!(
            why.contains("now taken") && why.contains("\"Other\""),
            "{why}"
        );
    }

    #[test]
    fn another_org_a_newer_or_redacted_snapshot_is_refused_and_copy_matches_by_name() {
        let mut s = snap(&["s1"], MappingStatus::Active);
        s.source.okta_url = "https://other.okta.com".into();
        let d = now(&["g2", "g3"], &["o1"], &[]);
        let e = plan(
            &s,
            &here(),
            &d,
            &[],
            &[],
            Guard::default(),
            RestoreOptions::default(),
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("another org") && e.to_string().contains("copy"),
            "{e}"
        );
        // Copy: by names; the Okta group has another id here.
        let mut renamed = d.clone();
        let mut g = renamed.okta_group("og1").unwrap().clone();
        renamed.upsert_okta_group(OktaGroup {
            id: "x1".into(),
            ..g.clone()
        });
        g.name = "Payments old".into();
        renamed.upsert_okta_group(g);
        let copy = RestoreOptions {
            copy: true,
            ..RestoreOptions::default()
        };
        let p = plan(&s, &here(), &renamed, &[], &[], Guard::default(), copy).unwrap();
        assert!(
            matches!(&p.rows[0].change, Some(Change::Make { okta_group_id, .. }) if okta_group_id == "x1")
        );
        s.version = VERSION + 1;
        assert_eq!(
            plan(&s, &here(), &d, &[], &[], Guard::default(), copy),
            Err(RestoreProblem::TooNew(VERSION + 1))
        );
        s.version = VERSION;
        s.redacted = true;
        assert_eq!(
            plan(&s, &here(), &d, &[], &[], Guard::default(), copy),
            Err(RestoreProblem::Redacted)
        );
    }

    #[test]
    fn mappings_made_since_are_unlinked_only_when_asked_and_with_leave() {
        let s = snap(&["s1"], MappingStatus::Active);
        let d = now(&["g1", "g2", "g3"], &["o1"], &["s1"]);
        let mut new = mapping(MappingStatus::Active);
        new.id = "m2".into();
        new.okta_group_id = "og2".into();
        new.okta_group_name = "Other".into();
        new.statsig_group_id = "g2".into();
        let ms = [mapping(MappingStatus::Active), new];
        assert!(
            plan_of(&s, &d, &ms, RestoreOptions::default())
                .rows
                .iter()
                .all(|r| r.change.is_none())
        );
        let asked = RestoreOptions {
            unlink_new: true,
            ..RestoreOptions::default()
        };
        let p = plan_of(&s, &d, &ms, asked);
        let unlink: Vec<_> = p.rows.iter().filter(|r| r.change.is_some()).collect();
        assert_eq!(unlink.len(), 1);
        assert_eq!(
            unlink[0].change,
            Some(Change::Unlink {
                mapping_id: "m2".into()
            })
        );
        assert_eq!(unlink[0].label(), "Unlink (Leave)");
    }

    #[test]
    fn members_are_set_back_only_when_asked_each_person_listed_and_previewed() {
        let s = snap(&["s1"], MappingStatus::Active);
        // Now og1 has Bob instead of Ada, and the mapping was unlinked with Leave.
        let d = now(&["g1", "g2", "g3"], &["o2"], &["s1"]);
        let p = plan_of(&s, &d, &[], RestoreOptions::default());
        assert_eq!(p.rows.len(), 1);
        let asked = RestoreOptions {
            members: true,
            ..RestoreOptions::default()
        };
        let p = plan_of(&s, &d, &[], asked);
        assert_eq!(p.rows[0].people, ["+ ada@example.com", "- bob@example.com"]);
        assert_eq!(
            p.rows[0].change,
            Some(Change::Members {
                okta_group_id: "og1".into(),
                add: vec!["o1".into()],
                remove: vec!["o2".into()]
            })
        );
        // The link then gains no one: Ada is in the team already, as the group will be.
        assert_eq!(p.rows[1].label(), "Link");
        assert!(p.rows[1].gains.is_empty() && p.rows[1].loses.is_empty());
    }

    #[test]
    fn rules_are_put_back_and_the_guard_stops_a_mass_removal() {
        let mut s = snap(&["s1"], MappingStatus::Active);
        s.rules = vec![PushRule {
            id: "r1".into(),
            name: "Teams".into(),
            how: crate::model::push_rule::NameMatch::StartsWith,
            text: "Team ".into(),
            kind: None,
            action: crate::model::push_rule::RuleAction::Create {
                project: "Checkout".into(),
            },
            auto_create: false,
        }];
        // The team has Bob now, whom the Okta group does not: linking removes all of it.
        let d = now(&["g1", "g2", "g3"], &[], &["s2"]);
        let p = plan_of(&s, &d, &[], RestoreOptions::default());
        assert_eq!(p.rows[0].loses, ["bob@example.com"]);
        assert!(p.rows[0].guard.is_some() && !p.rows[0].ready());
        assert_eq!(p.rows[1].label(), "Rule");
        assert_eq!(
            p.summary(),
            "1 change to make, 1 stopped by the deletion guard"
        );
    }

    #[test]
    fn undo_reverses_each_change_of_a_bulk_apply() {
        let d = now(&["g1", "g2", "g3"], &["o1"], &[]);
        let ms = [mapping(MappingStatus::Active)];
        let payments = "Payments".to_string();
        let team = "Statsig-Checkout-Payments-Member".to_string();
        let done = [
            Applied::Members {
                okta_group_id: "og1".into(),
                okta_group_name: payments.clone(),
                add: vec!["o1".into()],
                remove: vec!["o2".into()],
            },
            Applied::Made {
                mapping_id: "m1".into(),
                okta_group_name: payments.clone(),
                statsig_group_name: team.clone(),
            },
            Applied::Made {
                mapping_id: "gone".into(),
                okta_group_name: "Other".into(),
                statsig_group_name: "x".into(),
            },
            Applied::Rule {
                name: "Teams".into(),
            },
        ];
        let p = undo(&d, &ms, &done, Guard::default());
        let labels: Vec<&str> = p.rows.iter().map(RestoreRow::label).collect();
        assert_eq!(
            labels,
            ["Remove rule", "Skipped", "Unlink (Leave)", "Members"]
        );
        assert_eq!(
            p.rows[3].change,
            Some(Change::Members {
                okta_group_id: "og1".into(),
                add: vec!["o2".into()],
                remove: vec!["o1".into()]
            })
        );
        assert_eq!(p.rows[3].people, ["+ bob@example.com", "- ada@example.com"]);
        let unlinked = Applied::Unlinked {
            okta_group_id: "og1".into(),
            okta_group_name: payments,
            statsig_group_id: "g1".into(),
            statsig_group_name: team,
            active: true,
        };
        let relink = undo(&d, &[], &[unlinked], Guard::default());
        assert_eq!(relink.rows[0].label(), "Link");
        assert_eq!(relink.rows[0].gains, ["ada@example.com"]);
    }
}
