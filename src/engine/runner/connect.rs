//! Connecting: the demo, a saved connection, or one made for tests; and the settings
//! steps (save, test, forget tokens). Tokens come from the environment or the keyring.

use super::{ConnectionInfo, Event, Runner, Target};
use crate::engine::config::Settings;
use crate::engine::connection::{Connection, PushModeChoice};
use crate::engine::demo::Demo;
use crate::engine::error::{EngineError, Result, refused};
use crate::engine::paths::{DEFAULT_PROFILE, ProfileLockError};
use crate::engine::secrets::{self, SecretStore};
use crate::engine::state::StateStore;
use crate::engine::workspace::Workspace;
use crate::engine::workspace::cache::CacheLoad;
use crate::model::secret::Secret;
use crate::model::token::{self, TokenFor};
use crate::net::{ApiError, RetryPolicy, Service};
use std::time::Duration;

impl Runner {
    /// A token: the one typed, else the environment's, else the keyring's, else (without
    /// a keyring) the one typed earlier in this run. Its scheme (`Bearer `, `SSWS `) is
    /// taken off and said in `notes`; the other service's token is refused here, before
    /// any request.
    fn token(
        &self,
        typed: Option<Secret>,
        service: Service,
        url: &str,
        notes: &mut Vec<String>,
    ) -> Result<Secret> {
        let (env, name, kind) = match service {
            Service::Statsig => (secrets::STATSIG_ENV, "statsig", TokenFor::Statsig),
            Service::Okta => (secrets::OKTA_ENV, "okta", TokenFor::Okta),
        };
        let account = self.data.account(name, url);
        let (raw, what) = if let Some(s) = typed.filter(|s| !s.is_empty()) {
            (s, format!("The {}", kind.name()))
        } else if let Some(v) = secrets::from_env(env) {
            (Secret::new(v), env.to_string())
        } else {
            match self.store.get(&account) {
                Ok(Some(s)) => (s, format!("The stored {}", kind.name())),
                Ok(None) => match self.this_run.get(&account)? {
                    Some(s) => (s, format!("The {}", kind.name())),
                    None => {
                        return Err(refused(format!(
                            "No {service} token is stored for {url}; enter it in Settings."
                        )));
                    }
                },
                Err(e) if e.is_unavailable() => match self.this_run.get(&account)? {
                    Some(s) => (s, format!("The {}", kind.name())),
                    None => {
                        return Err(refused(format!(
                            "{e} Set {env} (start the app as `{}`).",
                            secrets::start_with_env(self.named_profile())
                        )));
                    }
                },
                Err(e) => return Err(e.into()),
            }
        };
        let clean = token::clean(kind, raw.expose(), &what).map_err(|e| refused(e.0))?;
        notes.extend(clean.note(&what));
        Ok(clean.token)
    }

    /// The connection `settings` describe, with tokens, and what was taken off the way (a
    /// token's scheme, an Okta URL's path). In Okta push the Statsig token is optional:
    /// Okta pushes, and Statsig is only read for previews and verify.
    fn resolve(
        &self,
        settings: &Settings,
        statsig: Option<Secret>,
        okta: Option<Secret>,
    ) -> Result<(Connection, Vec<String>)> {
        let mut notes = Vec::new();
        let settings = self.org_url(settings, &mut notes)?;
        let statsig_token =
            match self.token(statsig, Service::Statsig, &settings.statsig_url, &mut notes) {
                Ok(t) => t,
                Err(_) if settings.push_mode == PushModeChoice::Okta => Secret::default(),
                Err(e) => return Err(e),
            };
        let okta_token = self.token(okta, Service::Okta, &settings.okta_url, &mut notes)?;
        Ok((settings.connection(statsig_token, okta_token), notes))
    }

    /// `settings` with the Okta org URL's origin (a URL copied from the browser has a
    /// path; Okta org URLs have none), and a note when something was left out.
    fn org_url(&self, settings: &Settings, notes: &mut Vec<String>) -> Result<Settings> {
        let (okta_url, note) = crate::net::okta_org_url(&settings.okta_url).map_err(|problem| {
            EngineError::Api(ApiError::Url {
                service: Service::Okta,
                problem,
            })
        })?;
        notes.extend(note);
        Ok(Settings {
            okta_url,
            ..settings.clone()
        })
    }

