//! The panels and tabs. They read the app's state and push [`Action`]s; they never do IO.

use super::app::{Action, App, EngineAction, Tab};
use super::widgets::{self, Pill};
use crate::engine::runner::Activity;
use crate::engine::state::MappingStatus;
use crate::model::names::{self, Role};
use crate::model::plan::{self, Plan};
use crate::model::{Directory, OktaGroup};
use egui::{Color32, RichText, Ui};
use egui_extras::{Column, TableBuilder};

const ROW: f32 = 22.0;

/// The id of each tab's search field (Ctrl+F focuses it).
pub fn search_id(tab: Tab) -> String {
    format!("search-{tab:?}")
}

fn search_box(ui: &mut Ui, text: &mut String, hint: &str, id: &str) {
    ui.add(
        egui::TextEdit::singleline(text)
            .hint_text(hint.to_string())
            .id(egui::Id::unique(id))
            .desired_width(f32::INFINITY),
    );
}

fn matches(needle: &str, hay: &[&str]) -> bool {
    let n = needle.trim().to_lowercase();
    n.is_empty() || hay.iter().any(|h| h.to_lowercase().contains(&n))
}

pub fn top_bar(app: &mut App, ui: &mut Ui, actions: &mut Vec<Action>) {
    egui::Panel::top("top").show(ui, |ui| {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                let can = app.can_send();
                if widgets::explain(
                    ui.add_enabled(can.is_ok(), egui::Button::new("Import / Refresh")),
                    app.can_send(),
                )
                .clicked()
                {
                    actions.push(Action::Engine(EngineAction::Import));
                }
                if ui.button("Settings…").clicked() {
                    actions.push(Action::OpenSettings);
                }
                if ui.button("Use demo sandbox").clicked() {
                    actions.push(Action::Engine(EngineAction::UseDemo));
                }
                if app.connection.as_ref().is_some_and(|c| c.demo)
                    && ui
                        .button("Reset demo data")
                        .on_hover_text("Start the demo over: fresh data, no mappings")
                        .clicked()
                {
                    actions.push(Action::Engine(EngineAction::ResetDemo));
                }
                ui.separator();
                if ui.button("Open snapshot…").clicked() {
                    actions.push(Action::Engine(EngineAction::OpenSnapshot(None)));
                }
                ui.add_enabled_ui(!app.persisted.recent.is_empty(), |ui| {
                    ui.menu_button("Open recent", |ui| {
                        for p in &app.persisted.recent {
                            let name = p
                                .file_name()
                                .map(|n| n.to_string_lossy().to_string())
                                .unwrap_or_default();
                            if ui
                                .button(name)
                                .on_hover_text(p.display().to_string())
                                .clicked()
                            {
                                actions.push(Action::Engine(EngineAction::OpenSnapshot(Some(
                                    p.clone(),
                                ))));
                            }
                        }
                    });
                });
                let has_data = app.imported_once;
                if ui
                    .add_enabled(has_data, egui::Button::new("Export snapshot…"))
                    .clicked()
                {
                    actions.push(Action::Engine(EngineAction::ExportSnapshot {
                        redact: false,
                    }));
                }
                if ui
                    .add_enabled(has_data, egui::Button::new("Export redacted snapshot…"))
                    .on_hover_text("Emails and names become stable pseudonyms, for sharing")
                    .clicked()
                {
                    actions.push(Action::Engine(EngineAction::ExportSnapshot {
                        redact: true,
                    }));
                }
                if ui
                    .add_enabled(has_data, egui::Button::new("Compare with snapshot…"))
                    .on_hover_text("What changed between a snapshot file and what is shown now")
                    .clicked()
                {
                    actions.push(Action::Engine(EngineAction::Compare));
                }
                if app.snapshot.is_some() && ui.button("Close snapshot").clicked() {
                    actions.push(Action::Engine(EngineAction::CloseSnapshot));
                }
            });
            ui.menu_button("View", |ui| {
                let label = if app.persisted.dark {
                    "Light theme"
                } else {
                    "Dark theme"
                };
                if ui.button(label).clicked() {
                    actions.push(Action::ToggleTheme);
                }
            });
            ui.separator();
            match (&app.snapshot, &app.connection) {
                (Some(s), _) => {
                    let from = if s.source.demo {
                        "the demo sandbox".to_string()
                    } else {
                        format!("{} and {}", s.source.okta_url, s.source.statsig_url)
                    };
                    ui.label(
                        RichText::new(format!(
                            " Snapshot taken {}{} (read-only) ",
                            widgets::short_time(&s.taken_at),
                            if s.redacted { ", redacted" } else { "" }
                        ))
                        .strong()
                        .color(Color32::BLACK)
                        .background_color(Color32::from_rgb(147, 197, 253)),
                    )
                    .on_hover_text(format!("From {from}\n{}", s.path.display()));
                    if ui.button("Close snapshot").clicked() {
                        actions.push(Action::Engine(EngineAction::CloseSnapshot));
                    }
                }
                (None, Some(c)) if c.demo => {
                    ui.label(
                        RichText::new(" Demo sandbox ")
                            .strong()
                            .color(Color32::BLACK)
                            .background_color(Color32::from_rgb(250, 204, 21)),
                    )
                    .on_hover_text(format!(
                        "Local emulators with demo data.\nStatsig SCIM: {}\nOkta: {}",
                        c.statsig_url, c.okta_url
                    ));
                }
                (None, Some(c)) => {
                    ui.label(RichText::new(&c.label).strong())
                        .on_hover_text(format!(
                            "Statsig SCIM: {}\nOkta: {}",
                            c.statsig_url, c.okta_url
                        ));
                }
                (None, None) => {
                    ui.label(RichText::new("Not connected").italics());
                }
            }
            ui.separator();
            let can = app.can_send();
            let label = if app.imported_once {
                "Refresh"
            } else {
                "Import"
            };
            let r = ui.add_enabled(can.is_ok(), egui::Button::new(label));
            if let Err(why) = can {
                r.clone().on_disabled_hover_text(why);
            }
            if r.clicked() {
                actions.push(Action::Engine(EngineAction::Import));
            }
            if let Some(b) = &app.busy {
                let (fraction, text) = match &b.progress {
                    Some(p) if p.total > 0 => (
                        p.done as f32 / p.total as f32,
                        format!("{}: {} of {} pages", p.stage, p.done, p.total),
                    ),
                    _ => (0.0, b.label.clone()),
                };
                ui.add(
                    egui::ProgressBar::new(fraction.clamp(0.0, 1.0))
                        .desired_width(260.0)
                        .text(text)
                        .animate(true),
                );
                if ui
                    .button("Cancel")
                    .on_hover_text("Stop after the request in flight")
                    .clicked()
                {
                    actions.push(Action::Cancel);
                }
            }
        });
    });
}

