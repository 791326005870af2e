//! Push Groups: pick an Okta group, then Link group (an existing team group) or Create
//! group (a new team), with a preview of what the push does before anything is saved.
//! The rules and the guard are the engine's own (`model::rules`), so the preview and
//! the push never disagree.

use super::frame::{Shown, full_width_rows, modal, two_columns};
use crate::engine::runner::Command;
use crate::model::names::{self, ParsedName, Role};
use crate::model::plan::{self, MemberList, SkippedList};
use crate::model::push_rule::{self, Suggestion};
use crate::model::rules::{self, GuardStop};
use crate::model::text::plural;
use crate::ui::a11y;
use crate::ui::action::Action;
use crate::ui::cache::Memo;
use crate::ui::view::View;
use crate::ui::widgets::{self, Pill};
use egui::{RichText, Ui};

const LIST_ROW: f32 = 22.0;

/// Link to an existing team group, or create a new team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PushMode {
    /// "Link group".
    Link,
    /// "Create group".
    Create,
}

/// What a save would do.
struct Preview {
    adds: MemberList,
    removes: MemberList,
    skipped: SkippedList,
    requests: usize,
    guard: Option<GuardStop>,
    /// Who pushes when not the app ("Okta"): the service the backend steers.
    by: Option<&'static str>,
    /// Statsig's members were read (no Statsig token: removals cannot be known).
    statsig_known: bool,
}

type PreviewKey = (
    u64,
    u64,
    Option<String>,
    PushMode,
    Option<String>,
    String,
    String,
    usize,
);

