//! Pushing many groups at once: the team groups an Okta group most plausibly feeds (the
//! Push dialog's match result), and push rules (a filter over Okta groups plus how each
//! match is pushed) with the preview of every mapping a rule would make. Pure: the
//! engine applies a preview's rows, the CLI and the UI show the same rows.

use super::directory::Directory;
use super::mapping::{Guard, Mapping};
use super::names::{self, Role};
use super::plan::plan_push;
use super::records::OktaGroup;
use super::rules::{self, GuardStop};
use serde::{Deserialize, Serialize};

/// How a rule's text is matched against an Okta group's name (case-insensitive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameMatch {
    /// The name starts with the text.
    StartsWith,
    /// The name contains the text.
    Contains,
    /// The whole name matches a pattern: `*` any run of characters, `?` one character.
    Pattern,
}

impl NameMatch {
    /// How the admin reads it: "starts with".
    pub fn label(self) -> &'static str {
        match self {
            NameMatch::StartsWith => "starts with",
            NameMatch::Contains => "contains",
            NameMatch::Pattern => "matches the pattern",
        }
    }
}

/// How each match is pushed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "push")]
pub enum RuleAction {
    /// Link to the Member group of the team the group's name maps to, in `project` when
    /// given, else in whichever project has a team of that name (only one may).
    Link {
        /// The project to look in, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        project: Option<String>,
    },
    /// Create `Statsig-<project>-<derived team>-Member`.
    Create {
        /// The project the new teams go into.
        project: String,
    },
}

/// A push rule: which Okta groups, and how each is pushed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushRule {
    /// Short id ("r1").
    pub id: String,
    /// The admin's name for it.
    pub name: String,
    /// How `text` is matched.
    pub how: NameMatch,
    /// The text or pattern.
    pub text: String,
    /// Only Okta groups of this type ("OKTA_GROUP"), when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// How each match is pushed.
    pub action: RuleAction,
    /// Create the mappings of new matches without asking (never past the guard).
    #[serde(default)]
    pub auto_create: bool,
}

/// Why a rule cannot be saved, as one sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleProblem {
    /// No text to match.
    #[error("The rule needs the text that group names {0}.")]
    NoText(&'static str),
    /// A pattern of only wildcards matches every group.
    #[error("The pattern \"{0}\" matches every group; give some of the name.")]
    MatchesAll(String),
    /// The project is not one of the organization's.
    #[error("\"{0}\" is not one of the Statsig organization's projects.")]
    UnknownProject(String),
    /// Two rules of one name.
    #[error("A rule named \"{0}\" exists already.")]
    NameTaken(String),
    /// No name.
    #[error("The rule needs a name.")]
    NoName,
}

impl PushRule {
    /// Checks the rule against the directory and the other rules.
    pub fn check(&self, dir: &Directory, others: &[PushRule]) -> Result<(), RuleProblem> {
        if self.name.trim().is_empty() {
            return Err(RuleProblem::NoName);
        }
        if others
            .iter()
            .any(|r| r.id != self.id && r.name.eq_ignore_ascii_case(self.name.trim()))
        {
            return Err(RuleProblem::NameTaken(self.name.trim().to_string()));
        }
        if self.text.trim().is_empty() {
            return Err(RuleProblem::NoText(self.how.label()));
        }
        if self.how == NameMatch::Pattern && self.text.chars().all(|c| c == '*' || c == '?') {
            return Err(RuleProblem::MatchesAll(self.text.clone()));
        }
        let project = match &self.action {
            RuleAction::Link { project } => project.as_deref(),
            RuleAction::Create { project } => Some(project.as_str()),
        };
        if let Some(p) = project
            && !dir.projects.iter().any(|q| q == p)
        {
            return Err(RuleProblem::UnknownProject(p.to_string()));
        }
        Ok(())
    }

    /// Whether `group` is one of the rule's: its type, and its name matched.
    pub fn matches(&self, group: &OktaGroup) -> bool {
        self.kind.as_ref().is_none_or(|k| k == &group.kind) && self.captured(&group.name).is_some()
    }