pub fn status_bar(app: &mut App, ui: &mut Ui, actions: &mut Vec<Action>) {
    egui::Panel::bottom("status").show(ui, |ui| {
        ui.horizontal(|ui| {
            let d = &app.directory;
            ui.label(format!(
                "{} Statsig users · {} Statsig groups · {} Okta users · {} Okta groups · {} mappings",
                d.statsig_users.len(),
                d.statsig_groups.len(),
                d.okta_users.len(),
                d.okta_groups.len(),
                app.mappings.len()
            ));
            ui.separator();
            let mut watching = app.watching;
            if ui
                .add_enabled(app.connection.is_some() && app.snapshot.is_none(), egui::Checkbox::new(&mut watching, "Watch for changes"))
                .on_hover_text("Every minute: push Okta membership changes of active mappings and look for edits made in Statsig")
                .changed()
            {
                actions.push(Action::Engine(EngineAction::SetWatching(watching)));
            }
            if let Some(last) = app.log.back() {
                ui.separator();
                let color = if last.error { ui.visuals().error_fg_color } else { ui.visuals().weak_text_color() };
                ui.label(RichText::new(&last.text).color(color)).on_hover_text("The full history is in the Activity tab");
            }
        });
    });
}

/// Team counts per project, in the project list's order.
fn project_rows(d: &Directory) -> Vec<(String, usize)> {
    d.teams()
        .iter()
        .map(|(p, t)| (p.clone(), t.len()))
        .collect()
}

pub fn projects_panel(app: &mut App, ui: &mut Ui, actions: &mut Vec<Action>) {
    egui::Panel::left("projects").resizable(true).default_size(220.0).min_size(160.0).show(ui, |ui| {
        ui.heading("Projects");
        search_box(ui, &mut app.sel.project_search, "Search projects", "search-projects");
        ui.add_space(4.0);
        egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
            for (p, teams) in project_rows(&app.directory) {
                if !matches(&app.sel.project_search, &[&p]) {
                    continue;
                }
                let selected = app.persisted.project.as_deref() == Some(p.as_str());
                if ui.selectable_label(selected, format!("{p}  ({teams} team{})", if teams == 1 { "" } else { "s" })).clicked() {
                    actions.push(Action::SelectProject(p.clone()));
                    actions.push(Action::SetTab(Tab::Teams));
                }
            }
            if !app.imported_once && app.busy.is_none() {
                ui.label(RichText::new("Nothing imported yet: press Import.").italics());
            }
            let unreadable = app.directory.unreadable().len();
            if unreadable > 0 {
                ui.separator();
                let selected = app.persisted.project.as_deref() == Some(UNREADABLE);
                if ui
                    .selectable_label(selected, RichText::new(format!("Unreadable names ({unreadable})")).color(ui.visuals().warn_fg_color))
                    .on_hover_text("Statsig-… groups whose names are malformed or read more than one way")
                    .clicked()
                {
                    actions.push(Action::SelectProject(UNREADABLE.into()));
                    actions.push(Action::SetTab(Tab::Teams));
                }
            }
        });
    });
}

/// The pseudo-project listing unreadable group names.
pub const UNREADABLE: &str = "\u{0}unreadable";

pub fn central(app: &mut App, ui: &mut Ui, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        for tab in Tab::ALL {
            let label = match tab {
                Tab::Pushed => {
                    let errors = app
                        .mappings
                        .iter()
                        .filter(|m| matches!(m.status, MappingStatus::Error { .. }))
                        .count();
                    if errors > 0 {
                        format!("{} ({} errors)", tab.label(), errors)
                    } else {
                        tab.label().to_string()
                    }
                }
                _ => tab.label().to_string(),
            };
            if ui
                .selectable_label(app.persisted.tab == tab, label)
                .clicked()
            {
                actions.push(Action::SetTab(tab));
            }
        }
    });
    ui.separator();
    match app.persisted.tab {
        Tab::Teams => teams_tab(app, ui, actions),
        Tab::OktaGroups => okta_tab(app, ui, actions),
        Tab::Pushed => pushed_tab(app, ui, actions),
        Tab::Verify => verify_tab(app, ui, actions),
        Tab::Activity => activity_tab(app, ui),
    }
}

