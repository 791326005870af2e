//! Push by rule: the connection's rules, a form for a new one, and the preview of every
//! mapping the chosen rule (or the rule being written) would make: each row's target,
//! adds, removes, members that cannot be pushed, and the deletion guard. The admin
//! unticks rows, then makes the rest as one bulk (the engine paces it and shows progress).

use super::frame::{Shown, modal, two_columns};
use crate::engine::runner::Command;
use crate::model::push_rule::{self, NameMatch, PushRule, RowTarget, RuleAction, RuleRow};
use crate::model::text::plural;
use crate::ui::a11y;
use crate::ui::action::Action;
use crate::ui::cache::Memo;
use crate::ui::view::View;
use crate::ui::widgets::{self, Pill};
use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};
use std::collections::BTreeSet;
use std::rc::Rc;

const ROW: f32 = 22.0;

/// Which rule the preview shows.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Showing {
    Saved(String),
    Draft,
}

/// What a preview is of: the data's, mappings' and rules' versions, which rule is shown,
/// and the rule as it was planned.
type PreviewKey = (u64, u64, u64, Showing, PushRule);

/// The dialog's state.
pub struct RulesDialog {
    showing: Showing,
    draft: PushRule,
    link_project: String,
    create_project: String,
    create: bool,
    only_okta_groups: bool,
    unticked: BTreeSet<String>,
    rows: Memo<PreviewKey, Rc<[RuleRow]>>,
    /// The draft was sent to be saved: show it once it is.
    saving: bool,
}

impl RulesDialog {
    /// The dialog on the first saved rule, or on a new one when there is none.
    pub fn new(view: &View) -> Self {
        let showing = view
            .rules
            .first()
            .map_or(Showing::Draft, |r| Showing::Saved(r.id.clone()));
        RulesDialog {
            showing,
            draft: PushRule {
                id: "draft".into(),
                name: String::new(),
                how: NameMatch::StartsWith,
                text: String::new(),
                kind: Some("OKTA_GROUP".into()),
                action: RuleAction::Link { project: None },
                auto_create: false,
            },
            link_project: String::new(),
            create_project: view.directory.projects.first().cloned().unwrap_or_default(),
            create: false,
            only_okta_groups: true,
            unticked: BTreeSet::new(),
            rows: Memo::default(),
            saving: false,
        }
    }

    /// Draws the dialog.
    pub fn show(&mut self, ctx: &egui::Context, view: &View) -> Shown {
        if self.saving
            && let Some(saved) = view
                .rules
                .iter()
                .find(|r| r.name.eq_ignore_ascii_case(self.draft.name.trim()))
        {
            self.saving = false;
            self.showing = Showing::Saved(saved.id.clone());
            self.draft.name.clear();
            self.draft.text.clear();
        }
        // A steady height: the dialog does not move under the pointer as rows come and go.
        let steady = (ctx.content_rect().height() - 120.0).clamp(300.0, 560.0);
        let (shown, escape) = modal(ctx, "push-rules", "Push by rule", 900.0, |ui| {
            let top = ui.cursor().top();
            ui.label("A rule pushes every Okta group whose name matches it: each to the team its name maps to, or to a new team. The mappings it makes are ordinary mappings (in Okta push, Okta's own); the rule lives in this app.");
            ui.add_space(4.0);
            let mut out = Shown::stay();
            two_columns(ui, |left, right| {
                if let Some(a) = self.saved_rules(left, view) {
                    out.action = Some(a);
                }
                if let Some(a) = self.form(right, view) {
                    out.action = Some(a);
                }
            });
            ui.separator();
            let rule = self.rule(view);
            let rows = self.preview(view, rule.as_ref());
            self.table(ui, &rows);
            // The buttons stay at the bottom of a steady-height dialog.
            let used = ui.cursor().top() - top;
            if used + 40.0 < steady {
                ui.add_space(steady - used - 40.0);
            }
            ui.separator();
            let done = self.buttons(ui, view, &rows);
            if done.action.is_some() || !done.open {
                out = done;
            }
            out
        });
        if escape { Shown::close() } else { shown }
    }

    /// The rule the preview is of.
    fn rule(&self, view: &View) -> Option<PushRule> {
        match &self.showing {
            Showing::Saved(id) => view.rules.iter().find(|r| &r.id == id).cloned(),
            Showing::Draft => Some(self.draft_rule()),
        }
    }

    fn draft_rule(&self) -> PushRule {
        let mut r = self.draft.clone();
        r.kind = self.only_okta_groups.then(|| "OKTA_GROUP".to_string());
        r.action = if self.create {
            RuleAction::Create {
                project: self.create_project.clone(),
            }
        } else {
            RuleAction::Link {
                project: (!self.link_project.is_empty()).then(|| self.link_project.clone()),
            }
        };
        r
    }

