//! A person's trace: step by step, why someone is or is not in each Statsig team role
//! Okta feeds (or in one chosen team), and the next step that works. Pure, so it runs on
//! an opened snapshot as on live data.

use super::directory::Directory;
use super::health::okta_pushes;
use super::mapping::{Mapping, MappingStatus};
use super::member::SkipReason;
use super::names::{ParsedName, Role};
use super::records::{OktaUser, StatsigUser};
use super::text::short_time;
use serde::Serialize;

/// Who was asked about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    /// The email.
    pub email: String,
    /// "First Last", or the email.
    pub name: String,
    /// Okta's user id, when Okta has the person.
    pub okta_user_id: Option<String>,
    /// Statsig's user id, when Statsig has the person.
    pub statsig_user_id: Option<String>,
}

/// Why no one person was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FindError {
    /// Nobody matches.
    #[error("No one in Okta or Statsig has the email or name \"{0}\".")]
    Nobody(String),
    /// Several match the name.
    #[error("{} people match \"{query}\": {}; choose one, or give the email.", .matches.len(), listed(.names))]
    Several {
        /// The text searched for.
        query: String,
        /// Their emails, sorted.
        matches: Vec<String>,
        /// Each as `Name <email>`, in the same order.
        names: Vec<String>,
    },
}

/// The verdict for one team role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// Okta's group and Statsig agree.
    InSync,
    /// The person will be added at the next push.
    AddedAtNextPush {
        /// Since when the change waits, when known.
        since: Option<String>,
    },
    /// In a pushed group, but cannot be pushed.
    NotPushed {
        /// Why.
        reason: SkipReason,
    },
    /// The mapping that would push the person is Inactive.
    MappingInactive,
    /// The mapping that would push the person is in Error.
    MappingError,
    /// No mapping feeds this team role.
    NoMapping,
    /// Statsig has the person, no group that feeds the role does: the next full push removes them.
    ByHand,
    /// Not in a group that feeds the role, and not in it in Statsig: nothing to do unless
    /// they should be.
    NotAMember,
    /// Statsig's members are not read (no Statsig token): only Okta's side is known.
    StatsigUnknown,
}

impl Verdict {
    /// The verdict as one short sentence.
    pub fn sentence(&self) -> String {
        match self {
            Verdict::InSync => "in sync".into(),
            Verdict::AddedAtNextPush { since: Some(s) } => {
                format!("added at Okta's next push, pending since {}", short_time(s))
            }
            Verdict::AddedAtNextPush { since: None } => "added at Okta's next push".into(),
            Verdict::NotPushed {
                reason: SkipReason::NotAssigned { .. },
            } => "not pushed: not assigned to the Statsig app".into(),
            Verdict::NotPushed { reason } => format!("not pushed: {reason}"),
            Verdict::MappingInactive => "the mapping is Inactive".into(),
            Verdict::MappingError => "the mapping is in Error".into(),
            Verdict::NoMapping => "no mapping feeds this team".into(),
            Verdict::ByHand => "in Statsig by hand: Okta removes them at its next full push".into(),
            Verdict::NotAMember => "not a member, in Okta or in Statsig".into(),
            Verdict::StatsigUnknown => "Statsig's side is unknown (no Statsig token)".into(),
        }
    }
}

/// What the app can do as the next step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum NextAction {
    /// Push the mapping now.
    Push {
        /// The mapping.
        mapping_id: String,
    },
    /// Resume pushing the mapping.
    Activate {
        /// The mapping.
        mapping_id: String,
    },
    /// Add the person to the mapping's Okta group.
    AddToGroup {
        /// The Okta group.
        okta_group_id: String,
        /// The person's Okta id.
        okta_user_id: String,
    },
}

/// One Okta group that feeds the role, as it concerns the person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Feed {
    /// The mapping.
    pub mapping_id: String,
    /// Its Okta group.
    pub okta_group: String,
    /// Whether the person is in it.
    pub member: bool,
    /// The mapping's status ("Active", "Error", …).
    pub status: String,
    /// When it was last pushed.
    pub last_push: Option<String>,
    /// Who pushes: "Okta" or "this app".
    pub pushed_by: String,
}

