//! The embedded sandbox: a Statsig SCIM emulator and an Okta Management API emulator on
//! loopback, seeded with demo data. Used in-process by tests and the GUI's demo mode, and
//! from the command line as `okta-statsig-teams sandbox`.

pub mod apps_api;
pub mod changes;
pub mod discovery;
pub mod faults;
pub mod gate;
pub mod history;
mod host;
pub mod limits;
pub mod logs_api;
pub mod okta_api;
pub mod okta_http;
pub mod patch;
mod push_worker;
pub mod scim_api;
pub mod seed;
mod seed_findings;
pub mod shared;
pub mod world;

use crate::model::secret::Secret;
use seed::SeedSpec;
use shared::Shared;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use world::World;

/// The demo's SCIM token. Fixed and public: the demo serves demo data on 127.0.0.1 only,
/// and every run of the app on one data folder shares it without writing a token to disk.
pub const DEMO_STATSIG_TOKEN: &str = "scim-demo-sandbox";
/// The demo's Okta token (fixed and public, like [`DEMO_STATSIG_TOKEN`]).
pub const DEMO_OKTA_TOKEN: &str = "00demo-sandbox";

/// How to start a sandbox.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// The data set.
    pub seed: SeedSpec,
    /// 0 picks a free port.
    pub statsig_port: u16,
    /// The Okta server's port (0 picks a free one).
    pub okta_port: u16,
    /// Random when `None`.
    pub statsig_token: Option<Secret>,
    /// The Okta token; random when `None`.
    pub okta_token: Option<Secret>,
    /// Delay added to every request, modelling a real network.
    pub latency: Duration,
    /// Okta's rate limits per bucket (users, groups, a group's members, apps), per window.
    pub okta_limits: limits::OktaLimits,
    /// How long the Okta push worker waits before pushing a change.
    pub okta_push_delay: Duration,
    /// The length of Okta's rate-limit windows in seconds (a minute; shorter in tests).
    pub okta_rate_window_secs: u64,
    /// The Okta token's admin may not see apps: `/api/v1/apps` answers 403.
    pub okta_apps_forbidden: bool,
    /// Faults to inject into both servers' answers.
    pub faults: faults::Faults,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            seed: SeedSpec::default(),
            statsig_port: 0,
            okta_port: 0,
            statsig_token: None,
            okta_token: None,
            latency: Duration::ZERO,
            okta_limits: limits::OktaLimits::none(),
            okta_push_delay: Duration::from_millis(200),
            okta_rate_window_secs: 60,
            okta_apps_forbidden: false,
            faults: faults::Faults::default(),
        }
    }
}

/// A running sandbox. Dropping it stops both servers.
pub struct Sandbox {
    /// The SCIM server's base URL (`…/scim`).
    pub statsig_url: String,
    /// The Okta server's URL.
    pub okta_url: String,
    /// The SCIM server's token.
    pub statsig_token: Secret,
    /// The Okta server's token.
    pub okta_token: Secret,
    shared: Arc<Shared>,
    shutdown: Option<tokio::sync::watch::Sender<bool>>,
    /// What each server's fault injector did.
    pub scim_faults: Arc<faults::Injector>,
    /// What the Okta server's fault injector did.
    pub okta_faults: Arc<faults::Injector>,
    statsig_gate: Arc<gate::Gate>,
    okta_gate: Arc<gate::Gate>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("statsig_url", &self.statsig_url)
            .field("okta_url", &self.okta_url)
            .finish()
    }
}

fn random_token(prefix: &str) -> Secret {
    use rand::Rng;
    let mut rng = rand::rng();
    let body: String = (0..32)
        .map(|_| char::from(b"abcdefghijklmnopqrstuvwxyz0123456789"[rng.random_range(0..36)]))
        .collect();
    Secret::new(format!("{prefix}{body}"))
}

impl Sandbox {
    /// Seeds the world and starts both servers on 127.0.0.1. Must run inside a tokio runtime.
    pub async fn start(config: SandboxConfig) -> std::io::Result<Sandbox> {
        let world = seed::build(&config.seed);
        Self::start_with_world(config, world).await
    }

