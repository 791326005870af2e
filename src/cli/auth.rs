//! `login` and `logout`, and the connection the flags and settings describe.

use super::outcome::{Failure, refuse};
use super::output;
use crate::cli::args::Global;
use crate::engine::config::Settings;
use crate::engine::connection::{Connection, PushModeChoice};
use crate::engine::paths::DataDir;
use crate::engine::secrets::{self, OsKeyring, SecretStore};
use crate::model::secret::Secret;
use crate::model::token::{self, TokenFor};
use std::io::BufRead;

/// Reads one line from stdin after a prompt on stderr.
pub fn read_line(prompt: &str) -> Result<String, Failure> {
    eprint!("{prompt}");
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| refuse(format!("could not read stdin: {e}")))?;
    Ok(line.trim().to_string())
}

/// Reads a token: from a terminal without echoing it (the terminal shows nothing as it
/// is typed), else one line from stdin (a pipe, a script).
fn read_secret(prompt: &str) -> Result<String, Failure> {
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() {
        return read_line(prompt);
    }
    read_without_echo(prompt)
}

/// Turns the terminal's echo off before the prompt shows (so nothing typed after it is
/// echoed, however fast), reads the line, and puts echo back as it was.
#[cfg(unix)]
fn read_without_echo(prompt: &str) -> Result<String, Failure> {
    use rustix::termios::{LocalModes, OptionalActions, tcgetattr, tcsetattr};
    let stdin = std::io::stdin();
    let failed =
        |e: std::io::Error| refuse(format!("could not read the token from the terminal: {e}"));
    let was = tcgetattr(&stdin).map_err(|e| failed(e.into()))?;
    let mut quiet = was.clone();
    quiet.local_modes -= LocalModes::ECHO;
    tcsetattr(&stdin, OptionalActions::Flush, &quiet).map_err(|e| failed(e.into()))?;
    let line = read_line(prompt);
    let restored = tcsetattr(&stdin, OptionalActions::Now, &was);
    eprintln!();
    restored.map_err(|e| failed(e.into()))?;
    line
}

#[cfg(not(unix))]
fn read_without_echo(prompt: &str) -> Result<String, Failure> {
    rpassword::prompt_password(prompt)
        .map(|t| t.trim().to_string())
        .map_err(|e| refuse(format!("could not read the token from the terminal: {e}")))
}

/// The connection the flags and settings describe, with tokens from env or keyring.
pub fn real_connection(g: &Global, data: &DataDir) -> Result<Connection, Failure> {
    let saved = Settings::load(data)?.unwrap_or_default();
    let statsig_url = g.statsig_url.clone().unwrap_or(saved.statsig_url.clone());
    let okta_url = g.okta_url.clone().unwrap_or(saved.okta_url.clone());
    let okta_only = g
        .push_mode
        .map(PushModeChoice::from)
        .unwrap_or(saved.push_mode)
        == PushModeChoice::Okta;
    if okta_url.trim().is_empty() || (statsig_url.trim().is_empty() && !okta_only) {
        return Err(refuse(
            "No connection is configured: pass --statsig-url and --okta-url (and run `login`), or use --demo for the embedded sandbox.",
        ));
    }
    let store = OsKeyring;
    let token = |env: &str, service: &str, url: &str| -> Result<Secret, Failure> {
        let kind = if service == "okta" {
            TokenFor::Okta
        } else {
            TokenFor::Statsig
        };
        let what = if secrets::from_env(env).is_some() {
            env.to_string()
        } else {
            format!("The stored {}", kind.name())
        };
        let raw = secrets::resolve(env, &store, &data.account(service, url))
            .map_err(|e| refuse(e.0))?
            .ok_or_else(|| {
                refuse(format!(
                    "No {service} token: set {env} or run `okta-statsig-teams login`."
                ))
            })?;
        let clean = token::clean(kind, raw.expose(), &what).map_err(|e| refuse(e.0))?;
        if let Some(note) = clean.note(&what) {
            output::err!("note: {note}");
        }
        Ok(clean.token)
    };
    let mut settings = saved;
    settings.statsig_url = statsig_url;
    settings.okta_url = org_url(&okta_url)?;
    if !g.projects.is_empty() {
        settings.projects = g.projects.clone();
    }
    if let Some(b) = g.batch_size {
        settings.batch_size = b;
    }
    if let Some(m) = g.push_mode {
        settings.push_mode = m.into();
    }
    if let Some(app) = &g.okta_app {
        settings.okta_app_id = app.clone();
    }
    let statsig = match token(secrets::STATSIG_ENV, "statsig", &settings.statsig_url) {
        Ok(t) => t,
        // Okta pushes; Statsig is only read for previews and verify.
        Err(_) if settings.push_mode == PushModeChoice::Okta => Secret::default(),
        Err(e) => return Err(e),
    };
    let okta = token(secrets::OKTA_ENV, "okta", &settings.okta_url)?;
    Ok(settings.connection(statsig, okta))
}