    /// Leaves the current connection: nothing of it stays on screen.
    fn disconnect(&mut self) {
        self.ws = None;
        self.saved = None;
        if let Some(demo) = self.demo.take() {
            demo.persist_if_changed();
        }
        self.snapshot = None;
        self.watching = None;
        self.published = super::Published::default();
        self.send(Event::Connecting);
        self.send(Event::Watching(false));
    }

    /// Holds the profile for this window before it connects. Another window holding it
    /// is said (the app offers the other profiles) and nothing connects; a lock that cannot
    /// be taken at all is a warning, and the window goes on.
    fn hold_profile(&mut self) -> Result<()> {
        if self.held_lock().is_some() {
            return Ok(());
        }
        match self.data.lock() {
            Ok(lock) => *self.held_lock() = Some(lock),
            Err(e @ ProfileLockError::InUse(_)) => {
                self.send(Event::ProfileInUse(self.data.profile().to_string()));
                return Err(refused(e.to_string()));
            }
            Err(e) => self.send(Event::Warning(e.to_string())),
        }
        Ok(())
    }

    fn held_lock(&self) -> std::sync::MutexGuard<'_, Option<crate::engine::paths::ProfileLock>> {
        self.held.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Connects to `target`, then imports.
    pub(super) async fn connect(&mut self, target: Target) -> Result<String> {
        self.hold_profile()?;
        self.disconnect();
        let profile = self.data.profile().to_string();
        match &target {
            Target::Flags(_) | Target::Direct { .. } => {
                self.this_run_targets.insert(profile, target.clone());
            }
            Target::Demo { .. } | Target::Saved(_) => {
                self.this_run_targets.remove(&profile);
            }
        }
        let mut notes = Vec::new();
        let (conn, store, label, demo) = match target {
            Target::Demo { reset } => {
                let demo = Demo::start(&self.data, reset).await.map_err(|e| {
                    EngineError::Failed(format!("The demo sandbox could not start: {e}"))
                })?;
                let r = (
                    demo.connection(),
                    demo.state_store(),
                    "Demo sandbox".to_string(),
                    true,
                );
                self.demo = Some(demo);
                r
            }
            Target::Saved(settings) => {
                let (conn, n) = self.resolve(&settings, None, None)?;
                notes = n;
                let label = conn.label();
                self.saved = Some(*settings);
                (conn, StateStore::new(self.data.state_file()), label, false)
            }
            Target::Flags(settings) => {
                // For this run: Settings shows it, and saves it only when the admin does.
                let (conn, n) = self.resolve(&settings, None, None)?;
                notes = n;
                let label = conn.label();
                self.send(Event::Settings(Box::new(Settings {
                    okta_url: conn.okta_url.clone(),
                    ..*settings
                })));
                (conn, StateStore::new(self.data.state_file()), label, false)
            }
            Target::Direct {
                connection,
                state_dir,
                label,
                demo,
            } => (
                *connection,
                StateStore::new(state_dir.join("state.json")),
                label,
                demo,
            ),
        };
        let info = ConnectionInfo {
            label: label.clone(),
            demo,
            statsig_url: conn.statsig_url.clone(),
            okta_url: conn.okta_url.clone(),
            guard: conn.guard,
        };
        let (ws, warning) = Workspace::open_with(
            conn,
            store,
            RetryPolicy::default(),
            self.observer(),
            self.cancel.clone(),
        )?;
        self.send(Event::Connected(info));
        if let Some(w) = warning {
            self.send(Event::Warning(w));
        }
        let mut ws = ws;
        if !demo {
            // A real org: show the directory as last read at once, then read what changed.
            ws.keep_cache(true);
            if let CacheLoad::MovedAside(why) = ws.load_cache() {
                self.send(Event::Warning(why));
            }
        }
        self.ws = Some(ws);
        self.publish();
        let imported = self.import().await?;
        Ok(with_notes(
            format!("Connected to {label}. {imported}"),
            &notes,
        ))
    }

