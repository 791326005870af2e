//! Reading the directories: `import`, `teams`, `team`, `users`, `groups`; and changing
//! mapping groups: `create-group`, `add-member`, `remove-member`.

use super::outcome::{Failure, refuse};
use super::output::{Output, Row};
use super::snapshot;
use crate::cli::args::{DirectoryCommand, Global};
use crate::engine::workspace::Workspace;
use crate::model::names::{self, Role};
use crate::model::rules;
use crate::model::text::plural;
use serde::Serialize;

/// What an import found.
#[derive(Debug, Serialize)]
struct ImportSummary {
    statsig_users: usize,
    statsig_groups: usize,
    projects: Vec<String>,
    teams: usize,
    okta_users: usize,
    okta_groups: usize,
    /// `Statsig-…` names that cannot be read, with why.
    unreadable: Vec<Unreadable>,
    /// Who pushes.
    push_mode: String,
    /// The Statsig app in Okta, in Okta push.
    okta_app: Option<String>,
    /// Team groups Statsig has that Okta has not imported yet (Okta push).
    not_imported_into_okta: Vec<String>,
    /// Whether Statsig's side was read (Okta push may run without a Statsig token).
    statsig_read: bool,
}

#[derive(Debug, Serialize)]
struct Unreadable {
    name: String,
    reason: String,
}

impl Row for ImportSummary {
    fn text(&self) -> String {
        let mut s = format!(
            "Statsig: {}, {}, {}, {}\nOkta:    {}, {}",
            plural(self.statsig_users, "user"),
            plural(self.statsig_groups, "group"),
            plural(self.projects.len(), "project"),
            plural(self.teams, "team"),
            plural(self.okta_users, "user"),
            plural(self.okta_groups, "group"),
        );
        if !self.statsig_read {
            s.push_str("\n         (no Statsig token: teams come from the groups imported into Okta, members unknown)");
        }
        s.push_str(&format!("\nPush:    {}", self.push_mode));
        for u in &self.unreadable {
            s.push_str(&format!("\nunreadable: {} ({})", u.name, u.reason));
        }
        if !self.not_imported_into_okta.is_empty() {
            s.push_str(&format!(
                "\nnot imported into Okta yet ({}): {}\n  Okta cannot link to these until it imports them: in Okta, open Applications > {} > Import and click Import Now.",
                self.not_imported_into_okta.len(),
                self.not_imported_into_okta.join(", "),
                self.okta_app.as_deref().unwrap_or("the Statsig app")
            ));
        }
        s
    }
}

/// An app in Okta that could be Statsig's.
#[derive(Debug, Serialize)]
struct AppRow {
    id: String,
    label: String,
    status: String,
    features: Vec<String>,
    group_push: bool,
    in_use: bool,
}

impl Row for AppRow {
    fn text(&self) -> String {
        format!(
            "{} {:<22} {:<24} {:<8} {}",
            if self.in_use { "*" } else { " " },
            self.id,
            self.label,
            self.status.to_lowercase(),
            if self.group_push {
                "Group Push".to_string()
            } else if self.features.is_empty() {
                "no Group Push (no provisioning features)".to_string()
            } else {
                format!("no Group Push ({})", self.features.join(", "))
            }
        )
    }
}

/// One team with its member counts.
#[derive(Debug, Serialize)]
struct TeamRow {
    project: String,
    team: String,
    admins: usize,
    members: usize,
}

impl Row for TeamRow {
    fn text(&self) -> String {
        format!(
            "{:<22} {:<20} {:>3} {} {:>3} {}",
            self.project,
            self.team,
            self.admins,
            if self.admins == 1 { "admin " } else { "admins" },
            self.members,
            if self.members == 1 {
                "member"
            } else {
                "members"
            }
        )
    }
}

/// One member of a team.
#[derive(Debug, Serialize)]
struct MemberRow {
    role: &'static str,
    email: String,
    name: String,
}

impl Row for MemberRow {
    fn text(&self) -> String {
        format!("{:<7} {:<28} {}", self.role, self.name, self.email)
    }
}

/// One Okta user.
#[derive(Debug, Serialize)]
struct UserRow {
    id: String,
    email: String,
    name: String,
    status: String,
    in_statsig: bool,
}

impl Row for UserRow {
    fn text(&self) -> String {
        format!(
            "{:<34} {:<24} {:<14} {}",
            self.email,
            self.name,
            self.status,
            if self.in_statsig {
                "in Statsig"
            } else {
                "not in Statsig"
            }
        )
    }
}

