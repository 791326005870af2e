//! One sequence run against a fresh sandbox and app, and the loop over seeds: a failure
//! is shrunk to the shortest sequence that still fails and reported with its seed.

use crate::Plan;
use crate::invariants;
use crate::ledger::{Edit, Ledger};
use crate::steps::{self, FaultKind, Server, Step};
use crate::support::{self, runtime, settle, wait};
use egui_kittest::Harness;
use okta_statsig_teams::engine::DataDir;
use okta_statsig_teams::engine::backend::Unlink;
use okta_statsig_teams::engine::connection::PushModeChoice;
use okta_statsig_teams::engine::runner::{Command, Target};
use okta_statsig_teams::engine::secrets::MemoryStore;
use okta_statsig_teams::model::mapping::DriftChoice;
use okta_statsig_teams::sandbox::faults::OneOff;
use okta_statsig_teams::sandbox::{Sandbox, SandboxConfig};
use okta_statsig_teams::ui::{Action, App, AppOptions};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The app on its own sandbox, and what the walk knows.
pub struct Walk {
    pub h: Harness<'static, App>,
    pub sandbox: Sandbox,
    pub rt: tokio::runtime::Runtime,
    pub data: tempfile::TempDir,
    pub _state: tempfile::TempDir,
    pub ledger: Ledger,
    pub okta_push: bool,
}

/// A broken promise: after which step, and what.
#[derive(Debug)]
pub struct Failure {
    pub step: usize,
    pub what: String,
}

/// Runs `plan.cases` sequences in `mode`, `plan.threads` at a time (each on its own
/// sandbox, app and folders); panics with the seed and the shortest failing sequence when
/// one breaks a promise (the lowest failing seed, so a failure replays the same way).
pub fn walk(mode: PushModeChoice, plan: &Plan) {
    let okta_push = mode == PushModeChoice::Okta;
    let name = if okta_push {
        "Okta push"
    } else {
        "Direct push"
    };
    let start = Instant::now();
    let next = AtomicU64::new(0);
    let first: Mutex<Option<(u64, Vec<Step>, Failure)>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..plan.threads.max(1) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let failed_before = |seed: u64| {
                        first
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .as_ref()
                            .is_some_and(|(s, ..)| *s < seed)
                    };
                    let seed = plan.seed.wrapping_add(i);
                    if i >= plan.cases || failed_before(seed) {
                        return;
                    }
                    let seq = steps::generate(seed, plan.steps, okta_push);
                    if let Err(f) = run_sequence(mode, &seq) {
                        eprintln!(
                            "random walk ({name}): seed {seed} failed after step {}: {}",
                            f.step, f.what
                        );
                        let mut g = first.lock().unwrap_or_else(|p| p.into_inner());
                        if g.as_ref().is_none_or(|(s, ..)| seed < *s) {
                            *g = Some((seed, seq, f));
                        }
                    }
                }
            });
        }
    });
    if let Some((seed, seq, f)) = first.into_inner().unwrap_or_else(|p| p.into_inner()) {
        eprintln!("random walk ({name}): shrinking seed {seed}…");
        let short = crate::shrink::shrink(&seq[..=f.step.min(seq.len() - 1)], 60, |s| {
            run_sequence(mode, s).is_err()
        });
        let last = run_sequence(mode, &short).err();
        let listing: Vec<String> = short
            .iter()
            .enumerate()
            .map(|(i, s)| format!("  {i:>2}. {s:?}"))
            .collect();
        panic!(
            "random walk ({name}) broke a promise.\n  seed: {seed}  (replay: RANDOM_WALK_SEED={seed} RANDOM_WALK_MODES={} scripts/random-walk.sh)\n  first failure after step {}: {}\n  shortest sequence that still fails ({} steps):\n{}\n  its failure: {}",
            if okta_push { "okta" } else { "direct" },
            f.step,
            f.what,
            short.len(),
            listing.join("\n"),
            last.map(|f| format!("after step {}: {}", f.step, f.what))
                .unwrap_or_else(|| "(passed when run again: timing-dependent)".into()),
        );
    }
    crate::profile::print();
    eprintln!(
        "random walk ({name}): {} sequences of {} steps passed in {:.1} s ({} at a time)",
        plan.cases,
        plan.steps,
        start.elapsed().as_secs_f64(),
        plan.threads.max(1)
    );
}

