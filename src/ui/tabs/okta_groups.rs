//! Okta groups: every group with its type, members and where it is pushed; a group's
//! members with whether each can be pushed.

use crate::model::names;
use crate::model::rules;
use crate::model::text::plural;
use crate::model::{Directory, OktaGroup};
use crate::ui::action::{Action, FileJob, Open, Tab};
use crate::ui::cache::SearchMemo;
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
        let shown = self.shown(view);
        egui::CentralPanel::default().show(ui, |ui| {
            group_table(ui, view, shown, actions);
            if shown.is_empty() && view.imported {
                ui.label("No Okta group matches.");
            }
        });
    }
}

fn group_table(ui: &mut Ui, view: &View, shown: &[usize], actions: &mut Vec<Action>) {
    let d = view.directory;
    let selected_row = view
        .sel
        .okta_group
        .as_ref()
        .and_then(|id| shown.iter().position(|&i| &d.okta_groups[i].id == id));
    // The columns follow the panel's width every frame (a resize of the window or of the
    // detail panel never pushes a column out of sight); in a narrow window the type gives
    // way (the detail shows it).
    let width = ui.available_width();
    let with_type = width >= 480.0;
    let mut table = TableBuilder::new(ui)
        .id_salt("okta-groups")
        .striped(true)
        .sense(egui::Sense::click())
        .auto_shrink([false, false])
        .column(Column::remainder().at_least(100.0).clip(true));
    if with_type {
        table = table.column(Column::exact(96.0).clip(true));
    }
    table = table
        .column(Column::exact(64.0).clip(true))
        .column(Column::exact((width * 0.4).clamp(80.0, 280.0)).clip(true));
    if let Some(r) = selected_row.filter(|_| view.sel.okta_group.is_some()) {
        table = table.scroll_to_row(r, None);
    }
    table
        .header(ROW, |mut h| {
            for t in ["Group", "Type", "Members", "Pushed to"] {
                if t != "Type" || with_type {
                    h.col(|ui| {
                        ui.strong(t);
                    });
                }
            }
        })
        .body(|body| {
            body.rows(ROW, shown.len(), |mut row| {
                let g = &d.okta_groups[shown[row.index()]];
                row.set_selected(view.sel.okta_group.as_deref() == Some(g.id.as_str()));
                row.col(|ui| {
                    widgets::elided(ui, &names::display_safe(&g.name));
                });
                if with_type {
                    row.col(|ui| {
                        widgets::elided(ui, &g.kind);
                    });
                }
                row.col(|ui| {
                    if g.members_pending {
                        ui.weak("…")
                            .on_hover_text("The import is still reading this group's members");
                    } else {
                        ui.label(g.members.len().to_string());
                    }
                });
                row.col(|ui| {
                    if let Some(m) = rules::pushed_from(view.mappings, &g.id) {
                        widgets::elided(ui, &names::display_safe(&m.statsig_group_name));
                    } else if let Some(p) = pushed_by_other(view, &g.id) {
                        widgets::elided(ui, &names::display_safe(&p.target_name)).on_hover_text(
                            format!("Pushed by {} (mapping {})", p.by, p.mapping_id),
                        );
                    }
                });
                let r = row.response();
                if r.clicked() {
                    actions.push(Action::SelectOktaGroup(g.id.clone()));
                }
                if r.double_clicked() && view.can_send.is_ok() {
                    actions.push(Action::Open(Open::Push {
                        okta_group: Some(g.id.clone()),
                    }));
                }
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
            ui.horizontal_wrapped(|ui| {
                ui.label(format!(
                    "Pushed to {}",
                    names::display_safe(&m.statsig_group_name)
                ));
                widgets::status_pill(ui, &m.status);
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
        if widgets::send_button(ui, view.can_send, true, "Copy into a new mapping group…").clicked()
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
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Reading this group's members; they show here when the import has them.");
        });
        return;
    }
    ui.label(RichText::new(plural(g.members.len(), "member")).strong());
    member_table(ui, d, g);
}

/// A group's members with whether each can be pushed.
fn member_table(ui: &mut Ui, d: &Directory, g: &OktaGroup) {
    // The state stays whole; the email gives way (hover shows it).
    TableBuilder::new(ui)
        .id_salt("okta-group-members")
        .striped(true)
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
            for t in ["Name", "Status", "Email"] {
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
                    let name =
                        u.map_or_else(|| uid.clone(), |u| names::display_safe(&u.display_name()));
                    widgets::elided(ui, &name);
                });
                row.col(|ui| {
                    if let Some(u) = u {
                        widgets::elided(ui, &widgets::okta_user_state(d, u));
                    }
                });
                row.col(|ui| {
                    let email = u.map(|u| names::display_safe(&u.email)).unwrap_or_default();
                    widgets::elided(ui, &email).on_hover_text(&email);
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
