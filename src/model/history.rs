//! History: Okta's System Log events of Group Push and the app's own journal of what it
//! sent, read into one timeline per mapping or team. Pure: the engine reads and keeps
//! them; the app and the command line show them.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How many days of events Okta keeps in its System Log.
pub const OKTA_KEEPS_DAYS: i64 = 90;

/// The event types a timeline reads: Okta's Group Push events of the app.
pub const EVENT_PREFIXES: [&str; 3] = [
    "application.provision.group_push",
    "app.user_management.grouppush",
    "group.application_assignment",
];

/// The System Log filter for the app `app_id`'s Group Push events.
pub fn log_filter(app_id: &str) -> String {
    let types = EVENT_PREFIXES
        .iter()
        .map(|p| format!("eventType sw {}", super::filter::quote(p)))
        .collect::<Vec<_>>()
        .join(" or ");
    format!(
        "target.id eq {} and ({types})",
        super::filter::quote(app_id)
    )
}

/// Who did something, or what it was done to, as the log names it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntity {
    /// Okta's id.
    pub id: String,
    /// User, SystemPrincipal, AppInstance, UserGroup, AppGroup, GroupPushMapping, …
    pub kind: String,
    /// A login, an app's key, a group's name.
    pub alternate_id: String,
    /// What people call it.
    pub display_name: String,
}

/// One System Log event, as much of it as a timeline uses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEvent {
    /// Okta's id of the event.
    pub uuid: String,
    /// When (the app's fixed-width form).
    pub published: String,
    /// Okta's event type name.
    pub event_type: String,
    /// Okta's sentence for it.
    pub display_message: String,
    /// Who did it.
    pub actor: LogEntity,
    /// SUCCESS, FAILURE, SKIPPED, …
    pub result: String,
    /// Why (for a failure: Okta's reason).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What it was done to.
    pub targets: Vec<LogEntity>,
    /// `debugContext.debugData`: a push's counts, when Okta gives them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub debug: BTreeMap<String, String>,
}

/// What an event says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum What {
    /// The mapping was made.
    Created,
    /// A push rule made the mapping.
    MadeByRule,
    /// The mapping was activated.
    Activated,
    /// The mapping was deactivated.
    Deactivated,
    /// Okta pushed (all of the group, or membership changes).
    Pushed,
    /// A push failed; Okta retries it.
    FailedRetried,
    /// A push failed and is not retried: an admin must act.
    FailedNeedsAdmin,
    /// A group was renamed (or its rename failed).
    Renamed,
    /// The mapping (or its group) was deleted.
    Deleted,
    /// A group's assignment to the app changed.
    Assignment,
    /// A push rule could not make a mapping, or Okta skipped users.
    RuleProblem,
    /// The app's own action (from its journal).
    AppAction,
    /// An event of a type the app does not know: shown by Okta's sentence.
    Other,
}

impl What {
    /// What an event of `event_type` says happened.
    pub fn of(event_type: &str) -> What {
        let t = event_type;
        let gp = "application.provision.group_push.";
        if let Some(rest) = t.strip_prefix(gp) {
            return match rest {
                "mapping.created" => What::Created,
                "activate_mapping" => What::Activated,
                "deactivate_mapping" => What::Deactivated,
                "pushed" | "updated" | "removed" | "push_memberships" => What::Pushed,
                "mapping.update.or.delete.failed" => What::FailedRetried,
                "mapping.update.or.delete.failed.with.error" => What::FailedNeedsAdmin,
                "delete_appgroup"
                | "mapping.deleted"
                | "mapping.and.groups.deleted.rule.deleted" => What::Deleted,
                r if r.contains("renamed") => What::Renamed,
                _ => What::Other,
            };
        }
        if t == "app.user_management.grouppush.mapping.created.from.rule" {
            return What::MadeByRule;
        }
        if t.starts_with("app.user_management.grouppush.") {
            return What::RuleProblem;
        }
        if t.starts_with("group.application_assignment.") {
            return What::Assignment;
        }
        What::Other
    }

