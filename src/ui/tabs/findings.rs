//! The Health tab: what is wrong across the mappings (the model's `health` findings),
//! each with its severity, why it matters and the fix; a button where the app can act,
//! through the same dialogs and commands as everywhere else. And a search to explain
//! one person. Findings are worked out once per change of the data or the mappings.

use crate::engine::runner::Command;
use crate::model::health::{self, Access, Finding, FixAction, OtherFeed, Severity};
use crate::ui::action::{Action, Open};
use crate::ui::cache::Memo;
use crate::ui::view::View;
use crate::ui::widgets::{self, Pill};
use egui::{RichText, Ui};

/// The tab's state.
#[derive(Default)]
pub struct FindingsTab {
    findings: Memo<(u64, u64, bool, bool), Vec<Finding>>,
    person: String,
    /// Each finding's drawn height at `heights.0` wide, to draw only those in view.
    heights: (f32, Vec<f32>),
}

/// What the findings are worked out from: the data, the mappings, the mode and what the
/// token was found unable to do.
fn key(view: &View) -> (u64, u64, bool, bool) {
    (
        view.generation,
        view.mappings_version,
        view.mode.is_some(),
        view.mode.is_some_and(|m| m.logs_denied.is_some()),
    )
}

/// A finding's height before it was drawn once: its title, why, fix and a button.
const ESTIMATE: f32 = 90.0;

impl FindingsTab {
    /// The findings for what `view` shows, worked out when the data or mappings changed.
    pub fn findings(&mut self, view: &View) -> &[Finding] {
        self.findings.get(key(view), || compute(view))
    }

    /// The tab's badge: findings at warning or above.
    pub fn badge(&mut self, view: &View) -> usize {
        health::at_least(self.findings(view), Severity::Warning)
    }

    /// Draws the tab.
    pub fn show(&mut self, ui: &mut Ui, view: &View, actions: &mut Vec<Action>) {
        ui.horizontal(|ui| {
            let label = ui.label("Explain a person:");
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut self.person)
                        .hint_text("name, email or username")
                        .desired_width(280.0),
                )
                .labelled_by(label.id);
            let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            let go = ui
                .add_enabled(!self.person.trim().is_empty(), egui::Button::new("Explain"))
                .clicked();
            if (go || enter) && !self.person.trim().is_empty() {
                actions.push(Action::Open(Open::Explain(Some(
                    self.person.trim().to_string(),
                ))));
            }
            compare_button(ui, view, actions);
        });
        ui.separator();
        if !view.imported {
            ui.label("Nothing is read yet.");
            return;
        }
        let can_send = view.can_send;
        let read_only = view.snapshot.is_some();
        let findings = self.findings.get(key(view), || compute(view));
        let (e, w, i) = health::counts(findings);
        if findings.is_empty() {
            widgets::pill(
                ui,
                Pill::Good,
                "No findings: nothing is wrong that the app can see",
            );
            return;
        }
        ui.label(
            RichText::new(format!(
                "{}, {}, {}",
                crate::model::text::plural(e, "error"),
                crate::model::text::plural(w, "warning"),
                crate::model::text::plural(i, "note")
            ))
            .strong(),
        );
        ui.add_space(4.0);
        let heights = &mut self.heights;
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show_viewport(ui, |ui, viewport| {
                // Heights are known once drawn; a new width or new findings measure again.
                let width = ui.available_width();
                if heights.0 != width || heights.1.len() != findings.len() {
                    *heights = (width, vec![ESTIMATE; findings.len()]);
                }
                // Only the findings in view are drawn; the rest keep their place as space,
                // so a large org's thousands of findings cost no more than a screenful.
                let mut top = 0.0;
                let first = heights.1.iter().position(|h| {
                    top += h;
                    top > viewport.min.y
                });
                let first = first.unwrap_or(findings.len());
                let skipped: f32 = heights.1[..first].iter().sum();
                // A list of findings, each an item named by what is wrong.
                let list = egui::UiBuilder::new()
                    .accessibility_role(egui::accesskit::Role::List)
                    .accessibility_label("Findings");
                let count = findings.len();
                ui.scope_builder(list, |ui| {
                    // The whole list's count, though only what is in view is drawn.
                    ui.ctx()
                        .accesskit_node_builder(ui.unique_id(), |a| a.set_size_of_set(count));
                    if skipped > 0.0 {
                        ui.allocate_space(egui::vec2(width, skipped));
                    }
                    let mut y = skipped;
                    let mut n = first;
                    while n < findings.len() && y <= viewport.max.y {
                        let f = &findings[n];
                        let start = ui.cursor().top();
                        let item = egui::UiBuilder::new()
                            .id_salt(n)
                            .accessibility_role(egui::accesskit::Role::ListItem)
                            .accessibility_label(crate::model::names::display_safe(&f.what));
                        ui.scope_builder(item, |ui| {
                            ui.ctx().accesskit_node_builder(ui.unique_id(), |a| {
                                a.set_position_in_set(n + 1);
                                a.set_size_of_set(count);
                            });
                            row(ui, f, view, can_send, read_only, actions);
                        });
                        ui.separator();
                        let h = ui.cursor().top() - start;
                        heights.1[n] = h;
                        y += h;
                        n += 1;
                    }
                    let rest: f32 = heights.1[n..].iter().sum();
                    if rest > 0.0 {
                        ui.allocate_space(egui::vec2(width, rest));
                    }
                });
            });
    }
}

