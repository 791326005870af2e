//! Small shared widgets: status pills, messages, theme, labelled fields, times. They know
//! nothing of the app: each takes what it draws.

use crate::model::mapping::MappingStatus;
use egui::{Color32, RichText, Ui};

/// The height of a table row.
pub const ROW: f32 = 22.0;

/// The tone of a pill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pill {
    /// In sync, done.
    Good,
    /// Needs a look.
    Warn,
    /// Failed.
    Bad,
    /// Nothing to say.
    Neutral,
    /// Under way.
    Busy,
}

/// A pill's text color; at least 4.5:1 against the panel background in both themes.
pub fn pill_color(ui: &Ui, pill: Pill) -> Color32 {
    let dark = ui.visuals().dark_mode;
    match (pill, dark) {
        (Pill::Good, true) => Color32::from_rgb(74, 222, 128),
        (Pill::Good, false) => Color32::from_rgb(21, 108, 52),
        (Pill::Warn, true) => Color32::from_rgb(250, 204, 21),
        (Pill::Warn, false) => Color32::from_rgb(133, 77, 14),
        (Pill::Bad, true) => Color32::from_rgb(252, 129, 129),
        (Pill::Bad, false) => Color32::from_rgb(185, 28, 28),
        (Pill::Busy, true) => Color32::from_rgb(125, 185, 252),
        (Pill::Busy, false) => Color32::from_rgb(29, 78, 216),
        (Pill::Neutral, true) => Color32::from_gray(190),
        (Pill::Neutral, false) => Color32::from_gray(80),
    }
}

/// A rounded label in the pill's color, on a solid background so it stays readable on a
/// selected row.
pub fn pill(ui: &mut Ui, pill: Pill, text: &str) -> egui::Response {
    let color = pill_color(ui, pill);
    egui::Frame::new()
        .fill(ui.visuals().panel_fill)
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

/// Text in the warning color (readable in both themes).
pub fn warn_text(ui: &mut Ui, text: impl Into<String>) -> egui::Response {
    let c = pill_color(ui, Pill::Warn);
    ui.label(RichText::new(text.into()).color(c))
}

/// Text in the error color (readable in both themes).
pub fn error_text(ui: &mut Ui, text: impl Into<String>) -> egui::Response {
    let c = pill_color(ui, Pill::Bad);
    ui.label(RichText::new(text.into()).color(c))
}

/// A disabled button that would send a request says why on hover.
pub fn explain(response: egui::Response, can: Result<(), &str>) -> egui::Response {
    match can {
        Err(why) => response.on_disabled_hover_text(why),
        Ok(()) => response,
    }
}

/// A button that sends a request: enabled only when `can` and `extra` allow it.
pub fn send_button(ui: &mut Ui, can: Result<(), &str>, extra: bool, text: &str) -> egui::Response {
    explain(
        ui.add_enabled(can.is_ok() && extra, egui::Button::new(text)),
        can,
    )
}

/// A label and a one-line text field, the field labelled by the label (screen readers,
/// and tests that find fields by label).
pub fn labelled_text(
    ui: &mut Ui,
    label: &str,
    text: &mut String,
    hint: &str,
    password: bool,
) -> egui::Response {
    ui.horizontal(|ui| {
        let l = ui.add_sized([170.0, 20.0], egui::Label::new(label));
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

/// A search field with a fixed id (Ctrl+F focuses it).
pub fn search_box(ui: &mut Ui, text: &mut String, hint: &str, id: &str) -> egui::Response {
    ui.add(
        egui::TextEdit::singleline(text)
            .hint_text(hint.to_string())
            .id(egui::Id::unique(id))
            .desired_width(f32::INFINITY),
    )
}

/// Whether `needle` (trimmed, any case) is found in one of `hay`.
pub fn matches(needle: &str, hay: &[&str]) -> bool {
    let n = needle.trim().to_lowercase();
    n.is_empty() || hay.iter().any(|h| h.to_lowercase().contains(&n))
}

/// A label that elides to fit, with the whole text on hover (never truncated silently).
pub fn elided(ui: &mut Ui, text: &str) -> egui::Response {
    ui.add(egui::Label::new(text).truncate().selectable(false))
}

/// `2026-11-28T13:24:25.733Z` -> `2026-11-28 13:24:25 UTC`.
pub fn short_time(t: &str) -> String {
    match (t.get(..10), t.get(11..19)) {
        (Some(d), Some(h)) => format!("{d} {h} UTC"),
        _ => t.to_string(),
    }
}

/// Light or dark.
pub fn apply_theme(ctx: &egui::Context, dark: bool) {
    ctx.set_theme(if dark {
        egui::Theme::Dark
    } else {
        egui::Theme::Light
    });
}

/// A message shown for a while in the corner, and kept in the log.
#[derive(Debug, Clone)]
pub struct Toast {
    /// One sentence.
    pub text: String,
    /// Shown in red.
    pub error: bool,
    /// When it came (egui time).
    pub at: f64,
}

/// Recent messages in the bottom-left corner; errors stay red. True when dismissed.
pub fn toasts(ctx: &egui::Context, toasts: &[Toast]) -> bool {
    if toasts.is_empty() {
        return false;
    }
    let mut dismissed = false;
    egui::Area::new(egui::Id::unique("toasts"))
        .anchor(egui::Align2::LEFT_BOTTOM, [12.0, -36.0])
        .order(egui::Order::Foreground)
        .show(ctx, |ui| {
            ui.set_max_width(420.0);
            for t in toasts {
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
            dismissed = ui.small_button("Dismiss").clicked();
        });
    dismissed
}