    /// A short word for the timeline's first column.
    pub fn label(self) -> &'static str {
        match self {
            What::Created => "created",
            What::MadeByRule => "made by a rule",
            What::Activated => "activated",
            What::Deactivated => "deactivated",
            What::Pushed => "pushed",
            What::FailedRetried => "failed (Okta retries)",
            What::FailedNeedsAdmin => "failed (needs an admin)",
            What::Renamed => "renamed",
            What::Deleted => "deleted",
            What::Assignment => "assignment",
            What::RuleProblem => "rule problem",
            What::AppAction => "this app",
            What::Other => "other",
        }
    }

    /// Whether it is a failure.
    pub fn failed(self) -> bool {
        matches!(self, What::FailedRetried | What::FailedNeedsAdmin)
    }
}

/// What the app did, as its journal keeps it (never a token, never a member's data
/// beyond counts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// When.
    pub at: String,
    /// link, create, push, activate, deactivate, unlink.
    pub action: String,
    /// The mapping's id.
    pub mapping_id: String,
    /// The Okta group pushed.
    pub okta_group: String,
    /// The Statsig group it feeds.
    pub statsig_group: String,
    /// Whether it was done.
    pub ok: bool,
    /// What came of it: the step's sentence, or the failure's.
    pub outcome: String,
}

/// How many entries a profile's journal keeps (the oldest go first).
pub const JOURNAL_MAX: usize = 2000;

/// `journal` with `entry` added, cut to the last [`JOURNAL_MAX`] entries.
pub fn journal_add(journal: &mut Vec<JournalEntry>, entry: JournalEntry) {
    journal.push(entry);
    if journal.len() > JOURNAL_MAX {
        let over = journal.len() - JOURNAL_MAX;
        journal.drain(..over);
    }
}

/// One line of a timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// When.
    pub at: String,
    /// What happened.
    pub what: What,
    /// Who did it ("Dana Okafor", "Okta", "this app").
    pub who: String,
    /// The sentence: Okta's message with counts or reason, or the app's own.
    pub says: String,
    /// Okta's reason of a failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `okta` for the System Log, `app` for the app's own journal.
    pub source: &'static str,
}

/// What a timeline is about: a mapping's ids and group names (several for a team).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subject {
    /// Mapping ids (the app's, which are Okta's in Okta push).
    pub mapping_ids: Vec<String>,
    /// Okta group ids: the pushed groups, and the groups pushed into.
    pub group_ids: Vec<String>,
    /// A team's Statsig group names, lowercase: the journal's entries and Okta's events
    /// about them stay in the team's timeline after its mappings are unlinked.
    pub statsig_groups: Vec<String>,
}

impl Subject {
    /// What the timeline of `mappings` (one, or a team's) is about.
    pub fn of<'a>(mappings: impl IntoIterator<Item = &'a super::mapping::Mapping>) -> Subject {
        let mut s = Subject::default();
        for m in mappings {
            s.mapping_ids.push(m.id.clone());
            s.group_ids.push(m.okta_group_id.clone());
            if let Some(r) = &m.remote {
                s.group_ids.push(r.target_group_id.clone());
            }
        }
        s.group_ids.retain(|g| !g.is_empty());
        s
    }

    /// What the timeline of team `project`/`team` is about: the `mappings` that feed it
    /// now, and its role groups by name (in Okta push, the app's imported groups of
    /// those names too), so what happened to mappings since unlinked still shows.
    pub fn team<'a>(
        dir: &super::directory::Directory,
        project: &str,
        team: &str,
        mappings: impl IntoIterator<Item = &'a super::mapping::Mapping>,
    ) -> Subject {
        let mut s = Subject::of(mappings);
        for role in ["Admin", "Member"] {
            let name = format!("Statsig-{project}-{team}-{role}");
            if let Some(g) = dir
                .okta_group_by_name(&name)
                .filter(|g| dir.app.group(&g.id).is_some())
            {
                s.group_ids.push(g.id.clone());
            }
            s.statsig_groups.push(name.to_lowercase());
        }
        s
    }

    fn has_event(&self, e: &LogEvent) -> bool {
        e.targets.iter().any(|t| {
            (t.kind == "GroupPushMapping" && self.mapping_ids.contains(&t.id))
                || (t.kind != "AppInstance" && self.group_ids.contains(&t.id))
                || (!self.statsig_groups.is_empty()
                    && self.statsig_groups.contains(&t.display_name.to_lowercase()))
        })
    }

    fn has_entry(&self, j: &JournalEntry) -> bool {
        self.mapping_ids.contains(&j.mapping_id)
            || self
                .statsig_groups
                .contains(&j.statsig_group.to_lowercase())
    }
}

