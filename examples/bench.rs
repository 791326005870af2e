//! Benchmarks at enterprise scale against `sandbox --seed large` on loopback, printed as
//! one table: each figure, its target, and the side-by-side ratio where there is one.
//! Run through `scripts/bench.sh` (release build). `--quick` uses a small fixture.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use futures::StreamExt;
use okta_statsig_teams::engine::runner::Target;
use okta_statsig_teams::engine::secrets::MemoryStore;
use okta_statsig_teams::engine::state::StateStore;
use okta_statsig_teams::engine::{Connection, Workspace};
use okta_statsig_teams::model::plan;
use okta_statsig_teams::model::secret::Secret;
use okta_statsig_teams::net::{Observer, RequestRecord, RetryPolicy, WaitRecord};
use okta_statsig_teams::ui::{Action, App, AppOptions, Tab};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const TOKEN: &str = "bench-token";

struct Row {
    figure: String,
    value: String,
    target: String,
    met: Option<bool>,
}

#[derive(Default)]
struct Count {
    requests: AtomicU64,
    patches: AtomicU64,
}

impl Observer for Count {
    fn request(&self, r: RequestRecord) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        if r.method == "PATCH" {
            self.patches.fetch_add(1, Ordering::Relaxed);
        }
    }
    fn wait(&self, _: WaitRecord) {}
}

impl Count {
    fn take(&self) -> (u64, u64) {
        (
            self.requests.swap(0, Ordering::Relaxed),
            self.patches.swap(0, Ordering::Relaxed),
        )
    }
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn p95(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[((v.len() as f64 * 0.95) as usize).min(v.len() - 1)]
}

/// The pages an import needs, fetched by a client that does nothing with them.
async fn bare_import(
    statsig: &str,
    okta: &str,
    page: usize,
    concurrency: usize,
    okta_limit: usize,
) {
    let http = reqwest::Client::new();
    let get = |url: String, auth: String| {
        let http = http.clone();
        async move {
            let r = http
                .get(&url)
                .header("authorization", auth)
                .send()
                .await
                .unwrap();
            let next = okta_statsig_teams::okta::next_link(r.headers());
            let body = r.bytes().await.unwrap();
            (body, next)
        }
    };
    let bearer = format!("Bearer {TOKEN}");
    let ssws = format!("SSWS {TOKEN}");
    let scim_side = |path: &'static str| {
        let bearer = bearer.clone();
        async move {
            let (first, _) = get(
                format!("{statsig}{path}?startIndex=1&count={page}"),
                bearer.clone(),
            )
            .await;
            let v: serde_json::Value = serde_json::from_slice(&first).unwrap();
            let total = v["totalResults"].as_u64().unwrap() as usize;
            let starts: Vec<usize> = (1..total.div_ceil(page)).map(|i| 1 + i * page).collect();
            futures::stream::iter(starts.into_iter().map(|s| {
                get(
                    format!("{statsig}{path}?startIndex={s}&count={page}"),
                    bearer.clone(),
                )
            }))
            .buffer_unordered(concurrency)
            .count()
            .await;
        }
    };
    let chain = |first: String| {
        let ssws = ssws.clone();
        async move {
            let mut bodies = Vec::new();
            let mut url = Some(first);
            while let Some(u) = url {
                let (b, next) = get(u, ssws.clone()).await;
                bodies.push(b);
                url = next;
            }
            bodies
        }
    };
    let okta_groups = async {
        let pages = chain(format!("{okta}/api/v1/groups?limit={okta_limit}")).await;
        let ids: Vec<String> = pages
            .iter()
            .flat_map(|b| serde_json::from_slice::<Vec<serde_json::Value>>(b).unwrap())
            .map(|g| g["id"].as_str().unwrap().to_string())
            .collect();
        futures::stream::iter(ids.into_iter().map(|id| {
            chain(format!(
                "{okta}/api/v1/groups/{id}/users?limit={okta_limit}"
            ))
        }))
        .buffer_unordered(concurrency)
        .count()
        .await;
    };
    tokio::join!(
        scim_side("/Users"),
        scim_side("/Groups"),
        chain(format!("{okta}/api/v1/users?limit={okta_limit}")),
        okta_groups
    );
}