    /// Starts both servers over an existing world (a saved demo, a test fixture).
    pub async fn start_with_world(config: SandboxConfig, world: World) -> std::io::Result<Sandbox> {
        let statsig = tokio::net::TcpListener::bind(SocketAddr::from((
            Ipv4Addr::LOCALHOST,
            config.statsig_port,
        )))
        .await?;
        let okta = tokio::net::TcpListener::bind(SocketAddr::from((
            Ipv4Addr::LOCALHOST,
            config.okta_port,
        )))
        .await?;
        let statsig_url = format!("http://{}/scim", statsig.local_addr()?);
        let okta_url = format!("http://{}", okta.local_addr()?);
        let shared = Arc::new(Shared {
            world: Mutex::new(world),
            changes: Default::default(),
            statsig_token: config
                .statsig_token
                .clone()
                .unwrap_or_else(|| random_token("scim-sandbox-")),
            okta_token: config
                .okta_token
                .clone()
                .unwrap_or_else(|| random_token("00sandbox")),
            okta_base: okta_url.clone(),
            okta_windows: limits::OktaWindows::new(
                config.okta_limits,
                config.okta_rate_window_secs,
            ),
            okta_apps_forbidden: config.okta_apps_forbidden,
            okta_tokens_without_logs: Mutex::new(Vec::new()),
        });
        let ((tx, rx), latency) = (tokio::sync::watch::channel(false), config.latency);
        let (statsig_gate, okta_gate) = (Arc::new(gate::Gate::default()), Arc::default());
        let with_latency = move |router: axum::Router, gate: Arc<gate::Gate>| {
            router.layer(axum::middleware::from_fn(
                move |req: axum::extract::Request, next: axum::middleware::Next| {
                    let gate = gate.clone();
                    async move {
                        gate.pass(req.method().as_str(), req.uri().path()).await;
                        if !latency.is_zero() {
                            tokio::time::sleep(latency).await;
                        }
                        next.run(req).await
                    }
                },
            ))
        };
        let scim_faults = Arc::new(faults::Injector::new(config.faults.clone(), true));
        let okta_faults = Arc::new(faults::Injector::new(config.faults.clone(), false));
        let with_faults = |router: axum::Router, injector: Arc<faults::Injector>| {
            router.layer(axum::middleware::from_fn(
                move |req: axum::extract::Request, next: axum::middleware::Next| {
                    faults::inject(injector.clone(), req, next)
                },
            ))
        };
        let scim = with_latency(
            with_faults(scim_api::router(shared.clone()), scim_faults.clone()),
            statsig_gate.clone(),
        );
        let okta_router = with_latency(
            with_faults(okta_api::router(shared.clone()), okta_faults.clone()),
            Arc::clone(&okta_gate),
        );
        for (listener, router) in [(statsig, scim), (okta, okta_router)] {
            let port = listener.local_addr()?.port();
            let router = router.layer(axum::middleware::from_fn(
                move |req: axum::extract::Request, next: axum::middleware::Next| {
                    host::check(port, req, next)
                },
            ));
            let mut rx = rx.clone();
            tokio::spawn(async move {
                let _ = axum::serve(listener, router)
                    .with_graceful_shutdown(async move {
                        let _ = rx.wait_for(|stop| *stop).await;
                    })
                    .await;
            });
        }
        tokio::spawn(push_worker::run(
            shared.clone(),
            statsig_url.clone(),
            config.okta_push_delay,
            rx.clone(),
        ));
        Ok(Sandbox {
            statsig_url,
            okta_url,
            statsig_token: shared.statsig_token.clone(),
            okta_token: shared.okta_token.clone(),
            shared,
            shutdown: Some(tx),
            scim_faults,
            okta_faults,
            statsig_gate,
            okta_gate,
        })
    }

    /// The world, locked: for tests and out-of-band edits ("someone changed it in Statsig").
    pub fn world(&self) -> changes::WorldGuard<'_> {
        self.shared.world()
    }

    /// Blocks this thread until `done` holds of the world, looking again after each write
    /// to it (a request, Okta's push worker, an edit): `false` when `limit` passed first.
    /// Not on a thread of the runtime that serves the sandbox.
    pub fn until(&self, limit: Duration, done: impl FnMut(&World) -> bool) -> bool {
        self.shared.until(limit, done)
    }

    /// Waits until `done` holds, looking again after each write to the world (`done` may
    /// ask over HTTP: a read is no write): `false` when `limit` passed first.
    pub async fn until_async(&self, limit: Duration, done: impl AsyncFnMut() -> bool) -> bool {
        self.shared.until_async(limit, done).await
    }

    /// Holds every request to the SCIM server where it is until the guard is dropped.
    pub fn hold_statsig(&self) -> gate::Held {
        gate::Held::new(self.statsig_gate.clone(), None)
    }

    /// Holds every request to the Okta server where it is until the guard is dropped.
    pub fn hold_okta(&self) -> gate::Held {
        gate::Held::new(self.okta_gate.clone(), None)
    }

    /// Holds the requests to the SCIM server that `only` accepts (by method and path)
    /// until the guard is dropped; the others pass.
    pub fn hold_statsig_requests(
        &self,
        only: impl Fn(&str, &str) -> bool + Send + Sync + 'static,
    ) -> gate::Held {
        gate::Held::new(self.statsig_gate.clone(), Some(Arc::new(only)))
    }

    /// Holds the requests to the Okta server that `only` accepts (by method and path).
    pub fn hold_okta_requests(
        &self,
        only: impl Fn(&str, &str) -> bool + Send + Sync + 'static,
    ) -> gate::Held {
        gate::Held::new(self.okta_gate.clone(), Some(Arc::new(only)))
    }

    /// Ends every Okta rate-limit window now, so the next request opens a new one: the
    /// minute turns over when a test says, not on the clock.
    pub fn end_okta_rate_windows(&self) {
        self.shared.okta_windows.end_all();
    }

    /// Makes another Okta token, granted every scope but `okta.logs.read`: the System
    /// Log answers it 403, as Okta answers a token without that scope.
    pub fn okta_token_without_logs_scope(&self) -> Secret {
        let token = random_token("00nologs");
        self.shared
            .okta_tokens_without_logs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(token.clone());
        token
    }

    /// The projects the sandbox's Statsig organization has.
    pub fn projects(&self) -> Vec<String> {
        self.world().rules.projects.clone()
    }

    /// The organization's email domain.
    pub fn org_domain(&self) -> String {
        self.world().rules.org_domain.clone()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(true);
        }
    }
}
