//! Who pushes: finding the Statsig app in Okta and settling the push mode at the first
//! import, so a connection runs Okta push wherever Okta can push (one pusher per team).

use super::Workspace;
pub use super::push_mode::{ModeReport, PushMode};
use crate::engine::backend::PushBackend;
use crate::engine::backend::direct::DirectPush;
use crate::engine::backend::okta::{OktaPush, Unavailable};
use crate::engine::connection::PushModeChoice;
use crate::engine::core::OtherPusher;
use crate::engine::error::{EngineError, Result};
use crate::engine::state::StateStore;
use crate::model::okta_app::{AppChoice, AppGroup, OktaApp, choose_app};
use crate::net::ApiError;
use std::sync::Arc;

/// The file of Okta push's mappings (as last read from Okta), beside the direct ones.
pub fn okta_store(direct: &StateStore) -> StateStore {
    StateStore::new(direct.path().with_file_name("okta-state.json"))
}

impl Workspace {
    /// How the push mode was settled (`None` before the first import).
    pub fn mode_report(&self) -> Option<&ModeReport> {
        self.pusher.as_ref().map(|p| &p.report)
    }

    /// The push mode (Direct until the first import settles it).
    pub fn push_mode(&self) -> PushMode {
        self.mode_report()
            .map_or(PushMode::Direct, |r| r.mode.clone())
    }

    /// The apps whose label starts with the connection's search text.
    pub async fn app_candidates(&self) -> Result<Vec<OktaApp>> {
        let search = self.core.conn().app_search().to_lowercase();
        Ok(self
            .core
            .okta()
            .find_apps(self.core.conn().app_search())
            .await?
            .into_iter()
            .filter(|a| a.label.to_lowercase().starts_with(&search))
            .collect())
    }

    /// Finds the Statsig app as the connection says: by its saved id, or by a label search.
    async fn find_app(&self) -> std::result::Result<AppChoice, ApiError> {
        let core = &self.core;
        if let Some(id) = &core.conn().okta_app_id {
            return match core.okta().get_app(id).await {
                Ok(app) => Ok(AppChoice::Found(app)),
                Err(e) if e.is_not_found() => Ok(AppChoice::None),
                Err(e) => Err(e),
            };
        }
        let search = core.conn().app_search().to_lowercase();
        let apps = core.okta().find_apps(core.conn().app_search()).await?;
        // Okta's `q` also matches the app's generated name; the label decides.
        let candidates = apps
            .into_iter()
            .filter(|a| a.label.to_lowercase().starts_with(&search))
            .collect();
        Ok(choose_app(candidates))
    }

    /// Settles the push mode (once per connection; a cancelled lookup tries again). Every
    /// step that goes through the backend settles it first: an import cancelled before
    /// the Statsig app was found must not leave Direct push answering for an org whose
    /// teams Okta pushes.
    pub(super) async fn settle_mode(&mut self) -> Result<()> {
        if self.pusher.is_some() {
            return Ok(());
        }
        if let Some(backend) = self.chosen.clone() {
            self.pusher = Some(super::Pusher {
                report: ModeReport {
                    mode: PushMode::Chosen(backend.name()),
                    candidates: Vec::new(),
                    warning: None,
                    other_pushers: self.core.other_pushers().to_vec(),
                    steered: backend.steered(),
                    logs_denied: None,
                },
                backend,
            });
            return Ok(());
        }
        let choice = self.core.conn().push_mode;
        let found = self.find_app().await;
        if matches!(found, Err(ApiError::Cancelled)) {
            return Err(EngineError::Cancelled);
        }
        let search = self.core.conn().app_search().to_string();
        let okta_app = match &found {
            Ok(AppChoice::Found(app)) if app.has_group_push() => Some(app.clone()),
            _ => None,
        };
        let report = decide(choice, found, &search);
        if report.mode == PushMode::Direct
            && let Some(app) = okta_app
        {
            // One pusher per team: Direct push keeps off the teams Okta pushes, and never
            // offers Okta's copies of Statsig's groups as sources.
            let (pushers, groups) = self.okta_targets(&app).await;
            self.core.set_other_pushers(pushers);
            self.app_groups = groups;
        }
        let backend: Arc<dyn PushBackend> = match &report.mode {
            PushMode::Okta(app) => {
                let store = super::mode::okta_store(self.core.store());
                self.core.switch_store(store)?;
                Arc::new(OktaPush::new(app.clone()))
            }
            PushMode::OktaUnavailable(why) => Arc::new(Unavailable(why.clone())),
            PushMode::Direct | PushMode::Chosen(_) => Arc::new(DirectPush),
        };
        self.pusher = Some(super::Pusher {
            report: ModeReport {
                other_pushers: self.core.other_pushers().to_vec(),
                steered: backend.steered(),
                logs_denied: None,
                ..report
            },
            backend,
        });
        Ok(())
    }
}