/// The trace for one team role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleTrace {
    /// The project.
    pub project: String,
    /// The team.
    pub team: String,
    /// The role.
    pub role: Role,
    /// The Statsig group's name.
    pub group: String,
    /// The groups that feed the role.
    pub feeds: Vec<Feed>,
    /// Whether Statsig has the person in the role (`None` when not read).
    pub in_statsig: Option<bool>,
    /// The verdict.
    #[serde(flatten)]
    pub verdict: Verdict,
    /// The verdict as a sentence.
    pub says: String,
    /// The next step, in one sentence.
    pub next: String,
    /// What the app can do about it, when it can.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<NextAction>,
}

/// The whole trace for one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// Who.
    pub person: Person,
    /// The steps that hold for every role: the Okta status, the assignment to the app.
    pub steps: Vec<String>,
    /// A leaver who still has access: active in Statsig while Okta has them deactivated
    /// or not at all, and what to do (Okta will not remove them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub still_has_access: Option<String>,
    /// One trace per team role.
    pub roles: Vec<RoleTrace>,
}

/// At most this many people are named in a message; the rest are counted.
const NAMED: usize = 10;

/// `items` joined, the first ten of them, then "and N more".
pub fn listed(items: &[String]) -> String {
    let shown = items
        .iter()
        .take(NAMED)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    match items.len().saturating_sub(NAMED) {
        0 => shown,
        more => format!("{shown} and {more} more"),
    }
}

/// Finds one person, in Okta or Statsig, any case: by email first; then by a whole field
/// (first name, last name, the whole name, the email, Okta's login or Statsig's
/// username); when no field is the query, by a field that holds it. Several people
/// found are listed (`FindError::Several`).
pub fn find(dir: &Directory, query: &str) -> Result<Person, FindError> {
    let q = query.trim();
    let okta = dir.okta_user_by_email(q);
    let statsig = dir.statsig_user_by_email(q);
    if okta.is_some() || statsig.is_some() {
        let statsig = statsig.or_else(|| {
            okta.and_then(|o| dir.statsig_user_for(o).or_else(|| okta_statsig(dir, o)))
        });
        let okta = okta.or_else(|| statsig.and_then(|s| okta_for(dir, s)));
        return Ok(person(okta, statsig));
    }
    if q.is_empty() {
        return Err(FindError::Nobody(q.to_string()));
    }
    let mut people = matching(
        dir,
        |fields| fields.iter().any(|f| f.trim().eq_ignore_ascii_case(q)),
        q,
    );
    if people.is_empty() && q.chars().count() >= 2 {
        let lower = q.to_lowercase();
        people = matching(
            dir,
            |fields| fields.iter().any(|f| f.to_lowercase().contains(&lower)),
            q,
        );
    }
    match people.len() {
        0 => Err(FindError::Nobody(q.to_string())),
        1 => Ok(people.remove(0)),
        _ => Err(FindError::Several {
            query: q.to_string(),
            names: people
                .iter()
                .map(|p| format!("{} <{}>", p.name, p.email))
                .collect(),
            matches: people.into_iter().map(|p| p.email).collect(),
        }),
    }
}

/// Everyone one of whose fields `hit` accepts (or whose whole name is `q`), once each
/// (an Okta user and the Statsig account Okta pushes them as are one person), by email.
fn matching(dir: &Directory, hit: impl Fn(&[&str]) -> bool, q: &str) -> Vec<Person> {
    let mut people: Vec<Person> = Vec::new();
    let mut statsig_ids = std::collections::HashSet::new();
    for o in dir.okta_users.iter() {
        let name = name_is(&o.first_name, &o.last_name, q)
            || hit(&[&o.first_name, &o.last_name, &o.email, &o.login]);
        let whole = !name && q.contains(' ') && hit(&[&o.display_name()]);
        if name || whole {
            let s = dir.statsig_user_for(o).or_else(|| okta_statsig(dir, o));
            if let Some(s) = s {
                statsig_ids.insert(s.id.clone());
            }
            people.push(person(Some(o), s));
        }
    }
    for s in dir.statsig_users.iter() {
        if statsig_ids.contains(&s.id) {
            continue;
        }
        let name = name_is(&s.given_name, &s.family_name, q)
            || hit(&[&s.given_name, &s.family_name, &s.email, &s.user_name]);
        let whole = !name && q.contains(' ') && hit(&[&s.display_name()]);
        if name || whole {
            let o = okta_for(dir, s);
            if o.is_some_and(|o| {
                people
                    .iter()
                    .any(|p| p.okta_user_id.as_deref() == Some(&o.id))
            }) {
                continue;
            }
            people.push(person(o, Some(s)));
        }
    }
    people.sort_by_key(|p| p.email.to_lowercase());
    people
}

