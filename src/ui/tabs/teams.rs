//! Teams: a project's teams with their member counts; a team's members by role, which Okta
//! group feeds each role, and whether it is in sync; unreadable names.

use crate::model::Directory;
use crate::model::directory::TeamGroups;
use crate::model::mapping::Mapping;
use crate::model::names::{self, Role};
use crate::model::plan;
use crate::model::rules;
use crate::model::text::plural;
use crate::ui::a11y;
use crate::ui::action::{Action, FileJob, Tab};
use crate::ui::cache::Memo;
use crate::ui::panels::projects::UNREADABLE;
use crate::ui::view::View;
use crate::ui::widgets::{self, Pill, ROW};
use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};

/// One team in the list.
struct TeamRow {
    name: String,
    members: usize,
    pushed: bool,
    /// Okta push: a role group Okta has not imported yet.
    not_in_okta: bool,
}

/// How one role group stands against the Okta group that feeds it.
struct Feed {
    mapping: Mapping,
    /// Differences between Okta and Statsig (`None`: cannot compare).
    differences: Option<usize>,
}

/// The tab's own state.
#[derive(Default)]
pub struct TeamsTab {
    search: String,
    rows: Memo<(u64, u64, String, String), Vec<TeamRow>>,
    feeds: Memo<(u64, u64, String, String), [Option<Feed>; 2]>,
    /// Okta push: the teams of the project shown that Okta has not imported yet.
    not_imported: Memo<(u64, String), Vec<String>>,
}

impl TeamsTab {
    /// Draws the tab.
    pub fn show(&mut self, ui: &mut Ui, view: &View, actions: &mut Vec<Action>) {
        let Some(project) = view.sel.project.clone() else {
            ui.label("Import, then pick a project on the left.");
            return;
        };
        if project == UNREADABLE {
            unreadable(ui, view.directory, actions);
            return;
        }
        let d = view.directory;
        let Some(teams) = d.teams().get(&project) else {
            ui.label(format!(
                "Project \"{}\" is not in the imported data.",
                names::display_safe(&project)
            ));
            return;
        };
        egui::Panel::left("team-list")
            .resizable(true)
            .default_size(240.0)
            .size_range(180.0..=420.0)
            .show(ui, |ui| self.team_list(ui, view, &project, actions));
        egui::CentralPanel::default().show(ui, |ui| {
            match view
                .sel
                .team
                .as_ref()
                .and_then(|t| teams.get(t).map(|g| (t.clone(), g.clone())))
            {
                Some((team, groups)) => {
                    egui::ScrollArea::vertical()
                        .id_salt("team-detail")
                        .auto_shrink([false, false])
                        .show(ui, |ui| {
                            self.team_detail(ui, view, &project, &team, &groups, actions)
                        });
                }
                None => {
                    ui.label(
                        RichText::new(
                            "Select a team to see its members, who feeds each role and whether it is in sync.",
                        )
                        .italics(),
                    );
                }
            }
        });
    }

