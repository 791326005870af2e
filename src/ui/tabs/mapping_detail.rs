//! One mapping: what its last push did, why it failed or waits, what is waiting to be
//! pushed, and what can be done.

use crate::engine::backend::Steered;
use crate::engine::runner::Command;
use crate::model::mapping::{DriftChoice, Mapping, MappingStatus};
use crate::model::text::{self, plural};
use crate::model::{hold, names, rules};
use crate::ui::action::{Action, Open, Tab};
use crate::ui::view::View;
use crate::ui::widgets::{self, Pill};
use egui::{RichText, Ui};

/// The people of a mapping's drift by email: (added in Statsig, removed in Statsig).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DriftPeople(Vec<String>, Vec<String>);

impl DriftPeople {
    /// Worked out once per change of the data, not per frame.
    pub fn of(dir: &crate::model::Directory, m: &Mapping) -> Self {
        let emails = |ids: &[String]| ids.iter().map(|id| hold::email(dir, id)).collect();
        match &m.drift {
            Some(d) => DriftPeople(emails(&d.added_in_statsig), emails(&d.removed_in_statsig)),
            None => DriftPeople::default(),
        }
    }
}

/// Draws the details of `m`: `waiting` is the number of changes from Okta not pushed yet
/// (edits made in Statsig are not among them: they wait for the admin's choice), `people`
/// who was edited in Statsig.
pub fn show(
    ui: &mut Ui,
    view: &View,
    m: &Mapping,
    (waiting, people): (Option<usize>, &DriftPeople),
    actions: &mut Vec<Action>,
) {
    ui.horizontal_wrapped(|ui| {
        widgets::status_pill(ui, &m.status);
        ui.label(RichText::new(names::display_safe(&m.okta_group_name)).strong());
        ui.label("->");
        ui.label(RichText::new(names::display_safe(&m.statsig_group_name)).strong());
    });
    if let (Some(o), Some(s)) = (&m.remote, steered(view, m)) {
        remote_lines(ui, view, m, o, s);
        status_details(ui, view, m, actions);
        if m.drift.is_some() {
            drift(ui, view, m, people, actions);
        }
        buttons(ui, view, m, actions);
        timeline(ui, view, m, actions);
        return;
    }
    let last = m
        .last_push
        .as_deref()
        .map(widgets::short_time)
        .unwrap_or_else(|| "never".into());
    let counts = m
        .last_counts
        .map(|c| {
            format!(
                " ({} added, {} removed, {} could not be pushed, {})",
                c.added,
                c.removed,
                c.skipped,
                plural(c.requests, "request")
            )
        })
        .unwrap_or_default();
    ui.label(format!("Last push: {last}{counts}"));
    if m.status == MappingStatus::Active
        && let Some(n) = waiting.filter(|n| *n > 0)
    {
        widgets::warn_text(
            ui,
            format!(
                "{} in Okta not pushed yet: Push now sends them, or the watcher at its next check{}.",
                plural(n, "change"),
                if m.drift.is_some() {
                    " (never over the edits made in Statsig below)"
                } else {
                    ""
                }
            ),
        );
    }
    status_details(ui, view, m, actions);
    if m.drift.is_some() {
        drift(ui, view, m, people, actions);
    }
    buttons(ui, view, m, actions);
    timeline(ui, view, m, actions);
}

/// The mapping's History, under its buttons.
fn timeline(ui: &mut Ui, view: &View, m: &Mapping, actions: &mut Vec<Action>) {
    ui.add_space(8.0);
    let subject = crate::model::history::Subject::of([m]);
    super::timeline::section(ui, view, "mapping", &subject, actions);
}

/// How to speak of who pushes `m`, when a service the backend steers does.
fn steered(view: &View, m: &Mapping) -> Option<Steered> {
    m.remote.as_ref().and(view.steered())
}

