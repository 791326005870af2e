//! The projects list on the left, with each project's team count and the names that
//! cannot be read.

use crate::model::text::plural;
use crate::ui::a11y;
use crate::ui::action::{Action, Tab};
use crate::ui::cache::Memo;
use crate::ui::view::View;
use crate::ui::widgets::{self, Pill};
use egui::{RichText, Ui};

/// The pseudo-project listing unreadable group names.
pub const UNREADABLE: &str = "\u{0}unreadable";

/// The panel's own state.
#[derive(Default)]
pub struct ProjectsPanel {
    search: String,
    rows: Memo<(u64, String), Vec<(String, usize)>>,
}

impl ProjectsPanel {
    /// Lays out the panel, keeping its place for [`Self::show`] (its controls come after
    /// the tabs in the Tab order).
    pub fn place(ui: &mut Ui) -> a11y::Kept {
        egui::Panel::left("projects")
            .resizable(true)
            .default_size(220.0)
            .size_range(170.0..=400.0)
            .show(ui, |ui| a11y::keep(ui, None))
            .inner
    }

    /// Draws the panel's content in its place.
    pub fn show(&mut self, ui: &mut Ui, kept: a11y::Kept, view: &View, actions: &mut Vec<Action>) {
        a11y::fill(ui, kept, |ui| {
            ui.heading("Projects");
            widgets::search_box(ui, &mut self.search, "Search projects", "search-projects");
            ui.add_space(4.0);
            let d = view.directory;
            let rows = self.rows.get((view.generation, self.search.clone()), || {
                d.teams()
                    .iter()
                    .filter(|(p, _)| widgets::matches(&self.search, &[p]))
                    .map(|(p, t)| (p.clone(), t.len()))
                    .collect()
            });
            let unreadable = d.unreadable().len();
            let count = rows.len() + usize::from(unreadable > 0);
            a11y::list(ui, "Project list", count, |ui| {
                egui::ScrollArea::vertical()
                    .auto_shrink([false, false])
                    .show(ui, |ui| {
                        for (k, (p, teams)) in rows.iter().enumerate() {
                            let selected = view.sel.project.as_deref() == Some(p.as_str());
                            let text = format!(
                                "{}  ({})",
                                crate::model::names::display_safe(p),
                                plural(*teams, "team")
                            );
                            let r = ui.selectable_label(selected, text);
                            a11y::option(&r, selected, k, count);
                            if r.clicked() {
                                actions.push(Action::SelectProject(p.clone()));
                                actions.push(Action::SetTab(Tab::Teams));
                            }
                        }
                        if !view.imported && !view.busy {
                            ui.label(RichText::new("Nothing imported yet: press Import.").italics());
                        }
                        if unreadable > 0 {
                            ui.separator();
                            let selected = view.sel.project.as_deref() == Some(UNREADABLE);
                            let color = widgets::pill_color(ui, Pill::Warn);
                            let r = ui.selectable_label(
                                selected,
                                RichText::new(format!("Unreadable names ({unreadable})"))
                                    .color(color),
                            );
                            a11y::option(&r, selected, count - 1, count);
                            if r
                                .on_hover_text("Statsig-… groups whose names are malformed or read more than one way")
                                .clicked()
                            {
                                actions.push(Action::SelectProject(UNREADABLE.into()));
                                actions.push(Action::SetTab(Tab::Teams));
                            }
                        }
                    });
            });
        });
    }
}