    /// Saves settings and tokens (tokens to the keyring only), then connects; with
    /// `test_first`, only once both endpoints answered with them. Without an OS keyring
    /// the settings are saved without the tokens: this run uses the tokens typed (or the
    /// environment's), and the outcome says how to start the app with them next time.
    pub(super) async fn save_settings(
        &mut self,
        settings: Settings,
        statsig_token: Option<Secret>,
        okta_token: Option<Secret>,
        test_first: bool,
    ) -> Result<String> {
        let url_error = |service, problem| EngineError::Api(ApiError::Url { service, problem });
        crate::net::check_statsig_url(&settings.statsig_url)
            .map_err(|p| url_error(Service::Statsig, p))?;
        let mut notes = Vec::new();
        let settings = self.org_url(&settings, &mut notes)?;
        // Typed tokens as they will be sent and kept: without their scheme, and refused
        // when they are the other service's.
        let typed = |t: Option<Secret>, kind: TokenFor| -> Result<Option<Secret>> {
            match t.filter(|t| !t.is_empty()) {
                None => Ok(None),
                Some(t) => {
                    let what = format!("The {}", kind.name());
                    let c = token::clean(kind, t.expose(), &what).map_err(|e| refused(e.0))?;
                    Ok(Some(c.token))
                }
            }
        };
        let statsig_token = typed(statsig_token, TokenFor::Statsig)?;
        let okta_token = typed(okta_token, TokenFor::Okta)?;
        if test_first {
            self.test_connection(&settings, statsig_token.clone(), okta_token.clone())
                .await?;
        }
        let mut no_keyring = None;
        for (service, url, token) in [
            ("statsig", &settings.statsig_url, &statsig_token),
            ("okta", &settings.okta_url, &okta_token),
        ] {
            let Some(t) = token.as_ref() else { continue };
            let account = self.data.account(service, url);
            match self.store.set(&account, t) {
                Ok(()) => {}
                Err(e) if e.is_unavailable() => {
                    self.this_run.set(&account, t)?;
                    no_keyring = Some(e);
                }
                Err(e) => return Err(e.into()),
            }
        }
        // No token typed: the stored ones stay, and the message says where they are.
        if statsig_token.is_none() && okta_token.is_none() {
            let account = self.data.account("statsig", &settings.statsig_url);
            no_keyring = self
                .store
                .get(&account)
                .err()
                .filter(|e| e.is_unavailable());
        }
        let typed_any = statsig_token.is_some() || okta_token.is_some();
        settings.save(&self.data)?;
        self.send(Event::Settings(Box::new(settings.clone())));
        let connected = self.connect(Target::Saved(Box::new(settings))).await?;
        let saved = match no_keyring {
            None if typed_any => "Settings saved; tokens are in the OS keyring.".to_string(),
            None => "Settings saved; the tokens stored in the OS keyring are unchanged.".into(),
            Some(e) => self.without_keyring(&e, typed_any),
        };
        Ok(with_notes(format!("{saved} {connected}"), &notes))
    }

    /// The profile's name when it is not the default one (a command line names it).
    fn named_profile(&self) -> Option<&str> {
        Some(self.data.profile()).filter(|p| *p != DEFAULT_PROFILE)
    }

    /// What Save did without a keyring (`typed`: with tokens typed), and where tokens come
    /// from instead.
    fn without_keyring(&self, e: &secrets::SecretError, typed: bool) -> String {
        let why = if e.0.starts_with("No OS keyring") {
            "there is no OS keyring here"
        } else {
            "the OS keyring is locked"
        };
        let set: Vec<&str> = [secrets::STATSIG_ENV, secrets::OKTA_ENV]
            .into_iter()
            .filter(|v| secrets::from_env(v).is_some())
            .collect();
        let (saved, uses) = if typed {
            (
                "Settings saved without the tokens",
                "this run uses the tokens typed",
            )
        } else {
            (
                "Settings saved; no token is stored",
                "this run keeps the tokens it has",
            )
        };
        if set.len() == 2 {
            format!(
                "{saved} ({why}); the tokens come from {} and {}.",
                secrets::STATSIG_ENV,
                secrets::OKTA_ENV
            )
        } else {
            format!(
                "{saved} ({why}): {uses}. Next time set {} and {} in the environment, as in `{}`.",
                secrets::STATSIG_ENV,
                secrets::OKTA_ENV,
                secrets::start_with_env(self.named_profile())
            )
        }
    }

