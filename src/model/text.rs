//! Words as the admin reads them: counts with the right plural.

/// "1 group", "2 groups"; `noun` is the singular, its plural takes an "s" (or "es" after
/// s, x, ch, sh), so "1 match", "2 matches".
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        return format!("1 {noun}");
    }
    let es = ["s", "x", "ch", "sh"].iter().any(|e| noun.ends_with(e));
    format!("{n} {noun}{}", if es { "es" } else { "s" })
}

/// "was" or "were" for `n` things.
pub fn was(n: usize) -> &'static str {
    if n == 1 { "was" } else { "were" }
}

/// A duration as people say it: "45 s", "3 min 20 s".
pub fn duration(d: std::time::Duration) -> String {
    let secs = d.as_secs_f64().ceil() as u64;
    match secs {
        0..60 => format!("{secs} s"),
        _ if secs.is_multiple_of(60) => format!("{} min", secs / 60),
        _ => format!("{} min {} s", secs / 60, secs % 60),
    }
}

/// An RFC 3339 time as the admin reads it: "2026-03-10 09:30:00 UTC" (the text as given
/// when it is not one).
pub fn short_time(t: &str) -> String {
    match (t.get(..10), t.get(11..19)) {
        (Some(d), Some(h)) => format!("{d} {h} UTC"),
        _ => t.to_string(),
    }
}

/// How long before `now` the time `at` was, as people say it: "just now", "12 min ago",
/// "3 h ago", "2 days ago" (the time itself when either is not one).
pub fn age(at: &str, now: &str) -> String {
    let (Some(a), Some(n)) = (crate::clock::parse(at), crate::clock::parse(now)) else {
        return format!("at {}", short_time(at));
    };
    let secs = (n - a).whole_seconds().max(0);
    match secs {
        0..60 => "just now".to_string(),
        60..3_600 => format!("{} min ago", secs / 60),
        3_600..86_400 => format!("{} h ago", secs / 3_600),
        86_400..172_800 => "1 day ago".to_string(),
        _ => format!("{} days ago", secs / 86_400),
    }
}

/// A file name made from names the app does not control (a group's, a team's): path
/// separators, characters file systems refuse, control characters and formatting marks
/// become `_`, leading dots go (no hidden file, no `..`), so the name stays one name in
/// the folder it is put in.
pub fn safe_file_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            let bad = c.is_control()
                || super::names::is_formatting_mark(c)
                || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|');
            if bad { '_' } else { c }
        })
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim();
    if trimmed.is_empty() {
        "export".to_string()
    } else {
        trimmed.chars().take(200).collect()
    }
}

/// Names in a sentence, at most `max` of them: "a, b and c", "a, b and 3 more".
pub fn names(items: &[String], max: usize) -> String {
    let shown = items.len().min(max.max(1));
    let head = items[..shown].join(", ");
    match items.len() - shown {
        0 if shown > 1 => {
            let (first, last) = items[..shown].split_at(shown - 1);
            format!("{} and {}", first.join(", "), last[0])
        }
        0 => head,
        more => format!("{head} and {more} more"),
    }
}

/// Clauses of a verb and the people it acts on, the empty ones left out: "removes a and
/// b; adds back c" (at most `max` names each).
pub fn clauses(parts: &[(&str, &[String])], max: usize) -> String {
    parts
        .iter()
        .filter(|(_, who)| !who.is_empty())
        .map(|(verb, who)| format!("{verb} {}", names(who, max)))
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_stay_one_name() {
        assert_eq!(
            safe_file_name("Payments-members.csv"),
            "Payments-members.csv"
        );
        assert_eq!(
            safe_file_name("../../.ssh/x-members.csv"),
            "_.._.ssh_x-members.csv"
        );
        assert_eq!(safe_file_name("/etc/cron.d/x.csv"), "_etc_cron.d_x.csv");
        assert_eq!(safe_file_name("C:\\x\u{202E}.csv"), "C__x_.csv");
        assert_eq!(safe_file_name(".."), "export");
        assert_eq!(safe_file_name("..hidden.csv"), "hidden.csv");
    }

    #[test]
    fn names_read_as_a_list_and_long_ones_are_cut() {
        let v = |n: usize| (0..n).map(|i| format!("u{i}")).collect::<Vec<_>>();
        assert_eq!(names(&v(1), 3), "u0");
        assert_eq!(names(&v(3), 3), "u0, u1 and u2");
        assert_eq!(names(&v(5), 3), "u0, u1, u2 and 2 more");
        assert_eq!(names(&[], 3), "");
        let (a, none) = (v(2), Vec::new());
        assert_eq!(
            clauses(&[("adds", &a), ("removes", &none)], 3),
            "adds u0 and u1"
        );
    }

    #[test]
    fn ages_read_as_people_say_them() {
        let now = "2026-03-10T12:00:00.000Z";
        assert_eq!(age("2026-03-10T11:59:30.000Z", now), "just now");
        assert_eq!(age("2026-03-10T11:48:00.000Z", now), "12 min ago");
        assert_eq!(age("2026-03-10T09:00:00.000Z", now), "3 h ago");
        assert_eq!(age("2026-03-09T11:00:00.000Z", now), "1 day ago");
        assert_eq!(age("2026-03-01T12:00:00.000Z", now), "9 days ago");
        assert_eq!(age("yesterday", now), "at yesterday");
    }

    #[test]
    fn counts_read_right() {
        assert_eq!(plural(1, "error"), "1 error");
        assert_eq!(plural(0, "error"), "0 errors");
        assert_eq!(plural(2, "difference"), "2 differences");
        assert_eq!(plural(3, "match"), "3 matches");
        assert_eq!(plural(1, "team role"), "1 team role");
        assert_eq!(was(2), "were");
    }

    #[test]
    fn times_read_without_the_machine_format() {
        assert_eq!(
            short_time("2026-03-10T09:30:00.000Z"),
            "2026-03-10 09:30:00 UTC"
        );
        assert_eq!(short_time("yesterday"), "yesterday");
    }

    #[test]
    fn durations_read_as_people_say_them() {
        use std::time::Duration;
        assert_eq!(super::duration(Duration::from_millis(44_200)), "45 s");
        assert_eq!(super::duration(Duration::from_secs(120)), "2 min");
        assert_eq!(super::duration(Duration::from_secs(200)), "3 min 20 s");
    }
}
