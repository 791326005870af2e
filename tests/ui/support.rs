//! The one harness factory for UI tests: the real app on an in-process sandbox, each test
//! with its own sandbox, data folder, state folder and keyring; and the helpers that drive
//! it by label.

use egui_kittest::kittest::Queryable;
use egui_kittest::{Harness, SnapshotOptions};
use okta_statsig_teams::engine::connection::PushModeChoice;
use okta_statsig_teams::engine::runner::Target;
use okta_statsig_teams::engine::secrets::{MemoryStore, SecretStore};
use okta_statsig_teams::engine::{Connection, DataDir, Workspace};
use okta_statsig_teams::sandbox::world::World;
use okta_statsig_teams::sandbox::{Sandbox, SandboxConfig};
use okta_statsig_teams::ui::{App, AppOptions};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Everything a UI test needs: a sandbox on its own runtime, and the app on it.
pub struct Fixture {
    pub harness: Harness<'static, App>,
    pub sandbox: Sandbox,
    pub store: Arc<MemoryStore>,
    pub data: tempfile::TempDir,
    pub _state: tempfile::TempDir,
    pub _rt: tokio::runtime::Runtime,
}

/// Work done through the engine before the app starts.
pub type Before = Box<dyn FnOnce(&mut Workspace, &tokio::runtime::Runtime, &Sandbox)>;

/// A change to the sandbox's world before it serves.
pub type EditWorld = Box<dyn FnOnce(&mut World)>;

/// How to set a fixture up.
pub struct Setup {
    /// The window's size.
    pub size: [f32; 2],
    /// Work done on the sandbox through the engine before the app starts.
    pub before: Option<Before>,
    /// Set every time in the mappings to one fixed time before the app reads them.
    pub fixed_times: bool,
    /// Who pushes (Direct push unless a test is about Okta push).
    pub mode: PushModeChoice,
    /// Changes to the sandbox's world before it serves (an extra app, say).
    pub world: Option<EditWorld>,
    /// Start as on a first run with nothing configured: the connect wizard is offered.
    pub offer_connect: bool,
    /// Changes to the sandbox's settings (a slow network, rate limits).
    pub sandbox: Option<EditConfig>,
    /// Connect with an Okta token made without the `okta.logs.read` scope.
    pub no_logs_scope: bool,
    /// The app's own Direct push mappings, saved before the app starts (left from before
    /// the org turned on Okta's Group Push, say).
    pub direct_state: Option<DirectState>,
}

/// The app's own Direct push mappings, made from the sandbox's world.
pub type DirectState = Box<dyn FnOnce(&World) -> okta_statsig_teams::engine::state::State>;

/// A change to the sandbox's settings before it starts.
pub type EditConfig = Box<dyn FnOnce(&mut SandboxConfig)>;

impl Default for Setup {
    fn default() -> Self {
        Setup {
            size: [1280.0, 800.0],
            before: None,
            fixed_times: false,
            mode: PushModeChoice::Direct,
            world: None,
            offer_connect: false,
            sandbox: None,
            no_logs_scope: false,
            direct_state: None,
        }
    }
}

/// In Push Groups: picks Fraud Squad and fills in *Create group* with team `team` in
/// project Checkout (Save is left to the test).
pub fn fill_in_create(h: &mut Harness<'static, App>, team: &str) {
    click(h, "Push groups…");
    type_into(h, "Find Okta group", "Fraud");
    click_containing(h, "Fraud Squad (");
    click(h, "Create group");
    h.get_by_label("Project").click();
    settle(h);
    click(h, "Checkout");
    replace_text(h, "Team name", team);
}

/// The app after Okta group `okta` was linked to Statsig group `statsig` (Direct push,
/// nothing pushed yet).
pub fn linked(okta: &'static str, statsig: &'static str) -> Setup {
    Setup {
        before: Some(Box::new(move |ws, rt, _| {
            let (o, t) = crate::common::pair(ws, okta, statsig);
            rt.block_on(ws.link(&o, &t, false)).unwrap();
        })),
        ..Setup::default()
    }
}