/// The Statsig account of an Okta user Okta does not push (a leaver): by email.
fn okta_statsig<'a>(dir: &'a Directory, o: &OktaUser) -> Option<&'a StatsigUser> {
    dir.statsig_user_by_email(&o.email)
        .or_else(|| dir.statsig_user_by_email(&o.login))
}

fn okta_for<'a>(dir: &'a Directory, s: &StatsigUser) -> Option<&'a OktaUser> {
    dir.okta_user_by_email(&s.email)
        .or_else(|| dir.okta_user_by_email(&s.user_name))
}

/// "First Last" is `q`, any case, without making the string.
fn name_is(first: &str, last: &str, q: &str) -> bool {
    let Some((f, l)) = q.split_once(' ') else {
        return false;
    };
    f.trim().eq_ignore_ascii_case(first.trim()) && l.trim().eq_ignore_ascii_case(last.trim())
}

fn person(okta: Option<&OktaUser>, statsig: Option<&StatsigUser>) -> Person {
    Person {
        email: okta
            .map(|o| o.email.clone())
            .or_else(|| statsig.map(|s| s.user_name.clone()))
            .unwrap_or_default(),
        name: okta
            .map(|o| o.display_name())
            .or_else(|| statsig.map(|s| s.display_name()))
            .unwrap_or_default(),
        okta_user_id: okta.map(|o| o.id.clone()),
        statsig_user_id: statsig.map(|s| s.id.clone()),
    }
}

/// The trace for `who`: every team role a mapping feeds where the person is in a fed
/// group or in Statsig's group, or, with `team` (project, team), both roles of that team.
pub fn explain(
    dir: &Directory,
    mappings: &[Mapping],
    who: &Person,
    team: Option<(&str, &str)>,
) -> Explanation {
    let okta_index = who
        .okta_user_id
        .as_deref()
        .and_then(|id| dir.okta_user_index(id));
    let okta = okta_index.map(|i| &dir.okta_users[i]);
    let pushable = okta_index.map(|i| dir.pushable(i).map_err(Clone::clone));
    let steps = person_steps(dir, okta, who);
    let still_has_access = leaver(dir, okta, who);
    let at = Places::of(dir, who);
    // Each mapping with its team role (by index), grouped by role: one lookup each.
    let mut by_role: Vec<(usize, &Mapping)> = mappings
        .iter()
        .filter_map(|m| Some((dir.statsig_group_index(&m.statsig_group_id)?, m)))
        .collect();
    by_role.sort_by_key(|(gi, _)| *gi);
    let roles: Vec<usize> = match team {
        Some((p, t)) => dir
            .teams()
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(p))
            .and_then(|(_, teams)| teams.iter().find(|(n, _)| n.eq_ignore_ascii_case(t)))
            .map(|(_, g)| Role::ALL.iter().filter_map(|r| g.get(*r)).collect())
            .unwrap_or_default(),
        None => {
            // A role counts when a mapping into it holds the person, or Statsig has the
            // person in it.
            let mut v: Vec<usize> = by_role
                .iter()
                .filter(|(gi, m)| {
                    in_okta_group(dir, &m.okta_group_id, who, &at)
                        || in_statsig(dir, *gi, who, &at) == Some(true)
                })
                .map(|(gi, _)| *gi)
                .collect();
            // The team roles Statsig has them in that no mapping feeds: their access too.
            if who.statsig_user_id.is_some() {
                v.extend((0..dir.statsig_groups.len()).filter(|gi| {
                    matches!(dir.parsed(*gi), ParsedName::Team { .. })
                        && by_role.binary_search_by_key(gi, |(g, _)| *g).is_err()
                        && in_statsig(dir, *gi, who, &at) == Some(true)
                }));
            }
            v.sort_unstable();
            v.dedup();
            v
        }
    };
    let roles = roles
        .into_iter()
        .map(|gi| {
            let start = by_role.partition_point(|(g, _)| *g < gi);
            let end = by_role.partition_point(|(g, _)| *g <= gi);
            let feeding: Vec<&Mapping> = by_role[start..end].iter().map(|(_, m)| *m).collect();
            role_trace(dir, &feeding, who, &at, &pushable, gi)
        })
        .collect();
    Explanation {
        person: who.clone(),
        steps,
        still_has_access,
        roles,
    }
}

