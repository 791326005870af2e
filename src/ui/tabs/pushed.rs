//! Pushed groups: every mapping with its status and last push, the Errors and Needs
//! confirmation filters, Retry all and Check now; the selected mapping's details and
//! actions on the right. Rows stay where they are when a check changes them (they are
//! marked instead).

use super::health::{Health, Sample};
use super::mapping_detail;
use super::stable_rows::StableRows;
use crate::engine::runner::Command;
use crate::model::hold::{self, Allowed};
use crate::model::mapping::{Mapping, MappingStatus};
use crate::model::names;
use crate::model::plan;
use crate::model::push_rule;
use crate::model::text::plural;
use crate::ui::a11y;
use crate::ui::action::{Action, Open, Tab};
use crate::ui::cache::Memo;
use crate::ui::view::View;
use crate::ui::widgets::{self, Pill, ROW};
use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};
use std::rc::Rc;

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
    shown: Memo<(u64, String, Only), Rc<[usize]>>,
    /// Per mapping: the changes from Okta waiting to be pushed, edits made in Statsig
    /// left out (`None`: cannot compare).
    waiting: Memo<(u64, u64), Rc<[Option<usize>]>>,
    /// The selected mapping's people edited in Statsig: (added there, removed there).
    drift_people: Memo<(u64, u64, String), Rc<mapping_detail::DriftPeople>>,
    /// Okta groups a rule matches that are ready to be pushed.
    proposals: Memo<(u64, u64, u64), usize>,
    /// Sync health over this connection.
    health: Health,
    /// Where each mapping's row stands, and what the last change changed.
    rows: StableRows<Look>,
    /// What each column needs to show its rows whole.
    wants: Memo<(u64, u64), [f32; 4]>,
}

