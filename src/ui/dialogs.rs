//! The dialogs: Push Groups (link or create, with a plan preview), the mapping group
//! builder, Unlink (Delete or Leave, with a typed confirmation), and Settings.

use super::app::{Action, App, EngineAction};
use super::widgets::{self, Pill};
use crate::engine::Unlink;
use crate::engine::config::Settings;
use crate::engine::state::{Guard, Mapping};
use crate::model::names::{self, ParsedName, Role};
use crate::model::plan::{self, DEFAULT_BATCH_SIZE};
use crate::model::{Directory, OktaGroup};
use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};
use std::collections::BTreeSet;

pub fn show_all(app: &mut App, ctx: &egui::Context, actions: &mut Vec<Action>) {
    if app.push.is_some() {
        push_dialog(app, ctx, actions);
    }
    if app.builder.is_some() {
        builder_dialog(app, ctx, actions);
    }
    if app.unlink.is_some() {
        unlink_dialog(app, ctx, actions);
    }
    if app.settings.is_some() {
        settings_dialog(app, ctx, actions);
    }
    if app.comparison.is_some() {
        comparison_window(app, ctx);
    }
    if app.confirm.is_some() {
        confirm_dialog(app, ctx, actions);
    }
}

/// What changed between a snapshot file and what is shown: counts, then each change.
fn comparison_window(app: &mut App, ctx: &egui::Context) {
    let mut open = true;
    let Some((path, c)) = &app.comparison else {
        return;
    };
    egui::Window::new("Compare")
        .open(&mut open)
        .resizable(true)
        .default_size([640.0, 480.0])
        .show(ctx, |ui| {
            ui.label(format!("From {} to what is shown now", path.display()));
            ui.add_space(4.0);
            if c.is_empty() {
                widgets::pill(ui, Pill::Good, "No differences");
                return;
            }
            ui.label(RichText::new(c.summary()).strong());
            egui::ScrollArea::vertical().show(ui, |ui| {
                let list = |ui: &mut Ui, title: &str, items: &[String]| {
                    if !items.is_empty() {
                        egui::CollapsingHeader::new(format!("{title} ({})", items.len()))
                            .default_open(true)
                            .show(ui, |ui| {
                                for i in items {
                                    ui.label(names::display_safe(i));
                                }
                            });
                    }
                };
                list(ui, "Teams created", &c.teams_created);
                list(ui, "Teams deleted", &c.teams_deleted);
                if !c.members_changed.is_empty() {
                    egui::CollapsingHeader::new(format!(
                        "Members changed ({} team roles)",
                        c.members_changed.len()
                    ))
                    .default_open(true)
                    .show(ui, |ui| {
                        for r in &c.members_changed {
                            egui::CollapsingHeader::new(format!(
                                "{} · {} · {}: +{} -{}",
                                r.project,
                                r.team,
                                r.role,
                                r.added.len(),
                                r.removed.len()
                            ))
                            .show(ui, |ui| {
                                for a in &r.added {
                                    ui.label(format!("+ {}", names::display_safe(a)));
                                }
                                for a in &r.removed {
                                    ui.colored_label(
                                        ui.visuals().error_fg_color,
                                        format!("- {}", names::display_safe(a)),
                                    );
                                }
                            });
                        }
                    });
                }
                list(ui, "Mappings created", &c.mappings_created);
                list(ui, "Mappings unlinked", &c.mappings_unlinked);
                let changes: Vec<String> = c
                    .status_changes
                    .iter()
                    .map(|s| {
                        format!(
                            "{} -> {}: {} to {}",
                            s.okta_group, s.statsig_group, s.before, s.after
                        )
                    })
                    .collect();
                list(ui, "Status changes", &changes);
            });
        });
    if !open {
        app.comparison = None;
    }
}

