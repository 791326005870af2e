//! Explain: a person's trace (the model's `explain`), step by step: Okta status, the
//! assignment to the Statsig app, then per team role the Okta groups that feed it, what
//! Statsig has, the verdict and the next step, with a button where the app can take it.
//! Worked out when asked (opened, or Explain clicked), never per frame.

use super::frame::{Shown, modal};
use crate::engine::runner::Command;
use crate::model::explain::{self, Explanation, NextAction, RoleTrace, Verdict};
use crate::model::names::display_safe;
use crate::ui::action::{Action, Open};
use crate::ui::view::View;
use crate::ui::widgets::{self, Pill};
use egui::{RichText, Ui};

/// The dialog's state.
pub struct ExplainDialog {
    query: String,
    /// The trace for the query asked, or why there is none; `None` before one is asked.
    result: Option<Result<Explanation, String>>,
    /// When several people match: each as (email, `Name <email>`), to choose from.
    choices: Vec<(String, String)>,
    /// The data the result was worked out from: (generation, mappings version).
    from: (u64, u64),
}

impl ExplainDialog {
    /// Opens on `query` (worked out at once), or empty to type one.
    pub fn new(query: Option<String>, view: &View) -> Self {
        let mut d = ExplainDialog {
            query: query.unwrap_or_default(),
            result: None,
            choices: Vec::new(),
            from: (0, 0),
        };
        if !d.query.trim().is_empty() {
            d.work_out(view);
        }
        d
    }

    /// What is shown: the trace, when one was found.
    pub fn explanation(&self) -> Option<&Explanation> {
        self.result.as_ref().and_then(|r| r.as_ref().ok())
    }

    fn work_out(&mut self, view: &View) {
        self.from = (view.generation, view.mappings_version);
        let found = explain::find(view.directory, &self.query);
        self.choices = match &found {
            Err(explain::FindError::Several { matches, names, .. }) => {
                matches.iter().cloned().zip(names.iter().cloned()).collect()
            }
            _ => Vec::new(),
        };
        self.result = Some(
            found
                .map(|who| explain::explain(view.directory, view.mappings, &who, None))
                .map_err(|e| e.to_string()),
        );
    }

    /// Draws the dialog.
    pub fn show(&mut self, ctx: &egui::Context, view: &View) -> Shown {
        // The data changed under an open trace: it follows.
        if self.result.is_some() && self.from != (view.generation, view.mappings_version) {
            self.work_out(view);
        }
        let mut ask = None;
        let mut chosen = None;
        let (close, escape) = modal(ctx, "explain", "Explain", 720.0, |ui| {
            let mut go = false;
            ui.horizontal(|ui| {
                let label = ui.label("Person:");
                let field = ui
                    .add(
                        egui::TextEdit::singleline(&mut self.query)
                            .hint_text("name, email or username")
                            .desired_width(360.0),
                    )
                    .labelled_by(label.id);
                go = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                go |= ui
                    .add_enabled(!self.query.trim().is_empty(), egui::Button::new("Explain"))
                    .clicked();
            });
            if go && !self.query.trim().is_empty() {
                self.work_out(view);
            }
            ui.add_space(4.0);
            let height = (ui.available_height() - 40.0).clamp(160.0, 520.0);
            egui::ScrollArea::vertical()
                .max_height(height)
                .auto_shrink([false, true])
                .show(ui, |ui| match &self.result {
                    None => {
                        ui.label("Type a name (first, last or whole), an email or a username, then Explain.");
                    }
                    Some(Err(_)) if !self.choices.is_empty() => {
                        ui.label(format!(
                            "{} people match; choose one:",
                            self.choices.len()
                        ));
                        for (email, name) in &self.choices {
                            if ui
                                .button(format!("Explain {}", display_safe(name)))
                                .clicked()
                            {
                                chosen = Some(email.clone());
                            }
                        }
                    }
                    Some(Err(why)) => {
                        widgets::warn_text(ui, why);
                    }
                    Some(Ok(e)) => ask = trace(ui, e, view),
                });
            ui.button("Close").clicked()
        });
        if let Some(email) = chosen {
            self.query = email;
            self.work_out(view);
        }
        match ask {
            Some(a) => Shown::done(a),
            None if close || escape => Shown::close(),
            None => Shown::stay(),
        }
    }
}

fn trace(ui: &mut Ui, e: &Explanation, view: &View) -> Option<Action> {
    let p = &e.person;
    ui.label(
        RichText::new(format!(
            "{} <{}>",
            display_safe(&p.name),
            display_safe(&p.email)
        ))
        .strong(),
    );
    for s in &e.steps {
        ui.label(display_safe(s));
    }
    ui.add_space(6.0);
    if let Some(access) = &e.still_has_access {
        widgets::warn_text(ui, display_safe(access));
    } else if e.roles.is_empty() {
        ui.label("No team role Okta feeds concerns this person.");
    }
    let mut ask = None;
    for (n, r) in e.roles.iter().enumerate() {
        ui.separator();
        if let Some(a) = ui.push_id(n, |ui| role(ui, r, view)).inner {
            ask = Some(a);
        }
    }
    ask
}

fn tone(v: &Verdict) -> Pill {
    match v {
        Verdict::InSync => Pill::Good,
        Verdict::AddedAtNextPush { .. } | Verdict::NotAMember | Verdict::StatsigUnknown => {
            Pill::Neutral
        }
        Verdict::NoMapping | Verdict::ByHand | Verdict::MappingInactive => Pill::Warn,
        Verdict::NotPushed { .. } | Verdict::MappingError => Pill::Bad,
    }
}

fn role(ui: &mut Ui, r: &RoleTrace, view: &View) -> Option<Action> {
    ui.label(
        RichText::new(format!(
            "{} / {} / {}",
            display_safe(&r.project),
            display_safe(&r.team),
            r.role
        ))
        .strong(),
    );
    if r.feeds.is_empty() {
        ui.label("No mapping feeds it.");
    }
    for f in &r.feeds {
        ui.label(format!(
            "From {} (pushed by {}, {}{}): {}",
            display_safe(&f.okta_group),
            f.pushed_by,
            f.status,
            f.last_push
                .as_deref()
                .map(|t| format!(", last push {}", crate::model::text::short_time(t)))
                .unwrap_or_default(),
            if f.member { "in it" } else { "not in it" }
        ));
    }
    ui.label(match r.in_statsig {
        Some(true) => "Statsig has this person in the role.",
        Some(false) => "Statsig does not have this person in the role.",
        None => "Statsig's side is not read.",
    });
    ui.horizontal_wrapped(|ui| {
        widgets::pill(ui, tone(&r.verdict), &r.says);
    });
    ui.label(format!("Next: {}", display_safe(&r.next)));
    let (label, action) = match r.action.as_ref()? {
        NextAction::Push { mapping_id } => (
            "Push now",
            Action::Send(Command::Push {
                mapping_id: mapping_id.clone(),
                allowed_removals: 0,
            }),
        ),
        NextAction::Activate { mapping_id } => (
            "Activate",
            Action::Send(Command::SetActive {
                mapping_id: mapping_id.clone(),
                active: true,
                allowed_removals: 0,
            }),
        ),
        NextAction::AddToGroup { okta_group_id, .. } => (
            "Edit the group's members…",
            Action::Open(Open::Members {
                group: okta_group_id.clone(),
            }),
        ),
    };
    let read_only = view.snapshot.is_some();
    widgets::send_button(ui, view.can_send, !read_only, label)
        .clicked()
        .then_some(action)
}