    /// The rule's preview, planned when the data, the mappings, the rules or the rule
    /// change; each frame compares the rule with the one planned, and copies nothing.
    fn preview(&mut self, view: &View, rule: Option<&PushRule>) -> Rc<[RuleRow]> {
        let Some(rule) = rule else {
            return Rc::from([]);
        };
        let versions = (view.generation, view.mappings_version, view.rules_version);
        let showing = &self.showing;
        self.rows
            .get_keyed(
                |k| (k.0, k.1, k.2) == versions && &k.3 == showing && &k.4 == rule,
                || {
                    (
                        versions.0,
                        versions.1,
                        versions.2,
                        showing.clone(),
                        rule.clone(),
                    )
                },
                || {
                    if rule.text.trim().is_empty() {
                        return Rc::from([]);
                    }
                    // A draft is previewed beside the saved rules (it claims groups like one).
                    let mut all: Vec<PushRule> = view.rules.to_vec();
                    if *showing == Showing::Draft {
                        all.push(rule.clone());
                    }
                    push_rule::preview(view.directory, view.mappings, &all, rule, view.guard())
                        .into()
                },
            )
            .clone()
    }

    fn saved_rules(&mut self, ui: &mut Ui, view: &View) -> Option<Action> {
        ui.label(RichText::new("Saved rules").strong());
        if view.rules.is_empty() {
            ui.weak("None yet: write one on the right.");
        }
        let mut action = None;
        // The saved rules and "New rule…": one list box of what the right side shows.
        let count = view.rules.len() + 1;
        a11y::list(ui, "Rules", count, |ui| {
            for (k, r) in view.rules.iter().enumerate() {
                ui.horizontal_wrapped(|ui| {
                    let on = self.showing == Showing::Saved(r.id.clone());
                    let item = ui.selectable_label(on, &r.name);
                    a11y::option(&item, on, k, count);
                    if item.on_hover_text(r.describe()).clicked() {
                        self.showing = Showing::Saved(r.id.clone());
                        self.unticked.clear();
                    }
                    if widgets::send_button(ui, can_save(view), true, &format!("Remove {}", r.name))
                        .on_hover_text("The rule goes; the mappings it made stay")
                        .clicked()
                    {
                        action = Some(Action::Send(Command::RemoveRule { id: r.id.clone() }));
                        if on {
                            self.showing = Showing::Draft;
                        }
                    }
                });
                ui.label(RichText::new(r.describe()).weak());
            }
            let draft = self.showing == Showing::Draft;
            let item = ui.selectable_label(draft, "New rule…");
            a11y::option(&item, draft, count - 1, count);
            if item.clicked() {
                self.showing = Showing::Draft;
                self.unticked.clear();
            }
        });
        action
    }

    fn form(&mut self, ui: &mut Ui, view: &View) -> Option<Action> {
        if let Showing::Saved(id) = &self.showing {
            if let Some(r) = view.rules.iter().find(|r| &r.id == id) {
                ui.label(RichText::new(format!("Rule \"{}\"", r.name)).strong());
                ui.label(r.describe());
                ui.label(if r.auto_create {
                    "New matches are made at each check, unless the deletion guard would stop them."
                } else {
                    "New matches are proposed at each check (Check now, or Watch for changes)."
                });
                ui.weak(
                    "To change a rule, remove it and write it again; the mappings it made stay.",
                );
            }
            return None;
        }
        let d = view.directory;
        ui.label(RichText::new("New rule").strong());
        widgets::labelled_text(
            ui,
            "Rule name",
            &mut self.draft.name,
            "e.g. Team groups",
            false,
        );
        ui.horizontal(|ui| {
            let l = ui.label("Okta group names");
            egui::ComboBox::from_id_salt("rule-how")
                .selected_text(self.draft.how.label())
                .show_ui(ui, |ui| {
                    for how in [
                        NameMatch::StartsWith,
                        NameMatch::Contains,
                        NameMatch::Pattern,
                    ] {
                        ui.selectable_value(&mut self.draft.how, how, how.label());
                    }
                })
                .response
                .labelled_by(l.id);
        });
        widgets::labelled_text(
            ui,
            "Text or pattern",
            &mut self.draft.text,
            "e.g. Team ",
            false,
        );
        ui.checkbox(
            &mut self.only_okta_groups,
            "Okta groups only (not built-in or app groups)",
        );
        ui.radio_value(
            &mut self.create,
            false,
            "Link each to the team of that name",
        );
        project_combo(
            ui,
            "rule-link-project",
            "In project",
            &mut self.link_project,
            &d.projects,
            true,
        );
        ui.radio_value(&mut self.create, true, "Create each as a new team");
        project_combo(
            ui,
            "rule-create-project",
            "New teams in",
            &mut self.create_project,
            &d.projects,
            false,
        );
        ui.checkbox(
            &mut self.draft.auto_create,
            "Create new matches automatically (never past the deletion guard)",
        );
        ui.label(
            RichText::new("The team is what the rule leaves of the group's name: after the prefix (starts with), without the text (contains), or what the first * matched (pattern), trimmed of spaces, hyphens and underscores.")
                .weak(),
        );
        let rule = self.draft_rule();
        let problem = rule.check(d, view.rules).err();
        if let Some(p) = problem.as_ref().filter(|_| !self.draft.text.is_empty()) {
            widgets::warn_text(ui, p.to_string());
        }
        let ok = problem.is_none();
        if widgets::send_button(ui, can_save(view), ok, "Save rule").clicked() {
            self.unticked.clear();
            self.saving = true;
            return Some(Action::Send(Command::SaveRule(Box::new(rule))));
        }
        None
    }