fn labelled_text(
    ui: &mut Ui,
    label: &str,
    text: &mut String,
    hint: &str,
    password: bool,
) -> egui::Response {
    ui.horizontal(|ui| {
        let l = ui.add_sized([150.0, 20.0], egui::Label::new(label));
        ui.add(
            egui::TextEdit::singleline(text)
                .hint_text(hint.to_string())
                .password(password)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(l.id)
    })
    .inner
}

fn matches(needle: &str, hay: &str) -> bool {
    let n = needle.trim().to_lowercase();
    n.is_empty() || hay.to_lowercase().contains(&n)
}

// ------------------------------------------------------------------ push

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushMode {
    Link,
    Create,
}

pub struct PushDialog {
    pub okta_search: String,
    pub okta_group: Option<String>,
    pub mode: PushMode,
    pub target_search: String,
    pub target: Option<String>,
    pub project: String,
    pub team: String,
    pub push_now: bool,
    /// The team name, typed to allow removals past the deletion guard.
    pub confirm: String,
}

impl PushDialog {
    pub fn new(okta_group: Option<String>) -> Self {
        PushDialog {
            okta_search: String::new(),
            okta_group,
            mode: PushMode::Link,
            target_search: String::new(),
            target: None,
            project: String::new(),
            team: String::new(),
            push_now: true,
            confirm: String::new(),
        }
    }
}

/// What Save would do, or why it cannot.
/// The removals a Link push would make, when they need the admin's confirmation: the
/// count, the team's name to type, and a sentence saying what would happen.
fn guarded_removals(
    d: &PushDialog,
    dir: &Directory,
    guard: Guard,
) -> Option<(usize, String, String)> {
    let (PushMode::Link, Some(okta), Some(target)) =
        (d.mode, d.okta_group.as_deref(), d.target.as_deref())
    else {
        return None;
    };
    let plan = plan::plan_push(dir, okta, target, DEFAULT_BATCH_SIZE).ok()?;
    let members = plan.removes.len() + plan.unchanged.len();
    if !guard.trips(plan.removes.len(), members) {
        return None;
    }
    let word = match dir
        .statsig_group_index(target)
        .and_then(|i| dir.parsed(i).reading())
    {
        Some(names::NameReading::Team { team, .. }) => team,
        _ => plan.statsig_group_name.clone(),
    };
    let why = format!(
        "This push removes {} of the {members} members of \"{}\", more than the deletion guard allows.",
        plan.removes.len(),
        plan.statsig_group_name
    );
    Some((plan.removes.len(), word, why))
}

fn push_outcome(
    d: &PushDialog,
    dir: &Directory,
    mappings: &[Mapping],
    guard: Guard,
) -> Result<EngineAction, String> {
    let okta = d.okta_group.clone().ok_or("Pick the Okta group to push.")?;
    if let Some(m) = mappings.iter().find(|m| m.okta_group_id == okta) {
        return Err(format!(
            "This Okta group is already pushed to {}.",
            m.statsig_group_name
        ));
    }
    match d.mode {
        PushMode::Link => {
            let target = d
                .target
                .clone()
                .ok_or("Pick the Statsig team group to link to.")?;
            if let Some(m) = mappings.iter().find(|m| m.statsig_group_id == target) {
                return Err(format!(
                    "That group is already pushed from {}.",
                    m.okta_group_name
                ));
            }
            let allowed_removals = match guarded_removals(d, dir, guard) {
                Some((n, word, why)) if d.push_now => {
                    if d.confirm != word {
                        return Err(format!("{why} Type the team name \"{word}\" to allow it."));
                    }
                    n
                }
                _ => 0,
            };
            Ok(EngineAction::Link {
                okta_group_id: okta,
                statsig_group_id: target,
                push_now: d.push_now,
                allowed_removals,
            })
        }
        PushMode::Create => {
            let name = names::validate_new_team(&d.project, &d.team, Role::Member, &dir.projects)
                .map_err(|e| capitalize(&e.to_string()))?;
            if dir.statsig_group_by_name(&name).is_some() {
                return Err(format!(
                    "{name} already exists in Statsig; use Link group instead."
                ));
            }
            Ok(EngineAction::Create {
                okta_group_id: okta,
                project: d.project.clone(),
                team: d.team.clone(),
                push_now: d.push_now,
            })
        }
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

fn push_dialog(app: &mut App, ctx: &egui::Context, actions: &mut Vec<Action>) {
    let dir = app.directory.clone();
    let mut open = true;
    let mut close = false;
    let can_send = app.can_send();
    let guard = app.connection.as_ref().map(|c| c.guard).unwrap_or_default();
    let mappings = &app.mappings;
    // Which groups are taken, by id, once per frame (not once per row).
    let pushed_to: std::collections::HashMap<&str, &str> = mappings
        .iter()
        .map(|m| (m.okta_group_id.as_str(), m.statsig_group_name.as_str()))
        .collect();
    let Some(d) = app.push.as_mut() else { return };
    egui::Window::new("Push Groups")
        .open(&mut open)
        .collapsible(false)
        .resizable(true)
        .default_size([820.0, 620.0])
        .show(ctx, |ui| {
            ui.columns(2, |cols| {
                let ui = &mut cols[0];
                ui.label(RichText::new("1. Okta group to push").strong());
                labelled_text(
                    ui,
                    "Find Okta group",
                    &mut d.okta_search,
                    "name contains…",
                    false,
                );
                let shown: Vec<&OktaGroup> = dir
                    .okta_groups
                    .iter()
                    .filter(|g| matches(&d.okta_search, &g.name))
                    .collect();
                // Only the visible rows are laid out.
                egui::ScrollArea::vertical()
                    .id_salt("push-okta")
                    .max_height(150.0)
                    .show_rows(ui, 22.0, shown.len(), |ui, range| {
                        for g in &shown[range] {
                            let pushed = pushed_to.get(g.id.as_str());
                            let text =
                                format!("{} ({})", names::display_safe(&g.name), g.members.len());
                            let r = ui.add_enabled(
                                pushed.is_none(),
                                egui::Button::selectable(
                                    d.okta_group.as_deref() == Some(g.id.as_str()),
                                    text,
                                ),
                            );
                            if let Some(to) = pushed {
                                r.clone()
                                    .on_disabled_hover_text(format!("Already pushed to {to}"));
                            }
                            if r.clicked() {
                                d.okta_group = Some(g.id.clone());
                            }
                        }
                    });
                ui.add_space(6.0);
                ui.label(RichText::new("2. Match result & push action").strong());
                ui.horizontal(|ui| {
                    ui.radio_value(&mut d.mode, PushMode::Link, "Link group");
                    ui.radio_value(&mut d.mode, PushMode::Create, "Create group");
                });
                match d.mode {
                    PushMode::Link => link_picker(ui, d, &dir, mappings),
                    PushMode::Create => create_form(ui, d, &dir),
                }
                ui.add_space(6.0);
                ui.checkbox(&mut d.push_now, "Push group memberships immediately");
                if let Some((_, word, why)) =
                    guarded_removals(d, &dir, guard).filter(|_| d.push_now)
                {
                    ui.colored_label(ui.visuals().warn_fg_color, why);
                    labelled_text(
                        ui,
                        "Type the team name to allow the removals",
                        &mut d.confirm,
                        &word,
                        false,
                    );
                }

                let ui = &mut cols[1];
                ui.label(RichText::new("Preview").strong());
                preview(ui, d, &dir);
            });
            ui.separator();
            let outcome = push_outcome(d, &dir, mappings, guard);
            if let Err(why) = &outcome {
                ui.colored_label(ui.visuals().warn_fg_color, why);
            }
            ui.horizontal(|ui| {
                let ok = outcome.is_ok() && can_send.is_ok();
                let save = ui.add_enabled(ok, egui::Button::new("Save"));
                let again = widgets::explain(
                    ui.add_enabled(ok, egui::Button::new("Save & Add Another")),
                    can_send,
                );
                if let Err(why) = can_send {
                    save.clone().on_disabled_hover_text(why);
                }
                if let Ok(action) = &outcome {
                    if save.clicked() {
                        actions.push(Action::Engine(action.clone()));
                        close = true;
                    }
                    if again.clicked() {
                        actions.push(Action::Engine(action.clone()));
                        *d = PushDialog::new(None);
                    }
                }
                if ui.button("Cancel").clicked() {
                    close = true;
                }
            });
        });
    if !open || close {
        app.push = None;
    }
}

fn link_picker(ui: &mut Ui, d: &mut PushDialog, dir: &Directory, mappings: &[Mapping]) {
    labelled_text(
        ui,
        "Find team group",
        &mut d.target_search,
        "name contains…",
        false,
    );
    let taken: std::collections::HashMap<&str, &str> = mappings
        .iter()
        .map(|m| (m.statsig_group_id.as_str(), m.okta_group_name.as_str()))
        .collect();
    let shown: Vec<&crate::model::StatsigGroup> = dir
        .statsig_groups
        .iter()
        .enumerate()
        .filter(|(i, g)| {
            matches!(dir.parsed(*i), ParsedName::Team { .. })
                && matches(&d.target_search, &g.display_name)
        })
        .map(|(_, g)| g)
        .collect();
    egui::ScrollArea::vertical()
        .id_salt("push-target")
        .max_height(170.0)
        .show_rows(ui, 22.0, shown.len(), |ui, range| {
            for g in &shown[range] {
                let from = taken.get(g.id.as_str());
                let r = ui.add_enabled(
                    from.is_none(),
                    egui::Button::selectable(
                        d.target.as_deref() == Some(g.id.as_str()),
                        names::display_safe(&g.display_name),
                    ),
                );
                if let Some(from) = from {
                    r.clone()
                        .on_disabled_hover_text(format!("Already pushed from {from}"));
                }
                if r.clicked() {
                    d.target = Some(g.id.clone());
                }
            }
        });
}

fn create_form(ui: &mut Ui, d: &mut PushDialog, dir: &Directory) {
    ui.horizontal(|ui| {
        ui.label("Project");
        egui::ComboBox::from_id_salt("create-project")
            .selected_text(if d.project.is_empty() {
                "Choose a project".to_string()
            } else {
                d.project.clone()
            })
            .show_ui(ui, |ui| {
                for p in &dir.projects {
                    ui.selectable_value(&mut d.project, p.clone(), p);
                }
            });
    });
    labelled_text(ui, "Team name", &mut d.team, "e.g. Checkout Risk", false);
    if !d.project.is_empty() || !d.team.is_empty() {
        let name = names::team_group_name(&d.project, &d.team, Role::Member);
        ui.label(format!("Group name: {}", names::display_safe(&name)));
        match names::validate_new_team(&d.project, &d.team, Role::Member, &dir.projects) {
            Ok(n) if dir.statsig_group_by_name(&n).is_some() => {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    "That team already exists; use Link group.",
                );
            }
            Ok(_) => {
                widgets::pill(ui, Pill::Good, "Valid name");
            }
            Err(e) => {
                ui.colored_label(ui.visuals().error_fg_color, capitalize(&e.to_string()));
            }
        }
    }
}

fn preview(ui: &mut Ui, d: &PushDialog, dir: &Directory) {
    let Some(okta) = d.okta_group.as_deref() else {
        ui.label(RichText::new("Pick an Okta group to see what the push would change.").italics());
        return;
    };
    let result = match (d.mode, d.target.as_deref()) {
        (PushMode::Link, Some(target)) => plan::plan_push(dir, okta, target, DEFAULT_BATCH_SIZE)
            .map(|p| (p.adds, p.removes, p.skipped, p.batches.len())),
        (PushMode::Link, None) => {
            ui.label(RichText::new("Pick the Statsig team group to compare with.").italics());
            return;
        }
        (PushMode::Create, _) => plan::desired_members(dir, okta).map(|(wanted, skipped)| {
            let n = wanted.len().div_ceil(DEFAULT_BATCH_SIZE);
            (wanted, Vec::new(), skipped, n + 1)
        }),
    };
    let (adds, removes, skipped, requests) = match result {
        Ok(r) => r,
        Err(e) => {
            ui.colored_label(ui.visuals().error_fg_color, e.to_string());
            return;
        }
    };
    ui.horizontal_wrapped(|ui| {
        widgets::pill(ui, Pill::Good, &format!("{} to add", adds.len()));
        widgets::pill(
            ui,
            if removes.is_empty() {
                Pill::Neutral
            } else {
                Pill::Bad
            },
            &format!("{} to remove", removes.len()),
        );
        widgets::pill(
            ui,
            if skipped.is_empty() {
                Pill::Neutral
            } else {
                Pill::Warn
            },
            &format!("{} cannot be pushed", skipped.len()),
        );
        widgets::pill(
            ui,
            Pill::Neutral,
            &format!("{requests} request{}", if requests == 1 { "" } else { "s" }),
        );
    });
    if !d.push_now {
        ui.label(
            RichText::new("Memberships will not be pushed now; the mapping is saved Active.")
                .italics(),
        );
    }
    egui::ScrollArea::vertical()
        .id_salt("preview")
        .max_height(360.0)
        .show(ui, |ui| {
            for m in &adds {
                ui.label(format!("+ {}", names::display_safe(&m.display)));
            }
            for m in &removes {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    format!("- {}", names::display_safe(&m.display)),
                );
            }
            for s in &skipped {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    format!("! {}: {}", names::display_safe(&s.email), s.reason),
                );
            }
        });
}

