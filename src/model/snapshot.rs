//! The snapshot format: what the app saw at one time, as versioned JSON that reviews
//! offline and diffs well in git. Deterministic: two snapshots of the same state differ
//! only in `taken_at`.

use super::directory::{Directory, OktaGroup, OktaUser, StatsigGroup, StatsigUser};
use super::mapping::Mapping;
use super::names::ParsedName;
use super::okta_app::{AppGroup, AppSide, AppUser, OktaApp};
use super::push_rule::PushRule;
use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Written in every snapshot; a file without it is not a snapshot.
pub const FORMAT: &str = "okta-statsig-teams/snapshot";
/// The version this build writes. Older versions keep opening.
pub const VERSION: u32 = 3;
/// Largest snapshot opened.
pub const MAX_BYTES: u64 = 1024 * 1024 * 1024;

/// Where the data came from: URLs only, never tokens.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// The Statsig SCIM URL (or "demo sandbox").
    pub statsig_url: String,
    /// The Okta org URL (or "demo sandbox").
    pub okta_url: String,
    /// Whether it came from the demo sandbox.
    #[serde(default)]
    pub demo: bool,
}

/// How a Statsig group's name reads, stored so an offline reviewer sees what the app saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupReading {
    /// The group's id.
    pub group_id: String,
    /// The group's name.
    pub name: String,
    /// `team`, `project`, `other`, `malformed` or `ambiguous`.
    pub kind: String,
    /// The project, when the name reads as one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// The team, when the name reads as a team role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// The role, when the name reads as one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Why the name cannot be used (malformed or ambiguous).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// A snapshot file's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Always [`FORMAT`].
    pub format: String,
    /// The format version the file was written in.
    pub version: u32,
    /// When it was taken.
    pub taken_at: String,
    /// Where the data came from.
    pub source: Source,
    /// Emails and names were replaced by stable pseudonyms.
    #[serde(default)]
    pub redacted: bool,
    /// The Statsig projects.
    pub projects: Vec<String>,
    /// The email domains Statsig accepts.
    pub org_domains: Vec<String>,
    /// Statsig users.
    pub statsig_users: Vec<StatsigUser>,
    /// Statsig groups with members.
    pub statsig_groups: Vec<StatsigGroup>,
    /// Every `Statsig-…` group with how its name reads (teams, project roles, unresolved).
    pub statsig_names: Vec<GroupReading>,
    /// Okta users.
    pub okta_users: Vec<OktaUser>,
    /// Okta groups with members.
    pub okta_groups: Vec<OktaGroup>,
    /// The push mappings (in Okta push, Okta's, with what Okta said of each).
    pub mappings: Vec<Mapping>,
    /// Okta push: the Statsig app in Okta, its users and imported groups (version 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub okta_app: Option<SnapshotApp>,
    /// Statsig was read (Okta push can run without a Statsig token; version 2).
    #[serde(default = "yes")]
    pub statsig_read: bool,
    /// The connection's push rules (version 3).
    #[serde(default)]
    pub rules: Vec<PushRule>,
}

fn yes() -> bool {
    true
}

/// Okta's side of Okta push, as a snapshot records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotApp {
    /// The app.
    pub app: OktaApp,
    /// Its users (sorted by Okta id).
    pub users: Vec<AppUser>,
    /// The groups imported into it (sorted by name).
    pub groups: Vec<AppGroup>,
}

/// Why a file cannot be opened as a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SnapshotError {
    /// Over the size a snapshot may be.
    #[error("it is larger than the {} MB a snapshot may be", MAX_BYTES / (1024 * 1024))]
    TooLarge,
    /// Not JSON, or cut off.
    #[error("it is not JSON, or it is cut off ({0})")]
    NotJson(String),
    /// JSON, but not a snapshot of this app.
    #[error("it is not a snapshot of this app (no \"format\": \"{FORMAT}\")")]
    NotASnapshot,
    /// Written by a newer version of the app.
    #[error("it is format version {0}, newer than this app reads ({VERSION}); update the app")]
    TooNew(u32),
    /// Its references do not resolve.
    #[error("it is damaged: {0}")]
    Inconsistent(String),
}