/// The mapping that feeds a Statsig group, if any.
fn feeder<'a>(app: &'a App, statsig_group_id: &str) -> Option<&'a crate::engine::state::Mapping> {
    app.mappings
        .iter()
        .find(|m| m.statsig_group_id == statsig_group_id)
}

fn teams_tab(app: &mut App, ui: &mut Ui, actions: &mut Vec<Action>) {
    let Some(project) = app.persisted.project.clone() else {
        ui.label("Import, then pick a project on the left.");
        return;
    };
    if project == UNREADABLE {
        unreadable_view(app, ui);
        return;
    }
    let d = app.directory.clone();
    let Some(teams) = d.teams().get(&project) else {
        ui.label(format!(
            "Project \"{project}\" is not in the imported data."
        ));
        return;
    };
    egui::Panel::left("team-list")
        .resizable(true)
        .default_size(240.0)
        .show(ui, |ui| {
            ui.heading(names::display_safe(&project));
            search_box(
                ui,
                &mut app.sel.team_search,
                "Search teams",
                &search_id(Tab::Teams),
            );
            egui::ScrollArea::vertical()
                .id_salt("teams-scroll")
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    for (team, groups) in teams {
                        if !matches(&app.sel.team_search, &[team]) {
                            continue;
                        }
                        let count: usize = Role::ALL
                            .iter()
                            .filter_map(|r| groups.get(*r))
                            .map(|i| d.statsig_groups[i].members.len())
                            .sum();
                        let pushed = Role::ALL
                            .iter()
                            .filter_map(|r| groups.get(*r))
                            .any(|i| feeder(app, &d.statsig_groups[i].id).is_some());
                        let text = format!(
                            "{}  ({count}){}",
                            names::display_safe(team),
                            if pushed { "  · pushed" } else { "" }
                        );
                        if ui
                            .selectable_label(app.sel.team.as_deref() == Some(team.as_str()), text)
                            .clicked()
                        {
                            actions.push(Action::SelectTeam(team.clone()));
                        }
                    }
                    if teams.is_empty() {
                        ui.label(
                            RichText::new("No teams yet. Push a group with Create to make one.")
                                .italics(),
                        );
                    }
                    if let Some(pg) = d.project_groups().get(&project) {
                        ui.separator();
                        ui.label(RichText::new("Project roles").strong());
                        for role in Role::ALL {
                            if let Some(i) = pg.get(role) {
                                ui.label(format!(
                                    "{role}: {} members",
                                    d.statsig_groups[i].members.len()
                                ))
                                .on_hover_text(&d.statsig_groups[i].display_name);
                            }
                        }
                    }
                });
        });
    egui::CentralPanel::default().show(ui, |ui| match app.sel.team.clone().and_then(|t| teams.get(&t).map(|g| (t, g.clone()))) {
        Some((team, groups)) => team_detail(app, ui, &d, &project, &team, &groups, actions),
        None => {
            ui.label(RichText::new("Select a team to see its members, who feeds each role and whether it is in sync.").italics());
            ui.add_space(8.0);
            team_size_chart(ui, &d);
        }
    });
}

fn team_size_chart(ui: &mut Ui, d: &Directory) {
    use egui_plot::{Bar, BarChart, Plot};
    let rows = project_rows(d);
    if rows.is_empty() {
        return;
    }
    ui.label(RichText::new("Teams per project").strong());
    let fill = widgets::pill_color(ui, Pill::Busy);
    let bars: Vec<Bar> = rows
        .iter()
        .enumerate()
        .map(|(i, (p, n))| {
            Bar::new(i as f64, *n as f64)
                .name(p)
                .width(0.6)
                .fill(fill.gamma_multiply(0.6))
        })
        .collect();
    let labels: Vec<String> = rows.iter().map(|(p, _)| p.clone()).collect();
    Plot::new("team-sizes")
        .height(180.0)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .show_grid([false, true])
        .include_y(0.0)
        .x_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() < 1e-6 && i >= 0.0 {
                labels.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .show(ui, |p| p.bar_chart(BarChart::new("Teams", bars)));
}

#[allow(clippy::too_many_arguments)]
fn team_detail(
    app: &App,
    ui: &mut Ui,
    d: &Directory,
    project: &str,
    team: &str,
    groups: &crate::model::directory::TeamGroups,
    actions: &mut Vec<Action>,
) {
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
            actions.push(Action::Engine(EngineAction::ExportCsv {
                suggested_name: format!("{project}-{team}-members.csv"),
                header: ["project", "team", "role", "name", "email"]
                    .map(String::from)
                    .to_vec(),
                rows,
            }));
        }
    });
    for role in Role::ALL {
        let Some(i) = groups.get(role) else {
            ui.label(format!("No {role} group."));
            continue;
        };
        let group = &d.statsig_groups[i];
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            ui.label(RichText::new(format!("{role}s ({})", group.members.len())).strong());
            match feeder(app, &group.id) {
                Some(m) => {
                    let plan =
                        plan::plan_push(d, &m.okta_group_id, &m.statsig_group_id, usize::MAX).ok();
                    ui.label(format!("fed by Okta group \"{}\"", m.okta_group_name));
                    match plan {
                        Some(p) if p.is_noop() => widgets::pill(ui, Pill::Good, "In sync"),
                        Some(p) => widgets::pill(
                            ui,
                            Pill::Warn,
                            &format!("{} differences", p.adds.len() + p.removes.len()),
                        ),
                        None => widgets::pill(ui, Pill::Bad, "Cannot compare"),
                    };
                    if ui.small_button("Compare").clicked() {
                        actions.push(Action::SelectMapping(m.id.clone()));
                        actions.push(Action::SetTab(Tab::Verify));
                    }
                }
                None => {
                    ui.label(RichText::new("not pushed from Okta").italics());
                }
            }
        });
        let rows: Vec<(String, String)> = group
            .members
            .iter()
            .map(|id| match d.statsig_user(id) {
                Some(u) => (u.display_name(), u.user_name.clone()),
                None => (String::from("(unknown user)"), id.clone()),
            })
            .collect();
        TableBuilder::new(ui)
            .id_salt(("members", role))
            .striped(true)
            .column(Column::initial(200.0).resizable(true))
            .column(Column::initial(260.0).resizable(true))
            .column(Column::remainder())
            .max_scroll_height(220.0)
            .header(ROW, |mut h| {
                h.col(|ui| {
                    ui.strong("Name");
                });
                h.col(|ui| {
                    ui.strong("Email");
                });
                h.col(|ui| {
                    ui.strong("Team role");
                });
            })
            .body(|body| {
                body.rows(ROW, rows.len(), |mut row| {
                    let (name, email) = &rows[row.index()];
                    row.col(|ui| {
                        ui.label(names::display_safe(name));
                    });
                    row.col(|ui| {
                        ui.label(names::display_safe(email));
                    });
                    row.col(|ui| {
                        ui.label(role.as_str());
                    });
                });
            });
    }
}