    fn table(&mut self, ui: &mut Ui, rows: &[RuleRow]) {
        let ready = rows.iter().filter(|r| r.ready()).count();
        ui.label(if rows.is_empty() {
            "The rule matches no Okta group yet.".to_string()
        } else {
            format!(
                "{} {}; {} ready, {} skipped or stopped by the guard.",
                plural(rows.len(), "Okta group"),
                if rows.len() == 1 { "matches" } else { "match" },
                ready,
                rows.len() - ready
            )
        });
        let height = (ui.available_height() - 60.0).clamp(120.0, 320.0);
        let w = column_widths(ui, rows);
        a11y::table(ui, "Preview", rows.len(), HEADERS.len(), |ui| {
            TableBuilder::new(ui)
                .id_salt("rule-preview")
                .striped(true)
                .auto_shrink([false, true])
                .max_scroll_height(height)
                .column(Column::exact(w[0]).clip(true))
                .column(Column::exact(w[1]).clip(true))
                .column(Column::exact(w[2]))
                .column(Column::exact(w[3]))
                .column(Column::exact(w[4]))
                .column(Column::exact(w[5]).clip(true))
                .header(ROW, |mut h| a11y::header(&mut h, &HEADERS))
                .body(|mut body| {
                    let a11y_rows = a11y::Rows::new(&mut body, HEADERS.len(), false);
                    body.rows(ROW, rows.len(), |mut row| {
                        let r = &rows[row.index()];
                        row.col(|ui| {
                            let mut on = r.ready() && !self.unticked.contains(&r.okta_group_id);
                            let b = ui.add_enabled(
                                r.ready(),
                                egui::Checkbox::new(&mut on, &r.okta_group_name),
                            );
                            if b.changed() {
                                if on {
                                    self.unticked.remove(&r.okta_group_id);
                                } else {
                                    self.unticked.insert(r.okta_group_id.clone());
                                }
                            }
                        });
                        row.col(|ui| match &r.target {
                            RowTarget::Skip(_) => {
                                ui.weak("—");
                            }
                            RowTarget::Create { name, team, .. } => {
                                let shown = format!("{NEW}{name}");
                                match crate::model::names::unusual_character(team) {
                                    Some(w) => {
                                        ui.add(
                                            egui::Label::new(
                                                egui::RichText::new(format!(
                                                    "{shown} (check the name)"
                                                ))
                                                .color(widgets::pill_color(
                                                    ui,
                                                    widgets::Pill::Warn,
                                                )),
                                            )
                                            .truncate()
                                            .selectable(false),
                                        )
                                        .on_hover_text(w);
                                    }
                                    None => {
                                        widgets::elided(ui, &shown);
                                    }
                                }
                            }
                            RowTarget::Link {
                                statsig_group_name, ..
                            } => {
                                widgets::elided(ui, statsig_group_name);
                            }
                        });
                        let n = |v: Option<usize>| v.map_or("?".to_string(), |v| v.to_string());
                        row.col(|ui| {
                            ui.label(n(r.adds));
                        });
                        row.col(|ui| {
                            ui.label(n(r.removes));
                        });
                        row.col(|ui| {
                            ui.label(r.cannot.to_string());
                        });
                        row.col(|ui| status(ui, r));
                        a11y_rows.row(row.index(), false, &[]);
                    });
                });
        });
    }

