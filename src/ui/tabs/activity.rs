//! Activity: every request sent and every wait, newest first, filterable. Lines are
//! formatted once as they arrive; the filter runs when the text or the log changes.

use crate::engine::runner::Activity;
use crate::ui::a11y;
use crate::ui::action::Tab;
use crate::ui::cache::Memo;
use crate::ui::widgets::{self, ROW};
use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};
use std::collections::VecDeque;

/// Lines kept at most.
const MAX_LINES: usize = 5000;

/// The log and the tab's own state.
#[derive(Default)]
pub struct ActivityTab {
    lines: VecDeque<String>,
    /// Bumped with every new line.
    version: u64,
    search: String,
    filtered: Memo<(String, u64), Vec<usize>>,
}

/// One line of the activity log.
pub fn line(a: &Activity) -> String {
    match a {
        Activity::Request(r) => format!(
            "{:<8} {:<6} {:<60} {:>5} {:>6} ms{}",
            r.service,
            r.method,
            r.path,
            r.status
                .map(|s| s.to_string())
                .unwrap_or_else(|| "-".into()),
            r.duration.as_millis(),
            r.error
                .as_ref()
                .map(|e| format!("  {e}"))
                .unwrap_or_default()
        ),
        Activity::Wait(w) => format!(
            "{:<8} wait   {} {}: {}, retrying in {} s",
            w.service,
            w.method,
            w.path,
            w.reason,
            w.wait.as_secs().max(1)
        ),
    }
}

impl ActivityTab {
    /// How many lines it holds.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether it holds no line.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Adds one line.
    pub fn push(&mut self, a: &Activity) {
        self.lines.push_back(line(a));
        self.version += 1;
        if self.lines.len() > MAX_LINES {
            self.lines.pop_front();
        }
    }

    /// Draws the tab.
    pub fn show(&mut self, ui: &mut Ui) {
        widgets::search_box(
            ui,
            &mut self.search,
            "Filter requests (method, path, status)",
            &Tab::Activity.search_id(),
        );
        let needle = self.search.trim().to_lowercase();
        let lines = &self.lines;
        let hits = self.filtered.get((needle.clone(), self.version), || {
            (0..lines.len())
                .rev()
                .filter(|&i| needle.is_empty() || lines[i].to_lowercase().contains(&needle))
                .collect()
        });
        ui.label(format!(
            "{} (newest first); tokens are never recorded",
            crate::model::text::plural(hits.len(), "line")
        ));
        a11y::table(ui, "Requests", hits.len(), 1, |ui| {
            TableBuilder::new(ui)
                .id_salt("activity")
                .striped(true)
                .auto_shrink([false, false])
                .column(Column::remainder())
                .body(|mut body| {
                    let a11y_rows = a11y::Rows::new(&mut body, 1, false);
                    body.rows(ROW, hits.len(), |mut row| {
                        let i = hits[row.index()];
                        row.col(|ui| {
                            ui.label(RichText::new(&lines[i]).monospace());
                        });
                        a11y_rows.row(row.index(), false, &[]);
                    });
                });
        });
    }
}