/// Sets every timestamp in the state file to one fixed time, so screenshots of it are
/// the same on every run.
pub fn fix_times(state_dir: &Path) {
    fn walk(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::String(s)
                if s.len() == 24
                    && s.starts_with("20")
                    && s.ends_with('Z')
                    && s.as_bytes()[10] == b'T' =>
            {
                *s = "2026-03-09T12:05:01.000Z".to_string();
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(walk),
            serde_json::Value::Object(o) => o.values_mut().for_each(walk),
            _ => {}
        }
    }
    let path = state_dir.join("state.json");
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    walk(&mut v);
    std::fs::write(&path, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
}

/// A runtime for the sandbox and set-up work.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// The connection to a sandbox, with its projects and domain.
pub fn connection(s: &Sandbox) -> Connection {
    Connection {
        statsig_url: s.statsig_url.clone(),
        statsig_token: s.statsig_token.clone(),
        okta_url: s.okta_url.clone(),
        okta_token: s.okta_token.clone(),
        projects: s.projects(),
        org_domains: vec![s.org_domain()],
        batch_size: 0,
        guard: Default::default(),
        // Direct push: this app pushes over SCIM (Okta push has tests of its own).
        push_mode: okta_statsig_teams::engine::connection::PushModeChoice::Direct,
        ..Default::default()
    }
}

/// The real app, connected to a fresh sandbox, after the first import.
pub fn fixture() -> Fixture {
    fixture_with(Setup::default())
}

/// [`fixture`] with a window size and set-up work.
pub fn fixture_with(setup: Setup) -> Fixture {
    let rt = runtime();
    let mut world = okta_statsig_teams::sandbox::seed::build(&Default::default());
    if let Some(edit) = setup.world {
        edit(&mut world);
    }
    let mut config = SandboxConfig {
        okta_push_delay: Duration::from_millis(100),
        ..SandboxConfig::default()
    };
    if let Some(edit) = setup.sandbox {
        edit(&mut config);
    }
    let sandbox = rt
        .block_on(Sandbox::start_with_world(config, world))
        .unwrap();
    let data = tempfile::tempdir().unwrap();
    let state = tempfile::tempdir().unwrap();
    if let Some(make) = setup.direct_state {
        let mut direct = make(&sandbox.world());
        okta_statsig_teams::engine::state::StateStore::new(state.path().join("state.json"))
            .save(&mut direct)
            .unwrap();
    }
    let mut connection = Connection {
        push_mode: setup.mode,
        ..connection(&sandbox)
    };
    if setup.no_logs_scope {
        connection.okta_token = sandbox.okta_token_without_logs_scope();
    }
    if let Some(before) = setup.before {
        let mut ws = Workspace::open(
            connection.clone(),
            okta_statsig_teams::engine::state::StateStore::new(state.path().join("state.json")),
            Default::default(),
            Arc::new(okta_statsig_teams::net::Silent),
        )
        .unwrap()
        .0;
        rt.block_on(ws.import(|_| {})).unwrap();
        before(&mut ws, &rt, &sandbox);
        drop(ws);
        if setup.fixed_times {
            fix_times(state.path());
        }
    }
    let store = Arc::new(MemoryStore::default());
    let target = Target::Direct {
        connection: Box::new(connection),
        state_dir: state.path().to_path_buf(),
        label: "Demo sandbox".into(),
        demo: true,
    };
    let app_store: Arc<dyn SecretStore> = store.clone();
    let offer_connect = setup.offer_connect;
    let data_dir = DataDir::new(data.path());
    let mut harness = Harness::builder()
        .with_size(setup.size)
        .with_render_cursor(false)
        .build_eframe(move |cc| {
            App::new(
                cc,
                AppOptions {
                    target: Some(target),
                    store: app_store,
                    snapshot: None,
                    data: data_dir,
                    offer_connect,
                },
            )
        });
    wait(&mut harness, "the first import", |a| {
        a.has_data() && a.is_idle()
    });
    Fixture {
        harness,
        sandbox,
        store,
        data,
        _state: state,
        _rt: rt,
    }
}

/// The real app on `connection` (not the demo), its mappings in `state`, its data folder
/// `data` (no first import waited for).
pub fn app_on(connection: Connection, state: &Path, data: DataDir) -> Harness<'static, App> {
    let target = Target::Direct {
        connection: Box::new(connection),
        state_dir: state.to_path_buf(),
        label: "Loopback org".into(),
        demo: false,
    };
    Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| {
            App::new(
                cc,
                AppOptions {
                    target: Some(target),
                    store: Arc::new(MemoryStore::default()),
                    snapshot: None,
                    data,
                    offer_connect: false,
                },
            )
        })
}

