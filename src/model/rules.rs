//! The rules every side applies the same way, held once: which Statsig group a mapping
//! may target, what a new team's group is called, when the deletion guard stops a push,
//! and the word an admin types to confirm. The engine enforces them, the CLI and the UI
//! preview them; a preview and the real push therefore never disagree.

use super::directory::Directory;
use super::mapping::{Guard, Mapping, PushAction};
use super::member::MemberList;
use super::names::{self, NameError, NameReading, ParsedName, Role};
use super::plan::Plan;
use super::text;

/// Why a mapping cannot be made as asked. Each is one sentence naming the group.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RuleError {
    /// The Okta group is not in the imported directory.
    #[error("Okta group {0} is not in the imported directory; import again.")]
    UnknownOktaGroup(String),
    /// The Statsig group is not in the imported directory.
    #[error("Statsig group {0} is not in the imported directory; import again.")]
    UnknownStatsigGroup(String),
    /// The target is a project-role group, not a team's.
    #[error("\"{name}\" is a project role group of \"{project}\"; push to a team group instead.")]
    ProjectRoleGroup {
        /// The group's name.
        name: String,
        /// Its project.
        project: String,
    },
    /// The target's name does not read as one team.
    #[error("\"{name}\" is not a usable team group: {problem}.")]
    NotATeam {
        /// The group's name, shown safely.
        name: String,
        /// Why not.
        problem: String,
    },
    /// The Okta group already feeds a Statsig group.
    #[error(
        "Okta group \"{okta_group}\" is already pushed to \"{statsig_group}\"; one Okta group maps to one Statsig group."
    )]
    OktaGroupTaken {
        /// The Okta group's name.
        okta_group: String,
        /// Where it is pushed.
        statsig_group: String,
    },
    /// The Statsig group is already fed by another Okta group.
    #[error(
        "\"{statsig_group}\" is already pushed from Okta group \"{okta_group}\"; a Statsig group is pushed from one Okta group only."
    )]
    StatsigGroupTaken {
        /// The Statsig group's name.
        statsig_group: String,
        /// The Okta group that feeds it.
        okta_group: String,
    },
    /// The new team's name is not valid.
    #[error("{}", capitalized(&.0.to_string()))]
    NewTeam(NameError),
    /// A team of that name already exists.
    #[error("\"{0}\" already exists in Statsig; use Link group instead.")]
    TeamExists(String),
    /// A mapping already pushes into a team of that name, made or still being made.
    #[error(
        "\"{name}\" is already the team of the mapping from \"{from}\" (made, or still being made); one mapping per team: unlink that one first, or choose another name."
    )]
    TeamMapped {
        /// The team group's name.
        name: String,
        /// The Okta group whose mapping pushes into it.
        from: String,
    },
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    let head = c
        .next()
        .map(|f| f.to_uppercase().collect::<String>())
        .unwrap_or_default();
    format!("{head}{}.", c.as_str())
}

/// The team a Statsig group belongs to, as far as its name says.
fn team_reading(dir: &Directory, statsig_group_id: &str) -> Option<NameReading> {
    dir.statsig_group_index(statsig_group_id)
        .and_then(|i| dir.parsed(i).reading())
}

/// "team \"Payments\" (Member) in project \"Checkout\"", or `group "<name>"`.
pub fn describe_target(dir: &Directory, statsig_group_id: &str, fallback_name: &str) -> String {
    match team_reading(dir, statsig_group_id) {
        Some(NameReading::Team {
            project,
            team,
            role,
        }) => format!("team \"{team}\" ({role}) in project \"{project}\""),
        _ => {
            let name = dir
                .statsig_group(statsig_group_id)
                .map(|g| g.display_name.as_str())
                .unwrap_or(fallback_name);
            format!("group \"{}\"", names::display_safe(name))
        }
    }
}

/// What deleting a Statsig group deletes, in words: a team-role group's DELETE deletes
/// the whole team (both its roles), so the sentence names the team and both roles.
pub fn describe_deletion(dir: &Directory, statsig_group_id: &str, fallback_name: &str) -> String {
    match team_reading(dir, statsig_group_id) {
        Some(NameReading::Team { project, team, .. }) => {
            format!("team \"{team}\" in project \"{project}\" (both its Admin and Member roles)")
        }
        _ => describe_target(dir, statsig_group_id, fallback_name),
    }
}

