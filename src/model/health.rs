//! Health: what is wrong across the mappings, worked out from the directory, the
//! mappings and what the token may do. Pure, so it runs on an opened snapshot as on live
//! data, and two results compare finding by finding (each has a stable key).

use super::directory::Directory;
use super::mapping::{Mapping, MappingStatus, PushAction};
use super::member::SkipReason;
use super::names::{self, ParsedName};
use super::text::{plural, short_time};
use serde::Serialize;
use std::collections::BTreeMap;

/// Days after which an Inactive mapping is worth a look.
pub const INACTIVE_DAYS: i64 = 30;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; nothing is wrong yet.
    Info,
    /// Something works differently than an admin would expect.
    Warning,
    /// Something is broken, or someone has access they should not.
    Error,
}

impl Severity {
    /// "error", "warning", "info".
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Reads "warning" or "error" (any case), as `doctor --fail-on` takes it.
    pub fn parse(s: &str) -> Option<Severity> {
        match s.to_ascii_lowercase().as_str() {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// What kind of finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Statsig still has an active account for someone Okta deactivated or no longer has.
    Leaver,
    /// The last push of a mapping failed.
    MappingError,
    /// An Okta group that both assigns the Statsig app and is a push source.
    AssignsAndPushes,
    /// A mapping's Statsig team group is gone.
    TeamGone,
    /// A mapping's Okta group is gone.
    SourceGone,
    /// An Okta push mapping's app group (the imported Statsig group) is gone.
    AppGroupGone,
    /// Two mappings feed one team role.
    TwoMappings,
    /// A team role is fed by this app's mapping and by the other pusher.
    BothPushers,
    /// Members of a pushed group who cannot be pushed (not assigned, not active, …).
    SkippedMembers,
    /// A mapping left Inactive for a long time.
    InactiveLong,
    /// Team groups Statsig has that Okta has not imported.
    NotImported,
    /// An Okta group named like a Statsig team group that is not the imported app group.
    LookalikeGroup,
    /// A `Statsig-…` name that cannot be read, or reads several ways.
    UnreadableName,
    /// What the token may not do, and what that hides.
    Access,
}

/// What the app itself can do about a finding (the UI's button, through the usual
/// preview and guard).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum FixAction {
    /// Push the mapping again.
    Retry {
        /// The mapping.
        mapping_id: String,
    },
    /// Resume pushing the mapping.
    Activate {
        /// The mapping.
        mapping_id: String,
    },
    /// Unlink the mapping, leaving the team as it is.
    Unlink {
        /// The mapping.
        mapping_id: String,
    },
    /// Explain one person (a leaver, a skipped member).
    Explain {
        /// The email.
        person: String,
    },
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// How much it matters.
    pub severity: Severity,
    /// What kind.
    pub kind: Kind,
    /// Stable across reads: the kind and what it is about (ids), to compare two results.
    pub key: String,
    /// What is wrong, in one sentence.
    pub what: String,
    /// Why it matters, in one sentence.
    pub why: String,
    /// The fix: what to do, or where to click in Okta or Statsig.
    pub fix: String,
    /// What the app can do about it, when it can.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<FixAction>,
    /// The people or groups it is about, when there are several.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<String>,
}

/// Whether the token may do something.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Permission {
    /// Not found out (not tried yet, or a snapshot).
    #[default]
    Unknown,
    /// It may.
    Allowed,
    /// It may not: Okta's or Statsig's sentence.
    Denied(String),
}

/// What the tokens may do, as far as the app found out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Access {
    /// Reading the Statsig app in Okta (its users, imported groups, push mappings).
    pub apps_read: Permission,
    /// Making and changing Okta's push mappings.
    pub apps_manage: Permission,
    /// Reading Okta's System Log.
    pub logs_read: Permission,
}

impl Access {
    /// What the first import found out: in Okta push the app was read; a warning that
    /// says the token's admin may not read apps (Okta's 403) is a denial. `logs_denied`:
    /// Okta's answer when a read of its System Log was refused.
    pub fn from_mode(okta_push: bool, warning: Option<&str>, logs_denied: Option<&str>) -> Access {
        let apps_read = match warning {
            _ if okta_push => Permission::Allowed,
            Some(w) if w.contains("lacks permission to read apps") => {
                Permission::Denied("Okta answered 403".into())
            }
            _ => Permission::Unknown,
        };
        Access {
            apps_read,
            logs_read: logs_denied.map_or(Permission::Unknown, |said| {
                Permission::Denied(said.to_string())
            }),
            ..Access::default()
        }
    }
}

/// A team role another pusher feeds (Okta's mapping in Direct push, the app's own in
/// Okta push).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherFeed {
    /// The other pusher's mapping id.
    pub mapping_id: String,
    /// The Statsig group it pushes into, by name.
    pub target_name: String,
    /// Who pushes.
    pub by: String,
}

/// What Health looks at.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// Both directories.
    pub dir: &'a Directory,
    /// This connection's mappings.
    pub mappings: &'a [Mapping],
    /// Teams the other pusher feeds.
    pub other_feeds: &'a [OtherFeed],
    /// What the tokens may do.
    pub access: &'a Access,
    /// Now (RFC 3339), for ages.
    pub now: &'a str,
}

