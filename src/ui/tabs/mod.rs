//! The tabs of the central area, one file each, and the tab strip.

pub mod activity;
pub mod findings;
pub mod health;
pub mod mapping_detail;
pub mod okta_groups;
pub mod person_row;
pub mod pushed;
pub mod stable_rows;
pub mod teams;
pub mod timeline;
pub mod verify;

use crate::model::mapping::MappingStatus;
use crate::ui::action::{Action, Tab};
use crate::ui::view::View;
use egui::Ui;

/// Every tab's own state.
#[derive(Default)]
pub struct Tabs {
    /// Teams.
    pub teams: teams::TeamsTab,
    /// Okta groups.
    pub okta: okta_groups::OktaGroupsTab,
    /// Pushed groups.
    pub pushed: pushed::PushedTab,
    /// Verify.
    pub verify: verify::VerifyTab,
    /// Activity.
    pub activity: activity::ActivityTab,
    /// Health: the findings.
    pub findings: findings::FindingsTab,
}

impl Tabs {
    /// Draws the tab strip.
    pub fn strip(&mut self, ui: &mut Ui, current: Tab, view: &View, actions: &mut Vec<Action>) {
        // Sync health is sampled whichever tab is shown.
        self.pushed.sample_health(ui, view);
        crate::ui::a11y::tabs(ui, "Views", |ui| {
            for tab in Tab::ALL {
                let label = match tab {
                    Tab::Pushed => {
                        let errors = view
                            .mappings
                            .iter()
                            .filter(|m| matches!(m.status, MappingStatus::Error { .. }))
                            .count();
                        if errors > 0 {
                            format!(
                                "{} ({})",
                                tab.label(),
                                crate::model::text::plural(errors, "error")
                            )
                        } else {
                            tab.label().to_string()
                        }
                    }
                    Tab::Health => match self.findings.badge(view) {
                        0 => tab.label().to_string(),
                        n => format!("{} ({n})", tab.label()),
                    },
                    _ => tab.label().to_string(),
                };
                let r = ui.selectable_label(current == tab, label);
                crate::ui::a11y::tab(&r, current == tab);
                if r.clicked() {
                    actions.push(Action::SetTab(tab));
                }
            }
        });
    }

    /// Draws the current tab.
    pub fn show(&mut self, ui: &mut Ui, current: Tab, view: &View, actions: &mut Vec<Action>) {
        ui.separator();
        // Each view's widgets have ids of their own: a control on one tab never takes the
        // id of another's (screen readers keep what they learnt of an id, its role and
        // what it offers, so a reused id reads as an unknown object).
        ui.push_id(current, |ui| match current {
            Tab::Teams => self.teams.show(ui, view, actions),
            Tab::OktaGroups => self.okta.show(ui, view, actions),
            Tab::Pushed => self.pushed.show(ui, view, actions),
            Tab::Verify => self.verify.show(ui, view, actions),
            Tab::Activity => self.activity.show(ui),
            Tab::Health => self.findings.show(ui, view, actions),
        });
    }

    /// Another connection, or a snapshot opened or closed: what the tabs kept of the
    /// previous data (sync health, the order rows were first shown in) starts over.
    pub fn forget_connection(&mut self) {
        self.pushed.forget_connection();
    }

    /// The items arrow keys move through on `tab`, and the one selected.
    pub fn list(&mut self, tab: Tab, view: &View) -> (Vec<String>, Option<String>) {
        match tab {
            Tab::Teams => (
                teams::team_names(view, self.teams.search()),
                view.sel.team.clone(),
            ),
            Tab::OktaGroups => (self.okta.shown_ids(view), view.sel.okta_group.clone()),
            Tab::Pushed => (self.pushed.shown_ids(view), view.sel.mapping.clone()),
            Tab::Verify => (
                view.mappings.iter().map(|m| m.id.clone()).collect(),
                view.sel.mapping.clone(),
            ),
            Tab::Activity | Tab::Health => (Vec::new(), None),
        }
    }
}