    fn buttons(&mut self, ui: &mut Ui, view: &View, rows: &[RuleRow]) -> Shown {
        let mut out = Shown::stay();
        let ticked = rows
            .iter()
            .filter(|r| r.ready() && !self.unticked.contains(&r.okta_group_id))
            .count();
        ui.horizontal(|ui| {
            match &self.showing {
                Showing::Saved(id) => {
                    let label = format!("Make {}", plural(ticked, "mapping"));
                    if widgets::send_button(ui, view.can_send, ticked > 0, &label)
                        .on_hover_text("Unticked rows, skipped rows and rows the deletion guard stops are left out")
                        .clicked()
                    {
                        out = Shown::done(Action::Send(Command::ApplyRule {
                            id: id.clone(),
                            unticked: self.unticked.iter().cloned().collect(),
                            allowed_removals: 0,
                        }));
                    }
                }
                Showing::Draft => {
                    ui.weak("Save the rule to make its mappings.");
                }
            }
            if ui.button("Close").clicked() {
                out = Shown::close();
            }
        });
        out
    }
}

/// The preview's column headers.
const HEADERS: [&str; 6] = [
    "Okta group",
    "Pushed to",
    "Adds",
    "Removes",
    "Cannot push",
    "Status",
];
/// How a new team's group is named in the preview.
const NEW: &str = "new: ";
/// What a skipped row's status starts with.
const SKIPPED: &str = "Skipped: ";
/// The status of a row the guard stops.
const STOPPED: &str = "Stopped by the guard";

/// The preview's column widths: the counts and the status show whole first, then the
/// Okta group, then the target, which takes what is left; a cut text shows whole on hover.
fn column_widths(ui: &Ui, rows: &[RuleRow]) -> Vec<f32> {
    let text = |t: &str| widgets::text_width(ui, t, egui::TextStyle::Body);
    let header = |i: usize| text(HEADERS[i]) + 8.0;
    let check = ui.spacing().icon_width + ui.spacing().icon_spacing;
    let group = check + widgets::widest(ui, rows.iter().map(|r| r.okta_group_name.as_str()));
    let targets = rows.iter().filter_map(|r| match &r.target {
        RowTarget::Skip(_) => None,
        RowTarget::Create { name, .. } => Some(name.as_str()),
        RowTarget::Link {
            statsig_group_name, ..
        } => Some(statsig_group_name.as_str()),
    });
    let target = text(NEW) + widgets::widest(ui, targets);
    let skipped = rows.iter().filter_map(|r| match &r.target {
        RowTarget::Skip(why) => Some(why.as_str()),
        _ => None,
    });
    let pill = widgets::pill_width(ui, STOPPED);
    let status = (text(SKIPPED) + widgets::widest(ui, skipped)).max(pill);
    use widgets::Fit;
    widgets::fit_columns(
        widgets::table_room(ui, 5),
        &[
            Fit::new(140.0, (group + 6.0).max(header(0)), 1),
            Fit::new(100.0, (target + 6.0).max(header(1)), 3),
            Fit::whole(header(2)),
            Fit::whole(header(3)),
            Fit::whole(header(4)),
            Fit::new(pill, (status + 6.0).max(header(5)), 2),
        ],
    )
}

/// Rules are saved with the live connection, never into an open snapshot.
fn can_save(view: &View) -> Result<(), &'static str> {
    if view.snapshot.is_some() {
        Err("Read-only snapshot: rules are changed on live data")
    } else if view.connection.is_none() {
        Err("Not connected: open Settings or use the demo sandbox")
    } else {
        Ok(())
    }
}

fn status(ui: &mut Ui, r: &RuleRow) {
    match (&r.target, &r.guard) {
        (RowTarget::Skip(why), _) => {
            widgets::elided(ui, &format!("{SKIPPED}{why}")).on_hover_text(why);
        }
        (_, Some(stop)) => {
            widgets::pill(ui, Pill::Warn, STOPPED).on_hover_text(format!(
                "{stop} Push it alone from Push groups to confirm with the team's name."
            ));
        }
        _ => {
            widgets::pill(ui, Pill::Good, "Ready");
        }
    }
}

fn project_combo(
    ui: &mut Ui,
    id: &str,
    label: &str,
    value: &mut String,
    projects: &[String],
    any: bool,
) {
    ui.horizontal(|ui| {
        ui.add_space(24.0);
        let l = ui.label(label);
        egui::ComboBox::from_id_salt(id)
            .selected_text(if value.is_empty() {
                "any project".to_string()
            } else {
                value.clone()
            })
            .show_ui(ui, |ui| {
                if any {
                    ui.selectable_value(value, String::new(), "any project");
                }
                for p in projects {
                    ui.selectable_value(value, p.clone(), p);
                }
            })
            .response
            .labelled_by(l.id);
    });
}
