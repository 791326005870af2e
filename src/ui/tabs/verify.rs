//! Verify: one mapping, Okta group members and Statsig team members side by side, each
//! difference marked, with Push now to settle them.

use crate::engine::runner::Command;
use crate::model::mapping::{Mapping, MappingStatus};
use crate::model::names;
use crate::model::plan::{self, Plan};
use crate::model::rules;
use crate::ui::a11y;
use crate::ui::action::Action;
use crate::ui::cache::Memo;
use crate::ui::view::View;
use crate::ui::widgets::{self, Pill, ROW};
use egui::Ui;
use egui_extras::{Column, TableBuilder};

/// One person: Okta side, Statsig side, the verdict and its tone.
type Line = (String, String, String, Pill);

/// A mapping compared: the plan and its lines, or why it cannot be.
type Compared = Result<(Plan, Vec<Line>), plan::PlanError>;

/// The tab's own state.
#[derive(Default)]
pub struct VerifyTab {
    compared: Memo<(u64, String), Compared>,
}

impl VerifyTab {
    /// Draws the tab.
    pub fn show(&mut self, ui: &mut Ui, view: &View, actions: &mut Vec<Action>) {
        let Some(first) = view.mappings.first() else {
            ui.label("Push a group first; then compare it here member by member.");
            return;
        };
        let m = view
            .sel
            .mapping
            .as_deref()
            .and_then(|id| view.mapping(id))
            .unwrap_or(first);
        let compared = self.compared.get((view.generation, m.id.clone()), || {
            plan::plan_push(
                view.directory,
                &m.okta_group_id,
                &m.statsig_group_id,
                usize::MAX,
            )
            .map(|p| {
                let lines = lines(&p);
                (p, lines)
            })
        });
        ui.horizontal_wrapped(|ui| {
            let l = ui.label("Mapping:");
            egui::ComboBox::from_id_salt("verify-mapping")
                .selected_text(format!("{} -> {}", m.okta_group_name, m.statsig_group_name))
                .show_ui(ui, |ui| {
                    for x in view.mappings {
                        let text = format!("{} -> {}", x.okta_group_name, x.statsig_group_name);
                        if ui.selectable_label(x.id == m.id, text).clicked() {
                            actions.push(Action::SelectMapping(x.id.clone()));
                        }
                    }
                })
                .response
                .labelled_by(l.id);
            if widgets::send_button(ui, view.can_send, true, "Refresh comparison")
                .on_hover_text("Import again to compare with the latest data")
                .clicked()
            {
                actions.push(Action::Send(Command::Import));
            }
            let differs = compared.as_ref().is_ok_and(|(p, _)| !p.is_noop());
            let active = m.status != MappingStatus::Inactive;
            if widgets::send_button(ui, view.can_send, differs && active, "Push now")
                .on_hover_text("Push Okta's membership to Statsig now")
                .clicked()
            {
                actions.push(Action::Send(Command::Push {
                    mapping_id: m.id.clone(),
                    allowed_removals: 0,
                }));
            }
        });
        match compared {
            Ok((p, lines)) => show_lines(ui, p, lines, actions),
            Err(plan::PlanError::UnknownStatsigGroup(_)) => no_team(ui, view, m),
            Err(e) => {
                widgets::error_text(ui, e.to_string());
            }
        }
    }
}

/// Why there is no Statsig team to compare `m` with, by the team's name.
fn no_team(ui: &mut Ui, view: &View, m: &Mapping) {
    let name = names::display_safe(&m.statsig_group_name);
    if rules::team_gone(view.directory, m) {
        widgets::error_text(
            ui,
            format!(
                "Statsig group {name} is gone: it was deleted in Statsig, so there is nothing to \
                 compare. Unlink with Leave, then Create or Link again."
            ),
        );
    } else if rules::team_unmade(m) {
        ui.label(format!(
            "Statsig has no group {name} yet: the first push creates it; compare after it."
        ));
    } else {
        widgets::error_text(
            ui,
            format!("Statsig group {name} is not in the imported directory; import again."),
        );
    }
}

