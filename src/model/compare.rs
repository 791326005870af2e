//! What changed between two snapshots (or a snapshot and what is shown): teams, each team
//! role's members, Okta groups' members, mappings by their own identity, and push rules.
//! A redacted side is compared with a plain one only as far as it can be: people cannot be
//! matched across it, unless the plain side can be redacted with the very key that made
//! the other (this profile's), and then everything is compared.

use super::mapping::Mapping;
use super::push_rule::PushRule;
use super::redact::RedactionKey;
use super::snapshot::Snapshot;
use super::text::plural;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// Members added to and removed from one team role.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RoleChange {
    /// The project.
    pub project: String,
    /// The team.
    pub team: String,
    /// The role.
    pub role: String,
    /// Emails added.
    pub added: Vec<String>,
    /// Emails removed.
    pub removed: Vec<String>,
}

/// Members added to and removed from one Okta group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GroupChange {
    /// The group's name (as it is now).
    pub group: String,
    /// Emails added.
    pub added: Vec<String>,
    /// Emails removed.
    pub removed: Vec<String>,
}

/// A mapping whose status changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusChange {
    /// The Okta group's name.
    pub okta_group: String,
    /// The Statsig group's name.
    pub statsig_group: String,
    /// The status before.
    pub before: String,
    /// The status after.
    pub after: String,
}

/// What changed from `before` to `after`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Comparison {
    /// What could not be compared, or how the sides were made comparable, in one
    /// sentence (a redacted side, members not read).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Teams that appeared, as "Team (Project)".
    pub teams_created: Vec<String>,
    /// Teams that went.
    pub teams_deleted: Vec<String>,
    /// Team roles whose members changed.
    pub members_changed: Vec<RoleChange>,
    /// Okta groups that appeared.
    pub okta_groups_created: Vec<String>,
    /// Okta groups that went.
    pub okta_groups_deleted: Vec<String>,
    /// Okta groups whose members changed.
    pub okta_groups_changed: Vec<GroupChange>,
    /// Mappings that appeared.
    pub mappings_created: Vec<String>,
    /// Mappings that went.
    pub mappings_unlinked: Vec<String>,
    /// Mappings whose status changed.
    pub status_changes: Vec<StatusChange>,
    /// Push rules added, removed or changed: "added rule \"Teams\": …".
    pub rule_changes: Vec<String>,
}

impl Comparison {
    /// Nothing changed (in what could be compared).
    pub fn is_empty(&self) -> bool {
        self.teams_created.is_empty()
            && self.teams_deleted.is_empty()
            && self.members_changed.is_empty()
            && self.okta_groups_created.is_empty()
            && self.okta_groups_deleted.is_empty()
            && self.okta_groups_changed.is_empty()
            && self.mappings_created.is_empty()
            && self.mappings_unlinked.is_empty()
            && self.status_changes.is_empty()
            && self.rule_changes.is_empty()
    }

    /// One line of counts.
    pub fn summary(&self) -> String {
        let added: usize = self.members_changed.iter().map(|c| c.added.len()).sum();
        let removed: usize = self.members_changed.iter().map(|c| c.removed.len()).sum();
        let mut s = format!(
            "{} created, {} deleted; {} added and {} removed across {}; {} created, {} unlinked, {}",
            plural(self.teams_created.len(), "team"),
            self.teams_deleted.len(),
            plural(added, "member"),
            removed,
            plural(self.members_changed.len(), "team role"),
            plural(self.mappings_created.len(), "mapping"),
            self.mappings_unlinked.len(),
            plural(self.status_changes.len(), "status change"),
        );
        let groups = self.okta_groups_changed.len()
            + self.okta_groups_created.len()
            + self.okta_groups_deleted.len();
        if groups > 0 {
            let added: usize = self.okta_groups_changed.iter().map(|c| c.added.len()).sum();
            let removed: usize = self
                .okta_groups_changed
                .iter()
                .map(|c| c.removed.len())
                .sum();
            s.push_str(&format!(
                "; Okta: {} with {} added and {} removed, {} created, {} deleted",
                plural(self.okta_groups_changed.len(), "group"),
                plural(added, "member"),
                removed,
                self.okta_groups_created.len(),
                self.okta_groups_deleted.len()
            ));
        }
        if !self.rule_changes.is_empty() {
            s.push_str(&format!(
                "; {}",
                plural(self.rule_changes.len(), "rule change")
            ));
        }
        s
    }
}