/// The word an admin types to confirm a destructive step on a Statsig group: the team's
/// name, else the group's name. Compared exactly (case matters).
pub fn confirmation_word(dir: &Directory, statsig_group_id: &str, fallback_name: &str) -> String {
    match team_reading(dir, statsig_group_id) {
        Some(NameReading::Team { team, .. }) => team,
        _ => match dir.statsig_group(statsig_group_id) {
            Some(g) => g.display_name.clone(),
            // Not read yet (a team Okta is about to create): its name says which team.
            None => match names::parse_group_name(fallback_name, &dir.projects) {
                ParsedName::Team { team, .. } => team,
                _ => fallback_name.to_string(),
            },
        },
    }
}

/// What the admin typed against the confirmation word: `None` when it matches.
pub fn confirmation_mismatch(word: &str, typed: &str) -> Option<String> {
    if typed == word {
        None
    } else if typed.is_empty() {
        Some("Type the team name to confirm.".to_string())
    } else if typed.eq_ignore_ascii_case(word) || typed.trim() == word {
        Some("The name must match exactly, with the same capitals and no extra spaces.".into())
    } else {
        Some("That is not the team's name.".to_string())
    }
}

/// Removals the deletion guard holds until the admin confirms them (a push's adds are
/// never held by it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardStop {
    /// The Okta group pushed.
    pub okta_group: String,
    /// The Statsig side, described ("team \"Payments\" (Member) in project \"Checkout\"").
    pub target: String,
    /// Members the plan removes.
    pub removals: usize,
    /// Members the team role has now.
    pub members: usize,
    /// Who would be removed (emails), in list order.
    pub names: Vec<String>,
    /// Members added by the same push, which went ahead (0 in a preview).
    pub added: usize,
    /// The word the admin types to allow it.
    pub word: String,
    /// The limits in force.
    pub guard: Guard,
}

impl std::fmt::Display for GuardStop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Pushing \"{}\" would remove {} of the {} members of {} ({}), more than the deletion guard allows ({}); no one is removed until the removals are confirmed.",
            self.okta_group,
            self.removals,
            self.members,
            self.target,
            text::names(&self.names, 5),
            self.guard.describe()
        )?;
        if self.added > 0 {
            write!(
                f,
                " The {} to add {} added.",
                text::plural(self.added, "member"),
                text::was(self.added)
            )?;
        }
        Ok(())
    }
}

/// Whether `plan`'s removals may go ahead with `allowed_removals` confirmed by the admin:
/// the guard's stop when they may not.
pub fn check_guard(
    guard: Guard,
    dir: &Directory,
    plan: &Plan,
    okta_group_name: &str,
    allowed_removals: usize,
) -> Option<GuardStop> {
    check_removals(
        guard,
        dir,
        plan,
        &plan.removes,
        okta_group_name,
        allowed_removals,
    )
}

/// Whether removing `removes` from `plan`'s team role may go ahead with `allowed_removals`
/// confirmed (the guard judges removals alone): its stop when it may not.
pub fn check_removals(
    guard: Guard,
    dir: &Directory,
    plan: &Plan,
    removes: &MemberList,
    okta_group_name: &str,
    allowed_removals: usize,
) -> Option<GuardStop> {
    let removals = removes.len();
    let members = plan.removes.len() + plan.unchanged.len();
    if removals <= allowed_removals || !guard.trips(removals, members) {
        return None;
    }
    Some(GuardStop {
        okta_group: okta_group_name.to_string(),
        target: describe_target(dir, &plan.statsig_group_id, &plan.statsig_group_name),
        removals,
        members,
        names: removes.iter().map(|m| m.display.to_string()).collect(),
        added: 0,
        word: confirmation_word(dir, &plan.statsig_group_id, &plan.statsig_group_name),
        guard,
    })
}

/// After a failed push: whether pushing again as it is may work, or what to change first.
/// One classification for the window, the command line and *Retry all*, in both push
/// modes (Okta's `errorSummary`, or Statsig's SCIM error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextStep {
    /// A retry may work: a timeout, no answer, a rate limit (429), a server error (5xx).
    Retry,
    /// A retry sends the same and fails the same; the sentence says what to do instead.
    Change(String),
}