/// Steps frames until `done` holds (the engine works on its own thread).
pub fn wait(h: &mut Harness<'static, App>, what: &str, done: impl Fn(&App) -> bool) {
    let start = Instant::now();
    loop {
        h.step();
        if done(h.state()) {
            h.step();
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}; last messages: {:?}",
            h.state()
                .messages()
                .collect::<Vec<_>>()
                .iter()
                .rev()
                .take(3)
                .collect::<Vec<_>>()
        );
        std::thread::sleep(Duration::from_millis(15));
    }
}

/// Steps frames until a widget labelled `label` shows.
pub fn wait_for_label(h: &mut Harness<'static, App>, label: &str) {
    let start = Instant::now();
    while h.query_by_label(label).is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "timed out waiting for \"{label}\"; last messages: {:?}",
            h.state()
                .messages()
                .collect::<Vec<_>>()
                .iter()
                .rev()
                .take(3)
                .collect::<Vec<_>>()
        );
        h.step();
        std::thread::sleep(Duration::from_millis(15));
    }
}

/// Selects the mapping of the Okta group `okta_group`, as a click on its row does.
pub fn select_mapping(h: &mut Harness<'static, App>, okta_group: &str) {
    let id = mapping_id(h, okta_group);
    h.state_mut()
        .perform(okta_statsig_teams::ui::Action::SelectMapping(id));
    settle(h);
}

/// The id of the mapping of the Okta group `okta_group`.
pub fn mapping_id(h: &Harness<'static, App>, okta_group: &str) -> String {
    h.state()
        .mappings()
        .iter()
        .find(|m| m.okta_group_name == okta_group)
        .expect("the mapping exists")
        .id
        .clone()
}

/// Every dialog the window opens by itself (Compare and the file path come from the
/// engine), each by name, in an app with a mapping from Fraud Squad (see [`linked`]).
pub fn every_dialog(
    h: &Harness<'static, App>,
) -> Vec<(&'static str, okta_statsig_teams::ui::action::Open)> {
    use okta_statsig_teams::ui::action::Open;
    use okta_statsig_teams::ui::dialogs::help::HelpPage;
    let mapping = mapping_id(h, "Fraud Squad");
    let group = h
        .state()
        .directory()
        .okta_group_by_name("Fraud Squad")
        .expect("Fraud Squad is in the demo")
        .id
        .clone();
    vec![
        (
            "Push Groups",
            Open::Push {
                okta_group: Some(group.clone()),
            },
        ),
        ("New mapping group", Open::Builder { from_group: None }),
        ("Members", Open::Members { group }),
        ("Unlink", Open::Unlink(mapping.clone())),
        ("Confirm removals", Open::ConfirmRemovals(mapping)),
        ("Settings", Open::Settings),
        ("Reset demo data", Open::ConfirmResetDemo),
        ("Push by rule", Open::Rules),
        ("Help, shortcuts", Open::Help(HelpPage::Shortcuts)),
        ("Help, walkthrough", Open::Help(HelpPage::Walkthrough)),
        ("Help, about", Open::Help(HelpPage::About)),
        ("Connect", Open::Connect),
        ("New profile", Open::NewProfile),
        (
            "Explain",
            Open::Explain(Some(h.state().directory().okta_users[0].email.clone())),
        ),
    ]
}