/// Compares two snapshots team by team, role by role, group by group and mapping by
/// mapping. A redacted side is compared with a plain one only as far as it can be.
pub fn compare(before: &Snapshot, after: &Snapshot) -> Comparison {
    compare_keyed(before, after, None)
}

/// [`compare`], where `key` (this profile's) redacts a plain side to compare it fully with
/// a file redacted under that same key.
pub fn compare_keyed(
    before: &Snapshot,
    after: &Snapshot,
    key: Option<&RedactionKey>,
) -> Comparison {
    let mut notes = Vec::new();
    let (before, after, people) = comparable(before, after, key, &mut notes);
    let (before, after) = (before.as_ref(), after.as_ref());
    let (a, b) = (team_roles(before), team_roles(after));
    let teams = |m: &Roles| -> BTreeSet<(String, String)> {
        m.keys().map(|(p, t, _)| (p.clone(), t.clone())).collect()
    };
    let (ta, tb) = (teams(&a), teams(&b));
    let label = |(p, t): &(String, String)| format!("{t} ({p})");
    let mut c = Comparison {
        teams_created: tb.difference(&ta).map(label).collect(),
        teams_deleted: ta.difference(&tb).map(label).collect(),
        ..Comparison::default()
    };
    if !people {
        // Pseudonyms cannot be matched with real emails, nor two keys' with each other.
    } else if !before.statsig_read || !after.statsig_read {
        notes.push("Statsig's members are not compared: one side was taken without reading Statsig (no Statsig token).".to_string());
    } else {
        c.members_changed = role_changes(&a, &b);
    }
    if people {
        okta_changes(before, after, &mut c, &mut notes);
    }
    mapping_changes(before, after, people, &mut c);
    c.rule_changes = rule_changes(&before.rules, &after.rules);
    c.note = (!notes.is_empty()).then(|| notes.join(" "));
    c
}

/// The two sides as they can be compared, and whether people can be matched across them.
fn comparable<'a>(
    before: &'a Snapshot,
    after: &'a Snapshot,
    key: Option<&RedactionKey>,
    notes: &mut Vec<String>,
) -> (Cow<'a, Snapshot>, Cow<'a, Snapshot>, bool) {
    let (b, a) = (Cow::Borrowed(before), Cow::Borrowed(after));
    if !before.redacted && !after.redacted {
        return (b, a, true);
    }
    if before.redacted && after.redacted {
        if before.redaction_key.is_some() && before.redaction_key == after.redaction_key {
            return (b, a, true);
        }
        notes.push("Both sides are redacted, but not with the same profile's key: people cannot be matched across them, so members are not compared; teams, Okta groups by name, mappings by their groups' names and rules are.".to_string());
        return (b, a, false);
    }
    let (redacted, plain_is_before) = if before.redacted {
        (before, false)
    } else {
        (after, true)
    };
    let made_here = key.filter(|k| redacted.redaction_key.as_deref() == Some(&k.fingerprint()));
    if let Some(k) = made_here {
        notes.push("One side is redacted with this profile's key: the other side was redacted the same way to compare them.".to_string());
        return if plain_is_before {
            (Cow::Owned(before.redacted(k)), a, true)
        } else {
            (b, Cow::Owned(after.redacted(k)), true)
        };
    }
    notes.push(format!(
        "The {} side is redacted and the other is not (nor redacted with this profile's key): people cannot be matched across them, so members are not compared; teams, Okta groups by name, mappings by their groups' names and rules are.",
        if before.redacted { "earlier" } else { "later" }
    ));
    (b, a, false)
}

type Roles = BTreeMap<(String, String, String), BTreeSet<String>>;