/// What a row shows that a check can change: status, Okta still pushing, last push.
type Look = (&'static str, bool, Option<String>);

fn look(m: &Mapping) -> Look {
    let pending = m.remote.as_ref().is_some_and(|o| o.pending.is_some());
    (m.status.label(), pending, m.last_push.clone())
}

/// How a row changed, in a few words.
fn describe(old: &Look, new: &Look) -> String {
    let mut said = Vec::new();
    if old.0 != new.0 {
        said.push(format!("{} -> {}", old.0, new.0));
    }
    if old.1 != new.1 {
        said.push(
            if new.1 {
                "Okta is pushing"
            } else {
                "Okta pushed"
            }
            .to_string(),
        );
    }
    if old.2 != new.2
        && let Some(at) = &new.2
    {
        said.push(format!("pushed at {}", widgets::short_time(at)));
    }
    format!("Changed at the last look: {}", said.join(", "))
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
    /// The rows shown, filtered and placed when the mappings, the search or the filter
    /// change; a frame compares, and copies nothing.
    fn shown(&mut self, view: &View) -> Rc<[usize]> {
        let (search, only) = (&self.search, self.only);
        self.rows.update(
            view.mappings_version,
            view.mappings.iter().map(|m| (m.id.clone(), look(m))),
            describe,
        );
        let rows = &self.rows;
        self.shown
            .get_keyed(
                |k| k.0 == view.mappings_version && &k.1 == search && k.2 == only,
                || (view.mappings_version, search.clone(), only),
                || {
                    let mut shown: Vec<usize> = view
                        .mappings
                        .iter()
                        .enumerate()
                        .filter(|(_, m)| only.keeps(m))
                        .filter(|(_, m)| {
                            widgets::matches(search, &[&m.okta_group_name, &m.statsig_group_name])
                        })
                        .map(|(i, _)| i)
                        .collect();
                    shown.sort_by_key(|&i| rows.place(&view.mappings[i].id));
                    shown.into()
                },
            )
            .clone()
    }

    /// Sync health over this connection.
    pub fn health(&self) -> &Health {
        &self.health
    }

    /// Another connection (or a snapshot): its history and rows start over.
    pub fn forget_connection(&mut self) {
        self.health.forget();
        self.rows = StableRows::default();
        self.shown.clear();
        self.waiting.clear();
    }

    /// The ids of the mappings shown, for arrow keys.
    pub fn shown_ids(&mut self, view: &View) -> Vec<String> {
        self.shown(view)
            .iter()
            .map(|&i| view.mappings[i].id.clone())
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
        let waiting = self.waiting(view);
        let wants = *self
            .wants
            .get((view.generation, view.mappings_version), || {
                column_wants(ui, view, &waiting)
            });
        self.health.show(ui);
        self.rows.looked_at(view.sel.mapping.as_deref());
        // The selected mapping's details and actions; the first one shown when none is.
        let selected = view
            .sel
            .mapping
            .as_ref()
            .and_then(|id| shown.iter().copied().find(|&i| &view.mappings[i].id == id))
            .or_else(|| shown.first().copied());
        let people = selected.map(|i| {
            let m = &view.mappings[i];
            let versions = (view.generation, view.mappings_version);
            self.drift_people
                .get_keyed(
                    |k| (k.0, k.1) == versions && k.2 == m.id,
                    || (versions.0, versions.1, m.id.clone()),
                    || Rc::new(mapping_detail::DriftPeople::of(view.directory, m)),
                )
                .clone()
        });
        // The panel keeps its place first, and is drawn after the list: Tab and screen
        // readers meet the list, then the details, as they are on screen.
        let detail = selected.zip(people).map(|(i, people)| {
            let kept = egui::Panel::right("mapping-detail")
                .resizable(true)
                // The list keeps at least 360 points: the panel never covers it.
                .default_size((ui.available_width() * 0.45).clamp(280.0, 440.0))
                .size_range(260.0..=(ui.available_width() - 360.0).max(260.0))
                .show(ui, |ui| a11y::keep(ui, None))
                .inner;
            (i, people, kept)
        });
        let list_ui = egui::CentralPanel::default()
            .show(ui, |ui| {
                let list = List {
                    shown: &shown,
                    waiting: &waiting,
                    selected,
                    rows: &self.rows,
                    wants,
                };
                mapping_table(ui, view, &list, actions);
                ui.unique_id()
            })
            .inner;
        if let Some((i, people, kept)) = detail {
            let (detail_ui, _) = a11y::fill(ui, kept, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("mapping-detail-scroll")
                    .auto_shrink([false, false])
                    .show(ui, |ui| {
                        let m = &view.mappings[i];
                        mapping_detail::show(ui, view, m, (waiting[i], &people), actions)
                    });
                ui.unique_id()
            });
            a11y::put_after(ui.ctx(), list_ui, detail_ui);
        }
    }

    /// The changes waiting per mapping (`None`: cannot compare), planned once per
    /// version of the data and the mappings.
    fn waiting(&mut self, view: &View) -> Rc<[Option<usize>]> {
        self.waiting
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
                        Some(if m.remote.is_some() {
                            plan.change_count()
                        } else {
                            let to = &m.okta_group_name;
                            let last = &m.last_pushed_members;
                            hold::cut(view.guard(), d, plan, to, last, Allowed::nothing()).waiting()
                        })
                    })
                    .collect::<Vec<_>>()
                    .into()
            })
            .clone()
    }

    /// One sample of sync health when the data or the mappings changed (whichever tab is
    /// shown; never of a snapshot).
    pub fn sample_health(&mut self, ui: &Ui, view: &View) {
        let key = (view.generation, view.mappings_version);
        if !view.imported
            || view.snapshot.is_some()
            || view.mappings.is_empty()
            || self.health.has(key)
        {
            return;
        }
        let waiting = self.waiting(view);
        let errors = view.mappings.iter().filter(|m| failing(m)).count();
        let asking = view.mappings.iter().filter(|m| asking(m)).count();
        let waiting_n = waiting.iter().flatten().filter(|n| **n > 0).count();
        let in_sync = view
            .mappings
            .iter()
            .zip(waiting.iter())
            .filter(|(m, w)| m.status == MappingStatus::Active && **w == Some(0))
            .count();
        let sample = Sample {
            at: ui.input(|i| i.time),
            in_sync,
            waiting: waiting_n,
            errors,
            asking,
        };
        self.health.add(key, sample);
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
            let retry_hover = view.steered().map_or(
                "Push every mapping in error again, from fresh reads",
                |s| s.retry_all,
            );
            if widgets::send_button(ui, view.can_send, errors > 0, "Retry all")
                .on_hover_text(retry_hover)
                .clicked()
            {
                actions.push(Action::Send(Command::RetryAll));
            }
            let check_hover = view
                .steered()
                .map_or("Run one watch cycle now", |s| s.check_now);
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

/// The column headers.
const HEADERS: [&str; 4] = ["Status", "Okta group", "Statsig group", "Last push"];
/// How a last push is shown in the list (its whole time on hover).
const WHEN: &str = "00-00 00:00";
/// A change mark's width.
const MARK: f32 = 14.0;
/// The pill beside a team edited in Statsig.
const EDITED: &str = "edited in Statsig";

/// The width each column needs to show every row whole: [status, Okta group, Statsig
/// group, last push].
fn column_wants(ui: &Ui, view: &View, waiting: &[Option<usize>]) -> [f32; 4] {
    let body = |t: &str| widgets::text_width(ui, t, egui::TextStyle::Body);
    let header = |i: usize| body(HEADERS[i]) + 8.0;
    let mut statuses: Vec<(&str, Option<usize>)> = view
        .mappings
        .iter()
        .zip(waiting)
        .map(|(m, w)| {
            let pending = m.remote.as_ref().is_some_and(|o| o.pending.is_some());
            let extra = (m.remote.is_none() && m.status == MappingStatus::Active)
                .then_some(*w)
                .flatten()
                .filter(|n| *n > 0);
            (
                if pending {
                    view.pushing_label()
                } else {
                    m.status.label()
                },
                extra,
            )
        })
        .collect();
    statuses.sort_unstable();
    statuses.dedup();
    let status = statuses
        .iter()
        .map(|(label, extra)| {
            widgets::pill_width(ui, label)
                + extra.map_or(0.0, |n| widgets::pill_width(ui, &format!("{n} waiting")))
                + MARK
        })
        .fold(header(0), f32::max);
    let okta = widgets::widest(ui, view.mappings.iter().map(|m| m.okta_group_name.as_str()));
    let edited = widgets::pill_width(ui, EDITED);
    let statsig = view
        .mappings
        .iter()
        .map(|m| {
            widgets::text_width(ui, &m.statsig_group_name, egui::TextStyle::Body)
                + if m.drift.is_some() { edited } else { 0.0 }
        })
        .fold(0.0, f32::max);
    [
        status,
        (okta + 6.0).max(header(1)),
        (statsig + 6.0).max(header(2)),
        body(WHEN).max(body("never")).max(header(3)) + 6.0,
    ]
}

/// The list's column widths: they follow the panel's width every frame and give way by
/// priority: the status and the time always show whole, then the Okta group, then the
/// Statsig group (which drops its "Statsig-" first); a cut name shows whole on hover.
fn column_widths(ui: &Ui, wants: [f32; 4]) -> Vec<f32> {
    use widgets::Fit;
    widgets::fit_columns(
        widgets::table_room(ui, 4),
        &[
            Fit::whole(wants[0]),
            Fit::new(80.0, wants[1], 1),
            Fit::new(80.0, wants[2], 2),
            Fit::whole(wants[3]),
        ],
    )
}

/// What the list draws: the mappings shown in their places, the changes waiting, the
/// selected one, what changed, and what each column needs.
struct List<'a> {
    shown: &'a [usize],
    waiting: &'a [Option<usize>],
    selected: Option<usize>,
    rows: &'a StableRows<Look>,
    wants: [f32; 4],
}

