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
    if let Some(o) = &m.okta {
        okta_lines(ui, m, o);
        status_details(ui, view, m, actions);
        if m.drift.is_some() {
            drift(ui, view, m, actions);
        }
        buttons(ui, view, m, actions);
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

/// What Okta says of its mapping: id, when it changed, its last push, and whether Okta
/// still has work to do.
fn okta_lines(ui: &mut Ui, m: &Mapping, o: &crate::model::mapping::OktaLink) {
    ui.label(
        RichText::new(format!(
            "Okta's mapping {} · updated in Okta {}",
            m.id,
            widgets::short_time(&o.last_updated)
        ))
        .weak(),
    )
    .on_hover_text("This mapping lives in Okta's Statsig app: Okta pushes it, also while this app is closed, and it shows in Okta's Push Groups tab");
    let last = m
        .last_push
        .as_deref()
        .map(widgets::short_time)
        .unwrap_or_else(|| "never".into());
    ui.label(format!("Okta's last push: {last}"));
    if m.statsig_group_id.is_empty() {
        ui.label(
            RichText::new(
                "Statsig has no group of this name yet: Okta creates it at its first push.",
            )
            .italics(),
        );
    }
    if let Some(p) = &o.pending {
        ui.horizontal_wrapped(|ui| {
            widgets::pill(ui, widgets::Pill::Busy, "Okta is pushing");
            ui.label(p);
        });
    }
}

fn status_details(ui: &mut Ui, view: &View, m: &Mapping, actions: &mut Vec<Action>) {
    match &m.status {
        MappingStatus::Error { at, cause, .. } if m.okta.is_some() => {
            widgets::error_text(
                ui,
                format!("Okta reports ERROR ({}): {cause}", widgets::short_time(at)),
            );
            ui.label(RichText::new("Okta pushes nothing until it is retried: Push now (or Retry all) re-activates it, which makes Okta push again.").italics());
        }
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
    let text = if m.okta.is_some() {
        format!(
            "Statsig differs from what Okta pushed: {} extra, {} missing. Okta pushes only changes of the Okta group, so these edits stay until you choose:",
            dr.added_in_statsig.len(),
            dr.removed_in_statsig.len()
        )
    } else {
        format!(
            "Changed in Statsig since the last push: {} added, {} removed. Nothing is pushed over these edits until you choose:",
            dr.added_in_statsig.len(),
            dr.removed_in_statsig.len()
        )
    };
    widgets::warn_text(ui, text);
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
        let okta = m.okta.is_some();
        let push_hover = if okta {
            "Okta has no public \"push now\" call: this deactivates and re-activates the mapping, which makes Okta run a full push (after the same preview and deletion guard)"
        } else {
            "Read both groups again and push the differences"
        };
        if widgets::send_button(ui, view.can_send, !inactive, "Push now")
            .on_hover_text(push_hover)
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
        let hover = match (okta, active) {
            (true, true) => "Make it ACTIVE in Okta: Okta runs a full push",
            (true, false) => "Make it INACTIVE in Okta: Okta stops pushing; memberships stay",
            (false, true) => "Resume pushing, and push now",
            (false, false) => "Stop pushing; memberships stay",
        };
        if widgets::send_button(ui, view.can_send, true, label)
            .on_hover_text(hover)
            .clicked()
        {
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