/// Is the mapping one of Okta's own (Okta pushes it), rather than this app's Direct push?
/// A mapping kept in the service that pushes it has a `remote` record; Okta's Group Push
/// is the one such service today.
pub fn okta_pushes(m: &Mapping) -> bool {
    m.remote.is_some()
}

/// Every finding, the most severe first.
pub fn check(input: Input) -> Vec<Finding> {
    let mut out = Vec::new();
    access(&input, &mut out);
    for m in input.mappings {
        mapping_findings(&input, m, &mut out);
    }
    feeders(&input, &mut out);
    names_findings(input.dir, &mut out);
    leavers(input.dir, &mut out);
    out.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.kind.cmp(&b.kind))
            .then(a.key.cmp(&b.key))
    });
    out
}

/// How many findings of each severity: (errors, warnings, infos).
pub fn counts(findings: &[Finding]) -> (usize, usize, usize) {
    let n = |s| findings.iter().filter(|f| f.severity == s).count();
    (n(Severity::Error), n(Severity::Warning), n(Severity::Info))
}

/// Findings at `level` or above.
pub fn at_least(findings: &[Finding], level: Severity) -> usize {
    findings.iter().filter(|f| f.severity >= level).count()
}

/// What changed between two Health results (by key).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Findings in the later result only.
    pub raised: Vec<Finding>,
    /// Findings in the earlier result only.
    pub resolved: Vec<Finding>,
    /// Findings in both (as the later result says them).
    pub unchanged: Vec<Finding>,
}

/// The findings raised and resolved from `before` to `after`.
pub fn compare(before: &[Finding], after: &[Finding]) -> Change {
    fn keys(f: &[Finding]) -> std::collections::HashSet<&str> {
        f.iter().map(|f| f.key.as_str()).collect()
    }
    let (b, a) = (keys(before), keys(after));
    Change {
        raised: after
            .iter()
            .filter(|f| !b.contains(f.key.as_str()))
            .cloned()
            .collect(),
        resolved: before
            .iter()
            .filter(|f| !a.contains(f.key.as_str()))
            .cloned()
            .collect(),
        unchanged: after
            .iter()
            .filter(|f| b.contains(f.key.as_str()))
            .cloned()
            .collect(),
    }
}

fn finding(severity: Severity, kind: Kind, subject: &str) -> Finding {
    Finding {
        severity,
        kind,
        key: format!("{kind:?}:{subject}"),
        what: String::new(),
        why: String::new(),
        fix: String::new(),
        action: None,
        items: Vec::new(),
    }
}

fn app_label(dir: &Directory) -> String {
    dir.app.label().to_string()
}

fn access(input: &Input, out: &mut Vec<Finding>) {
    let dir = input.dir;
    if !dir.statsig_read {
        out.push(Finding {
            what: "Statsig's side is not read: there is no Statsig SCIM token.".into(),
            why: "Who Statsig has in each team is unknown, so leavers, people added by hand and edits made in Statsig cannot be found.".into(),
            fix: "Add the Statsig SCIM token in Settings (in Statsig: Project Settings > Integrations > SCIM).".into(),
            ..finding(Severity::Warning, Kind::Access, "statsig-read")
        });
    }
    let denied = [
        (
            &input.access.apps_read,
            Severity::Error,
            "apps-read",
            "read the Statsig app in Okta",
            "Okta's push mappings, the app's assignments and its imported groups are hidden, so members Okta skips and Okta's own mappings go unseen.",
            "okta.apps.read",
        ),
        (
            &input.access.apps_manage,
            Severity::Warning,
            "apps-manage",
            "make or change Okta's push mappings",
            "Linking, activating, deactivating and unlinking in Okta push are refused; Health can show problems but not fix them.",
            "okta.apps.manage",
        ),
        (
            &input.access.logs_read,
            Severity::Info,
            "logs-read",
            "read Okta's System Log",
            "Who changed a mapping and when its pushes started failing stays hidden; only the app's own record shows.",
            "okta.logs.read",
        ),
    ];
    for (perm, severity, key, may, why, scope) in denied {
        if let Permission::Denied(said) = perm {
            out.push(Finding {
                what: format!("The Okta token may not {may} ({said})."),
                why: why.into(),
                fix: format!("In Okta, use a token of an admin who may (Security > API > Tokens; for OAuth, grant the scope {scope})."),
                ..finding(severity, Kind::Access, key)
            });
        }
    }
}

fn mapping_name(m: &Mapping) -> String {
    format!("{} -> {}", m.okta_group_name, m.statsig_group_name)
}

