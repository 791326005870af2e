//! Steps through the window's dialogs: every dialog opened, checked and closed; Push
//! Groups' Link and Create, saved only as the admin would (from the plan shown); Save
//! pressed early; a profile switched and back.

use crate::invariants;
use crate::run::Walk;
use crate::run::{close_dialog, pass_shield};
use crate::support::{self, click, replace_text, settle, type_into};
use egui_kittest::kittest::{NodeT, Queryable};
use okta_statsig_teams::engine::runner::Command;
use okta_statsig_teams::ui::Action;
use okta_statsig_teams::ui::action::{HelpPage, Open};

/// The team names Create tries (a repeat tries a name that is taken).
const TEAMS: [&str; 4] = ["Walk Alpha", "Walk Beta", "Ledger Ops", "Walk Alpha"];

/// Opens the n-th dialog the window can show now, checks its pop-ups and layout, closes it.
pub fn open_and_close(w: &mut Walk, n: u8) -> Result<(), String> {
    let d = w.h.state().directory().clone();
    let group = d
        .okta_groups
        .iter()
        .find(|g| g.kind != "APP_GROUP")
        .map(|g| g.id.clone());
    let mut all = vec![
        (
            "Push Groups",
            Open::Push {
                okta_group: group.clone(),
            },
        ),
        ("New mapping group", Open::Builder { from_group: None }),
        ("Settings", Open::Settings),
        ("Push by rule", Open::Rules),
        ("Help, shortcuts", Open::Help(HelpPage::Shortcuts)),
        ("Help, walkthrough", Open::Help(HelpPage::Walkthrough)),
        ("Help, about", Open::Help(HelpPage::About)),
        ("New profile", Open::NewProfile),
    ];
    if let Some(g) = group {
        all.push(("Members", Open::Members { group: g }));
    }
    if let Some(m) = w.h.state().mappings().first() {
        all.push(("Unlink", Open::Unlink(m.id.clone())));
        all.push(("Confirm removals", Open::ConfirmRemovals(m.id.clone())));
    }
    let (name, open) = all.swap_remove(n as usize % all.len());
    support::open_dialog(&mut w.h, open);
    pass_shield(&mut w.h);
    let out = invariants::window(&w.h).map_err(|e| format!("in {name}: {e}"));
    close_dialog(&mut w.h);
    out
}

/// Whether the plan of a pair shows in Push Groups' preview.
fn plan_shown(w: &Walk) -> bool {
    w.h.query_by_label_contains(" to add").is_some()
        || w.h.query_by_label_contains("Okta will add").is_some()
}

/// Save is enabled only when a plan shows: what the admin saves is what they saw.
pub fn save_only_from_a_plan(w: &Walk) -> Result<bool, String> {
    let enabled = |label: &str| {
        w.h.query_by_label(label)
            .is_some_and(|b| !b.accesskit_node().is_disabled())
    };
    let save = enabled("Save");
    if (save || enabled("Save & Add Another")) && !plan_shown(w) {
        return Err("Push Groups' Save is enabled while its preview shows no plan".into());
    }
    Ok(save)
}

/// Saves Push Groups when it may, typing the team's name past the guard when `confirm`:
/// the Okta group may then be mapped. Otherwise closes it.
fn save_or_close(
    w: &mut Walk,
    okta: &str,
    target: Option<&str>,
    confirm: bool,
) -> Result<(), String> {
    settle(&mut w.h);
    let mut confirmed = false;
    let field =
        w.h.query_all_by_label_contains("to allow the removals")
            .filter_map(|n| n.accesskit_node().label())
            .find(|l| l.starts_with("Type the team name, "));
    if let (Some(field), true) = (field, confirm) {
        let word = field
            .trim_start_matches("Type the team name, ")
            .trim_end_matches(", to allow the removals")
            .to_string();
        type_into(&mut w.h, &field, &word);
        settle(&mut w.h);
        confirmed = true;
    }
    if save_only_from_a_plan(w)? {
        w.ledger.may_map.insert(okta.to_string());
        if let (Some(t), true) = (target, confirmed) {
            w.ledger.confirmed.insert(t.to_string());
        }
        if let Some(t) = target {
            // Saved from a plan that shows Statsig's members: the admin chose.
            w.ledger.settle(t);
        }
        click(&mut w.h, "Save");
        settle(&mut w.h);
        w.idle("a save");
        if w.h.state().has_dialog() {
            close_dialog(&mut w.h);
        }
    } else {
        close_dialog(&mut w.h);
    }
    Ok(())
}

