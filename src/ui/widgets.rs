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
    /// Waits for the admin's answer (a confirmation), not a failure.
    Ask,
}

/// A pill's text color; at least 4.5:1 against the panel background in both themes.
pub fn pill_color(ui: &Ui, pill: Pill) -> Color32 {
    tone_color(pill, ui.visuals().dark_mode)
}

/// The color of `pill` in the dark or the light theme.
pub fn tone_color(pill: Pill, dark: bool) -> Color32 {
    match (pill, dark) {
        (Pill::Good, true) => Color32::from_rgb(74, 222, 128),
        (Pill::Good, false) => Color32::from_rgb(21, 108, 52),
        (Pill::Warn, true) => Color32::from_rgb(250, 204, 21),
        (Pill::Warn, false) => Color32::from_rgb(133, 77, 14),
        (Pill::Bad, true) => Color32::from_rgb(252, 129, 129),
        (Pill::Bad, false) => Color32::from_rgb(185, 28, 28),
        (Pill::Busy, true) => Color32::from_rgb(125, 185, 252),
        (Pill::Busy, false) => Color32::from_rgb(29, 78, 216),
        (Pill::Ask, true) => Color32::from_rgb(205, 170, 255),
        (Pill::Ask, false) => Color32::from_rgb(109, 40, 217),
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
        MappingStatus::NeedsConfirmation { .. } => Pill::Ask,
    };
    pill(ui, tone, status.label())
}

/// Whether an Okta user can be pushed, in the same few words everywhere: "active", "not in
/// Statsig", or Okta's status ("suspended", "deprovisioned", …).
pub fn okta_user_state(d: &crate::model::Directory, u: &crate::model::OktaUser) -> String {
    match (u.is_active(), d.statsig_user_for(u).is_some()) {
        (true, true) => "active".to_string(),
        (true, false) => "not in Statsig".to_string(),
        (false, _) => u.status.to_lowercase(),
    }
}

/// The narrowest a column of [`okta_user_state`] words may get with none of them cut.
pub const USER_STATE_WIDTH: f32 = 110.0;

/// Text in a pill's color (readable in both themes).
pub fn tone_text(ui: &mut Ui, tone: Pill, text: impl Into<String>) -> egui::Response {
    let c = pill_color(ui, tone);
    ui.label(RichText::new(text.into()).color(c))
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

/// A search field with a fixed id (Ctrl+F focuses it), named by its hint (which stays its
/// name once something is typed).
pub fn search_box(ui: &mut Ui, text: &mut String, hint: &str, id: &str) -> egui::Response {
    let r = ui.add(
        egui::TextEdit::singleline(text)
            .hint_text(hint.to_string())
            .id(egui::Id::unique(id))
            .desired_width(f32::INFINITY),
    );
    crate::ui::a11y::name(&r, hint);
    r
}

/// Whether `needle` (trimmed, any case) is found in one of `hay`.
pub fn matches(needle: &str, hay: &[&str]) -> bool {
    let n = needle.trim().to_lowercase();
    n.is_empty() || hay.iter().any(|h| h.to_lowercase().contains(&n))
}

/// An Okta group's member count as lists show it: "…" while its members are not in
/// (being read, or not read), never 0.
pub fn member_count(g: &crate::model::OktaGroup) -> String {
    if g.members_pending {
        "…".to_string()
    } else {
        g.members.len().to_string()
    }
}

/// A label that elides to fit, with the whole text on hover (never truncated silently).
pub fn elided(ui: &mut Ui, text: &str) -> egui::Response {
    ui.add(egui::Label::new(text).truncate().selectable(false))
}

pub use crate::model::text::short_time;

/// A table column that gives way by priority: `min` is the least it shows anything useful
/// in, `want` what shows its text whole.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    /// The least width.
    pub min: f32,
    /// The width that shows every row whole.
    pub want: f32,
    /// 0 first: lower numbers get what they want before higher ones get more than `min`.
    pub priority: u8,
}

impl Fit {
    /// A column that needs `want` to show whole, and `min` (at most `want`) at the least.
    pub fn new(min: f32, want: f32, priority: u8) -> Self {
        Fit {
            min: min.min(want),
            want,
            priority,
        }
    }