    fn team_list(&mut self, ui: &mut Ui, view: &View, project: &str, actions: &mut Vec<Action>) {
        let d = view.directory;
        ui.heading(names::display_safe(project));
        widgets::search_box(
            ui,
            &mut self.search,
            "Search teams",
            &Tab::Teams.search_id(),
        );
        let key = (
            view.generation,
            view.mappings_version,
            project.to_string(),
            self.search.clone(),
        );
        let okta = view.okta_push();
        let rows = self.rows.get(key, || {
            team_rows(d, view.mappings, project, &self.search, okta)
        });
        let missing = self
            .not_imported
            .get((view.generation, project.to_string()), || {
                teams_not_imported(d, project)
            });
        if okta && !missing.is_empty() {
            not_imported_banner(ui, view, missing, actions);
        }
        egui::ScrollArea::vertical()
            .id_salt("teams-scroll")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                a11y::list(ui, "Team list", rows.len(), |ui| {
                for (k, row) in rows.iter().enumerate() {
                    let text = format!(
                        "{}  ({}){}{}",
                        names::display_safe(&row.name),
                        row.members,
                        if row.pushed { "  · pushed" } else { "" },
                        if row.not_in_okta {
                            "  · not in Okta yet"
                        } else {
                            ""
                        }
                    );
                    let selected = view.sel.team.as_deref() == Some(row.name.as_str());
                    let r = ui.selectable_label(selected, text);
                    a11y::option(&r, selected, k, rows.len());
                    let r = if row.not_in_okta {
                        r.on_hover_text("Okta has not imported this team's groups yet, so Okta cannot link to them")
                    } else {
                        r
                    };
                    if r.clicked() {
                        actions.push(Action::SelectTeam(row.name.clone()));
                    }
                }
                });
                if d.teams().get(project).is_some_and(|t| t.is_empty()) {
                    ui.label(
                        RichText::new("No teams yet. Push a group with Create to make one.")
                            .italics(),
                    );
                }
                if let Some(pg) = d.project_groups().get(project) {
                    ui.separator();
                    ui.label(RichText::new("Project roles").strong());
                    for role in Role::ALL {
                        if let Some(i) = pg.get(role) {
                            let g = &d.statsig_groups[i];
                            ui.label(format!("{role}: {}", plural(g.members.len(), "member")))
                                .on_hover_text(&g.display_name);
                        }
                    }
                }
            });
    }

    fn team_detail(
        &mut self,
        ui: &mut Ui,
        view: &View,
        project: &str,
        team: &str,
        groups: &TeamGroups,
        actions: &mut Vec<Action>,
    ) {
        let d = view.directory;
        ui.horizontal(|ui| {
            ui.heading(format!(
                "{} · {}",
                names::display_safe(team),
                names::display_safe(project)
            ));
            if ui
                .button("Export CSV…")
                .on_hover_text("The team's members by role, for spreadsheets")
                .clicked()
            {
                actions.push(csv_action(d, project, team, groups));
            }
        });
        let key = (
            view.generation,
            view.mappings_version,
            project.to_string(),
            team.to_string(),
        );
        let feeds = self.feeds.get(key, || {
            Role::ALL.map(|role| {
                let i = groups.get(role)?;
                let m = rules::pushing_to(view.mappings, &d.statsig_groups[i].id)?;
                let differences =
                    plan::plan_push(d, &m.okta_group_id, &m.statsig_group_id, usize::MAX)
                        .ok()
                        .map(|p| p.change_count());
                Some(Feed {
                    mapping: m.clone(),
                    differences,
                })
            })
        });
        let fed_by: Vec<&crate::model::mapping::Mapping> =
            feeds.iter().flatten().map(|f| &f.mapping).collect();
        super::timeline::section(
            ui,
            view,
            "team",
            &crate::model::history::Subject::team(d, project, team, fed_by),
            actions,
        );
        for (k, role) in Role::ALL.into_iter().enumerate() {
            let Some(i) = groups.get(role) else {
                ui.label(format!("No {role} group."));
                continue;
            };
            let group = &d.statsig_groups[i];
            ui.add_space(6.0);
            ui.horizontal_wrapped(|ui| {
                let count = if d.statsig_read {
                    group.members.len().to_string()
                } else {
                    "?".into()
                };
                ui.label(RichText::new(format!("{role}s ({count})")).strong());
                match &feeds[k] {
                    Some(f) => feed_line(ui, f, actions),
                    None => {
                        ui.label(RichText::new("not pushed from Okta").italics());
                    }
                }
                if view.okta_push() && d.app_group_for(&group.id).is_none() {
                    widgets::pill(ui, Pill::Warn, "not imported into Okta").on_hover_text(
                        format!(
                            "Okta cannot link to it until it imports it: in Okta, open Applications > {} > Import and click Import Now",
                            d.app.label()
                        ),
                    );
                }
            });
            if d.statsig_read {
                members_table(ui, d, role, &group.members, actions);
            } else {
                ui.label(
                    RichText::new("Members unknown: no Statsig token is set (Settings). Okta still pushes; verify needs the token.")
                        .italics(),
                );
            }
        }
    }
}