fn unreadable_view(app: &App, ui: &mut Ui) {
    ui.heading("Unreadable Statsig group names");
    ui.label("These groups start with \"Statsig-\" but cannot be read as one project, team and role. List the projects in Settings if a name reads two ways.");
    let d = &app.directory;
    for u in d.unreadable() {
        ui.add_space(4.0);
        ui.label(
            RichText::new(names::display_safe(&d.statsig_groups[u.group].display_name)).strong(),
        );
        ui.label(&u.reason);
    }
}

fn okta_tab(app: &mut App, ui: &mut Ui, actions: &mut Vec<Action>) {
    let d = app.directory.clone();
    ui.horizontal(|ui| {
        let can = app.can_send();
        let r = widgets::explain(
            ui.add_enabled(can.is_ok(), egui::Button::new("New mapping group…")),
            app.can_send(),
        );
        if r.clicked() {
            actions.push(Action::OpenGroupBuilder { from_group: None });
        }
        let r = widgets::explain(
            ui.add_enabled(can.is_ok(), egui::Button::new("Push groups…")),
            app.can_send(),
        );
        if r.clicked() {
            actions.push(Action::OpenPush {
                okta_group: app.sel.okta_group.clone(),
            });
        }
    });
    search_box(
        ui,
        &mut app.sel.group_search,
        "Search Okta groups",
        &search_id(Tab::OktaGroups),
    );
    let rows: Vec<&OktaGroup> = d
        .okta_groups
        .iter()
        .filter(|g| matches(&app.sel.group_search, &[&g.name, &g.description]))
        .collect();
    egui::Panel::right("okta-members")
        .resizable(true)
        .default_size(420.0)
        .show(ui, |ui| {
            match app.sel.okta_group.as_ref().and_then(|id| d.okta_group(id)) {
                Some(g) => okta_group_detail(app, ui, &d, g, actions),
                None => {
                    ui.label(
                        RichText::new("Select a group to see its members and where it is pushed.")
                            .italics(),
                    );
                }
            }
        });
    TableBuilder::new(ui)
        .id_salt("okta-groups")
        .striped(true)
        .sense(egui::Sense::click())
        .column(Column::initial(260.0).resizable(true))
        .column(Column::initial(90.0))
        .column(Column::initial(70.0))
        .column(Column::remainder())
        .header(ROW, |mut h| {
            for t in ["Group", "Type", "Members", "Pushed to"] {
                h.col(|ui| {
                    ui.strong(t);
                });
            }
        })
        .body(|body| {
            body.rows(ROW, rows.len(), |mut row| {
                let g = rows[row.index()];
                row.set_selected(app.sel.okta_group.as_deref() == Some(g.id.as_str()));
                row.col(|ui| {
                    ui.add(egui::Label::new(names::display_safe(&g.name)).selectable(false));
                });
                row.col(|ui| {
                    ui.label(&g.kind);
                });
                row.col(|ui| {
                    ui.label(g.members.len().to_string());
                });
                row.col(|ui| {
                    if let Some(m) = app.mappings.iter().find(|m| m.okta_group_id == g.id) {
                        ui.label(&m.statsig_group_name);
                    }
                });
                if row.response().clicked() {
                    actions.push(Action::SelectOktaGroup(g.id.clone()));
                }
                if row.response().double_clicked() {
                    actions.push(Action::OpenPush {
                        okta_group: Some(g.id.clone()),
                    });
                }
            });
        });
    if rows.is_empty() && app.imported_once {
        ui.label("No Okta group matches.");
    }
}

