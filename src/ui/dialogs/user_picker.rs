//! The one Okta-user picker of the dialogs that choose people (a new mapping group, a
//! group's members): a search field over names and emails, and the users it finds, each
//! with a checkbox.

use crate::model::names;
use crate::ui::a11y;
use crate::ui::cache::SearchMemo;
use crate::ui::view::View;
use crate::ui::widgets;
use egui_extras::{Column, TableBuilder};
use std::collections::BTreeSet;

/// The search and what it found, kept between frames.
#[derive(Debug, Default)]
pub struct UserPicker {
    search: String,
    found: SearchMemo,
}

impl UserPicker {
    /// Draws the search field.
    pub fn search_field(&mut self, ui: &mut egui::Ui) {
        widgets::labelled_text(
            ui,
            "Find Okta users",
            &mut self.search,
            "name or email contains…",
            false,
        );
    }

    /// The Okta users (indices into the directory's) whose name or email contains the
    /// search; worked out when the search or the directory changes, not every frame
    /// (there may be 100,000 users).
    pub fn found(&mut self, view: &View) -> &[usize] {
        let users = &view.directory.okta_users;
        self.found.get(
            view.generation,
            0,
            &self.search,
            || users.iter().map(|u| [u.email.clone(), u.display_name()]),
            |_| true,
        )
    }
}

/// The users `hits` names, each with a checkbox ticked when `selected` holds it; only
/// visible rows are laid out.
pub fn user_table(ui: &mut egui::Ui, view: &View, hits: &[usize], selected: &mut BTreeSet<String>) {
    let d = view.directory;
    let height = (ui.available_height() - 70.0).clamp(120.0, 300.0);
    a11y::table(ui, "Okta users", hits.len(), 3, |ui| {
        TableBuilder::new(ui)
            .id_salt("builder-users")
            .striped(true)
            .max_scroll_height(height)
            .column(
                Column::initial(280.0)
                    .at_least(120.0)
                    .resizable(true)
                    .clip(true),
            )
            .column(
                Column::initial(180.0)
                    .at_least(80.0)
                    .resizable(true)
                    .clip(true),
            )
            .column(Column::remainder().at_least(widgets::USER_STATE_WIDTH))
            .body(|mut body| {
                let a11y_rows = a11y::Rows::new(&mut body, 3, false);
                body.rows(22.0, hits.len(), |mut row| {
                    let u = &d.okta_users[hits[row.index()]];
                    let mut on = selected.contains(&u.id);
                    row.col(|ui| {
                        if ui
                            .checkbox(&mut on, names::display_safe(&u.email))
                            .changed()
                        {
                            if on {
                                selected.insert(u.id.clone());
                            } else {
                                selected.remove(&u.id);
                            }
                        }
                    });
                    row.col(|ui| {
                        widgets::elided(ui, &names::display_safe(&u.display_name()));
                    });
                    row.col(|ui| {
                        ui.label(widgets::okta_user_state(d, u));
                    });
                    a11y_rows.row(row.index(), false, &[]);
                });
            });
    });
}