/// Why there is nothing to preview, or to save, yet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum Waiting {
    #[error("Pick an Okta group to see what the push would change.")]
    OktaGroup,
    #[error("Pick the Statsig team group to compare with.")]
    Target,
    #[error(transparent)]
    Plan(#[from] plan::PlanError),
    #[error(transparent)]
    Rule(#[from] rules::RuleError),
    #[error("Type the team name above to allow the removals.")]
    Confirmation,
    /// Another pusher feeds the team (one pusher per team).
    #[error("{0}")]
    OtherPusher(String),
}

/// Room kept under the two columns for the reason Save is off and the buttons.
const FOOTER_HEIGHT: f32 = 96.0;

/// The dialog's state.
pub struct PushDialog {
    okta_search: String,
    okta_group: Option<String>,
    mode: PushMode,
    target_search: String,
    target: Option<String>,
    project: String,
    team: String,
    push_now: bool,
    /// The team name, typed to allow removals past the deletion guard.
    confirm: String,
    /// Scroll the preselected group into view once.
    reveal: bool,
    okta_rows: Memo<(u64, String), Vec<usize>>,
    target_rows: Memo<(u64, String), Vec<usize>>,
    preview: Memo<PreviewKey, Result<Preview, Waiting>>,
    suggestions: Memo<(u64, u64, String), Vec<Suggestion>>,
    /// The Okta group the Create form was last filled in for, and the project and team
    /// it got.
    prefilled: Option<(String, String, String)>,
}

impl PushDialog {
    /// A dialog with `okta_group` picked, or none.
    pub fn new(okta_group: Option<String>) -> Self {
        PushDialog {
            okta_search: String::new(),
            reveal: okta_group.is_some(),
            okta_group,
            mode: PushMode::Link,
            target_search: String::new(),
            target: None,
            project: String::new(),
            team: String::new(),
            push_now: true,
            confirm: String::new(),
            okta_rows: Memo::default(),
            target_rows: Memo::default(),
            preview: Memo::default(),
            suggestions: Memo::default(),
            prefilled: None,
        }
    }

    /// Draws the dialog.
    pub fn show(&mut self, ctx: &egui::Context, view: &View) -> Shown {
        let mut memo = std::mem::take(&mut self.preview);
        let (shown, escape) = modal(ctx, "push-groups", "Push Groups", 880.0, |ui| {
            let preview = self.preview_for(&mut memo, view);
            // The buttons and the reason above them always show: in a small window the
            // two columns scroll (the guard's confirmation makes them tallest).
            egui::ScrollArea::vertical()
                .id_salt("push-groups-body")
                .max_height((ui.available_height() - FOOTER_HEIGHT).max(160.0))
                .auto_shrink([false, true])
                .show(ui, |ui| {
                    two_columns(ui, |left, right| {
                        self.left(left, view, preview.as_ref().ok());
                        show_preview(right, self.push_now, preview);
                    });
                });
            ui.separator();
            // Saved only from the plan shown: nothing to save while the preview cannot plan.
            let outcome = match preview {
                Ok(p) => self.outcome(view, p),
                Err(why) => Err(why.clone()),
            };
            if let Err(why) = &outcome {
                widgets::warn_text(ui, why.to_string());
            }
            self.buttons(ui, view, outcome)
        });
        if shown.open {
            self.preview = memo;
        }
        if escape { Shown::close() } else { shown }
    }

    fn preview_for<'m>(
        &self,
        memo: &'m mut Memo<PreviewKey, Result<Preview, Waiting>>,
        view: &View,
    ) -> &'m Result<Preview, Waiting> {
        let key: PreviewKey = (
            view.generation,
            view.mappings_version,
            self.okta_group.clone(),
            self.mode,
            self.target.clone(),
            self.project.clone(),
            self.team.clone(),
            view.batch_size,
        );
        let (okta, target, mode) = (self.okta_group.clone(), self.target.clone(), self.mode);
        let batch = view.batch_size.max(1);
        let by = view.steered().map(|s| s.who);
        let statsig_known = view.directory.statsig_read;
        memo.get(key, || {
            let okta = okta.ok_or(Waiting::OktaGroup)?;
            let d = view.directory;
            match (mode, target) {
                (PushMode::Link, Some(target)) => {
                    if let Some(why) = other_pusher(view, &target) {
                        return Err(why);
                    }
                    let p = plan::plan_push(d, &okta, &target, batch)?;
                    let okta_name = d
                        .okta_group(&okta)
                        .map(|g| g.name.clone())
                        .unwrap_or_default();
                    let guard = rules::check_guard(view.guard(), d, &p, &okta_name, 0)
                        .filter(|_| statsig_known);
                    Ok(Preview {
                        requests: p.request_count(),
                        adds: p.adds,
                        removes: p.removes,
                        skipped: p.skipped,
                        guard,
                        by,
                        statsig_known,
                    })
                }
                (PushMode::Link, None) => Err(Waiting::Target),
                (PushMode::Create, _) => {
                    let (wanted, skipped) = plan::desired_members(d, &okta)?;
                    Ok(Preview {
                        // One request creates the team, then the members in batches.
                        requests: 1 + wanted.len().div_ceil(batch),
                        adds: wanted,
                        removes: MemberList::default(),
                        skipped,
                        guard: None,
                        by,
                        statsig_known: true,
                    })
                }
            }
        })
    }

    fn left(&mut self, ui: &mut Ui, view: &View, preview: Option<&Preview>) {
        ui.label(RichText::new("1. Okta group to push").strong());
        widgets::labelled_text(
            ui,
            "Find Okta group",
            &mut self.okta_search,
            "name contains…",
            false,
        );
        full_width_rows(ui, |ui| self.okta_list(ui, view));
        ui.add_space(6.0);
        ui.label(RichText::new("2. Match result & push action").strong());
        self.match_result(ui, view);
        ui.horizontal(|ui| {
            ui.radio_value(&mut self.mode, PushMode::Link, "Link group");
            ui.radio_value(&mut self.mode, PushMode::Create, "Create group");
        });
        match self.mode {
            PushMode::Link => full_width_rows(ui, |ui| self.link_picker(ui, view)),
            PushMode::Create => self.create_form(ui, view),
        }
        ui.add_space(6.0);
        ui.checkbox(&mut self.push_now, "Push group memberships immediately");
        if let Some(stop) = preview
            .and_then(|p| p.guard.as_ref())
            .filter(|_| self.push_now)
        {
            widgets::warn_text(ui, stop.to_string());
            widgets::labelled_text(
                ui,
                &format!("Type the team name, {}, to allow the removals", stop.word),
                &mut self.confirm,
                "",
                false,
            );
            if !self.confirm.is_empty()
                && let Some(why) = rules::confirmation_mismatch(&stop.word, &self.confirm)
            {
                widgets::warn_text(ui, why);
            }
        }
    }

    /// The team groups the picked Okta group most plausibly feeds, each used in one click
    /// (never on its own); when none, *Create group* is filled in from the group's name.
    fn match_result(&mut self, ui: &mut Ui, view: &View) {
        let Some(okta) = self.okta_group.clone() else {
            return;
        };
        let d = view.directory;
        let mut memo = std::mem::take(&mut self.suggestions);
        let found = memo.get(
            (view.generation, view.mappings_version, okta.clone()),
            || {
                push_rule::suggest(d, view.mappings, &okta)
                    .into_iter()
                    // Okta links only to groups it has imported from the app.
                    .filter(|s| !view.okta_push() || d.app_group_for(&s.statsig_group_id).is_some())
                    .collect()
            },
        );
        if found.is_empty() {
            self.prefill_create(view, &okta);
            // Said only while the form still holds what was filled in.
            match &self.prefilled {
                Some((_, project, team))
                    if !team.is_empty() && *project == self.project && *team == self.team =>
                {
                    let name = names::team_group_name(project, team, Role::Member);
                    ui.label(format!(
                        "Match result: No match found. Create group is filled in with {}.",
                        names::display_safe(&name)
                    ));
                }
                _ => {
                    ui.label("Match result: No match found.");
                }
            }
        } else {
            ui.label("Match result:");
            for s in found.iter().take(4) {
                ui.horizontal_wrapped(|ui| {
                    let chosen = self.mode == PushMode::Link
                        && self.target.as_deref() == Some(s.statsig_group_id.as_str());
                    let label = format!("Use {}", names::display_safe(&s.statsig_group_name));
                    if ui.add_enabled(!chosen, egui::Button::new(label)).clicked() {
                        self.mode = PushMode::Link;
                        self.target = Some(s.statsig_group_id.clone());
                        self.confirm.clear();
                    }
                    ui.weak(&s.reason);
                });
            }
        }
        self.suggestions = memo;
    }

    /// Fills *Create group* from the group's name in the selected project, once per group,
    /// and never over a team name the admin typed.
    fn prefill_create(&mut self, view: &View, okta: &str) {
        if self.prefilled.as_ref().is_some_and(|(g, _, _)| g == okta) {
            return;
        }
        let ours = self
            .prefilled
            .as_ref()
            .is_none_or(|(_, _, t)| *t == self.team);
        if !ours && !self.team.is_empty() {
            return;
        }
        let d = view.directory;
        let project = view
            .sel
            .project
            .clone()
            .filter(|p| d.projects.contains(p))
            .or_else(|| d.projects.first().cloned())
            .unwrap_or_default();
        let team = d
            .okta_group(okta)
            .and_then(|g| push_rule::team_for_new(d, &project, &g.name))
            .unwrap_or_default();
        if !team.is_empty() {
            self.project = project.clone();
            self.team = team.clone();
        }
        self.prefilled = Some((okta.to_string(), project, team));
    }

    fn okta_list(&mut self, ui: &mut Ui, view: &View) {
        let d = view.directory;
        let search = self.okta_search.clone();
        let mut memo = std::mem::take(&mut self.okta_rows);
        let rows = memo.get((view.generation, search.clone()), || {
            d.okta_groups
                .iter()
                .enumerate()
                // Groups imported from the Statsig app are targets, never sources.
                .filter(|(_, g)| d.app.group(&g.id).is_none())
                .filter(|(_, g)| widgets::matches(&search, &[&g.name]))
                .map(|(i, _)| i)
                .collect()
        });
        let mut area = egui::ScrollArea::vertical()
            .id_salt("push-okta")
            .max_height(150.0)
            .auto_shrink([false, true]);
        if std::mem::take(&mut self.reveal)
            && let Some(pos) = self
                .okta_group
                .as_ref()
                .and_then(|id| rows.iter().position(|&i| &d.okta_groups[i].id == id))
        {
            let step = LIST_ROW + ui.spacing().item_spacing.y;
            area = area.vertical_scroll_offset((pos as f32 * step - 60.0).max(0.0));
        }
        let count = rows.len();
        a11y::list(ui, "Okta group list", count, |ui| {
            area.show_rows(ui, LIST_ROW, rows.len(), |ui, range| {
                for (k, &i) in range.clone().zip(&rows[range]) {
                    let g = &d.okta_groups[i];
                    let pushed = rules::pushed_from(view.mappings, &g.id);
                    let text = format!(
                        "{} ({})",
                        names::display_safe(&g.name),
                        widgets::member_count(g)
                    );
                    let selected = self.okta_group.as_deref() == Some(g.id.as_str());
                    let r =
                        ui.add_enabled(pushed.is_none(), egui::Button::selectable(selected, text));
                    a11y::option(&r, selected, k, count);
                    if let Some(m) = pushed {
                        r.clone().on_disabled_hover_text(format!(
                            "Already pushed to {}",
                            m.statsig_group_name
                        ));
                    }
                    if r.clicked() {
                        self.okta_group = Some(g.id.clone());
                    }
                }
            });
        });
        self.okta_rows = memo;
    }

    fn link_picker(&mut self, ui: &mut Ui, view: &View) {
        let d = view.directory;
        widgets::labelled_text(
            ui,
            "Find team group",
            &mut self.target_search,
            "name contains…",
            false,
        );
        let search = self.target_search.clone();
        let mut memo = std::mem::take(&mut self.target_rows);
        let rows = memo.get((view.generation, search.clone()), || {
            d.statsig_groups
                .iter()
                .enumerate()
                .filter(|(i, g)| {
                    matches!(d.parsed(*i), ParsedName::Team { .. })
                        && widgets::matches(&search, &[&g.display_name])
                })
                .map(|(i, _)| i)
                .collect()
        });
        let count = rows.len();
        a11y::list(ui, "Team group list", count, |ui| {
            egui::ScrollArea::vertical()
            .id_salt("push-target")
            .max_height(150.0)
            .auto_shrink([false, true])
            .show_rows(ui, LIST_ROW, rows.len(), |ui, range| {
                for (k, &i) in range.clone().zip(&rows[range]) {
                    let g = &d.statsig_groups[i];
                    let from = rules::pushing_to(view.mappings, &g.id);
                    // Okta links only to groups it has imported from the app.
                    let imported = !view.okta_push() || d.app_group_for(&g.id).is_some();
                    let selected = self.target.as_deref() == Some(g.id.as_str());
                    let r = ui.add_enabled(
                        from.is_none() && imported,
                        egui::Button::selectable(selected, names::display_safe(&g.display_name)),
                    );
                    a11y::option(&r, selected, k, count);
                    if let Some(m) = from {
                        r.clone().on_disabled_hover_text(format!(
                            "Already pushed from {}",
                            m.okta_group_name
                        ));
                    } else if !imported {
                        r.clone().on_disabled_hover_text(format!(
                            "Not imported into Okta yet: in Okta, open Applications > {} > Import and click Import Now",
                            d.app.label()
                        ));
                    }
                    if r.clicked() {
                        self.target = Some(g.id.clone());
                        self.confirm.clear();
                    }
                }
            });
        });
        self.target_rows = memo;
    }

    fn create_form(&mut self, ui: &mut Ui, view: &View) {
        let d = view.directory;
        ui.horizontal(|ui| {
            let l = ui.label("Project");
            egui::ComboBox::from_id_salt("create-project")
                .selected_text(if self.project.is_empty() {
                    "Choose a project".to_string()
                } else {
                    self.project.clone()
                })
                .show_ui(ui, |ui| {
                    for p in &d.projects {
                        ui.selectable_value(&mut self.project, p.clone(), p);
                    }
                })
                .response
                .labelled_by(l.id);
        });
        widgets::labelled_text(ui, "Team name", &mut self.team, "e.g. Checkout Risk", false);
        if !self.project.is_empty() || !self.team.is_empty() {
            let name = names::team_group_name(&self.project, &self.team, Role::Member);
            ui.label(format!("Group name: {}", names::display_safe(&name)));
            match rules::unclaimed_team_name(d, view.mappings, &self.project, &self.team) {
                Ok(_) => {
                    widgets::pill(ui, Pill::Good, "Valid name");
                    if let Some(w) = names::unusual_character(&self.team) {
                        widgets::warn_text(ui, w);
                    }
                }
                Err(e) => {
                    widgets::error_text(ui, e.to_string());
                }
            }
        }
    }

    /// The command Save sends, or why it cannot.
    fn outcome(&self, view: &View, preview: &Preview) -> Result<Command, Waiting> {
        let d = view.directory;
        let okta = self.okta_group.clone().ok_or(Waiting::OktaGroup)?;
        match self.mode {
            PushMode::Link => {
                let target = self.target.clone().ok_or(Waiting::Target)?;
                rules::check_link(d, view.mappings, &okta, &target)?;
                let allowed_removals = match &preview.guard {
                    Some(stop) if self.push_now => {
                        if rules::confirmation_mismatch(&stop.word, &self.confirm).is_some() {
                            return Err(Waiting::Confirmation);
                        }
                        stop.removals
                    }
                    _ => 0,
                };
                Ok(Command::Link {
                    okta_group_id: okta,
                    statsig_group_id: target,
                    push_now: self.push_now,
                    allowed_removals,
                })
            }
            PushMode::Create => {
                rules::check_create(d, view.mappings, &okta, &self.project, &self.team)?;
                Ok(Command::Create {
                    okta_group_id: okta,
                    project: self.project.clone(),
                    team: self.team.clone(),
                    push_now: self.push_now,
                })
            }
        }
    }

    fn buttons(&mut self, ui: &mut Ui, view: &View, outcome: Result<Command, Waiting>) -> Shown {
        let mut out = Shown::stay();
        ui.horizontal(|ui| {
            let ok = outcome.is_ok();
            let save = widgets::send_button(ui, view.can_send, ok, "Save");
            let again = widgets::send_button(ui, view.can_send, ok, "Save & Add Another");
            if let Ok(command) = outcome {
                if save.clicked() {
                    out = Shown::done(Action::Send(command));
                } else if again.clicked() {
                    *self = PushDialog::new(None);
                    out = Shown {
                        action: Some(Action::Send(command)),
                        open: true,
                    };
                }
            }
            if ui.button("Cancel").clicked() {
                out = Shown::close();
            }
        });
        out
    }
}

