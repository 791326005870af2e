//! Pushed groups: every mapping with its status and last push, the Errors and Needs
//! confirmation filters, Retry all and Check now; the selected mapping's details and
//! actions on the right.

use super::mapping_detail;
use crate::engine::runner::Command;
use crate::model::hold::{self, Allowed};
use crate::model::mapping::{Mapping, MappingStatus};
use crate::model::names;
use crate::model::plan;
use crate::model::push_rule;
use crate::model::text::plural;
use crate::ui::action::{Action, Open, Tab};
use crate::ui::cache::Memo;
use crate::ui::view::View;
use crate::ui::widgets::{self, Pill, ROW};
use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};

/// Which mappings the list shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Only {
    /// Every mapping.
    #[default]
    All,
    /// Mappings in Error.
    Errors,
    /// Mappings whose removals wait for the admin's confirmation.
    Confirm,
}

/// The tab's own state.
#[derive(Default)]
pub struct PushedTab {
    search: String,
    only: Only,
    shown: Memo<(u64, String, Only), Vec<usize>>,
    /// Per mapping: the changes from Okta waiting to be pushed, edits made in Statsig
    /// left out (`None`: cannot compare).
    waiting: Memo<(u64, u64), Vec<Option<usize>>>,
    /// The selected mapping's people edited in Statsig: (added there, removed there).
    drift_people: Memo<(u64, u64, String), mapping_detail::DriftPeople>,
    /// Okta groups a rule matches that are ready to be pushed.
    proposals: Memo<(u64, u64, u64), usize>,
    /// Sync health over this run of the app: (minutes since the first sample, in sync,
    /// changes waiting, errors, waiting for confirmation), one sample per change of the
    /// data or the mappings.
    health: Vec<[f64; 5]>,
    health_key: Option<(u64, u64)>,
}

fn failing(m: &Mapping) -> bool {
    matches!(m.status, MappingStatus::Error { .. })
}

fn asking(m: &Mapping) -> bool {
    matches!(m.status, MappingStatus::NeedsConfirmation { .. })
}

impl Only {
    fn keeps(self, m: &Mapping) -> bool {
        match self {
            Only::All => true,
            Only::Errors => failing(m),
            Only::Confirm => asking(m),
        }
    }
}

impl PushedTab {
    fn shown(&mut self, view: &View) -> Vec<usize> {
        let (search, only) = (self.search.clone(), self.only);
        self.shown
            .get((view.mappings_version, search.clone(), only), || {
                view.mappings
                    .iter()
                    .enumerate()
                    .filter(|(_, m)| only.keeps(m))
                    .filter(|(_, m)| {
                        widgets::matches(&search, &[&m.okta_group_name, &m.statsig_group_name])
                    })
                    .map(|(i, _)| i)
                    .collect()
            })
            .clone()
    }

    /// The ids of the mappings shown, for arrow keys.
    pub fn shown_ids(&mut self, view: &View) -> Vec<String> {
        self.shown(view)
            .into_iter()
            .map(|i| view.mappings[i].id.clone())
            .collect()
    }

