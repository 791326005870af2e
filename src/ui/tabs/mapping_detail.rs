//! One mapping: what its last push did, why it failed or waits, what is waiting to be
//! pushed, and what can be done.

use crate::engine::runner::Command;
use crate::model::mapping::{DriftChoice, Mapping, MappingStatus};
use crate::model::names;
use crate::model::text::plural;
use crate::ui::action::{Action, Open, Tab};
use crate::ui::view::View;
use crate::ui::widgets;
use egui::{RichText, Ui};

/// Draws the details of `m`; `waiting` is the number of changes not pushed yet.
pub fn show(
    ui: &mut Ui,
    view: &View,
    m: &Mapping,
    waiting: Option<usize>,
    actions: &mut Vec<Action>,
) {
    ui.horizontal_wrapped(|ui| {
        widgets::status_pill(ui, &m.status);
        ui.label(RichText::new(names::display_safe(&m.okta_group_name)).strong());
        ui.label("->");
        ui.label(RichText::new(names::display_safe(&m.statsig_group_name)).strong());
    });
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
                "{} in Okta not pushed yet: Push now sends them, or the watcher at its next check.",
                plural(n, "change")
            ),
        );
    }
    status_details(ui, view, m, actions);
    if m.drift.is_some() {
        drift(ui, view, m, actions);
    }
    buttons(ui, view, m, actions);
}

fn status_details(ui: &mut Ui, view: &View, m: &Mapping, actions: &mut Vec<Action>) {
    match &m.status {
        MappingStatus::Error { at, cause, request } => {
            widgets::error_text(ui, format!("Failed {}: {cause}", widgets::short_time(at)));
            if let Some(r) = request {
                ui.label(RichText::new(format!("Failing request: {r}")).monospace());
            }
        }
        MappingStatus::NeedsConfirmation {
            at,
            removals,
            members,
        } => {
            widgets::warn_text(
                ui,
                format!(
                    "Stopped {}: this push would remove {removals} of {} members, more than the deletion guard allows (more than {} members or {}% of a team role). Nothing was sent.",
                    widgets::short_time(at),
                    members,
                    view.guard().max_removals,
                    view.guard().max_percent
                ),
            );
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

fn drift(ui: &mut Ui, view: &View, m: &Mapping, actions: &mut Vec<Action>) {
    let Some(dr) = &m.drift else { return };
    widgets::warn_text(
        ui,
        format!(
            "Changed in Statsig since the last push: {} added, {} removed. Nothing is pushed over these edits until you choose:",
            dr.added_in_statsig.len(),
            dr.removed_in_statsig.len()
        ),
    );
    ui.horizontal_wrapped(|ui| {
        let choices = [
            (
                "Overwrite from Okta",
                DriftChoice::Overwrite,
                true,
                "Push Okta's membership over the edits",
            ),
            (
                "Adopt into Okta group",
                DriftChoice::Adopt,
                !dr.added_in_statsig.is_empty(),
                "Add the members added in Statsig to the Okta group, then push",
            ),
            (
                "Pause mapping",
                DriftChoice::Pause,
                true,
                "Keep Statsig's edits; stop pushing",
            ),
        ];
        for (label, choice, enabled, hover) in choices {
            if widgets::send_button(ui, view.can_send, enabled, label)
                .on_hover_text(hover)
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
        if widgets::send_button(ui, view.can_send, !inactive, "Push now")
            .on_hover_text("Read both groups again and push the differences")
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
        if widgets::send_button(ui, view.can_send, true, label).clicked() {
            actions.push(Action::Send(Command::SetActive {
                mapping_id: m.id.clone(),
                active,
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