fn reading(i: usize, dir: &Directory) -> Option<GroupReading> {
    let g = &dir.statsig_groups[i];
    let base = GroupReading {
        group_id: g.id.clone(),
        name: g.display_name.clone(),
        kind: String::new(),
        project: None,
        team: None,
        role: None,
        problem: None,
    };
    let parsed = dir.parsed(i);
    Some(match parsed {
        ParsedName::NotStatsig => return None,
        ParsedName::Team {
            project,
            team,
            role,
        } => GroupReading {
            kind: "team".into(),
            project: Some(project.clone()),
            team: Some(team.clone()),
            role: Some(role.to_string()),
            ..base
        },
        ParsedName::Project { project, role } => GroupReading {
            kind: "project".into(),
            project: Some(project.clone()),
            role: Some(role.to_string()),
            ..base
        },
        ParsedName::Malformed { .. } => GroupReading {
            kind: "malformed".into(),
            problem: parsed.problem(),
            ..base
        },
        ParsedName::Ambiguous { .. } => GroupReading {
            kind: "ambiguous".into(),
            problem: parsed.problem(),
            ..base
        },
    })
}

impl Snapshot {
    /// A snapshot of `dir` and `mappings` as of `taken_at`.
    pub fn capture(
        taken_at: &str,
        source: Source,
        dir: &Directory,
        mappings: &[Mapping],
    ) -> Snapshot {
        let mut mappings = mappings.to_vec();
        mappings.sort_by(|a, b| a.id.cmp(&b.id));
        Snapshot {
            format: FORMAT.to_string(),
            version: VERSION,
            taken_at: taken_at.to_string(),
            source,
            redacted: false,
            projects: dir.projects.clone(),
            org_domains: dir.org_domains.clone(),
            statsig_users: dir.statsig_users.to_vec(),
            statsig_groups: dir.statsig_groups.iter().map(|g| (**g).clone()).collect(),
            statsig_names: (0..dir.statsig_groups.len())
                .filter_map(|i| reading(i, dir))
                .collect(),
            okta_users: dir.okta_users.to_vec(),
            okta_groups: dir.okta_groups.iter().map(|g| (**g).clone()).collect(),
            mappings,
            okta_app: dir.app.app.clone().map(|app| {
                let mut users: Vec<AppUser> = dir.app.users.values().cloned().collect();
                users.sort_by(|a, b| a.okta_user_id.cmp(&b.okta_user_id));
                let mut groups = dir.app.groups.clone();
                groups.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
                SnapshotApp { app, users, groups }
            }),
            statsig_read: dir.statsig_read,
            rules: Vec::new(),
        }
    }

    /// The same snapshot with the connection's push rules recorded.
    pub fn with_rules(mut self, rules: &[PushRule]) -> Snapshot {
        self.rules = rules.to_vec();
        self
    }

    /// The directory the snapshot holds, indexed and ready for the same views.
    pub fn directory(&self) -> Directory {
        self.clone().into_directory()
    }

    /// The directory it holds, taking its records rather than copying them.
    pub fn into_directory(self) -> Directory {
        let mut dir = Directory::new(
            self.projects,
            self.org_domains,
            self.statsig_users,
            self.statsig_groups,
            self.okta_users,
            self.okta_groups,
        );
        dir.statsig_read = self.statsig_read;
        match self.okta_app {
            Some(a) => dir.with_app(AppSide {
                app: Some(a.app),
                users: a
                    .users
                    .into_iter()
                    .map(|u| (u.okta_user_id.clone(), u))
                    .collect(),
                groups: a.groups,
            }),
            None => dir,
        }
    }

    /// Pretty JSON, in a stable order.
    pub fn to_json(&self) -> Vec<u8> {
        let mut out = serde_json::to_vec_pretty(self).unwrap_or_default();
        out.push(b'\n');
        out
    }