/// One Okta group.
#[derive(Debug, Serialize)]
struct GroupRow {
    id: String,
    name: String,
    #[serde(rename = "type")]
    kind: String,
    members: usize,
    pushed_to: Option<String>,
}

impl Row for GroupRow {
    fn text(&self) -> String {
        format!(
            "{:<22} {:<40} {:>12}  {}",
            self.id,
            self.name,
            plural(self.members, "member"),
            self.pushed_to
                .as_deref()
                .map(|s| format!("-> {s}"))
                .unwrap_or_default()
        )
    }
}

/// An Okta group just made.
#[derive(Debug, Serialize)]
struct CreatedGroup {
    id: String,
    name: String,
    members: usize,
}

impl Row for CreatedGroup {
    fn text(&self) -> String {
        format!(
            "Created Okta group \"{}\" ({}) with {}",
            self.name,
            self.id,
            plural(self.members, "member")
        )
    }
}

/// An Okta group by id or name.
pub fn okta_group_id(ws: &Workspace, key: &str) -> Result<String, Failure> {
    let d = ws.directory();
    d.okta_group(key)
        .or_else(|| d.okta_group_by_name(key))
        .map(|g| g.id.clone())
        .ok_or_else(|| refuse(format!("No Okta group is called \"{key}\".")))
}

/// An Okta user by id or email.
fn okta_user_id(ws: &Workspace, key: &str) -> Result<String, Failure> {
    let d = ws.directory();
    d.okta_user(key)
        .or_else(|| d.okta_user_by_email(key))
        .map(|u| u.id.clone())
        .ok_or_else(|| refuse(format!("No Okta user has the email \"{key}\".")))
}

fn import_summary(ws: &Workspace) -> ImportSummary {
    let d = ws.directory();
    ImportSummary {
        statsig_users: d.statsig_users.len(),
        statsig_groups: d.statsig_groups.len(),
        projects: d.projects.clone(),
        teams: d.teams().values().map(|t| t.len()).sum(),
        okta_users: d.okta_users.len(),
        okta_groups: d.okta_groups.len(),
        unreadable: d
            .unreadable()
            .iter()
            .map(|u| Unreadable {
                name: names::display_safe(&d.statsig_groups[u.group].display_name),
                reason: u.reason.clone(),
            })
            .collect(),
        push_mode: ws.push_mode().label(),
        okta_app: ws.push_mode().app().map(|a| a.label.clone()),
        not_imported_into_okta: d
            .not_imported()
            .iter()
            .map(|g| names::display_safe(&g.display_name))
            .collect(),
        statsig_read: d.statsig_read,
    }
}

fn team_rows(ws: &Workspace, project: Option<&str>) -> Vec<TeamRow> {
    let d = ws.directory();
    let count = |i: Option<usize>| i.map_or(0, |i| d.statsig_groups[i].members.len());
    d.teams()
        .iter()
        .filter(|(p, _)| project.is_none_or(|x| x.eq_ignore_ascii_case(p)))
        .flat_map(|(p, teams)| {
            teams.iter().map(move |(t, groups)| TeamRow {
                project: p.clone(),
                team: t.clone(),
                admins: count(groups.admin),
                members: count(groups.member),
            })
        })
        .collect()
}

fn member_rows(ws: &Workspace, project: &str, team: &str) -> Result<Vec<MemberRow>, Failure> {
    let d = ws.directory();
    let groups = d
        .teams()
        .get(project)
        .and_then(|t| t.get(team))
        .ok_or_else(|| refuse(format!("Project \"{project}\" has no team \"{team}\".")))?;
    let mut rows = Vec::new();
    for role in Role::ALL {
        let Some(i) = groups.get(role) else { continue };
        for uid in &d.statsig_groups[i].members {
            let u = d.statsig_user(uid);
            rows.push(MemberRow {
                role: role.as_str(),
                email: u.map_or(uid.clone(), |u| u.user_name.clone()),
                name: u.map(|u| u.display_name()).unwrap_or_default(),
            });
        }
    }
    Ok(rows)
}

