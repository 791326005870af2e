//! Restore and *Copy by names* (from Compare, a snapshot's review or the File menu) and
//! *Undo last bulk apply*: the plan the engine made, as a table with a tick per row, each row's preview (who Statsig gains and
//! loses at the next push, the people a members row adds and removes) and the deletion
//! guard. Apply sends the ticked rows; the engine paces them and shows progress, time
//! left and Cancel in the status bar. A restore refused because the snapshot is of
//! another org says so in one sentence and offers the copy by names in one click.

use super::frame::{Shown, modal};
use crate::engine::runner::{Command, RestoreRequest};
use crate::model::restore::{RestorePlan, RestoreRow};
use crate::model::text::{self, plural};
use crate::ui::a11y;
use crate::ui::action::Action;
use crate::ui::view::View;
use crate::ui::widgets::{self, Pill};
use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};
use std::collections::BTreeSet;

const ROW: f32 = 22.0;

/// The table's column headers.
const HEADERS: [&str; 6] = ["Row", "Change", "Team group", "Gains", "Loses", "Status"];
/// The status of a row the guard stops.
const STOPPED: &str = "Stopped by the guard";

/// The dialog's state.
pub struct RestoreDialog {
    request: RestoreRequest,
    what: String,
    plan: RestorePlan,
    unticked: BTreeSet<String>,
    /// The row whose preview shows below the table.
    chosen: Option<usize>,
    /// A restore refused: the snapshot's Okta, of another org.
    other_org: Option<String>,
}

impl RestoreDialog {
    /// The plan the engine made for `request`.
    pub fn new(request: RestoreRequest, what: String, plan: RestorePlan) -> Self {
        let chosen = plan.rows.iter().position(|r| r.change.is_some());
        RestoreDialog {
            request,
            what,
            plan,
            unticked: BTreeSet::new(),
            chosen,
            other_org: None,
        }
    }

    /// A restore refused because the snapshot was taken of another org (`okta`): says
    /// so and offers to copy it by names instead.
    pub fn refused(request: RestoreRequest, okta: String) -> Self {
        RestoreDialog {
            other_org: Some(okta),
            ..RestoreDialog::new(request, String::new(), RestorePlan::default())
        }
    }

    /// Whether it is a refused restore offering the copy by names instead.
    pub fn offers_copy(&self) -> bool {
        self.other_org.is_some()
    }

    /// The plan shown.
    pub fn plan(&self) -> &RestorePlan {
        &self.plan
    }

    fn ticked(&self) -> usize {
        self.plan
            .rows
            .iter()
            .filter(|r| r.ready() && !self.unticked.contains(&r.key))
            .count()
    }

    /// Draws the dialog.
    pub fn show(&mut self, ctx: &egui::Context, view: &View) -> Shown {
        let title = match &self.request {
            r if r.path.is_none() => "Undo last bulk apply",
            r if r.copy => "Copy by names",
            _ => "Restore",
        };
        if let Some(okta) = self.other_org.clone() {
            return self.offer_copy(ctx, title, &okta);
        }
        let (out, escape) = modal(ctx, "restore", title, 860.0, |ui| {
            ui.label(RichText::new(&self.what).strong());
            let mut out = self.options(ui);
            // What the button will apply: the ready rows still ticked.
            let unticked = self
                .plan
                .rows
                .iter()
                .filter(|r| r.ready() && self.unticked.contains(&r.key))
                .count();
            let left_out = match unticked {
                0 => String::new(),
                n => format!(" ({n} unticked, left as they are)"),
            };
            ui.label(format!("Plan: {}{left_out}.", self.plan.summary()));
            if self.plan.rows.is_empty() {
                let nothing = if self.request.copy {
                    "Nothing to copy: each mapping whose groups match by name is here already"
                } else {
                    "Nothing to put back: now is as it was"
                };
                widgets::pill(ui, Pill::Good, nothing);
            } else {
                self.table(ui);
                self.preview(ui);
            }
            ui.add_space(6.0);
            if let Some(a) = self.buttons(ui, view) {
                out = Some(a);
            }
            out
        });
        match out {
            Some(Some(a)) => Shown::done(a),
            Some(None) => Shown::close(),
            None if escape => Shown::close(),
            None => Shown::stay(),
        }
    }