    /// What of `name` the rule leaves for the team (see [`Self::derived_team`]), when the
    /// name matches.
    fn captured<'a>(&self, name: &'a str) -> Option<std::borrow::Cow<'a, str>> {
        let text = self.text.trim();
        match self.how {
            NameMatch::StartsWith => {
                let head = name.get(..text.len())?;
                head.eq_ignore_ascii_case(text)
                    .then(|| name[text.len()..].into())
            }
            NameMatch::Contains => {
                let at = name.to_lowercase().find(&text.to_lowercase())?;
                // Lower-casing may change byte lengths; fall back to the name as it is.
                let cut = name
                    .get(..at)
                    .zip(name.get(at + text.len()..))
                    .map(|(a, b)| format!("{a} {b}"));
                Some(cut.map_or(name.into(), Into::into))
            }
            NameMatch::Pattern => glob(text, name).map(Into::into),
        }
    }

    /// The team a matched group maps to, by the stated convention: what the rule's text
    /// leaves of the group's name (after the prefix for "starts with", without the text
    /// for "contains", what the first `*` matched for a pattern), with spaces, hyphens,
    /// underscores and colons trimmed from both ends and runs of spaces made one.
    pub fn derived_team(&self, group_name: &str) -> Option<String> {
        let rest = self.captured(group_name)?;
        let team = rest
            .trim_matches(|c: char| c.is_whitespace() || matches!(c, '-' | '_' | ':'))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        Some(team)
    }

    /// "name starts with \"Team \" -> link to the team of that name".
    pub fn describe(&self) -> String {
        let kind = self
            .kind
            .as_ref()
            .map(|k| format!(" ({k})"))
            .unwrap_or_default();
        let push = match &self.action {
            RuleAction::Link { project: Some(p) } => {
                format!("link to the team of that name in {p}")
            }
            RuleAction::Link { project: None } => "link to the team of that name".to_string(),
            RuleAction::Create { project } => format!("create the team in {project}"),
        };
        format!(
            "Okta groups{kind} whose name {} \"{}\" -> {push}{}",
            self.how.label(),
            self.text,
            if self.auto_create {
                "; new matches are created automatically"
            } else {
                ""
            }
        )
    }
}

/// `*` and `?` over the whole of `name`, any case; what the first `*` matched.
fn glob<'a>(pattern: &str, name: &'a str) -> Option<&'a str> {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let n: Vec<(usize, char)> = name
        .char_indices()
        .flat_map(|(i, c)| c.to_lowercase().map(move |l| (i, l)))
        .collect();
    // Classic backtracking over the last star, remembering where the first star's run is.
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    let mut first: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni].1) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ni));
            if first.is_none_or(|(fp, _)| fp == pi) {
                first = Some((pi, ni));
            }
            pi += 1;
        } else if let Some((sp, sn)) = star {
            pi = sp + 1;
            ni = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return None;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        if first.is_none() {
            first = Some((pi, ni));
        }
        pi += 1;
    }
    if pi != p.len() {
        return None;
    }
    let Some((fp, start)) = first else {
        return Some(name);
    };
    // The first star's run ends where the pattern after it starts matching: re-match the
    // rest of the pattern from each end point, shortest first.
    let byte = |k: usize| n.get(k).map_or(name.len(), |(i, _)| *i);
    let rest: String = p[fp + 1..].iter().collect();
    (start..=n.len())
        .find(|&end| glob_tail(&rest, &name[byte(end)..]))
        .map(|end| &name[byte(start)..byte(end)])
}

/// Whether `pattern` matches all of `name` (any case).
fn glob_tail(pattern: &str, name: &str) -> bool {
    if pattern.is_empty() {
        return name.is_empty();
    }
    if !pattern.contains('*') && !pattern.contains('?') {
        return pattern == name.to_lowercase();
    }
    glob(pattern, name).is_some()
}

/// Where one matched group would be pushed, or why it is not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowTarget {
    /// Link to an existing team group.
    Link {
        /// Its id.
        statsig_group_id: String,
        /// Its name.
        statsig_group_name: String,
    },
    /// Create a new team.
    Create {
        /// The project.
        project: String,
        /// The team.
        team: String,
        /// The new Member group's name.
        name: String,
    },
    /// Skipped, with the reason.
    Skip(String),
}

/// One mapping a rule would make, with its plan and guard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleRow {
    /// The Okta group.
    pub okta_group_id: String,
    /// Its name.
    pub okta_group_name: String,
    /// Where it goes.
    pub target: RowTarget,
    /// Members the push adds (all pushable members for a new team); `None` when Statsig
    /// was not read.
    pub adds: Option<usize>,
    /// Members the push removes.
    pub removes: Option<usize>,
    /// Members that cannot be pushed.
    pub cannot: usize,
    /// The deletion guard's stop, when it would stop this push.
    pub guard: Option<GuardStop>,
}

impl RuleRow {
    /// Whether it can be applied as it is (a target, and the guard lets it through).
    pub fn ready(&self) -> bool {
        !matches!(self.target, RowTarget::Skip(_)) && self.guard.is_none()
    }

