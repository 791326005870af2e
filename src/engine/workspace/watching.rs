//! The watcher's cycle as the app and `watch` run it: the backend's look, the push rules'
//! proposals, and what changed since the last cycle as events (`model::watch_events`),
//! with the Health check that finds new error-level findings.

use super::Workspace;
use super::push_mode::PushMode;
use crate::engine::backend::WatchReport;
use crate::engine::error::Result;
use crate::model::health::{self, Access, Finding, OtherFeed};
use crate::model::watch_events::{Seen, WatchEvent};

impl Workspace {
    /// One watch cycle of the backend, with what changed since the last one in
    /// `events` (the first cycle compares with what was there before it).
    pub async fn watch_once(&mut self) -> Result<WatchReport> {
        self.settle_mode().await?;
        let mut seen = match self.seen.take() {
            Some(s) => s,
            None => Seen::of(self.mappings(), &self.findings(&crate::clock::now())),
        };
        let (core, backend) = self.backend()?;
        let report = backend.watch(core).await;
        let mut report = match report {
            Ok(r) => r,
            Err(e) => {
                self.seen = Some(seen);
                return Err(e);
            }
        };
        let findings = self.findings(&crate::clock::now());
        report.events = seen.update(self.mappings(), &report.pushed, &report.drifted, &findings);
        self.seen = Some(seen);
        Ok(report)
    }

    /// One whole cycle, as the app's watcher and `watch` run it: the backend's look, then
    /// the push rules' proposals (in `proposals`, and as events).
    pub async fn watch_cycle(&mut self) -> Result<WatchReport> {
        let mut report = self.watch_once().await?;
        let lines = self.rules_after_a_look(true).await?;
        report.events.extend(
            lines
                .iter()
                .map(|says| WatchEvent::ProposalMade { says: says.clone() }),
        );
        report.proposals = lines;
        Ok(report)
    }

    /// The Health check on what the workspace holds now.
    pub fn findings(&self, now: &str) -> Vec<Finding> {
        health::check(health::Input {
            dir: self.directory(),
            mappings: self.mappings(),
            other_feeds: &self.other_feeds(),
            access: &self.access(),
            now,
        })
    }

    /// The team roles the other pusher feeds, as the first import found them.
    pub fn other_feeds(&self) -> Vec<OtherFeed> {
        self.mode_report()
            .map(|r| {
                r.other_pushers
                    .iter()
                    .map(|p| OtherFeed {
                        mapping_id: p.mapping_id.clone(),
                        target_name: p.target_name.clone(),
                        by: p.by.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// What the Okta token may do, as the first import found out.
    pub fn access(&self) -> Access {
        match self.mode_report() {
            Some(r) => Access::from_mode(
                matches!(r.mode, PushMode::Okta(_)),
                r.warning.as_deref(),
                r.logs_denied.as_deref(),
            ),
            None => Access::default(),
        }
    }
}
