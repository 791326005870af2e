//! The status bar: counts, watching, another run pushing, and the last message.

use super::Chrome;
use crate::engine::runner::Command;
use crate::model::mapping::MappingStatus;
use crate::model::text::plural;
use crate::ui::action::Action;
use crate::ui::view::View;
use crate::ui::widgets::{self, Pill, Toast};
use egui::{RichText, Ui};
use std::time::Duration;

/// What the status line says: the newest message, except a passing notice (a retry or a
/// rate-limit wait) once the same service has answered since: a newer outcome replaces it,
/// and the last message that still holds shows again.
#[derive(Debug, Default)]
pub struct StatusLine {
    /// What the line shows.
    shown: Option<Toast>,
    /// The newest message that is not a passing notice.
    held: Option<Toast>,
    /// The service a shown passing notice waits on.
    waiting_on: Option<&'static str>,
}

impl StatusLine {
    /// A message that holds until a newer one (a job's outcome, a warning).
    pub fn said(&mut self, t: &Toast) {
        self.shown = Some(t.clone());
        self.held = Some(t.clone());
        self.waiting_on = None;
    }

    /// A passing notice: a wait on `service` before a retry or under its rate limit.
    pub fn waiting(&mut self, t: &Toast, service: &'static str) {
        self.shown = Some(t.clone());
        self.waiting_on = Some(service);
    }

    /// `service` answered `status` (`None`: no answer): an answer that is not itself a
    /// reason to wait again ends a notice waiting on that service.
    pub fn answered(&mut self, service: &'static str, status: Option<u16>) {
        let usable = status.is_some_and(|s| s != 429 && s < 500);
        if usable && self.waiting_on == Some(service) {
            self.shown = self.held.clone();
            self.waiting_on = None;
        }
    }

    /// What the line shows.
    pub fn shown(&self) -> Option<&Toast> {
        self.shown.as_ref()
    }
}

/// Lays out the status bar, `height` tall (what its content took last time), keeping its
/// place for [`show`]: its controls come last in the Tab order.
pub fn place(ui: &mut Ui, height: f32) -> crate::ui::a11y::Kept {
    egui::Panel::bottom("status")
        .show(ui, |ui| crate::ui::a11y::keep(ui, Some(height)))
        .inner
}

/// Draws the status bar in its place; returns the height it took.
pub fn show(
    ui: &mut Ui,
    kept: crate::ui::a11y::Kept,
    view: &View,
    chrome: &Chrome,
    actions: &mut Vec<Action>,
) -> f32 {
    crate::ui::a11y::fill(ui, kept, |ui| {
        ui.horizontal(|ui| {
            let d = view.directory;
            // Before anything is read (connecting, or a profile just switched to), counts
            // of zero would say the org is empty: say what is happening instead.
            ui.label(match (view.imported, view.connection.is_some(), view.busy) {
                (true, ..) => format!(
                    "{} · {} · {} · {} · {}",
                    plural(d.statsig_users.len(), "Statsig user"),
                    plural(d.statsig_groups.len(), "Statsig group"),
                    plural(d.okta_users.len(), "Okta user"),
                    plural(d.okta_groups.len(), "Okta group"),
                    plural(view.mappings.len(), "mapping"),
                ),
                (false, false, true) => format!("Connecting profile \"{}\"…", view.profile),
                (false, true, true) => "Reading Okta and Statsig…".to_string(),
                (false, _, false) => "Nothing read yet".to_string(),
            });
            let asking = view
                .mappings
                .iter()
                .filter(|m| matches!(m.status, MappingStatus::NeedsConfirmation { .. }))
                .count();
            if asking > 0 {
                ui.separator();
                let text = match asking {
                    1 => "1 push waits for confirmation".to_string(),
                    n => format!("{n} pushes wait for confirmation"),
                };
                widgets::pill(ui, Pill::Ask, &text)
                .on_hover_text("Removals the deletion guard holds until you confirm them (Pushed groups, Needs confirmation); their adds went ahead");
            }
            if let Some(at) = view.cached.filter(|_| view.snapshot.is_none()) {
                ui.separator();
                let age = crate::model::text::age(at, &crate::clock::now());
                let (pill, text) = if view.busy {
                    (Pill::Busy, format!("Cached {age}; refreshing"))
                } else {
                    (Pill::Neutral, format!("Cached {age}"))
                };
                widgets::pill(ui, pill, &text).on_hover_text(format!(
                    "The directory as read at {at}, shown at once; a refresh reads what Okta changed since"
                ));
            }
            ui.separator();
            let mut watching = chrome.watching;
            let can_watch = view.connection.is_some() && view.snapshot.is_none();
            let r = ui
                .add_enabled(can_watch, egui::Checkbox::new(&mut watching, "Watch for changes"))
                .on_hover_text("At once, then every minute: push Okta membership changes of active mappings and look for edits made in Statsig");
            if r.changed() {
                actions.push(Action::Send(Command::SetWatching {
                    on: watching,
                    interval: Duration::from_secs(60),
                }));
            }
            if chrome.watching {
                let mut alerts = chrome.alerts;
                let r = ui
                    .checkbox(&mut alerts, "Desktop alerts")
                    .on_hover_text("While watching: a desktop notification when a mapping enters Error, edits are made in Statsig, or Health finds a new error (once per change)");
                if r.changed() {
                    actions.push(Action::SetAlerts(alerts));
                }
            }
            if chrome.other_pushing {
                ui.separator();
                widgets::pill(ui, Pill::Busy, "Another run of this app is pushing")
                    .on_hover_text("Pushes wait until it is done; its changes show here when it is");
            }
            if let Some(last) = chrome.last_message {
                ui.separator();
                let color = widgets::pill_color(
                    ui,
                    if last.error { Pill::Bad } else { Pill::Neutral },
                );
                // Announced as it changes: errors at once, news when the reader is idle.
                // (A cut line shows whole on hover.)
                let r =
                    ui.add(egui::Label::new(RichText::new(&last.text).color(color)).truncate());
                crate::ui::a11y::live(&r, last.error);
            }
        });
    })
    .1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> Toast {
        Toast {
            text: text.into(),
            error: false,
            at: 0.0,
        }
    }

    #[test]
    fn a_retry_notice_gives_way_once_its_service_answers_again() {
        let mut line = StatusLine::default();
        line.said(&t("Imported 12 groups."));
        line.waiting(&t("Okta: could not connect, retrying in 1 s"), "Okta");
        line.answered("Statsig", Some(200));
        line.answered("Okta", Some(503));
        line.answered("Okta", None);
        assert_eq!(
            line.shown().unwrap().text,
            "Okta: could not connect, retrying in 1 s",
            "Okta has not answered yet"
        );
        line.answered("Okta", Some(200));
        assert_eq!(line.shown().unwrap().text, "Imported 12 groups.");
        line.waiting(&t("Okta: rate limited, retrying in 1 s"), "Okta");
        line.said(&t("Checked: 0 groups changed."));
        line.answered("Okta", Some(200));
        assert_eq!(line.shown().unwrap().text, "Checked: 0 groups changed.");
    }
}
