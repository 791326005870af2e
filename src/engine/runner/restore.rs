//! Restore, copy by names and undo from the app: the plan from a snapshot file (read off
//! the async threads) or from the journal, sent to the app as an event; its ticked rows applied
//! with progress, made again from the file first so nothing stale is applied.

use super::command::RestoreRequest;
use super::{Event, Runner};
use crate::engine::error::{EngineError, Result, partly, refused};
use crate::engine::files;
use crate::engine::workspace::journal::BulkKind;
use crate::model::restore::{RestoreOptions, RestorePlan};

impl Runner {
    /// The plan a request asks for, with what it is.
    async fn restore_plan_of(
        &mut self,
        request: &RestoreRequest,
    ) -> Result<(String, BulkKind, RestorePlan)> {
        let demo = self.demo.is_some();
        let snap = match &request.path {
            Some(p) => {
                let p = p.clone();
                let read = tokio::task::spawn_blocking(move || files::open_snapshot(&p)).await;
                match read {
                    Ok(r) => Some(r?),
                    Err(e) => {
                        return Err(EngineError::Failed(format!(
                            "The file work stopped unexpectedly: {e}"
                        )));
                    }
                }
            }
            None => None,
        };
        let ws = self.workspace()?;
        match snap {
            Some(snap) => {
                if !request.copy
                    && let Some(okta) = ws.other_org(&snap, demo)
                {
                    let why = format!(
                        "This snapshot is of another org (Okta {okta}); a restore puts mappings back only in the org it was taken of."
                    );
                    self.send(Event::RestoreRefused {
                        request: request.clone(),
                        okta,
                    });
                    return Err(refused(why));
                }
                let opts = RestoreOptions {
                    unlink_new: request.unlink_new,
                    members: request.members,
                    copy: request.copy,
                };
                let plan = ws.restore_plan(&snap, demo, opts)?;
                let when = crate::model::text::short_time(&snap.taken_at);
                Ok(if request.copy {
                    (
                        format!(
                            "Copy by names from the snapshot taken {when} of {}",
                            if snap.source.demo {
                                "the demo sandbox"
                            } else {
                                snap.source.okta_url.as_str()
                            }
                        ),
                        BulkKind::Copy,
                        plan,
                    )
                } else {
                    (
                        format!("Restore from the snapshot taken {when}"),
                        BulkKind::Restore,
                        plan,
                    )
                })
            }
            None => {
                let (entry, plan) = ws.undo_plan()?;
                Ok((entry.undo_what(), BulkKind::Undo, plan))
            }
        }
    }

    /// Plans a restore (an open snapshot is closed first: the plan is against live data).
    pub(super) async fn plan_restore(&mut self, request: RestoreRequest) -> Result<String> {
        if self.snapshot.is_some() {
            self.close_snapshot()?;
        }
        let (what, _, plan) = self.restore_plan_of(&request).await?;
        let summary = format!("{what}: {}.", plan.summary());
        self.send(Event::RestorePlanned {
            request,
            what,
            plan,
        });
        Ok(summary)
    }

    /// Applies a restore's plan (made again now) but the unticked rows.
    pub(super) async fn apply_restore(
        &mut self,
        request: RestoreRequest,
        unticked: &[String],
    ) -> Result<String> {
        if self.snapshot.is_some() {
            return Err(refused(
                "A snapshot is open (read-only); close it to restore.",
            ));
        }
        let (what, kind, plan) = self.restore_plan_of(&request).await?;
        let sink = self.sink.clone();
        let report = move |done, total, left| {
            sink.send(Event::Progress(crate::engine::workspace::ImportProgress {
                stage: "Changes made",
                done,
                total,
                left,
            }));
        };
        let ws = self.workspace()?;
        let done = if kind == BulkKind::Undo {
            ws.undo_last(unticked, 0, &report).await?
        } else {
            ws.apply_restore(&plan, &what, kind, unticked, 0, &report)
                .await?
        };
        let summary = done.summary(&what);
        match done.failed.first() {
            Some((row, e)) => Err(partly(summary, row.clone(), e.clone())),
            None => Ok(summary),
        }
    }
}