    /// The target's name, or the reason it is skipped.
    pub fn target_text(&self) -> &str {
        match &self.target {
            RowTarget::Link {
                statsig_group_name, ..
            } => statsig_group_name,
            RowTarget::Create { name, .. } => name,
            RowTarget::Skip(why) => why,
        }
    }
}

/// Every mapping `rule` would make now: one row per matching Okta group (imported app
/// groups and groups of other types excepted), sorted by group name.
pub fn preview(
    dir: &Directory,
    mappings: &[Mapping],
    all: &[PushRule],
    rule: &PushRule,
    guard: Guard,
) -> Vec<RuleRow> {
    let mut rows: Vec<RuleRow> = dir
        .okta_groups
        .iter()
        .filter(|g| dir.app.group(&g.id).is_none() && rule.matches(g))
        .map(|g| row(dir, mappings, all, rule, guard, g))
        .collect();
    rows.sort_by(|a, b| a.okta_group_name.cmp(&b.okta_group_name));
    // Two matches that would go to one team: neither is pushed.
    let targets: Vec<String> = rows
        .iter()
        .filter_map(|r| match &r.target {
            RowTarget::Link {
                statsig_group_id, ..
            } => Some(statsig_group_id.clone()),
            RowTarget::Create { name, .. } => Some(name.clone()),
            RowTarget::Skip(_) => None,
        })
        .collect();
    for r in &mut rows {
        let key = match &r.target {
            RowTarget::Link {
                statsig_group_id, ..
            } => statsig_group_id.clone(),
            RowTarget::Create { name, .. } => name.clone(),
            RowTarget::Skip(_) => continue,
        };
        if targets.iter().filter(|t| **t == key).count() > 1 {
            r.target = RowTarget::Skip(format!(
                "another group of this rule maps to \"{}\" too; a team is pushed from one Okta group",
                r.target_text()
            ));
            r.guard = None;
        }
    }
    rows
}

fn row(
    dir: &Directory,
    mappings: &[Mapping],
    all: &[PushRule],
    rule: &PushRule,
    guard: Guard,
    g: &OktaGroup,
) -> RuleRow {
    let mut row = RuleRow {
        okta_group_id: g.id.clone(),
        okta_group_name: g.name.clone(),
        target: RowTarget::Skip(String::new()),
        adds: None,
        removes: None,
        cannot: 0,
        guard: None,
    };
    row.target = target(dir, mappings, all, rule, g);
    match &row.target {
        RowTarget::Link {
            statsig_group_id, ..
        } => {
            if let Ok(plan) = plan_push(dir, &g.id, statsig_group_id, 100) {
                row.cannot = plan.skipped.len();
                if dir.statsig_read {
                    row.adds = Some(plan.adds.len());
                    row.removes = Some(plan.removes.len());
                    row.guard = rules::check_guard(guard, dir, &plan, &g.name, 0);
                }
            }
        }
        RowTarget::Create { .. } => {
            if let Ok((members, skipped)) = super::plan::desired_members(dir, &g.id) {
                row.adds = Some(members.len());
                row.removes = Some(0);
                row.cannot = skipped.len();
            }
        }
        RowTarget::Skip(_) => {}
    }
    row
}

fn target(
    dir: &Directory,
    mappings: &[Mapping],
    all: &[PushRule],
    rule: &PushRule,
    g: &OktaGroup,
) -> RowTarget {
    if let Some(m) = rules::pushed_from(mappings, &g.id) {
        return RowTarget::Skip(format!("already pushed to \"{}\"", m.statsig_group_name));
    }
    if let Some(other) = all.iter().find(|r| r.id != rule.id && r.matches(g)) {
        return RowTarget::Skip(format!(
            "rule \"{}\" matches it too; one rule per group (narrow one of them)",
            other.name
        ));
    }
    let team = rule.derived_team(&g.name).unwrap_or_default();
    if team.is_empty() {
        return RowTarget::Skip("the rule leaves nothing of the name for a team".to_string());
    }
    match &rule.action {
        RuleAction::Create { project } => {
            match rules::check_create(dir, mappings, &g.id, project, &team) {
                Ok(name) => RowTarget::Create {
                    project: project.clone(),
                    team,
                    name,
                },
                Err(e) => RowTarget::Skip(sentence_part(&e.to_string())),
            }
        }
        RuleAction::Link { project } => link_target(dir, mappings, project.as_deref(), &team, g),
    }
}

