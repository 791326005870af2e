//! Okta groups: every group with its type, members and where it is pushed; a group's
//! members with whether each can be pushed.

use crate::model::names;
use crate::model::rules;
use crate::model::text::plural;
use crate::model::{Directory, OktaGroup};
use crate::ui::a11y;
use crate::ui::action::{Action, FileJob, Open, Tab};
use crate::ui::cache::{Memo, SearchMemo};
use crate::ui::view::View;
use crate::ui::widgets::{self, ROW};
use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};

/// The tab's own state.
#[derive(Default)]
pub struct OktaGroupsTab {
    search: String,
    /// Also list the groups imported from the Statsig app (Okta push).
    app_groups: bool,
    shown: SearchMemo,
    /// What each column needs to show its rows whole.
    wants: Memo<(u64, u64), Wants>,
}

/// The widths the table's columns need to show every row whole.
#[derive(Debug, Clone, Copy)]
struct Wants {
    group: f32,
    kind: f32,
    members: f32,
    pushed_to: f32,
}

impl Wants {
    fn of(ui: &Ui, view: &View) -> Self {
        let d = view.directory;
        let header = |t: &str| widgets::text_width(ui, t, egui::TextStyle::Body) + 8.0;
        let pad = 6.0;
        Wants {
            group: (widgets::widest(ui, d.okta_groups.iter().map(|g| g.name.as_str())) + pad)
                .max(header("Group")),
            kind: (widgets::widest(ui, d.okta_groups.iter().map(|g| g.kind.as_str())) + pad)
                .max(header("Type")),
            members: header("Members"),
            pushed_to: (widgets::widest(
                ui,
                view.mappings.iter().map(|m| m.statsig_group_name.as_str()),
            ) + pad)
                .max(header("Pushed to")),
        }
    }
}

impl OktaGroupsTab {
    /// The ids of the groups the search shows, for arrow keys.
    pub fn shown_ids(&mut self, view: &View) -> Vec<String> {
        let d = view.directory;
        self.shown(view)
            .iter()
            .map(|&i| d.okta_groups[i].id.clone())
            .collect()
    }

    fn shown(&mut self, view: &View) -> &[usize] {
        let d = view.directory;
        let with_app = self.app_groups;
        // Made only when the list is filtered from scratch, not every frame.
        let imported = std::cell::OnceCell::new();
        let imported = || {
            imported.get_or_init(|| {
                d.app
                    .groups
                    .iter()
                    .map(|g| g.id.as_str())
                    .collect::<std::collections::HashSet<&str>>()
            })
        };
        self.shown.get(
            view.generation,
            u64::from(with_app),
            &self.search,
            || {
                d.okta_groups
                    .iter()
                    .map(|g| vec![g.name.as_str(), g.description.as_str()])
            },
            |i| with_app || !imported().contains(d.okta_groups[i].id.as_str()),
        )
    }

    /// Draws the tab.
    pub fn show(&mut self, ui: &mut Ui, view: &View, actions: &mut Vec<Action>) {
        ui.horizontal(|ui| {
            if widgets::send_button(ui, view.can_send, true, "New mapping group…").clicked() {
                actions.push(Action::Open(Open::Builder { from_group: None }));
            }
            if widgets::send_button(ui, view.can_send, true, "Push groups…").clicked() {
                actions.push(Action::Open(Open::Push {
                    okta_group: view.sel.okta_group.clone(),
                }));
            }
            let imported = view.directory.app.groups.len();
            if imported > 0 {
                ui.toggle_value(
                    &mut self.app_groups,
                    format!("Imported from Statsig ({imported})"),
                )
                .on_hover_text("Also list the Statsig groups Okta imported into the Statsig app (APP_GROUPs): they are push targets, not mapping groups");
            }
        });
        widgets::search_box(
            ui,
            &mut self.search,
            "Search Okta groups",
            &Tab::OktaGroups.search_id(),
        );
        let d = view.directory;
        egui::Panel::right("okta-members")
            .resizable(true)
            // The list keeps at least 320 points: the panel never covers it.
            .default_size((ui.available_width() * 0.45).clamp(280.0, 420.0))
            .size_range(260.0..=(ui.available_width() - 320.0).max(260.0))
            .show(ui, |ui| {
                match view.sel.okta_group.as_ref().and_then(|id| d.okta_group(id)) {
                    Some(g) => group_detail(ui, view, g, actions),
                    None => {
                        ui.label(
                            RichText::new(
                                "Select a group to see its members and where it is pushed.",
                            )
                            .italics(),
                        );
                    }
                }
            });
        let wants = *self
            .wants
            .get((view.generation, view.mappings_version), || {
                Wants::of(ui, view)
            });
        let shown = self.shown(view);
        egui::CentralPanel::default().show(ui, |ui| {
            group_table(ui, view, shown, wants, actions);
            if shown.is_empty() && view.imported {
                ui.label("No Okta group matches.");
            }
        });
    }
}

