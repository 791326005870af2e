//! History in a mapping's or a team's detail: Okta's System Log events (created by whom,
//! activated, deactivated, pushed with counts, failed with Okta's reason, renamed,
//! deleted, made by a rule) beside the app's own record, oldest first. The engine reads
//! it in the background when the section is opened (and again after a step); drawing
//! only reads what was read.

use crate::engine::runner::Command;
use crate::engine::workspace::history::History;
use crate::model::history::{self, Entry, Subject, What};
use crate::model::names::display_safe;
use crate::ui::a11y;
use crate::ui::action::Action;
use crate::ui::view::{HistoryState, View};
use crate::ui::widgets::{self, Pill};
use egui::{RichText, Ui};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// Lines shown at most (the latest); the command line's `history` lists them all.
const MAX_SHOWN: usize = 200;

/// The History section of `subject` (a mapping, or the mappings that feed a team),
/// collapsed until the admin opens it.
pub fn section(ui: &mut Ui, view: &View, salt: &str, subject: &Subject, actions: &mut Vec<Action>) {
    egui::CollapsingHeader::new("History")
        .id_salt(("history", salt))
        .default_open(false)
        .show(ui, |ui| body(ui, view, salt, subject, actions));
}

fn body(ui: &mut Ui, view: &View, salt: &str, subject: &Subject, actions: &mut Vec<Action>) {
    if view.snapshot.is_some() {
        ui.label(
            RichText::new(
                "History is read from the live connection: close the snapshot to see it.",
            )
            .italics(),
        );
        return;
    }
    let wants = matches!(
        view.history,
        HistoryState::Unread | HistoryState::Read { stale: true, .. }
    );
    if wants && view.can_send.is_ok() {
        actions.push(Action::Send(Command::ReadHistory));
    }
    match view.history {
        HistoryState::Unread | HistoryState::Reading => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Reading the history…");
            });
        }
        HistoryState::Failed(why) => {
            widgets::error_text(ui, format!("The history could not be read: {why}"));
            if widgets::send_button(ui, view.can_send, false, "Read again").clicked() {
                actions.push(Action::Send(Command::ReadHistory));
            }
        }
        HistoryState::Read { history, .. } => read(ui, view, salt, history, subject),
    }
}

/// The entries of `subject`, worked out once per read and subject (kept in egui's memory
/// under the section's `salt`), not per frame.
fn entries(ui: &Ui, salt: &str, history: &Arc<History>, subject: &Subject) -> Arc<Vec<Entry>> {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (Arc::as_ptr(history) as usize).hash(&mut hasher);
    subject.mapping_ids.hash(&mut hasher);
    subject.group_ids.hash(&mut hasher);
    let key = hasher.finish();
    let id = egui::Id::unique(("timeline", salt));
    if let Some((k, kept)) = ui.data(|d| d.get_temp::<(u64, Arc<Vec<Entry>>)>(id))
        && k == key
    {
        return kept;
    }
    let made = Arc::new(history::timeline(
        &history.events,
        &history.journal,
        Some(subject),
        None,
    ));
    ui.data_mut(|d| d.insert_temp(id, (key, made.clone())));
    made
}

fn tone(what: What) -> Pill {
    match what {
        What::FailedNeedsAdmin => Pill::Bad,
        What::FailedRetried | What::RuleProblem => Pill::Warn,
        What::Created | What::MadeByRule | What::Activated | What::Pushed => Pill::Good,
        What::AppAction => Pill::Busy,
        _ => Pill::Neutral,
    }
}

fn read(ui: &mut Ui, view: &View, salt: &str, h: &Arc<History>, subject: &Subject) {
    for note in &h.notes {
        widgets::warn_text(ui, note.clone());
    }
    let scope_missing = h.notes.iter().any(|n| n.contains("okta.logs.read"));
    match (&h.okta_from, view.okta_push()) {
        (Some(from), _) if !scope_missing => {
            ui.label(
                RichText::new(format!(
                    "Okta's System Log from {} on (Okta keeps {} days), with this app's own record.",
                    widgets::short_time(from),
                    history::OKTA_KEEPS_DAYS
                ))
                .weak(),
            );
        }
        (_, false) => {
            ui.label(
                RichText::new("This app's own record of what it pushed (Direct push).").weak(),
            );
        }
        _ => {}
    }
    let all = entries(ui, salt, h, subject);
    if all.is_empty() {
        ui.label(RichText::new("Nothing recorded yet.").italics());
        return;
    }
    let skip = all.len().saturating_sub(MAX_SHOWN);
    if skip > 0 {
        ui.label(
            RichText::new(format!(
                "{skip} earlier entries are not shown here; the command line's `history` lists them all."
            ))
            .weak(),
        );
    }
    let shown = &all[skip..];
    a11y::list(ui, "History", shown.len(), |ui| {
        for (i, e) in shown.iter().enumerate() {
            let r = ui
                .horizontal_wrapped(|ui| {
                    ui.label(RichText::new(widgets::short_time(&e.at)).weak());
                    widgets::pill(ui, tone(e.what), e.what.label());
                    ui.label(RichText::new(display_safe(&e.who)).strong());
                    ui.label(display_safe(&e.says));
                })
                .response;
            a11y::option(&r, false, i, shown.len());
            if let Some(reason) = &e.reason {
                ui.indent(("reason", i), |ui| {
                    ui.label(
                        RichText::new(format!("Okta's reason: {}", display_safe(reason))).weak(),
                    );
                });
            }
        }
    });
}