fn link_target(
    dir: &Directory,
    mappings: &[Mapping],
    project: Option<&str>,
    team: &str,
    g: &OktaGroup,
) -> RowTarget {
    let found: Vec<(&String, &String, usize)> = dir
        .teams()
        .iter()
        .filter(|(p, _)| project.is_none_or(|q| q == p.as_str()))
        .flat_map(|(p, teams)| {
            teams
                .iter()
                .filter(|(t, _)| t.eq_ignore_ascii_case(team))
                .filter_map(move |(t, roles)| roles.member.map(|i| (p, t, i)))
        })
        .collect();
    match found.as_slice() {
        [] => RowTarget::Skip(match project {
            Some(p) => format!("no team named \"{team}\" in {p}"),
            None => format!("no team named \"{team}\""),
        }),
        [(_, _, i)] => {
            let sg = &dir.statsig_groups[*i];
            match rules::check_link(dir, mappings, &g.id, &sg.id) {
                Ok(()) => RowTarget::Link {
                    statsig_group_id: sg.id.clone(),
                    statsig_group_name: sg.display_name.clone(),
                },
                Err(e) => RowTarget::Skip(sentence_part(&e.to_string())),
            }
        }
        several => RowTarget::Skip(format!(
            "teams named \"{team}\" in {}; give the rule a project",
            several
                .iter()
                .map(|(p, _, _)| p.as_str())
                .collect::<Vec<_>>()
                .join(" and ")
        )),
    }
}

/// A sentence as a part of another: no capital, no full stop.
fn sentence_part(s: &str) -> String {
    let s = s.trim_end_matches('.');
    let mut c = s.chars();
    match (c.next(), c.clone().next()) {
        (Some(f), Some(n)) if !n.is_uppercase() => {
            f.to_lowercase().collect::<String>() + c.as_str()
        }
        _ => s.to_string(),
    }
}

/// A team group an Okta group plausibly feeds, with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// The team group's id.
    pub statsig_group_id: String,
    /// Its name.
    pub statsig_group_name: String,
    /// Why it is proposed.
    pub reason: String,
}

/// The team groups `okta_group_id` most plausibly feeds, best first: a team named exactly
/// like the group, then a team whose name the group's name contains (the longest first).
/// The Member group is proposed, the Admin group when the group's name says "admin".
/// Groups already pushed into are left out. Empty when nothing matches.
pub fn suggest(dir: &Directory, mappings: &[Mapping], okta_group_id: &str) -> Vec<Suggestion> {
    let Some(g) = dir.okta_group(okta_group_id) else {
        return Vec::new();
    };
    let name = g.name.to_lowercase();
    let role = if name.contains("admin") {
        Role::Admin
    } else {
        Role::Member
    };
    let mut found: Vec<(u8, usize, String, Suggestion)> = Vec::new();
    for (project, teams) in dir.teams() {
        for (team, roles) in teams {
            let t = team.to_lowercase();
            let rank = if t == name {
                0
            } else if t.chars().count() >= 3 && contains_word(&name, &t) {
                1
            } else {
                continue;
            };
            let Some(i) = (match role {
                Role::Admin => roles.admin,
                Role::Member => roles.member,
            }) else {
                continue;
            };
            let sg = &dir.statsig_groups[i];
            if rules::pushing_to(mappings, &sg.id).is_some() {
                continue;
            }
            let reason = if rank == 0 {
                format!("the team \"{team}\" in {project} has the group's name")
            } else {
                format!("the group's name contains \"{team}\", a team in {project}")
            };
            found.push((
                rank,
                usize::MAX - team.len(),
                format!("{project}/{team}"),
                Suggestion {
                    statsig_group_id: sg.id.clone(),
                    statsig_group_name: sg.display_name.clone(),
                    reason,
                },
            ));
        }
    }
    found.sort_by(|a, b| (a.0, a.1, &a.2).cmp(&(b.0, b.1, &b.2)));
    found.into_iter().map(|(_, _, _, s)| s).collect()
}

/// Whether `hay` contains `word` as whole words ("payments engineers" contains
/// "payments", not "pay").
fn contains_word(hay: &str, word: &str) -> bool {
    let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
    hay.match_indices(word).any(|(at, _)| {
        boundary(hay[..at].chars().next_back()) && boundary(hay[at + word.len()..].chars().next())
    })
}

