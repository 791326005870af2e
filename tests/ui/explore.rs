//! Temporary.
use crate::support::*;
use okta_statsig_teams::ui::Action;
use okta_statsig_teams::ui::action::Open;
use okta_statsig_teams::ui::dialogs::help::HelpPage;

pub fn save(h: &mut egui_kittest::Harness<'static, okta_statsig_teams::ui::App>, name: &str) {
    h.remove_cursor();
    pass_shield(h);
    let img = h.render().unwrap();
    img.save(format!("/tmp/explore/{name}.png")).unwrap();
}

#[test]
fn explore_dialogs() {
    let mut f = fixture_with(Setup { size: [1024.0, 700.0], mode: okta_statsig_teams::engine::connection::PushModeChoice::Auto, ..Setup::default() });
    let h = &mut f.harness;
    dismiss_messages(h);
    let mapping = h.state().mappings()[0].id.clone();
    let group = h.state().directory().okta_group_by_name("Fraud Squad").unwrap().id.clone();
    let dialogs = [
        ("d-push", Open::Push { okta_group: Some(group.clone()) }),
        ("d-members", Open::Members { group }),
        ("d-unlink", Open::Unlink(mapping.clone())),
        ("d-confirm", Open::ConfirmRemovals(mapping)),
        ("d-settings", Open::Settings),
        ("d-reset", Open::ConfirmResetDemo),
        ("d-about", Open::Help(HelpPage::About)),
        ("d-connect", Open::Connect),
        ("d-profile", Open::NewProfile),
    ];
    for (name, open) in dialogs {
        h.state_mut().perform(Action::Open(open));
        settle(h);
        save(h, name);
        h.key_press(egui::Key::Escape);
        settle(h);
        pass_shield(h);
    }
    click(h, "Verify");
    save(h, "verify");
}