/// An event as a timeline line.
pub fn entry_of(e: &LogEvent) -> Entry {
    let what = What::of(&e.event_type);
    let who = if e.actor.kind == "SystemPrincipal" {
        "Okta".to_string()
    } else if e.actor.display_name.is_empty() {
        e.actor.alternate_id.clone()
    } else {
        e.actor.display_name.clone()
    };
    let mut says = if e.display_message.is_empty() {
        e.event_type.clone()
    } else {
        e.display_message.clone()
    };
    let count = |k: &str| e.debug.get(k).and_then(|v| v.parse::<u64>().ok());
    if what == What::Pushed
        && let (Some(a), Some(r)) = (count("membersAdded"), count("membersRemoved"))
    {
        says.push_str(&format!(": {a} added, {r} removed"));
        if let Some(n) = count("groupMembers") {
            says.push_str(&format!(", {n} members"));
        }
    }
    if what.failed() {
        says.push_str(if what == What::FailedRetried {
            " (Okta retries it)"
        } else {
            " (not retried: an admin must act)"
        });
    }
    Entry {
        at: e.published.clone(),
        what,
        who,
        says,
        reason: e.reason.clone().filter(|r| !r.is_empty()),
        source: "okta",
    }
}

fn journal_line(j: &JournalEntry) -> Entry {
    Entry {
        at: j.at.clone(),
        what: What::AppAction,
        who: "this app".into(),
        says: format!(
            "{} {}: {}",
            j.action,
            if j.ok { "done" } else { "failed" },
            j.outcome
        ),
        reason: None,
        source: "app",
    }
}

/// The timeline of `subject` (every event when `None`) since `since`: Okta's events and
/// the app's journal side by side, oldest first.
pub fn timeline(
    events: &[LogEvent],
    journal: &[JournalEntry],
    subject: Option<&Subject>,
    since: Option<&str>,
) -> Vec<Entry> {
    let after = |at: &str| since.is_none_or(|s| at >= s);
    let mut out: Vec<Entry> = events
        .iter()
        .filter(|e| after(&e.published) && subject.is_none_or(|s| s.has_event(e)))
        .map(entry_of)
        .collect();
    out.extend(
        journal
            .iter()
            .filter(|j| after(&j.at) && subject.is_none_or(|s| s.has_entry(j)))
            .map(journal_line),
    );
    out.sort_by(|a, b| a.at.cmp(&b.at));
    out
}

/// Where Okta's part of a timeline starts: 90 days before `now`, or `since` when later.
pub fn okta_starts(now: &str, since: Option<&str>) -> String {
    let kept = crate::clock::minutes_before(now, OKTA_KEEPS_DAYS * 24 * 60)
        .unwrap_or_else(|| now.to_string());
    match since {
        Some(s) if s > kept.as_str() => s.to_string(),
        _ => kept,
    }
}