fn okta_group_detail(
    app: &App,
    ui: &mut Ui,
    d: &Directory,
    g: &OktaGroup,
    actions: &mut Vec<Action>,
) {
    ui.heading(names::display_safe(&g.name));
    if !g.description.is_empty() {
        ui.label(&g.description);
    }
    match app.mappings.iter().find(|m| m.okta_group_id == g.id) {
        Some(m) => {
            ui.horizontal(|ui| {
                ui.label(format!("Pushed to {}", m.statsig_group_name));
                widgets::status_pill(ui, &m.status);
            });
        }
        None => {
            ui.label("Not pushed.");
        }
    }
    ui.horizontal(|ui| {
        let can = app.can_send().is_ok();
        if widgets::explain(
            ui.add_enabled(can, egui::Button::new("Push this group…")),
            app.can_send(),
        )
        .clicked()
        {
            actions.push(Action::OpenPush {
                okta_group: Some(g.id.clone()),
            });
        }
        if widgets::explain(
            ui.add_enabled(can, egui::Button::new("Copy into a new mapping group…")),
            app.can_send(),
        )
        .clicked()
        {
            actions.push(Action::OpenGroupBuilder {
                from_group: Some(g.id.clone()),
            });
        }
        if ui
            .button("Export CSV…")
            .on_hover_text("The group's members, for spreadsheets")
            .clicked()
        {
            let rows = g
                .members
                .iter()
                .filter_map(|uid| d.okta_user(uid))
                .map(|u| {
                    vec![
                        g.name.clone(),
                        u.display_name(),
                        u.email.clone(),
                        u.status.clone(),
                        d.statsig_user_for(u).is_some().to_string(),
                    ]
                })
                .collect();
            actions.push(Action::Engine(EngineAction::ExportCsv {
                suggested_name: format!("{}-members.csv", g.name),
                header: ["group", "name", "email", "okta_status", "in_statsig"]
                    .map(String::from)
                    .to_vec(),
                rows,
            }));
        }
    });
    ui.label(RichText::new(format!("{} members", g.members.len())).strong());
    TableBuilder::new(ui)
        .id_salt("okta-group-members")
        .striped(true)
        .column(Column::initial(150.0).resizable(true))
        .column(Column::initial(200.0).resizable(true))
        .column(Column::remainder())
        .header(ROW, |mut h| {
            for t in ["Name", "Email", "Status"] {
                h.col(|ui| {
                    ui.strong(t);
                });
            }
        })
        .body(|body| {
            body.rows(ROW, g.members.len(), |mut row| {
                let uid = &g.members[row.index()];
                let u = d.okta_user(uid);
                row.col(|ui| {
                    ui.label(
                        u.map(|u| names::display_safe(&u.display_name()))
                            .unwrap_or_else(|| uid.clone()),
                    );
                });
                row.col(|ui| {
                    ui.label(u.map(|u| names::display_safe(&u.email)).unwrap_or_default());
                });
                row.col(|ui| {
                    if let Some(u) = u {
                        let in_statsig = d.statsig_user_for(u).is_some();
                        let text = match (u.is_active(), in_statsig) {
                            (true, true) => "active".to_string(),
                            (true, false) => "not in Statsig".to_string(),
                            (false, _) => u.status.to_lowercase(),
                        };
                        ui.label(text);
                    }
                });
            });
        });
}