impl Workspace {
    /// The teams Okta's mappings of `app` push into, and the app's imported groups (none
    /// when Okta will not say).
    async fn okta_targets(&self, app: &OktaApp) -> (Vec<OtherPusher>, Vec<AppGroup>) {
        let okta = self.core.okta();
        let (mappings, groups) = tokio::join!(
            okta.push_mappings(&app.id, None, None),
            okta.app_groups(&app.id)
        );
        let (Ok(mappings), Ok(groups)) = (mappings, groups) else {
            return (Vec::new(), Vec::new());
        };
        let pushers = mappings
            .into_iter()
            .filter_map(|m| {
                let target = groups.iter().find(|g| g.id == m.target_group_id)?;
                Some(OtherPusher {
                    mapping_id: m.id,
                    okta_group_id: m.source_group_id,
                    target_name: target.name.clone(),
                    by: format!("Okta's push mapping of \"{}\"", app.label),
                })
            })
            .collect();
        (pushers, groups)
    }
}

/// The mode `choice` leads to, given what the app lookup found.
pub fn decide(
    choice: PushModeChoice,
    found: std::result::Result<AppChoice, ApiError>,
    search: &str,
) -> ModeReport {
    let direct = |warning: Option<String>| ModeReport {
        mode: PushMode::Direct,
        candidates: Vec::new(),
        warning,
        other_pushers: Vec::new(),
        steered: None,
        logs_denied: None,
    };
    if choice == PushModeChoice::Direct {
        return direct(None);
    }
    let not_ready = |why: String, candidates: Vec<OktaApp>| ModeReport {
        mode: PushMode::OktaUnavailable(why.clone()),
        candidates,
        warning: Some(why),
        other_pushers: Vec::new(),
        steered: None,
        logs_denied: None,
    };
    // Auto falls back to Direct push where Okta cannot push; Okta push says why it cannot.
    let fallback = |why: String| {
        if choice == PushModeChoice::Auto {
            direct(Some(format!("{why} This connection uses Direct push.")))
        } else {
            not_ready(why, Vec::new())
        }
    };
    match found {
        Err(e) => fallback(format!(
            "The Statsig app could not be looked up in Okta: {e}."
        )),
        Ok(AppChoice::None) if choice == PushModeChoice::Auto => direct(None),
        Ok(AppChoice::None) => not_ready(
            format!(
                "No app in this Okta org has a label starting with \"{search}\"; choose the Statsig app in Settings."
            ),
            Vec::new(),
        ),
        Ok(AppChoice::Choose(apps)) => not_ready(
            format!(
                "{} apps in Okta match \"{search}\"; choose the one that pushes to Statsig.",
                apps.len()
            ),
            apps,
        ),
        Ok(AppChoice::Found(app)) if !app.has_group_push() => fallback(format!(
            "The app \"{}\" in Okta has no Group Push (its features: {}). In Okta, open the app's Provisioning tab, edit To App, and enable Push Groups.",
            app.label,
            if app.features.is_empty() {
                "none".to_string()
            } else {
                app.features.join(", ")
            }
        )),
        Ok(AppChoice::Found(app)) if !app.is_active() => fallback(format!(
            "The app \"{}\" is {} in Okta; Okta pushes only for active apps.",
            app.label,
            app.status.to_lowercase()
        )),
        Ok(AppChoice::Found(app)) => ModeReport {
            mode: PushMode::Okta(app),
            candidates: Vec::new(),
            warning: None,
            other_pushers: Vec::new(),
            steered: None,
            logs_denied: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::okta_app::GROUP_PUSH;

    fn app(label: &str, status: &str, features: &[&str]) -> OktaApp {
        OktaApp {
            id: format!("0oa-{label}"),
            label: label.into(),
            status: status.into(),
            sign_on_mode: "AUTO_LOGIN".into(),
            features: features.iter().map(|f| f.to_string()).collect(),
        }
    }

    #[test]
    fn auto_uses_okta_push_where_okta_can_push_and_says_why_not_elsewhere() {
        let push = app("Statsig SCIM", "ACTIVE", &[GROUP_PUSH]);
        let found = |a: &OktaApp| Ok(AppChoice::Found(a.clone()));
        assert_eq!(
            decide(PushModeChoice::Auto, found(&push), "Statsig").mode,
            PushMode::Okta(push.clone())
        );
        assert_eq!(
            decide(PushModeChoice::Direct, found(&push), "Statsig").mode,
            PushMode::Direct,
            "Direct push is the admin's choice"
        );
        let inactive = app("Statsig SCIM", "INACTIVE", &[GROUP_PUSH]);
        let r = decide(PushModeChoice::Auto, found(&inactive), "Statsig");
        assert_eq!(r.mode, PushMode::Direct);
        assert!(r.warning.unwrap().contains("is inactive in Okta"));
        let r = decide(PushModeChoice::Okta, found(&inactive), "Statsig");
        assert!(matches!(r.mode, PushMode::OktaUnavailable(ref w) if w.contains("inactive")));
        let sso = app("Statsig Console", "ACTIVE", &[]);
        let r = decide(PushModeChoice::Auto, found(&sso), "Statsig");
        assert!(r.warning.unwrap().contains("features: none"));
        let r = decide(PushModeChoice::Auto, Ok(AppChoice::None), "Statsig");
        assert_eq!(
            (r.mode, r.warning),
            (PushMode::Direct, None),
            "no app: quietly Direct"
        );
        let r = decide(
            PushModeChoice::Auto,
            Ok(AppChoice::Choose(vec![push.clone(), push])),
            "Statsig",
        );
        assert!(matches!(r.mode, PushMode::OktaUnavailable(_)) && r.candidates.len() == 2);
    }
}