    /// Draws the tab.
    pub fn show(&mut self, ui: &mut Ui, view: &View, actions: &mut Vec<Action>) {
        let errors = view.mappings.iter().filter(|m| failing(m)).count();
        let asking = view.mappings.iter().filter(|m| asking(m)).count();
        self.toolbar(ui, view, (errors, asking), actions);
        self.proposals(ui, view, actions);
        widgets::search_box(
            ui,
            &mut self.search,
            "Search pushed groups",
            &Tab::Pushed.search_id(),
        );
        if view.mappings.is_empty() {
            ui.add_space(8.0);
            ui.label(RichText::new("No pushed groups yet. Use Push groups… to link an Okta group to a Statsig team or create one.").italics());
            return;
        }
        let shown = self.shown(view);
        let waiting = self
            .waiting
            .get((view.generation, view.mappings_version), || {
                view.mappings
                    .iter()
                    .map(|m| {
                        let plan = plan::plan_push(
                            view.directory,
                            &m.okta_group_id,
                            &m.statsig_group_id,
                            usize::MAX,
                        )
                        .ok()?;
                        let d = view.directory;
                        Some(if m.okta.is_some() {
                            plan.adds.len() + plan.removes.len()
                        } else {
                            let to = &m.okta_group_name;
                            let last = &m.last_pushed_members;
                            hold::cut(view.guard(), d, plan, to, last, Allowed::nothing()).waiting()
                        })
                    })
                    .collect()
            })
            .clone();
        // A snapshot is one moment: the run's sync health is the live connection's only.
        if view.snapshot.is_none() {
            self.sample_health(ui, view, &waiting);
            health_plot(ui, &self.health);
        }
        // The selected mapping's details and actions; the first one shown when none is.
        let selected = view
            .sel
            .mapping
            .as_ref()
            .and_then(|id| shown.iter().copied().find(|&i| &view.mappings[i].id == id))
            .or_else(|| shown.first().copied());
        let people = selected.map(|i| {
            let m = &view.mappings[i];
            let key = (view.generation, view.mappings_version, m.id.clone());
            self.drift_people
                .get(key, || mapping_detail::DriftPeople::of(view.directory, m))
                .clone()
        });
        if let (Some(i), Some(people)) = (selected, people) {
            egui::Panel::right("mapping-detail")
                .resizable(true)
                // The list keeps at least 360 points: the panel never covers it.
                .default_size((ui.available_width() * 0.45).clamp(280.0, 440.0))
                .size_range(260.0..=(ui.available_width() - 360.0).max(260.0))
                .show(ui, |ui| {
                    egui::ScrollArea::vertical()
                        .id_salt("mapping-detail-scroll")
                        .auto_shrink([false, false])
                        .show(ui, |ui| {
                            let m = &view.mappings[i];
                            mapping_detail::show(ui, view, m, (waiting[i], &people), actions)
                        });
                });
        }
        egui::CentralPanel::default().show(ui, |ui| {
            mapping_table(ui, view, &shown, &waiting, selected, actions)
        });
    }

    /// One sample of sync health when the data or the mappings changed.
    fn sample_health(&mut self, ui: &Ui, view: &View, waiting: &[Option<usize>]) {
        let key = (view.generation, view.mappings_version);
        if self.health_key == Some(key) {
            return;
        }
        self.health_key = Some(key);
        let now = ui.input(|i| i.time) / 60.0;
        let start = self.health.first().map_or(now, |h| h[0]);
        let errors = view.mappings.iter().filter(|m| failing(m)).count();
        let asking = view.mappings.iter().filter(|m| asking(m)).count();
        let waiting_n = waiting.iter().flatten().filter(|n| **n > 0).count();
        let in_sync = view
            .mappings
            .iter()
            .zip(waiting)
            .filter(|(m, w)| m.status == MappingStatus::Active && **w == Some(0))
            .count();
        if self.health.is_empty() {
            self.health.push([now, 0.0, 0.0, 0.0, 0.0]);
        }
        self.health.push([
            now - start,
            in_sync as f64,
            waiting_n as f64,
            errors as f64,
            asking as f64,
        ]);
        if self.health.len() > 2000 {
            self.health.drain(1..1000);
        }
    }