// ------------------------------------------------------------------ mapping group builder

pub struct GroupBuilder {
    pub name: String,
    pub description: String,
    pub search: String,
    pub selected: BTreeSet<String>,
    /// The users the search shows, kept until the search or the directory changes.
    shown: Option<(String, u64, Vec<usize>)>,
}

impl GroupBuilder {
    pub fn new(from: Option<&OktaGroup>) -> Self {
        GroupBuilder {
            name: from
                .map(|g| format!("{} (copy)", g.name))
                .unwrap_or_default(),
            description: String::new(),
            search: String::new(),
            selected: from
                .map(|g| g.members.iter().cloned().collect())
                .unwrap_or_default(),
            shown: None,
        }
    }
}

fn builder_dialog(app: &mut App, ctx: &egui::Context, actions: &mut Vec<Action>) {
    let dir = app.directory.clone();
    let generation = app.generation;
    let can_send = app.can_send();
    let mut open = true;
    let mut close = false;
    let Some(b) = app.builder.as_mut() else {
        return;
    };
    egui::Window::new("New mapping group")
        .open(&mut open)
        .collapsible(false)
        .resizable(true)
        .default_size([640.0, 560.0])
        .show(ctx, |ui| {
            labelled_text(
                ui,
                "Group name",
                &mut b.name,
                "e.g. Checkout Risk Team",
                false,
            );
            labelled_text(ui, "Description", &mut b.description, "optional", false);
            ui.horizontal(|ui| {
                ui.label("Start from group");
                egui::ComboBox::from_id_salt("builder-from")
                    .selected_text("add a group's members…")
                    .show_ui(ui, |ui| {
                        for g in &dir.okta_groups {
                            if ui
                                .selectable_label(
                                    false,
                                    format!(
                                        "{} ({})",
                                        names::display_safe(&g.name),
                                        g.members.len()
                                    ),
                                )
                                .clicked()
                            {
                                b.selected.extend(g.members.iter().cloned());
                            }
                        }
                    });
            });
            labelled_text(
                ui,
                "Find Okta users",
                &mut b.search,
                "name or email contains…",
                false,
            );
            // Filtering 100,000 users is done when the search changes, not every frame.
            if b.shown
                .as_ref()
                .is_none_or(|(s, g, _)| *s != b.search || *g != generation)
            {
                let needle = b.search.trim().to_lowercase();
                let hits = dir
                    .okta_users
                    .iter()
                    .enumerate()
                    .filter(|(_, u)| {
                        needle.is_empty()
                            || u.email.to_lowercase().contains(&needle)
                            || u.display_name().to_lowercase().contains(&needle)
                    })
                    .map(|(i, _)| i)
                    .collect();
                b.shown = Some((b.search.clone(), generation, hits));
            }
            let shown = b
                .shown
                .as_ref()
                .map(|(_, _, v)| v.clone())
                .unwrap_or_default();
            ui.horizontal(|ui| {
                ui.label(format!("{} selected", b.selected.len()));
                if ui.button("Select all shown").clicked() {
                    b.selected
                        .extend(shown.iter().map(|&i| dir.okta_users[i].id.clone()));
                }
                if ui.button("Clear").clicked() {
                    b.selected.clear();
                }
            });
            TableBuilder::new(ui)
                .id_salt("builder-users")
                .striped(true)
                .max_scroll_height(300.0)
                .column(Column::initial(280.0).resizable(true))
                .column(Column::initial(180.0).resizable(true))
                .column(Column::remainder())
                .body(|body| {
                    body.rows(22.0, shown.len(), |mut row| {
                        let u = &dir.okta_users[shown[row.index()]];
                        let mut on = b.selected.contains(&u.id);
                        row.col(|ui| {
                            if ui
                                .checkbox(&mut on, names::display_safe(&u.email))
                                .changed()
                            {
                                if on {
                                    b.selected.insert(u.id.clone());
                                } else {
                                    b.selected.remove(&u.id);
                                }
                            }
                        });
                        row.col(|ui| {
                            ui.label(names::display_safe(&u.display_name()));
                        });
                        row.col(|ui| {
                            let note = match (u.is_active(), dir.statsig_user_for(u).is_some()) {
                                (true, true) => "",
                                (true, false) => "not in Statsig",
                                (false, _) => "inactive",
                            };
                            ui.label(note);
                        });
                    });
                });
            ui.separator();
            let problem = if b.name.trim().is_empty() {
                Some("Type a name for the new Okta group.".to_string())
            } else if dir.okta_group_by_name(b.name.trim()).is_some() {
                Some(format!(
                    "An Okta group named \"{}\" already exists.",
                    b.name.trim()
                ))
            } else {
                None
            };
            if let Some(p) = &problem {
                ui.colored_label(ui.visuals().warn_fg_color, p);
            }
            ui.horizontal(|ui| {
                let create = widgets::explain(
                    ui.add_enabled(
                        problem.is_none() && can_send.is_ok(),
                        egui::Button::new("Create in Okta"),
                    ),
                    can_send,
                );
                if create.clicked() {
                    actions.push(Action::Engine(EngineAction::CreateMappingGroup {
                        name: b.name.trim().to_string(),
                        description: b.description.trim().to_string(),
                        user_ids: b.selected.iter().cloned().collect(),
                    }));
                    close = true;
                }
                if ui.button("Cancel").clicked() {
                    close = true;
                }
            });
        });
    if !open || close {
        app.builder = None;
    }
}