/// The group table's column titles (Type only when there is room for it).
fn titles(with_type: bool) -> Vec<&'static str> {
    ["Group", "Type", "Members", "Pushed to"]
        .into_iter()
        .filter(|t| *t != "Type" || with_type)
        .collect()
}

fn group_table(ui: &mut Ui, view: &View, shown: &[usize], wants: Wants, actions: &mut Vec<Action>) {
    let d = view.directory;
    let selected_row = view
        .sel
        .okta_group
        .as_ref()
        .and_then(|id| shown.iter().position(|&i| &d.okta_groups[i].id == id));
    // The columns follow the panel's width every frame (a resize of the window or of the
    // detail panel never pushes a column out of sight) and give way by priority: the
    // members' count always shows, then the group's name, then where it is pushed (which
    // drops its "Statsig-" first); the type shows only when everything else fits whole (the
    // detail shows it). A cut name shows whole on hover.
    use widgets::Fit;
    let room = widgets::table_room(ui, 4);
    let with_type = room >= wants.group + wants.members + wants.pushed_to + wants.kind;
    let room = if with_type {
        room - wants.kind
    } else {
        room + ui.spacing().item_spacing.x
    };
    let w = widgets::fit_columns(
        room,
        &[
            Fit::new(100.0, wants.group, 1),
            Fit::whole(wants.members),
            Fit::new(80.0, wants.pushed_to, 2),
        ],
    );
    let columns = if with_type { 4 } else { 3 };
    a11y::table(ui, "Okta group list", shown.len(), columns, |ui| {
        let mut table = TableBuilder::new(ui)
            .id_salt("okta-groups")
            .striped(true)
            .sense(a11y::ROW_SENSE)
            .auto_shrink([false, false])
            .column(Column::exact(w[0]).clip(true));
        if with_type {
            table = table.column(Column::exact(wants.kind).clip(true));
        }
        table = table
            .column(Column::exact(w[1]).clip(true))
            .column(Column::exact(w[2]).clip(true));
        if let Some(r) = selected_row.filter(|_| view.sel.okta_group.is_some()) {
            table = table.scroll_to_row(r, None);
        }
        table
        .header(ROW, |mut h| {
            a11y::header(&mut h, &titles(with_type));
        })
        .body(|mut body| {
            let a11y_rows = a11y::Rows::new(&mut body, columns, true);
            body.rows(ROW, shown.len(), |mut row| {
                let g = &d.okta_groups[shown[row.index()]];
                let selected = view.sel.okta_group.as_deref() == Some(g.id.as_str());
                row.set_selected(selected);
                let (index, none) = (row.index(), view.sel.okta_group.is_none());
                row.col(|ui| {
                    a11y_rows.stop(ui, index, selected || (none && index == 0));
                    widgets::elided(ui, &names::display_safe(&g.name));
                });
                if with_type {
                    row.col(|ui| {
                        widgets::elided(ui, &g.kind);
                    });
                }
                row.col(|ui| {
                    if g.members_pending {
                        ui.weak(widgets::member_count(g))
                            .on_hover_text(if d.members_reading {
                                "The import is still reading this group's members"
                            } else {
                                "Not read: the import stopped before this group's members; Refresh reads them"
                            });
                    } else {
                        ui.label(widgets::member_count(g));
                    }
                });
                row.col(|ui| {
                    if let Some(m) = rules::pushed_from(view.mappings, &g.id) {
                        let name = names::display_safe(&m.statsig_group_name);
                        // Its telling part: the name after the `Statsig-` of every team group.
                        let telling = name.strip_prefix(names::PREFIX).unwrap_or(&name);
                        widgets::name_cell(ui, &name, telling);
                    } else if let Some(p) = pushed_by_other(view, &g.id) {
                        let name = names::display_safe(&p.target_name);
                        let telling = name.strip_prefix(names::PREFIX).unwrap_or(&name);
                        widgets::name_cell(ui, &name, telling).on_hover_text(format!(
                            "{name}: pushed by {} (mapping {})",
                            p.by, p.mapping_id
                        ));
                    }
                });
                let r = row.response();
                if a11y_rows.row(row.index(), selected, &[0]) || r.clicked() {
                    actions.push(Action::SelectOktaGroup(g.id.clone()));
                }
                if r.double_clicked() && view.can_send.is_ok() {
                    actions.push(Action::Open(Open::Push {
                        okta_group: Some(g.id.clone()),
                    }));
                }
            });
        });
    });
}