/// `--since`: `7d`, `12h`, `30m`, or a date and time; the instant it names before `now`.
pub fn parse_since(text: &str, now: &str) -> Result<String, String> {
    let t = text.trim();
    let bad = || {
        format!(
            "--since takes a span like 7d, 12h or 30m, or a date like 2026-01-05T09:00:00Z, not \"{text}\"."
        )
    };
    if let Some(at) = crate::clock::parse(t) {
        return Ok(crate::clock::format(at));
    }
    if let Ok(d) = time::Date::parse(t, &time::format_description::well_known::Iso8601::DATE) {
        return Ok(crate::clock::format(d.midnight().assume_utc()));
    }
    let (n, unit) = t.split_at(t.len().saturating_sub(1));
    let n: i64 = n.parse().map_err(|_| bad())?;
    let minutes = match unit {
        "d" => n.checked_mul(24 * 60),
        "h" => n.checked_mul(60),
        "m" => Some(n),
        _ => None,
    }
    .filter(|m| *m >= 0 && *m <= 100 * 365 * 24 * 60)
    .ok_or_else(bad)?;
    crate::clock::minutes_before(now, minutes).ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(at: &str, kind: &str, target: &str) -> LogEvent {
        LogEvent {
            uuid: at.into(),
            published: at.into(),
            event_type: kind.into(),
            display_message: format!("msg {kind}"),
            actor: LogEntity {
                id: "s".into(),
                kind: "SystemPrincipal".into(),
                ..Default::default()
            },
            result: "SUCCESS".into(),
            targets: vec![LogEntity {
                id: target.into(),
                kind: "GroupPushMapping".into(),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    #[test]
    fn events_read_as_what_happened_and_unknown_types_keep_oktas_sentence() {
        assert_eq!(
            What::of("application.provision.group_push.mapping.created"),
            What::Created
        );
        assert_eq!(
            What::of("application.provision.group_push.mapping.update.or.delete.failed"),
            What::FailedRetried
        );
        assert_eq!(
            What::of("application.provision.group_push.mapping.update.or.delete.failed.with.error"),
            What::FailedNeedsAdmin
        );
        assert_eq!(
            What::of("app.user_management.grouppush.mapping.created.from.rule"),
            What::MadeByRule
        );
        assert_eq!(
            What::of("application.provision.group_push.mapping.app.group.renamed"),
            What::Renamed
        );
        let odd = ev(
            "2026-01-01T00:00:00.000Z",
            "application.provision.group_push.new_thing",
            "m1",
        );
        let line = entry_of(&odd);
        assert_eq!(line.what, What::Other);
        assert_eq!(line.says, "msg application.provision.group_push.new_thing");
        assert_eq!(line.who, "Okta");
    }

    #[test]
    fn a_timeline_holds_the_subjects_events_and_journal_oldest_first() {
        let mut pushed = ev(
            "2026-01-03T00:00:00.000Z",
            "application.provision.group_push.pushed",
            "m1",
        );
        pushed.debug.insert("membersAdded".into(), "3".into());
        pushed.debug.insert("membersRemoved".into(), "1".into());
        let events = vec![
            ev(
                "2026-01-01T00:00:00.000Z",
                "application.provision.group_push.mapping.created",
                "m1",
            ),
            ev(
                "2026-01-02T00:00:00.000Z",
                "application.provision.group_push.mapping.created",
                "m2",
            ),
            pushed,
        ];
        let journal = vec![JournalEntry {
            at: "2026-01-02T12:00:00.000Z".into(),
            action: "push".into(),
            mapping_id: "m1".into(),
            okta_group: "G".into(),
            statsig_group: "S".into(),
            ok: true,
            outcome: "pushed".into(),
        }];
        let s = Subject {
            mapping_ids: vec!["m1".into()],
            ..Subject::default()
        };
        let t = timeline(&events, &journal, Some(&s), None);
        let whats: Vec<What> = t.iter().map(|e| e.what).collect();
        assert_eq!(whats, [What::Created, What::AppAction, What::Pushed]);
        assert!(t[2].says.ends_with(": 3 added, 1 removed"), "{}", t[2].says);
        let later = timeline(
            &events,
            &journal,
            Some(&s),
            Some("2026-01-02T13:00:00.000Z"),
        );
        assert_eq!(later.len(), 1);
        assert_eq!(timeline(&events, &[], None, None).len(), 3);
    }

    #[test]
    fn a_teams_timeline_keeps_what_happened_to_mappings_since_unlinked() {
        // m9 fed the team and was unlinked: no mapping of it is left, but Okta's event
        // names the team's group and the app's journal its Statsig group.
        let mut deleted = ev(
            "2026-01-04T00:00:00.000Z",
            "application.provision.group_push.mapping.deleted",
            "m9",
        );
        deleted.targets.push(LogEntity {
            id: "00gApp".into(),
            kind: "UserGroup".into(),
            display_name: "Statsig-Mobile-iOS-Member".into(),
            ..Default::default()
        });
        let other = ev(
            "2026-01-05T00:00:00.000Z",
            "application.provision.group_push.mapping.created",
            "m8",
        );
        let journal = vec![JournalEntry {
            at: "2026-01-04T01:00:00.000Z".into(),
            action: "unlink".into(),
            mapping_id: "m9".into(),
            okta_group: "iOS Guild".into(),
            statsig_group: "Statsig-Mobile-iOS-Member".into(),
            ok: true,
            outcome: "left".into(),
        }];
        let team = Subject {
            statsig_groups: vec![
                "statsig-mobile-ios-admin".into(),
                "statsig-mobile-ios-member".into(),
            ],
            ..Subject::default()
        };
        let t = timeline(&[deleted, other], &journal, Some(&team), None);
        assert_eq!(t.len(), 2, "{t:?}");
        assert_eq!(t[0].source, "okta");
        assert_eq!(t[1].source, "app");
        assert!(t[1].says.starts_with("unlink done"));
    }

    #[test]
    fn the_journal_keeps_only_its_last_entries() {
        let mut j = Vec::new();
        for i in 0..JOURNAL_MAX + 5 {
            journal_add(
                &mut j,
                JournalEntry {
                    at: format!("{i:08}"),
                    action: "push".into(),
                    mapping_id: "m".into(),
                    okta_group: String::new(),
                    statsig_group: String::new(),
                    ok: true,
                    outcome: String::new(),
                },
            );
        }
        assert_eq!(j.len(), JOURNAL_MAX);
        assert_eq!(j[0].at, "00000005");
    }

    #[test]
    fn since_reads_spans_and_dates_and_names_what_is_wrong() {
        let now = "2026-01-08T00:00:00.000Z";
        assert_eq!(parse_since("7d", now).unwrap(), "2026-01-01T00:00:00.000Z");
        assert_eq!(parse_since("12h", now).unwrap(), "2026-01-07T12:00:00.000Z");
        assert_eq!(
            parse_since("2026-01-05", now).unwrap(),
            "2026-01-05T00:00:00.000Z"
        );
        assert_eq!(
            parse_since("2026-01-05T09:00:00Z", now).unwrap(),
            "2026-01-05T09:00:00.000Z"
        );
        let e = parse_since("a week", now).unwrap_err();
        assert!(e.contains("\"a week\""), "{e}");
        assert!(parse_since("-3d", now).is_err());
        assert_eq!(
            okta_starts(now, None),
            "2025-10-10T00:00:00.000Z",
            "90 days back"
        );
        assert_eq!(
            okta_starts(now, Some("2026-01-01T00:00:00.000Z")),
            "2026-01-01T00:00:00.000Z"
        );
    }

    #[test]
    fn the_filter_asks_for_the_apps_group_push_events() {
        let f = log_filter("0oa1");
        let parsed = crate::model::filter::parse(&f).unwrap();
        let hit = serde_json::json!({"eventType": "application.provision.group_push.pushed", "target": [{"id": "0oa1"}]});
        let other_app = serde_json::json!({"eventType": "application.provision.group_push.pushed", "target": [{"id": "0oa2"}]});
        let other_type =
            serde_json::json!({"eventType": "user.session.start", "target": [{"id": "0oa1"}]});
        assert!(parsed.matches(&hit));
        assert!(!parsed.matches(&other_app));
        assert!(!parsed.matches(&other_type));
    }
}