/// Waits until no job runs and the last message says `starts`.
pub fn wait_message(h: &mut Harness<'static, App>, starts: &str) {
    wait(h, starts, |a| {
        a.is_idle() && a.messages().last().is_some_and(|m| m.starts_with(starts))
    });
}

/// The last message shown.
pub fn last_message(h: &Harness<'static, App>) -> String {
    h.state().messages().last().unwrap_or_default().to_string()
}

/// A few frames: a new dialog is measured in its first frame and shown in the next.
pub fn settle(h: &mut Harness<'static, App>) {
    for _ in 0..3 {
        h.step();
    }
}

/// Enough frames for a dialog's click shield to pass.
pub fn pass_shield(h: &mut Harness<'static, App>) {
    for _ in 0..30 {
        h.step();
    }
}

/// Clicks the widget with exactly this label.
pub fn click(h: &mut Harness<'static, App>, label: &str) {
    h.get_by_label(label).click();
    settle(h);
}

/// Clicks the widget whose label contains this.
pub fn click_containing(h: &mut Harness<'static, App>, label: &str) {
    h.get_by_label_contains(label).click();
    settle(h);
}

/// Types into the field labelled `label`.
pub fn type_into(h: &mut Harness<'static, App>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.step();
    h.get_by_label(label).type_text(text);
    h.step();
    h.step();
}

/// Replaces what the field labelled `label` holds with `text`.
pub fn replace_text(h: &mut Harness<'static, App>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.step();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.step();
    h.get_by_label(label).type_text(text);
    settle(h);
}

/// Hides the messages so a screenshot shows the window alone.
pub fn dismiss_messages(h: &mut Harness<'static, App>) {
    if let Some(b) = h.query_by_label("Dismiss") {
        b.click();
        settle(h);
    }
}

/// Renders the window and compares it with `screenshots/<name>.png` (written when missing
/// or with `UPDATE_SNAPSHOTS=1`). The tolerance absorbs Mesa's anti-aliasing only.
pub fn screenshot(h: &mut Harness<'static, App>, name: &str) {
    dismiss_messages(h);
    h.remove_cursor();
    pass_shield(h);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    let options = SnapshotOptions::new().output_path(dir).threshold(0.6);
    h.snapshot_options(name, &options);
}

/// Tabs until a button labelled one of `labels` has focus, then presses it with Space.
/// False when Tab never reaches one.
pub fn press_by_keyboard(
    h: &mut egui_kittest::Harness<'static, okta_statsig_teams::ui::App>,
    labels: &[&str],
) -> bool {
    use egui_kittest::kittest::NodeT;
    for _ in 0..80 {
        h.key_press(egui::Key::Tab);
        h.step();
        let focused = h
            .root()
            .children_recursive()
            .find(|n| n.is_focused())
            .and_then(|n| n.accesskit_node().label());
        if focused.as_deref().is_some_and(|l| labels.contains(&l)) {
            h.key_press(egui::Key::Space);
            settle(h);
            return true;
        }
    }
    false
}

/// The floating layers (pop-ups, menus, tooltips, messages) drawn under the top dialog:
/// empty when every one is above it, or when no dialog is open. Read from egui's paint
/// order after the last frame.
pub fn popups_under_top_dialog(h: &Harness<'static, App>) -> Vec<String> {
    h.ctx.memory(|m| {
        let Some(dialog) = m.top_modal_layer() else {
            return Vec::new();
        };
        let visible = m.areas().visible_layer_ids();
        m.layer_ids()
            .take_while(|l| *l != dialog)
            .filter(|l| l.order != egui::Order::Background && visible.contains(l))
            .map(|l| format!("{l:?}"))
            .collect()
    })
}