fn lines(plan: &Plan) -> Vec<Line> {
    let mut rows: Vec<Line> = Vec::new();
    for x in &plan.unchanged {
        rows.push((
            x.display.to_string(),
            x.display.to_string(),
            "in sync".into(),
            Pill::Good,
        ));
    }
    for x in &plan.adds {
        rows.push((
            x.display.to_string(),
            String::new(),
            "missing in Statsig".into(),
            Pill::Warn,
        ));
    }
    for x in &plan.removes {
        rows.push((
            String::new(),
            x.display.to_string(),
            "extra in Statsig".into(),
            Pill::Bad,
        ));
    }
    for s in &plan.skipped {
        rows.push((
            s.email.clone(),
            String::new(),
            format!("cannot be pushed: {}", s.reason),
            Pill::Neutral,
        ));
    }
    rows.sort_by_cached_key(|(okta, statsig, _, _)| {
        if okta.is_empty() { statsig } else { okta }.to_lowercase()
    });
    rows
}

/// Okta members and Statsig members side by side, with each difference marked.
fn show_lines(ui: &mut Ui, plan: &Plan, rows: &[Line], actions: &mut Vec<Action>) {
    ui.horizontal_wrapped(|ui| {
        let tone = |n: usize, t: Pill| if n == 0 { Pill::Neutral } else { t };
        widgets::pill(ui, Pill::Good, &format!("{} in sync", plan.unchanged.len()));
        widgets::pill(
            ui,
            tone(plan.adds.len(), Pill::Warn),
            &format!("{} missing in Statsig", plan.adds.len()),
        );
        widgets::pill(
            ui,
            tone(plan.removes.len(), Pill::Bad),
            &format!("{} extra in Statsig", plan.removes.len()),
        );
        widgets::pill(
            ui,
            tone(plan.skipped.len(), Pill::Warn),
            &format!("{} cannot be pushed", plan.skipped.len()),
        );
    });
    widgets::proportion_bar(
        ui,
        &[
            (plan.unchanged.len(), Pill::Good, "in sync"),
            (plan.adds.len(), Pill::Warn, "missing in Statsig"),
            (plan.removes.len(), Pill::Bad, "extra in Statsig"),
            (plan.skipped.len(), Pill::Neutral, "cannot be pushed"),
        ],
    );
    ui.label(match rows.len() {
        1 => "1 person compared".to_string(),
        n => format!("{n} people compared"),
    });
    ui.add_space(6.0);
    a11y::table(ui, "Comparison", rows.len(), 3, |ui| {
        TableBuilder::new(ui)
            .id_salt("verify")
            .striped(true)
            // Right-clicks reach the row (its context menu), the cells' widgets first; the
            // cells take no focus (the row's Explain… button is the keyboard's way).
            .sense(egui::Sense::CLICK)
            .auto_shrink([false, false])
            .column(
                Column::initial(260.0)
                    .at_least(100.0)
                    .resizable(true)
                    .clip(true),
            )
            .column(
                Column::initial(260.0)
                    .at_least(100.0)
                    .resizable(true)
                    .clip(true),
            )
            .column(Column::remainder().at_least(100.0).clip(true))
            .header(ROW, |mut h| {
                a11y::header(
                    &mut h,
                    &["Okta group member", "Statsig team member", "Difference"],
                )
            })
            .body(|mut body| {
                let a11y_rows = a11y::Rows::new(&mut body, 3, false);
                body.rows(ROW, rows.len(), |mut row| {
                    let (okta, statsig, verdict, pill) = &rows[row.index()];
                    row.col(|ui| {
                        widgets::elided(ui, &names::display_safe(okta));
                    });
                    row.col(|ui| {
                        widgets::elided(ui, &names::display_safe(statsig));
                    });
                    let who = if okta.is_empty() { statsig } else { okta };
                    row.col(|ui| {
                        super::person_row::last_cell(ui, who, actions, |ui| {
                            let c = widgets::pill_color(ui, *pill);
                            ui.add(
                                egui::Label::new(egui::RichText::new(verdict).color(c)).truncate(),
                            );
                        });
                    });
                    super::person_row::menu(&row.response(), who, actions);
                    a11y_rows.row(row.index(), false, &[]);
                });
            });
    });
}