/// Okta push: the teams of `project` (by name) with a role group Okta has not imported.
fn teams_not_imported(d: &Directory, project: &str) -> Vec<String> {
    if d.app.app.is_none() || !d.statsig_read {
        return Vec::new();
    }
    let Some(teams) = d.teams().get(project) else {
        return Vec::new();
    };
    teams
        .iter()
        .filter(|(_, groups)| {
            Role::ALL
                .iter()
                .filter_map(|r| groups.get(*r))
                .any(|i| d.app_group_for(&d.statsig_groups[i].id).is_none())
        })
        .map(|(t, _)| t.clone())
        .collect()
}

/// Okta push: which teams of this project Okta has not imported, and where to click in
/// Okta.
fn not_imported_banner(ui: &mut Ui, view: &View, missing: &[String], actions: &mut Vec<Action>) {
    let label = view.directory.app.label().to_string();
    let shown: Vec<String> = missing
        .iter()
        .take(3)
        .map(|t| names::display_safe(t))
        .collect();
    let more = match missing.len().saturating_sub(shown.len()) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    widgets::warn_text(
        ui,
        format!(
            "{} of this project {} not imported into Okta yet: {}{more}.",
            plural(missing.len(), "team"),
            if missing.len() == 1 { "is" } else { "are" },
            shown.join(", ")
        ),
    )
    .on_hover_text(format!(
        "Okta has no API for importing: in Okta, open Applications > {label} > Import and click Import Now, then Refresh here."
    ));
    if view.connection.is_some_and(|c| c.demo)
        && widgets::send_button(ui, view.can_send, true, "Import Now (sandbox)")
            .on_hover_text("The demo's stand-in for the Import Now button in Okta's app; real Okta has no API for it")
            .clicked()
    {
        actions.push(Action::Send(crate::engine::runner::Command::ImportNow));
    }
    ui.separator();
}

fn team_rows(
    d: &Directory,
    mappings: &[Mapping],
    project: &str,
    search: &str,
    okta: bool,
) -> Vec<TeamRow> {
    let Some(teams) = d.teams().get(project) else {
        return Vec::new();
    };
    teams
        .iter()
        .filter(|(t, _)| widgets::matches(search, &[t]))
        .map(|(t, groups)| {
            let ids: Vec<usize> = Role::ALL.iter().filter_map(|r| groups.get(*r)).collect();
            TeamRow {
                name: t.clone(),
                members: ids.iter().map(|&i| d.statsig_groups[i].members.len()).sum(),
                pushed: ids
                    .iter()
                    .any(|&i| rules::pushing_to(mappings, &d.statsig_groups[i].id).is_some()),
                not_in_okta: okta
                    && d.statsig_read
                    && ids
                        .iter()
                        .any(|&i| d.app_group_for(&d.statsig_groups[i].id).is_none()),
            }
        })
        .collect()
}

fn feed_line(ui: &mut Ui, f: &Feed, actions: &mut Vec<Action>) {
    ui.label(format!(
        "fed by Okta group \"{}\"",
        names::display_safe(&f.mapping.okta_group_name)
    ));
    match f.differences {
        Some(0) => widgets::pill(ui, Pill::Good, "In sync"),
        Some(n) => widgets::pill(ui, Pill::Warn, &plural(n, "difference")),
        None => widgets::pill(ui, Pill::Bad, "Cannot compare"),
    };
    if ui.small_button("Compare").clicked() {
        actions.push(Action::SelectMapping(f.mapping.id.clone()));
        actions.push(Action::SetTab(Tab::Verify));
    }
}

