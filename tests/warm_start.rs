//! Warm start: the directory as last read is kept beside the mappings, shown at once on
//! the next start, and refreshed by reading only what Okta changed since.
#![allow(clippy::unwrap_used)]

mod common;

use okta_statsig_teams::engine::workspace::cache::{CACHE_FILE, CacheLoad};
use okta_statsig_teams::net::RetryPolicy;
use okta_statsig_teams::sandbox::Sandbox;
use std::sync::Arc;

fn open(
    s: &Sandbox,
    dir: &std::path::Path,
    seen: Arc<common::Requests>,
) -> okta_statsig_teams::engine::Workspace {
    let mut ws = common::open(common::connection(s), dir, RetryPolicy::default(), seen);
    ws.keep_cache(true);
    ws
}

#[tokio::test]
async fn the_next_start_shows_the_cache_at_once_and_reads_only_what_changed() {
    let s = common::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let first = Arc::new(common::Requests::default());
    let mut ws = open(&s, dir.path(), first.clone());
    ws.import(|_| {}).await.unwrap();
    let cache = dir.path().join(CACHE_FILE);
    let text = std::fs::read_to_string(&cache).expect("the import keeps a cache");
    assert!(!text.contains(s.okta_token.expose()) && !text.contains(s.statsig_token.expose()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&cache).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the cache is the user's alone");
    }
    let before = common::okta_side(&ws);

    // Someone changes one group in Okta while the app is closed.
    let group = ws
        .directory()
        .okta_group_by_name("Payments Engineers")
        .unwrap()
        .id
        .clone();
    let outsider = ws
        .directory()
        .okta_users
        .iter()
        .find(|u| {
            !ws.directory()
                .okta_group(&group)
                .unwrap()
                .members
                .contains(&u.id)
        })
        .unwrap()
        .id
        .clone();
    drop(ws);
    let put = common::okta(
        &s,
        "PUT",
        &format!("/api/v1/groups/{group}/users/{outsider}"),
        None,
    )
    .await;
    assert_eq!(put.status, 204);

    // The next start: the cached directory shows before any request is sent.
    let seen = Arc::new(common::Requests::default());
    let mut ws = open(&s, dir.path(), seen.clone());
    let CacheLoad::Shown(warm) = ws.load_cache() else {
        panic!("the cache is shown")
    };
    assert_eq!(seen.0.lock().unwrap().len(), 0, "nothing sent to show it");
    assert_eq!(common::okta_side(&ws), before, "as it was read");
    assert_eq!(ws.warm(), Some(&warm));

    // The refresh reads the changed users and the one changed group's members.
    ws.import(|_| {}).await.unwrap();
    assert_eq!(ws.warm(), None);
    let requests = seen.0.lock().unwrap().clone();
    let member_reads: Vec<_> = requests
        .iter()
        .filter(|(_, p)| p.starts_with("/api/v1/groups/") && p.ends_with("/users"))
        .collect();
    assert_eq!(
        member_reads,
        [&("GET".to_string(), format!("/api/v1/groups/{group}/users"))],
        "only the changed group's members are read again"
    );
    assert!(
        ws.directory()
            .okta_group(&group)
            .unwrap()
            .members
            .contains(&outsider),
        "the change is seen"
    );

    // The same as reading everything.
    let full_dir = tempfile::tempdir().unwrap();
    let mut full = common::workspace(&s, full_dir.path());
    full.import(|_| {}).await.unwrap();
    assert_eq!(common::okta_side(&ws), common::okta_side(&full));
    assert_eq!(
        ws.directory().okta_users.len(),
        full.directory().okta_users.len()
    );
}

#[tokio::test]
async fn a_damaged_cache_is_moved_aside_named_and_read_again() {
    let s = common::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join(CACHE_FILE);
    std::fs::write(
        &cache,
        b"{\"format\": \"okta-statsig-teams/snapshot\", \"version\": 3, \"cut",
    )
    .unwrap();
    let mut ws = open(&s, dir.path(), Arc::default());
    let CacheLoad::MovedAside(why) = ws.load_cache() else {
        panic!("a damaged cache is moved aside")
    };
    assert!(
        why.starts_with("The cached directory could not be used"),
        "{why}"
    );
    assert!(!cache.exists(), "not read again");
    let aside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".damaged-"))
        .collect();
    assert_eq!(aside.len(), 1, "kept, not lost: {why}");
    assert!(
        ws.directory().okta_groups.is_empty(),
        "nothing half-read is shown"
    );
    ws.import(|_| {}).await.unwrap();
    assert!(cache.exists(), "a good cache is written again");
}

#[tokio::test]
async fn another_orgs_cache_is_never_shown() {
    let s = common::sandbox().await;
    let other = common::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let mut ws = open(&other, dir.path(), Arc::default());
    ws.import(|_| {}).await.unwrap();
    drop(ws);
    let mut ws = open(&s, dir.path(), Arc::default());
    assert_eq!(ws.load_cache(), CacheLoad::Missing);
    assert!(ws.directory().okta_groups.is_empty());
}

#[test]
fn forget_cache_removes_the_profiles_cache_only() {
    let data = tempfile::tempdir().unwrap();
    let work = data.path().join("profiles").join("Work");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(data.path().join(CACHE_FILE), "{}").unwrap();
    std::fs::write(work.join(CACHE_FILE), "{}").unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_okta-statsig-teams"))
            .args(args)
            .env("OKTA_STATSIG_TEAMS_DATA_DIR", data.path())
            .output()
            .unwrap()
    };
    let out = run(&["--profile", "Work", "forget-cache"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("was removed"));
    assert!(!work.join(CACHE_FILE).exists());
    assert!(data.path().join(CACHE_FILE).exists(), "Default's stays");
    let again = run(&["--profile", "Work", "forget-cache"]);
    assert!(String::from_utf8_lossy(&again.stderr).contains("no cached directory"));
}