/// Clicks the widget labelled `label` with the press and the release in one frame, as a
/// quick click reaches a busy window (`click` gives each its own frame).
pub fn quick_click(h: &mut Harness<'static, App>, label: &str) {
    let pos = h.get_by_label(label).rect().center();
    h.input_mut().events.push(egui::Event::PointerMoved(pos));
    h.step();
    for pressed in [true, false] {
        h.input_mut().events.push(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::default(),
        });
    }
    settle(h);
}

/// The rows of the text whose words contain `words`, as laid out: each row's rectangle,
/// its characters and where each starts.
pub fn text_rows(h: &Harness<'static, App>, words: &str) -> Vec<(egui::Rect, String, Vec<f32>)> {
    use egui_kittest::kittest::NodeT;
    let text = h
        .root()
        .children_recursive()
        .find(|n| {
            let a = n.accesskit_node();
            a.role() == egui::accesskit::Role::Label && a.value().is_some_and(|v| v.contains(words))
        })
        .unwrap_or_else(|| panic!("a text with \"{words}\" shows"));
    text.children()
        .filter(|n| n.accesskit_node().role() == egui::accesskit::Role::TextRun)
        .map(|n| {
            let a = n.accesskit_node();
            (
                n.rect(),
                a.value().unwrap_or_default(),
                a.data().character_positions().unwrap_or_default().to_vec(),
            )
        })
        .collect()
}

/// Whether the text with `words` (in the body font) is justified: a space between two
/// words on some row wider than the font's space (by more than the pixel each position is
/// rounded to).
pub fn is_justified(h: &Harness<'static, App>, words: &str) -> bool {
    let body = egui::TextStyle::Body.resolve(&h.ctx.global_style());
    let space = h.ctx.fonts_mut(|f| f.glyph_width(&body, ' '));
    text_rows(h, words).iter().any(|(_, text, positions)| {
        let chars: Vec<char> = text.chars().collect();
        (0..chars.len())
            .filter(|&i| chars[i] == ' ' && chars.get(i + 1).is_some_and(|n| !n.is_whitespace()))
            .filter_map(|i| Some(positions.get(i + 1)? - positions.get(i)?))
            .any(|gap| gap > space + 1.5)
    })
}

/// Every widget drawn (buttons, labels, fields, checkboxes, combo boxes), by its label and
/// rectangle: the part of it in sight (a row half scrolled out of its list is cut to what
/// its list shows), and the surface it is drawn on (the window, a dialog, a pop-up), so that
/// what floats above is never counted as drawn over what is below.
pub fn widgets(h: &Harness<'static, App>) -> Vec<(String, egui::Rect)> {
    widgets_on_surfaces(h)
        .into_iter()
        .map(|(label, rect, _)| (label, rect))
        .collect()
}

