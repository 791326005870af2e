//! Statsig group names: `Statsig-<Project>-<Team>-<Role>` and `Statsig-<Project>-<Role>`.
//!
//! Project and team names may contain spaces and hyphens, so a name is split against the
//! list of known projects. A name that splits more than one way is reported as ambiguous,
//! never guessed.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Every Statsig SCIM group name starts with this.
pub const PREFIX: &str = "Statsig-";

/// Longest project or team name accepted when creating a team.
pub const MAX_TEAM_NAME_CHARS: usize = 100;

/// A role inside a Statsig team or project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Role {
    /// A role's admins.
    Admin,
    /// A role's members.
    Member,
}

impl Role {
    /// Both roles, Admin first.
    pub const ALL: [Role; 2] = [Role::Admin, Role::Member];

    /// "Admin" or "Member".
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "Admin",
            Role::Member => "Member",
        }
    }

    /// The role whose name ends `rest`, and `rest` without it.
    fn strip_suffix(rest: &str) -> Option<(&str, Role)> {
        Role::ALL.iter().find_map(|role| {
            rest.strip_suffix(role.as_str())
                .and_then(|head| head.strip_suffix('-'))
                .map(|head| (head, *role))
        })
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One way of reading a Statsig group name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum NameReading {
    /// A team's role group.
    Team {
        /// The project.
        project: String,
        /// The team.
        team: String,
        /// The role.
        role: Role,
    },
    /// A project's role group.
    Project {
        /// The project.
        project: String,
        /// The role.
        role: Role,
    },
}

impl NameReading {
    /// The project either reading names.
    pub fn project(&self) -> &str {
        match self {
            NameReading::Team { project, .. } | NameReading::Project { project, .. } => project,
        }
    }

    /// The role either reading names.
    pub fn role(&self) -> Role {
        match self {
            NameReading::Team { role, .. } | NameReading::Project { role, .. } => *role,
        }
    }

    /// The group name this reading stands for.
    pub fn display_name(&self) -> String {
        match self {
            NameReading::Team {
                project,
                team,
                role,
            } => team_group_name(project, team, *role),
            NameReading::Project { project, role } => format!("{PREFIX}{project}-{role}"),
        }
    }
}

impl fmt::Display for NameReading {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameReading::Team {
                project,
                team,
                role,
            } => write!(f, "team \"{team}\" ({role}) in project \"{project}\""),
            NameReading::Project { project, role } => {
                write!(f, "project \"{project}\" ({role})")
            }
        }
    }
}

/// What a group name means, given the known projects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ParsedName {
    /// A group for one role of one team.
    Team {
        /// The project.
        project: String,
        /// The team.
        team: String,
        /// The role.
        role: Role,
    },
    /// A project-wide role group.
    Project {
        /// The project.
        project: String,
        /// The role.
        role: Role,
    },
    /// The name does not start with `Statsig-`: some other application's group.
    NotStatsig,
    /// Starts with `Statsig-` but cannot be read.
    Malformed {
        /// Why.
        reason: String,
    },
    /// Reads more than one way; every reading is listed, sorted.
    Ambiguous {
        /// Every reading.
        readings: Vec<NameReading>,
    },
}

impl ParsedName {
    /// The single reading, when there is exactly one.
    pub fn reading(&self) -> Option<NameReading> {
        match self {
            ParsedName::Team {
                project,
                team,
                role,
            } => Some(NameReading::Team {
                project: project.clone(),
                team: team.clone(),
                role: *role,
            }),
            ParsedName::Project { project, role } => Some(NameReading::Project {
                project: project.clone(),
                role: *role,
            }),
            _ => None,
        }
    }

    /// A short sentence for names that cannot be used, `None` for usable ones.
    pub fn problem(&self) -> Option<String> {
        match self {
            ParsedName::Malformed { reason } => Some(reason.clone()),
            ParsedName::Ambiguous { readings } => Some(format!(
                "it reads {} ways: {}",
                readings.len(),
                readings
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; or ")
            )),
            _ => None,
        }
    }
}