/// The connection the desktop app opens when given connection flags (`--okta-url`,
/// `--statsig-url`, `--push-mode`, `--okta-app`, `--projects`, `--batch-size`): the saved
/// settings with the flags over them, for this run (saved only when the admin saves in
/// Settings). `None` without such flags. Refused with `--demo` or `--snapshot`, and when
/// the flags and settings do not make a connection.
pub fn gui_flags(g: &Global, data: &DataDir) -> Result<Option<Settings>, Failure> {
    let given = g.statsig_url.is_some()
        || g.okta_url.is_some()
        || g.push_mode.is_some()
        || g.okta_app.is_some()
        || !g.projects.is_empty()
        || g.batch_size.is_some();
    if !given {
        return Ok(None);
    }
    if g.demo || g.snapshot.is_some() {
        return Err(refuse(format!(
            "--okta-url, --statsig-url and the other connection flags name a real org; they do not go with {}.",
            if g.demo { "--demo" } else { "--snapshot" }
        )));
    }
    let mut settings = Settings::load(data)?.unwrap_or_default();
    if let Some(u) = &g.statsig_url {
        settings.statsig_url = u.trim().to_string();
    }
    if let Some(u) = &g.okta_url {
        settings.okta_url = u.trim().to_string();
    }
    if let Some(m) = g.push_mode {
        settings.push_mode = m.into();
    }
    if let Some(app) = &g.okta_app {
        settings.okta_app_id = app.clone();
    }
    if !g.projects.is_empty() {
        settings.projects = g.projects.clone();
    }
    if let Some(b) = g.batch_size {
        settings.batch_size = b;
    }
    if !settings.is_configured() {
        return Err(refuse(
            "The flags and the saved settings do not make a connection: pass --okta-url and --statsig-url (with --push-mode okta, --okta-url alone).",
        ));
    }
    settings.okta_url = org_url(&settings.okta_url)?;
    Ok(Some(settings))
}

/// The Okta org URL's origin; a path copied from the browser is left out, and said.
fn org_url(url: &str) -> Result<String, Failure> {
    let (origin, note) = crate::net::okta_org_url(url).map_err(|e| refuse(e.to_string()))?;
    if let Some(note) = note {
        output::err!("note: {note}");
    }
    Ok(origin)
}

/// Stores both tokens (read from stdin) in the keyring and the URLs in the settings.
pub fn login(g: &Global, data: &DataDir) -> Result<(), Failure> {
    let mut settings = Settings::load(data)?.unwrap_or_default();
    if let Some(u) = &g.statsig_url {
        settings.statsig_url = u.clone();
    }
    if let Some(u) = &g.okta_url {
        settings.okta_url = u.clone();
    }
    if let Some(m) = g.push_mode {
        settings.push_mode = m.into();
    }
    if let Some(app) = &g.okta_app {
        settings.okta_app_id = app.clone();
    }
    if !settings.is_configured() {
        return Err(refuse(
            "Pass --okta-url and --statsig-url to log in (with --push-mode okta, --okta-url alone).",
        ));
    }
    settings.okta_url = org_url(&settings.okta_url)?;
    let with_statsig = !settings.statsig_url.trim().is_empty();
    if with_statsig {
        crate::net::check_statsig_url(&settings.statsig_url).map_err(|e| refuse(e.to_string()))?;
    }
    let okta = read_secret("Okta API token: ")?;
    let statsig = if with_statsig {
        read_secret("Statsig SCIM token (empty: none, Okta push only): ")?
    } else {
        String::new()
    };
    let okta_only = settings.push_mode == PushModeChoice::Okta;
    if okta.is_empty() || (statsig.is_empty() && !okta_only) {
        return Err(refuse(
            "Both tokens are needed (only Okta's with --push-mode okta); nothing was stored.",
        ));
    }
    // Both are read before either is stored: one of the other service's stores nothing.
    let mut ready = Vec::new();
    for (service, url, raw, kind) in [
        ("okta", &settings.okta_url, okta, TokenFor::Okta),
        ("statsig", &settings.statsig_url, statsig, TokenFor::Statsig),
    ] {
        if raw.is_empty() {
            continue;
        }
        let what = format!("The {}", kind.name());
        let clean = token::clean(kind, &raw, &what)
            .map_err(|e| refuse(format!("{} Nothing was stored.", e.0)))?;
        if let Some(note) = clean.note(&what) {
            output::err!("note: {note}");
        }
        ready.push((data.account(service, url), clean.token));
    }
    let store = OsKeyring;
    for (account, token) in ready {
        store.set(&account, &token).map_err(|e| refuse(e.0))?;
    }
    settings.save(data)?;
    eprintln!("Tokens stored in the OS keyring; settings saved (without tokens).");
    Ok(())
}

/// Removes both tokens from the keyring.
pub fn logout(g: &Global, data: &DataDir) -> Result<(), Failure> {
    let settings = Settings::load(data)?.unwrap_or_default();
    let statsig = g.statsig_url.clone().unwrap_or(settings.statsig_url);
    let okta = g.okta_url.clone().unwrap_or(settings.okta_url);
    let store = OsKeyring;
    for (service, url) in [("statsig", &statsig), ("okta", &okta)] {
        store
            .delete(&data.account(service, url))
            .map_err(|e| refuse(e.0))?;
    }
    eprintln!("Tokens removed from the OS keyring.");
    Ok(())
}

/// Removes the profile's cached directory (the app's warm start).
pub fn forget_cache(data: &DataDir) -> Result<(), Failure> {
    // The cache sits beside the mappings: Direct push's and Okta push's are in one folder.
    let removed = crate::engine::workspace::cache::clear(&data.state_file())
        .map_err(|e| refuse(e.to_string()))?;
    // The System Log as last read goes with it: the next read starts over.
    let log = crate::engine::workspace::history::history_path(
        &data.state_file(),
        crate::engine::workspace::history::LOG_CACHE_FILE,
    );
    let log_removed = match std::fs::remove_file(&log) {
        Ok(()) => true,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => {
            return Err(refuse(format!(
                "{} could not be removed: {e}",
                log.display()
            )));
        }
    };
    eprintln!(
        "{}",
        match (removed, log_removed) {
            (true, _) =>
                "The cached directory was removed; the app's next start reads everything again.",
            (false, true) => "The cached System Log was removed; the next history reads it again.",
            (false, false) => "There was no cached directory for this profile.",
        }
    );
    Ok(())
}
