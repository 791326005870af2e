//! What changed between a snapshot file and what is shown (live data, or another
//! snapshot opened): counts, then each change, then Health's findings new, gone and
//! unchanged.

use super::frame::{Shown, modal};
use crate::engine::runner::{Command, RestoreRequest};
use crate::model::compare::Comparison;
use crate::model::health::{Change, Finding};
use crate::model::names;
use crate::ui::action::Action;
use crate::ui::widgets::{self, Pill};
use egui::{RichText, Ui};
use std::path::PathBuf;

/// The dialog's state.
pub struct CompareDialog {
    against: PathBuf,
    comparison: Comparison,
    health: Change,
}

impl CompareDialog {
    /// The comparison with `against`, and Health's findings compared.
    pub fn new(against: PathBuf, comparison: Comparison, health: Change) -> Box<Self> {
        Box::new(CompareDialog {
            against,
            comparison,
            health,
        })
    }

    /// Health's findings compared.
    pub fn health(&self) -> &Change {
        &self.health
    }

    /// What it shows.
    pub fn comparison(&self) -> &Comparison {
        &self.comparison
    }

    /// Draws the dialog.
    pub fn show(&mut self, ctx: &egui::Context) -> Shown {
        let c = &self.comparison;
        let ((asked, close), escape) = modal(ctx, "compare", "Compare", 680.0, |ui| {
            ui.label(format!(
                "From {} to what is shown now",
                self.against.display()
            ));
            ui.add_space(4.0);
            if let Some(note) = &c.note {
                widgets::warn_text(ui, note);
                ui.add_space(4.0);
            }
            if c.is_empty() {
                widgets::pill(ui, Pill::Good, "No differences");
            } else {
                ui.label(RichText::new(c.summary()).strong());
            }
            let height = (ui.available_height() - 40.0).clamp(120.0, 480.0);
            egui::ScrollArea::vertical()
                .max_height(height)
                .show(ui, |ui| {
                    if !c.is_empty() {
                        changes(ui, c);
                    }
                    ui.add_space(6.0);
                    health(ui, &self.health);
                });
            ui.horizontal(|ui| {
                let restore = ui
                    .button("Restore…")
                    .on_hover_text("Plan putting back what the snapshot shows, in the live org: mappings, statuses and rules, each previewed")
                    .clicked();
                let copy = ui
                    .button("Copy by names…")
                    .on_hover_text("Plan making the snapshot's mappings in the live org (of another org or profile), its groups and teams matched by names, each previewed")
                    .clicked();
                let asked = (restore || copy).then_some(copy);
                (asked, ui.button("Close").clicked())
            })
            .inner
        });
        if let Some(copy) = asked {
            Shown::done(Action::Send(Command::PlanRestore(RestoreRequest {
                path: Some(self.against.clone()),
                unlink_new: false,
                members: false,
                copy,
            })))
        } else if close || escape {
            Shown::close()
        } else {
            Shown::stay()
        }
    }
}

fn changes(ui: &mut Ui, c: &Comparison) {
    let list = |ui: &mut Ui, title: &str, items: &[String]| {
        if !items.is_empty() {
            egui::CollapsingHeader::new(format!("{title} ({})", items.len()))
                .default_open(true)
                .show(ui, |ui| {
                    for i in items {
                        ui.label(names::display_safe(i));
                    }
                });
        }
    };
    list(ui, "Teams created", &c.teams_created);
    list(ui, "Teams deleted", &c.teams_deleted);
    if !c.members_changed.is_empty() {
        egui::CollapsingHeader::new(format!(
            "Members changed ({} team roles)",
            c.members_changed.len()
        ))
        .default_open(true)
        .show(ui, |ui| {
            for r in &c.members_changed {
                let title = format!(
                    "{} · {} · {}: +{} -{}",
                    names::display_safe(&r.project),
                    names::display_safe(&r.team),
                    names::display_safe(&r.role),
                    r.added.len(),
                    r.removed.len()
                );
                added_removed(ui, &title, &r.added, &r.removed);
            }
        });
    }
    list(ui, "Okta groups created", &c.okta_groups_created);
    list(ui, "Okta groups deleted", &c.okta_groups_deleted);
    if !c.okta_groups_changed.is_empty() {
        egui::CollapsingHeader::new(format!(
            "Okta group members changed ({})",
            c.okta_groups_changed.len()
        ))
        .default_open(true)
        .show(ui, |ui| {
            for g in &c.okta_groups_changed {
                let title = format!(
                    "{}: +{} -{}",
                    names::display_safe(&g.group),
                    g.added.len(),
                    g.removed.len()
                );
                added_removed(ui, &title, &g.added, &g.removed);
            }
        });
    }
    list(ui, "Mappings created", &c.mappings_created);
    list(ui, "Mappings unlinked", &c.mappings_unlinked);
    let statuses: Vec<String> = c
        .status_changes
        .iter()
        .map(|s| {
            format!(
                "{} -> {}: {} to {}",
                s.okta_group, s.statsig_group, s.before, s.after
            )
        })
        .collect();
    list(ui, "Status changes", &statuses);
    list(ui, "Push rules", &c.rule_changes);
}

/// One role's or group's added and removed members, folded under `title`.
fn added_removed(ui: &mut Ui, title: &str, added: &[String], removed: &[String]) {
    egui::CollapsingHeader::new(title).show(ui, |ui| {
        for a in added {
            ui.label(format!("+ {}", names::display_safe(a)));
        }
        for a in removed {
            widgets::error_text(ui, format!("- {}", names::display_safe(a)));
        }
    });
}

/// Health's findings from the file to what is shown: new, gone, unchanged.
fn health(ui: &mut Ui, h: &Change) {
    ui.label(
        RichText::new(format!(
            "Health: {} new, {} gone, {} unchanged",
            h.raised.len(),
            h.resolved.len(),
            h.unchanged.len()
        ))
        .strong(),
    );
    let list = |ui: &mut Ui, title: &str, items: &[Finding], open: bool| {
        if items.is_empty() {
            return;
        }
        egui::CollapsingHeader::new(format!("{title} ({})", items.len()))
            .default_open(open)
            .show(ui, |ui| {
                for f in items {
                    ui.label(format!(
                        "{}: {}",
                        f.severity.label(),
                        names::display_safe(&f.what)
                    ));
                }
            });
    };
    list(ui, "New findings", &h.raised, true);
    list(ui, "Findings gone", &h.resolved, true);
    list(ui, "Findings unchanged", &h.unchanged, false);
}
