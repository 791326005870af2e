//! The first connection to a real org, as a new admin makes it: tokens pasted with their
//! scheme (`Bearer scim-…` as Statsig's setup page shows it, `SSWS 00…` as Okta's
//! examples do), one service's token in the other's place, an Okta URL copied from the
//! browser; through the engine and through the CLI, over the loopback sandbox.
#![allow(clippy::unwrap_used)]

mod common;

use okta_statsig_teams::engine::DataDir;
use okta_statsig_teams::engine::config::Settings;
use okta_statsig_teams::engine::connection::PushModeChoice;
use okta_statsig_teams::engine::runner::{self, Command, Event, JobKind};
use okta_statsig_teams::engine::secrets::{MemoryStore, SecretStore};
use okta_statsig_teams::model::secret::Secret;
use okta_statsig_teams::sandbox::{Sandbox, SandboxConfig};
use std::path::Path;
use std::process::Output;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// An Okta-shaped token ("00" and forty more), as Okta makes them.
const OKTA_TOKEN: &str = "00firstconnABCDEFGHIJKLMNOPQRSTUVWXYZ0123";

fn sandbox(rt: &tokio::runtime::Runtime) -> Sandbox {
    rt.block_on(Sandbox::start(SandboxConfig {
        okta_token: Some(Secret::new(OKTA_TOKEN)),
        ..SandboxConfig::default()
    }))
    .unwrap()
}

/// The outcome of the first job of `kind` to end.
fn outcome(h: &common::Engine, kind: JobKind) -> Result<String, String> {
    outcome_and_requests(h, kind).0
}

/// The outcome of the first job of `kind` to end, and how many requests were sent.
fn outcome_and_requests(h: &common::Engine, kind: JobKind) -> (Result<String, String>, usize) {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut requests = 0;
    loop {
        for e in h.next_events(deadline) {
            match e {
                Event::Activity(runner::Activity::Request(_)) => requests += 1,
                Event::JobFinished {
                    kind: k, outcome, ..
                } if k == kind => return (outcome.map_err(|e| e.to_string()), requests),
                _ => {}
            }
        }
        assert!(Instant::now() < deadline, "no {kind:?}");
    }
}

fn settings(s: &Sandbox, okta_url: &str) -> Settings {
    Settings {
        statsig_url: s.statsig_url.clone(),
        okta_url: okta_url.to_string(),
        push_mode: PushModeChoice::Direct,
        ..Settings::default()
    }
}

#[test]
fn tokens_pasted_with_their_scheme_and_an_okta_url_with_a_path_connect_with_notes() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let s = sandbox(&rt);
    let data = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::default());
    let h = common::engine(store.clone(), DataDir::new(data.path()));
    let browser = format!("{}/admin/dashboard", s.okta_url);
    h.send(Command::SaveSettings {
        settings: Box::new(settings(&s, &browser)),
        statsig_token: Some(Secret::new(format!("Bearer {}", s.statsig_token.expose()))),
        okta_token: Some(Secret::new(format!("ssws {OKTA_TOKEN}"))),
        test_first: true,
    });
    let said = outcome(&h, JobKind::Connect).unwrap();
    assert!(said.contains("Connected to"), "{said}");
    assert!(
        said.contains(&format!(
            "Okta org URL: using {}; Okta org URLs have no path, so \"/admin/dashboard\" was left out.",
            s.okta_url
        )),
        "{said}"
    );
    // The origin is what is saved, and the keyring holds the tokens without their scheme.
    let data = DataDir::new(data.path());
    let saved = Settings::load(&data).unwrap().unwrap();
    assert_eq!(saved.okta_url, s.okta_url);
    let okta = store.get(&data.account("okta", &s.okta_url)).unwrap();
    assert_eq!(okta.unwrap().expose(), OKTA_TOKEN);
    let statsig = store.get(&data.account("statsig", &s.statsig_url)).unwrap();
    assert_eq!(statsig.unwrap().expose(), s.statsig_token.expose());
}

#[test]
fn the_engine_names_a_token_of_the_other_service_before_any_request() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let s = sandbox(&rt);
    let data = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::default());
    let h = common::engine(store.clone(), DataDir::new(data.path()));
    // The two tokens swapped, as pasted into the wrong fields.
    h.send(Command::SaveSettings {
        settings: Box::new(settings(&s, &s.okta_url)),
        statsig_token: Some(Secret::new(format!("SSWS {OKTA_TOKEN}"))),
        okta_token: Some(s.statsig_token.clone()),
        test_first: true,
    });
    let (e, requests) = outcome_and_requests(&h, JobKind::Connect);
    let e = e.unwrap_err();
    assert!(
        e.starts_with("The Statsig SCIM token looks like an Okta API token"),
        "{e}"
    );
    assert_eq!(requests, 0, "refused before any request");
    assert!(
        Settings::load(&DataDir::new(data.path()))
            .unwrap()
            .is_none()
    );
    h.send(Command::TestConnection {
        settings: Box::new(settings(&s, &s.okta_url)),
        statsig_token: Some(s.statsig_token.clone()),
        okta_token: Some(s.statsig_token.clone()),
    });
    let (e, requests) = outcome_and_requests(&h, JobKind::TestConnection);
    let e = e.unwrap_err();
    assert!(
        e.starts_with("The Okta API token looks like a Statsig SCIM token"),
        "{e}"
    );
    assert_eq!(requests, 0, "refused before any request");
}

/// The CLI on the sandbox with the tokens in the environment, as pasted.
fn cli(data: &Path, s: &Sandbox, okta_url: &str, statsig: &str, okta: &str) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_okta-statsig-teams"))
        .env("OKTA_STATSIG_TEAMS_DATA_DIR", data)
        .env("STATSIG_SCIM_TOKEN", statsig)
        .env("OKTA_API_TOKEN", okta)
        .args([
            "--statsig-url",
            &s.statsig_url,
            "--okta-url",
            okta_url,
            "--push-mode",
            "direct",
            "teams",
        ])
        .output()
        .unwrap()
}

#[test]
fn the_cli_takes_tokens_with_their_scheme_and_a_browser_url_and_says_so() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let s = sandbox(&rt);
    let data = tempfile::tempdir().unwrap();
    let out = cli(
        data.path(),
        &s,
        &format!("{}/admin/dashboard", s.okta_url),
        &format!("Bearer {}\n", s.statsig_token.expose()),
        &format!("SSWS {OKTA_TOKEN}"),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("members"),
        "the teams are listed"
    );
    for note in [
        "note: STATSIG_SCIM_TOKEN: the \"Bearer \" prefix was removed",
        "note: OKTA_API_TOKEN: the \"SSWS \" prefix was removed",
        "so \"/admin/dashboard\" was left out",
    ] {
        assert!(stderr.contains(note), "{note}: {stderr}");
    }
    assert!(!stderr.contains(OKTA_TOKEN), "no token in the output");
}

#[test]
fn the_cli_names_a_token_of_the_other_service_and_exits_2_before_any_request() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let s = sandbox(&rt);
    let data = tempfile::tempdir().unwrap();
    let out = cli(
        data.path(),
        &s,
        &s.okta_url,
        s.statsig_token.expose(),
        s.statsig_token.expose(),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("error: OKTA_API_TOKEN looks like a Statsig SCIM token"),
        "{stderr}"
    );
    let out = cli(data.path(), &s, &s.okta_url, OKTA_TOKEN, OKTA_TOKEN);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("error: STATSIG_SCIM_TOKEN looks like an Okta API token"),
        "{stderr}"
    );
    // Sent, either token would have been refused by the sandbox as wrong (401): the
    // sentences above are said before any request.
}