/// The name of a team-role group.
pub fn team_group_name(project: &str, team: &str, role: Role) -> String {
    format!("{PREFIX}{project}-{team}-{role}")
}

/// The `Statsig-...` part between the prefix and the role suffix, and the role.
/// Useful before the project list is known.
pub fn split_role(name: &str) -> Option<(&str, Role)> {
    let rest = name.strip_prefix(PREFIX)?;
    Role::strip_suffix(rest)
}

/// Reads `name` against the known `projects`.
pub fn parse_group_name<S: AsRef<str>>(name: &str, projects: &[S]) -> ParsedName {
    let Some(rest) = name.strip_prefix(PREFIX) else {
        return ParsedName::NotStatsig;
    };
    let Some((middle, role)) = Role::strip_suffix(rest) else {
        return ParsedName::Malformed {
            reason: format!(
                "it does not end in \"-{}\" or \"-{}\"",
                Role::Admin,
                Role::Member
            ),
        };
    };
    if middle.is_empty() {
        return ParsedName::Malformed {
            reason: "it names no project".to_string(),
        };
    }
    let mut readings = Vec::new();
    for project in projects {
        let project = project.as_ref();
        if project.is_empty() {
            continue;
        }
        if middle == project {
            readings.push(NameReading::Project {
                project: project.to_string(),
                role,
            });
        } else if let Some(team) = middle
            .strip_prefix(project)
            .and_then(|tail| tail.strip_prefix('-'))
            .filter(|team| !team.is_empty())
        {
            readings.push(NameReading::Team {
                project: project.to_string(),
                team: team.to_string(),
                role,
            });
        }
    }
    readings.sort();
    readings.dedup();
    match readings.len() {
        0 => ParsedName::Malformed {
            reason: format!("\"{middle}\" does not start with any known project name"),
        },
        1 => match readings.remove(0) {
            NameReading::Team {
                project,
                team,
                role,
            } => ParsedName::Team {
                project,
                team,
                role,
            },
            NameReading::Project { project, role } => ParsedName::Project { project, role },
        },
        _ => ParsedName::Ambiguous { readings },
    }
}

/// Why a proposed team cannot be created.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NameError {
    /// No project was chosen.
    #[error("choose a project")]
    NoProject,
    /// The project is not one of the Statsig organization's.
    #[error("project \"{0}\" is not one of the imported Statsig projects")]
    UnknownProject(String),
    /// No team name was typed.
    #[error("type a team name")]
    EmptyTeam,
    /// The name starts or ends with a space.
    #[error("the team name starts or ends with a space")]
    OuterSpace,
    /// The name has a control character.
    #[error("the team name has a control character, which Statsig cannot show")]
    ControlCharacter,
    /// The name has a character that breaks URLs, file paths or markup.
    #[error(
        "the team name has {}, which breaks URLs, file paths or markup; leave it out",
        character(*.0)
    )]
    Breaking(char),
    /// The name has a bidirectional or invisible formatting mark.
    #[error("the team name has a right-to-left or invisible formatting mark")]
    FormattingMark,
    /// The name is too long.
    #[error("the team name is longer than {MAX_TEAM_NAME_CHARS} characters")]
    TooLong,
    /// The name starts or ends with a hyphen.
    #[error("the team name begins or ends with a hyphen, which makes the group name unreadable")]
    OuterHyphen,
    /// The group name would read as something else.
    #[error("\"{name}\" would be read as {reading}, not as this team")]
    ReadsAsOther {
        /// The group name.
        name: String,
        /// How it would read.
        reading: String,
    },
    /// The group name would read more than one way.
    #[error("\"{name}\" would be ambiguous: {why}")]
    Ambiguous {
        /// The group name.
        name: String,
        /// The readings.
        why: String,
    },
}

