//! A first import shows what the views need first (users, groups, the mapped groups'
//! members) and reads the other groups' members after, side by side.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

#[tokio::test]
async fn a_first_import_shows_the_mapped_groups_first_and_fills_in_the_rest() {
    let s = common::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let mut ws = common::workspace(&s, dir.path());
    ws.import(|_| {}).await.unwrap();
    assert!(
        !ws.members_pending(),
        "a whole import leaves nothing to read"
    );
    let whole = common::okta_side(&ws);
    let (okta, target) = common::pair(
        &ws,
        "Payments Engineers",
        "Statsig-Checkout-Payments-Member",
    );
    ws.link(&okta, &target, true).await.unwrap();
    drop(ws);

    // The next start (no cache kept): the views get the mapped group's members first.
    let mut ws = common::workspace(&s, dir.path());
    ws.import_first(|_| {}).await.unwrap();
    assert!(ws.members_pending());
    let d = ws.directory();
    let mapped = d.okta_group(&okta).unwrap();
    assert!(!mapped.members_pending);
    assert!(whole.contains(&(okta.clone(), mapped.members.clone())));
    let others: Vec<_> = d.okta_groups.iter().filter(|g| g.id != okta).collect();
    assert!(!others.is_empty());
    assert!(
        others
            .iter()
            .all(|g| g.members_pending && g.members.is_empty()),
        "the other groups are marked, not shown empty as if read"
    );
    let other = others[0].id.clone();
    let other_name = others[0].name.clone();
    assert!(
        ws.plan(&okta, &target).is_ok(),
        "the mapped group plans now"
    );
    let refused = ws.plan(&other, &target).unwrap_err().to_string();
    assert_eq!(
        refused,
        format!(
            "Okta group \"{other_name}\"'s members are still being read; plan it when the import has finished"
        )
    );

    // The rest comes in.
    let mut rounds = 0;
    while ws.members_pending() {
        ws.read_pending_members(Duration::from_millis(20))
            .await
            .unwrap();
        rounds += 1;
        assert!(rounds < 10_000);
    }
    assert_eq!(common::okta_side(&ws), whole, "the same as a whole import");
    assert!(
        ws.directory()
            .okta_groups
            .iter()
            .all(|g| !g.members_pending)
    );
    assert!(ws.plan(&other, &target).is_ok());

    // A refresh keeps what is shown until everything is in: nothing turns "pending".
    ws.import_first(|_| {}).await.unwrap();
    assert!(!ws.members_pending());
    assert_eq!(common::okta_side(&ws), whole);
}

#[tokio::test]
async fn a_cancel_while_members_come_in_keeps_the_rest_marked_and_the_next_import_reads_them() {
    use okta_statsig_teams::sandbox::limits::OktaLimits;
    use okta_statsig_teams::sandbox::{Sandbox, SandboxConfig};
    // A group's members at 5 requests a second: the reading is still going on.
    let s = Sandbox::start(SandboxConfig {
        okta_limits: OktaLimits {
            group: 5,
            ..OktaLimits::none()
        },
        okta_rate_window_secs: 1,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cancel = okta_statsig_teams::net::CancelToken::default();
    let mut ws = common::open_with_cancel(
        common::connection(&s),
        dir.path(),
        okta_statsig_teams::net::RetryPolicy::default(),
        std::sync::Arc::new(okta_statsig_teams::net::Silent),
        cancel.clone(),
    );
    ws.import_first(|_| {}).await.unwrap();
    assert!(ws.members_pending());
    cancel.cancel();
    let stopped = ws.read_pending_members(Duration::from_secs(30)).await;
    assert!(
        matches!(
            stopped,
            Err(okta_statsig_teams::engine::EngineError::Cancelled)
        ),
        "{stopped:?}"
    );
    assert!(!ws.members_pending(), "the reading stopped");
    let d = ws.directory();
    assert!(!d.members_reading, "nothing says they are being read");
    let unread = d.okta_groups.iter().find(|g| g.members_pending).unwrap();
    let (unread, unread_name) = (unread.id.clone(), unread.name.clone());
    let target = d
        .statsig_group_by_name("Statsig-Checkout-Payments-Member")
        .unwrap()
        .id
        .clone();
    let not_read = format!(
        "Okta group \"{unread_name}\"'s members were not read (the import stopped before them); Refresh reads them, then it can be planned"
    );
    assert_eq!(ws.plan(&unread, &target).unwrap_err().to_string(), not_read);

    // No mapping is made whose plan cannot be made: not by Link, not by Create (the
    // command line's link and create are these calls).
    let teams_before = s.world().groups.len();
    for push_now in [false, true] {
        let link = ws.link(&unread, &target, push_now).await;
        assert_eq!(link.unwrap_err().to_string(), not_read);
        let create = ws
            .create(&unread, "Checkout", "Unread Team", push_now)
            .await;
        assert_eq!(create.unwrap_err().to_string(), not_read);
    }
    assert!(ws.mappings().is_empty(), "no mapping saved");
    assert_eq!(s.world().groups.len(), teams_before, "no team created");

    // The next import reads every group whole.
    cancel.reset();
    ws.import(|_| {}).await.unwrap();
    assert!(
        ws.directory()
            .okta_groups
            .iter()
            .all(|g| !g.members_pending)
    );
}