    /// A restore of another org's snapshot: the one sentence, and the copy instead.
    fn offer_copy(&self, ctx: &egui::Context, title: &str, okta: &str) -> Shown {
        let (out, escape) = modal(ctx, "restore", title, 560.0, |ui| {
            widgets::warn_text(
                ui,
                format!(
                    "This snapshot is of another org (Okta {okta}): a restore puts mappings back only in the org it was taken of, but its mappings can be copied here by the names of their groups and teams."
                ),
            );
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                if ui
                    .button("Copy by names instead")
                    .on_hover_text(
                        "Plan the copy: what has no match by name here is listed, never guessed",
                    )
                    .clicked()
                {
                    return Some(Some(Action::Send(Command::PlanRestore(RestoreRequest {
                        copy: true,
                        ..self.request.clone()
                    }))));
                }
                ui.button("Close").clicked().then_some(None)
            })
            .inner
        });
        match out {
            Some(Some(a)) => Shown::done(a),
            Some(None) => Shown::close(),
            None if escape => Shown::close(),
            None => Shown::stay(),
        }
    }

    /// The restore's options (an undo has none); a change plans again.
    fn options(&mut self, ui: &mut Ui) -> Option<Option<Action>> {
        self.request.path.as_ref()?;
        let mut asked = self.request.clone();
        // A copy adds to another org: what that org made itself is not "made since".
        if !asked.copy {
            ui.checkbox(
                &mut asked.unlink_new,
                "Also unlink the mappings made since (Leave: their teams stay)",
            );
        }
        ui.checkbox(
            &mut asked.members,
            "Also set the mapped Okta groups' members back",
        );
        (asked != self.request).then_some(Some(Action::Send(Command::PlanRestore(asked))))
    }

    fn table(&mut self, ui: &mut Ui) {
        let rows = &self.plan.rows;
        let height = (ui.available_height() - 160.0).clamp(100.0, 300.0);
        let w = column_widths(ui, rows);
        let chosen = std::cell::Cell::new(self.chosen);
        a11y::table(ui, "Restore plan", rows.len(), HEADERS.len(), |ui| {
            TableBuilder::new(ui)
                .id_salt("restore-plan")
                .striped(true)
                .auto_shrink([false, true])
                .max_scroll_height(height)
                .column(Column::exact(w[0]).clip(true))
                .column(Column::exact(w[1]).clip(true))
                .column(Column::exact(w[2]).clip(true))
                .column(Column::exact(w[3]))
                .column(Column::exact(w[4]))
                .column(Column::exact(w[5]).clip(true))
                .header(ROW, |mut h| a11y::header(&mut h, &HEADERS))
                .body(|mut body| {
                    let a11y_rows = a11y::Rows::new(&mut body, HEADERS.len(), false);
                    body.rows(ROW, rows.len(), |mut row| {
                        let i = row.index();
                        let r = &rows[i];
                        row.col(|ui| {
                            let mut on = r.ready() && !self.unticked.contains(&r.key);
                            let b =
                                ui.add_enabled(r.ready(), egui::Checkbox::new(&mut on, &r.what));
                            if b.changed() {
                                if on {
                                    self.unticked.remove(&r.key);
                                } else {
                                    self.unticked.insert(r.key.clone());
                                }
                            }
                        });
                        row.col(|ui| {
                            ui.label(r.label());
                        });
                        row.col(|ui| {
                            widgets::elided(ui, &r.target);
                        });
                        let count = |ui: &mut Ui, people: &[String]| {
                            let l = ui.add(
                                egui::Button::new(people.len().to_string())
                                    .frame(false)
                                    .selected(chosen.get() == Some(i)),
                            );
                            if l.clicked() {
                                chosen.set(Some(i));
                            }
                            if !people.is_empty() {
                                l.on_hover_text(text::names(people, 10));
                            }
                        };
                        row.col(|ui| count(ui, &r.gains));
                        row.col(|ui| count(ui, &r.loses));
                        row.col(|ui| status(ui, r));
                        a11y_rows.row(i, chosen.get() == Some(i), &[]);
                    });
                });
        });
        self.chosen = chosen.get();
    }

    /// The chosen row's preview: who Statsig gains and loses, and the people it adds to
    /// and removes from an Okta group.
    fn preview(&self, ui: &mut Ui) {
        let Some(r) = self.chosen.and_then(|i| self.plan.rows.get(i)) else {
            ui.weak("Click a row's Gains or Loses to see who.");
            return;
        };
        ui.add_space(4.0);
        ui.label(RichText::new(format!("Preview: {}", r.what)).strong());
        let line = |ui: &mut Ui, title: &str, people: &[String]| {
            if !people.is_empty() {
                ui.label(format!("{title}: {}", text::names(people, 12)));
            }
        };
        line(ui, "Statsig gains at the next push", &r.gains);
        line(ui, "Statsig loses at the next push", &r.loses);
        line(ui, "In Okta", &r.people);
        if r.gains.is_empty() && r.loses.is_empty() && r.people.is_empty() {
            ui.weak("No member changes in Statsig.");
        }
        if let Some(stop) = &r.guard {
            widgets::warn_text(ui, stop.to_string());
        }
    }

    fn buttons(&mut self, ui: &mut Ui, view: &View) -> Option<Option<Action>> {
        let ticked = self.ticked();
        let mut out = None;
        ui.horizontal(|ui| {
            let label = format!("Apply {}", plural(ticked, "change"));
            if widgets::send_button(ui, view.can_send, ticked > 0, &label)
                .on_hover_text(
                    "Unticked rows, skipped rows and rows the deletion guard stops are left out",
                )
                .clicked()
            {
                out = Some(Some(Action::Send(Command::ApplyRestore {
                    request: self.request.clone(),
                    unticked: self.unticked.iter().cloned().collect(),
                })));
            }
            if ui.button("Close").clicked() {
                out = Some(None);
            }
        });
        out
    }
}

