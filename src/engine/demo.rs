//! Demo mode: the embedded sandbox with demo data, kept between runs in the data folder,
//! and shared by every run of the app on that folder. The first run that needs the demo
//! serves it; a window and the command line then talk to the same local servers, so what
//! one changes the other sees, and only the serving run writes the demo's data.

use super::connection::Connection;
use super::files::{self, FileError};
use super::paths::DataDir;
use super::state::StateStore;
use crate::model::secret::Secret;
use crate::sandbox::world::World;
use crate::sandbox::{DEMO_OKTA_TOKEN, DEMO_STATSIG_TOKEN, Sandbox, SandboxConfig};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a run waits for a command-line run that serves the demo to finish.
const WAIT_FOR_CLI: Duration = Duration::from_secs(60);

/// Where the serving run's servers listen (no token: the demo's tokens are fixed).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ServerFile {
    statsig_url: String,
    okta_url: String,
    projects: Vec<String>,
    org_domain: String,
    /// "app" (a window, long-lived) or "cli" (a command, short-lived).
    owner: String,
}

/// Which kind of run this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// The desktop app: serves the demo for as long as it is open.
    App,
    /// A command-line run: serves the demo for one command.
    Cli,
}

impl Owner {
    fn as_str(self) -> &'static str {
        match self {
            Owner::App => "app",
            Owner::Cli => "cli",
        }
    }
}

struct Serving {
    sandbox: Sandbox,
    _lock: File,
    /// A fingerprint of the world as last saved.
    saved: Mutex<Option<u64>>,
}

/// The demo, served here or by another run.
pub struct Demo {
    serving: Option<Serving>,
    server: ServerFile,
    dir: PathBuf,
}