/// Who is in one team role, by email.
fn team_roles(s: &Snapshot) -> Roles {
    let emails: BTreeMap<&str, &str> = s
        .statsig_users
        .iter()
        .map(|u| (u.id.as_str(), u.user_name.as_str()))
        .collect();
    let groups: BTreeMap<&str, &super::records::StatsigGroup> = s
        .statsig_groups
        .iter()
        .map(|g| (g.id.as_str(), g))
        .collect();
    let mut out = BTreeMap::new();
    for r in s.statsig_names.iter().filter(|r| r.kind == "team") {
        let (Some(p), Some(t), Some(role)) = (&r.project, &r.team, &r.role) else {
            continue;
        };
        let members = groups
            .get(r.group_id.as_str())
            .map(|g| by_email(&g.members, &emails))
            .unwrap_or_default();
        out.insert((p.clone(), t.clone(), role.clone()), members);
    }
    out
}

/// Member ids as lower-cased emails (the id itself when no user has it).
fn by_email(members: &[String], emails: &BTreeMap<&str, &str>) -> BTreeSet<String> {
    members
        .iter()
        .map(|m| {
            emails
                .get(m.as_str())
                .map(|e| e.to_lowercase())
                .unwrap_or_else(|| m.clone())
        })
        .collect()
}

/// Added and removed members of each set in either map, in key order.
fn diff<K: Ord + Clone>(
    a: &BTreeMap<K, BTreeSet<String>>,
    b: &BTreeMap<K, BTreeSet<String>>,
) -> Vec<(K, Vec<String>, Vec<String>)> {
    let empty = BTreeSet::new();
    let keys: BTreeSet<&K> = a.keys().chain(b.keys()).collect();
    let mut out = Vec::new();
    for k in keys {
        let (old, new) = (a.get(k).unwrap_or(&empty), b.get(k).unwrap_or(&empty));
        let added: Vec<String> = new.difference(old).cloned().collect();
        let removed: Vec<String> = old.difference(new).cloned().collect();
        if !added.is_empty() || !removed.is_empty() {
            out.push((k.clone(), added, removed));
        }
    }
    out
}

fn role_changes(a: &Roles, b: &Roles) -> Vec<RoleChange> {
    diff(a, b)
        .into_iter()
        .map(|((project, team, role), added, removed)| RoleChange {
            project,
            team,
            role,
            added,
            removed,
        })
        .collect()
}

