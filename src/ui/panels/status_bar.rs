//! The status bar: counts, watching, another run pushing, and the last message.

use super::Chrome;
use crate::engine::runner::Command;
use crate::model::mapping::MappingStatus;
use crate::model::text::plural;
use crate::ui::action::Action;
use crate::ui::view::View;
use crate::ui::widgets::{self, Pill};
use egui::{RichText, Ui};
use std::time::Duration;

/// Draws the status bar.
pub fn show(ui: &mut Ui, view: &View, chrome: &Chrome, actions: &mut Vec<Action>) {
    egui::Panel::bottom("status").show(ui, |ui| {
        ui.horizontal(|ui| {
            let d = view.directory;
            ui.label(format!(
                "{} · {} · {} · {} · {}",
                plural(d.statsig_users.len(), "Statsig user"),
                plural(d.statsig_groups.len(), "Statsig group"),
                plural(d.okta_users.len(), "Okta user"),
                plural(d.okta_groups.len(), "Okta group"),
                plural(view.mappings.len(), "mapping"),
            ));
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
                .on_hover_text("Every minute: push Okta membership changes of active mappings and look for edits made in Statsig");
            if r.changed() {
                actions.push(Action::Send(Command::SetWatching {
                    on: watching,
                    interval: Duration::from_secs(60),
                }));
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
                ui.add(egui::Label::new(RichText::new(&last.text).color(color)).truncate())
                    .on_hover_text(&last.text);
            }
        });
    });
}