    /// Reads and checks a snapshot.
    pub fn from_json(bytes: &[u8]) -> Result<Snapshot, SnapshotError> {
        if bytes.len() as u64 > MAX_BYTES {
            return Err(SnapshotError::TooLarge);
        }
        // The usual case in one pass: a snapshot of this app in a version it reads.
        if let Ok(snap) = serde_json::from_slice::<Snapshot>(bytes)
            && snap.format == FORMAT
            && snap.version <= VERSION
        {
            snap.check()?;
            return Ok(snap);
        }
        /// The two fields that say what a file is; the rest is skipped, not built.
        #[derive(Deserialize)]
        struct Header {
            format: Option<serde_json::Value>,
            version: Option<serde_json::Value>,
        }
        let header: Header =
            serde_json::from_slice(bytes).map_err(|e| SnapshotError::NotJson(e.to_string()))?;
        if header.format.as_ref().and_then(|f| f.as_str()) != Some(FORMAT) {
            return Err(SnapshotError::NotASnapshot);
        }
        let version = header
            .version
            .as_ref()
            .and_then(|v| v.as_u64())
            .ok_or(SnapshotError::NotASnapshot)? as u32;
        if version > VERSION {
            return Err(SnapshotError::TooNew(version));
        }
        // Version 2 adds Okta's app and `statsig_read`; version 1 files read with the
        // defaults (no app, Statsig read). Later versions add their upgrades here.
        let snap: Snapshot = serde_json::from_slice(bytes)
            .map_err(|e| SnapshotError::Inconsistent(e.to_string()))?;
        snap.check()?;
        Ok(snap)
    }

    /// Every reference points at something the snapshot holds.
    fn check(&self) -> Result<(), SnapshotError> {
        // Fx hashing: the keys are ids from the file itself, and this runs at every open.
        let statsig: FxHashSet<&str> = self.statsig_users.iter().map(|u| u.id.as_str()).collect();
        for g in &self.statsig_groups {
            if let Some(m) = g.members.iter().find(|m| !statsig.contains(m.as_str())) {
                return Err(SnapshotError::Inconsistent(format!(
                    "Statsig group \"{}\" has member {m}, which no Statsig user has",
                    g.display_name
                )));
            }
        }
        let okta: FxHashSet<&str> = self.okta_users.iter().map(|u| u.id.as_str()).collect();
        for g in &self.okta_groups {
            if let Some(m) = g.members.iter().find(|m| !okta.contains(m.as_str())) {
                return Err(SnapshotError::Inconsistent(format!(
                    "Okta group \"{}\" has member {m}, which no Okta user has",
                    g.name
                )));
            }
        }
        Ok(())
    }

    /// A copy with emails and names replaced by stable pseudonyms (the same person gets the
    /// same pseudonym in every redacted snapshot, so comparisons still work).
    pub fn redacted(&self) -> Snapshot {
        let mut s = self.clone();
        s.redacted = true;
        for u in &mut s.statsig_users {
            let p = pseudonym(&u.user_name);
            u.user_name = p.email.clone();
            u.email = p.email;
            u.given_name = p.given;
            u.family_name = p.family;
        }
        for u in &mut s.okta_users {
            let p = pseudonym(&u.email);
            u.login = pseudonym(&u.login).email;
            u.email = p.email;
            u.first_name = p.given;
            u.last_name = p.family;
        }
        if let Some(app) = &mut s.okta_app {
            for u in &mut app.users {
                u.user_name = pseudonym(&u.user_name).email;
            }
        }
        s
    }
}

struct Pseudonym {
    email: String,
    given: String,
    family: String,
}

/// FNV-1a of the lower-cased address: stable across runs and machines.
fn pseudonym(email: &str) -> Pseudonym {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in email.trim().to_lowercase().bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    let tag = format!("{:010x}", h & 0xff_ffff_ffff);
    Pseudonym {
        email: format!("person-{tag}@redacted.invalid"),
        given: "Person".into(),
        family: tag,
    }
}

