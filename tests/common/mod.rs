//! Helpers shared by the integration tests: a sandbox on loopback and raw HTTP calls.
#![allow(dead_code)]

use okta_statsig_teams::engine::state::StateStore;
use okta_statsig_teams::engine::{Connection, Workspace};
use okta_statsig_teams::net::{RetryPolicy, Silent};
use okta_statsig_teams::sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

pub async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig::default())
        .await
        .expect("sandbox starts")
}

pub struct Http {
    pub client: reqwest::Client,
}

/// One raw answer: status, headers, JSON body (Null when empty).
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Http {
    pub fn new() -> Self {
        Http {
            client: reqwest::Client::new(),
        }
    }

    pub async fn call(
        &self,
        method: &str,
        url: &str,
        auth: Option<String>,
        body: Option<Value>,
    ) -> Answer {
        let mut b = self.client.request(method.parse().unwrap(), url);
        if let Some(a) = auth {
            b = b.header("authorization", a);
        }
        if let Some(v) = body {
            b = b
                .header("content-type", "application/scim+json")
                .body(v.to_string());
        }
        let r = b.send().await.expect("request sent");
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let text = r.text().await.unwrap_or_default();
        let body = if text.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Answer {
            status,
            headers,
            body,
        }
    }
}

/// SCIM calls with the sandbox's bearer token.
pub async fn scim(s: &Sandbox, method: &str, path: &str, body: Option<Value>) -> Answer {
    Http::new()
        .call(
            method,
            &format!("{}{}", s.statsig_url, path),
            Some(format!("Bearer {}", s.statsig_token.expose())),
            body,
        )
        .await
}

/// Okta calls with the sandbox's SSWS token; `path_or_url` may be a full URL (Link headers).
pub async fn okta(s: &Sandbox, method: &str, path_or_url: &str, body: Option<Value>) -> Answer {
    let url = if path_or_url.starts_with("http") {
        path_or_url.to_string()
    } else {
        format!("{}{}", s.okta_url, path_or_url)
    };
    Http::new()
        .call(
            method,
            &url,
            Some(format!("SSWS {}", s.okta_token.expose())),
            body,
        )
        .await
}

pub fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// A workspace on the sandbox with its state in `dir`.
pub fn workspace(s: &Sandbox, dir: &std::path::Path) -> Workspace {
    let conn = Connection {
        statsig_url: s.statsig_url.clone(),
        statsig_token: s.statsig_token.clone(),
        okta_url: s.okta_url.clone(),
        okta_token: s.okta_token.clone(),
        projects: s.projects(),
        org_domains: vec![s.org_domain()],
        batch_size: 0,
        guard: Default::default(),
    };
    let policy = RetryPolicy {
        base_delay: Duration::from_millis(20),
        ..RetryPolicy::default()
    };
    Workspace::open(
        conn,
        StateStore::new(dir.join("state.json")),
        policy,
        Arc::new(Silent),
    )
    .expect("workspace opens")
    .0
}