/// Every member of one role, each on its row: the table grows with the page, never
/// hiding rows in a scroll area of its own.
fn members_table(
    ui: &mut Ui,
    d: &Directory,
    role: Role,
    members: &[String],
    actions: &mut Vec<Action>,
) {
    let rows: Vec<(String, String)> = members
        .iter()
        .map(|id| match d.statsig_user(id) {
            Some(u) => (u.display_name(), u.user_name.clone()),
            None => (String::from("(unknown user)"), id.clone()),
        })
        .collect();
    a11y::table(ui, &format!("{role} list"), rows.len(), 3, |ui| {
        TableBuilder::new(ui)
            .id_salt(("members", role))
            .striped(true)
            // Right-clicks reach the row (its context menu), the cells' widgets first; the
            // cells take no focus (the row's Explain… button is the keyboard's way).
            .sense(egui::Sense::CLICK)
            .vscroll(false)
            .column(
                Column::initial(200.0)
                    .at_least(100.0)
                    .resizable(true)
                    .clip(true),
            )
            .column(
                Column::initial(260.0)
                    .at_least(120.0)
                    .resizable(true)
                    .clip(true),
            )
            .column(Column::remainder().at_least(80.0))
            .header(ROW, |mut h| {
                a11y::header(&mut h, &["Name", "Email", "Team role"])
            })
            .body(|mut body| {
                let a11y_rows = a11y::Rows::new(&mut body, 3, false);
                body.rows(ROW, rows.len(), |mut row| {
                    let (name, email) = &rows[row.index()];
                    row.col(|ui| {
                        widgets::elided(ui, &names::display_safe(name));
                    });
                    row.col(|ui| {
                        widgets::elided(ui, &names::display_safe(email));
                    });
                    row.col(|ui| {
                        super::person_row::last_cell(ui, email, actions, |ui| {
                            ui.label(role.as_str());
                        });
                    });
                    super::person_row::menu(&row.response(), email, actions);
                    a11y_rows.row(row.index(), false, &[]);
                });
            });
    });
}

fn csv_action(d: &Directory, project: &str, team: &str, groups: &TeamGroups) -> Action {
    let mut rows = Vec::new();
    for role in Role::ALL {
        for uid in groups
            .get(role)
            .map(|i| d.statsig_groups[i].members.as_slice())
            .unwrap_or_default()
        {
            let (name, email) = d
                .statsig_user(uid)
                .map(|u| (u.display_name(), u.user_name.clone()))
                .unwrap_or_default();
            rows.push(vec![
                project.to_string(),
                team.to_string(),
                role.to_string(),
                name,
                email,
            ]);
        }
    }
    Action::PickFile {
        job: FileJob::ExportCsv {
            header: ["project", "team", "role", "name", "email"]
                .map(String::from)
                .to_vec(),
            rows,
        },
        suggested: format!("{project}-{team}-members.csv"),
    }
}

fn unreadable(ui: &mut Ui, d: &Directory, actions: &mut Vec<Action>) {
    ui.heading("Unreadable Statsig group names");
    ui.label("These groups start with \"Statsig-\" but cannot be read as one project, team and role; they are never offered as teams and never pushed. When a name reads two ways, list the Statsig organization's projects: then each name reads one way.");
    if ui
        .button("List the projects…")
        .on_hover_text("Opens Settings with the projects read so far, to correct and save")
        .clicked()
    {
        actions.push(Action::Open(crate::ui::action::Open::Settings));
    }
    egui::ScrollArea::vertical().show(ui, |ui| {
        for u in d.unreadable() {
            ui.add_space(4.0);
            ui.label(
                RichText::new(names::display_safe(&d.statsig_groups[u.group].display_name))
                    .strong(),
            );
            ui.label(&u.reason);
        }
    });
}

/// The teams of the selected project, for arrow keys.
pub fn team_names(view: &View, search: &str) -> Vec<String> {
    view.sel
        .project
        .as_ref()
        .and_then(|p| view.directory.teams().get(p))
        .map(|t| {
            t.keys()
                .filter(|k| widgets::matches(search, &[k]))
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

impl TeamsTab {
    /// The search text (arrow keys move through what it shows).
    pub fn search(&self) -> &str {
        &self.search
    }
}