/// Active in Statsig while Okta has them deactivated, or not at all: a leaver who still
/// has access, which no push of Okta's removes.
fn leaver(dir: &Directory, okta: Option<&OktaUser>, who: &Person) -> Option<String> {
    let id = who.statsig_user_id.as_deref()?;
    let account = dir
        .statsig_user(id)
        .filter(|s| s.active && dir.statsig_read)?;
    let okta_says = match okta {
        Some(o) if o.is_active() => return None,
        Some(o) => format!("Okta has them {}", o.status.to_lowercase()),
        None => "Okta has no such user".to_string(),
    };
    Some(format!(
        "Still has access to Statsig: the account {} is active, but {okta_says}, and Okta will not remove what it no longer manages. Next: in Statsig, deactivate the account under Settings > Members if they left; in Okta, check the app's Provisioning > To App has Deactivate Users on.",
        account.user_name
    ))
}

fn person_steps(dir: &Directory, okta: Option<&OktaUser>, who: &Person) -> Vec<String> {
    let mut steps = Vec::new();
    match okta {
        None => steps.push(format!(
            "Okta has no user {}: no Okta group can push them.",
            who.email
        )),
        Some(o) if o.is_active() => steps.push(format!("Okta: {} is active.", o.email)),
        Some(o) => steps.push(format!(
            "Okta: {} is {}; Okta pushes active users only.",
            o.email,
            o.status.to_lowercase()
        )),
    }
    if let (Some(app), Some(o)) = (&dir.app.app, okta) {
        match dir.app.users.get(&o.id) {
            None => steps.push(format!(
                "Not assigned to the \"{}\" app in Okta: Okta skips them in every push, without a word.",
                app.label
            )),
            Some(a) => match &a.external_id {
                Some(ext) => steps.push(format!(
                    "Assigned to the \"{}\" app; the Statsig account is {ext} (externalId).",
                    app.label
                )),
                None => steps.push(format!(
                    "Assigned to the \"{}\" app, but Okta has not created the Statsig account yet (no externalId).",
                    app.label
                )),
            },
        }
    }
    match (&who.statsig_user_id, dir.statsig_read) {
        (_, false) => steps.push("Statsig's side is not read (no Statsig token).".into()),
        (Some(id), true) => {
            let active = dir.statsig_user(id).is_some_and(|s| s.active);
            steps.push(format!(
                "Statsig has the account {id}, {}.",
                if active { "active" } else { "deactivated" }
            ));
        }
        (None, true) => steps.push("Statsig has no account for this person.".into()),
    }
    steps
}

/// Where the person is in the directory's integer tables (the rank Okta pushes them as,
/// or their place among the members that cannot be pushed; their Statsig rank), so that
/// membership over thousands of mappings is a search over integers, not strings.
#[derive(Debug, Clone, Copy, Default)]
struct Places {
    okta_rank: Option<u32>,
    okta_skip: Option<u32>,
    statsig_rank: Option<u32>,
}

impl Places {
    fn of(dir: &Directory, who: &Person) -> Places {
        let mut at = Places::default();
        if let Some(id) = &who.okta_user_id
            && let Some(oi) = dir.okta_user_index(id)
        {
            match dir.pushable(oi) {
                Ok(si) => at.okta_rank = Some(dir.rank(si)),
                Err(_) => {
                    at.okta_skip = dir
                        .skips()
                        .iter()
                        .position(|s| s.okta_user_id == *id)
                        .map(|p| p as u32);
                }
            }
        }
        at.statsig_rank = who
            .statsig_user_id
            .as_deref()
            .and_then(|id| dir.statsig_user_index(id))
            .map(|si| dir.rank(si));
        at
    }
}

fn in_okta_group(dir: &Directory, group_id: &str, who: &Person, at: &Places) -> bool {
    let (Some(gi), Some(id)) = (dir.okta_group_index(group_id), &who.okta_user_id) else {
        return false;
    };
    let pushed = dir.okta_pushed(gi);
    // A rank another Okta user is pushed as too would match: a hit is confirmed by id.
    let hit = match (at.okta_rank, at.okta_skip) {
        (Some(r), _) => pushed.ranks.binary_search(&r).is_ok(),
        (None, Some(p)) => pushed.skipped.binary_search(&p).is_ok(),
        (None, None) => true,
    };
    hit && dir.okta_groups[gi].members.binary_search(id).is_ok()
}