/// Checks a proposed team and returns the group name to create
/// (`Statsig-<Project>-<Team>-<role>`); the name must read back as exactly this team.
pub fn validate_new_team<S: AsRef<str>>(
    project: &str,
    team: &str,
    role: Role,
    projects: &[S],
) -> Result<String, NameError> {
    if project.is_empty() {
        return Err(NameError::NoProject);
    }
    if !projects.iter().any(|p| p.as_ref() == project) {
        return Err(NameError::UnknownProject(project.to_string()));
    }
    if team.trim().is_empty() {
        return Err(NameError::EmptyTeam);
    }
    if team.chars().any(char::is_control) {
        return Err(NameError::ControlCharacter);
    }
    if team.chars().any(is_formatting_mark) {
        return Err(NameError::FormattingMark);
    }
    if let Some(c) = team.chars().find(|c| BREAKING.contains(c)) {
        return Err(NameError::Breaking(c));
    }
    if team.trim() != team {
        return Err(NameError::OuterSpace);
    }
    if team.starts_with('-') || team.ends_with('-') {
        return Err(NameError::OuterHyphen);
    }
    if team.chars().count() > MAX_TEAM_NAME_CHARS {
        return Err(NameError::TooLong);
    }
    let name = team_group_name(project, team, role);
    match parse_group_name(&name, projects) {
        ParsedName::Team {
            project: p,
            team: t,
            role: r,
        } if p == project && t == team && r == role => Ok(name),
        ParsedName::Ambiguous { readings } => Err(NameError::Ambiguous {
            why: ParsedName::Ambiguous {
                readings: readings.clone(),
            }
            .problem()
            .unwrap_or_default(),
            name,
        }),
        other => Err(NameError::ReadsAsOther {
            reading: other
                .reading()
                .map(|r| r.to_string())
                .or_else(|| other.problem())
                .unwrap_or_else(|| "something else".to_string()),
            name,
        }),
    }
}

/// Characters a team name may not have: they break URLs, file paths or markup wherever
/// the name goes (control characters are refused too).
pub const BREAKING: [char; 5] = ['/', '\\', '<', '>', '"'];

/// Characters a team name usually has besides letters and digits.
const USUAL: &str = " -_.&'()+,";

/// A warning, in one sentence naming the character, when a new team's name has one that
/// is allowed but unusual (`#`, `%`, `|`, an emoji…); `None` when it has none.
pub fn unusual_character(team: &str) -> Option<String> {
    let c = team
        .chars()
        .find(|c| !c.is_alphanumeric() && !USUAL.contains(*c) && !BREAKING.contains(c))?;
    Some(format!(
        "The team name has {}, which is unusual in a team name: check it is meant (some tools search or show it badly).",
        character(c)
    ))
}

/// A character as a sentence names it: "\"#\"", or its code when it cannot be seen.
fn character(c: char) -> String {
    if c.is_control() || is_formatting_mark(c) || c.is_whitespace() {
        format!("the character U+{:04X}", c as u32)
    } else {
        format!("\"{c}\"")
    }
}