fn mapping_findings(input: &Input, m: &Mapping, out: &mut Vec<Finding>) {
    let dir = input.dir;
    let name = mapping_name(m);
    // A Create never pushed has no team yet: it is made at the first push, not gone.
    let unmade = m.action == PushAction::Create && m.last_push.is_none();
    let gone_team = super::rules::team_gone(dir, m);
    // A mapping in Error says so itself (a create Statsig refused has no team yet).
    let failing = matches!(m.status, MappingStatus::Error { .. });
    if gone_team && !failing {
        out.push(Finding {
            what: format!("The mapping {name} pushes into a Statsig group that is gone."),
            why: "Every push of it fails, and the Okta group's members reach no team.".into(),
            fix: "Unlink the mapping (the team is gone), then link the Okta group to the team that replaced it.".into(),
            action: Some(FixAction::Unlink { mapping_id: m.id.clone() }),
            ..finding(Severity::Error, Kind::TeamGone, &m.id)
        });
    }
    if !dir.members_reading && dir.okta_group(&m.okta_group_id).is_none() {
        out.push(Finding {
            what: format!("The mapping {name} pushes an Okta group that is gone."),
            why: "Nothing feeds the team any more; its members stay as the last push left them."
                .into(),
            fix: "Unlink the mapping, or link the team to the Okta group that replaced it.".into(),
            action: Some(FixAction::Unlink {
                mapping_id: m.id.clone(),
            }),
            ..finding(Severity::Error, Kind::SourceGone, &m.id)
        });
    }
    if let Some(link) = &m.remote
        && dir.app.app.is_some()
        && dir.app.group(&link.target_group_id).is_none()
        && !gone_team
        && !unmade
    {
        out.push(Finding {
            what: format!("Okta's mapping {name} pushes into an app group Okta no longer has."),
            why: "Okta cannot push it: the Statsig group was deleted or renamed since Okta last imported it.".into(),
            fix: format!("In Okta, open Applications > {} > Import and click Import Now; then unlink and link the mapping again.", app_label(dir)),
            action: Some(FixAction::Unlink { mapping_id: m.id.clone() }),
            ..finding(Severity::Error, Kind::AppGroupGone, &m.id)
        });
    }
    match &m.status {
        MappingStatus::Error { at, cause, fix, .. } => {
            let retry = fix.is_none();
            out.push(Finding {
                what: format!("The mapping {name} is in Error since {}: {cause}", short_time(at)),
                why: if okta_pushes(m) {
                    "Okta pushes nothing of it until it is retried, so joiners and leavers of the group do not reach the team.".into()
                } else {
                    "Nothing of it is pushed until it is pushed again, so joiners and leavers of the group do not reach the team.".into()
                },
                fix: match fix {
                    None => "A retry may work: push it again.".into(),
                    Some(f) => format!("A retry alone will not work: {f}"),
                },
                action: retry.then(|| FixAction::Retry { mapping_id: m.id.clone() }),
                ..finding(Severity::Error, Kind::MappingError, &m.id)
            });
        }
        MappingStatus::Inactive => {
            let since = m
                .remote
                .as_ref()
                .map(|l| l.last_updated.as_str())
                .or(m.last_push.as_deref())
                .unwrap_or(m.created.as_str());
            if days_between(since, input.now).is_some_and(|d| d >= INACTIVE_DAYS) {
                out.push(Finding {
                    what: format!("The mapping {name} has been Inactive since {} (over {} days).", short_time(since), INACTIVE_DAYS),
                    why: "The team drifts from the Okta group while nobody looks: joiners never get in and leavers keep access.".into(),
                    fix: "Activate it to push again, or unlink it if the team is no longer fed from Okta.".into(),
                    action: Some(FixAction::Activate { mapping_id: m.id.clone() }),
                    ..finding(Severity::Warning, Kind::InactiveLong, &m.id)
                });
            }
        }
        _ => {}
    }
    if dir.app.assigned_groups.contains(&m.okta_group_id) {
        out.push(Finding {
            what: format!("The Okta group {} both assigns the {} app and is pushed by the mapping {name}.", m.okta_group_name, app_label(dir)),
            why: "Okta does not support one group for both: assignment and push race, so members can be pushed before their accounts exist or removed out of order.".into(),
            fix: format!("In Okta, assign {} with another group (e.g. one holding everyone who uses Statsig) and keep {} for Group Push only.", app_label(dir), m.okta_group_name),
            ..finding(Severity::Error, Kind::AssignsAndPushes, &m.id)
        });
    }
    skipped_members(dir, m, &name, out);
}