fn mapping_table(ui: &mut Ui, view: &View, list: &List, actions: &mut Vec<Action>) {
    let List {
        shown,
        waiting,
        selected,
        rows,
        wants,
    } = *list;
    let w = column_widths(ui, wants);
    // Only the visible rows are laid out, however many mappings there are.
    a11y::table(ui, "Mapping list", shown.len(), HEADERS.len(), |ui| {
        TableBuilder::new(ui)
        .id_salt("mappings")
        .striped(true)
        .sense(a11y::ROW_SENSE)
        .auto_shrink([false, false])
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::exact(w[0]).clip(true))
        .column(Column::exact(w[1]).clip(true))
        .column(Column::exact(w[2]).clip(true))
        .column(Column::exact(w[3]).clip(true))
        .header(ROW, |mut h| a11y::header(&mut h, &HEADERS))
        .body(|mut body| {
            let a11y_rows = a11y::Rows::new(&mut body, HEADERS.len(), true);
            body.rows(ROW + 8.0, shown.len(), |mut row| {
                let i = shown[row.index()];
                let m = &view.mappings[i];
                row.set_selected(Some(i) == selected);
                let index = row.index();
                let here = Some(i) == selected || (selected.is_none() && index == 0);
                row.col(|ui| {
                    a11y_rows.stop(ui, index, here);
                    let pending = m.remote.as_ref().and_then(|o| o.pending.as_ref());
                    if let Some(p) = pending {
                        // ACTIVE in Okta, with a push Okta still owes: not drift.
                        let who = view.steered().map_or("", |s| s.who);
                        widgets::pill(ui, Pill::Busy, view.pushing_label())
                            .on_hover_text(format!("Active in {who}. {p}"));
                    } else {
                        let pill = widgets::status_pill(ui, &m.status);
                        if let MappingStatus::Error { cause, .. } = &m.status {
                            pill.on_hover_text(cause);
                        }
                    }
                    if m.remote.is_none()
                        && m.status == MappingStatus::Active
                        && let Some(n) = waiting[i].filter(|n| *n > 0)
                    {
                        widgets::pill(ui, Pill::Warn, &format!("{n} waiting")).on_hover_text(
                            format!("{} in Okta not pushed yet", plural(n, "change")),
                        );
                    }
                    if let Some(change) = rows.change(&m.id) {
                        widgets::change_mark(ui, change);
                    }
                });
                row.col(|ui| {
                    widgets::elided(ui, &names::display_safe(&m.okta_group_name));
                });
                row.col(|ui| {
                    if m.drift.is_some() {
                        widgets::pill(ui, Pill::Warn, EDITED).on_hover_text(
                            "Edited in Statsig since the last push: nothing is pushed over these edits until you choose Overwrite or Adopt",
                        );
                    }
                    let name = names::display_safe(&m.statsig_group_name);
                    // Its telling part: the name after the `Statsig-` of every team group.
                    let telling = name.strip_prefix(names::PREFIX).unwrap_or(&name);
                    widgets::name_cell(ui, &name, telling);
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
                    let hover = match (&m.remote, view.steered()) {
                        (Some(o), Some(s)) => format!(
                            "{who}'s last push: {pushed}\nUpdated in {who}: {}",
                            widgets::short_time(&o.last_updated),
                            who = s.who
                        ),
                        _ => format!("Last push: {pushed}"),
                    };
                    ui.label(when).on_hover_text(hover);
                });
                let by_reader = a11y_rows.row(row.index(), Some(i) == selected, &[1, 2]);
                if by_reader || row.response().clicked() {
                    actions.push(Action::SelectMapping(m.id.clone()));
                }
            });
        });
    });
}