// ------------------------------------------------------------------ unlink

pub struct UnlinkDialog {
    pub mapping_id: String,
    pub okta_name: String,
    pub statsig_name: String,
    /// What must be typed to confirm a deletion: the team's name.
    pub confirm_word: String,
    pub what: String,
    pub how: Unlink,
    pub typed: String,
}

impl UnlinkDialog {
    pub fn new(m: &Mapping, dir: &Directory) -> Self {
        let reading = dir
            .statsig_group_index(&m.statsig_group_id)
            .and_then(|i| dir.parsed(i).reading());
        let (confirm_word, what) = match reading {
            Some(names::NameReading::Team { project, team, .. }) => (
                team.clone(),
                format!("team \"{team}\" in project \"{project}\""),
            ),
            _ => (
                m.statsig_group_name.clone(),
                format!("group \"{}\"", m.statsig_group_name),
            ),
        };
        UnlinkDialog {
            mapping_id: m.id.clone(),
            okta_name: m.okta_group_name.clone(),
            statsig_name: m.statsig_group_name.clone(),
            confirm_word,
            what,
            how: Unlink::Leave,
            typed: String::new(),
        }
    }
}

fn unlink_dialog(app: &mut App, ctx: &egui::Context, actions: &mut Vec<Action>) {
    let can_send = app.can_send();
    let mut close = false;
    let Some(d) = app.unlink.as_mut() else { return };
    let modal = egui::Modal::new(egui::Id::unique("unlink")).show(ctx, |ui| {
        ui.set_width(520.0);
        ui.heading("Unlink pushed group");
        ui.label(format!("{} -> {}", names::display_safe(&d.okta_name), names::display_safe(&d.statsig_name)));
        ui.add_space(6.0);
        ui.radio_value(&mut d.how, Unlink::Delete, "Delete the group in the target app");
        ui.radio_value(&mut d.how, Unlink::Leave, "Leave the group in the target app");
        ui.add_space(4.0);
        let confirmed = match d.how {
            Unlink::Leave => {
                ui.label("Stops pushing. The Statsig team and its members stay as they are.");
                true
            }
            Unlink::Delete => {
                ui.colored_label(ui.visuals().error_fg_color, format!("This deletes the Statsig {} and all its memberships. User accounts are not deleted.", d.what));
                labelled_text(ui, "Type the team name to confirm", &mut d.typed, &d.confirm_word.clone(), false);
                d.typed == d.confirm_word
            }
        };
        ui.horizontal(|ui| {
            if widgets::explain(ui.add_enabled(confirmed && can_send.is_ok(), egui::Button::new("Unlink")), can_send).clicked() {
                actions.push(Action::Engine(EngineAction::Unlink(d.mapping_id.clone(), d.how, d.typed.clone())));
                close = true;
            }
            if ui.button("Cancel").clicked() {
                close = true;
            }
        });
    });
    if close || modal.should_close() {
        app.unlink = None;
    }
}

