//! Demo mode: the embedded sandbox, its world saved between runs so a workflow can span
//! several CLI commands, and its own mappings file apart from a real connection's.

use super::state::{StateStore, write_atomic};
use super::workspace::Connection;
use crate::sandbox::world::World;
use crate::sandbox::{Sandbox, SandboxConfig};
use std::path::PathBuf;

pub struct Demo {
    pub sandbox: Sandbox,
    dir: PathBuf,
}

impl Demo {
    pub fn dir() -> PathBuf {
        super::config::data_dir().join("demo")
    }

    /// Starts the sandbox on the saved demo world (or fresh demo data; `reset` forgets the
    /// saved world and mappings).
    pub async fn start(reset: bool) -> std::io::Result<Demo> {
        let dir = Self::dir();
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
        let config = SandboxConfig::default();
        let sandbox = match saved {
            Some(world) => Sandbox::start_with_world(config, world).await?,
            None => Sandbox::start(config).await?,
        };
        Ok(Demo { sandbox, dir })
    }

    pub fn connection(&self) -> Connection {
        Connection {
            statsig_url: self.sandbox.statsig_url.clone(),
            statsig_token: self.sandbox.statsig_token.clone(),
            okta_url: self.sandbox.okta_url.clone(),
            okta_token: self.sandbox.okta_token.clone(),
            projects: self.sandbox.projects(),
            org_domains: vec![self.sandbox.org_domain()],
            batch_size: 0,
            guard: Default::default(),
        }
    }

    pub fn state_store(&self) -> StateStore {
        StateStore::new(self.dir.join("state.json"))
    }

    /// Saves the sandbox's world for the next run.
    pub fn persist(&self) -> std::io::Result<()> {
        let json = {
            let world = self.sandbox.world();
            serde_json::to_vec(&*world).map_err(std::io::Error::other)?
        };
        write_atomic(&self.dir.join("sandbox.json"), &json)
    }
}