/// Members of the mapping's Okta group that cannot be pushed, one finding per reason.
fn skipped_members(dir: &Directory, m: &Mapping, name: &str, out: &mut Vec<Finding>) {
    let Some(gi) = dir.okta_group_index(&m.okta_group_id) else {
        return;
    };
    let pushed = dir.okta_pushed(gi);
    if pushed.skipped.is_empty() {
        return;
    }
    let skips = dir.skips();
    let mut by_reason: BTreeMap<u8, Vec<String>> = BTreeMap::new();
    for &p in pushed.skipped.iter() {
        let s = &skips[p as usize];
        let r = match s.reason {
            SkipReason::NotAssigned { .. } => 0,
            SkipReason::InactiveInOkta { .. } => 1,
            SkipReason::NotProvisionedYet { .. } => 2,
            SkipReason::NoStatsigUser => 3,
            SkipReason::OutsideOrgDomain { .. } => 4,
        };
        by_reason.entry(r).or_default().push(s.email.clone());
    }
    let app = app_label(dir);
    for (r, people) in by_reason {
        let (what, why, fix, sev) = match r {
            0 => (
                "not assigned to the Statsig app",
                "Okta pushes only people assigned to the app, and skips the others without a word.".to_string(),
                format!("In Okta, open Applications > {app} > Assignments and assign them (or assign the group {} to the app).", m.okta_group_name),
                Severity::Warning,
            ),
            1 => (
                "not active in Okta",
                "Only active users are pushed; they are left out of the team.".to_string(),
                "Nothing to do if they left; otherwise reactivate them in Okta (Directory > People).".to_string(),
                Severity::Info,
            ),
            2 => (
                "assigned to the app, but without a Statsig account yet",
                "Okta pushes them only once it has created their Statsig account.".to_string(),
                format!("In Okta, open Applications > {app} > Assignments and retry the failed assignments (or wait for Okta's provisioning)."),
                Severity::Warning,
            ),
            3 => (
                "without a Statsig account",
                "A team takes only people Statsig has; they are left out.".to_string(),
                format!("Assign them to the {app} app in Okta so Okta creates their Statsig account."),
                Severity::Warning,
            ),
            _ => (
                "outside the Statsig organization's email domains",
                "Statsig refuses members outside its domains; they are left out.".to_string(),
                "Add the domain to the organization in Statsig, or remove them from the Okta group.".to_string(),
                Severity::Warning,
            ),
        };
        out.push(Finding {
            what: format!(
                "{} in {} {} {what}.",
                plural(people.len(), "member"),
                m.okta_group_name,
                if people.len() == 1 { "is" } else { "are" }
            ),
            why,
            fix,
            action: (people.len() == 1).then(|| FixAction::Explain {
                person: people[0].clone(),
            }),
            items: people,
            ..finding(sev, Kind::SkippedMembers, &format!("{}:{r}:{name}", m.id))
        });
    }
}

fn feeders(input: &Input, out: &mut Vec<Finding>) {
    let mut by_target: BTreeMap<String, Vec<&Mapping>> = BTreeMap::new();
    for m in input.mappings {
        by_target
            .entry(m.statsig_group_name.to_lowercase())
            .or_default()
            .push(m);
    }
    for list in by_target.values().filter(|l| l.len() > 1) {
        let newest = list
            .iter()
            .max_by(|a, b| a.created.cmp(&b.created))
            .copied();
        let newest = newest.unwrap_or(list[0]);
        let groups: Vec<String> = list.iter().map(|m| m.okta_group_name.clone()).collect();
        out.push(Finding {
            what: format!("{} is fed by {} mappings: from {}.", list[0].statsig_group_name, list.len(), groups.join(", ")),
            why: "Each push sets the team to its own group's members, so they undo each other's adds and removals.".into(),
            fix: format!("Keep one: unlink the newer mapping from {} (or merge the groups into one Okta group).", newest.okta_group_name),
            action: Some(FixAction::Unlink { mapping_id: newest.id.clone() }),
            items: groups,
            ..finding(Severity::Error, Kind::TwoMappings, &list[0].statsig_group_name.to_lowercase())
        });
    }
    for m in input.mappings {
        let Some(other) = input
            .other_feeds
            .iter()
            .find(|o| o.target_name.eq_ignore_ascii_case(&m.statsig_group_name))
        else {
            continue;
        };
        out.push(Finding {
            what: format!("{} is pushed both by this app's mapping from {} and by {} (mapping {}).", m.statsig_group_name, m.okta_group_name, other.by, other.mapping_id),
            why: "Two pushers overwrite each other's changes, so members come and go with every push.".into(),
            fix: "One pusher per team: unlink one of the two mappings (this app's here, or the other in its own place).".into(),
            action: Some(FixAction::Unlink { mapping_id: m.id.clone() }),
            ..finding(Severity::Error, Kind::BothPushers, &m.id)
        });
    }
}

fn names_findings(dir: &Directory, out: &mut Vec<Finding>) {
    let app = app_label(dir);
    let missing = dir.not_imported();
    if !missing.is_empty() {
        let names: Vec<String> = missing.iter().map(|g| g.display_name.clone()).collect();
        out.push(Finding {
            what: format!("{} Statsig has {} not imported into Okta.", plural(names.len(), "team group"), if names.len() == 1 { "is" } else { "are" }),
            why: "Okta can push only into groups it has imported, so these teams cannot be linked in Okta push.".into(),
            fix: format!("In Okta, open Applications > {app} > Import and click Import Now."),
            items: names,
            ..finding(Severity::Warning, Kind::NotImported, "")
        });
    }
    let has_app = dir.app.app.is_some();
    for g in dir.okta_groups.iter() {
        let Some((_, _)) = names::split_role(&g.name) else {
            continue;
        };
        if g.kind == "APP_GROUP" || (has_app && dir.app.group(&g.id).is_some()) {
            continue;
        }
        out.push(Finding {
            what: format!("The Okta group {} is named like a Statsig team group but is not the team.", g.name),
            why: "Admins take it for the team itself; adding people to it changes no team unless a mapping pushes it.".into(),
            fix: "In Okta, rename it to say what it is (e.g. without the Statsig- prefix), or link it to its team with a mapping.".into(),
            ..finding(Severity::Info, Kind::LookalikeGroup, &g.id)
        });
    }
    for u in dir.unreadable() {
        let g = &dir.statsig_groups[u.group];
        let ambiguous = matches!(dir.parsed(u.group), ParsedName::Ambiguous { .. });
        out.push(Finding {
            what: format!("The Statsig group {} cannot be read: {}.", g.display_name, u.reason),
            why: if ambiguous {
                "It could be more than one team, so it is never guessed: no mapping can target it.".into()
            } else {
                "It is not a team role the app can read, so no mapping can target it.".into()
            },
            fix: "In Statsig, rename the team so its group reads Statsig-<Project>-<Team>-<Role> one way, or set the projects in Settings.".into(),
            ..finding(Severity::Warning, Kind::UnreadableName, &g.id)
        });
    }
}