fn pushed_tab(app: &mut App, ui: &mut Ui, actions: &mut Vec<Action>) {
    let errors = app
        .mappings
        .iter()
        .filter(|m| matches!(m.status, MappingStatus::Error { .. }))
        .count();
    ui.horizontal(|ui| {
        let can = app.can_send();
        if widgets::explain(
            ui.add_enabled(can.is_ok(), egui::Button::new("Push groups…")),
            app.can_send(),
        )
        .clicked()
        {
            actions.push(Action::OpenPush { okta_group: None });
        }
        ui.toggle_value(&mut app.sel.errors_only, format!("Errors ({errors})"));
        if widgets::explain(
            ui.add_enabled(can.is_ok() && errors > 0, egui::Button::new("Retry all")),
            app.can_send(),
        )
        .clicked()
        {
            actions.push(Action::Engine(EngineAction::RetryAll));
        }
        if widgets::explain(
            ui.add_enabled(
                can.is_ok() && !app.mappings.is_empty(),
                egui::Button::new("Check now"),
            ),
            app.can_send(),
        )
        .on_hover_text("Run one watch cycle now")
        .clicked()
        {
            actions.push(Action::Engine(EngineAction::WatchNow));
        }
    });
    search_box(
        ui,
        &mut app.sel.mapping_search,
        "Search pushed groups",
        &search_id(Tab::Pushed),
    );
    if app.mappings.is_empty() {
        ui.add_space(8.0);
        ui.label(RichText::new("No pushed groups yet. Use Push groups… to link an Okta group to a Statsig team or create one.").italics());
        return;
    }
    let shown: Vec<usize> = app
        .mappings
        .iter()
        .enumerate()
        .filter(|(_, m)| {
            !app.sel.errors_only
                || matches!(
                    m.status,
                    MappingStatus::Error { .. } | MappingStatus::NeedsConfirmation { .. }
                )
        })
        .filter(|(_, m)| {
            matches(
                &app.sel.mapping_search,
                &[&m.okta_group_name, &m.statsig_group_name],
            )
        })
        .map(|(i, _)| i)
        .collect();
    // The selected mapping's details and actions; the first one shown when none is.
    let selected = app
        .sel
        .mapping
        .as_ref()
        .and_then(|id| shown.iter().copied().find(|&i| &app.mappings[i].id == id))
        .or_else(|| shown.first().copied());
    if let Some(i) = selected {
        egui::Panel::right("mapping-detail")
            .resizable(true)
            .default_size(440.0)
            .min_size(300.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("mapping-detail-scroll")
                    .show(ui, |ui| mapping_detail(app, ui, &app.mappings[i], actions));
            });
    }
    // Only the visible rows are laid out, however many mappings there are.
    TableBuilder::new(ui)
        .id_salt("mappings")
        .striped(true)
        .sense(egui::Sense::click())
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::exact(96.0))
        .column(
            Column::initial(130.0)
                .at_least(60.0)
                .resizable(true)
                .clip(true),
        )
        .column(
            Column::initial(220.0)
                .at_least(80.0)
                .resizable(true)
                .clip(true),
        )
        .column(Column::remainder().clip(true))
        .header(ROW, |mut h| {
            for t in ["Status", "Okta group", "Statsig group", "Last push"] {
                h.col(|ui| {
                    ui.strong(t);
                });
            }
        })
        .body(|body| {
            body.rows(ROW + 8.0, shown.len(), |mut row| {
                let m = &app.mappings[shown[row.index()]];
                row.set_selected(Some(shown[row.index()]) == selected);
                row.col(|ui| {
                    widgets::status_pill(ui, &m.status);
                });
                row.col(|ui| {
                    ui.add(
                        egui::Label::new(names::display_safe(&m.okta_group_name)).selectable(false),
                    );
                });
                row.col(|ui| {
                    ui.add(
                        egui::Label::new(names::display_safe(&m.statsig_group_name))
                            .selectable(false),
                    );
                });
                row.col(|ui| {
                    let when = m
                        .last_push
                        .as_deref()
                        .and_then(|t| t.get(5..16))
                        .map(|t| t.replace('T', " "))
                        .unwrap_or_else(|| "never".into());
                    ui.label(when).on_hover_text(
                        m.last_push
                            .as_deref()
                            .map(widgets::short_time)
                            .unwrap_or_default(),
                    );
                });
                if row.response().clicked() {
                    actions.push(Action::SelectMapping(m.id.clone()));
                }
            });
        });
}

/// One mapping: what its last push did, why it failed or waits, and what can be done.
fn mapping_detail(
    app: &App,
    ui: &mut Ui,
    m: &crate::engine::state::Mapping,
    actions: &mut Vec<Action>,
) {
    let can = app.can_send();
    ui.horizontal(|ui| {
        widgets::status_pill(ui, &m.status);
        ui.label(RichText::new(names::display_safe(&m.okta_group_name)).strong());
        ui.label("->");
        ui.label(RichText::new(names::display_safe(&m.statsig_group_name)).strong());
    });
    let last = m
        .last_push
        .as_deref()
        .map(widgets::short_time)
        .unwrap_or_else(|| "never".into());
    let counts = m
        .last_counts
        .map(|c| {
            format!(
                " ({} added, {} removed, {} not pushable, {} requests)",
                c.added, c.removed, c.skipped, c.requests
            )
        })
        .unwrap_or_default();
    ui.label(format!("Last push: {last}{counts}"));
    if let MappingStatus::Error { at, cause, request } = &m.status {
        ui.colored_label(
            ui.visuals().error_fg_color,
            format!("Failed {}: {cause}", widgets::short_time(at)),
        );
        if let Some(r) = request {
            ui.label(RichText::new(format!("Failing request: {r}")).monospace());
        }
    }
    if let MappingStatus::NeedsConfirmation {
        at,
        removals,
        members,
    } = &m.status
    {
        ui.colored_label(
            ui.visuals().warn_fg_color,
            format!("Stopped {}: this push would remove {removals} of {members} members, more than the deletion guard allows. Nothing was sent.", widgets::short_time(at)),
        );
        if widgets::explain(
            ui.add_enabled(
                can.is_ok(),
                egui::Button::new(format!("Confirm {removals} removals…")),
            ),
            app.can_send(),
        )
        .clicked()
        {
            actions.push(Action::OpenConfirmRemovals(m.id.clone()));
        }
    }
    if let Some(dr) = &m.drift {
        ui.colored_label(
            ui.visuals().warn_fg_color,
            format!(
                "Changed in Statsig since the last push: {} added, {} removed. Nothing is pushed over these edits until you choose:",
                dr.added_in_statsig.len(),
                dr.removed_in_statsig.len()
            ),
        );
        ui.horizontal(|ui| {
            use crate::model::mapping::DriftChoice;
            let ok = can.is_ok();
            if widgets::explain(
                ui.add_enabled(ok, egui::Button::new("Overwrite from Okta")),
                app.can_send(),
            )
            .on_hover_text("Push Okta's membership over the edits")
            .clicked()
            {
                actions.push(Action::Engine(EngineAction::ResolveDrift(
                    m.id.clone(),
                    DriftChoice::Overwrite,
                )));
            }
            if widgets::explain(
                ui.add_enabled(
                    ok && !dr.added_in_statsig.is_empty(),
                    egui::Button::new("Adopt into Okta group"),
                ),
                app.can_send(),
            )
            .on_hover_text("Add the members added in Statsig to the Okta group, then push")
            .clicked()
            {
                actions.push(Action::Engine(EngineAction::ResolveDrift(
                    m.id.clone(),
                    DriftChoice::Adopt,
                )));
            }
            if widgets::explain(
                ui.add_enabled(ok, egui::Button::new("Pause mapping")),
                app.can_send(),
            )
            .on_hover_text("Keep Statsig's edits; stop pushing")
            .clicked()
            {
                actions.push(Action::Engine(EngineAction::ResolveDrift(
                    m.id.clone(),
                    DriftChoice::Pause,
                )));
            }
        });
    }
    ui.horizontal(|ui| {
        let ok = can.is_ok();
        if widgets::explain(
            ui.add_enabled(
                ok && m.status != MappingStatus::Inactive,
                egui::Button::new("Push now"),
            ),
            app.can_send(),
        )
        .clicked()
        {
            actions.push(Action::Engine(EngineAction::Push(m.id.clone(), 0)));
        }
        let (label, active) = if m.status == MappingStatus::Inactive {
            ("Activate", true)
        } else {
            ("Deactivate", false)
        };
        if widgets::explain(ui.add_enabled(ok, egui::Button::new(label)), app.can_send()).clicked()
        {
            actions.push(Action::Engine(EngineAction::SetActive(
                m.id.clone(),
                active,
            )));
        }
        if widgets::explain(
            ui.add_enabled(ok, egui::Button::new("Unlink…")),
            app.can_send(),
        )
        .clicked()
        {
            actions.push(Action::OpenUnlink(m.id.clone()));
        }
        if ui.button("Compare").clicked() {
            actions.push(Action::SelectMapping(m.id.clone()));
            actions.push(Action::SetTab(Tab::Verify));
        }
    });
}