    /// New Okta groups the rules match, proposed (rules that create automatically have
    /// already made theirs at the last check).
    fn proposals(&mut self, ui: &mut Ui, view: &View, actions: &mut Vec<Action>) {
        let key = (view.generation, view.mappings_version, view.rules_version);
        let n = *self.proposals.get(key, || {
            view.rules
                .iter()
                .filter(|r| !r.auto_create)
                .map(|r| {
                    push_rule::preview(view.directory, view.mappings, view.rules, r, view.guard())
                        .iter()
                        .filter(|row| row.ready())
                        .count()
                })
                .sum()
        });
        if n > 0 && view.snapshot.is_none() {
            ui.horizontal_wrapped(|ui| {
                widgets::warn_text(
                    ui,
                    format!(
                        "{} a rule and {} not pushed yet.",
                        match n {
                            1 => "1 Okta group matches".to_string(),
                            n => format!("{n} Okta groups match"),
                        },
                        if n == 1 { "is" } else { "are" }
                    ),
                );
                if ui.button("Review…").clicked() {
                    actions.push(Action::Open(Open::Rules));
                }
            });
        }
    }

    fn toolbar(
        &mut self,
        ui: &mut Ui,
        view: &View,
        (errors, asking): (usize, usize),
        actions: &mut Vec<Action>,
    ) {
        ui.horizontal_wrapped(|ui| {
            if widgets::send_button(ui, view.can_send, true, "Push groups…").clicked() {
                actions.push(Action::Open(Open::Push { okta_group: None }));
            }
            if widgets::send_button(ui, view.can_send, view.imported, "Push by rule…")
                .on_hover_text("Push every Okta group whose name matches a rule, with one preview for all")
                .clicked()
            {
                actions.push(Action::Open(Open::Rules));
            }
            for (only, label, hover) in [
                (Only::Errors, format!("Errors ({errors})"), "Show only mappings in error"),
                (
                    Only::Confirm,
                    format!("Needs confirmation ({asking})"),
                    "Show only mappings whose removals wait for you to confirm them (not errors: their adds went ahead)",
                ),
            ] {
                let mut on = self.only == only;
                if ui.toggle_value(&mut on, label).on_hover_text(hover).changed() {
                    self.only = if on { only } else { Only::All };
                }
            }
            let retry_hover = if view.okta_push() {
                "Re-activate every mapping in ERROR: Okta then pushes each again (Okta has no public retry call)"
            } else {
                "Push every mapping in error again, from fresh reads"
            };
            if widgets::send_button(ui, view.can_send, errors > 0, "Retry all")
                .on_hover_text(retry_hover)
                .clicked()
            {
                actions.push(Action::Send(Command::RetryAll));
            }
            let check_hover = if view.okta_push() {
                "Ask Okta what changed: new mappings made in its console, statuses, pushes, drift"
            } else {
                "Run one watch cycle now"
            };
            let anything = !view.mappings.is_empty() || !view.rules.is_empty();
            if widgets::send_button(ui, view.can_send, anything, "Check now")
                .on_hover_text(check_hover)
                .clicked()
            {
                actions.push(Action::Send(Command::WatchNow));
            }
            if view.connection.is_some() {
                ui.separator();
                ui.label(RichText::new(view.mode_label()).strong())
                    .on_hover_text("Who pushes these mappings");
            }
        });
    }
}

/// Sync health over this run: mappings in sync, with changes waiting, and in error.
fn health_plot(ui: &mut Ui, samples: &[[f64; 5]]) {
    use egui_plot::{Legend, Line, Plot, PlotPoints};
    // The first sample only holds the start time.
    let points = samples.get(1..).unwrap_or_default();
    if points.len() < 2 {
        return;
    }
    egui::CollapsingHeader::new("Sync health since the app started")
        .default_open(true)
        .show(ui, |ui| {
            let series =
                |i: usize| -> PlotPoints<'static> { points.iter().map(|s| [s[0], s[i]]).collect() };
            let dark = ui.visuals().dark_mode;
            Plot::new("sync-health")
                .height(90.0)
                .legend(Legend::default())
                .allow_zoom(false)
                .allow_drag(false)
                .allow_scroll(false)
                .allow_boxed_zoom(false)
                .include_y(0.0)
                .x_axis_label("minutes")
                .show(ui, |p| {
                    for (i, name, tone) in [
                        (1, "in sync", Pill::Good),
                        (2, "changes waiting", Pill::Warn),
                        (3, "errors", Pill::Bad),
                        (4, "needs confirmation", Pill::Ask),
                    ] {
                        p.line(
                            Line::new(name, series(i))
                                .color(widgets::tone_color(tone, dark))
                                .width(2.0),
                        );
                    }
                });
        });
}