/// Statsig users still active whose Okta account is deactivated or gone.
fn leavers(dir: &Directory, out: &mut Vec<Finding>) {
    if !dir.statsig_read || dir.okta_users.is_empty() {
        return;
    }
    // Statsig users some active Okta user is pushed as: no lookup needed for them.
    let mut covered = vec![false; dir.statsig_users.len()];
    for oi in 0..dir.okta_users.len() {
        if let Ok(si) = dir.pushable(oi) {
            covered[si] = true;
        }
    }
    for (si, u) in dir.statsig_users.iter().enumerate() {
        if covered[si] || !u.active {
            continue;
        }
        let okta = dir
            .okta_user_by_email(&u.email)
            .or_else(|| dir.okta_user_by_email(&u.user_name));
        let (what, why, severity) = match okta {
            Some(o) if o.is_active() => continue,
            Some(o) => (
                format!(
                    "{} is active in Statsig, but {} in Okta.",
                    u.user_name,
                    o.status.to_lowercase()
                ),
                "A leaver who still has access to Statsig: Okta will not remove what it no longer manages.",
                Severity::Error,
            ),
            None => (
                format!(
                    "{} is active in Statsig, but Okta has no such user.",
                    u.user_name
                ),
                "A leaver Okta deleted, or an account Okta never managed: either way Okta will not remove its access.",
                Severity::Warning,
            ),
        };
        out.push(Finding {
            what,
            why: why.into(),
            fix: "In Statsig, deactivate the account under Settings > Members if the person left; in Okta, check the app's Provisioning > To App has Deactivate Users on.".into(),
            action: Some(FixAction::Explain { person: u.user_name.clone() }),
            ..finding(severity, Kind::Leaver, &u.id)
        });
    }
}