impl NextStep {
    /// What to change first, or `None` when a retry may work.
    pub fn fix(self) -> Option<String> {
        match self {
            NextStep::Retry => None,
            NextStep::Change(s) => Some(s),
        }
    }
}

/// The next step for a team deleted in Statsig.
pub const RECREATE: &str =
    "The team no longer exists in Statsig: Unlink with Leave, then Create to make it anew.";

/// The next step after a failure, from the HTTP status when known and the service's
/// words (Okta's `errorSummary` has only words, such as "Statsig answered 400" or "Bad
/// Request").
pub fn next_step(status: Option<u16>, words: &str) -> NextStep {
    let status = status.or_else(|| status_in(words));
    let lower = words.to_lowercase();
    let has = |w: &[&str]| w.iter().any(|x| lower.contains(x));
    let change = |s: &str| NextStep::Change(s.to_string());
    match status {
        Some(429 | 500..=599) => NextStep::Retry,
        Some(404) => change(RECREATE),
        _ if has(&["no longer exists", "deleted in statsig"]) => change(RECREATE),
        _ if has(&["not assigned"]) => change(
            "Okta pushes only members assigned to the Statsig app: assign them in Okta, then push again.",
        ),
        Some(400 | 409 | 422) if has(&["name", "uniqueness", "already exists"]) => {
            change("Statsig refuses this team name: Unlink, then Create with a valid name.")
        }
        Some(401 | 403) => {
            change("The token was refused or may not do this: fix it in Settings, then push again.")
        }
        Some(400..=499) => change(
            "Statsig refused the request as sent, and a retry sends the same: change what the cause names first.",
        ),
        _ => NextStep::Retry,
    }
}

/// An HTTP status a sentence names: "answered 400", "HTTP 503", or its reason phrase.
fn status_in(words: &str) -> Option<u16> {
    let lower = words.to_lowercase();
    for key in ["answered ", "status ", "http "] {
        for (i, _) in lower.match_indices(key) {
            let code: String = lower[i + key.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if code.len() == 3
                && let Ok(n) = code.parse()
            {
                return Some(n);
            }
        }
    }
    [
        ("bad request", 400),
        ("unauthorized", 401),
        ("forbidden", 403),
        ("not found", 404),
        ("conflict", 409),
        ("too many requests", 429),
        ("rate limit", 429),
        ("internal server error", 500),
        ("bad gateway", 502),
        ("service unavailable", 503),
        ("gateway timeout", 504),
    ]
    .iter()
    .find(|(phrase, _)| lower.contains(phrase))
    .map(|(_, n)| *n)
}

/// The mapping that pushes this Okta group, if any.
pub fn pushed_from<'a>(mappings: &'a [Mapping], okta_group_id: &str) -> Option<&'a Mapping> {
    mappings.iter().find(|m| m.okta_group_id == okta_group_id)
}

/// The mapping that pushes into this Statsig group, if any.
pub fn pushing_to<'a>(mappings: &'a [Mapping], statsig_group_id: &str) -> Option<&'a Mapping> {
    mappings
        .iter()
        .find(|m| m.statsig_group_id == statsig_group_id)
}

/// Checks that `okta_group_id` may be pushed at all (known, not pushed yet).
pub fn check_source(
    dir: &Directory,
    mappings: &[Mapping],
    okta_group_id: &str,
) -> Result<(), RuleError> {
    let okta = dir
        .okta_group(okta_group_id)
        .ok_or_else(|| RuleError::UnknownOktaGroup(okta_group_id.to_string()))?;
    if let Some(m) = pushed_from(mappings, okta_group_id) {
        return Err(RuleError::OktaGroupTaken {
            okta_group: okta.name.clone(),
            statsig_group: m.statsig_group_name.clone(),
        });
    }
    Ok(())
}

/// Whether `m`'s Statsig team is still to be made by its first push: a Create not pushed
/// yet, or a mapping never pushed that has no Statsig group (Okta makes it then).
pub fn team_unmade(m: &Mapping) -> bool {
    m.last_push.is_none() && (m.action == PushAction::Create || m.statsig_group_id.is_empty())
}