fn mapping_table(
    ui: &mut Ui,
    view: &View,
    shown: &[usize],
    waiting: &[Option<usize>],
    selected: Option<usize>,
    actions: &mut Vec<Action>,
) {
    // The columns follow the panel's width every frame: the two names share what the
    // status and the time leave, so a narrower window or a wider detail panel never
    // pushes a column out of sight.
    let names = (ui.available_width() - 130.0 - 90.0 - 24.0).max(140.0);
    // Only the visible rows are laid out, however many mappings there are.
    TableBuilder::new(ui)
        .id_salt("mappings")
        .striped(true)
        .sense(egui::Sense::click())
        .auto_shrink([false, false])
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::exact(130.0).clip(true))
        .column(Column::exact(names * 0.4).clip(true))
        .column(Column::remainder().at_least(80.0).clip(true))
        .column(Column::exact(90.0).clip(true))
        .header(ROW, |mut h| {
            for t in ["Status", "Okta group", "Statsig group", "Last push"] {
                h.col(|ui| {
                    ui.strong(t);
                });
            }
        })
        .body(|body| {
            body.rows(ROW + 8.0, shown.len(), |mut row| {
                let i = shown[row.index()];
                let m = &view.mappings[i];
                row.set_selected(Some(i) == selected);
                row.col(|ui| {
                    let pending = m.okta.as_ref().and_then(|o| o.pending.as_ref());
                    if let Some(p) = pending {
                        // ACTIVE in Okta, with a push Okta still owes: not drift.
                        widgets::pill(ui, Pill::Busy, "Okta is pushing")
                            .on_hover_text(format!("Active in Okta. {p}"));
                    } else {
                        let pill = widgets::status_pill(ui, &m.status);
                        if let MappingStatus::Error { cause, .. } = &m.status {
                            pill.on_hover_text(cause);
                        }
                    }
                    if m.okta.is_none()
                        && m.status == MappingStatus::Active
                        && let Some(n) = waiting[i].filter(|n| *n > 0)
                    {
                        widgets::pill(ui, Pill::Warn, &format!("{n} waiting")).on_hover_text(
                            format!("{} in Okta not pushed yet", plural(n, "change")),
                        );
                    }
                });
                row.col(|ui| {
                    widgets::elided(ui, &names::display_safe(&m.okta_group_name));
                });
                row.col(|ui| {
                    if m.drift.is_some() {
                        widgets::pill(ui, Pill::Warn, "edited in Statsig").on_hover_text(
                            "Edited in Statsig since the last push: nothing is pushed over these edits until you choose Overwrite or Adopt",
                        );
                    }
                    widgets::elided(ui, &names::display_safe(&m.statsig_group_name));
                });
                row.col(|ui| {
                    let when = m
                        .last_push
                        .as_deref()
                        .and_then(|t| t.get(5..16))
                        .map(|t| t.replace('T', " "))
                        .unwrap_or_else(|| "never".into());
                    let pushed = m
                        .last_push
                        .as_deref()
                        .map(widgets::short_time)
                        .unwrap_or_else(|| "never".into());
                    let hover = match &m.okta {
                        Some(o) => format!(
                            "Okta's last push: {pushed}\nUpdated in Okta: {}",
                            widgets::short_time(&o.last_updated)
                        ),
                        None => format!("Last push: {pushed}"),
                    };
                    ui.label(when).on_hover_text(hover);
                });
                if row.response().clicked() {
                    actions.push(Action::SelectMapping(m.id.clone()));
                }
            });
        });
}