fn verify_tab(app: &mut App, ui: &mut Ui, actions: &mut Vec<Action>) {
    if app.mappings.is_empty() {
        ui.label("Push a group first; then compare it here member by member.");
        return;
    }
    let current = app
        .sel
        .mapping
        .clone()
        .filter(|id| app.mappings.iter().any(|m| &m.id == id))
        .unwrap_or_else(|| app.mappings[0].id.clone());
    let Some(m) = app.mappings.iter().find(|m| m.id == current).cloned() else {
        return;
    };
    ui.horizontal(|ui| {
        ui.label("Mapping:");
        egui::ComboBox::from_id_salt("verify-mapping")
            .selected_text(format!("{} -> {}", m.okta_group_name, m.statsig_group_name))
            .show_ui(ui, |ui| {
                for x in &app.mappings {
                    if ui
                        .selectable_label(
                            x.id == m.id,
                            format!("{} -> {}", x.okta_group_name, x.statsig_group_name),
                        )
                        .clicked()
                    {
                        actions.push(Action::SelectMapping(x.id.clone()));
                    }
                }
            });
        if widgets::explain(
            ui.add_enabled(
                app.can_send().is_ok(),
                egui::Button::new("Refresh comparison"),
            ),
            app.can_send(),
        )
        .on_hover_text("Import again to compare with the latest data")
        .clicked()
        {
            actions.push(Action::Engine(EngineAction::Import));
        }
    });
    let plan = match plan::plan_push(
        &app.directory,
        &m.okta_group_id,
        &m.statsig_group_id,
        usize::MAX,
    ) {
        Ok(p) => p,
        Err(e) => {
            ui.colored_label(ui.visuals().error_fg_color, e.to_string());
            return;
        }
    };
    verify_view(ui, &plan);
}

/// Okta members and Statsig members side by side, with each difference marked.
pub fn verify_view(ui: &mut Ui, plan: &Plan) {
    ui.horizontal(|ui| {
        widgets::pill(ui, Pill::Good, &format!("{} in sync", plan.unchanged.len()));
        widgets::pill(
            ui,
            if plan.adds.is_empty() {
                Pill::Neutral
            } else {
                Pill::Warn
            },
            &format!("{} missing in Statsig", plan.adds.len()),
        );
        widgets::pill(
            ui,
            if plan.removes.is_empty() {
                Pill::Neutral
            } else {
                Pill::Bad
            },
            &format!("{} extra in Statsig", plan.removes.len()),
        );
        widgets::pill(
            ui,
            if plan.skipped.is_empty() {
                Pill::Neutral
            } else {
                Pill::Warn
            },
            &format!("{} not provisioned", plan.skipped.len()),
        );
    });
    ui.add_space(6.0);
    // One row per person: (Okta side, Statsig side, verdict, color).
    let mut rows: Vec<(String, String, String, Pill)> = Vec::new();
    for x in &plan.unchanged {
        rows.push((
            x.display.to_string(),
            x.display.to_string(),
            "in sync".into(),
            Pill::Good,
        ));
    }
    for x in &plan.adds {
        rows.push((
            x.display.to_string(),
            String::new(),
            "missing in Statsig".into(),
            Pill::Warn,
        ));
    }
    for x in &plan.removes {
        rows.push((
            String::new(),
            x.display.to_string(),
            "extra in Statsig".into(),
            Pill::Bad,
        ));
    }
    for s in &plan.skipped {
        rows.push((
            s.email.clone(),
            String::new(),
            format!("not provisioned: {}", s.reason),
            Pill::Neutral,
        ));
    }
    rows.sort_by(|a, b| {
        let ka = if a.0.is_empty() { &a.1 } else { &a.0 };
        let kb = if b.0.is_empty() { &b.1 } else { &b.0 };
        ka.to_lowercase().cmp(&kb.to_lowercase())
    });
    TableBuilder::new(ui)
        .id_salt("verify")
        .striped(true)
        .column(Column::initial(280.0).resizable(true))
        .column(Column::initial(280.0).resizable(true))
        .column(Column::remainder())
        .header(ROW, |mut h| {
            for t in ["Okta group member", "Statsig team member", "Difference"] {
                h.col(|ui| {
                    ui.strong(t);
                });
            }
        })
        .body(|body| {
            body.rows(ROW, rows.len(), |mut row| {
                let (okta, statsig, verdict, pill) = &rows[row.index()];
                row.col(|ui| {
                    ui.label(names::display_safe(okta));
                });
                row.col(|ui| {
                    ui.label(names::display_safe(statsig));
                });
                row.col(|ui| {
                    ui.colored_label(widgets::pill_color(ui, *pill), verdict);
                });
            });
        });
}