/// Who is in one team role, by email.
fn team_roles(s: &Snapshot) -> BTreeMap<(String, String, String), BTreeSet<String>> {
    let emails: BTreeMap<&str, &str> = s
        .statsig_users
        .iter()
        .map(|u| (u.id.as_str(), u.user_name.as_str()))
        .collect();
    let groups: BTreeMap<&str, &StatsigGroup> = s
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
            .map(|g| {
                g.members
                    .iter()
                    .map(|m| {
                        emails
                            .get(m.as_str())
                            .map(|e| e.to_lowercase())
                            .unwrap_or_else(|| m.clone())
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.insert((p.clone(), t.clone(), role.clone()), members);
    }
    out
}

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
    /// Teams that appeared, as "Team (Project)".
    pub teams_created: Vec<String>,
    /// Teams that went.
    pub teams_deleted: Vec<String>,
    /// Team roles whose members changed.
    pub members_changed: Vec<RoleChange>,
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
    /// Nothing changed.
    pub fn is_empty(&self) -> bool {
        self.teams_created.is_empty()
            && self.teams_deleted.is_empty()
            && self.members_changed.is_empty()
            && self.mappings_created.is_empty()
            && self.mappings_unlinked.is_empty()
            && self.status_changes.is_empty()
            && self.rule_changes.is_empty()
    }

    /// One line of counts.
    pub fn summary(&self) -> String {
        use super::text::plural;
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
        if !self.rule_changes.is_empty() {
            s.push_str(&format!(
                "; {}",
                plural(self.rule_changes.len(), "rule change")
            ));
        }
        s
    }
}

fn mapping_key(m: &Mapping) -> String {
    format!("{} -> {}", m.okta_group_name, m.statsig_group_name)
}

/// Compares two snapshots team by team, role by role, and mapping by mapping.
pub fn compare(before: &Snapshot, after: &Snapshot) -> Comparison {
    let (a, b) = (team_roles(before), team_roles(after));
    let teams =
        |m: &BTreeMap<(String, String, String), BTreeSet<String>>| -> BTreeSet<(String, String)> {
            m.keys().map(|(p, t, _)| (p.clone(), t.clone())).collect()
        };
    let (ta, tb) = (teams(&a), teams(&b));
    let label = |(p, t): &(String, String)| format!("{t} ({p})");
    let mut c = Comparison {
        teams_created: tb.difference(&ta).map(label).collect(),
        teams_deleted: ta.difference(&tb).map(label).collect(),
        ..Comparison::default()
    };
    let empty = BTreeSet::new();
    let keys: BTreeSet<&(String, String, String)> = a.keys().chain(b.keys()).collect();
    for k in keys {
        let (old, new) = (a.get(k).unwrap_or(&empty), b.get(k).unwrap_or(&empty));
        let added: Vec<String> = new.difference(old).cloned().collect();
        let removed: Vec<String> = old.difference(new).cloned().collect();
        if !added.is_empty() || !removed.is_empty() {
            c.members_changed.push(RoleChange {
                project: k.0.clone(),
                team: k.1.clone(),
                role: k.2.clone(),
                added,
                removed,
            });
        }
    }
    let ma: BTreeMap<(String, String), &Mapping> = before
        .mappings
        .iter()
        .map(|m| ((m.okta_group_id.clone(), m.statsig_group_id.clone()), m))
        .collect();
    let mb: BTreeMap<(String, String), &Mapping> = after
        .mappings
        .iter()
        .map(|m| ((m.okta_group_id.clone(), m.statsig_group_id.clone()), m))
        .collect();
    for (k, m) in &mb {
        match ma.get(k) {
            None => c.mappings_created.push(mapping_key(m)),
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
            c.mappings_unlinked.push(mapping_key(m));
        }
    }
    c.rule_changes = rule_changes(&before.rules, &after.rules);
    c
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
    use crate::model::directory::tests::{og, ou, sg, su};
    use crate::model::mapping::{MappingStatus, PushAction};

    fn dir(members: &[&str]) -> Directory {
        Directory::new(
            vec!["Checkout".into()],
            vec![],
            vec![su("s1", "ada@example.com"), su("s2", "bob@example.com")],
            vec![
                sg("g1", "Statsig-Checkout-Payments-Member", members),
                sg("g2", "Statsig-Checkout-Payments-Admin", &[]),
                sg("g3", "Statsig-Checkout-Bad-Owner", &[]),
            ],
            vec![ou("o1", "ada@example.com", "ACTIVE")],
            vec![og("og1", "Payments", &["o1"])],
        )
    }

    fn mapping(status: MappingStatus) -> Mapping {
        Mapping {
            id: "m1".into(),
            okta_group_id: "og1".into(),
            okta_group_name: "Payments".into(),
            statsig_group_id: "g1".into(),
            statsig_group_name: "Statsig-Checkout-Payments-Member".into(),
            action: PushAction::Link,
            status,
            created: "t".into(),
            last_push: None,
            last_counts: None,
            last_pushed_members: vec![],
            drift: None,
            okta: None,
        }
    }

    #[test]
    fn round_trips_and_is_deterministic_apart_from_the_time() {
        let d = dir(&["s1"]);
        let a = Snapshot::capture(
            "2026-01-01T00:00:00.000Z",
            Source::default(),
            &d,
            &[mapping(MappingStatus::Active)],
        );
        let b = Snapshot::capture(
            "2026-02-01T00:00:00.000Z",
            Source::default(),
            &d,
            &[mapping(MappingStatus::Active)],
        );
        let back = Snapshot::from_json(&a.to_json()).unwrap();
        assert_eq!(back, a);
        assert_eq!(back.directory().statsig_groups, d.statsig_groups);
        let (ja, jb) = (
            String::from_utf8(a.to_json()).unwrap(),
            String::from_utf8(b.to_json()).unwrap(),
        );
        let diff: Vec<_> = ja.lines().zip(jb.lines()).filter(|(x, y)| x != y).collect();
        assert_eq!(diff.len(), 1);
        assert!(diff[0].0.contains("taken_at"));
        assert!(
            a.statsig_names
                .iter()
                .any(|r| r.kind == "malformed" && r.problem.is_some())
        );
    }

    #[test]
    fn bad_files_say_what_is_wrong() {
        assert!(matches!(
            Snapshot::from_json(b"{\"format\": \"okta-statsig-teams/snapshot\", \"vers"),
            Err(SnapshotError::NotJson(_))
        ));
        assert_eq!(
            Snapshot::from_json(b"{\"hello\": 1}"),
            Err(SnapshotError::NotASnapshot)
        );
        assert_eq!(
            Snapshot::from_json(b"[1,2]"),
            Err(SnapshotError::NotASnapshot)
        );
        let newer = format!("{{\"format\": \"{FORMAT}\", \"version\": 99}}");
        assert_eq!(
            Snapshot::from_json(newer.as_bytes()),
            Err(SnapshotError::TooNew(99))
        );
        let mut s = Snapshot::capture("t", Source::default(), &dir(&["s1"]), &[]);
        s.statsig_groups[0].members.push("ghost".into());
        let e = Snapshot::from_json(&s.to_json()).unwrap_err();
        assert!(e.to_string().contains("ghost"), "{e}");
    }

    #[test]
    fn redaction_hides_emails_and_names_but_keeps_comparisons() {
        let s = Snapshot::capture("t", Source::default(), &dir(&["s1"]), &[]);
        let r = s.redacted();
        let text = String::from_utf8(r.to_json()).unwrap();
        for secret in ["ada@example.com", "bob@example.com", "Given"] {
            assert!(!text.contains(secret), "{secret} leaked");
        }
        assert_eq!(s.redacted(), r, "pseudonyms are stable");
        assert_ne!(r.statsig_users[0].user_name, r.statsig_users[1].user_name);
        let later = Snapshot::capture("t2", Source::default(), &dir(&["s1", "s2"]), &[]).redacted();
        let c = compare(&r, &later);
        assert_eq!(c.members_changed.len(), 1);
        assert_eq!(
            c.members_changed[0].added,
            vec![later.statsig_users[1].user_name.clone()]
        );
    }

    #[test]
    fn compares_teams_members_and_mappings() {
        let before = Snapshot::capture(
            "t1",
            Source::default(),
            &dir(&["s1"]),
            &[mapping(MappingStatus::Active)],
        );
        let mut after_dir = dir(&["s2"]);
        after_dir.upsert_statsig_group(sg("g9", "Statsig-Checkout-Risk-Member", &[]));
        let after = Snapshot::capture(
            "t2",
            Source::default(),
            &after_dir,
            &[mapping(MappingStatus::Inactive)],
        );
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
        let unlinked = Snapshot::capture("t3", Source::default(), &dir(&["s1"]), &[]);
        assert_eq!(compare(&before, &unlinked).mappings_unlinked.len(), 1);
        assert_eq!(compare(&unlinked, &before).mappings_created.len(), 1);
    }
}