/// Whole days from `from` to `to` (RFC 3339), when both read.
fn days_between(from: &str, to: &str) -> Option<i64> {
    let (a, b) = (crate::clock::parse(from)?, crate::clock::parse(to)?);
    Some((b - a).whole_days())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::OktaGroup;
    use crate::model::directory::tests::{og, ou, sg, su};
    use crate::model::mapping::Remote;
    use crate::model::okta_app::{AppGroup, AppSide, AppUser, OktaApp};

    const NOW: &str = "2026-06-01T00:00:00.000Z";

    pub(crate) fn mapping(id: &str, okta: &str, statsig: &str, status: MappingStatus) -> Mapping {
        Mapping {
            id: id.into(),
            okta_group_id: okta.into(),
            okta_group_name: format!("Group {okta}"),
            statsig_group_id: statsig.into(),
            statsig_group_name: format!("Statsig-Checkout-{statsig}-Member"),
            action: PushAction::Link,
            status,
            created: "2026-05-30T00:00:00.000Z".into(),
            last_push: None,
            last_counts: None,
            last_pushed_members: vec![],
            drift: None,
            remote: None,
        }
    }

    fn app_user(okta: &str, ext: &str) -> (String, AppUser) {
        let a = AppUser {
            okta_user_id: okta.into(),
            external_id: Some(ext.into()),
            user_name: String::new(),
        };
        (okta.into(), a)
    }

    /// Okta push: Ada assigned and active, Bob in the group but not assigned, Cy deactivated
    /// in Okta and still active in Statsig, Dee in Statsig with no Okta account.
    pub(crate) fn world() -> Directory {
        Directory::new(
            vec!["Checkout".into()],
            vec![],
            vec![
                su("s1", "ada@example.com"),
                su("s2", "bob@example.com"),
                su("s3", "cy@example.com"),
                su("s4", "dee@example.com"),
            ],
            vec![
                sg("Pay", "Statsig-Checkout-Pay-Member", &["s1"]),
                sg("Ops", "Statsig-Checkout-Ops-Member", &[]),
                sg("New", "Statsig-Checkout-New-Member", &[]),
                sg("Bad", "Statsig-Checkout-Bad-Owner", &[]),
            ],
            vec![
                ou("o1", "ada@example.com", "ACTIVE"),
                ou("o2", "bob@example.com", "ACTIVE"),
                ou("o3", "cy@example.com", "DEPROVISIONED"),
            ],
            vec![
                og("g1", "Payments", &["o1", "o2", "o3"]),
                og("g2", "Ops", &["o1"]),
                OktaGroup {
                    kind: "OKTA_GROUP".into(),
                    ..og("g3", "Statsig-Checkout-Pay-Member", &[])
                },
            ],
        )
        .with_app(AppSide {
            app: Some(OktaApp {
                id: "0oa1".into(),
                label: "Statsig SCIM".into(),
                status: "ACTIVE".into(),
                sign_on_mode: String::new(),
                features: vec![crate::model::okta_app::GROUP_PUSH.into()],
            }),
            users: [app_user("o1", "s1"), app_user("o3", "s3")]
                .into_iter()
                .collect(),
            assigned_groups: vec!["g3".into()],
            groups: ["Pay", "Ops", "Bad"]
                .iter()
                .map(|n| AppGroup {
                    id: format!("ag-{n}"),
                    name: format!(
                        "Statsig-Checkout-{n}-{}",
                        if *n == "Bad" { "Owner" } else { "Member" }
                    ),
                })
                .collect(),
        })
    }

    fn run(
        dir: &Directory,
        mappings: &[Mapping],
        feeds: &[OtherFeed],
        access: &Access,
    ) -> Vec<Finding> {
        check(Input {
            dir,
            mappings,
            other_feeds: feeds,
            access,
            now: NOW,
        })
    }

    fn of(findings: &[Finding], kind: Kind) -> Vec<&Finding> {
        findings.iter().filter(|f| f.kind == kind).collect()
    }

    #[test]
    fn a_clean_mapping_has_only_the_findings_of_its_people() {
        let dir = world();
        let m = mapping("m1", "g2", "Ops", MappingStatus::Active);
        let f = run(&dir, &[m], &[], &Access::default());
        let kinds: Vec<Kind> = f.iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            vec![
                Kind::Leaver,
                Kind::Leaver,
                Kind::NotImported,
                Kind::UnreadableName,
                Kind::LookalikeGroup
            ],
            "{f:#?}"
        );
    }

    #[test]
    fn members_okta_skips_are_named_per_mapping_and_reason() {
        let dir = world();
        let f = run(
            &dir,
            &[mapping("m1", "g1", "Pay", MappingStatus::Active)],
            &[],
            &Access::default(),
        );
        let skipped = of(&f, Kind::SkippedMembers);
        assert_eq!(skipped.len(), 2, "{skipped:#?}");
        let not_assigned = skipped
            .iter()
            .find(|f| f.what.contains("not assigned"))
            .unwrap();
        assert_eq!(not_assigned.items, vec!["bob@example.com".to_string()]);
        assert_eq!(not_assigned.severity, Severity::Warning);
        assert!(
            not_assigned
                .fix
                .contains("Applications > Statsig SCIM > Assignments")
        );
        assert_eq!(
            not_assigned.action,
            Some(FixAction::Explain {
                person: "bob@example.com".into()
            })
        );
        let inactive = skipped
            .iter()
            .find(|f| f.what.contains("not active"))
            .unwrap();
        assert_eq!(inactive.items, vec!["cy@example.com".to_string()]);
    }

    #[test]
    fn a_leaver_still_active_in_statsig_is_an_error_and_an_okta_less_account_too() {
        let dir = world();
        let f = run(&dir, &[], &[], &Access::default());
        let leavers = of(&f, Kind::Leaver);
        assert_eq!(leavers.len(), 2);
        let deprovisioned = leavers.iter().find(|l| l.what.contains("cy@")).unwrap();
        assert_eq!(deprovisioned.severity, Severity::Error);
        let gone = leavers.iter().find(|l| l.what.contains("dee@")).unwrap();
        assert_eq!(
            gone.severity,
            Severity::Warning,
            "maybe an account Okta never managed"
        );
        assert!(
            leavers.iter().any(
                |l| l.what == "cy@example.com is active in Statsig, but deprovisioned in Okta."
            )
        );
        assert!(leavers.iter().any(
            |l| l.what.contains("dee@example.com") && l.what.contains("Okta has no such user")
        ));
        assert_eq!(f[0].kind, Kind::Leaver, "errors come first");
        // Bob is active in Okta (not assigned, but no leaver); Ada is pushed.
        assert!(
            !leavers
                .iter()
                .any(|l| l.what.contains("bob") || l.what.contains("ada"))
        );
    }

    #[test]
    fn a_mapping_in_error_says_since_when_and_whether_a_retry_can_fix_it() {
        let dir = world();
        let err = |fix: Option<&str>| MappingStatus::Error {
            at: "2026-05-31T10:00:00.000Z".into(),
            cause: "Statsig answered 500.".into(),
            request: None,
            fix: fix.map(Into::into),
        };
        let f = run(
            &dir,
            &[mapping("m1", "g2", "Ops", err(None))],
            &[],
            &Access::default(),
        );
        let e = of(&f, Kind::MappingError)[0];
        assert!(
            e.what
                .contains("since 2026-05-31 10:00:00 UTC: Statsig answered 500.")
        );
        assert_eq!(
            e.action,
            Some(FixAction::Retry {
                mapping_id: "m1".into()
            })
        );
        let f = run(
            &dir,
            &[mapping("m1", "g2", "Ops", err(Some("Rename the team.")))],
            &[],
            &Access::default(),
        );
        let e = of(&f, Kind::MappingError)[0];
        assert_eq!(e.action, None, "a retry alone cannot fix it");
        assert!(e.fix.contains("Rename the team."));
    }

    #[test]
    fn an_inactive_mapping_is_flagged_only_once_left_for_long() {
        let dir = world();
        let mut m = mapping("m1", "g2", "Ops", MappingStatus::Inactive);
        let f = run(&dir, std::slice::from_ref(&m), &[], &Access::default());
        assert!(
            of(&f, Kind::InactiveLong).is_empty(),
            "two days is not long"
        );
        m.remote = Some(Remote {
            target_group_id: "ag-Ops".into(),
            last_updated: "2026-03-01T00:00:00.000Z".into(),
            ..Default::default()
        });
        let f = run(&dir, &[m], &[], &Access::default());
        let i = of(&f, Kind::InactiveLong)[0];
        assert!(i.what.contains("since 2026-03-01"), "{}", i.what);
        assert_eq!(
            i.action,
            Some(FixAction::Activate {
                mapping_id: "m1".into()
            })
        );
    }

    #[test]
    fn gone_teams_groups_and_app_groups_are_errors_with_unlink() {
        let dir = world();
        let mut to_gone_team = mapping("m1", "g2", "Gone", MappingStatus::Active);
        to_gone_team.statsig_group_id = "nope".into();
        let from_gone_group = mapping("m2", "g9", "Ops", MappingStatus::Active);
        let mut to_gone_app_group = mapping("m3", "g1", "Pay", MappingStatus::Active);
        to_gone_app_group.remote = Some(Remote {
            target_group_id: "ag-deleted".into(),
            ..Default::default()
        });
        let f = run(
            &dir,
            &[to_gone_team, from_gone_group, to_gone_app_group],
            &[],
            &Access::default(),
        );
        for (kind, id) in [
            (Kind::TeamGone, "m1"),
            (Kind::SourceGone, "m2"),
            (Kind::AppGroupGone, "m3"),
        ] {
            let g = of(&f, kind);
            assert_eq!(g.len(), 1, "{kind:?}: {f:#?}");
            assert_eq!(g[0].severity, Severity::Error);
            assert_eq!(
                g[0].action,
                Some(FixAction::Unlink {
                    mapping_id: id.into()
                })
            );
        }
        // A create Statsig refused has no team yet: its Error says so, not a gone team.
        let mut refused = mapping(
            "m4",
            "g2",
            "Never",
            MappingStatus::Error {
                at: NOW.into(),
                cause: "Statsig refuses this team name.".into(),
                request: None,
                fix: Some("Unlink, then Create with a valid name.".into()),
            },
        );
        refused.statsig_group_id = "never-made".into();
        let f = run(&dir, &[refused], &[], &Access::default());
        assert!(of(&f, Kind::TeamGone).is_empty());
        assert_eq!(of(&f, Kind::MappingError).len(), 1);
    }

    #[test]
    fn a_create_not_yet_pushed_has_no_gone_team() {
        let dir = world();
        let mut new_team = mapping("m1", "g2", "New", MappingStatus::Inactive);
        new_team.statsig_group_id = "not-made-yet".into();
        new_team.action = PushAction::Create;
        new_team.remote = Some(Remote {
            target_group_id: "ag-not-made-yet".into(),
            ..Default::default()
        });
        let f = run(
            &dir,
            std::slice::from_ref(&new_team),
            &[],
            &Access::default(),
        );
        assert!(
            f.iter()
                .all(|x| !(x.key.ends_with(":m1") && x.severity == Severity::Error)),
            "a team made at the first push is not gone: {f:#?}"
        );
        // Once pushed, a Create's team missing is gone like any other.
        new_team.last_push = Some(NOW.into());
        let f = run(&dir, &[new_team], &[], &Access::default());
        assert_eq!(of(&f, Kind::TeamGone).len(), 1, "{f:#?}");
        // A mapping made in Okta with no Statsig group yet: Okta makes it at its first push;
        // once it has pushed, the group missing is gone.
        let mut in_okta = mapping("m2", "g2", "New", MappingStatus::Active);
        in_okta.statsig_group_id = String::new();
        let f = run(
            &dir,
            std::slice::from_ref(&in_okta),
            &[],
            &Access::default(),
        );
        assert!(of(&f, Kind::TeamGone).is_empty(), "{f:#?}");
        in_okta.last_push = Some(NOW.into());
        let f = run(&dir, &[in_okta], &[], &Access::default());
        assert_eq!(of(&f, Kind::TeamGone).len(), 1, "{f:#?}");
    }

    #[test]
    fn a_team_role_fed_twice_or_by_both_pushers_is_an_error() {
        let dir = world();
        let mut second = mapping("m2", "g2", "Pay", MappingStatus::Active);
        second.created = "2026-05-31T00:00:00.000Z".into();
        let first = mapping("m1", "g1", "Pay", MappingStatus::Active);
        let f = run(&dir, &[first.clone(), second], &[], &Access::default());
        let two = of(&f, Kind::TwoMappings);
        assert_eq!(two.len(), 1);
        assert_eq!(
            two[0].action,
            Some(FixAction::Unlink {
                mapping_id: "m2".into()
            }),
            "the newer one"
        );
        let other = OtherFeed {
            mapping_id: "gPm1".into(),
            target_name: "statsig-checkout-pay-member".into(),
            by: "Okta's push mapping of \"Statsig SCIM\"".into(),
        };
        let f = run(&dir, &[first], &[other], &Access::default());
        let both = of(&f, Kind::BothPushers);
        assert_eq!(both.len(), 1);
        assert!(both[0].what.contains("gPm1"));
    }

    #[test]
    fn names_okta_cannot_use_are_listed() {
        let dir = world();
        let f = run(&dir, &[], &[], &Access::default());
        let not_imported = of(&f, Kind::NotImported);
        assert_eq!(
            not_imported[0].items,
            vec!["Statsig-Checkout-New-Member".to_string()]
        );
        assert!(not_imported[0].fix.contains("Import Now"));
        let look = of(&f, Kind::LookalikeGroup);
        assert_eq!(look.len(), 1);
        assert!(look[0].what.contains("Statsig-Checkout-Pay-Member"));
        let bad = of(&f, Kind::UnreadableName);
        assert_eq!(bad.len(), 1);
        assert!(bad[0].what.contains("Statsig-Checkout-Bad-Owner"));
    }

    #[test]
    fn what_the_token_may_not_do_is_said_with_what_it_hides() {
        let dir = world();
        let access = Access {
            apps_read: Permission::Denied("403".into()),
            apps_manage: Permission::Allowed,
            logs_read: Permission::Denied("403".into()),
        };
        let f = run(&dir, &[], &[], &access);
        let a = of(&f, Kind::Access);
        assert_eq!(a.len(), 2);
        assert!(
            a.iter()
                .any(|f| f.severity == Severity::Error && f.fix.contains("okta.apps.read"))
        );
        assert!(
            a.iter()
                .any(|f| f.severity == Severity::Info && f.fix.contains("okta.logs.read"))
        );
        let mut okta_only = world();
        okta_only.statsig_read = false;
        let f = run(&okta_only, &[], &[], &Access::default());
        assert!(
            of(&f, Kind::Access)[0]
                .what
                .contains("no Statsig SCIM token")
        );
        assert!(
            of(&f, Kind::Leaver).is_empty(),
            "without Statsig, no leaver can be told"
        );
    }

    #[test]
    fn a_group_that_assigns_the_app_and_is_pushed_is_an_error() {
        let dir = world();
        let f = run(
            &dir,
            &[
                mapping("m1", "g3", "Ops", MappingStatus::Active),
                mapping("m2", "g2", "Pay", MappingStatus::Active),
            ],
            &[],
            &Access::default(),
        );
        let both = of(&f, Kind::AssignsAndPushes);
        assert_eq!(both.len(), 1, "only the group that assigns the app: {f:#?}");
        assert_eq!(both[0].severity, Severity::Error);
        assert!(both[0].what.contains("both assigns the Statsig SCIM app"));
        assert!(both[0].key.ends_with("m1"));
    }

    #[test]
    fn a_403_on_apps_at_the_first_import_is_a_denial() {
        let w = "The Statsig app could not be looked up in Okta: Okta answered 403 to GET /api/v1/apps: denied. The token's admin lacks permission to read apps: use a token of an admin who may.";
        assert_eq!(
            Access::from_mode(false, Some(w), None).apps_read,
            Permission::Denied("Okta answered 403".into())
        );
        assert_eq!(
            Access::from_mode(true, None, None).apps_read,
            Permission::Allowed
        );
        assert_eq!(
            Access::from_mode(false, None, None).apps_read,
            Permission::Unknown
        );
        // A refused read of the System Log is a denial of okta.logs.read.
        let logs = Access::from_mode(true, None, Some("Okta answered 403"));
        assert_eq!(
            logs.logs_read,
            Permission::Denied("Okta answered 403".into())
        );
    }

    #[test]
    fn two_results_compare_by_key_and_levels_count() {
        let dir = world();
        let before = run(
            &dir,
            &[mapping("m1", "g1", "Pay", MappingStatus::Active)],
            &[],
            &Access::default(),
        );
        let after = run(
            &dir,
            &[
                mapping("m1", "g1", "Pay", MappingStatus::Inactive),
                mapping("m2", "g2", "Pay", MappingStatus::Active),
            ],
            &[],
            &Access::default(),
        );
        let c = compare(&before, &after);
        assert_eq!(
            c.raised.iter().map(|f| f.kind).collect::<Vec<_>>(),
            vec![Kind::TwoMappings]
        );
        assert!(c.resolved.is_empty());
        assert_eq!(compare(&after, &before).resolved.len(), 1);
        let same = compare(&after, &after);
        assert!(same.raised.is_empty() && same.resolved.is_empty());
        assert_eq!(same.unchanged, after);
        assert_eq!(compare(&before, &after).unchanged.len(), before.len());
        let (e, w, i) = counts(&after);
        assert_eq!(e + w + i, after.len());
        assert_eq!(at_least(&after, Severity::Error), e);
        assert_eq!(at_least(&after, Severity::Warning), e + w);
        assert_eq!(Severity::parse("Warning"), Some(Severity::Warning));
        assert_eq!(Severity::parse("fatal"), None);
    }
}
