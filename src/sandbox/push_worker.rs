//! The sandbox's Okta push worker: does what Okta does for every ACTIVE Group Push
//! mapping, over real HTTP to the Statsig emulator, a little later (Okta's pushes "can
//! take a few minutes"). A mapping made or activated gets a full push: the target group
//! is found by id, or by `displayName eq` for a mapping made by name (created with no
//! members when missing), and its members are made Okta's. Later membership changes of
//! the source group are pushed as PATCH adds and removes. Failures put the mapping in
//! ERROR with Statsig's refusal in `errorSummary`. Unlink with *Delete* sends `DELETE
//! /Groups/{id}`.

use super::shared::Shared;
use super::world::{GROUP_SCHEMA, PushJob, PushOutcome, push_error_summary};
use crate::model::secret::Secret;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

/// How often the worker looks for work.
const TICK: Duration = Duration::from_millis(100);
/// Membership changes per PATCH.
const BATCH: usize = 100;
const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/// The worker's way to Statsig.
struct Scim {
    client: reqwest::Client,
    base: String,
    token: Secret,
}

/// Why a push failed, in the words Okta's error summary carries.
#[derive(Debug)]
struct Failure(String);

/// A SCIM answer: status and JSON body.
struct Reply {
    status: u16,
    body: Value,
}

impl Scim {
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Reply, Failure> {
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(self.token.expose());
        if let Some(b) = body {
            req = req
                .header(reqwest::header::CONTENT_TYPE, "application/scim+json")
                .body(b.to_string());
        }
        let resp = req
            .send()
            .await
            .map_err(|e| Failure(format!("Statsig could not be reached ({e})")))?;
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap_or_default();
        Ok(Reply {
            status,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
        })
    }
}

/// Statsig's refusal as a sentence.
fn refusal(what: &str, r: &Reply) -> Failure {
    let detail = r
        .body
        .get("detail")
        .and_then(Value::as_str)
        .unwrap_or("no detail given");
    Failure(format!(
        "Statsig answered {} when {what}: {detail}",
        r.status
    ))
}

fn members_of(group: &Value) -> BTreeSet<String> {
    group
        .get("members")
        .and_then(Value::as_array)
        .map(|m| {
            m.iter()
                .filter_map(|x| x.get("value").and_then(Value::as_str))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Runs until `stop` turns true.
pub(super) async fn run(
    shared: Arc<Shared>,
    scim_base: String,
    delay: Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let scim = Scim {
        client: reqwest::Client::builder()
            .user_agent("Okta SCIM Client 1.0.0")
            .timeout(Duration::from_secs(30))
            // Loopback only: a proxy from the environment never sees the token.
            .no_proxy()
            .build()
            .unwrap_or_default(),
        base: scim_base,
        token: shared.statsig_token.clone(),
    };
    loop {
        tokio::select! {
            _ = tokio::time::sleep(TICK) => {}
            _ = stop.wait_for(|s| *s) => return,
        }
        let now_ms = u64::try_from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_millis(),
        )
        .unwrap_or(u64::MAX);
        let delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        let (jobs, deletes) = {
            let mut w = shared.world();
            (w.due_pushes(now_ms, delay_ms), w.take_scim_deletes())
        };
        for id in deletes {
            // A group already gone is what was wanted.
            let _ = scim
                .call(reqwest::Method::DELETE, &format!("/Groups/{id}"), None)
                .await;
        }
        for job in jobs {
            let outcome = push(&scim, &job).await;
            shared
                .world()
                .record_push(&job, outcome, &crate::clock::now());
        }
    }
}

/// One push, as Okta sends it.
async fn push(scim: &Scim, job: &PushJob) -> PushOutcome {
    match push_inner(scim, job).await {
        Ok(o) => o,
        Err(Failure(detail)) => PushOutcome::Failed(push_error_summary(
            &crate::clock::now(),
            &job.target_name,
            &detail,
        )),
    }
}

async fn push_inner(scim: &Scim, job: &PushJob) -> Result<PushOutcome, Failure> {
    let (scim_id, current) = target(scim, job).await?;
    let (adds, removes): (Vec<&String>, Vec<&String>) = if job.full {
        (
            job.desired.difference(&current).collect(),
            current.difference(&job.desired).collect(),
        )
    } else {
        (
            job.desired.difference(&job.previous).collect(),
            job.previous.difference(&job.desired).collect(),
        )
    };
    let mut ops: Vec<Value> = removes
        .iter()
        .map(|id| json!({"op": "remove", "path": format!("members[value eq \"{id}\"]")}))
        .collect();
    ops.extend(
        adds.iter()
            .map(|id| json!({"op": "add", "path": "members", "value": [{"value": id}]})),
    );
    for chunk in ops.chunks(BATCH) {
        let r = scim
            .call(
                reqwest::Method::PATCH,
                &format!("/Groups/{scim_id}"),
                Some(json!({"schemas": [PATCH_SCHEMA], "Operations": chunk})),
            )
            .await?;
        if !(200..300).contains(&r.status) {
            return Err(refusal("updating its members", &r));
        }
    }
    Ok(PushOutcome::Pushed {
        scim_id,
        members: job.desired.clone(),
    })
}

/// The Statsig group to push into and its members: by id when linked, else by name,
/// created empty when Statsig has none of that name.
async fn target(scim: &Scim, job: &PushJob) -> Result<(String, BTreeSet<String>), Failure> {
    if let Some(id) = &job.scim_id {
        let r = scim
            .call(reqwest::Method::GET, &format!("/Groups/{id}"), None)
            .await?;
        return match r.status {
            200 => Ok((id.clone(), members_of(&r.body))),
            404 => Err(Failure(format!(
                "the group was not found in Statsig (id {id}); it may have been deleted there"
            ))),
            _ => Err(refusal("reading the group", &r)),
        };
    }
    let filter = format!(
        "displayName eq {}",
        crate::model::filter::quote(&job.target_name)
    );
    let path = format!(
        "/Groups?filter={}",
        percent_encoding::utf8_percent_encode(&filter, percent_encoding::NON_ALPHANUMERIC)
    );
    let found = scim.call(reqwest::Method::GET, &path, None).await?;
    if found.status != 200 {
        return Err(refusal("looking the group up by name", &found));
    }
    if let Some(g) = found
        .body
        .get("Resources")
        .and_then(Value::as_array)
        .and_then(|r| r.first())
        && let Some(id) = g.get("id").and_then(Value::as_str)
    {
        return Ok((id.to_string(), members_of(g)));
    }
    let created = scim
        .call(
            reqwest::Method::POST,
            "/Groups",
            Some(json!({"schemas": [GROUP_SCHEMA], "displayName": job.target_name, "members": []})),
        )
        .await?;
    match (
        created.status,
        created.body.get("id").and_then(Value::as_str),
    ) {
        (201, Some(id)) => Ok((id.to_string(), BTreeSet::new())),
        _ => Err(refusal("creating the group", &created)),
    }
}
