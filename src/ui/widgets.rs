//! Small shared widgets: status pills, toasts, theme, time formatting.

use super::app::{Action, App};
use crate::engine::state::MappingStatus;
use egui::{Color32, RichText, Ui};

/// The tone of a pill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pill {
    Good,
    Warn,
    Bad,
    Neutral,
    Busy,
}

pub fn pill_color(ui: &Ui, pill: Pill) -> Color32 {
    let dark = ui.visuals().dark_mode;
    match (pill, dark) {
        (Pill::Good, true) => Color32::from_rgb(74, 222, 128),
        (Pill::Good, false) => Color32::from_rgb(21, 128, 61),
        (Pill::Warn, true) => Color32::from_rgb(250, 204, 21),
        (Pill::Warn, false) => Color32::from_rgb(161, 98, 7),
        (Pill::Bad, _) => ui.visuals().error_fg_color,
        (Pill::Busy, true) => Color32::from_rgb(96, 165, 250),
        (Pill::Busy, false) => Color32::from_rgb(29, 78, 216),
        (Pill::Neutral, _) => ui.visuals().weak_text_color(),
    }
}

/// A rounded label in the pill's color.
pub fn pill(ui: &mut Ui, pill: Pill, text: &str) -> egui::Response {
    let color = pill_color(ui, pill);
    egui::Frame::new()
        .stroke(egui::Stroke::new(1.0, color))
        .corner_radius(8.0)
        .inner_margin(egui::Margin::symmetric(6, 1))
        .show(ui, |ui| ui.label(RichText::new(text).color(color).strong()))
        .inner
}

/// A mapping's status as Okta shows it.
pub fn status_pill(ui: &mut Ui, status: &MappingStatus) -> egui::Response {
    let tone = match status {
        MappingStatus::Active => Pill::Good,
        MappingStatus::Inactive => Pill::Neutral,
        MappingStatus::Pushing => Pill::Busy,
        MappingStatus::Error { .. } => Pill::Bad,
        MappingStatus::NeedsConfirmation { .. } => Pill::Warn,
    };
    pill(ui, tone, status.label())
}

/// A disabled button that would send a request says why on hover.
pub fn explain(response: egui::Response, can: Result<(), &str>) -> egui::Response {
    match can {
        Err(why) => response.on_disabled_hover_text(why),
        Ok(()) => response,
    }
}

/// `2026-11-28T13:24:25.733Z` -> `2026-11-28 13:24:25 UTC`.
pub fn short_time(t: &str) -> String {
    match (t.get(..10), t.get(11..19)) {
        (Some(d), Some(h)) => format!("{d} {h} UTC"),
        _ => t.to_string(),
    }
}

pub fn apply_theme(ctx: &egui::Context, dark: bool) {
    ctx.set_theme(if dark {
        egui::Theme::Dark
    } else {
        egui::Theme::Light
    });
}

/// Recent messages in the bottom-right corner; errors stay red.
pub fn toasts(app: &App, ctx: &egui::Context, actions: &mut Vec<Action>) {
    if app.toasts.is_empty() {
        return;
    }
    egui::Area::new(egui::Id::unique("toasts"))
        .anchor(egui::Align2::LEFT_BOTTOM, [12.0, -36.0])
        .show(ctx, |ui| {
            ui.set_max_width(380.0);
            for t in &app.toasts {
                let fill = if t.error {
                    Color32::from_rgb(127, 29, 29)
                } else {
                    ui.visuals().extreme_bg_color
                };
                egui::Frame::popup(ui.style()).fill(fill).show(ui, |ui| {
                    let text = RichText::new(&t.text);
                    ui.label(if t.error {
                        text.color(Color32::WHITE)
                    } else {
                        text
                    });
                });
            }
            if ui.small_button("Dismiss").clicked() {
                actions.push(Action::DismissToasts);
            }
        });
}