/// Okta's own import pattern: 100 records per request, one request at a time.
async fn okta_pattern_import(statsig: &str, okta: &str) {
    let http = reqwest::Client::new();
    for path in ["/Users", "/Groups"] {
        let mut start = 1;
        loop {
            let r = http
                .get(format!("{statsig}{path}?startIndex={start}&count=100"))
                .header("authorization", format!("Bearer {TOKEN}"))
                .send()
                .await
                .unwrap();
            let v: serde_json::Value = r.json().await.unwrap();
            let n = v["Resources"].as_array().map_or(0, |a| a.len());
            if n == 0 || start + n > v["totalResults"].as_u64().unwrap() as usize {
                break;
            }
            start += n;
        }
    }
    let chain = |first: String| {
        let http = http.clone();
        async move {
            let mut bodies = Vec::new();
            let mut url = Some(first);
            while let Some(u) = url {
                let r = http
                    .get(&u)
                    .header("authorization", format!("SSWS {TOKEN}"))
                    .send()
                    .await
                    .unwrap();
                url = okta_statsig_teams::okta::next_link(r.headers());
                bodies.push(r.bytes().await.unwrap());
            }
            bodies
        }
    };
    chain(format!("{okta}/api/v1/users?limit=100")).await;
    let pages = chain(format!("{okta}/api/v1/groups?limit=100")).await;
    for b in pages {
        for g in serde_json::from_slice::<Vec<serde_json::Value>>(&b).unwrap() {
            chain(format!(
                "{okta}/api/v1/groups/{}/users?limit=100",
                g["id"].as_str().unwrap()
            ))
            .await;
        }
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let bin = std::env::var("BENCH_BIN").unwrap_or_else(|_| {
        format!(
            "{}/target/release/okta-statsig-teams",
            env!("CARGO_MANIFEST_DIR")
        )
    });
    let mut rows: Vec<Row> = Vec::new();
    let row =
        |rows: &mut Vec<Row>, figure: &str, value: String, target: &str, met: Option<bool>| {
            eprintln!("  {figure}: {value}");
            rows.push(Row {
                figure: figure.into(),
                value,
                target: target.into(),
                met,
            });
        };

    // The fixture, in its own process: the app's memory is this process's alone.
    let t = Instant::now();
    let seed_args: Vec<&str> = if quick {
        vec![
            "--users",
            "5000",
            "--project-count",
            "8",
            "--teams",
            "200",
            "--groups",
            "400",
        ]
    } else {
        vec!["--seed", "large"]
    };
    let mut child = Command::new(&bin)
        .args([
            "sandbox",
            "--latency-ms",
            "20",
            "--statsig-token",
            TOKEN,
            "--okta-token",
            TOKEN,
            "--okta-rate-limit",
            "100000000",
        ])
        .args(&seed_args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {bin}: {e} (run scripts/bench.sh)"));
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let _server = Server(child);
    let mut urls = std::collections::HashMap::new();
    for line in lines.by_ref().take(4) {
        let line = line.unwrap();
        if let Some((k, v)) = line.split_once('=') {
            urls.insert(k.to_string(), v.to_string());
        }
    }
    let (statsig, okta) = (urls["statsig_scim_url"].clone(), urls["okta_url"].clone());
    eprintln!("fixture ready in {}", secs(t.elapsed()));

    let projects: Vec<String> = (0..if quick { 8 } else { 40 })
        .map(|p| format!("Project {p:02}"))
        .collect();
    let conn = Connection {
        statsig_url: statsig.clone(),
        statsig_token: Secret::new(TOKEN),
        okta_url: okta.clone(),
        okta_token: Secret::new(TOKEN),
        projects: projects.clone(),
        org_domains: vec![],
        batch_size: 0,
        guard: Default::default(),
    };
    let dir = tempfile::tempdir().unwrap();
    let count = Arc::new(Count::default());
    let (mut ws, _) = Workspace::open(
        conn.clone(),
        StateStore::new(dir.path().join("state.json")),
        RetryPolicy::default(),
        count.clone(),
    )
    .unwrap();

    // Import: ours, the bare requests, and Okta's pattern.
    let t = Instant::now();
    ws.import(|_| {}).await.unwrap();
    let ours = t.elapsed();
    let (import_requests, _) = count.take();
    let d = ws.directory();
    eprintln!(
        "imported {} Statsig users, {} groups, {} Okta users, {} groups ({} requests)",
        d.statsig_users.len(),
        d.statsig_groups.len(),
        d.okta_users.len(),
        d.okta_groups.len(),
        import_requests
    );
    let rss = peak_rss_mb().unwrap_or(0.0);
    let t = Instant::now();
    bare_import(
        &statsig,
        &okta,
        1000,
        8,
        okta_statsig_teams::okta::PAGE_LIMIT,
    )
    .await;
    let bare = t.elapsed();
    let t = Instant::now();
    okta_pattern_import(&statsig, &okta).await;
    let pattern = t.elapsed();
    row(
        &mut rows,
        "Import, both sides (20 ms latency)",
        secs(ours),
        "",
        None,
    );
    row(
        &mut rows,
        "  vs Okta's pattern (count=100, sequential)",
        format!(
            "{} ({:.1}x faster)",
            secs(pattern),
            pattern.as_secs_f64() / ours.as_secs_f64()
        ),
        ">= 5x",
        Some(pattern.as_secs_f64() / ours.as_secs_f64() >= 5.0),
    );
    row(
        &mut rows,
        "  vs the bare requests alone",
        format!(
            "{} ({:.2}x their time)",
            secs(bare),
            ours.as_secs_f64() / bare.as_secs_f64()
        ),
        "<= 1.3x",
        Some(ours.as_secs_f64() / bare.as_secs_f64() <= 1.3),
    );
    row(
        &mut rows,
        "Peak memory with the fixture loaded",
        format!("{rss:.0} MB"),
        "<= 1024 MB",
        Some(rss <= 1024.0),
    );

    // Plans for every role group at once.
    let d = ws.directory();
    let groups: Vec<(String, String)> = d
        .statsig_groups
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            matches!(
                d.parsed(*i),
                okta_statsig_teams::model::ParsedName::Team { .. }
            )
        })
        .enumerate()
        .map(|(k, (_, g))| {
            (
                d.okta_groups[k % d.okta_groups.len()].id.clone(),
                g.id.clone(),
            )
        })
        .collect();
    let t = Instant::now();
    let plans: Vec<_> = groups
        .iter()
        .map(|(o, s)| plan::plan_push(d, o, s, 100).unwrap())
        .collect();
    let planning = t.elapsed();
    row(
        &mut rows,
        &format!("Plan and diff, {} role groups", plans.len()),
        format!("{:.0} ms", planning.as_secs_f64() * 1000.0),
        "< 200 ms",
        Some(planning < Duration::from_millis(200)),
    );

    // Snapshots.
    let snap_path = dir.path().join("large.json");
    let t = Instant::now();
    okta_statsig_teams::engine::files::export_snapshot(&snap_path, &ws.snapshot(false)).unwrap();
    let export = t.elapsed();
    let size = std::fs::metadata(&snap_path).unwrap().len() as f64 / 1e6;
    let t = Instant::now();
    let opened = okta_statsig_teams::engine::files::open_snapshot(&snap_path).unwrap();
    let _dir = opened.directory();
    let open = t.elapsed();
    row(
        &mut rows,
        &format!("Snapshot export ({size:.0} MB)"),
        secs(export),
        "< 2 s",
        Some(export < Duration::from_secs(2)),
    );
    row(
        &mut rows,
        "Snapshot open (read, check, index)",
        secs(open),
        "< 2 s",
        Some(open < Duration::from_secs(2)),
    );

    // Push: one mapping at a time vs all at once, on two sets of mappings.
    let n = if quick { 100 } else { 500 };
    let d = ws.directory();
    let admins: Vec<String> = d
        .teams()
        .values()
        .flat_map(|t| t.values())
        .filter_map(|g| g.admin)
        .map(|i| d.statsig_groups[i].id.clone())
        .collect();
    let okta_ids: Vec<String> = d.okta_groups.iter().map(|g| g.id.clone()).collect();
    let mut sets = [Vec::new(), Vec::new()];
    let mut bounds = [0usize; 2];
    let mut changes = [0usize; 2];
    for (k, set) in sets.iter_mut().enumerate() {
        for i in 0..n {
            let (o, s) = (&okta_ids[k * n + i], &admins[k * n + i]);
            let p = ws.plan(o, s).unwrap();
            changes[k] += p.adds.len() + p.removes.len();
            bounds[k] += (p.adds.len() + p.removes.len()).div_ceil(100);
            set.push(ws.link(o, s, false).await.unwrap().id);
        }
    }
    count.take();
    let t = Instant::now();
    for id in &sets[0] {
        ws.push_confirmed(id, usize::MAX).await.unwrap();
    }
    let sequential = t.elapsed();
    let (seq_requests, seq_patches) = count.take();
    let t = Instant::now();
    let results = ws.push_many(&sets[1], usize::MAX).await;
    let concurrent = t.elapsed();
    let (requests, patches) = count.take();
    assert!(results.iter().all(|(_, r)| r.is_ok()));
    let reads_needed = n.div_ceil(50) + n; // Statsig groups 50 per read, each Okta group's members once
    row(
        &mut rows,
        &format!("Push: {} changes across {n} mappings", changes[1]),
        secs(concurrent),
        "",
        None,
    );
    row(
        &mut rows,
        "  requests (PATCHes + reads)",
        format!("{requests} = {patches} + {}", requests - patches),
        &format!("= {} + {reads_needed}", bounds[1]),
        Some(patches as usize == bounds[1] && (requests - patches) as usize <= reads_needed),
    );
    row(
        &mut rows,
        "  vs one mapping at a time",
        format!(
            "{} for {} changes, {seq_requests} requests ({seq_patches} PATCHes) ({:.1}x slower)",
            secs(sequential),
            changes[0],
            sequential.as_secs_f64() / concurrent.as_secs_f64()
        ),
        ">= 5x",
        Some(sequential.as_secs_f64() / concurrent.as_secs_f64() >= 5.0),
    );

    // Incremental watch: nothing changed in Okta.
    ws.watch_once().await.unwrap();
    count.take();
    ws.watch_once().await.unwrap();
    let (watch_requests, _) = count.take();
    row(
        &mut rows,
        &format!(
            "Watch cycle, nothing changed ({} mappings)",
            ws.mappings().len()
        ),
        format!("{watch_requests} requests"),
        "constant, not one per group",
        Some((watch_requests as usize) < ws.mappings().len() / 10),
    );

    // The UI with the fixture loaded: CPU time per frame, stepping the real app.
    let store: Arc<dyn okta_statsig_teams::engine::secrets::SecretStore> =
        Arc::new(MemoryStore::default());
    let target = Target::Direct {
        connection: conn,
        state_dir: dir.path().to_path_buf(),
        label: "bench".into(),
        demo: false,
    };
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| {
            App::new(
                cc,
                AppOptions {
                    target: Some(target),
                    store,
                    snapshot: None,
                    data: okta_statsig_teams::engine::DataDir::new(dir.path().join("data")),
                },
            )
        });
    let start = Instant::now();
    while !(h.state().has_data() && h.state().is_idle())
        && start.elapsed() < Duration::from_secs(600)
    {
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    let frame = |h: &mut Harness<'static, App>, times: &mut Vec<f64>| {
        let t = cpu_time::now();
        h.step();
        times.push((cpu_time::now() - t) * 1000.0);
    };
    let mut worst: Vec<(String, f64)> = Vec::new();
    for tab in Tab::ALL {
        h.state_mut().perform(Action::SetTab(tab));
        if tab == Tab::Teams {
            h.state_mut()
                .perform(Action::SelectProject("Project 00".into()));
            h.state_mut()
                .perform(Action::SelectTeam("Team 0000".into()));
        }
        if tab == Tab::OktaGroups {
            let id = h.state().directory().okta_groups[0].id.clone();
            h.state_mut().perform(Action::SelectOktaGroup(id));
        }
        h.step();
        let mut times = Vec::new();
        for _ in 0..60 {
            frame(&mut h, &mut times);
        }
        worst.push((tab.label().to_string(), p95(times)));
    }
    // Typing into the Okta groups search, one key a frame.
    h.state_mut().perform(Action::SetTab(Tab::OktaGroups));
    h.step();
    let mut times = Vec::new();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F); // focus the search
    h.step();
    for c in "group 001".chars() {
        h.key_press(egui::Key::End);
        h.event(egui::Event::Text(c.to_string()));
        frame(&mut h, &mut times);
        frame(&mut h, &mut times);
    }
    worst.push(("typing a search".into(), p95(times)));
    // While an import runs in the background.
    h.state_mut().perform(Action::SetTab(Tab::Teams));
    h.step();
    h.get_by_label("Refresh").click();
    let mut times = Vec::new();
    let start = Instant::now();
    h.step();
    while !h.state().is_idle() && start.elapsed() < Duration::from_secs(600) {
        frame(&mut h, &mut times);
        std::thread::sleep(Duration::from_millis(5));
    }
    worst.push(("during an import".into(), p95(times)));
    for (what, ms) in &worst {
        row(
            &mut rows,
            &format!("UI frame CPU time p95: {what}"),
            format!("{ms:.2} ms"),
            "< 8 ms",
            Some(*ms < 8.0),
        );
    }

    println!();
    println!("| Figure | Measured | Target | Met |");
    println!("|---|---|---|---|");
    for r in &rows {
        let met = match r.met {
            Some(true) => "yes",
            Some(false) => "**no**",
            None => "",
        };
        println!("| {} | {} | {} | {met} |", r.figure, r.value, r.target);
    }
}

/// This thread's CPU time in seconds, so the engine's work on other threads does not count.
mod cpu_time {
    pub fn now() -> f64 {
        ::cpu_time::ThreadTime::now().as_duration().as_secs_f64()
    }
}