/// Okta groups (those whose members Okta lets change: `OKTA_GROUP`) created, deleted, and
/// their members added and removed, matched by id. A group whose members were not read
/// yet on either side is left out and counted in the note.
fn okta_changes(before: &Snapshot, after: &Snapshot, c: &mut Comparison, notes: &mut Vec<String>) {
    let mut unread = 0;
    let mut side =
        |s: &Snapshot| -> (BTreeMap<String, BTreeSet<String>>, BTreeMap<String, String>) {
            let emails: BTreeMap<&str, &str> = s
                .okta_users
                .iter()
                .map(|u| {
                    let e = if u.email.is_empty() {
                        &u.login
                    } else {
                        &u.email
                    };
                    (u.id.as_str(), e.as_str())
                })
                .collect();
            let mut members = BTreeMap::new();
            let mut names = BTreeMap::new();
            for g in s.okta_groups.iter().filter(|g| g.is_editable()) {
                names.insert(g.id.clone(), g.name.clone());
                if g.members_pending {
                    unread += 1;
                } else {
                    members.insert(g.id.clone(), by_email(&g.members, &emails));
                }
            }
            (members, names)
        };
    let (ma, na) = side(before);
    let (mb, nb) = side(after);
    c.okta_groups_created = nb
        .iter()
        .filter(|(id, _)| !na.contains_key(*id))
        .map(|(_, n)| n.clone())
        .collect();
    c.okta_groups_deleted = na
        .iter()
        .filter(|(id, _)| !nb.contains_key(*id))
        .map(|(_, n)| n.clone())
        .collect();
    let both = |m: &BTreeMap<String, BTreeSet<String>>| -> BTreeMap<String, BTreeSet<String>> {
        m.iter()
            .filter(|(id, _)| ma.contains_key(*id) && mb.contains_key(*id))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    c.okta_groups_changed = diff(&both(&ma), &both(&mb))
        .into_iter()
        .map(|(id, added, removed)| GroupChange {
            group: nb.get(&id).or_else(|| na.get(&id)).cloned().unwrap_or(id),
            added,
            removed,
        })
        .collect();
    c.okta_groups_changed.sort_by(|x, y| x.group.cmp(&y.group));
    if unread > 0 {
        notes.push(format!(
            "{} not compared: {} members were not read yet.",
            plural(unread, "Okta group"),
            if unread == 1 { "its" } else { "their" }
        ));
    }
}

fn mapping_label(m: &Mapping) -> String {
    format!("{} -> {}", m.okta_group_name, m.statsig_group_name)
}

/// Mappings matched by their own identity (Okta's mapping id, or the app's), so a target
/// that did not exist yet when the first side was taken reads as a status change, not as
/// a mapping unlinked and another made. Across a redaction boundary (ids unmatched), by
/// their groups' names.
fn mapping_changes(before: &Snapshot, after: &Snapshot, by_id: bool, c: &mut Comparison) {
    let identity = |m: &Mapping| -> (String, String) {
        if by_id {
            (m.id.clone(), m.okta_group_id.clone())
        } else {
            (
                m.okta_group_name.to_lowercase(),
                m.statsig_group_name.to_lowercase(),
            )
        }
    };
    let ma: BTreeMap<(String, String), &Mapping> =
        before.mappings.iter().map(|m| (identity(m), m)).collect();
    let mb: BTreeMap<(String, String), &Mapping> =
        after.mappings.iter().map(|m| (identity(m), m)).collect();
    for (k, m) in &mb {
        match ma.get(k) {
            None => c.mappings_created.push(mapping_label(m)),
            Some(old) if old.status.label() != m.status.label() => {
                c.status_changes.push(StatusChange {
                    okta_group: m.okta_group_name.clone(),
                    statsig_group: m.statsig_group_name.clone(),
                    before: old.status.label().to_string(),
                    after: m.status.label().to_string(),
                })
            }
            Some(_) => {}
        }
    }
    for (k, m) in &ma {
        if !mb.contains_key(k) {
            c.mappings_unlinked.push(mapping_label(m));
        }
    }
}

/// Rules added, removed or changed, by name, each in words.
fn rule_changes(before: &[PushRule], after: &[PushRule]) -> Vec<String> {
    let find = |rules: &'_ [PushRule], name: &str| -> Option<PushRule> {
        rules.iter().find(|r| r.name == name).cloned()
    };
    let mut out = Vec::new();
    for r in after {
        match find(before, &r.name) {
            None => out.push(format!("added rule \"{}\": {}", r.name, r.describe())),
            Some(old) if old.describe() != r.describe() => out.push(format!(
                "changed rule \"{}\": was {}; now {}",
                r.name,
                old.describe(),
                r.describe()
            )),
            Some(_) => {}
        }
    }
    for r in before {
        if find(after, &r.name).is_none() {
            out.push(format!("removed rule \"{}\": {}", r.name, r.describe()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::directory::tests::{og, ou, sg};
    use crate::model::mapping::MappingStatus;
    use crate::model::snapshot::Source;
    use crate::model::snapshot::tests::{dir, mapping};

    fn snap(d: &crate::model::Directory, mappings: &[Mapping]) -> Snapshot {
        Snapshot::capture("t", Source::default(), d, mappings)
    }

    fn key(b: u8) -> RedactionKey {
        RedactionKey::from_bytes([b; 32])
    }

    #[test]
    fn compares_teams_members_and_mappings() {
        let before = snap(&dir(&["s1"]), &[mapping(MappingStatus::Active)]);
        let mut after_dir = dir(&["s2"]);
        after_dir.upsert_statsig_group(sg("g9", "Statsig-Checkout-Risk-Member", &[]));
        let after = snap(&after_dir, &[mapping(MappingStatus::Inactive)]);
        let c = compare(&before, &after);
        assert_eq!(c.teams_created, vec!["Risk (Checkout)".to_string()]);
        assert!(c.teams_deleted.is_empty());
        assert_eq!(
            c.members_changed[0].added,
            vec!["bob@example.com".to_string()]
        );
        assert_eq!(
            c.members_changed[0].removed,
            vec!["ada@example.com".to_string()]
        );
        assert_eq!(c.status_changes[0].after, "Inactive");
        assert!(compare(&before, &before).is_empty());
        let unlinked = snap(&dir(&["s1"]), &[]);
        let label = vec!["Payments -> Statsig-Checkout-Payments-Member".to_string()];
        assert_eq!(compare(&before, &unlinked).mappings_unlinked, label);
        assert_eq!(compare(&unlinked, &before).mappings_created, label);
    }

    /// A Create saved before Okta made the team (its target empty) and the same mapping
    /// after the push: a team created and a status change, not "created" and "unlinked".
    #[test]
    fn a_mapping_whose_target_appeared_is_one_mapping() {
        let mut waiting = mapping(MappingStatus::Pushing);
        waiting.statsig_group_id = String::new();
        waiting.statsig_group_name = "Statsig-Checkout-Risk-Member".into();
        let before = snap(&dir(&["s1"]), &[waiting.clone()]);
        let mut after_dir = dir(&["s1"]);
        after_dir.upsert_statsig_group(sg("g9", "Statsig-Checkout-Risk-Member", &[]));
        let pushed = Mapping {
            statsig_group_id: "g9".into(),
            status: MappingStatus::Active,
            ..waiting
        };
        let c = compare(&before, &snap(&after_dir, &[pushed]));
        assert_eq!(c.teams_created, vec!["Risk (Checkout)".to_string()]);
        assert!(c.mappings_created.is_empty(), "{:?}", c.mappings_created);
        assert!(c.mappings_unlinked.is_empty(), "{:?}", c.mappings_unlinked);
        assert_eq!(c.status_changes.len(), 1);
        assert_eq!(
            (
                c.status_changes[0].before.as_str(),
                c.status_changes[0].after.as_str()
            ),
            ("Pushing", "Active")
        );
    }

    /// A person added to an Okta group shows under that group; a group whose members were
    /// not read on one side is left out and said.
    #[test]
    fn okta_groups_members_are_compared() {
        let before = snap(&dir(&["s1"]), &[]);
        let mut d = dir(&["s1"]);
        d.set_okta_users(vec![
            ou("o1", "ada@example.com", "ACTIVE"),
            ou("o2", "bob@example.com", "ACTIVE"),
        ]);
        d.upsert_okta_group(og("og1", "Payments", &["o1", "o2"]));
        let mut pending = og("og2", "Later", &[]);
        pending.members_pending = true;
        d.upsert_okta_group(pending);
        let after = snap(&d, &[]);
        let c = compare(&before, &after);
        assert_eq!(
            c.okta_groups_changed,
            vec![GroupChange {
                group: "Payments".into(),
                added: vec!["bob@example.com".into()],
                removed: vec![],
            }]
        );
        assert_eq!(c.okta_groups_created, vec!["Later".to_string()]);
        assert!(
            c.summary().contains("Okta: 1 group with 1 member added"),
            "{}",
            c.summary()
        );
        let mut read_later = after.clone();
        let later = read_later
            .okta_groups
            .iter_mut()
            .find(|g| g.name == "Later")
            .unwrap();
        later.members = vec!["o1".into()];
        later.members_pending = false;
        let c = compare(&after, &read_later);
        assert!(c.okta_groups_changed.is_empty());
        assert_eq!(
            c.note.as_deref(),
            Some("1 Okta group not compared: its members were not read yet.")
        );
    }

    #[test]
    fn one_profiles_redacted_snapshots_compare_and_a_plain_one_only_by_names() {
        let plain = snap(&dir(&["s1"]), &[mapping(MappingStatus::Active)]);
        let later = snap(&dir(&["s1", "s2"]), &[mapping(MappingStatus::Inactive)]);
        let (r1, r2) = (plain.redacted(&key(1)), later.redacted(&key(1)));
        let c = compare(&r1, &r2);
        assert_eq!(c.members_changed.len(), 1);
        assert_eq!(
            c.members_changed[0].added,
            vec![key(1).person("bob@example.com").email]
        );
        assert_eq!(c.status_changes.len(), 1);
        assert!(c.note.is_none());
        assert!(
            compare(&r1, &plain.redacted(&key(1))).is_empty(),
            "stable pseudonyms"
        );

        // Plain against redacted: no member is compared, and the note says why.
        for c in [
            compare(&plain, &r2),
            compare(&r1, &later),
            compare(&r1, &later.redacted(&key(2))),
        ] {
            assert!(c.members_changed.is_empty(), "{c:?}");
            assert!(
                c.note
                    .as_deref()
                    .is_some_and(|n| n.contains("members are not compared"))
            );
            assert_eq!(
                c.status_changes.len(),
                1,
                "mappings match by their groups' names"
            );
            assert!(c.mappings_created.is_empty() && c.mappings_unlinked.is_empty());
        }
        // With the key that redacted the file, the plain side is redacted to compare.
        let c = compare_keyed(&plain, &r2, Some(&key(1)));
        assert_eq!(c.members_changed.len(), 1);
        assert!(
            c.note
                .as_deref()
                .is_some_and(|n| n.contains("this profile's key"))
        );
        assert!(
            compare_keyed(&plain, &later.redacted(&key(2)), Some(&key(1)))
                .members_changed
                .is_empty()
        );
    }

    fn rule(name: &str, text: &str) -> PushRule {
        use crate::model::push_rule::{NameMatch, RuleAction};
        PushRule {
            id: String::new(),
            name: name.into(),
            how: NameMatch::StartsWith,
            text: text.into(),
            kind: None,
            action: RuleAction::Create {
                project: "Checkout".into(),
            },
            auto_create: false,
        }
    }

    /// An Okta group gone is named; rules added, changed and removed are each said in
    /// words, with what they were and are.
    #[test]
    fn an_okta_group_deleted_and_rules_changed_are_named() {
        let mut before = snap(&dir(&["s1"]), &[]);
        before.rules = vec![rule("Teams", "Team "), rule("Old", "Old ")];
        let mut after = before.clone();
        after.okta_groups.clear();
        after.rules = vec![rule("Teams", "Squad "), rule("New", "New ")];
        let c = compare(&before, &after);
        assert_eq!(c.okta_groups_deleted, vec!["Payments".to_string()]);
        assert!(c.okta_groups_created.is_empty() && c.okta_groups_changed.is_empty());
        assert_eq!(
            c.rule_changes,
            vec![
                format!(
                    "changed rule \"Teams\": was {}; now {}",
                    rule("Teams", "Team ").describe(),
                    rule("Teams", "Squad ").describe()
                ),
                format!("added rule \"New\": {}", rule("New", "New ").describe()),
                format!("removed rule \"Old\": {}", rule("Old", "Old ").describe()),
            ]
        );
        assert!(
            c.summary()
                .ends_with("; Okta: 0 groups with 0 members added and 0 removed, 0 created, 1 deleted; 3 rule changes"),
            "{}",
            c.summary()
        );
        assert!(compare(&after, &after).rule_changes.is_empty());
    }

    /// Any one section makes a difference; the summary counts each section as it is.
    #[test]
    fn each_section_alone_is_a_difference_and_the_summary_counts_each() {
        let one = || vec!["x".to_string()];
        let role = RoleChange {
            added: vec!["a".into(), "b".into()],
            removed: vec!["c".into()],
            ..RoleChange::default()
        };
        let group = GroupChange {
            added: vec!["a".into()],
            removed: vec!["b".into(), "c".into(), "d".into()],
            ..GroupChange::default()
        };
        let status = StatusChange {
            okta_group: "o".into(),
            statsig_group: "s".into(),
            before: "Active".into(),
            after: "Inactive".into(),
        };
        let sections = [
            Comparison {
                teams_created: one(),
                ..Default::default()
            },
            Comparison {
                teams_deleted: one(),
                ..Default::default()
            },
            Comparison {
                members_changed: vec![role.clone()],
                ..Default::default()
            },
            Comparison {
                okta_groups_created: one(),
                ..Default::default()
            },
            Comparison {
                okta_groups_deleted: one(),
                ..Default::default()
            },
            Comparison {
                okta_groups_changed: vec![group.clone()],
                ..Default::default()
            },
            Comparison {
                mappings_created: one(),
                ..Default::default()
            },
            Comparison {
                mappings_unlinked: one(),
                ..Default::default()
            },
            Comparison {
                status_changes: vec![status.clone()],
                ..Default::default()
            },
            Comparison {
                rule_changes: one(),
                ..Default::default()
            },
        ];
        for c in &sections {
            assert!(!c.is_empty(), "{c:?}");
        }
        assert!(Comparison::default().is_empty());
        let all = Comparison {
            note: None,
            teams_created: vec!["a".into(), "b".into()],
            teams_deleted: vec!["c".into(), "d".into(), "e".into()],
            members_changed: vec![role.clone(), role],
            okta_groups_created: vec!["f".into(), "g".into()],
            okta_groups_deleted: vec!["h".into(), "i".into(), "j".into(), "k".into()],
            okta_groups_changed: vec![group.clone(), group],
            mappings_created: vec!["l".into()],
            mappings_unlinked: vec!["m".into(), "n".into()],
            status_changes: vec![status.clone(), status.clone(), status],
            rule_changes: vec!["r".into(), "s".into()],
        };
        assert_eq!(
            all.summary(),
            "2 teams created, 3 deleted; 4 members added and 2 removed across 2 team roles; \
             1 mapping created, 2 unlinked, 3 status changes; \
             Okta: 2 groups with 2 members added and 6 removed, 2 created, 4 deleted; 2 rule changes"
        );
        assert_eq!(
            Comparison::default().summary(),
            "0 teams created, 0 deleted; 0 members added and 0 removed across 0 team roles; 0 mappings created, 0 unlinked, 0 status changes"
        );
    }

    /// Two files redacted under two profiles' keys: members are not compared, and the
    /// note says why; a redacted earlier side is called the earlier one.
    #[test]
    fn the_note_says_which_side_is_redacted_and_why_members_are_not_compared() {
        let plain = snap(&dir(&["s1"]), &[]);
        let c = compare(&plain.redacted(&key(1)), &plain.redacted(&key(2)));
        assert!(
            c.note
                .as_deref()
                .is_some_and(|n| n
                    .starts_with("Both sides are redacted, but not with the same profile's key")),
            "{c:?}"
        );
        let earlier = compare(&plain.redacted(&key(1)), &plain).note.unwrap();
        assert!(
            earlier.starts_with("The earlier side is redacted"),
            "{earlier}"
        );
        let later = compare(&plain, &plain.redacted(&key(1))).note.unwrap();
        assert!(later.starts_with("The later side is redacted"), "{later}");
    }

    /// A team whose groups went is named as deleted; an Okta group whose members alone
    /// changed is in the summary; a side taken without Statsig's members compares none.
    #[test]
    fn a_team_deleted_a_lone_okta_change_and_a_side_without_statsig() {
        let before = snap(&dir(&["s1"]), &[]);
        let mut gone = before.clone();
        gone.statsig_groups
            .retain(|g| !g.display_name.starts_with("Statsig-Checkout-Payments-"));
        gone.statsig_names
            .retain(|r| r.team.as_deref() != Some("Payments"));
        let c = compare(&before, &gone);
        assert_eq!(c.teams_deleted, vec!["Payments (Checkout)".to_string()]);
        assert!(c.teams_created.is_empty());
        assert!(
            c.summary().starts_with("0 teams created, 1 deleted;"),
            "{}",
            c.summary()
        );

        let mut d = dir(&["s1"]);
        d.set_okta_users(vec![
            ou("o1", "ada@example.com", "ACTIVE"),
            ou("o2", "bob@example.com", "ACTIVE"),
        ]);
        let one_more = snap(&d, &[]);
        d.upsert_okta_group(og("og1", "Payments", &["o1", "o2"]));
        let c = compare(&one_more, &snap(&d, &[]));
        assert_eq!(c.okta_groups_changed.len(), 1);
        assert!(c.okta_groups_created.is_empty() && c.okta_groups_deleted.is_empty());
        assert!(
            c.summary().ends_with(
                "; Okta: 1 group with 1 member added and 0 removed, 0 created, 0 deleted"
            ),
            "{}",
            c.summary()
        );

        let mut unread = snap(&dir(&["s2"]), &[]);
        unread.statsig_read = false;
        for c in [compare(&before, &unread), compare(&unread, &before)] {
            assert!(c.members_changed.is_empty(), "{c:?}");
            assert!(
                c.note
                    .as_deref()
                    .is_some_and(|n| n.starts_with("Statsig's members are not compared")),
                "{c:?}"
            );
        }
        assert!(
            !compare(&before, &snap(&dir(&["s2"]), &[]))
                .members_changed
                .is_empty()
        );
    }
}