// ------------------------------------------------------------------ deletion guard

/// Confirms removals the deletion guard stopped: the team's name must be typed.
pub struct ConfirmRemovals {
    pub mapping_id: String,
    pub word: String,
    pub text: String,
    pub removals: usize,
    pub typed: String,
}

impl ConfirmRemovals {
    pub fn new(m: &Mapping, dir: &Directory) -> Self {
        let (removals, members) = match m.status {
            crate::engine::state::MappingStatus::NeedsConfirmation {
                removals, members, ..
            } => (removals, members),
            _ => (0, 0),
        };
        let word = match dir
            .statsig_group_index(&m.statsig_group_id)
            .and_then(|i| dir.parsed(i).reading())
        {
            Some(names::NameReading::Team { team, .. }) => team,
            _ => m.statsig_group_name.clone(),
        };
        ConfirmRemovals {
            mapping_id: m.id.clone(),
            text: format!(
                "Pushing {} removes {removals} of the {members} members of {}.",
                m.okta_group_name, m.statsig_group_name
            ),
            word,
            removals,
            typed: String::new(),
        }
    }
}

fn confirm_dialog(app: &mut App, ctx: &egui::Context, actions: &mut Vec<Action>) {
    let can_send = app.can_send();
    let mut close = false;
    let Some(d) = app.confirm.as_mut() else {
        return;
    };
    let modal = egui::Modal::new(egui::Id::unique("confirm-removals")).show(ctx, |ui| {
        ui.set_width(520.0);
        ui.heading("Confirm removals");
        ui.colored_label(ui.visuals().error_fg_color, &d.text);
        ui.label("The latest plan is made again before sending; if it removes more than this, the push stops again.");
        labelled_text(ui, "Type the team name to confirm", &mut d.typed, &d.word.clone(), false);
        ui.horizontal(|ui| {
            if widgets::explain(ui.add_enabled(d.typed == d.word && can_send.is_ok(), egui::Button::new(format!("Remove {} and push", d.removals))), can_send).clicked() {
                actions.push(Action::Engine(EngineAction::Push(d.mapping_id.clone(), d.removals)));
                close = true;
            }
            if ui.button("Cancel").clicked() {
                close = true;
            }
        });
    });
    if close || modal.should_close() {
        app.confirm = None;
    }
}