/// Why the app may not push into `target`: another pusher feeds it (one pusher per team).
fn other_pusher(view: &View, target: &str) -> Option<Waiting> {
    let name = &view.directory.statsig_group(target)?.display_name;
    view.mode?
        .other_pusher_of(name)
        .map(|p| Waiting::OtherPusher(p.refusal()))
}

fn show_preview(ui: &mut Ui, push_now: bool, preview: &Result<Preview, Waiting>) {
    ui.label(RichText::new("Preview").strong());
    let p = match preview {
        Ok(p) => p,
        Err(e @ Waiting::OtherPusher(_)) => {
            widgets::error_text(ui, e.to_string());
            return;
        }
        Err(e) => {
            ui.label(RichText::new(e.to_string()).italics());
            return;
        }
    };
    // Unticked, Okta pushes nothing until the mapping is activated: say "would".
    let count = |n: usize, verb: &str| match (p.by, push_now) {
        (Some(who), true) => format!("{who} will {verb} {n}"),
        (Some(who), false) => format!("{who} would {verb} {n} once active"),
        (None, _) => format!("{n} to {verb}"),
    };
    ui.horizontal_wrapped(|ui| {
        let tone = |n: usize, t: Pill| if n == 0 { Pill::Neutral } else { t };
        widgets::pill(ui, Pill::Good, &count(p.adds.len(), "add"));
        if p.statsig_known {
            widgets::pill(
                ui,
                tone(p.removes.len(), Pill::Bad),
                &count(p.removes.len(), "remove"),
            );
        }
        widgets::pill(
            ui,
            tone(p.skipped.len(), Pill::Warn),
            &match (p.by, push_now) {
                (Some(who), true) => format!("{who} will not push {}", p.skipped.len()),
                (Some(who), false) => format!("{who} would not push {}", p.skipped.len()),
                (None, _) => format!("{} cannot be pushed", p.skipped.len()),
            },
        );
        if p.by.is_none() {
            widgets::pill(ui, Pill::Neutral, &plural(p.requests, "request"));
        }
    });
    if !p.statsig_known {
        let who = p.by.unwrap_or("the pusher");
        widgets::warn_text(
            ui,
            format!(
                "Without a Statsig token, who {who} will remove cannot be known: {who}'s first push makes the team exactly the members it can push, listed below."
            ),
        );
    }
    let note = match (p.by, push_now) {
        (Some(who), true) => format!(
            "{who} makes the mapping ACTIVE and pushes within a few minutes; it keeps the team in sync while this app is closed."
        ),
        (Some(who), false) => format!(
            "The mapping is made INACTIVE in {who}: {who} pushes nothing until it is activated."
        ),
        (None, true) => String::new(),
        (None, false) => {
            "Memberships are not pushed now; the mapping is saved Active and pushed at the next Push now or watch.".into()
        }
    };
    if !note.is_empty() {
        ui.label(RichText::new(note).italics());
    }
    let height = (ui.available_height() - 8.0).clamp(120.0, 360.0);
    egui::ScrollArea::vertical()
        .id_salt("preview")
        .max_height(height)
        .auto_shrink([false, true])
        .show(ui, |ui| {
            // To screen readers, three lists: each person an item, each list its count.
            let (adds, removes, skipped) = (p.adds.len(), p.removes.len(), p.skipped.len());
            a11y::items(ui, "Added members", adds, |ui| {
                for (i, m) in p.adds.iter().enumerate() {
                    let r = ui.label(format!("+ {}", names::display_safe(&m.display)));
                    a11y::item(&r, i, adds);
                }
            });
            a11y::items(ui, "Removed members", removes, |ui| {
                for (i, m) in p.removes.iter().enumerate() {
                    let text = format!("- {}", names::display_safe(&m.display));
                    a11y::item(&widgets::error_text(ui, text), i, removes);
                }
            });
            a11y::items(ui, "Skipped members", skipped, |ui| {
                for (i, s) in p.skipped.iter().enumerate() {
                    let text = format!("! {}: {}", names::display_safe(&s.email), s.reason);
                    a11y::item(&widgets::warn_text(ui, text), i, skipped);
                }
            });
        });
}