    /// A column that always shows whole: `width`, first.
    pub fn whole(width: f32) -> Self {
        Fit::new(width, width, 0)
    }
}

/// The width a table of `columns` columns can share in `ui`: what is left by the spaces
/// between them and the scroll bar.
pub fn table_room(ui: &Ui, columns: usize) -> f32 {
    ui.available_width()
        - columns as f32 * ui.spacing().item_spacing.x
        - ui.spacing().scroll.bar_width
}

/// The widths of columns sharing `width`: each gets its `min`, then the columns in priority
/// order get what they want as far as the width goes, and what is left goes to the column
/// with the highest priority number (the last of them on a tie). No column goes below its
/// `min`, even when the width is too small for all of them.
pub fn fit_columns(width: f32, cols: &[Fit]) -> Vec<f32> {
    let mut widths: Vec<f32> = cols.iter().map(|c| c.min).collect();
    let mut left = width - widths.iter().sum::<f32>();
    let mut order: Vec<usize> = (0..cols.len()).collect();
    order.sort_by_key(|&i| cols[i].priority);
    for &i in &order {
        let more = (cols[i].want - cols[i].min).max(0.0).min(left.max(0.0));
        widths[i] += more;
        left -= more;
    }
    if left > 0.0
        && let Some(&last) = order.last()
    {
        widths[last] += left;
    }
    widths
}

/// The width `text` takes on one line in `style`.
pub fn text_width(ui: &Ui, text: &str, style: egui::TextStyle) -> f32 {
    let font = style.resolve(ui.style());
    ui.painter()
        .layout_no_wrap(text.to_string(), font, Color32::WHITE)
        .size()
        .x
}

/// Texts measured by [`widest`]: the longest by characters (widths follow them closely
/// enough, and measuring every name of thousands would cost a frame).
const MEASURED: usize = 16;

/// The width the widest of `texts` takes on one line in the body font, measured over the
/// longest few by characters.
pub fn widest<'a>(ui: &Ui, texts: impl Iterator<Item = &'a str>) -> f32 {
    let mut longest: Vec<(usize, &str)> = texts.map(|t| (t.chars().count(), t)).collect();
    if longest.len() > MEASURED {
        longest.select_nth_unstable_by_key(MEASURED, |(n, _)| std::cmp::Reverse(*n));
        longest.truncate(MEASURED);
    }
    longest
        .iter()
        .map(|(_, t)| {
            text_width(
                ui,
                &crate::model::names::display_safe(t),
                egui::TextStyle::Body,
            )
        })
        .fold(0.0, f32::max)
}

/// The width of a [`pill`] saying `text`.
pub fn pill_width(ui: &Ui, text: &str) -> f32 {
    text_width(ui, text, egui::TextStyle::Body) + 2.0 * 6.0 + 2.0 + ui.spacing().item_spacing.x
}

/// A small dot marking a row the last update changed; `what` says how (on hover, and to
/// screen readers).
pub fn change_mark(ui: &mut Ui, what: &str) -> egui::Response {
    let (rect, r) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
    ui.painter()
        .circle_filled(rect.center(), 4.0, pill_color(ui, Pill::Busy));
    r.widget_info(|| egui::WidgetInfo::labeled(egui::accesskit::Role::Image, true, what));
    r.on_hover_text(what)
}

/// A name in a table cell: whole when it fits, else its `telling` part (what tells it
/// from its neighbours), elided at the end if that does not fit either; the whole name on
/// hover.
pub fn name_cell(ui: &mut Ui, name: &str, telling: &str) -> egui::Response {
    let fits = text_width(ui, name, egui::TextStyle::Body) <= ui.available_width();
    let shown = if fits { name } else { telling };
    let r = elided(ui, shown);
    if fits { r } else { r.on_hover_text(name) }
}