/// Bidirectional and zero-width marks that can make a name look like another.
pub fn is_formatting_mark(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// A name made safe to show: control characters and formatting marks become visible escapes.
pub fn display_safe(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_control() || is_formatting_mark(c) {
            out.push_str(&format!("\\u{{{:04X}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Guesses the project list from group names alone: the role-stripped middles that do not
/// extend another middle by `-<something>`. Used until the admin lists projects in the
/// settings; a project whose name extends another project's must be listed there.
pub fn derive_projects<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut middles: Vec<&str> = names
        .into_iter()
        .filter_map(|n| split_role(n).map(|(m, _)| m))
        .filter(|m| !m.is_empty())
        .collect();
    middles.sort_unstable();
    middles.dedup();
    let set: std::collections::HashSet<&str> = middles.iter().copied().collect();
    let has_known_prefix = |m: &str| {
        m.match_indices('-')
            .any(|(i, _)| i > 0 && set.contains(&m[..i]))
    };
    // Another name continues this one with "-…": some group reads as its team.
    let is_extended = |m: &str| {
        let prefix = format!("{m}-");
        middles.iter().any(|o| o.starts_with(&prefix))
    };
    middles
        .iter()
        // Certain projects (nothing known before a hyphen), and names that may be a
        // project as well as a team: with both listed, a name that reads both ways is
        // ambiguous and never taken for a team.
        .filter(|m| !has_known_prefix(m) || is_extended(m))
        .map(|m| m.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn projects() -> Vec<String> {
        [
            "Okta Test Proj",
            "Checkout",
            "Checkout Web",
            "Data-Platform",
            "Mobile",
            "Mobile-Payments",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    #[test]
    fn reads_the_seed_example() {
        assert_eq!(
            parse_group_name("Statsig-Okta Test Proj-Test Team-Member", &projects()),
            ParsedName::Team {
                project: "Okta Test Proj".into(),
                team: "Test Team".into(),
                role: Role::Member
            }
        );
    }

    #[test]
    fn project_role_groups() {
        assert_eq!(
            parse_group_name("Statsig-Checkout-Admin", &projects()),
            ParsedName::Project {
                project: "Checkout".into(),
                role: Role::Admin
            }
        );
    }

    #[test]
    fn prefix_sharing_projects_pick_the_one_followed_by_a_hyphen() {
        let p = projects();
        assert_eq!(
            parse_group_name("Statsig-Checkout Web-Payments-Admin", &p),
            ParsedName::Team {
                project: "Checkout Web".into(),
                team: "Payments".into(),
                role: Role::Admin
            }
        );
        assert_eq!(
            parse_group_name("Statsig-Checkout-Web Payments-Admin", &p),
            ParsedName::Team {
                project: "Checkout".into(),
                team: "Web Payments".into(),
                role: Role::Admin
            }
        );
    }

    #[test]
    fn hyphens_inside_project_and_team_names() {
        assert_eq!(
            parse_group_name("Statsig-Data-Platform-ML-Ops-Member", &projects()),
            ParsedName::Team {
                project: "Data-Platform".into(),
                team: "ML-Ops".into(),
                role: Role::Member
            }
        );
    }

    #[test]
    fn a_name_that_splits_two_ways_is_ambiguous_with_both_readings() {
        let parsed = parse_group_name("Statsig-Mobile-Payments-Core-Member", &projects());
        let ParsedName::Ambiguous { readings } = &parsed else {
            panic!("expected ambiguous, got {parsed:?}");
        };
        assert_eq!(readings.len(), 2);
        assert!(readings.contains(&NameReading::Team {
            project: "Mobile".into(),
            team: "Payments-Core".into(),
            role: Role::Member
        }));
        assert!(readings.contains(&NameReading::Team {
            project: "Mobile-Payments".into(),
            team: "Core".into(),
            role: Role::Member
        }));
        assert!(parsed.problem().unwrap().contains("reads 2 ways"));
        // Project group of one project, team group of another.
        assert!(matches!(
            parse_group_name("Statsig-Mobile-Payments-Admin", &projects()),
            ParsedName::Ambiguous { .. }
        ));
    }

    /// Each reading says its project and role, the group name it stands for, and itself
    /// in words; an ambiguous name has no single reading, and its problem names each.
    #[test]
    fn a_reading_names_its_project_role_and_group_in_words() {
        let p = projects();
        let team = parse_group_name("Statsig-Checkout-Payments-Admin", &p)
            .reading()
            .unwrap();
        assert_eq!(team.project(), "Checkout");
        assert_eq!(team.role(), Role::Admin);
        assert_eq!(team.display_name(), "Statsig-Checkout-Payments-Admin");
        assert_eq!(
            team.to_string(),
            "team \"Payments\" (Admin) in project \"Checkout\""
        );
        let project = parse_group_name("Statsig-Data-Platform-Member", &p)
            .reading()
            .unwrap();
        assert_eq!(
            project,
            NameReading::Project {
                project: "Data-Platform".into(),
                role: Role::Member
            }
        );
        assert_eq!(project.project(), "Data-Platform");
        assert_eq!(project.role(), Role::Member);
        assert_eq!(project.display_name(), "Statsig-Data-Platform-Member");
        assert_eq!(project.to_string(), "project \"Data-Platform\" (Member)");
        let two_ways = parse_group_name("Statsig-Mobile-Payments-Admin", &p);
        assert_eq!(two_ways.reading(), None);
        let problem = two_ways.problem().unwrap();
        assert!(
            problem.contains("project \"Mobile-Payments\" (Admin)")
                && problem.contains("team \"Payments\" (Admin) in project \"Mobile\""),
            "{problem}"
        );
    }

    /// The limits exactly: a team name of the longest length is fine; an unusual
    /// character that cannot be seen (a control character, a formatting mark) is named by
    /// its code; a hyphenated project with no team under it is still a project.
    #[test]
    fn limits_hold_at_their_edge() {
        let p = projects();
        let longest = "x".repeat(MAX_TEAM_NAME_CHARS);
        assert!(validate_new_team("Checkout", &longest, Role::Member, &p).is_ok());
        for (name, code) in [("a\u{7}b", "U+0007"), ("a\u{200B}b", "U+200B")] {
            let w = unusual_character(name).unwrap();
            assert!(w.contains(code), "{w}");
        }
        assert_eq!(
            derive_projects(["Statsig-Data-Platform-Admin", "Statsig-Checkout-Member"]),
            ["Checkout", "Data-Platform"]
        );
    }

    #[test]
    fn other_and_malformed_names() {
        let p = projects();
        assert_eq!(parse_group_name("Engineering", &p), ParsedName::NotStatsig);
        assert_eq!(
            parse_group_name("statsig-Checkout-Admin", &p),
            ParsedName::NotStatsig
        );
        assert!(matches!(
            parse_group_name("Statsig-Checkout-Team-Owner", &p),
            ParsedName::Malformed { reason } if reason.contains("does not end in")
        ));
        assert!(matches!(
            parse_group_name("Statsig-Unknown-Team-Admin", &p),
            ParsedName::Malformed { reason } if reason.contains("known project")
        ));
        assert!(matches!(
            parse_group_name("Statsig--Admin", &p),
            ParsedName::Malformed { .. }
        ));
        assert!(matches!(
            parse_group_name("Statsig-Admin", &p),
            ParsedName::Malformed { .. }
        ));
    }

    #[test]
    fn formats_back_to_the_same_name() {
        let name = "Statsig-Data-Platform-ML-Ops-Member";
        let reading = parse_group_name(name, &projects()).reading().unwrap();
        assert_eq!(reading.display_name(), name);
    }

    #[test]
    fn validates_new_team_names_with_a_reason() {
        let p = projects();
        assert_eq!(
            validate_new_team("Checkout", "Fraud", Role::Member, &p).unwrap(),
            "Statsig-Checkout-Fraud-Member"
        );
        assert_eq!(
            validate_new_team("", "X", Role::Member, &p),
            Err(NameError::NoProject)
        );
        assert_eq!(
            validate_new_team("Nope", "X", Role::Member, &p),
            Err(NameError::UnknownProject("Nope".into()))
        );
        assert_eq!(
            validate_new_team("Checkout", "  ", Role::Member, &p),
            Err(NameError::EmptyTeam)
        );
        assert_eq!(
            validate_new_team("Checkout", " X", Role::Member, &p),
            Err(NameError::OuterSpace)
        );
        assert_eq!(
            validate_new_team("Checkout", "a\u{202E}b", Role::Member, &p),
            Err(NameError::FormattingMark)
        );
        assert_eq!(
            validate_new_team("Checkout", "a\nb", Role::Member, &p),
            Err(NameError::ControlCharacter)
        );
        assert_eq!(
            validate_new_team("Checkout", "-X", Role::Member, &p),
            Err(NameError::OuterHyphen)
        );
        let long = "x".repeat(MAX_TEAM_NAME_CHARS + 1);
        assert_eq!(
            validate_new_team("Checkout", &long, Role::Member, &p),
            Err(NameError::TooLong)
        );
        // "Payments-Core" in "Mobile" collides with project "Mobile-Payments".
        assert!(matches!(
            validate_new_team("Mobile", "Payments-Core", Role::Member, &p),
            Err(NameError::Ambiguous { .. })
        ));
        // A team called "Member" is fine: the role is always the last word.
        assert!(validate_new_team("Checkout", "Member", Role::Member, &p).is_ok());
    }

    #[test]
    fn characters_that_break_urls_paths_or_markup_are_refused_by_name() {
        let p = projects();
        let e = validate_new_team("Checkout", "Pay/ments<b>", Role::Member, &p).unwrap_err();
        assert_eq!(e, NameError::Breaking('/'));
        assert_eq!(
            e.to_string(),
            "the team name has \"/\", which breaks URLs, file paths or markup; leave it out"
        );
        for c in BREAKING {
            assert_eq!(
                validate_new_team("Checkout", &format!("Pay{c}ments"), Role::Member, &p),
                Err(NameError::Breaking(c))
            );
        }
        assert_eq!(
            validate_new_team("Checkout", "Pay\tments", Role::Member, &p),
            Err(NameError::ControlCharacter)
        );
    }

    #[test]
    fn unusual_characters_are_allowed_with_a_warning_naming_them() {
        assert_eq!(unusual_character("Fraud & Risk (EU)"), None);
        assert_eq!(unusual_character("Über-Team 2"), None);
        let w = unusual_character("Payments #1").unwrap();
        assert!(w.starts_with("The team name has \"#\""), "{w}");
        assert!(validate_new_team("Checkout", "Payments #1", Role::Member, &projects()).is_ok());
        assert!(unusual_character("a\u{00A0}b").unwrap().contains("U+00A0"));
    }

    #[test]
    fn derives_projects_from_project_and_team_groups() {
        let names = [
            "Statsig-Data-Platform-Admin",
            "Statsig-Data-Platform-Member",
            "Statsig-Data-Platform-ML-Member",
            "Statsig-Checkout-Admin",
            "Statsig-Checkout Web-Admin",
            "Statsig-Checkout Web-Payments-Admin",
            "Engineering",
        ];
        assert_eq!(
            derive_projects(names),
            vec![
                "Checkout".to_string(),
                "Checkout Web".into(),
                "Data-Platform".into()
            ]
        );
    }

    #[test]
    fn display_safe_shows_hidden_characters() {
        assert_eq!(display_safe("a\u{202E}b\n"), "a\\u{202E}b\\u{000A}");
    }

    #[test]
    fn inferred_projects_keep_a_name_that_reads_two_ways_ambiguous() {
        let names = [
            "Statsig-Mobile-Admin",
            "Statsig-Mobile-Member",
            "Statsig-Mobile-iOS-Member",
            "Statsig-Mobile-Payments-Admin",
            "Statsig-Mobile-Payments-Member",
            "Statsig-Mobile-Payments-Core-Member",
            "Statsig-Data-Platform-Admin",
            "Statsig-Data-Platform-ML-Ops-Member",
        ];
        let projects = derive_projects(names);
        assert_eq!(projects, ["Data-Platform", "Mobile", "Mobile-Payments"]);
        // A project role of Mobile-Payments, or team Payments of Mobile: never a team.
        assert!(matches!(
            parse_group_name("Statsig-Mobile-Payments-Admin", &projects),
            ParsedName::Ambiguous { .. }
        ));
        assert!(matches!(
            parse_group_name("Statsig-Mobile-Payments-Core-Member", &projects),
            ParsedName::Ambiguous { .. }
        ));
        // Names with one reading still read as teams.
        assert!(matches!(
            parse_group_name("Statsig-Mobile-iOS-Member", &projects),
            ParsedName::Team { .. }
        ));
        assert!(matches!(
            parse_group_name("Statsig-Data-Platform-ML-Ops-Member", &projects),
            ParsedName::Team { .. }
        ));
    }
}