/// What the service that pushes the mapping says of it: id, when it changed, its last
/// push, and whether it still has work to do.
fn remote_lines(
    ui: &mut Ui,
    view: &View,
    m: &Mapping,
    o: &crate::model::mapping::Remote,
    s: Steered,
) {
    let who = s.who;
    ui.label(
        RichText::new(format!(
            "{who}'s mapping {} · updated in {who} {}",
            m.id,
            widgets::short_time(&o.last_updated)
        ))
        .weak(),
    )
    .on_hover_text(s.lives);
    let last = m
        .last_push
        .as_deref()
        .map(widgets::short_time)
        .unwrap_or_else(|| "never".into());
    ui.label(format!("{who}'s last push: {last}"));
    if rules::team_gone(view.directory, m) {
        widgets::error_text(
            ui,
            format!(
                "The Statsig team is gone: it was deleted in Statsig, and {who} cannot push into it. \
                 Unlink with Leave, then Create or Link again."
            ),
        );
    } else if rules::team_unmade(m) && m.statsig_group_id.is_empty() {
        ui.label(
            RichText::new(format!(
                "Statsig has no group of this name yet: {who} creates it at its first push."
            ))
            .italics(),
        );
    }
    if let Some(p) = &o.pending {
        ui.horizontal_wrapped(|ui| {
            widgets::pill(ui, widgets::Pill::Busy, s.pushing);
            ui.label(p);
        });
    }
}

fn status_details(ui: &mut Ui, view: &View, m: &Mapping, actions: &mut Vec<Action>) {
    let steered = steered(view, m);
    match &m.status {
        MappingStatus::Error { at, cause, fix, .. } if steered.is_some() => {
            let (who, after_error) = steered.map_or(("", ""), |s| (s.who, s.after_error));
            widgets::error_text(
                ui,
                format!("{who} reports ERROR ({}): {cause}", widgets::short_time(at)),
            );
            next_step(ui, fix.as_deref(), after_error);
        }
        MappingStatus::Error {
            at,
            cause,
            request,
            fix,
        } => {
            widgets::error_text(ui, format!("Failed {}: {cause}", widgets::short_time(at)));
            if let Some(r) = request {
                ui.label(RichText::new(format!("Failing request: {r}")).monospace());
            }
            next_step(
                ui,
                fix.as_deref().filter(|f| f != cause),
                "A retry may fix this: Push now, or Retry all.",
            );
        }
        MappingStatus::NeedsConfirmation {
            at,
            removals,
            members,
            names,
        } => {
            widgets::tone_text(
                ui,
                Pill::Ask,
                format!(
                    "Held {}: this push would remove {removals} of {members} members, more than the deletion guard allows ({}). No one was removed; its adds went ahead.",
                    widgets::short_time(at),
                    view.guard().describe()
                ),
            );
            list(ui, "held-removals", names.len(), |i| {
                format!("- {}", names[i])
            });
            if widgets::send_button(
                ui,
                view.can_send,
                true,
                &format!("Confirm {}…", plural(*removals, "removal")),
            )
            .clicked()
            {
                actions.push(Action::Open(Open::ConfirmRemovals(m.id.clone())));
            }
        }
        _ => {}
    }
}

/// What to do after an error: what must change when a retry cannot fix it, else `retry`.
fn next_step(ui: &mut Ui, fix: Option<&str>, retry: &str) {
    match fix {
        Some(fix) => {
            ui.label(RichText::new(format!("A retry cannot fix this: {fix}")).strong());
        }
        None => {
            ui.label(RichText::new(retry).italics());
        }
    }
}

/// A list of `n` people, scrolled when long; only the rows in view are made and laid out.
fn list(ui: &mut Ui, id: &str, n: usize, row_text: impl Fn(usize) -> String) {
    if n == 0 {
        return;
    }
    let row = ui.text_style_height(&egui::TextStyle::Body);
    egui::ScrollArea::vertical()
        .id_salt(id)
        .max_height(row * 6.0 + 8.0)
        .auto_shrink([false, true])
        .show_rows(ui, row, n, |ui, range| {
            for i in range {
                ui.label(names::display_safe(&row_text(i)));
            }
        });
}