/// Runs one sequence on a fresh sandbox and app, checking every promise after each step.
pub fn run_sequence(mode: PushModeChoice, seq: &[Step]) -> Result<(), Failure> {
    let at = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let dog = crate::watchdog::Watchdog::start(seq.to_vec(), at.clone());
    let outcome = catch_unwind(AssertUnwindSafe(|| -> Result<(), Failure> {
        let t = Instant::now();
        let first_cancelled = matches!(seq.first(), Some(Step::CancelFirstImport(_)));
        let mut w = Walk::start(mode, !first_cancelled);
        crate::profile::record_start(t.elapsed());
        invariants::check(&mut w, None).map_err(|what| Failure {
            step: 0,
            what: format!("before any step: {what}"),
        })?;
        for (i, s) in seq.iter().enumerate() {
            at.store(i, std::sync::atomic::Ordering::Relaxed);
            dog.beat();
            let t = Instant::now();
            w.step(s).map_err(|what| Failure { step: i, what })?;
            let t2 = Instant::now();
            invariants::check(&mut w, Some(s)).map_err(|what| Failure { step: i, what })?;
            crate::profile::record(s, t2 - t, t2.elapsed());
        }
        Ok(())
    }));
    dog.stop();
    match outcome {
        Ok(r) => r,
        Err(panic) => Err(Failure {
            step: at.load(std::sync::atomic::Ordering::Relaxed),
            what: format!(
                "panicked: {}",
                panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default()
                    .chars()
                    .take(700)
                    .collect::<String>()
            ),
        }),
    }
}

/// Frames enough for the click shield after a dialog closes (0.4 s at kittest's 0.25 s a
/// frame).
pub fn pass_shield(h: &mut Harness<'static, App>) {
    for _ in 0..3 {
        h.step();
    }
}

/// Closes the top dialog with Escape and waits out its click shield.
pub fn close_dialog(h: &mut Harness<'static, App>) {
    h.key_press(egui::Key::Escape);
    settle(h);
    pass_shield(h);
}

impl Walk {
    /// A fresh sandbox and the app on it at 1024x700, after its first import.
    pub fn start(mode: PushModeChoice, first_import: bool) -> Walk {
        let rt = runtime();
        let config = SandboxConfig {
            // Long enough for a step or two to see what Okta has not pushed yet.
            okta_push_delay: Duration::from_millis(400),
            ..SandboxConfig::default()
        };
        let sandbox = rt.block_on(Sandbox::start(config)).unwrap();
        let data = tempfile::tempdir().unwrap();
        let state = tempfile::tempdir().unwrap();
        let connection = okta_statsig_teams::engine::Connection {
            push_mode: mode,
            ..support::connection(&sandbox)
        };
        let target = Target::Direct {
            connection: Box::new(connection),
            state_dir: state.path().to_path_buf(),
            label: "Walk sandbox".into(),
            demo: false,
        };
        let data_dir = DataDir::new(data.path());
        let mut h = Harness::builder()
            .with_size(support::SMALL)
            .with_render_cursor(false)
            .build_eframe(move |cc| {
                App::new(
                    cc,
                    AppOptions {
                        target: Some(target),
                        store: Arc::new(MemoryStore::default()),
                        snapshot: None,
                        data: data_dir,
                        offer_connect: false,
                    },
                )
            });
        if first_import {
            wait(&mut h, "the first import", |a| a.has_data() && a.is_idle());
        }
        let ledger = Ledger {
            may_map: h
                .state()
                .mappings()
                .iter()
                .map(|m| m.okta_group_id.clone())
                .collect(),
            ..Ledger::default()
        };
        let mut w = Walk {
            h,
            sandbox,
            rt,
            data,
            _state: state,
            ledger,
            okta_push: mode == PushModeChoice::Okta,
        };
        // The org's own mappings, made in Okta's console before the app came.
        let seeded: Vec<String> = w
            .sandbox
            .world()
            .push_mappings
            .values()
            .map(|m| m.source_group_id.clone())
            .collect();
        w.ledger.may_map.extend(seeded);
        w.ledger.members = invariants::statsig_members(&w.sandbox);
        w
    }