fn in_statsig(dir: &Directory, gi: usize, who: &Person, at: &Places) -> Option<bool> {
    if !dir.statsig_read {
        return None;
    }
    if let (Some(r), Some(ranks)) = (at.statsig_rank, dir.statsig_member_ranks(gi)) {
        return Some(ranks.binary_search(&r).is_ok());
    }
    let members = &dir.statsig_groups[gi].members;
    Some(
        who.statsig_user_id
            .as_ref()
            .is_some_and(|id| members.binary_search(id).is_ok()),
    )
}

fn role_trace(
    dir: &Directory,
    feeding: &[&Mapping],
    who: &Person,
    at: &Places,
    pushable: &Option<Result<usize, SkipReason>>,
    gi: usize,
) -> RoleTrace {
    let group = &dir.statsig_groups[gi];
    let (project, team, role) = match dir.parsed(gi) {
        ParsedName::Team {
            project,
            team,
            role,
        } => (project.clone(), team.clone(), *role),
        _ => (String::new(), group.display_name.clone(), Role::Member),
    };
    let feeds: Vec<Feed> = feeding
        .iter()
        .map(|m| Feed {
            mapping_id: m.id.clone(),
            okta_group: m.okta_group_name.clone(),
            member: in_okta_group(dir, &m.okta_group_id, who, at),
            status: m.status.label().to_string(),
            last_push: m.last_push.clone(),
            pushed_by: if okta_pushes(m) { "Okta" } else { "this app" }.into(),
        })
        .collect();
    let in_statsig = in_statsig(dir, gi, who, at);
    let holding: Vec<&Mapping> = feeding
        .iter()
        .copied()
        .filter(|m| in_okta_group(dir, &m.okta_group_id, who, at))
        .collect();
    let (verdict, next, action) = verdict(who, pushable, feeding, &holding, in_statsig);
    RoleTrace {
        project,
        team,
        role,
        group: group.display_name.clone(),
        feeds,
        in_statsig,
        says: verdict.sentence(),
        verdict,
        next,
        action,
    }
}

fn verdict(
    who: &Person,
    pushable: &Option<Result<usize, SkipReason>>,
    feeding: &[&Mapping],
    holding: &[&Mapping],
    in_statsig: Option<bool>,
) -> (Verdict, String, Option<NextAction>) {
    if feeding.is_empty() {
        let next = "Link an Okta group to this team (Push), or add the person in Statsig if the team is managed there.";
        return (Verdict::NoMapping, next.into(), None);
    }
    let Some(m) = holding.first() else {
        if in_statsig == Some(true) {
            let next = format!(
                "If they belong in the team, add them to the Okta group {}; otherwise nothing: the next full push removes them.",
                feeding[0].okta_group_name
            );
            return (Verdict::ByHand, next, add_action(who, feeding[0]));
        }
        if in_statsig.is_none() {
            let next = "Add the Statsig SCIM token in Settings to see Statsig's side.".into();
            return (Verdict::StatsigUnknown, next, None);
        }
        let next = format!(
            "If they belong in the team, add them to the Okta group {}.",
            feeding[0].okta_group_name
        );
        return (Verdict::NotAMember, next, add_action(who, feeding[0]));
    };
    if let Some(Err(reason)) = pushable {
        let next = skip_next(reason, m);
        let verdict = Verdict::NotPushed {
            reason: reason.clone(),
        };
        return (verdict, next, None);
    }
    if holding
        .iter()
        .all(|m| matches!(m.status, MappingStatus::Inactive))
    {
        let next = "Activate the mapping to push again.".to_string();
        let action = NextAction::Activate {
            mapping_id: m.id.clone(),
        };
        return (Verdict::MappingInactive, next, Some(action));
    }
    if holding.iter().all(|m| {
        matches!(
            m.status,
            MappingStatus::Error { .. } | MappingStatus::Inactive
        )
    }) {
        let failing = holding
            .iter()
            .find(|m| matches!(m.status, MappingStatus::Error { .. }))
            .copied()
            .unwrap_or(m);
        let next = match &failing.status {
            MappingStatus::Error { fix: Some(f), .. } => {
                format!("A retry alone will not work: {f}")
            }
            _ => "Push the mapping again; a retry may work.".into(),
        };
        let action = NextAction::Push {
            mapping_id: failing.id.clone(),
        };
        return (Verdict::MappingError, next, Some(action));
    }
    match in_statsig {
        None => (
            Verdict::StatsigUnknown,
            "Add the Statsig SCIM token in Settings to see Statsig's side.".into(),
            None,
        ),
        Some(true) => (Verdict::InSync, "Nothing to do.".into(), None),
        Some(false) => {
            let active = holding
                .iter()
                .find(|m| {
                    !matches!(
                        m.status,
                        MappingStatus::Inactive | MappingStatus::Error { .. }
                    )
                })
                .copied()
                .unwrap_or(m);
            let since = active
                .remote
                .as_ref()
                .and_then(|l| l.pending.as_ref().map(|_| l.last_updated.clone()));
            let next = if okta_pushes(active) {
                "Nothing to do: Okta adds them at its next push (or push the mapping now)."
            } else {
                "Push the mapping now, or let the watcher push it."
            };
            (
                Verdict::AddedAtNextPush { since },
                next.into(),
                Some(NextAction::Push {
                    mapping_id: active.id.clone(),
                }),
            )
        }
    }
}