/// The columns: the row's name and the status first, then the target.
fn column_widths(ui: &Ui, rows: &[RestoreRow]) -> Vec<f32> {
    let text = |t: &str| widgets::text_width(ui, t, egui::TextStyle::Body);
    let header = |i: usize| text(HEADERS[i]) + 8.0;
    let check = ui.spacing().icon_width + ui.spacing().icon_spacing;
    let what = check + widgets::widest(ui, rows.iter().map(|r| r.what.as_str()));
    let change = widgets::widest(ui, rows.iter().map(RestoreRow::label));
    let target = widgets::widest(ui, rows.iter().map(|r| r.target.as_str()));
    let skipped = widgets::widest(ui, rows.iter().filter_map(|r| r.skipped.as_deref()));
    let pill = widgets::pill_width(ui, STOPPED);
    use widgets::Fit;
    widgets::fit_columns(
        widgets::table_room(ui, 6),
        &[
            Fit::new(140.0, (what + 6.0).max(header(0)), 1),
            Fit::whole((change + 6.0).max(header(1))),
            Fit::new(100.0, (target + 6.0).max(header(2)), 3),
            Fit::whole(header(3).max(40.0)),
            Fit::whole(header(4).max(40.0)),
            Fit::new(pill, (skipped + 6.0).max(pill).max(header(5)), 2),
        ],
    )
}

fn status(ui: &mut Ui, r: &RestoreRow) {
    match (&r.skipped, &r.guard) {
        (Some(why), _) => {
            widgets::elided(ui, why).on_hover_text(why);
        }
        (None, Some(stop)) => {
            widgets::pill(ui, Pill::Warn, STOPPED).on_hover_text(stop.to_string());
        }
        (None, None) => {
            widgets::pill(ui, Pill::Good, "Ready");
        }
    }
}