/// A team name for `group_name` when nothing matches: its words, without characters a
/// team name cannot hold, for "Create group" in `project`; `None` when it would not be a
/// valid new team there.
pub fn team_for_new(dir: &Directory, project: &str, group_name: &str) -> Option<String> {
    let team = group_name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == ' ' || c == '&' {
                c
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    names::validate_new_team(project, &team, Role::Member, &dir.projects).ok()?;
    rules::new_team_name(dir, project, &team).ok()?;
    Some(team)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::directory::tests::{og, ou, sg, su};

    fn dir() -> Directory {
        dir_with(&[])
    }

    /// The directory below with more Okta groups.
    fn dir_with(more: &[OktaGroup]) -> Directory {
        let mut statsig_groups = vec![
            sg("p1", "Statsig-Checkout-Payments-Member", &["s1", "s2"]),
            sg("p2", "Statsig-Checkout-Payments-Admin", &["s1"]),
            sg("f1", "Statsig-Checkout-Fraud-Member", &["s1", "s2", "s3"]),
            sg("w1", "Statsig-Web-Payments-Member", &[]),
            sg("g1", "Statsig-Growth-Lab-Member", &[]),
        ];
        statsig_groups.push(sg("o1", "Statsig-Checkout-Ops-Member", &[]));
        Directory::new(
            vec!["Checkout".into(), "Web".into(), "Growth".into()],
            vec!["example.com".into()],
            (1..=4)
                .map(|i| su(&format!("s{i}"), &format!("u{i}@example.com")))
                .collect(),
            statsig_groups,
            (1..=4)
                .map(|i| ou(&format!("o{i}"), &format!("u{i}@example.com"), "ACTIVE"))
                .collect(),
            vec![
                og("a", "Team Fraud", &["o1"]),
                og("b", "Team Lab", &["o1", "o2"]),
                og("c", "Team Payments", &["o1"]),
                og("d", "Payments Engineers", &["o1", "o2"]),
                og("e", "Sales", &["o3"]),
                og("f", "Team Ops", &["o4"]),
            ]
            .into_iter()
            .chain(more.iter().cloned())
            .collect(),
        )
    }

    fn rule(how: NameMatch, text: &str, action: RuleAction) -> PushRule {
        PushRule {
            id: "r1".into(),
            name: "teams".into(),
            how,
            text: text.into(),
            kind: None,
            action,
            auto_create: false,
        }
    }

    #[test]
    fn the_derived_team_follows_the_stated_convention() {
        let starts = rule(
            NameMatch::StartsWith,
            "team ",
            RuleAction::Link { project: None },
        );
        assert_eq!(starts.derived_team("Team Fraud").as_deref(), Some("Fraud"));
        assert_eq!(starts.derived_team("Sales"), None);
        let contains = rule(
            NameMatch::Contains,
            "engineers",
            RuleAction::Link { project: None },
        );
        assert_eq!(
            contains.derived_team("Payments Engineers").as_deref(),
            Some("Payments")
        );
        let pattern = rule(
            NameMatch::Pattern,
            "team *",
            RuleAction::Link { project: None },
        );
        assert_eq!(pattern.derived_team("Team Ops").as_deref(), Some("Ops"));
        let pattern = rule(
            NameMatch::Pattern,
            "*-eng-*",
            RuleAction::Link { project: None },
        );
        assert_eq!(pattern.derived_team("web-eng-core").as_deref(), Some("web"));
        assert_eq!(pattern.derived_team("web-core"), None);
        let q = rule(
            NameMatch::Pattern,
            "t?am *",
            RuleAction::Link { project: None },
        );
        assert!(q.derived_team("Team Ops").is_some());
    }

    #[test]
    fn a_link_rule_previews_each_match_with_its_plan_and_skips_with_reasons() {
        let d = dir();
        let r = rule(
            NameMatch::StartsWith,
            "Team ",
            RuleAction::Link { project: None },
        );
        // No small-team floor: two of three is past the guard's share.
        let guard = Guard {
            small_removals: 0,
            ..Guard::default()
        };
        let rows = preview(&d, &[], std::slice::from_ref(&r), &r, guard);
        let by = |n: &str| rows.iter().find(|r| r.okta_group_name == n).unwrap();
        assert_eq!(rows.len(), 4, "Team Fraud, Lab, Payments, Ops");
        assert!(matches!(by("Team Fraud").target, RowTarget::Link { .. }));
        assert_eq!(by("Team Fraud").removes, Some(2));
        assert!(
            by("Team Fraud").guard.is_some(),
            "removing two of three trips the guard"
        );
        // "Payments" is a team in two projects: the rule must say which.
        assert!(
            by("Team Payments")
                .target_text()
                .contains("Checkout and Web")
        );
        assert!(matches!(by("Team Lab").target, RowTarget::Link { .. }));
        assert_eq!(by("Team Ops").adds, Some(1));
        assert!(by("Team Ops").ready());
        assert!(!by("Team Fraud").ready(), "stopped by the guard");
        assert!(!by("Team Payments").ready(), "skipped");
    }

    #[test]
    fn a_create_rule_names_new_teams_and_skips_existing_ones() {
        let d = dir();
        let r = rule(
            NameMatch::StartsWith,
            "Team ",
            RuleAction::Create {
                project: "Checkout".into(),
            },
        );
        let rows = preview(&d, &[], std::slice::from_ref(&r), &r, Guard::default());
        let lab = rows
            .iter()
            .find(|r| r.okta_group_name == "Team Lab")
            .unwrap();
        assert_eq!(
            lab.target,
            RowTarget::Create {
                project: "Checkout".into(),
                team: "Lab".into(),
                name: "Statsig-Checkout-Lab-Member".into()
            }
        );
        assert_eq!((lab.adds, lab.removes), (Some(2), Some(0)));
        let fraud = rows
            .iter()
            .find(|r| r.okta_group_name == "Team Fraud")
            .unwrap();
        assert!(fraud.target_text().contains("already exists"), "{fraud:?}");
    }

    #[test]
    fn two_rules_on_one_group_and_a_pushed_group_are_skipped_with_why() {
        let d = dir();
        let a = rule(
            NameMatch::StartsWith,
            "Team ",
            RuleAction::Link { project: None },
        );
        let mut b = rule(
            NameMatch::Contains,
            "ops",
            RuleAction::Link { project: None },
        );
        b.id = "r2".into();
        b.name = "ops".into();
        let all = vec![a.clone(), b];
        let rows = preview(&d, &[], &all, &a, Guard::default());
        let ops = rows
            .iter()
            .find(|r| r.okta_group_name == "Team Ops")
            .unwrap();
        assert!(ops.target_text().contains("rule \"ops\" matches it too"));
        let pushed = Mapping {
            id: "m1".into(),
            okta_group_id: "b".into(),
            okta_group_name: "Team Lab".into(),
            statsig_group_id: "g1".into(),
            statsig_group_name: "Statsig-Growth-Lab-Member".into(),
            action: crate::model::mapping::PushAction::Link,
            status: crate::model::mapping::MappingStatus::Active,
            created: String::new(),
            last_push: None,
            last_counts: None,
            last_pushed_members: vec![],
            drift: None,
            remote: None,
        };
        let rows = preview(
            &d,
            &[pushed],
            std::slice::from_ref(&a),
            &a,
            Guard::default(),
        );
        let lab = rows
            .iter()
            .find(|r| r.okta_group_name == "Team Lab")
            .unwrap();
        assert!(lab.target_text().starts_with("already pushed to"));
    }

    #[test]
    fn rules_are_checked_before_they_are_saved() {
        let d = dir();
        let mut r = rule(NameMatch::Pattern, "**", RuleAction::Link { project: None });
        assert!(matches!(r.check(&d, &[]), Err(RuleProblem::MatchesAll(_))));
        r.text = "Team *".into();
        r.action = RuleAction::Create {
            project: "Nowhere".into(),
        };
        assert!(matches!(
            r.check(&d, &[]),
            Err(RuleProblem::UnknownProject(_))
        ));
        r.action = RuleAction::Link { project: None };
        assert!(r.check(&d, &[]).is_ok());
        let mut twin = r.clone();
        twin.id = "r2".into();
        assert!(matches!(
            twin.check(&d, &[r]),
            Err(RuleProblem::NameTaken(_))
        ));
    }

    #[test]
    fn suggestions_rank_exact_names_then_contained_ones() {
        let d = dir();
        let s = suggest(&d, &[], "d");
        let names: Vec<&str> = s.iter().map(|s| s.statsig_group_name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Statsig-Checkout-Payments-Member",
                "Statsig-Web-Payments-Member"
            ]
        );
        assert!(s[0].reason.contains("contains \"Payments\""));
        assert!(suggest(&d, &[], "e").is_empty(), "Sales matches nothing");
        assert_eq!(
            team_for_new(&d, "Checkout", "Sales").as_deref(),
            Some("Sales")
        );
        assert_eq!(
            team_for_new(&d, "Checkout", "Team Fraud").as_deref(),
            Some("Team Fraud")
        );
    }

    /// Each refusal in its own sentence; a rule checked against the list it is in (being
    /// edited) is not taken by itself, nor by a rule of another name; wildcards alone
    /// are refused only in a pattern.
    #[test]
    fn each_refusal_is_its_sentence_and_a_rule_is_not_taken_by_itself() {
        let d = dir();
        let mut r = rule(
            NameMatch::StartsWith,
            "Team ",
            RuleAction::Link { project: None },
        );
        assert_eq!(r.check(&d, std::slice::from_ref(&r)), Ok(()), "itself");
        let mut other = r.clone();
        other.id = "r2".into();
        other.name = "ops".into();
        assert_eq!(r.check(&d, std::slice::from_ref(&other)), Ok(()));
        other.name = "TEAMS".into();
        r.name = "teams ".into();
        assert_eq!(
            r.check(&d, &[other]).unwrap_err().to_string(),
            "A rule named \"teams\" exists already."
        );
        r.name = " ".into();
        assert_eq!(
            r.check(&d, &[]).unwrap_err().to_string(),
            "The rule needs a name."
        );
        r.name = "teams".into();
        for (how, says) in [
            (NameMatch::StartsWith, "starts with"),
            (NameMatch::Contains, "contains"),
            (NameMatch::Pattern, "matches the pattern"),
        ] {
            r.how = how;
            r.text = "  ".into();
            assert_eq!(
                r.check(&d, &[]).unwrap_err().to_string(),
                format!("The rule needs the text that group names {says}.")
            );
            r.text = "*?".into();
            assert_eq!(
                r.check(&d, &[]).is_ok(),
                how != NameMatch::Pattern,
                "{how:?}"
            );
        }
    }

    /// A rule in words, as lists and previews show it.
    #[test]
    fn a_rule_reads_in_words() {
        let mut r = rule(
            NameMatch::Pattern,
            "Team *",
            RuleAction::Link { project: None },
        );
        assert_eq!(
            r.describe(),
            "Okta groups whose name matches the pattern \"Team *\" -> link to the team of that name"
        );
        r.how = NameMatch::StartsWith;
        r.kind = Some("OKTA_GROUP".into());
        r.action = RuleAction::Link {
            project: Some("Web".into()),
        };
        assert_eq!(
            r.describe(),
            "Okta groups (OKTA_GROUP) whose name starts with \"Team *\" -> link to the team of that name in Web"
        );
        r.how = NameMatch::Contains;
        r.kind = None;
        r.action = RuleAction::Create {
            project: "Checkout".into(),
        };
        r.auto_create = true;
        assert_eq!(
            r.describe(),
            "Okta groups whose name contains \"Team *\" -> create the team in Checkout; new matches are created automatically"
        );
    }

    /// A rule for one type of Okta group matches only groups of that type.
    #[test]
    fn a_rule_for_one_type_matches_only_that_type() {
        let mut r = rule(
            NameMatch::StartsWith,
            "Team ",
            RuleAction::Link { project: None },
        );
        r.kind = Some("OKTA_GROUP".into());
        let okta = og("a", "Team Fraud", &[]);
        let mut imported = okta.clone();
        imported.kind = "APP_GROUP".into();
        assert!(r.matches(&okta));
        assert!(!r.matches(&imported));
        assert!(!r.matches(&og("e", "Sales", &[])), "the name too");
        r.kind = None;
        assert!(r.matches(&imported), "any type");
    }

    /// A pattern is matched against the whole name: a trailing `*` may match nothing, `?`
    /// exactly one character, and the team is what the first `*` matched, up to where the
    /// rest of the pattern (plain text, `?`, or more stars) takes over.
    #[test]
    fn a_pattern_matches_whole_names_and_the_first_star_gives_the_team() {
        let link = RuleAction::Link { project: None };
        let team = |pattern: &str, name: &str| {
            rule(NameMatch::Pattern, pattern, link.clone()).derived_team(name)
        };
        assert_eq!(team("*-eng*", "web-eng").as_deref(), Some("web"));
        assert_eq!(team("*-eng*", "Web-Eng-core").as_deref(), Some("Web"));
        assert_eq!(team("*-v?", "payments-v2").as_deref(), Some("payments"));
        assert_eq!(team("*-v?", "payments-v"), None, "? is one character");
        assert_eq!(
            team("* engineers", "Payments Engineers").as_deref(),
            Some("Payments")
        );
        let two = rule(NameMatch::Pattern, "team ??", link.clone());
        assert!(two.matches(&og("x", "Team XY", &[])));
        assert!(!two.matches(&og("x", "Team X", &[])), "one character short");
        assert!(!two.matches(&og("x", "Team XYZ", &[])), "one too many");
        assert!(rule(NameMatch::Pattern, "team*", link).matches(&og("x", "Team", &[])));
    }

    /// Separators between the rule's text and the team are not part of the team.
    #[test]
    fn the_derived_team_loses_the_separators_around_it() {
        let r = rule(
            NameMatch::StartsWith,
            "Team",
            RuleAction::Link { project: None },
        );
        assert_eq!(r.derived_team("Team: Fraud").as_deref(), Some("Fraud"));
        assert_eq!(r.derived_team("Team-Lab").as_deref(), Some("Lab"));
        assert_eq!(r.derived_team("Team__Ops  ").as_deref(), Some("Ops"));
        assert_eq!(r.derived_team("Team -").as_deref(), Some(""));
    }

    /// Two groups of one rule that would go to one team: neither is pushed, each says why.
    #[test]
    fn two_matches_for_one_team_are_both_skipped() {
        let d = dir_with(&[og("x", "Team-Lab", &["o3"])]);
        let r = rule(
            NameMatch::StartsWith,
            "Team",
            RuleAction::Link { project: None },
        );
        let rows = preview(&d, &[], std::slice::from_ref(&r), &r, Guard::default());
        let both: Vec<&RuleRow> = rows
            .iter()
            .filter(|r| r.okta_group_name.ends_with("Lab"))
            .collect();
        assert_eq!(both.len(), 2);
        for row in both {
            assert_eq!(
                row.target_text(),
                "another group of this rule maps to \"Statsig-Growth-Lab-Member\" too; a team is pushed from one Okta group",
                "{row:?}"
            );
            assert!(!row.ready());
        }
        let ops = rows.iter().find(|r| r.okta_group_name == "Team Ops");
        assert!(ops.is_some_and(RuleRow::ready), "the others still go");
    }

    /// A link rule with a project looks for the team there only.
    #[test]
    fn a_link_rule_with_a_project_looks_there_only() {
        let d = dir();
        let r = rule(
            NameMatch::StartsWith,
            "Team ",
            RuleAction::Link {
                project: Some("Web".into()),
            },
        );
        let rows = preview(&d, &[], std::slice::from_ref(&r), &r, Guard::default());
        let by = |n: &str| rows.iter().find(|r| r.okta_group_name == n).unwrap();
        assert_eq!(
            by("Team Payments").target,
            RowTarget::Link {
                statsig_group_id: "w1".into(),
                statsig_group_name: "Statsig-Web-Payments-Member".into()
            }
        );
        assert_eq!(
            by("Team Fraud").target_text(),
            "no team named \"Fraud\" in Web"
        );
    }

    /// A refusal shown as a row's reason reads as part of the row: no capital (but an
    /// acronym keeps its capitals), no full stop.
    #[test]
    fn a_refusal_reads_as_the_rows_reason() {
        let d = dir_with(&[og("x", "Team R/D", &["o3"])]);
        let r = rule(
            NameMatch::StartsWith,
            "Team ",
            RuleAction::Create {
                project: "Checkout".into(),
            },
        );
        let rows = preview(&d, &[], std::slice::from_ref(&r), &r, Guard::default());
        let rd = rows
            .iter()
            .find(|r| r.okta_group_name == "Team R/D")
            .unwrap();
        let why = rd.target_text();
        assert!(why.starts_with("the team name has "), "{why}");
        assert!(!why.ends_with('.'), "{why}");
        assert_eq!(sentence_part("SCIM refused it."), "SCIM refused it");
        assert_eq!(
            sentence_part("Okta group x is gone."),
            "okta group x is gone"
        );
        assert_eq!(sentence_part("\"X\" exists."), "\"X\" exists");
    }

    /// A team is suggested when its name is a whole word of the group's, not part of one.
    #[test]
    fn a_suggestion_needs_the_teams_name_as_whole_words() {
        let d = dir_with(&[
            og("x", "Laboratory", &[]),
            og("y", "Collab", &[]),
            og("z", "Lab Staff", &[]),
        ]);
        assert!(suggest(&d, &[], "x").is_empty(), "Laboratory is not Lab");
        assert!(suggest(&d, &[], "y").is_empty(), "Collab is not Lab");
        let staff = suggest(&d, &[], "z");
        assert_eq!(staff.len(), 1);
        assert_eq!(staff[0].statsig_group_name, "Statsig-Growth-Lab-Member");
    }

    /// "Create group"'s team name keeps letters, digits, spaces and `&`; anything else
    /// becomes a space.
    #[test]
    fn a_new_teams_name_keeps_words_and_ampersands() {
        let d = dir();
        assert_eq!(
            team_for_new(&d, "Checkout", "R&D / Ops").as_deref(),
            Some("R&D Ops")
        );
        assert_eq!(
            team_for_new(&d, "Checkout", "payments_eng-core").as_deref(),
            Some("payments eng core")
        );
        assert_eq!(team_for_new(&d, "Checkout", "Fraud"), None, "exists");
        assert_eq!(team_for_new(&d, "Checkout", "--"), None, "no name left");
    }
}