// ------------------------------------------------------------------ settings

pub struct SettingsDialog {
    pub settings: Settings,
    pub projects: String,
    pub domains: String,
    pub statsig_token: String,
    pub okta_token: String,
}

impl SettingsDialog {
    pub fn new(settings: Settings) -> Self {
        SettingsDialog {
            projects: settings.projects.join(", "),
            domains: settings.org_domains.join(", "),
            settings,
            statsig_token: String::new(),
            okta_token: String::new(),
        }
    }

    fn collected(&self) -> Settings {
        let list = |s: &str| {
            s.split(',')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        Settings {
            statsig_url: self.settings.statsig_url.trim().to_string(),
            okta_url: self.settings.okta_url.trim().to_string(),
            projects: list(&self.projects),
            org_domains: list(&self.domains),
            guard: self.settings.guard,
            batch_size: self.settings.batch_size,
        }
    }
}

fn settings_dialog(app: &mut App, ctx: &egui::Context, actions: &mut Vec<Action>) {
    let mut open = true;
    let connected = app.connection.is_some();
    let test = app.connection_test.clone();
    let Some(s) = app.settings.as_mut() else {
        return;
    };
    let mut window = egui::Window::new("Settings")
        .collapsible(false)
        .resizable(true)
        .default_size([620.0, 420.0]);
    if connected {
        window = window.open(&mut open);
    }
    window.show(ctx, |ui| {
        ui.label(RichText::new("Connection").strong());
        labelled_text(
            ui,
            "Okta org URL",
            &mut s.settings.okta_url,
            "https://your-org.okta.com",
            false,
        );
        labelled_text(
            ui,
            "Statsig SCIM URL",
            &mut s.settings.statsig_url,
            "https://statsigapi.net/scim",
            false,
        );
        labelled_text(
            ui,
            "Okta API token",
            &mut s.okta_token,
            "leave empty to keep the stored token",
            true,
        );
        labelled_text(
            ui,
            "Statsig SCIM token",
            &mut s.statsig_token,
            "leave empty to keep the stored token",
            true,
        );
        ui.label(
            RichText::new("Tokens are stored only in the OS keyring, never in a file.").italics(),
        );
        ui.add_space(6.0);
        ui.label(RichText::new("Statsig organization").strong());
        labelled_text(
            ui,
            "Projects",
            &mut s.projects,
            "comma-separated; empty: read from group names",
            false,
        );
        labelled_text(
            ui,
            "Email domains",
            &mut s.domains,
            "comma-separated; empty: from Statsig users",
            false,
        );
        ui.horizontal(|ui| {
            let count = ui.label("Deletion guard: ask before removing more than");
            ui.add(egui::DragValue::new(&mut s.settings.guard.max_removals).range(0..=100_000))
                .labelled_by(count.id);
            let share = ui.label("members or");
            ui.add(
                egui::DragValue::new(&mut s.settings.guard.max_percent)
                    .range(0..=100)
                    .suffix("%"),
            )
            .labelled_by(share.id);
            ui.label("of a team role");
        });
        ui.add_space(6.0);
        if let Some(r) = &test {
            match r {
                Ok(m) => ui.colored_label(widgets::pill_color(ui, Pill::Good), m),
                Err(e) => ui.colored_label(ui.visuals().error_fg_color, e),
            };
        }
        ui.horizontal(|ui| {
            let filled =
                !s.settings.okta_url.trim().is_empty() && !s.settings.statsig_url.trim().is_empty();
            if ui
                .add_enabled(filled, egui::Button::new("Test connection"))
                .clicked()
            {
                actions.push(Action::Engine(EngineAction::TestConnection {
                    settings: s.collected(),
                    statsig_token: s.statsig_token.clone(),
                    okta_token: s.okta_token.clone(),
                }));
            }
            if ui.add_enabled(filled, egui::Button::new("Save")).clicked() {
                actions.push(Action::Engine(EngineAction::SaveSettings {
                    settings: s.collected(),
                    statsig_token: std::mem::take(&mut s.statsig_token),
                    okta_token: std::mem::take(&mut s.okta_token),
                }));
            }
            if ui
                .add_enabled(filled, egui::Button::new("Forget tokens"))
                .clicked()
            {
                actions.push(Action::Engine(EngineAction::ForgetTokens(s.collected())));
            }
            if ui.button("Use demo sandbox").clicked() {
                actions.push(Action::Engine(EngineAction::UseDemo));
            }
        });
    });
    if !open {
        app.settings = None;
    }
}