    /// Checks that both endpoints answer with the given tokens; changes nothing.
    pub(super) async fn test_connection(
        &self,
        settings: &Settings,
        statsig: Option<Secret>,
        okta: Option<Secret>,
    ) -> Result<String> {
        let (conn, notes) = self.resolve(settings, statsig, okta)?;
        let policy = RetryPolicy {
            max_attempts: 2,
            timeout: Duration::from_secs(15),
            ..RetryPolicy::default()
        };
        let okta = crate::okta::OktaClient::with_cancel(
            &conn.okta_url,
            conn.okta_token.clone(),
            policy.clone(),
            self.observer(),
            self.cancel.clone(),
        )?;
        if conn.statsig_token.is_empty() && settings.push_mode == PushModeChoice::Okta {
            okta.check().await?;
            return Ok(with_notes("Okta answered with this token. Statsig was not tested (no token): Okta push works without it; previews and Verify say what they cannot know.".into(), &notes));
        }
        let scim = crate::scim::ScimClient::with_cancel(
            &conn.statsig_url,
            conn.statsig_token.clone(),
            policy,
            self.observer(),
            self.cancel.clone(),
        )?;
        let (a, b) = tokio::join!(scim.check(), okta.check());
        a?;
        b?;
        Ok(with_notes(
            "Both endpoints answered with these tokens.".into(),
            &notes,
        ))
    }

    /// Uses `app_id` as the Statsig app (saved with a saved connection), then imports.
    pub(super) async fn choose_app(&mut self, app_id: String) -> Result<String> {
        if let Some(settings) = &mut self.saved {
            settings.okta_app_id = app_id.clone();
            settings.save(&self.data)?;
            let saved = Event::Settings(Box::new(settings.clone()));
            self.send(saved);
        }
        let ws = self.workspace()?;
        ws.choose_app(&app_id).await?;
        let mode = ws.push_mode().label();
        Ok(format!("{mode}: imported again with the chosen app."))
    }

    /// Lists the apps the settings' search finds, for Settings' picker.
    pub(super) async fn find_apps(
        &self,
        settings: &Settings,
        okta: Option<Secret>,
    ) -> Result<String> {
        let mut notes = Vec::new();
        let settings = &self.org_url(settings, &mut notes)?;
        let token = self.token(okta, Service::Okta, &settings.okta_url, &mut notes)?;
        let client = crate::okta::OktaClient::with_cancel(
            &settings.okta_url,
            token,
            RetryPolicy {
                max_attempts: 2,
                timeout: Duration::from_secs(15),
                ..RetryPolicy::default()
            },
            self.observer(),
            self.cancel.clone(),
        )?;
        let search = match settings.okta_app_search.trim() {
            "" => crate::engine::connection::DEFAULT_APP_SEARCH,
            s => s,
        };
        let apps: Vec<_> = client
            .find_apps(search)
            .await?
            .into_iter()
            .filter(|a| a.label.to_lowercase().starts_with(&search.to_lowercase()))
            .collect();
        let n = apps.len();
        self.send(Event::AppsFound {
            ticket: self.asking,
            apps,
        });
        Ok(with_notes(
            format!(
                "Found {} whose label starts with \"{search}\".",
                crate::model::text::plural(n, "app")
            ),
            &notes,
        ))
    }

    /// The sandbox's *Import Now*, then an import (demo only).
    pub(super) async fn import_now(&mut self) -> Result<String> {
        if self.demo.is_none() {
            return Err(refused(
                "Import Now is a button in Okta (Applications > the Statsig app > Import); Okta has no API for it. The app offers it for the demo sandbox only.",
            ));
        }
        let created = self.workspace()?.sandbox_import_now().await?;
        let imported = self.import().await?;
        Ok(format!(
            "Okta imported Statsig's groups ({} new). {imported}",
            created
        ))
    }

