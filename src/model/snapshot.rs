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
    /// Emails, names and ids were replaced by pseudonyms (see [`super::redact`]).
    #[serde(default)]
    pub redacted: bool,
    /// Which profile key redacted it: a fingerprint that tells keys apart and reveals
    /// nothing (never the key itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redaction_key: Option<String>,
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
            redaction_key: None,
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
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::directory::tests::{og, ou, sg, su};
    use crate::model::mapping::{MappingStatus, PushAction};

    pub(crate) fn dir(members: &[&str]) -> Directory {
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

    pub(crate) fn mapping(status: MappingStatus) -> Mapping {
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
            remote: None,
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
}