/// Runs a directory command.
pub async fn run(
    g: &Global,
    out: Output,
    data: &crate::engine::paths::DataDir,
    ws: &mut Workspace,
    command: DirectoryCommand,
) -> Result<(), Failure> {
    match command {
        DirectoryCommand::Import { out: file, redact } => {
            if let Some(file) = &file {
                snapshot::write(ws, g, data, file, redact)?;
            }
            out.one(&import_summary(ws));
        }
        DirectoryCommand::Apps => apps(out, ws).await?,
        DirectoryCommand::ImportNow => import_now(out, ws).await?,
        DirectoryCommand::Teams { project } => out.rows(&team_rows(ws, project.as_deref())),
        DirectoryCommand::Team { project, team } => out.rows(&member_rows(ws, &project, &team)?),
        DirectoryCommand::Groups { search, app_groups } => {
            let needle = search.map(|s| s.to_lowercase());
            let d = ws.directory();
            // The Statsig app's imported groups are where a push goes, not where it comes
            // from: left out unless asked, as the Okta groups tab does.
            let (listed, left_out): (Vec<_>, Vec<_>) = d
                .okta_groups
                .iter()
                .filter(|gr| {
                    needle
                        .as_ref()
                        .is_none_or(|n| gr.name.to_lowercase().contains(n))
                })
                .partition(|gr| app_groups || d.app.group(&gr.id).is_none());
            let rows: Vec<GroupRow> = listed
                .into_iter()
                .map(|gr| GroupRow {
                    id: gr.id.clone(),
                    name: gr.name.clone(),
                    kind: gr.kind.clone(),
                    members: gr.members.len(),
                    pushed_to: rules::pushed_from(ws.mappings(), &gr.id)
                        .map(|m| m.statsig_group_name.clone()),
                })
                .collect();
            out.rows(&rows);
            if !left_out.is_empty() {
                out.note(&format!(
                    "({} of the Statsig app's imported groups not listed; --app-groups lists them)",
                    left_out.len()
                ));
            }
        }
        DirectoryCommand::Users { search } => {
            let d = ws.directory();
            let needle = search.map(|s| s.to_lowercase());
            let rows: Vec<UserRow> = d
                .okta_users
                .iter()
                .filter(|u| {
                    needle.as_ref().is_none_or(|n| {
                        u.email.to_lowercase().contains(n)
                            || u.display_name().to_lowercase().contains(n)
                    })
                })
                .map(|u| UserRow {
                    id: u.id.clone(),
                    email: u.email.clone(),
                    name: u.display_name(),
                    status: u.status.clone(),
                    in_statsig: d.statsig_user_for(u).is_some(),
                })
                .collect();
            out.rows(&rows);
        }
        DirectoryCommand::CreateGroup {
            name,
            description,
            members,
        } => {
            let ids = members
                .iter()
                .map(|m| okta_user_id(ws, m.trim()))
                .collect::<Result<Vec<_>, _>>()?;
            let group = ws.create_mapping_group(&name, &description, &ids).await?;
            out.one(&CreatedGroup {
                id: group.id,
                name: group.name,
                members: group.members.len(),
            });
        }
        DirectoryCommand::AddMember { group, user } => {
            let (gid, uid) = (okta_group_id(ws, &group)?, okta_user_id(ws, &user)?);
            ws.set_okta_member(&gid, &uid, true).await?;
            out.note(&format!("Added {user} to {group}."));
        }
        DirectoryCommand::RemoveMember { group, user } => {
            let (gid, uid) = (okta_group_id(ws, &group)?, okta_user_id(ws, &user)?);
            ws.set_okta_member(&gid, &uid, false).await?;
            out.note(&format!("Removed {user} from {group}."));
        }
    }
    Ok(())
}

/// `apps`: the apps in Okta that could be Statsig's, and the one in use.
async fn apps(out: Output, ws: &mut Workspace) -> Result<(), Failure> {
    let in_use = ws.push_mode().app().map(|a| a.id.clone());
    let rows: Vec<AppRow> = ws
        .app_candidates()
        .await?
        .into_iter()
        .map(|a| AppRow {
            in_use: in_use.as_deref() == Some(a.id.as_str()),
            group_push: a.has_group_push(),
            id: a.id,
            label: a.label,
            status: a.status,
            features: a.features,
        })
        .collect();
    if rows.is_empty() && !out.json {
        out.note("No app's label starts with the search text; pass --okta-app APP_ID or set it in Settings.");
    }
    out.rows(&rows);
    if !out.json {
        out.note(&format!("Push mode: {}", ws.push_mode().label()));
    }
    Ok(())
}

/// `import-now`: the sandbox's Import Now of Statsig's groups into the Statsig app.
async fn import_now(out: Output, ws: &mut Workspace) -> Result<(), Failure> {
    let created = ws.sandbox_import_now().await?;
    ws.import(|_| {}).await?;
    out.note(&format!(
        "Okta imported Statsig's groups into the app ({} new).",
        created
    ));
    out.one(&import_summary(ws));
    Ok(())
}