/// The next step for a member a push skips.
fn skip_next(reason: &SkipReason, m: &Mapping) -> String {
    match reason {
        SkipReason::NotAssigned { app } => format!(
            "In Okta, open Applications > {app} > Assignments and assign them (or assign the group {} to the app).",
            m.okta_group_name
        ),
        SkipReason::InactiveInOkta { .. } => {
            "Nothing to do if they left; otherwise reactivate them in Okta (Directory > People)."
                .into()
        }
        SkipReason::NotProvisionedYet { app } => {
            format!("In Okta, open Applications > {app} > Assignments and retry the assignment.")
        }
        SkipReason::NoStatsigUser => {
            "Assign them to the Statsig app in Okta so Okta creates the Statsig account.".into()
        }
        SkipReason::OutsideOrgDomain { .. } => {
            "Add the email's domain to the organization in Statsig, or use the company email in Okta."
                .into()
        }
    }
}

fn add_action(who: &Person, m: &Mapping) -> Option<NextAction> {
    Some(NextAction::AddToGroup {
        okta_group_id: m.okta_group_id.clone(),
        okta_user_id: who.okta_user_id.clone()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::health::tests::{mapping, world};
    use crate::model::mapping::Remote;

    fn trace(
        dir: &Directory,
        mappings: &[Mapping],
        q: &str,
        team: Option<(&str, &str)>,
    ) -> Explanation {
        let who = find(dir, q).unwrap();
        explain(dir, mappings, &who, team)
    }

    fn okta(m: Mapping, pending: bool) -> Mapping {
        Mapping {
            remote: Some(Remote {
                target_group_id: format!("ag-{}", m.statsig_group_id),
                last_updated: "2026-05-31T08:00:00.000Z".into(),
                error_summary: None,
                pending: pending.then(|| "the group changed after Okta's last push".into()),
            }),
            ..m
        }
    }

    #[test]
    fn a_person_is_found_by_email_or_whole_name_and_several_are_named() {
        let dir = world();
        let ada = find(&dir, "ADA@example.com").unwrap();
        assert_eq!(
            (ada.okta_user_id.as_deref(), ada.statsig_user_id.as_deref()),
            (Some("o1"), Some("s1"))
        );
        let by_name = find(&dir, "first o2").unwrap();
        assert_eq!(by_name.email, "bob@example.com");
        let dee = find(&dir, "dee@example.com").unwrap();
        assert_eq!(
            (dee.okta_user_id, dee.statsig_user_id.as_deref()),
            (None, Some("s4"))
        );
        assert_eq!(
            find(&dir, "zed@example.com").unwrap_err().to_string(),
            "No one in Okta or Statsig has the email or name \"zed@example.com\"."
        );
        let mut twins = world();
        let mut users = (*twins.okta_users).clone();
        for u in &mut users {
            u.last_name = "Same".into();
        }
        twins.set_okta_users(users);
        let e = find(&twins, "First Same").unwrap_err();
        assert!(
            matches!(&e, FindError::Several { matches, .. } if matches.len() == 3),
            "{e}"
        );
    }

    #[test]
    fn a_person_is_found_by_first_name_last_name_username_or_part_any_case_and_several_are_listed()
    {
        let mut dir = world();
        let mut users = (*dir.okta_users).clone();
        users[0].first_name = "Ada".into();
        users[0].last_name = "Lovelace".into();
        users[0].login = "alovelace".into();
        dir.set_okta_users(users);
        for q in [
            "Ada",
            "ada",
            "LOVELACE",
            "Ada Lovelace",
            "alovelace",
            "lovel",
        ] {
            let who = find(&dir, q).unwrap_or_else(|e| panic!("{q}: {e}"));
            assert_eq!(
                (who.okta_user_id.as_deref(), who.statsig_user_id.as_deref()),
                (Some("o1"), Some("s1")),
                "{q}"
            );
            assert_eq!(who.name, "Ada Lovelace");
        }
        // "First" is the first name of Bob (o2) and Cy (o3): both listed, by email.
        match find(&dir, "first").unwrap_err() {
            FindError::Several { matches, names, .. } => {
                assert_eq!(matches, ["bob@example.com", "cy@example.com"]);
                assert_eq!(names[0], "First o2 <bob@example.com>");
            }
            e => panic!("{e}"),
        }
        // Dee has no Okta account: found by her Statsig name; each person once.
        let e = find(&dir, "Given").unwrap_err();
        assert!(
            matches!(&e, FindError::Several { matches, .. } if matches.len() == 4),
            "{e}"
        );
        assert!(
            e.to_string().starts_with("4 people match \"Given\": "),
            "{e}"
        );
        assert!(matches!(find(&dir, "x"), Err(FindError::Nobody(_))));
        let many: Vec<String> = (0..12).map(|i| format!("p{i}")).collect();
        assert!(
            listed(&many).ends_with("p9 and 2 more"),
            "{}",
            listed(&many)
        );
    }

    #[test]
    fn a_leaver_is_told_they_still_have_access_and_what_to_do() {
        let dir = world();
        // Cy: deprovisioned in Okta, active in Statsig.
        let cy = trace(&dir, &[], "cy@example.com", None);
        assert_eq!(cy.person.statsig_user_id.as_deref(), Some("s3"));
        let said = cy.still_has_access.as_deref().unwrap();
        assert!(
            said.starts_with("Still has access to Statsig: the account cy@example.com is active, but Okta has them deprovisioned"),
            "{said}"
        );
        assert!(
            said.contains("deactivate the account under Settings > Members"),
            "{said}"
        );
        // Dee: no Okta account at all.
        let dee = trace(&dir, &[], "dee@example.com", None);
        assert!(
            dee.still_has_access
                .as_deref()
                .unwrap()
                .contains("Okta has no such user"),
            "{dee:?}"
        );
        // Ada is active in Okta: no such warning; the team Statsig has her in shows,
        // though no mapping feeds it.
        let ada = trace(&dir, &[], "ada@example.com", None);
        assert_eq!(ada.still_has_access, None);
        assert_eq!(ada.roles.len(), 1);
        assert_eq!(ada.roles[0].team, "Pay");
        assert_eq!(ada.roles[0].verdict, Verdict::NoMapping);
    }

    #[test]
    fn in_sync_when_the_group_holds_her_and_statsig_has_her() {
        let dir = world();
        let m = okta(mapping("m1", "g1", "Pay", MappingStatus::Active), false);
        let e = trace(&dir, &[m], "ada@example.com", None);
        assert_eq!(e.roles.len(), 1);
        let r = &e.roles[0];
        assert_eq!(
            (r.project.as_str(), r.team.as_str(), r.role),
            ("Checkout", "Pay", Role::Member)
        );
        assert_eq!(r.verdict, Verdict::InSync);
        assert_eq!(r.says, "in sync");
        assert_eq!(r.feeds[0].pushed_by, "Okta");
        assert!(r.feeds[0].member);
        assert!(e.steps.iter().any(|s| {
            s.contains("Assigned to the \"Statsig SCIM\" app; the Statsig account is s1")
        }));
    }

    #[test]
    fn added_at_the_next_push_when_statsig_does_not_have_her_yet() {
        let dir = world();
        let m = okta(mapping("m1", "g2", "Ops", MappingStatus::Active), true);
        let e = trace(&dir, &[m], "ada@example.com", None);
        let r = &e.roles[0];
        assert_eq!(
            r.verdict,
            Verdict::AddedAtNextPush {
                since: Some("2026-05-31T08:00:00.000Z".into())
            }
        );
        assert_eq!(
            r.says,
            "added at Okta's next push, pending since 2026-05-31 08:00:00 UTC"
        );
        assert_eq!(
            r.action,
            Some(NextAction::Push {
                mapping_id: "m1".into()
            })
        );
    }

    #[test]
    fn a_member_not_assigned_to_the_app_is_not_pushed_and_told_why() {
        let dir = world();
        let m = okta(mapping("m1", "g1", "Pay", MappingStatus::Active), false);
        let e = trace(&dir, &[m], "bob@example.com", None);
        assert!(e.steps.iter().any(|s| {
            s.contains("Not assigned to the \"Statsig SCIM\" app in Okta: Okta skips them")
        }));
        let r = &e.roles[0];
        assert_eq!(r.says, "not pushed: not assigned to the Statsig app");
        assert!(
            r.next.contains("Applications > Statsig SCIM > Assignments"),
            "{}",
            r.next
        );
        let cy = trace(
            &dir,
            &[okta(
                mapping("m1", "g1", "Pay", MappingStatus::Active),
                false,
            )],
            "cy@example.com",
            None,
        );
        assert_eq!(
            cy.roles[0].verdict,
            Verdict::NotPushed {
                reason: SkipReason::InactiveInOkta {
                    status: "DEPROVISIONED".into()
                }
            }
        );
    }

    #[test]
    fn an_inactive_or_failing_mapping_is_the_verdict_with_its_button() {
        let dir = world();
        let e = trace(
            &dir,
            &[mapping("m1", "g2", "Ops", MappingStatus::Inactive)],
            "ada@example.com",
            None,
        );
        assert_eq!(e.roles[0].says, "the mapping is Inactive");
        assert_eq!(
            e.roles[0].action,
            Some(NextAction::Activate {
                mapping_id: "m1".into()
            })
        );
        let err = MappingStatus::Error {
            at: "t".into(),
            cause: "500".into(),
            request: None,
            fix: None,
        };
        let e = trace(
            &dir,
            &[mapping("m1", "g2", "Ops", err)],
            "ada@example.com",
            None,
        );
        assert_eq!(e.roles[0].verdict, Verdict::MappingError);
        assert_eq!(
            e.roles[0].action,
            Some(NextAction::Push {
                mapping_id: "m1".into()
            })
        );
    }

    #[test]
    fn by_hand_and_no_mapping_and_not_a_member() {
        let dir = world();
        // Ada is in Statsig's Pay; the mapping feeds Pay from g3, which does not hold Ada.
        let m = mapping("m1", "g3", "Pay", MappingStatus::Active);
        let e = trace(&dir, std::slice::from_ref(&m), "ada@example.com", None);
        assert_eq!(
            e.roles[0].says,
            "in Statsig by hand: Okta removes them at its next full push"
        );
        assert_eq!(
            e.roles[0].action,
            Some(NextAction::AddToGroup {
                okta_group_id: "g3".into(),
                okta_user_id: "o1".into()
            })
        );
        let e = trace(&dir, &[m], "ada@example.com", Some(("checkout", "ops")));
        assert_eq!(e.roles.len(), 1);
        assert_eq!(e.roles[0].verdict, Verdict::NoMapping);
        let e = trace(
            &dir,
            &[mapping("m2", "g3", "Ops", MappingStatus::Active)],
            "bob@example.com",
            Some(("Checkout", "Ops")),
        );
        assert_eq!(e.roles[0].verdict, Verdict::NotAMember);
        let none = trace(&dir, &[], "bob@example.com", None);
        assert!(none.roles.is_empty(), "no role Okta feeds concerns him");
    }

    #[test]
    fn without_statsig_the_trace_says_its_side_is_unknown() {
        let mut dir = world();
        dir.statsig_read = false;
        let m = mapping("m1", "g2", "Ops", MappingStatus::Active);
        let e = trace(&dir, &[m], "ada@example.com", None);
        assert_eq!(e.roles[0].verdict, Verdict::StatsigUnknown);
        assert_eq!(e.roles[0].in_statsig, None);
    }
}