/// Push Groups → Link group: `okta` to team group `target`.
pub fn link(
    w: &mut Walk,
    okta: &(String, String),
    target: &(String, String),
    confirm: bool,
) -> Result<(), String> {
    support::open_dialog(
        &mut w.h,
        Open::Push {
            okta_group: Some(okta.0.clone()),
        },
    );
    pass_shield(&mut w.h);
    save_only_from_a_plan(w)?;
    if w.h.query_by_label("Find team group").is_none() {
        close_dialog(&mut w.h);
        return Ok(());
    }
    replace_text(&mut w.h, "Find team group", &target.1);
    let clicked = match w
        .h
        .query_all_by_label(&target.1)
        .find(|n| !n.accesskit_node().is_disabled())
    {
        Some(row) => {
            row.click();
            true
        }
        None => false,
    };
    match clicked {
        true => settle(&mut w.h),
        false => {
            save_only_from_a_plan(w)?;
            close_dialog(&mut w.h);
            return Ok(());
        }
    }
    save_or_close(w, &okta.0, Some(&target.0), confirm)
}

/// Push Groups → Create group: a team for `okta` in a project, checking the project list's
/// pop-up is above the dialog.
pub fn create(w: &mut Walk, okta: &(String, String), team: u8) -> Result<(), String> {
    support::open_dialog(
        &mut w.h,
        Open::Push {
            okta_group: Some(okta.0.clone()),
        },
    );
    pass_shield(&mut w.h);
    click(&mut w.h, "Create group");
    let projects = w.h.state().directory().projects.clone();
    if projects.is_empty() {
        close_dialog(&mut w.h);
        return Ok(());
    }
    let project = projects[team as usize % projects.len()].clone();
    w.h.get_by_label("Project").click();
    settle(&mut w.h);
    let under = support::popups_under_top_dialog(&w.h);
    if !under.is_empty() {
        return Err(format!(
            "the Project list opened under Push Groups: {under:?}"
        ));
    }
    if let Some(row) = w.h.query_all_by_label(&project).last() {
        row.click();
    }
    settle(&mut w.h);
    replace_text(&mut w.h, "Team name", TEAMS[team as usize % TEAMS.len()]);
    save_or_close(w, &okta.0, None, false)
}

/// Push Groups: a group picked and Save looked at before its plan could show.
pub fn eager_save(w: &mut Walk, okta: &(String, String)) -> Result<(), String> {
    w.h.state_mut().perform(Action::Open(Open::Push {
        okta_group: Some(okta.0.clone()),
    }));
    for _ in 0..4 {
        w.h.step();
        save_only_from_a_plan(w)?;
    }
    close_dialog(&mut w.h);
    Ok(())
}

/// Switches to another profile and back: the first one shows its org again.
pub fn switch_profile(w: &mut Walk) -> Result<(), String> {
    let home = w.h.state().profile().to_string();
    let create = !w.h.state().profiles().iter().any(|p| p == "Walk other");
    w.h.state_mut()
        .perform(Action::Send(Command::SwitchProfile {
            name: "Walk other".into(),
            create,
        }));
    settle(&mut w.h);
    w.idle("switching profile");
    if w.h.state().has_dialog() {
        close_dialog(&mut w.h);
    }
    w.h.state_mut()
        .perform(Action::Send(Command::SwitchProfile {
            name: home.clone(),
            create: false,
        }));
    settle(&mut w.h);
    w.idle("switching back");
    support::wait(&mut w.h, "the profile's data", |a| {
        a.has_data() && a.is_idle()
    });
    if w.h.state().profile() != home {
        return Err(format!(
            "switching back to {home} shows {}",
            w.h.state().profile()
        ));
    }
    Ok(())
}
