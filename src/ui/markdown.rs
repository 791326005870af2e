//! The little Markdown the README's walkthrough uses, read once and drawn as text: headings,
//! paragraphs and list items whose wrapped source lines join into one, and `**strong**`,
//! `*emphasis*` and `` `code` `` inside them. Nothing else is needed, so nothing else is
//! read (a stray marker shows as written).

use egui::text::{LayoutJob, TextFormat};
use egui::{FontId, Ui};

/// How a run of text is set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Style {
    /// `**strong**`.
    pub strong: bool,
    /// `*emphasis*`.
    pub emphasis: bool,
    /// `` `code` ``.
    pub code: bool,
}

/// A run of text in one style.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// The words.
    pub text: String,
    /// How they are set.
    pub style: Style,
}

/// One block of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A `###` heading.
    Heading(String),
    /// A paragraph.
    Paragraph(Vec<Span>),
    /// A list item with its marker ("1.", "-").
    Item(String, Vec<Span>),
}

impl Block {
    /// The block's words without markup.
    pub fn plain(&self) -> String {
        match self {
            Block::Heading(h) => h.clone(),
            Block::Paragraph(s) => spans_text(s),
            Block::Item(m, s) => format!("{m} {}", spans_text(s)),
        }
    }
}

fn spans_text(spans: &[Span]) -> String {
    spans.iter().map(|s| s.text.as_str()).collect()
}

/// A list item's marker and the rest of its first line.
fn item_start(line: &str) -> Option<(&str, &str)> {
    if let Some(rest) = line.strip_prefix("- ") {
        return Some(("-", rest));
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let rest = line.get(digits..)?;
    (digits > 0 && rest.starts_with(". ")).then(|| (&line[..digits + 1], &rest[2..]))
}

/// Reads `text` into blocks. `fix` is applied to the words (e.g. characters the font
/// lacks).
pub fn parse(text: &str, fix: impl Fn(&str) -> String) -> Vec<Block> {
    let mut blocks = Vec::new();
    // The block being read: its marker (None for a paragraph) and its joined lines.
    let mut open: Option<(Option<String>, String)> = None;
    let close = |open: &mut Option<(Option<String>, String)>, blocks: &mut Vec<Block>| {
        if let Some((marker, text)) = open.take() {
            let spans = inline(&fix(&text));
            blocks.push(match marker {
                Some(m) => Block::Item(m, spans),
                None => Block::Paragraph(spans),
            });
        }
    };
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            close(&mut open, &mut blocks);
        } else if let Some(h) = line.strip_prefix('#') {
            close(&mut open, &mut blocks);
            blocks.push(Block::Heading(fix(h.trim_start_matches('#').trim())));
        } else if let Some((marker, rest)) = item_start(line) {
            close(&mut open, &mut blocks);
            open = Some((Some(marker.to_string()), rest.trim().to_string()));
        } else if let Some((_, text)) = &mut open {
            text.push(' ');
            text.push_str(trimmed);
        } else {
            open = Some((None, trimmed.to_string()));
        }
    }
    close(&mut open, &mut blocks);
    blocks
}

/// Splits a block's words into runs by `**`, `*` and `` ` ``.
fn inline(text: &str) -> Vec<Span> {
    let mut spans: Vec<Span> = Vec::new();
    let mut style = Style::default();
    let mut run = String::new();
    let mut push = |run: &mut String, style: Style| {
        if !run.is_empty() {
            spans.push(Span {
                text: std::mem::take(run),
                style,
            });
        }
    };
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '`' => {
                push(&mut run, style);
                style.code = !style.code;
            }
            '*' if !style.code && chars.peek() == Some(&'*') => {
                chars.next();
                push(&mut run, style);
                style.strong = !style.strong;
            }
            '*' if !style.code => {
                push(&mut run, style);
                style.emphasis = !style.emphasis;
            }
            c => run.push(c),
        }
    }
    push(&mut run, style);
    spans
}

/// A block's runs as one text (the label wraps it).
fn job(ui: &Ui, spans: &[Span]) -> LayoutJob {
    let body = egui::TextStyle::Body.resolve(ui.style());
    let mono = FontId::monospace(body.size * 0.95);
    let visuals = ui.visuals();
    let mut job = LayoutJob::default();
    for s in spans {
        let format = TextFormat {
            font_id: if s.style.code {
                mono.clone()
            } else {
                body.clone()
            },
            color: if s.style.strong {
                visuals.strong_text_color()
            } else {
                visuals.text_color()
            },
            italics: s.style.emphasis,
            background: if s.style.code {
                visuals.code_bg_color
            } else {
                egui::Color32::TRANSPARENT
            },
            ..Default::default()
        };
        job.append(&s.text, 0.0, format);
    }
    job
}

/// Draws `blocks`, one under the other.
pub fn show(ui: &mut Ui, blocks: &[Block]) {
    for b in blocks {
        match b {
            Block::Heading(h) => {
                ui.add_space(6.0);
                ui.label(egui::RichText::new(h).strong().size(16.0));
            }
            Block::Paragraph(spans) => {
                ui.add(egui::Label::new(job(ui, spans)).wrap());
            }
            Block::Item(marker, spans) => {
                ui.horizontal_top(|ui| {
                    ui.add_sized([22.0, 0.0], egui::Label::new(marker.as_str()));
                    ui.add(egui::Label::new(job(ui, spans)).wrap());
                });
            }
        }
        ui.add_space(4.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> Vec<String> {
        parse(text, str::to_string)
            .iter()
            .map(Block::plain)
            .collect()
    }

    #[test]
    fn wrapped_lines_join_and_items_keep_their_markers() {
        let text = "With nothing configured\nthe app opens.\n\n1. **Import** (top bar;\n   *Refresh* after).\n2. `Statsig-…` groups\n\n### Step by step\n- one\n  more\n";
        assert_eq!(
            plain(text),
            [
                "With nothing configured the app opens.",
                "1. Import (top bar; Refresh after).",
                "2. Statsig-… groups",
                "Step by step",
                "- one more",
            ]
        );
    }

    #[test]
    fn strong_emphasis_and_code_are_styles_not_characters() {
        let b = parse("a **b** *c* `d*e` f", str::to_string);
        let Block::Paragraph(spans) = &b[0] else {
            panic!("{b:?}")
        };
        let styled: Vec<(&str, Style)> = spans.iter().map(|s| (s.text.as_str(), s.style)).collect();
        let s = |strong, emphasis, code| Style {
            strong,
            emphasis,
            code,
        };
        assert_eq!(
            styled,
            [
                ("a ", s(false, false, false)),
                ("b", s(true, false, false)),
                (" ", s(false, false, false)),
                ("c", s(false, true, false)),
                (" ", s(false, false, false)),
                ("d*e", s(false, false, true)),
                (" f", s(false, false, false)),
            ]
        );
    }
}
