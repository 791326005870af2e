//! Criterion benches of the pure parts: group-name parsing, diff and plan, Health and one
//! Explain, snapshot encode and decode. `cargo bench --bench pure`.
#![allow(clippy::unwrap_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use okta_statsig_teams::model::Directory;
use okta_statsig_teams::model::directory::{OktaGroup, OktaUser, StatsigGroup, StatsigUser};
use okta_statsig_teams::model::mapping::{Mapping, MappingStatus, PushAction};
use okta_statsig_teams::model::names;
use okta_statsig_teams::model::plan;
use okta_statsig_teams::model::snapshot::{Snapshot, Source};
use okta_statsig_teams::model::{explain, health};
use std::hint::black_box;

/// A directory of `users` people, `teams` teams and as many Okta groups, deterministic.
fn directory(users: usize, teams: usize) -> Directory {
    let projects: Vec<String> = (0..20).map(|p| format!("Project {p:02}")).collect();
    let statsig_users = (0..users)
        .map(|i| StatsigUser {
            id: format!("s{i:06}"),
            user_name: format!("user{i}@example.com"),
            given_name: "Given".into(),
            family_name: format!("F{i}"),
            email: format!("user{i}@example.com"),
            active: true,
            org_role: None,
        })
        .collect();
    let okta_users = (0..users)
        .map(|i| OktaUser {
            id: format!("o{i:06}"),
            status: "ACTIVE".into(),
            login: format!("user{i}@example.com"),
            email: format!("user{i}@example.com"),
            first_name: "Given".into(),
            last_name: format!("F{i}"),
        })
        .collect();
    let mut statsig_groups = Vec::new();
    let mut okta_groups = Vec::new();
    for t in 0..teams {
        for (r, role) in ["Admin", "Member"].iter().enumerate() {
            statsig_groups.push(StatsigGroup {
                id: format!("g{t:05}{r}"),
                display_name: format!(
                    "Statsig-{}-Team {t:05}-{role}",
                    projects[t % projects.len()]
                ),
                members: (0..80)
                    .map(|k| format!("s{:06}", (t * 37 + k * 11 + r) % users))
                    .collect(),
            });
        }
        okta_groups.push(OktaGroup {
            id: format!("og{t:05}"),
            name: format!("Group {t:05}"),
            description: String::new(),
            kind: "OKTA_GROUP".into(),
            members: (0..100)
                .map(|k| format!("o{:06}", (t * 37 + k * 13) % users))
                .collect(),
            last_membership_updated: None,
            members_pending: false,
        });
    }
    Directory::new(
        projects,
        vec![],
        statsig_users,
        statsig_groups,
        okta_users,
        okta_groups,
    )
}

fn benches(c: &mut Criterion) {
    let projects: Vec<String> = [
        "Okta Test Proj",
        "Checkout",
        "Checkout Web",
        "Data-Platform",
        "Mobile",
        "Mobile-Payments",
    ]
    .map(String::from)
    .to_vec();
    c.bench_function("parse a team group name", |b| {
        b.iter(|| {
            names::parse_group_name(black_box("Statsig-Data-Platform-ML-Ops-Member"), &projects)
        })
    });
    c.bench_function("parse an ambiguous name", |b| {
        b.iter(|| {
            names::parse_group_name(black_box("Statsig-Mobile-Payments-Core-Member"), &projects)
        })
    });

    let d = directory(20_000, 1_000);
    let pairs: Vec<(String, String)> = (0..1_000)
        .flat_map(|t| {
            [
                (format!("og{t:05}"), format!("g{t:05}0")),
                (format!("og{t:05}"), format!("g{t:05}1")),
            ]
        })
        .collect();
    c.bench_function("plan 2,000 role groups", |b| {
        b.iter(|| {
            pairs
                .iter()
                .map(|(o, s)| plan::plan_push(&d, o, s, 100).unwrap().request_count())
                .sum::<usize>()
        })
    });

    // A mapping per team role, from its team's Okta group.
    let mappings: Vec<Mapping> = pairs
        .iter()
        .enumerate()
        .map(|(k, (o, s))| Mapping {
            id: format!("m{k}"),
            okta_group_id: o.clone(),
            okta_group_name: d.okta_group(o).unwrap().name.clone(),
            statsig_group_id: s.clone(),
            statsig_group_name: d.statsig_group(s).unwrap().display_name.clone(),
            action: PushAction::Link,
            status: MappingStatus::Active,
            created: "2026-01-01T00:00:00.000Z".into(),
            last_push: None,
            last_counts: None,
            last_pushed_members: vec![],
            drift: None,
            remote: None,
        })
        .collect();
    let access = health::Access::default();
    c.bench_function("health over 20,000 users and 2,000 mappings", |b| {
        b.iter(|| {
            health::check(health::Input {
                dir: &d,
                mappings: &mappings,
                other_feeds: &[],
                access: &access,
                now: "2026-06-01T00:00:00.000Z",
            })
            .len()
        })
    });
    c.bench_function("explain one person across 2,000 mappings", |b| {
        b.iter(|| {
            let who = explain::find(&d, black_box("user37@example.com")).unwrap();
            explain::explain(&d, &mappings, &who, None).roles.len()
        })
    });

    let snap = Snapshot::capture("2026-01-01T00:00:00.000Z", Source::default(), &d, &[]);
    let json = snap.to_json();
    let mut g = c.benchmark_group("snapshot");
    g.sample_size(10);
    g.bench_function("encode (20,000 users, 1,000 teams)", |b| {
        b.iter(|| snap.to_json().len())
    });
    g.bench_function("decode and index", |b| {
        b.iter(|| {
            Snapshot::from_json(&json)
                .unwrap()
                .directory()
                .statsig_groups
                .len()
        })
    });
    g.finish();
}

criterion_group!(pure, benches);
criterion_main!(pure);
