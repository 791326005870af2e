//! Sync health since connecting: how many mappings are in sync, have changes waiting,
//! are in error or wait for confirmation, one sample per change of the data or the mappings, from the first one
//! the connection showed. Drawn as a small chart with its legend beside it (never over
//! the newest points) and whole numbers on its axis.

use crate::ui::widgets::{self, Pill};
use egui::Ui;

/// Samples kept before the oldest half is dropped.
const MAX_SAMPLES: usize = 2000;

/// One point per this many seconds: a burst of changes (an import, a rule applied) is one
/// point, its last counts.
const BUCKET: f64 = 30.0;

/// One sample: when (egui time, seconds) and the three counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// When it was taken (seconds).
    pub at: f64,
    /// Mappings in sync.
    pub in_sync: usize,
    /// Mappings with changes waiting to be pushed.
    pub waiting: usize,
    /// Mappings in error.
    pub errors: usize,
    /// Mappings whose removals wait for the admin's confirmation.
    pub asking: usize,
}

/// The samples of one connection.
#[derive(Debug, Default)]
pub struct Health {
    samples: Vec<Sample>,
    /// The data and mappings versions of the last sample.
    key: Option<(u64, u64)>,
}

/// A series: which count, its name, its tone.
type Series = (fn(&Sample) -> usize, &'static str, Pill);

/// The four series.
const SERIES: [Series; 4] = [
    (|s| s.in_sync, "in sync", Pill::Good),
    (|s| s.waiting, "changes waiting", Pill::Warn),
    (|s| s.errors, "errors", Pill::Bad),
    (|s| s.asking, "needs confirmation", Pill::Ask),
];

impl Health {
    /// Whether the data or mappings of `key` were sampled already.
    pub fn has(&self, key: (u64, u64)) -> bool {
        self.key == Some(key)
    }

    /// Adds a sample of the data and mappings of `key`; within the last point's 30
    /// seconds (counted from the first point) it replaces that point's counts.
    pub fn add(&mut self, key: (u64, u64), sample: Sample) {
        self.key = Some(key);
        let bucket = |at: f64| self.samples.first().map(|f| ((at - f.at) / BUCKET).floor());
        if let Some(last) = self.samples.last()
            && bucket(last.at) == bucket(sample.at)
        {
            let at = last.at;
            self.samples.pop();
            self.samples.push(Sample { at, ..sample });
        } else {
            self.samples.push(sample);
        }
        if self.samples.len() > MAX_SAMPLES {
            self.samples.drain(1..MAX_SAMPLES / 2);
        }
    }

    /// Starts over (another connection, or a snapshot).
    pub fn forget(&mut self) {
        *self = Health::default();
    }

    /// The samples, oldest first.
    pub fn samples(&self) -> &[Sample] {
        &self.samples
    }

    /// What the chart shows, in words (its accessible description).
    pub fn describe(&self) -> String {
        match (self.samples.first(), self.samples.last()) {
            (Some(first), Some(last)) => format!(
                "Sync health: {} over {}; now {} in sync, {} with changes waiting, {} in error, {} waiting for confirmation",
                crate::model::text::plural(self.samples.len(), "sample"),
                minutes(last.at - first.at),
                last.in_sync,
                last.waiting,
                last.errors,
                last.asking
            ),
            _ => "Sync health: nothing yet".to_string(),
        }
    }

    /// Draws the chart under a header; nothing before the first sample.
    pub fn show(&self, ui: &mut Ui) {
        let (Some(first), Some(last)) = (self.samples.first(), self.samples.last()) else {
            return;
        };
        egui::CollapsingHeader::new("Sync health since connecting")
            .default_open(true)
            .show(ui, |ui| {
                let dark = ui.visuals().dark_mode;
                // The legend beside the chart, with the newest counts.
                ui.horizontal_wrapped(|ui| {
                    for (count, name, tone) in SERIES {
                        let color = widgets::tone_color(tone, dark);
                        let (swatch, _) =
                            ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
                        ui.painter().rect_filled(swatch, 2.0, color);
                        ui.label(format!("{name} {}", count(last)));
                        ui.add_space(8.0);
                    }
                });
                let top = self
                    .samples
                    .iter()
                    .flat_map(|s| SERIES.map(|(count, _, _)| count(s)))
                    .max()
                    .unwrap_or(0)
                    .max(1);
                let span = ((last.at - first.at) / 60.0).max(1.0);
                let plot = egui_plot::Plot::new("sync-health")
                    .height(90.0)
                    .allow_zoom(false)
                    .allow_drag(false)
                    .allow_scroll(false)
                    .allow_boxed_zoom(false)
                    .include_x(0.0)
                    .include_x(span)
                    .include_y(0.0)
                    .include_y(top as f64)
                    .y_axis_formatter(|mark, _| count_label(mark.value))
                    .x_axis_label("minutes")
                    .show(ui, |p| {
                        for (count, name, tone) in SERIES {
                            let points: Vec<[f64; 2]> = self
                                .samples
                                .iter()
                                .map(|s| [(s.at - first.at) / 60.0, count(s) as f64])
                                .collect();
                            let color = widgets::tone_color(tone, dark);
                            p.points(
                                egui_plot::Points::new(name, points.clone())
                                    .color(color)
                                    .radius(2.5),
                            );
                            p.line(egui_plot::Line::new(name, points).color(color).width(2.0));
                        }
                    });
                let text = self.describe();
                plot.response.widget_info(|| {
                    egui::WidgetInfo::labeled(egui::accesskit::Role::Image, true, &text)
                });
            });
    }
}

/// How long `seconds` is, in minutes (at least "under a minute").
fn minutes(seconds: f64) -> String {
    let m = (seconds / 60.0).floor() as usize;
    if m == 0 {
        "under a minute".to_string()
    } else {
        crate::model::text::plural(m, "minute")
    }
}

/// A count on the chart's axis: whole numbers only (the axis of a count has no halves).
pub fn count_label(value: f64) -> String {
    let whole = value.round();
    if (value - whole).abs() < 1e-6 && whole >= 0.0 {
        format!("{whole:.0}")
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_shows_whole_counts_only() {
        let labels: Vec<String> = [0.0, 0.2, 0.5, 1.0, 1.5, 2.0, 10.0, -1.0]
            .into_iter()
            .map(count_label)
            .collect();
        assert_eq!(labels, ["0", "", "", "1", "", "2", "10", ""]);
    }

    #[test]
    fn one_point_per_half_minute_and_forget_starts_over() {
        let s = |at, errors| Sample {
            at,
            in_sync: 1,
            waiting: 0,
            errors,
            asking: 0,
        };
        let mut h = Health::default();
        h.add((1, 1), s(0.0, 0));
        h.add((1, 2), s(12.0, 1));
        assert_eq!(
            h.samples(),
            [s(0.0, 1)],
            "a burst is one point, its last counts"
        );
        h.add((2, 1), s(70.0, 3));
        h.add((2, 2), s(80.0, 2));
        assert!(h.has((2, 2)) && !h.has((1, 2)));
        assert_eq!(h.samples(), [s(0.0, 1), s(70.0, 2)]);
        assert_eq!(
            h.describe(),
            "Sync health: 2 samples over 1 minute; now 1 in sync, 0 with changes waiting, 2 in error, 0 waiting for confirmation"
        );
        h.forget();
        assert!(h.samples().is_empty() && !h.has((2, 2)));
    }
}