    /// Waits until no job runs.
    pub fn idle(&mut self, what: &str) {
        wait(&mut self.h, what, |a| a.is_idle());
    }

    fn send(&mut self, command: Command, what: &str) {
        self.h.state_mut().perform(Action::Send(command));
        settle(&mut self.h);
        self.idle(what);
    }

    /// The n-th mapping (by id), if any.
    fn mapping(&self, n: u8) -> Option<okta_statsig_teams::model::mapping::Mapping> {
        let mut all = self.h.state().mappings().to_vec();
        all.sort_by(|a, b| a.id.cmp(&b.id));
        (!all.is_empty()).then(|| all[n as usize % all.len()].clone())
    }

    /// The n-th Okta group a mapping may be made from (app groups never are), by name.
    fn okta_group(&self, n: u8) -> Option<(String, String)> {
        let d = self.h.state().directory();
        let mut all: Vec<(String, String)> = d
            .okta_groups
            .iter()
            .filter(|g| g.kind != "APP_GROUP")
            .map(|g| (g.id.clone(), g.name.clone()))
            .collect();
        all.sort_by(|a, b| a.1.cmp(&b.1));
        (!all.is_empty()).then(|| all[n as usize % all.len()].clone())
    }

    /// The n-th team group in Statsig, by name: (SCIM id, name).
    fn team_group(&self, n: u8) -> Option<(String, String)> {
        let d = self.h.state().directory();
        let mut all: Vec<(String, String)> = d
            .statsig_groups
            .iter()
            .filter(|g| g.display_name.starts_with("Statsig-"))
            .map(|g| (g.id.clone(), g.display_name.clone()))
            .collect();
        all.sort_by(|a, b| a.1.cmp(&b.1));
        (!all.is_empty()).then(|| all[n as usize % all.len()].clone())
    }

    /// Does one step. `Err` is a broken promise seen while doing it.
    pub fn step(&mut self, s: &Step) -> Result<(), String> {
        match s {
            Step::Refresh => self.send(Command::Import, "a refresh"),
            Step::CancelFirstImport(frames) => {
                for _ in 0..*frames {
                    self.h.step();
                    std::thread::sleep(Duration::from_millis(2));
                }
                self.h.state_mut().perform(Action::Cancel);
                settle(&mut self.h);
                self.idle("a cancelled first import");
            }
            Step::CancelRefresh(frames) => {
                self.h.state_mut().perform(Action::Send(Command::Import));
                for _ in 0..*frames {
                    self.h.step();
                }
                self.h.state_mut().perform(Action::Cancel);
                settle(&mut self.h);
                self.idle("a cancelled refresh");
            }
            Step::CheckNow => self.send(Command::WatchNow, "Check now"),
            Step::RetryAll => self.send(Command::RetryAll, "Retry all"),
            Step::Dialog(n) => return crate::dialogs::open_and_close(self, *n),
            Step::LookAtGroup(n) => {
                if let Some((id, _)) = self.okta_group(*n) {
                    self.h.state_mut().perform(Action::SetTab(
                        okta_statsig_teams::ui::action::Tab::OktaGroups,
                    ));
                    self.h.state_mut().perform(Action::SelectOktaGroup(id));
                    settle(&mut self.h);
                }
            }
            Step::Link {
                group,
                target,
                confirm,
            } => {
                let (Some(g), Some(t)) = (self.okta_group(*group), self.team_group(*target)) else {
                    return Ok(());
                };
                return crate::dialogs::link(self, &g, &t, *confirm);
            }
            Step::Create { group, team } => {
                let Some(g) = self.okta_group(*group) else {
                    return Ok(());
                };
                return crate::dialogs::create(self, &g, *team);
            }
            Step::EagerSave { group } => {
                let Some(g) = self.okta_group(*group) else {
                    return Ok(());
                };
                return crate::dialogs::eager_save(self, &g);
            }
            Step::Deactivate(n) | Step::Activate(n) => {
                if let Some(m) = self.mapping(*n) {
                    let active = matches!(s, Step::Activate(_));
                    self.send(
                        Command::SetActive {
                            mapping_id: m.id,
                            active,
                            allowed_removals: 0,
                        },
                        "activate or deactivate",
                    );
                }
            }
            Step::PushNow(n) => {
                if let Some(m) = self.mapping(*n) {
                    self.send(
                        Command::Push {
                            mapping_id: m.id,
                            allowed_removals: 0,
                        },
                        "Push now",
                    );
                }
            }
            Step::Unlink { mapping, delete } => self.unlink(*mapping, *delete),
            Step::Resolve { mapping, overwrite } => self.resolve(*mapping, *overwrite),
            Step::ExportAndCompare => return crate::review::export_and_compare(self),
            Step::CompareLater => return crate::review::compare_later(self),
            Step::SwitchProfile => return crate::dialogs::switch_profile(self),
            Step::Fault { server, kind } => self.fault(*server, *kind),
            Step::ConsoleMapping { group, target } => {
                return crate::servers::console_mapping(self, *group, *target);
            }
            Step::DeleteTarget(n) => {
                if let Some(m) = self.mapping(*n) {
                    crate::servers::delete_group(self, &m.statsig_group_id);
                }
            }
            Step::EditInStatsig { mapping, user, add } => {
                if let Some(m) = self.mapping(*mapping) {
                    crate::servers::edit_member(self, &m.statsig_group_id, *user, *add);
                }
            }
        }
        Ok(())
    }