/// A bar split in proportion to `parts` (count, tone, what), each part's count and name on
/// hover: the shape of a comparison at a glance. Nothing is drawn for all zeros.
pub fn proportion_bar(ui: &mut Ui, parts: &[(usize, Pill, &str)]) {
    let total: usize = parts.iter().map(|p| p.0).sum();
    if total == 0 {
        return;
    }
    let width = ui.available_width().min(600.0);
    let (rect, _) = ui.allocate_exact_size(egui::vec2(width, 12.0), egui::Sense::hover());
    let mut x = rect.left();
    for &(n, tone, what) in parts.iter().filter(|p| p.0 > 0) {
        let w = rect.width() * n as f32 / total as f32;
        let part =
            egui::Rect::from_min_size(egui::pos2(x, rect.top()), egui::vec2(w, rect.height()));
        ui.painter().rect_filled(part, 0.0, pill_color(ui, tone));
        let id = ui.scope_id().with(("part", what));
        ui.interact(part, id, egui::Sense::hover())
            .on_hover_text(format!("{n} {what}"));
        x += w;
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

/// Under a token field: the note on what will be taken off it, or why it is refused.
/// Returns whether it may be sent.
pub fn token_check(ui: &mut egui::Ui, check: &Result<Option<String>, String>) -> bool {
    match check {
        Ok(None) => true,
        Ok(Some(note)) => {
            ui.label(egui::RichText::new(note).italics());
            true
        }
        Err(e) => {
            error_text(ui, e);
            false
        }
    }
}

/// Under the Okta org URL: the note when a path copied from the browser will be left out.
pub fn okta_url_note(ui: &mut egui::Ui, url: &str) {
    if let Ok((_, Some(note))) = crate::net::okta_org_url(url) {
        ui.label(egui::RichText::new(note).italics());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG's contrast ratio of two colors.
    fn contrast(a: Color32, b: Color32) -> f32 {
        let lum = |c: Color32| {
            let ch = |v: u8| {
                let v = v as f32 / 255.0;
                if v <= 0.03928 {
                    v / 12.92
                } else {
                    ((v + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * ch(c.r()) + 0.7152 * ch(c.g()) + 0.0722 * ch(c.b())
        };
        let (x, y) = (lum(a), lum(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn columns_give_way_by_priority_and_never_below_their_least() {
        let fit = |min, want, priority| Fit {
            min,
            want,
            priority,
        };
        let cols = [
            fit(80.0, 80.0, 0),
            fit(60.0, 150.0, 1),
            fit(60.0, 300.0, 2),
            fit(90.0, 90.0, 0),
        ];
        // Room for everything: the last priority takes what is left.
        assert_eq!(fit_columns(700.0, &cols), [80.0, 150.0, 380.0, 90.0]);
        // Narrow: the second name gives way first, then the first.
        assert_eq!(fit_columns(450.0, &cols), [80.0, 150.0, 130.0, 90.0]);
        assert_eq!(fit_columns(330.0, &cols), [80.0, 100.0, 60.0, 90.0]);
        // Too narrow for all: each keeps its least.
        assert_eq!(fit_columns(200.0, &cols), [80.0, 60.0, 60.0, 90.0]);
    }

    #[test]
    fn every_tone_reads_at_4_5_to_1_in_both_themes_on_panels_and_striped_rows() {
        for (dark, v) in [
            (true, egui::Visuals::dark()),
            (false, egui::Visuals::light()),
        ] {
            // Striped rows draw the faint color (premultiplied) over the panel.
            let over = |top: Color32, under: Color32| {
                let a = top.a() as f32 / 255.0;
                let mix = |t: u8, u: u8| (t as f32 + u as f32 * (1.0 - a)).min(255.0) as u8;
                Color32::from_rgb(
                    mix(top.r(), under.r()),
                    mix(top.g(), under.g()),
                    mix(top.b(), under.b()),
                )
            };
            let striped = over(v.faint_bg_color, v.panel_fill);
            for bg in [v.panel_fill, v.window_fill, striped] {
                for pill in [Pill::Good, Pill::Warn, Pill::Bad, Pill::Neutral, Pill::Busy] {
                    let c = contrast(tone_color(pill, dark), bg);
                    assert!(c >= 4.5, "{pill:?} dark={dark} on {bg:?}: {c:.2}");
                }
                let text = contrast(v.text_color(), bg);
                assert!(text >= 4.5, "text dark={dark}: {text:.2}");
            }
        }
    }
}