/// One line of the activity log.
pub fn activity_line(a: &Activity) -> String {
    match a {
        Activity::Request(r) => format!(
            "{:<8} {:<6} {:<60} {:>5} {:>6} ms{}",
            r.service,
            r.method,
            r.path,
            r.status
                .map(|s| s.to_string())
                .unwrap_or_else(|| "-".into()),
            r.duration.as_millis(),
            r.error
                .as_ref()
                .map(|e| format!("  {e}"))
                .unwrap_or_default()
        ),
        Activity::Wait(w) => format!(
            "{:<8} wait   {} {}: {}, retrying in {} s",
            w.service,
            w.method,
            w.path,
            w.reason,
            w.wait.as_secs().max(1)
        ),
    }
}

fn activity_tab(app: &mut App, ui: &mut Ui) {
    search_box(
        ui,
        &mut app.sel.activity_search,
        "Filter requests (method, path, status)",
        &search_id(Tab::Activity),
    );
    let needle = app.sel.activity_search.trim().to_lowercase();
    // Newest first; the filter runs when the text or the log changes, not every frame.
    if !needle.is_empty()
        && app
            .activity_filtered
            .as_ref()
            .is_none_or(|(s, v, _)| *s != needle || *v != app.activity_version)
    {
        let hits = (0..app.activity.len())
            .rev()
            .filter(|&i| app.activity[i].to_lowercase().contains(&needle))
            .collect();
        app.activity_filtered = Some((needle.clone(), app.activity_version, hits));
    }
    let total = app.activity.len();
    let count = if needle.is_empty() {
        total
    } else {
        app.activity_filtered
            .as_ref()
            .map_or(0, |(_, _, v)| v.len())
    };
    ui.label(format!(
        "{count} requests (newest first); tokens are never recorded"
    ));
    let (activity, filtered) = (&app.activity, &app.activity_filtered);
    TableBuilder::new(ui)
        .id_salt("activity")
        .striped(true)
        .column(Column::remainder())
        .body(|body| {
            body.rows(ROW, count, |mut row| {
                let i = if needle.is_empty() {
                    total - 1 - row.index()
                } else {
                    filtered.as_ref().map_or(0, |(_, _, v)| v[row.index()])
                };
                row.col(|ui| {
                    ui.label(RichText::new(&activity[i]).monospace());
                });
            });
        });
}

/// Arrow keys move through the current list.
pub fn step_selection(app: &App, delta: i32, actions: &mut Vec<Action>) {
    fn step<T: Clone + PartialEq>(items: &[T], current: Option<&T>, delta: i32) -> Option<T> {
        if items.is_empty() {
            return None;
        }
        let pos = current.and_then(|c| items.iter().position(|x| x == c));
        let next = match pos {
            Some(p) => (p as i32 + delta).clamp(0, items.len() as i32 - 1) as usize,
            None => 0,
        };
        items.get(next).cloned()
    }
    let d = &app.directory;
    match app.persisted.tab {
        Tab::Teams => {
            let Some(project) = &app.persisted.project else {
                return;
            };
            let teams: Vec<String> = d
                .teams()
                .get(project)
                .map(|t| {
                    t.keys()
                        .filter(|k| matches(&app.sel.team_search, &[k]))
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            if let Some(t) = step(&teams, app.sel.team.as_ref(), delta) {
                actions.push(Action::SelectTeam(t));
            }
        }
        Tab::OktaGroups => {
            let ids: Vec<String> = d
                .okta_groups
                .iter()
                .filter(|g| matches(&app.sel.group_search, &[&g.name, &g.description]))
                .map(|g| g.id.clone())
                .collect();
            if let Some(g) = step(&ids, app.sel.okta_group.as_ref(), delta) {
                actions.push(Action::SelectOktaGroup(g));
            }
        }
        Tab::Pushed | Tab::Verify => {
            let ids: Vec<String> = app.mappings.iter().map(|m| m.id.clone()).collect();
            if let Some(m) = step(&ids, app.sel.mapping.as_ref(), delta) {
                actions.push(Action::SelectMapping(m));
            }
        }
        Tab::Activity => {}
    }
}
