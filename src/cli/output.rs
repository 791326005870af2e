//! What the command line prints: typed rows, as aligned text or as JSON (`--json`). A
//! closed pipe (`| head`) ends the output quietly instead of panicking. Text from a server
//! or a file never reaches the terminal raw: every line printed goes through [`safe`]'s
//! escaping (control characters and formatting marks shown as escapes, not sent), and a
//! row escapes each foreign field with [`safe`] itself, so a line break in a name is shown
//! too. JSON escapes control characters on its own.

use crate::model::names::display_safe;
use serde::Serialize;

/// Prints a line to stdout, quietly stopping at a closed pipe; every line of it escaped.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), "{}", $crate::cli::output::lines_safe(&format!($($arg)*)));
    }};
}
pub(crate) use out;

/// Prints a line to stderr; every line of it escaped.
macro_rules! err {
    ($($arg:tt)*) => {{
        eprintln!("{}", $crate::cli::output::lines_safe(&format!($($arg)*)));
    }};
}
pub(crate) use err;

/// One foreign string (a name, an email, a URL, a server's sentence) made safe for a
/// terminal: control characters (line breaks too) and formatting marks as escapes.
pub fn safe(text: &str) -> String {
    display_safe(text)
}

/// Text made of lines: each line made [`safe`], the line breaks between them kept.
pub fn lines_safe(text: &str) -> String {
    text.split('\n').map(safe).collect::<Vec<_>>().join("\n")
}

/// Whether this process has printed a JSON document on stdout.
static JSON_PRINTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// A row that prints as one line of text, or as a JSON object.
pub trait Row: Serialize {
    /// The row as text (it may span lines).
    fn text(&self) -> String;
}

/// Where output goes, and in which form.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    /// JSON instead of text.
    pub json: bool,
}

impl Output {
    /// Prints rows: a JSON array, or one text row each.
    pub fn rows<R: Row>(&self, rows: &[R]) {
        if self.json {
            self.json_value(&rows);
        } else {
            for r in rows {
                out!("{}", r.text());
            }
        }
    }

    /// Prints one row.
    pub fn one<R: Row>(&self, row: &R) {
        if self.json {
            self.json_value(row);
        } else {
            out!("{}", row.text());
        }
    }

    /// Prints a line of text (nothing in JSON mode).
    pub fn note(&self, text: &str) {
        if !self.json {
            out!("{text}");
        }
    }

    /// A failed command's end in JSON mode: `{"error": {"exit_code": 2, "message": "…"}}`
    /// as one line on stdout, so a script parsing the output learns why it failed. Only when the
    /// command printed no JSON of its own: stdout stays one JSON document, and rows
    /// already printed say the outcome themselves (as `diff` and partial bulk work do).
    pub fn failure(&self, exit_code: u8, message: &str) {
        if message.is_empty() || JSON_PRINTED.load(std::sync::atomic::Ordering::Relaxed) {
            return;
        }
        #[derive(Serialize)]
        struct Failed<'a> {
            exit_code: u8,
            message: &'a str,
        }
        #[derive(Serialize)]
        struct Error<'a> {
            error: Failed<'a>,
        }
        // One line: valid JSON on its own, and a line to a reader of JSON Lines (`watch`).
        self.json_line(&Error {
            error: Failed { exit_code, message },
        });
    }

    fn json_value<T: Serialize + ?Sized>(&self, v: &T) {
        use std::io::Write as _;
        match serde_json::to_string_pretty(v) {
            Ok(s) => {
                let _ = writeln!(std::io::stdout(), "{}", json_safe(&s));
                JSON_PRINTED.store(true, std::sync::atomic::Ordering::Relaxed);
            }
            Err(e) => eprintln!("error: could not write JSON: {e}"),
        }
    }

    /// Prints `v` as one line of JSON and flushes it at once (JSON Lines, for a pipe that
    /// acts on each line as it comes).
    pub fn json_line<T: Serialize + ?Sized>(&self, v: &T) {
        use std::io::Write as _;
        match serde_json::to_string(v) {
            Ok(s) => {
                let mut stdout = std::io::stdout().lock();
                let _ = writeln!(stdout, "{}", json_safe(&s));
                let _ = stdout.flush();
                JSON_PRINTED.store(true, std::sync::atomic::Ordering::Relaxed);
            }
            Err(e) => eprintln!("error: could not write JSON: {e}"),
        }
    }
}

/// JSON as printed: JSON escapes control characters itself; formatting marks (only ever
/// inside strings) become JSON escapes too, so the text stays valid JSON.
fn json_safe(s: &str) -> String {
    let mut text = String::with_capacity(s.len());
    for c in s.chars() {
        if crate::model::names::is_formatting_mark(c) {
            text.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            text.push(c);
        }
    }
    text
}

/// Progress of long work on stderr: "{verb} 3 of 10, about 1 min left".
pub fn progress(verb: &'static str) -> impl Fn(usize, usize, Option<std::time::Duration>) {
    move |done, total, left| {
        let left = left
            .filter(|l| !l.is_zero())
            .map(|l| format!(", about {} left", crate::model::text::duration(l)))
            .unwrap_or_default();
        eprintln!("{verb} {done} of {total}{left}");
    }
}
