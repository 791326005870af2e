//! The watcher's alerts: one desktop notification per change (a mapping entering Error,
//! new drift, a new error-level finding; `model::watch_events` says which and tells each
//! once) through the desktop's notification service. The app's window stays the full
//! story; a service that cannot be reached is one line in the log, never an error shown.

use crate::model::watch_events::{Alert, WatchEvent};

/// The application name the notification service shows.
pub const APP_NAME: &str = "Okta Statsig Teams";

/// The alerts among `events`.
pub fn alerts_of(events: &[WatchEvent]) -> Vec<Alert> {
    events.iter().filter_map(WatchEvent::alert).collect()
}

/// Raises one notification per alert among `events`, on a blocking thread of the running
/// tokio runtime (the service is asked over D-Bus; nothing waits for it). Returns how many
/// were sent off.
pub fn raise(events: &[WatchEvent]) -> usize {
    let alerts = alerts_of(events);
    let n = alerts.len();
    if n > 0 {
        tokio::task::spawn_blocking(move || {
            for a in &alerts {
                show(a);
            }
        });
    }
    n
}

/// Shows one alert now (blocking until the service answers); a failure is logged.
pub fn show(alert: &Alert) {
    if let Err(e) = send(alert) {
        tracing::warn!("desktop notification \"{}\" not shown: {e}", alert.summary);
    }
}

#[cfg(all(unix, not(target_os = "macos")))]
fn send(alert: &Alert) -> Result<(), String> {
    notify_rust::Notification::new()
        .appname(APP_NAME)
        .summary(&alert.summary)
        .body(&markup_safe(&alert.body))
        .icon("okta-statsig-teams")
        .show()
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// The body as text: notification services may read a little markup in it.
#[cfg(all(unix, not(target_os = "macos")))]
fn markup_safe(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
fn send(_: &Alert) -> Result<(), String> {
    Err("desktop notifications are shown on Linux only".into())
}
