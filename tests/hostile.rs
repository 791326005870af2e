//! Hostile input handled as data: property tests for the name parser, the SCIM and Okta
//! decoders and the filter builder (inside the sandbox), and hostile servers.
#![allow(clippy::unwrap_used)]

use axum::extract::OriginalUri;
use axum::routing::get;
use okta_statsig_teams::model::filter;
use okta_statsig_teams::model::names::{self, ParsedName, Role};
use okta_statsig_teams::model::secret::Secret;
use okta_statsig_teams::net::ApiError;
use okta_statsig_teams::net::{RetryPolicy, Silent};
use okta_statsig_teams::sandbox::seed::{SeedKind, SeedSpec};
use okta_statsig_teams::sandbox::world::{Rules, World};
use okta_statsig_teams::scim::{self, ScimClient};
use proptest::prelude::*;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        "\\PC{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("id"),
            Just("userName"),
            Just("displayName"),
            Just("members"),
            Just("value"),
            Just("profile"),
            Just("name")
        ]
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("id".to_string()),
                    Just("userName".to_string()),
                    Just("displayName".to_string()),
                    Just("members".to_string()),
                    Just("value".to_string()),
                    Just("emails".to_string()),
                    Just("profile".to_string()),
                    Just("name".to_string()),
                    "[a-z]{1,6}"
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_name_parser_never_panics_and_valid_teams_read_back(
        name in "\\PC{0,60}",
        project in "[A-Za-z][A-Za-z0-9 -]{0,15}[A-Za-z0-9]",
        team in "[A-Za-z][A-Za-z0-9 -]{0,15}[A-Za-z0-9]",
    ) {
        let projects = vec![project.clone(), "Checkout".to_string(), "Data-Platform".to_string()];
        let _ = names::parse_group_name(&name, &projects);
        let _ = names::parse_group_name(&format!("Statsig-{name}-Member"), &projects);
        // A known project and a plain team name make a name that reads back, unless the
        // two known projects that share a prefix make it ambiguous (said, never guessed).
        match names::validate_new_team(&project, &team, Role::Member, &projects) {
            Ok(n) => prop_assert_eq!(
                names::parse_group_name(&n, &projects),
                ParsedName::Team { project, team, role: Role::Member }
            ),
            Err(names::NameError::Ambiguous { .. }) => prop_assert!(
                project.contains('-') || team.contains('-'),
                "{} / {} called ambiguous", project, team
            ),
            Err(e) => prop_assert!(false, "{} / {} refused: {}", project, team, e),
        }
    }

    /// Any group name and any rule text: a push rule matches or not, and names a team
    /// without panicking; a pattern without wildcards matches only the name itself.
    #[test]
    fn push_rules_never_panic_on_any_name(name in "\\PC{0,40}", text in "\\PC{0,12}", how in 0u8..3) {
        use okta_statsig_teams::model::push_rule::{NameMatch, PushRule, RuleAction};
        let how = [NameMatch::StartsWith, NameMatch::Contains, NameMatch::Pattern][how as usize];
        let rule = PushRule {
            id: "r1".into(),
            name: "r".into(),
            how,
            text: text.clone(),
            kind: None,
            action: RuleAction::Link { project: None },
            auto_create: false,
        };
        let team = rule.derived_team(&name);
        // A pattern without wildcards matches the name itself (any case) and nothing else.
        if how == NameMatch::Pattern && !text.contains(['*', '?']) {
            prop_assert_eq!(team.is_some(), text.trim().to_lowercase() == name.to_lowercase());
        }
    }

    /// Names made to match a rule's text do match it, with the team the rule states;
    /// names made not to match do not.
    #[test]
    fn push_rules_match_the_names_their_text_says(
        // Letters in the text, digits around it: the text appears once in a made name.
        text in "[A-Za-z][A-Za-z _]{0,10}[A-Za-z]",
        rest in "[0-9 ]{0,12}",
        how in 0u8..3,
    ) {
        use okta_statsig_teams::model::push_rule::{NameMatch, PushRule, RuleAction};
        let how = [NameMatch::StartsWith, NameMatch::Contains, NameMatch::Pattern][how as usize];
        let rule = PushRule {
            id: "r1".into(),
            name: "r".into(),
            how,
            text: text.clone(),
            kind: None,
            action: RuleAction::Link { project: None },
            auto_create: false,
        };
        let flipped: String = text
            .chars()
            .map(|c| if c.is_ascii_lowercase() { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() })
            .collect();
        let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let (matching, team, other) = match how {
            NameMatch::StartsWith => (format!("{flipped}{rest}"), words(&rest), format!("~{text}{rest}")),
            NameMatch::Contains => (format!("{rest} {flipped} {rest}"), words(&format!("{rest} {rest}")), format!("{rest}~_~{rest}")),
            NameMatch::Pattern => (flipped.clone(), words(&flipped), format!("{text}~")),
        };
        let got = rule.derived_team(&matching);
        prop_assert!(got.is_some(), "{:?} does not match {:?}", matching, text);
        if how != NameMatch::Pattern {
            prop_assert_eq!(got.unwrap(), team);
        }
        prop_assert_eq!(rule.derived_team(&other), None, "{:?} matches {:?}", other, text);
    }

    #[test]
    fn scim_and_okta_decoders_never_panic(v in any_json()) {
        let _ = scim::decode_user(&v);
        let _ = scim::decode_group(&v);
        let _ = okta_statsig_teams::okta::decode_user(&v);
        let _ = okta_statsig_teams::okta::decode_group(&v);
    }

    /// Any name, once quoted by the filter builder, matches only itself in the sandbox.
    #[test]
    fn a_quoted_name_matches_only_itself_in_the_sandbox(names in prop::collection::btree_set("\\PC{1,24}", 1..8)) {
        let mut world = World::new(1, Rules { generic: true, org_domain: "x.dev".into(), projects: vec![] });
        let mut lower = std::collections::HashSet::new();
        for n in &names {
            // Names differing only in case are one name to SCIM; blank names are refused.
            if n.trim().is_empty() || !lower.insert(n.to_lowercase()) {
                continue;
            }
            world.create_group(json!({"displayName": n}), "t").unwrap();
        }
        for extra in ["\" or displayName pr", "x\") or (displayName pr", "\\", "*"] {
            let _ = world.create_group(json!({"displayName": extra}), "t");
        }
        for n in names.iter().filter(|n| !n.trim().is_empty()) {
            let (total, page, _) = world.list(true, Some(&filter::eq("displayName", n)), None, None, 1000).unwrap();
            prop_assert_eq!(total, 1, "{}", n);
            prop_assert_eq!(page[0]["displayName"].as_str().unwrap().to_lowercase(), n.to_lowercase());
        }
    }
}