    /// Switches to profile `name` (made first when `create`) and connects to its saved
    /// connection; the previous profile's data is dropped first.
    pub(super) async fn switch_profile(&mut self, name: &str, create: bool) -> Result<String> {
        let data = self
            .data
            .with_profile(name)
            .map_err(|e| refused(e.to_string()))?;
        let exists = data.profile() == DEFAULT_PROFILE || data.profile_dir().is_dir();
        if create && exists {
            return Err(refused(format!(
                "A profile named \"{}\" exists already; choose it in the profile list.",
                data.profile()
            )));
        }
        if !create && !exists {
            return Err(refused(format!(
                "There is no profile \"{}\".",
                data.profile()
            )));
        }
        if create {
            crate::engine::files::create_private_dir(&data.profile_dir()).map_err(|e| {
                EngineError::Failed(format!("The profile's folder could not be made: {e}."))
            })?;
        }
        // Held for this window first: a profile another window has open is not switched to.
        let same = data.profile() == self.data.profile() && self.held_lock().is_some();
        let lock = if same {
            self.held_lock().take()
        } else {
            match data.lock() {
                Ok(lock) => Some(lock),
                Err(e @ ProfileLockError::InUse(_)) => {
                    if self.ws.is_none() {
                        // Nothing open here yet: offer the other profiles again.
                        self.send(Event::ProfileInUse(self.data.profile().to_string()));
                    }
                    return Err(refused(e.to_string()));
                }
                Err(e) => {
                    self.send(Event::Warning(e.to_string()));
                    None
                }
            }
        };
        *self.held_lock() = lock;
        // What the profile left shows when it comes back: the demo, or its connection.
        let leaving = self.data.profile().to_string();
        if self.demo.is_some() {
            self.showing_demo.insert(leaving);
        } else {
            self.showing_demo.remove(&leaving);
        }
        self.disconnect();
        self.data = data;
        self.published.profiles = None;
        if let Err(e) = self.data.remember_profile() {
            tracing::warn!("the profile in use could not be remembered: {e}");
        }
        self.send_profiles();
        self.send_saved_settings();
        let name = self.data.profile().to_string();
        let saved = Settings::load(&self.data)?.filter(Settings::is_configured);
        // A profile that was showing the demo shows it again; one with no connection shows
        // it as a start does, except a new one, which is offered the wizard.
        let this_run = self.this_run_targets.get(&name).cloned();
        let demo =
            self.showing_demo.contains(&name) || (saved.is_none() && this_run.is_none() && !create);
        match saved {
            _ if demo => {
                let connected = self.connect(Target::Demo { reset: false }).await?;
                Ok(format!("Profile \"{name}\". {connected}"))
            }
            // A connection given for this run comes back with its profile, unsaved.
            _ if let Some(target) = this_run => {
                let connected = self.connect(target).await?;
                Ok(format!("Profile \"{name}\". {connected}"))
            }
            Some(settings) => {
                let connected = self.connect(Target::Saved(Box::new(settings))).await?;
                Ok(format!("Profile \"{name}\". {connected}"))
            }
            None => {
                self.send(Event::NoConnection);
                Ok(format!(
                    "Profile \"{name}\" has no connection yet: set one up (File > Connect…), or use the demo sandbox."
                ))
            }
        }
    }

    /// Removes the saved tokens from the keyring.
    pub(super) fn forget_tokens(&self, settings: &Settings) -> Result<String> {
        for (s, u) in [
            ("statsig", &settings.statsig_url),
            ("okta", &settings.okta_url),
        ] {
            self.store.delete(&self.data.account(s, u))?;
        }
        Ok("Tokens removed from the OS keyring.".into())
    }
}

/// `message` and the notes after it (what was taken off a token or a URL).
fn with_notes(message: String, notes: &[String]) -> String {
    std::iter::once(message)
        .chain(notes.iter().cloned())
        .collect::<Vec<_>>()
        .join(" ")
}
