//! What the command line prints: typed rows, as aligned text or as JSON (`--json`). A
//! closed pipe (`| head`) ends the output quietly instead of panicking.

use serde::Serialize;

/// Prints a line to stdout, quietly stopping at a closed pipe.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}
pub(crate) use out;

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

    fn json_value<T: Serialize + ?Sized>(&self, v: &T) {
        match serde_json::to_string_pretty(v) {
            Ok(s) => out!("{s}"),
            Err(e) => eprintln!("error: could not write JSON: {e}"),
        }
    }
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