/// Health of a snapshot against what is shown (open one snapshot first to compare two):
/// the Compare view, with the findings new, gone and unchanged.
fn compare_button(ui: &mut Ui, view: &View, actions: &mut Vec<Action>) {
    ui.separator();
    let compare = ui
        .add_enabled(view.imported, egui::Button::new("Compare with snapshot…"))
        .on_hover_text("Findings new, gone and unchanged since a snapshot file (open a snapshot first to compare two)");
    if compare.clicked() {
        actions.push(Action::PickFile {
            job: crate::ui::action::FileJob::Compare,
            suggested: String::new(),
        });
    }
}

fn compute(view: &View) -> Vec<Finding> {
    if !view.imported {
        return Vec::new();
    }
    let other_feeds: Vec<OtherFeed> = view
        .mode
        .map(|r| {
            r.other_pushers
                .iter()
                .map(|p| OtherFeed {
                    mapping_id: p.mapping_id.clone(),
                    target_name: p.target_name.clone(),
                    by: p.by.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    let now = crate::clock::now();
    let access = Access::from_mode(
        view.okta_push(),
        view.mode.and_then(|r| r.warning.as_deref()),
        view.mode.and_then(|r| r.logs_denied.as_deref()),
    );
    health::check(health::Input {
        dir: view.directory,
        mappings: view.mappings,
        other_feeds: &other_feeds,
        access: &access,
        now: &now,
    })
}

fn tone(s: Severity) -> Pill {
    match s {
        Severity::Error => Pill::Bad,
        Severity::Warning => Pill::Warn,
        Severity::Info => Pill::Neutral,
    }
}

fn row(
    ui: &mut Ui,
    f: &Finding,
    view: &View,
    can_send: Result<(), &'static str>,
    read_only: bool,
    actions: &mut Vec<Action>,
) {
    let safe = crate::model::names::display_safe;
    ui.horizontal_wrapped(|ui| {
        widgets::pill(ui, tone(f.severity), f.severity.label());
        ui.label(RichText::new(safe(&f.what)).strong());
    });
    ui.label(format!("Why it matters: {}", safe(&f.why)));
    ui.label(format!("Fix: {}", safe(&f.fix)));
    if f.items.len() > 1 {
        ui.label(
            RichText::new(crate::model::text::names(&f.items, 8))
                .small()
                .weak(),
        );
    }
    let Some(action) = &f.action else {
        return;
    };
    // Read-only (a snapshot) offers what reads only: Explain.
    let (label, act) = match action {
        FixAction::Retry { mapping_id } => (
            "Retry",
            Action::Send(Command::Push {
                mapping_id: mapping_id.clone(),
                allowed_removals: 0,
            }),
        ),
        FixAction::Activate { mapping_id } => (
            "Activate",
            Action::Send(Command::SetActive {
                mapping_id: mapping_id.clone(),
                active: true,
                allowed_removals: 0,
            }),
        ),
        FixAction::Unlink { mapping_id } => {
            ("Unlink…", Action::Open(Open::Unlink(mapping_id.clone())))
        }
        FixAction::Explain { person } => {
            ("Explain", Action::Open(Open::Explain(Some(person.clone()))))
        }
    };
    // Each button says what it acts on: "Activate Warehouse Crew", "Explain ada@…".
    let mapping = |id: &str| {
        view.mappings
            .iter()
            .find(|m| m.id == id)
            .map(|m| safe(&m.okta_group_name))
    };
    let on = match action {
        FixAction::Retry { mapping_id }
        | FixAction::Activate { mapping_id }
        | FixAction::Unlink { mapping_id } => mapping(mapping_id),
        FixAction::Explain { person } => Some(safe(person)),
    };
    let r = if matches!(action, FixAction::Explain { .. }) {
        ui.button(label)
    } else {
        widgets::send_button(ui, can_send, !read_only, label)
    };
    if let Some(on) = on {
        crate::ui::a11y::name(&r, &format!("{} {on}", label.trim_end_matches('…')));
    }
    let clicked = r.clicked();
    if clicked {
        actions.push(act);
    }
}