    /// Unlinks the walk's `mapping`th mapping, with Delete or Leave.
    fn unlink(&mut self, mapping: u8, delete: bool) {
        if let Some(m) = self.mapping(mapping) {
            let how = if delete {
                Unlink::Delete
            } else {
                Unlink::Leave
            };
            let confirmation = if delete {
                okta_statsig_teams::model::rules::confirmation_word(
                    self.h.state().directory(),
                    &m.statsig_group_id,
                    &m.statsig_group_name,
                )
            } else {
                String::new()
            };
            self.send(
                Command::Unlink {
                    mapping_id: m.id,
                    how,
                    confirmation,
                },
                "unlink",
            );
            if delete {
                self.ledger.settle(&m.statsig_group_id);
                self.ledger.confirmed.insert(m.statsig_group_id);
            }
        }
    }

    /// Settles the drift of the walk's `mapping`th mapping, if it has one.
    fn resolve(&mut self, mapping: u8, overwrite: bool) {
        if let Some(m) = self.mapping(mapping).filter(|m| m.drift.is_some()) {
            let choice = if overwrite {
                DriftChoice::Overwrite
            } else {
                DriftChoice::Adopt
            };
            self.send(
                Command::ResolveDrift {
                    mapping_id: m.id.clone(),
                    choice,
                },
                "settling drift",
            );
            // The admin chose: the edits are the app's to act on now.
            self.ledger.settle(&m.statsig_group_id);
            self.ledger.confirmed.insert(m.statsig_group_id);
        }
    }

    /// Has `server` answer its next requests with `kind`.
    fn fault(&self, server: Server, kind: FaultKind) {
        let injector = match server {
            Server::Okta => &self.sandbox.okta_faults,
            Server::Statsig => &self.sandbox.scim_faults,
        };
        let answer = match kind {
            FaultKind::TooMany => OneOff::TooMany,
            FaultKind::ServerError => OneOff::ServerError,
            FaultKind::Unavailable => OneOff::Unavailable,
            FaultKind::Slow => OneOff::Late(Duration::from_millis(400)),
        };
        injector.answer_next("*", "/", answer, 2);
    }

    /// Records a member edited directly in Statsig.
    pub fn edited(&mut self, group: &str, user: &str, added: bool) {
        self.ledger
            .drift
            .retain(|e| !(e.group == group && e.user == user));
        self.ledger.drift.push(Edit {
            group: group.into(),
            user: user.into(),
            added,
        });
    }
}
