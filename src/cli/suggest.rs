//! The commands the CLI suggests (to confirm removals, to settle drift, to re-run a file),
//! each with the connection flags given, so it runs as printed.

use crate::cli::args::Global;

/// The exact command that finishes a push the guard stopped.
pub fn finish_with(g: &Global, verb: &str, mapping_id: &str, removals: usize) -> String {
    format!(
        "{}{verb} {mapping_id} --allow-removals {removals}",
        command_prefix(g)
    )
}

/// `okta-statsig-teams` with the flags that chose this connection (demo, profile, URLs,
/// projects, batch size, push mode, app), so a suggested command runs as printed.
pub fn command_prefix(g: &Global) -> String {
    let mut s = "okta-statsig-teams ".to_string();
    let mut flag = |name: &str, value: Option<String>| {
        s.push_str(&format!("--{name} "));
        if let Some(v) = value {
            s.push_str(&shell_word(&v));
            s.push(' ');
        }
    };
    if g.demo {
        flag("demo", None);
    }
    if let Some(p) = &g.profile {
        flag("profile", Some(p.clone()));
    }
    if let Some(u) = &g.statsig_url {
        flag("statsig-url", Some(u.clone()));
    }
    if let Some(u) = &g.okta_url {
        flag("okta-url", Some(u.clone()));
    }
    if !g.projects.is_empty() {
        flag("projects", Some(g.projects.join(",")));
    }
    if let Some(b) = g.batch_size {
        flag("batch-size", Some(b.to_string()));
    }
    if let Some(m) = g.push_mode {
        let name = match m {
            crate::cli::args::PushModeArg::Auto => "auto",
            crate::cli::args::PushModeArg::Okta => "okta",
            crate::cli::args::PushModeArg::Direct => "direct",
        };
        flag("push-mode", Some(name.into()));
    }
    if let Some(app) = &g.okta_app {
        flag("okta-app", Some(app.clone()));
    }
    s
}

/// A value as one shell word: as it is when plain, else in single quotes.
pub fn shell_word(v: &str) -> String {
    let plain = !v.is_empty()
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:,=@+".contains(c));
    if plain {
        v.to_string()
    } else {
        format!("'{}'", v.replace('\'', "'\\''"))
    }
}

/// The command that settles mapping `id`'s edits made in Statsig (it runs as printed,
/// overwriting; the other choices follow it).
pub fn settle_with(g: &Global, id: &str) -> String {
    format!(
        "{}resolve-drift {id} --overwrite (or --adopt, or --pause)",
        command_prefix(g)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[test]
    fn a_suggested_command_repeats_the_connection_flags_quoted_for_the_shell() {
        let cli = crate::cli::Cli::try_parse_from([
            "okta-statsig-teams",
            "--statsig-url",
            "http://127.0.0.1:1/scim",
            "--projects",
            "Okta Test Proj,Checkout",
            "--push-mode",
            "direct",
            "--allow-removals",
            "3",
            "push",
            "m1",
        ])
        .unwrap();
        assert_eq!(
            finish_with(&cli.global, "push", "m1", 4),
            "okta-statsig-teams --statsig-url http://127.0.0.1:1/scim --projects 'Okta Test Proj,Checkout' --push-mode direct push m1 --allow-removals 4"
        );
        assert_eq!(shell_word("it's"), "'it'\\''s'");
    }
}