fn fingerprint(bytes: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

impl Demo {
    /// Joins the demo another run serves, or serves it here (on the saved data, or fresh
    /// demo data; `reset` forgets the saved data and mappings, and only the serving run may).
    pub async fn start(data: &DataDir, reset: bool) -> Result<Demo, FileError> {
        Self::start_as(data, reset, Owner::App).await
    }

    /// [`Self::start`] for a given kind of run.
    pub async fn start_as(data: &DataDir, reset: bool, owner: Owner) -> Result<Demo, FileError> {
        let dir = data.demo_dir();
        let lock_path = dir.join("server.lock");
        let io = |e: std::io::Error| FileError::write("the demo's lock", &lock_path, e);
        files::create_private_dir(&dir).map_err(io)?;
        let lock = files::open_private(&lock_path, false).map_err(io)?;
        let started = Instant::now();
        loop {
            match lock.try_lock() {
                Ok(()) => return Self::serve(dir, lock, reset, owner).await,
                Err(std::fs::TryLockError::WouldBlock) => {}
                Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
            }
            let server = Self::read_server(&dir);
            match server {
                Some(s) if s.owner == Owner::App.as_str() => {
                    if reset {
                        return Err(FileError::write(
                            "the demo's data",
                            &dir,
                            "the demo is open in the app; reset it there (File > Reset demo data)",
                        ));
                    }
                    return Ok(Demo {
                        serving: None,
                        server: s,
                        dir,
                    });
                }
                // A command-line run serves it for a moment: wait for it.
                _ if started.elapsed() < WAIT_FOR_CLI => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                _ => {
                    return Err(FileError::write(
                        "the demo's data",
                        &dir,
                        "another run of this app has held the demo for a minute",
                    ));
                }
            }
        }
    }

    fn read_server(dir: &std::path::Path) -> Option<ServerFile> {
        std::fs::read(dir.join("server.json"))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
    }

    async fn serve(dir: PathBuf, lock: File, reset: bool, owner: Owner) -> Result<Demo, FileError> {
        let world_path = dir.join("sandbox.json");
        if reset {
            let _ = std::fs::remove_file(&world_path);
            let _ = std::fs::remove_file(dir.join("state.json"));
        }
        let saved: Option<World> = std::fs::read(&world_path)
            .ok()
            .and_then(|b| serde_json::from_slice::<World>(&b).ok())
            .map(|mut w| {
                w.reindex();
                w
            });
        let config = SandboxConfig {
            statsig_token: Some(Secret::new(DEMO_STATSIG_TOKEN)),
            okta_token: Some(Secret::new(DEMO_OKTA_TOKEN)),
            // Okta's pace: a paid org's apps bucket, pushes a few seconds after a change
            // (a moment for a command-line run, which waits for them before it ends).
            okta_limits: crate::sandbox::limits::OktaLimits::none().with_apps(100),
            okta_push_delay: match owner {
                Owner::App => Duration::from_secs(3),
                Owner::Cli => Duration::from_millis(500),
            },
            ..SandboxConfig::default()
        };
        let start_err = |e: std::io::Error| FileError::write("the demo's servers", &dir, e);
        let sandbox = match saved {
            Some(world) => Sandbox::start_with_world(config, world).await,
            None => Sandbox::start(config).await,
        }
        .map_err(start_err)?;
        let server = ServerFile {
            statsig_url: sandbox.statsig_url.clone(),
            okta_url: sandbox.okta_url.clone(),
            projects: sandbox.projects(),
            org_domain: sandbox.org_domain(),
            owner: owner.as_str().to_string(),
        };
        let server_path = dir.join("server.json");
        let json = serde_json::to_vec_pretty(&server)
            .map_err(|e| FileError::write("the demo's server file", &server_path, e))?;
        files::write_atomic(&server_path, &json)
            .map_err(|e| FileError::write("the demo's server file", &server_path, e))?;
        let demo = Demo {
            serving: Some(Serving {
                sandbox,
                _lock: lock,
                saved: Mutex::new(None),
            }),
            server,
            dir,
        };
        demo.persist_if_changed();
        Ok(demo)
    }

    /// Waits (up to `limit`) until the demo's Okta has pushed what it owes, so a
    /// command-line run that ends at once still leaves Statsig as Okta would.
    pub async fn settle_okta(&self, limit: Duration) {
        let Some(s) = &self.serving else { return };
        let start = std::time::Instant::now();
        while start.elapsed() < limit {
            let idle = {
                let w = s.sandbox.world();
                w.owed_pushes().is_empty() && w.scim_deletes.is_empty()
            };
            if idle {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Whether this run serves the demo (and so keeps its data).
    pub fn serving(&self) -> bool {
        self.serving.is_some()
    }

    /// The sandbox, when this run serves it.
    pub fn sandbox(&self) -> Option<&Sandbox> {
        self.serving.as_ref().map(|s| &s.sandbox)
    }

    /// The connection to the demo's servers.
    pub fn connection(&self) -> Connection {
        Connection {
            statsig_url: self.server.statsig_url.clone(),
            statsig_token: Secret::new(DEMO_STATSIG_TOKEN),
            okta_url: self.server.okta_url.clone(),
            okta_token: Secret::new(DEMO_OKTA_TOKEN),
            projects: self.server.projects.clone(),
            org_domains: vec![self.server.org_domain.clone()],
            batch_size: 0,
            guard: Default::default(),
            push_mode: Default::default(),
            okta_app_id: None,
            app_search: String::new(),
        }
    }

    /// The demo's mappings, apart from a real connection's.
    pub fn state_store(&self) -> StateStore {
        StateStore::new(self.dir.join("state.json"))
    }

    /// Saves the sandbox's world when it changed since last saved (serving run only).
    pub fn persist_if_changed(&self) {
        let Some(s) = &self.serving else { return };
        let json = {
            let world = s.sandbox.world();
            match serde_json::to_vec(&*world) {
                Ok(j) => j,
                Err(e) => return tracing::warn!("could not save the demo data: {e}"),
            }
        };
        let print = fingerprint(&json);
        let mut saved = s.saved.lock().unwrap_or_else(|p| p.into_inner());
        if *saved == Some(print) {
            return;
        }
        match files::write_atomic(&self.dir.join("sandbox.json"), &json) {
            Ok(()) => *saved = Some(print),
            Err(e) => tracing::warn!("could not save the demo data: {e}"),
        }
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        self.persist_if_changed();
        if self.serving.is_some() {
            let _ = std::fs::remove_file(self.dir.join("server.json"));
        }
    }
}