fn drift(ui: &mut Ui, view: &View, m: &Mapping, people: &DriftPeople, actions: &mut Vec<Action>) {
    let DriftPeople(added, removed) = people;
    let who = match added.len() + removed.len() {
        1 => "1 person".to_string(),
        n => format!("{n} people"),
    };
    let text = if let Some(s) = steered(view, m) {
        format!(
            "Statsig differs from what {} pushed ({who}). {}",
            s.who, s.drift
        )
    } else {
        format!(
            "Edited in Statsig since the last push ({who}). Nothing this app sends changes them until you choose:"
        )
    };
    widgets::warn_text(ui, text);
    list(
        ui,
        "drift-people",
        added.len() + removed.len(),
        |i| match added.get(i) {
            Some(e) => format!("+ {e}  (added in Statsig)"),
            None => format!("- {}  (removed in Statsig)", removed[i - added.len()]),
        },
    );
    let overwrite = text::clauses(&[("removes", added), ("adds back", removed)], 3);
    let group = names::display_safe(&m.okta_group_name);
    let adopt = text::clauses(
        &[
            (&format!("adds to {group}"), added),
            (&format!("removes from {group}"), removed),
        ],
        3,
    );
    let paused = m.status == MappingStatus::Inactive;
    let choices = [
        (
            "Overwrite from Okta",
            DriftChoice::Overwrite,
            true,
            format!("Overwrite from Okta: {overwrite}."),
        ),
        (
            "Adopt into Okta group",
            DriftChoice::Adopt,
            true,
            format!("Adopt into Okta group: {adopt}; Statsig keeps them."),
        ),
        (
            "Pause mapping",
            DriftChoice::Pause,
            !paused,
            "Pause mapping: keeps the edits and pushes nothing; they stay listed.".to_string(),
        ),
    ];
    for (_, _, _, said) in &choices {
        ui.label(RichText::new(said).weak());
    }
    ui.horizontal_wrapped(|ui| {
        for (label, choice, enabled, said) in choices {
            if widgets::send_button(ui, view.can_send, enabled, label)
                .on_hover_text(said)
                .clicked()
            {
                actions.push(Action::Send(Command::ResolveDrift {
                    mapping_id: m.id.clone(),
                    choice,
                }));
            }
        }
    });
}

fn buttons(ui: &mut Ui, view: &View, m: &Mapping, actions: &mut Vec<Action>) {
    ui.horizontal_wrapped(|ui| {
        let inactive = m.status == MappingStatus::Inactive;
        let steered = steered(view, m);
        let push_hover = steered.map_or("Read both groups again and push the differences", |s| {
            s.push_now
        });
        // An error that needs a change first is not pushed again (its next step says what).
        let needs_a_change = matches!(&m.status, MappingStatus::Error { fix: Some(_), .. });
        if widgets::send_button(ui, view.can_send, !inactive && !needs_a_change, "Push now")
            .on_hover_text(push_hover)
            .on_disabled_hover_text(if needs_a_change {
                "A push cannot fix this error: make the change its next step names first"
            } else {
                "Inactive: Activate pushes it"
            })
            .clicked()
        {
            actions.push(Action::Send(Command::Push {
                mapping_id: m.id.clone(),
                allowed_removals: 0,
            }));
        }
        let (label, active) = if inactive {
            ("Activate", true)
        } else {
            ("Deactivate", false)
        };
        let hover = match (steered.map(|s| s.who), active) {
            (Some(who), true) => format!("Make it ACTIVE in {who}: {who} runs a full push"),
            (Some(who), false) => {
                format!("Make it INACTIVE in {who}: {who} stops pushing; memberships stay")
            }
            (None, true) => "Resume pushing, and push now".into(),
            (None, false) => "Stop pushing; memberships stay".into(),
        };
        if widgets::send_button(ui, view.can_send, true, label)
            .on_hover_text(hover)
            .clicked()
        {
            actions.push(Action::Send(Command::SetActive {
                mapping_id: m.id.clone(),
                active,
                allowed_removals: 0,
            }));
        }
        if widgets::send_button(ui, view.can_send, true, "Unlink…").clicked() {
            actions.push(Action::Open(Open::Unlink(m.id.clone())));
        }
        if ui.button("Compare").clicked() {
            actions.push(Action::SelectMapping(m.id.clone()));
            actions.push(Action::SetTab(Tab::Verify));
        }
    });
}