/// Whether the Statsig team `m` pushes into is gone: Statsig was read and has no such
/// group, and it is not one still to be made (see [`team_unmade`]).
pub fn team_gone(dir: &Directory, m: &Mapping) -> bool {
    !team_unmade(m) && dir.statsig_read && dir.statsig_group(&m.statsig_group_id).is_none()
}

/// Checks that `okta_group_id` → `statsig_group_id` may become a mapping ("Link group").
pub fn check_link(
    dir: &Directory,
    mappings: &[Mapping],
    okta_group_id: &str,
    statsig_group_id: &str,
) -> Result<(), RuleError> {
    let idx = dir
        .statsig_group_index(statsig_group_id)
        .ok_or_else(|| RuleError::UnknownStatsigGroup(statsig_group_id.to_string()))?;
    let target = &dir.statsig_groups[idx];
    match dir.parsed(idx) {
        ParsedName::Team { .. } => {}
        ParsedName::Project { project, .. } => {
            return Err(RuleError::ProjectRoleGroup {
                name: target.display_name.clone(),
                project: project.clone(),
            });
        }
        other => {
            return Err(RuleError::NotATeam {
                name: names::display_safe(&target.display_name),
                problem: other
                    .problem()
                    .unwrap_or_else(|| "it is not a Statsig group".into()),
            });
        }
    }
    check_source(dir, mappings, okta_group_id)?;
    if let Some(m) = pushing_to(mappings, statsig_group_id) {
        return Err(RuleError::StatsigGroupTaken {
            statsig_group: target.display_name.clone(),
            okta_group: m.okta_group_name.clone(),
        });
    }
    Ok(())
}

/// Checks a new team ("Create group") and returns its Member group's name.
pub fn check_create(
    dir: &Directory,
    mappings: &[Mapping],
    okta_group_id: &str,
    project: &str,
    team: &str,
) -> Result<String, RuleError> {
    let name = unclaimed_team_name(dir, mappings, project, team)?;
    check_source(dir, mappings, okta_group_id)?;
    Ok(name)
}

/// [`new_team_name`], and no mapping already pushes into a team of that name, made or still
/// being made (Okta may not have made it yet, or the app not read it back): two Creates of
/// one name would both push into one team.
pub fn unclaimed_team_name(
    dir: &Directory,
    mappings: &[Mapping],
    project: &str,
    team: &str,
) -> Result<String, RuleError> {
    let name = new_team_name(dir, project, team)?;
    if let Some(m) = mappings
        .iter()
        .find(|m| m.statsig_group_name.eq_ignore_ascii_case(&name))
    {
        return Err(RuleError::TeamMapped {
            name: m.statsig_group_name.clone(),
            from: m.okta_group_name.clone(),
        });
    }
    Ok(name)
}