fn group_detail(ui: &mut Ui, view: &View, g: &OktaGroup, actions: &mut Vec<Action>) {
    let d = view.directory;
    ui.heading(names::display_safe(&g.name));
    if !g.description.is_empty() {
        ui.label(&g.description);
    }
    ui.weak(format!("Type {}", g.kind));
    match rules::pushed_from(view.mappings, &g.id) {
        Some(m) => {
            // The pill first: a long team name then wraps beside it, never under it.
            ui.horizontal(|ui| {
                widgets::status_pill(ui, &m.status);
                ui.add(
                    egui::Label::new(format!(
                        "Pushed to {}",
                        names::display_safe(&m.statsig_group_name)
                    ))
                    .wrap(),
                );
            });
        }
        None => match pushed_by_other(view, &g.id) {
            Some(p) => {
                ui.label(format!(
                    "Pushed to {} by {} (mapping {}).",
                    names::display_safe(&p.target_name),
                    p.by,
                    p.mapping_id
                ));
            }
            None => {
                ui.label("Not pushed.");
            }
        },
    }
    ui.horizontal_wrapped(|ui| {
        let pushed = rules::pushed_from(view.mappings, &g.id).is_some();
        if widgets::send_button(ui, view.can_send, !pushed, "Push this group…").clicked() {
            actions.push(Action::Open(Open::Push {
                okta_group: Some(g.id.clone()),
            }));
        }
        if widgets::send_button(ui, view.can_send, g.is_editable(), "Edit members…")
            .on_hover_text(if g.is_editable() {
                "Add or remove members of this Okta group"
            } else {
                "Okta manages this group's members elsewhere"
            })
            .clicked()
        {
            actions.push(Action::Open(Open::Members {
                group: g.id.clone(),
            }));
        }
        if widgets::send_button(
            ui,
            view.can_send,
            !g.members_pending,
            "Copy into a new mapping group…",
        )
        .clicked()
        {
            actions.push(Action::Open(Open::Builder {
                from_group: Some(g.id.clone()),
            }));
        }
        if ui
            .add_enabled(!g.members_pending, egui::Button::new("Export CSV…"))
            .on_hover_text("The group's members, for spreadsheets")
            .clicked()
        {
            actions.push(csv_action(d, g));
        }
    });
    if g.members_pending {
        unread(ui, view, actions);
        return;
    }
    ui.label(RichText::new(plural(g.members.len(), "member")).strong());
    member_table(ui, d, g, actions);
}

/// A group whose members are not in: being read (while an import reads them), or not read
/// (the import stopped first) with the way to read them.
fn unread(ui: &mut Ui, view: &View, actions: &mut Vec<Action>) {
    if view.directory.members_reading {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Reading this group's members; they show here when the import has them.");
        });
        return;
    }
    ui.label(
        "This group's members were not read: the import stopped before them. Refresh reads them.",
    );
    if widgets::send_button(ui, view.can_send, true, "Refresh to read them").clicked() {
        actions.push(Action::Send(crate::engine::runner::Command::Import));
    }
}

/// A group's members with whether each can be pushed.
fn member_table(ui: &mut Ui, d: &Directory, g: &OktaGroup, actions: &mut Vec<Action>) {
    // The state stays whole; the email gives way (hover shows it).
    a11y::table(ui, "Member list", g.members.len(), 3, |ui| {
        TableBuilder::new(ui)
            .id_salt("okta-group-members")
            .striped(true)
            // Right-clicks reach the row (its context menu), the cells' widgets first; the
            // cells take no focus (the row's Explain… button is the keyboard's way).
            .sense(egui::Sense::CLICK)
            .auto_shrink([false, false])
            .column(
                Column::initial(120.0)
                    .at_least(80.0)
                    .resizable(true)
                    .clip(true),
            )
            .column(Column::exact(widgets::USER_STATE_WIDTH).clip(true))
            .column(Column::remainder().at_least(100.0).clip(true))
            .header(ROW, |mut h| {
                a11y::header(&mut h, &["Name", "Status", "Email"])
            })
            .body(|mut body| {
                let a11y_rows = a11y::Rows::new(&mut body, 3, false);
                body.rows(ROW, g.members.len(), |mut row| {
                    let uid = &g.members[row.index()];
                    let u = d.okta_user(uid);
                    row.col(|ui| {
                        let name = u.map_or_else(
                            || uid.clone(),
                            |u| names::display_safe(&u.display_name()),
                        );
                        widgets::elided(ui, &name);
                    });
                    row.col(|ui| {
                        if let Some(u) = u {
                            widgets::elided(ui, &widgets::okta_user_state(d, u));
                        }
                    });
                    let who = u.map(|u| u.email.as_str()).unwrap_or_default();
                    row.col(|ui| {
                        super::person_row::last_cell(ui, who, actions, |ui| {
                            let email = names::display_safe(who);
                            widgets::elided(ui, &email).on_hover_text(&email);
                        });
                    });
                    super::person_row::menu(&row.response(), who, actions);
                    a11y_rows.row(row.index(), false, &[]);
                });
            });
    });
}

fn csv_action(d: &Directory, g: &OktaGroup) -> Action {
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
    Action::PickFile {
        job: FileJob::ExportCsv {
            header: ["group", "name", "email", "okta_status", "in_statsig"]
                .map(String::from)
                .to_vec(),
            rows,
        },
        suggested: format!("{}-members.csv", g.name),
    }
}

/// Where another pusher (Okta's own mapping, in Direct push) pushes the Okta group `id`.
fn pushed_by_other<'v>(
    view: &'v View,
    id: &str,
) -> Option<&'v crate::engine::workspace::push_mode::OtherPusher> {
    view.mode?
        .other_pushers
        .iter()
        .find(|p| p.okta_group_id == id)
}