fn widgets_on_surfaces(h: &Harness<'static, App>) -> Vec<(String, egui::Rect, String)> {
    use egui::accesskit::Role;
    use egui_kittest::kittest::NodeT;
    let ppp = h.ctx.pixels_per_point();
    let rect = |b: egui::accesskit::Rect| {
        egui::Rect::from_min_max(
            egui::pos2(b.x0 as f32 / ppp, b.y0 as f32 / ppp),
            egui::pos2(b.x1 as f32 / ppp, b.y1 as f32 / ppp),
        )
    };
    // A list shows what lies beside its scroll bar: the bar spans what is in sight.
    let bars: Vec<(String, egui::Rect)> = h
        .root()
        .children_recursive()
        .filter_map(|n| {
            let a = n.accesskit_node();
            (a.role() == Role::ScrollBar)
                .then(|| Some((format!("{:?}", a.parent()?.id()), rect(a.bounding_box()?))))
                .flatten()
        })
        .collect();
    h.root()
        .children_recursive()
        .filter_map(|n| {
            let a = n.accesskit_node();
            let leaf = matches!(
                a.role(),
                Role::Button
                    | Role::Label
                    | Role::TextInput
                    | Role::CheckBox
                    | Role::RadioButton
                    | Role::ComboBox
            );
            if !leaf || a.is_hidden() {
                return None;
            }
            let mut r = rect(a.bounding_box()?);
            let mut surface = String::new();
            let mut up = a.parent();
            while let Some(p) = up {
                let id = format!("{:?}", p.id());
                for (_, bar) in bars.iter().filter(|(list, _)| *list == id) {
                    r = if bar.height() > bar.width() {
                        r.intersect(egui::Rect::from_x_y_ranges(r.x_range(), bar.y_range()))
                    } else {
                        r.intersect(egui::Rect::from_x_y_ranges(bar.x_range(), r.y_range()))
                    };
                }
                if surface.is_empty()
                    && matches!(
                        p.role(),
                        Role::Dialog | Role::Menu | Role::ListBox | Role::Tooltip | Role::Window
                    )
                {
                    surface = id;
                }
                up = p.parent();
            }
            (r.is_positive() && r.area() > 1.0).then(|| {
                (
                    a.label().or_else(|| a.value()).unwrap_or_default(),
                    r,
                    surface,
                )
            })
        })
        .collect()
}

/// Pairs of widgets on one surface whose rectangles overlap (neither inside the other),
/// among those wholly inside the window above the status bar (a row cut by the bottom of
/// a scrolled list is hidden by the status bar, not drawn over it). Empty when nothing is
/// drawn over anything.
pub fn overlaps(h: &Harness<'static, App>) -> Vec<String> {
    let size = h.ctx.content_rect();
    let content = egui::Rect::from_min_max(size.min, egui::pos2(size.max.x, size.max.y - 26.0));
    let w: Vec<(String, egui::Rect, String)> = widgets_on_surfaces(h)
        .into_iter()
        .filter(|(_, r, _)| content.contains_rect(*r))
        .collect();
    let mut out = Vec::new();
    for (i, (a, ra, sa)) in w.iter().enumerate() {
        for (b, rb, sb) in &w[i + 1..] {
            let cut = ra.intersect(*rb);
            let nested = ra.contains_rect(*rb) || rb.contains_rect(*ra);
            if sa == sb && cut.is_positive() && cut.area() > 6.0 && !nested {
                out.push(format!("\"{a}\" {ra:?} and \"{b}\" {rb:?}"));
            }
        }
    }
    out
}

/// The smallest window the app is checked at.
pub const SMALL: [f32; 2] = [1024.0, 700.0];

/// Opens `what` as its menu item or button does.
pub fn open_dialog(h: &mut Harness<'static, App>, what: okta_statsig_teams::ui::action::Open) {
    h.state_mut()
        .perform(okta_statsig_teams::ui::Action::Open(what));
    settle(h);
}

/// Closes the top dialog with Escape and waits out its click shield.
pub fn close_dialog(h: &mut Harness<'static, App>) {
    h.key_press(egui::Key::Escape);
    settle(h);
    pass_shield(h);
}

/// The real app in the smallest window it is checked at.
pub fn small_window() -> Fixture {
    fixture_with(Setup {
        size: SMALL,
        ..Setup::default()
    })
}

/// In Okta push, from Pushed groups: Push groups…, Okta Test Team, *Link group* to its
/// team's Member group (Save is left to the test).
pub fn pick_okta_test_link(h: &mut Harness<'static, App>) {
    wait_for_label(h, "Okta push via \"Statsig SCIM\"");
    click_containing(h, "Pushed groups");
    click(h, "Push groups…");
    type_into(h, "Find Okta group", "Okta Test");
    click_containing(h, "Okta Test Team (");
    type_into(h, "Find team group", "Okta Test");
    click(h, "Statsig-Okta Test Proj-Test Team-Member");
}