/// The `Statsig-<Project>-<Team>-Member` name of a new team, checked: valid, reading back
/// as exactly this team, and not taken.
pub fn new_team_name(dir: &Directory, project: &str, team: &str) -> Result<String, RuleError> {
    let name = names::validate_new_team(project, team, Role::Member, &dir.projects)
        .map_err(RuleError::NewTeam)?;
    if let Some(g) = dir.statsig_group_by_name(&name) {
        return Err(RuleError::TeamExists(g.display_name.clone()));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::directory::tests::{og, ou, sg, su};
    use crate::model::mapping::{MappingStatus, PushAction};
    use crate::model::plan::plan_push;

    fn dir() -> Directory {
        Directory::new(
            vec!["Checkout".into(), "Mobile".into(), "Mobile-Payments".into()],
            vec!["example.com".into()],
            (0..10)
                .map(|i| su(&format!("s{i}"), &format!("u{i}@example.com")))
                .collect(),
            vec![
                sg(
                    "g1",
                    "Statsig-Checkout-Payments-Member",
                    &["s0", "s1", "s2", "s3", "s4"],
                ),
                sg("g2", "Statsig-Checkout-Admin", &[]),
                sg("g3", "Statsig-Mobile-Payments-Admin", &[]),
            ],
            (0..10)
                .map(|i| ou(&format!("o{i}"), &format!("u{i}@example.com"), "ACTIVE"))
                .collect(),
            vec![og("og1", "Payments", &["o0"]), og("og2", "Other", &[])],
        )
    }

    #[test]
    fn deleting_a_team_role_group_is_described_as_the_whole_team_with_both_roles() {
        let d = dir();
        let said = describe_deletion(&d, "g1", "Statsig-Checkout-Payments-Member");
        assert_eq!(
            said,
            "team \"Payments\" in project \"Checkout\" (both its Admin and Member roles)"
        );
        assert!(!said.contains("(Member)"), "{said}");
        // A group whose name is no team's is named as the group.
        let unread = describe_deletion(&d, "gone", "Contractors");
        assert_eq!(unread, "group \"Contractors\"");
    }

    fn mapping(okta: &str, statsig: &str) -> Mapping {
        Mapping {
            id: "m1".into(),
            okta_group_id: okta.into(),
            okta_group_name: "Payments".into(),
            statsig_group_id: statsig.into(),
            statsig_group_name: "Statsig-Checkout-Payments-Member".into(),
            action: PushAction::Link,
            status: MappingStatus::Active,
            created: String::new(),
            last_push: None,
            last_counts: None,
            last_pushed_members: vec![],
            drift: None,
            remote: None,
        }
    }

    #[test]
    fn only_team_groups_that_nobody_pushes_can_be_linked() {
        let d = dir();
        assert_eq!(check_link(&d, &[], "og1", "g1"), Ok(()));
        assert!(matches!(
            check_link(&d, &[], "og1", "g2"),
            Err(RuleError::ProjectRoleGroup { .. })
        ));
        assert!(matches!(
            check_link(&d, &[], "og1", "g3"),
            Err(RuleError::NotATeam { .. })
        ));
        let taken = [mapping("og1", "g1")];
        assert!(matches!(
            check_link(&d, &taken, "og1", "g1"),
            Err(RuleError::OktaGroupTaken { .. })
        ));
        let e = check_link(&d, &taken, "og2", "g1").unwrap_err();
        assert_eq!(
            e.to_string(),
            "\"Statsig-Checkout-Payments-Member\" is already pushed from Okta group \"Payments\"; a Statsig group is pushed from one Okta group only."
        );
    }

    #[test]
    fn a_new_team_is_named_checked_and_not_taken() {
        let d = dir();
        assert_eq!(
            check_create(&d, &[], "og2", "Checkout", "Fraud").unwrap(),
            "Statsig-Checkout-Fraud-Member"
        );
        assert_eq!(
            check_create(&d, &[], "og2", "Checkout", "Payments"),
            Err(RuleError::TeamExists(
                "Statsig-Checkout-Payments-Member".into()
            ))
        );
        assert_eq!(
            check_create(&d, &[], "og2", "Checkout", " ")
                .unwrap_err()
                .to_string(),
            "Type a team name."
        );
    }

    #[test]
    fn a_team_a_mapping_is_still_creating_is_not_created_twice() {
        let d = dir();
        // Okta has not made "Fraud" yet: its mapping has no Statsig group id.
        let creating = [Mapping {
            statsig_group_name: "Statsig-Checkout-Fraud-Member".into(),
            action: PushAction::Create,
            ..mapping("og1", "")
        }];
        let e = check_create(&d, &creating, "og2", "Checkout", "fraud").unwrap_err();
        assert_eq!(
            e.to_string(),
            "\"Statsig-Checkout-Fraud-Member\" is already the team of the mapping from \"Payments\" (made, or still being made); one mapping per team: unlink that one first, or choose another name."
        );
        assert!(check_create(&d, &creating, "og2", "Checkout", "Risk").is_ok());
    }

    #[test]
    fn the_guard_names_the_team_and_its_limits_and_confirmation_is_exact() {
        let d = dir();
        let plan = plan_push(&d, "og1", "g1", 100).unwrap();
        assert_eq!(plan.removes.len(), 4);
        let stop = check_guard(Guard::default(), &d, &plan, "Payments", 0).unwrap();
        assert_eq!(stop.word, "Payments");
        assert_eq!(
            stop.to_string(),
            "Pushing \"Payments\" would remove 4 of the 5 members of team \"Payments\" (Member) in project \"Checkout\" (u1@example.com, u2@example.com, u3@example.com and u4@example.com), more than the deletion guard allows (more than 10 members, or more than 20% of a team role once more than 2 go); no one is removed until the removals are confirmed."
        );
        assert_eq!(
            check_guard(Guard::default(), &d, &plan, "Payments", 4),
            None
        );
        assert_eq!(confirmation_mismatch("Payments", "Payments"), None);
        assert!(
            confirmation_mismatch("Payments", "payments")
                .unwrap()
                .contains("same capitals")
        );
        assert!(confirmation_mismatch("Payments", "").is_some());
    }

    #[test]
    fn what_a_retry_may_fix_is_told_apart_from_what_needs_a_change() {
        // Okta's errorSummary of Statsig refusing a team name (the sandbox's words).
        let refused = "Failed on 2026-01-05T09:00:00Z: Unable to push group \"Statsig-Growth Lab-Experiments-Member\" to Statsig SCIM: Statsig answered 400 when creating the group: \"Statsig-Growth Lab-Experiments-Member\" is not a valid team name";
        assert!(
            next_step(None, refused)
                .fix()
                .unwrap()
                .contains("Create with a valid name")
        );
        assert_eq!(
            next_step(
                None,
                "Unable to push group: Error while creating user group: Bad Request. Errors reported by remote server: invalid displayName"
            ),
            next_step(Some(400), "invalid displayName"),
        );
        assert_eq!(
            next_step(Some(404), "gone").fix().as_deref(),
            Some(RECREATE)
        );
        assert!(
            next_step(None, "Jo is not assigned to the Statsig app")
                .fix()
                .unwrap()
                .contains("assign")
        );
        for retry in [
            next_step(Some(429), "slow down"),
            next_step(Some(503), "unavailable"),
            next_step(
                None,
                "Statsig SCIM did not answer PATCH /Groups/g1: timed out",
            ),
            next_step(None, "Unable to push group: Too Many Requests"),
        ] {
            assert_eq!(retry, NextStep::Retry);
        }
        assert!(
            next_step(Some(401), "bad token")
                .fix()
                .unwrap()
                .contains("Settings")
        );
    }

    #[test]
    fn the_confirmation_word_of_a_team_not_read_yet_comes_from_its_name() {
        let d = dir();
        assert_eq!(confirmation_word(&d, "g1", "ignored"), "Payments");
        // A team Okta is about to create: not in the directory, its name says which team.
        assert_eq!(
            confirmation_word(&d, "not-yet", "Statsig-Checkout-Growth-Member"),
            "Growth"
        );
        assert_eq!(confirmation_word(&d, "not-yet", "Loose name"), "Loose name");
        assert_eq!(
            confirmation_mismatch("Payments", "Payments ").as_deref(),
            Some("The name must match exactly, with the same capitals and no extra spaces.")
        );
        assert_eq!(
            confirmation_mismatch("Payments", "Billing").as_deref(),
            Some("That is not the team's name.")
        );
    }

    #[test]
    fn the_guards_sentence_says_the_adds_went_ahead_only_when_there_were_some() {
        let d = dir();
        let plan = plan_push(&d, "og1", "g1", 100).unwrap();
        let mut stop = check_guard(Guard::default(), &d, &plan, "Payments", 0).unwrap();
        assert!(!stop.to_string().contains("to add"));
        stop.added = 2;
        assert!(
            stop.to_string()
                .ends_with(" The 2 members to add were added."),
            "{stop}"
        );
    }

    #[test]
    fn each_refusal_gets_its_own_next_step() {
        assert_eq!(
            next_step(None, "the team was deleted in Statsig")
                .fix()
                .as_deref(),
            Some(RECREATE)
        );
        let generic = next_step(Some(400), "invalid filter").fix().unwrap();
        assert!(generic.contains("a retry sends the same"), "{generic}");
        assert!(!generic.contains("team name"), "{generic}");
        assert_eq!(
            next_step(Some(422), "unprocessable").fix().unwrap(),
            generic
        );
        assert!(
            next_step(Some(409), "a group with this name already exists")
                .fix()
                .unwrap()
                .contains("valid name")
        );
    }
}