#[test]
fn a_filter_injection_is_just_a_name() {
    let spec = SeedSpec {
        seed: 1,
        kind: SeedKind::Demo,
        generic: false,
    };
    let world = okta_statsig_teams::sandbox::seed::build(&spec);
    let (total, _, _) = world
        .list(
            true,
            Some(&filter::eq(
                "displayName",
                "\" or displayName pr or displayName eq \"",
            )),
            None,
            None,
            1000,
        )
        .unwrap();
    assert_eq!(total, 0, "the injected clause is part of the quoted value");
}

/// A server that records the raw paths it is asked for and answers with `body`.
async fn recording_server(
    body: Arc<dyn Fn() -> String + Send + Sync>,
) -> (String, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s2 = seen.clone();
    let app = axum::Router::new().fallback(get(move |uri: OriginalUri| {
        let seen = s2.clone();
        let body = body.clone();
        async move {
            seen.lock().unwrap().push(uri.0.path().to_string());
            ([("content-type", "application/scim+json")], body())
        }
    }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/scim", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

fn client(url: &str) -> ScimClient {
    ScimClient::new(
        url,
        Secret::new("t"),
        RetryPolicy {
            max_attempts: 1,
            timeout: Duration::from_secs(30),
            ..RetryPolicy::default()
        },
        Arc::new(Silent),
    )
    .unwrap()
}

#[tokio::test]
async fn ids_with_path_characters_stay_inside_their_path_segment() {
    let (url, seen) = recording_server(Arc::new(|| {
        json!({"id": "x", "displayName": "Statsig-A-B-Member"}).to_string()
    }))
    .await;
    let c = client(&url);
    let _ = c.get_group("../Users/evil\"?x=1#frag").await;
    let paths = seen.lock().unwrap().clone();
    assert_eq!(
        paths,
        vec!["/scim/Groups/%2E%2E%2FUsers%2Fevil%22%3Fx%3D1%23frag".to_string()]
    );
}

#[tokio::test]
async fn huge_nested_or_mistyped_answers_are_errors_not_crashes() {
    let huge = "[".repeat(10) + &"1,".repeat(35_000_000) + "1" + &"]".repeat(10);
    let huge = Arc::new(huge);
    let (url, _) = recording_server(Arc::new(move || huge.as_str().to_string())).await;
    let e = client(&url).list_users(None).await.unwrap_err();
    assert!(
        matches!(&e, ApiError::Decode { reason, .. } if reason.contains("larger than")),
        "{e}"
    );

    let (url, _) = recording_server(Arc::new(|| "[".repeat(100_000))).await;
    let e = client(&url).list_users(None).await.unwrap_err();
    assert!(matches!(e, ApiError::Decode { .. }), "{e}");

    let (url, _) = recording_server(Arc::new(|| {
        json!({"totalResults": "lots", "Resources": 7}).to_string()
    }))
    .await;
    let e = client(&url).list_users(None).await.unwrap_err();
    assert!(e.to_string().contains("totalResults"), "{e}");

    let (url, _) = recording_server(Arc::new(|| {
        json!({"totalResults": 1, "Resources": [{"id": 5, "userName": ["x"]}]}).to_string()
    }))
    .await;
    let e = client(&url).list_users(None).await.unwrap_err();
    assert!(e.to_string().contains("unreadable"), "{e}");
}

#[test]
fn names_with_control_and_bidi_characters_are_shown_escaped() {
    let shown = names::display_safe("Statsig-Checkout-\u{202E}evil\u{0007}-Member");
    assert!(
        !shown
            .chars()
            .any(|c| c.is_control() || names::is_formatting_mark(c))
    );
    assert!(shown.contains("\\u{202E}"));
}
