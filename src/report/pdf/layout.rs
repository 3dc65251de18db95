//! The PDF's page layout, kept apart from the PDF library: a cursor that moves down A4 pages and a display list of
//! text lines and filled rectangles per page. Text is cleaned of control characters, measured with the embedded
//! fonts' widths and wrapped to the column; a block that does not fit starts a new page.

use super::metrics::{self, Metrics};

pub const PAGE_W: f32 = 595.28;
pub const PAGE_H: f32 = 841.89;
pub const LEFT: f32 = 48.0;
pub const RIGHT: f32 = PAGE_W - 48.0;
pub const WIDTH: f32 = RIGHT - LEFT;
const TOP: f32 = 48.0;
/// Content ends here; the footer sits below.
const BOTTOM: f32 = PAGE_H - 56.0;
const FOOTER_Y: f32 = PAGE_H - 30.0;

/// One of the embedded fonts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Regular,
    Bold,
    Mono,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

pub const INK: Rgb = Rgb(0x1f, 0x29, 0x33);
pub const MUTED: Rgb = Rgb(0x5f, 0x6b, 0x7a);
pub const WHITE: Rgb = Rgb(0xff, 0xff, 0xff);
pub const WASH: Rgb = Rgb(0xf1, 0xf3, 0xf6);

/// How a run of text looks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    pub face: Face,
    pub size: f32,
    pub colour: Rgb,
}

impl Style {
    pub const fn new(face: Face, size: f32, colour: Rgb) -> Style {
        Style { face, size, colour }
    }

    pub fn line_height(&self) -> f32 {
        self.size * 1.3
    }
}

/// Something drawn on a page; `y` grows downwards from the top edge.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// One run of text in one direction; `y` is its baseline.
    Text {
        x: f32,
        y: f32,
        style: Style,
        text: String,
        rtl: bool,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        colour: Rgb,
    },
}

/// The pages laid out so far and where the next block goes.
pub struct Layout {
    pages: Vec<Vec<Item>>,
    /// The top of the next block on the last page.
    pub y: f32,
    regular: Metrics,
    bold: Metrics,
    mono: Metrics,
}

impl Layout {
    /// One empty page, measuring with the fonts the document embeds.
    pub fn new() -> Layout {
        Layout {
            pages: vec![Vec::new()],
            y: TOP,
            regular: Metrics::new(dejavu::sans::regular()),
            bold: Metrics::new(dejavu::sans::bold()),
            mono: Metrics::new(dejavu::sans_mono::regular()),
        }
    }

    fn metrics(&self, face: Face) -> &Metrics {
        match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
            Face::Mono => &self.mono,
        }
    }

    /// The width of `text` in `style`.
    pub fn width(&self, text: &str, style: Style) -> f32 {
        self.metrics(style.face).width(text, style.size)
    }

    /// Starts a new page.
    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Makes room for a block `h` high: a new page unless it fits (or the page is still empty).
    pub fn ensure(&mut self, h: f32) {
        if self.y + h > BOTTOM && self.y > TOP {
            self.new_page();
        }
    }

    pub fn gap(&mut self, h: f32) {
        self.y += h;
    }

    /// Draws on the current page.
    pub fn push(&mut self, item: Item) {
        if let Some(page) = self.pages.last_mut() {
            page.push(item);
        }
    }

    /// One line of text with its baseline placed for a line starting at `top`. Right-to-left runs (Arabic,
    /// Hebrew) are drawn as separate runs, placed left to right as in a left-to-right paragraph.
    pub fn put(&mut self, x: f32, top: f32, text: &str, style: Style) {
        let text = clean(text);
        if text.trim().is_empty() {
            return;
        }
        let mut x = x;
        for (run, rtl) in runs(&text) {
            let w = self.width(&run, style);
            self.push(Item::Text {
                x,
                y: top + style.size,
                style,
                text: run,
                rtl,
            });
            x += w;
        }
    }

    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, colour: Rgb) {
        self.push(Item::Rect { x, y, w, h, colour });
    }

    /// `text` cleaned and wrapped to `width`, at most `max_lines` lines.
    pub fn lines(&self, text: &str, style: Style, width: f32, max_lines: usize) -> Vec<String> {
        let m = self.metrics(style.face);
        // Kerning can make a shaped line a little wider than the sum of its advances.
        metrics::wrap_lines(&clean(text), width * 0.97, max_lines, |c| {
            m.char_width(c, style.size)
        })
    }

    /// Lines of code wrapped to `width`, each keeping its indentation; at most `max_lines` source lines, and
    /// `wraps` lines for each.
    pub fn code(
        &self,
        code: &str,
        style: Style,
        width: f32,
        max_lines: usize,
        wraps: usize,
    ) -> Vec<String> {
        let mut out = Vec::new();
        for src in code.lines().take(max_lines) {
            let src = src.replace('\t', "    ");
            let body = src.trim_start();
            let indent = " ".repeat((src.len() - body.len()).min(40));
            let inner = width - self.width(&indent, style);
            for l in self.lines(body, style, inner.max(width / 2.0), wraps) {
                out.push(format!("{indent}{l}"));
            }
        }
        if code.lines().count() > max_lines {
            out.push("…".to_string());
        }
        out
    }

    /// A paragraph from `indent` to the right margin, at most `max_lines` lines; pages break between lines.
    pub fn text(&mut self, text: &str, style: Style, indent: f32, max_lines: usize) {
        for l in self.lines(text, style, WIDTH - indent, max_lines) {
            self.ensure(style.line_height());
            self.put(LEFT + indent, self.y, &l, style);
            self.y += style.line_height();
        }
    }

    /// Lines on a shaded band (evidence, code), from `indent` to the right margin. A band that fits on one page is
    /// never split: it moves whole to the next page; only a band taller than a page breaks between lines.
    pub fn shaded(&mut self, lines: &[String], style: Style, indent: f32) {
        let pad = 3.0;
        let lh = style.line_height();
        let whole = lh * lines.len() as f32 + 2.0 * pad;
        if whole <= BOTTOM - TOP {
            self.ensure(whole);
        }
        for (i, l) in lines.iter().enumerate() {
            let (top, bottom) = (
                if i == 0 { pad } else { 0.0 },
                if i + 1 == lines.len() { pad } else { 0.0 },
            );
            self.ensure(lh + top + bottom);
            self.rect(
                LEFT + indent,
                self.y,
                WIDTH - indent,
                lh + top + bottom,
                WASH,
            );
            self.put(LEFT + indent + 4.0, self.y + top, l, style);
            self.y += lh + top + bottom;
        }
    }

    /// A coloured label (a severity) at the left margin, then `text` wrapped beside it with a hanging indent.
    pub fn labelled(
        &mut self,
        label: &str,
        colour: Rgb,
        text: &str,
        style: Style,
        max_lines: usize,
    ) {
        let pill = Style::new(Face::Bold, 7.0, WHITE);
        let (w, indent) = (60.0, 68.0);
        self.ensure(style.line_height() * 2.0);
        self.rect(LEFT, self.y + 1.0, w, style.size + 2.0, colour);
        let x = LEFT + (w - self.width(label, pill)) / 2.0;
        let top = self.y + 1.0 + (style.size + 2.0 - pill.size) / 2.0 - 0.5;
        self.put(x, top, label, pill);
        self.text(text, style, indent, max_lines);
    }

    /// The pages, each with a footer made by `footer(page, pages)` (1-based).
    pub fn finish(mut self, footer: impl Fn(usize, usize) -> String) -> Vec<Vec<Item>> {
        let n = self.pages.len();
        let style = Style::new(Face::Regular, 8.0, MUTED);
        for (i, page) in self.pages.iter_mut().enumerate() {
            page.push(Item::Text {
                x: LEFT,
                y: FOOTER_Y,
                style,
                text: clean(&footer(i + 1, n)),
                rtl: false,
            });
        }
        self.pages
    }
}

/// Text from a scan made safe to draw on one line: control characters become spaces, and bidirectional
/// overrides and isolates are dropped (runs get their direction from their letters, see [`runs`]).
pub fn clean(s: &str) -> String {
    crate::report::one_line(s)
        .chars()
        .filter(|c| !matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
        .collect()
}

/// Letters of right-to-left scripts: Hebrew, Arabic, Syriac, Thaana, NKo and their presentation forms.
fn is_rtl(c: char) -> bool {
    matches!(c, '\u{0590}'..='\u{08ff}' | '\u{fb1d}'..='\u{fdff}' | '\u{fe70}'..='\u{feff}' | '\u{10800}'..='\u{10fff}' | '\u{1e800}'..='\u{1efff}')
}

/// A line split into runs of one direction, in logical order: a left-to-right paragraph's simple bidi. Letters
/// set the direction; spaces, digits and punctuation go right-to-left only between right-to-left letters.
pub fn runs(text: &str) -> Vec<(String, bool)> {
    if !text.chars().any(is_rtl) {
        return vec![(text.to_string(), false)];
    }
    let strong: Vec<Option<bool>> = text
        .chars()
        .map(|c| {
            if is_rtl(c) {
                Some(true)
            } else if c.is_alphabetic() {
                Some(false)
            } else {
                None
            }
        })
        .collect();
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<(String, bool)> = Vec::new();
    for (i, c) in chars.iter().enumerate() {
        let rtl = strong[i].unwrap_or_else(|| {
            let before = strong[..i].iter().rev().find_map(|s| *s);
            let after = strong[i + 1..].iter().find_map(|s| *s);
            before == Some(true) && after == Some(true)
        });
        match out.last_mut() {
            Some((run, dir)) if *dir == rtl => run.push(*c),
            _ => out.push((c.to_string(), rtl)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_flows_onto_new_pages_and_every_page_gets_a_footer() {
        let mut l = Layout::new();
        let body = Style::new(Face::Regular, 10.0, INK);
        let word = "y".repeat(5000);
        l.text(&word, body, 0.0, usize::MAX);
        l.text("after", body, 0.0, 1);
        let pages = l.finish(|i, n| format!("page {i} of {n}"));
        assert!(pages.len() > 1, "{} pages", pages.len());
        for (i, page) in pages.iter().enumerate() {
            let texts: Vec<&Item> = page
                .iter()
                .filter(|it| matches!(it, Item::Text { .. }))
                .collect();
            let Some(Item::Text { text, .. }) = texts.last() else {
                panic!("no text")
            };
            assert_eq!(text, &format!("page {} of {}", i + 1, pages.len()));
            for it in page {
                if let Item::Text { y, x, .. } = it {
                    assert!(*y <= PAGE_H && *x >= LEFT, "inside the page");
                }
            }
        }
    }

    #[test]
    fn right_to_left_runs_are_split_out_and_placed_left_to_right() {
        assert_eq!(runs("plain"), vec![("plain".to_string(), false)]);
        assert_eq!(
            runs("Title: שלום עולם (1) end"),
            vec![
                ("Title: ".to_string(), false),
                ("שלום עולם".to_string(), true),
                (" (1) end".to_string(), false)
            ]
        );
        let mut l = Layout::new();
        l.put(
            LEFT,
            0.0,
            "ab \u{202e}مرحبا بالعالم cd",
            Style::new(Face::Regular, 10.0, INK),
        );
        let pages = l.finish(|_, _| String::new());
        let texts: Vec<(f32, &str, bool)> = pages[0]
            .iter()
            .filter_map(|it| match it {
                Item::Text { x, text, rtl, .. } if !text.is_empty() => {
                    Some((*x, text.as_str(), *rtl))
                }
                _ => None,
            })
            .collect();
        assert_eq!(texts.len(), 3, "{texts:?}");
        assert_eq!(
            (texts[0].1, texts[1].1, texts[2].1),
            ("ab ", "مرحبا بالعالم", " cd")
        );
        assert!(texts[1].2 && !texts[0].2 && texts[0].0 < texts[1].0 && texts[1].0 < texts[2].0);
    }

    #[test]
    fn a_shaded_block_that_fits_a_page_moves_whole_to_the_next_one() {
        let mut l = Layout::new();
        let code = Style::new(Face::Mono, 8.0, INK);
        l.y = BOTTOM - code.line_height() * 2.0;
        let lines: Vec<String> = (0..6).map(|i| format!("line {i}")).collect();
        l.shaded(&lines, code, 0.0);
        let pages = l.finish(|_, _| String::new());
        assert_eq!(pages.len(), 2);
        let on = |page: &Vec<Item>| {
            page.iter()
                .filter(|it| matches!(it, Item::Text { text, .. } if text.starts_with("line ")))
                .count()
        };
        assert_eq!((on(&pages[0]), on(&pages[1])), (0, 6));
        let mut tall = Layout::new();
        let many: Vec<String> = (0..200).map(|i| format!("line {i}")).collect();
        tall.shaded(&many, code, 0.0);
        assert!(
            tall.finish(|_, _| String::new()).len() > 1,
            "a block taller than a page still breaks"
        );
    }

    #[test]
    fn code_keeps_its_indentation() {
        let l = Layout::new();
        let code = "a {\n    b;\n\tc;\n}\nmore";
        assert_eq!(
            l.code(code, Style::new(Face::Mono, 8.0, INK), 400.0, 4, 2),
            vec!["a {", "    b;", "    c;", "}", "…"]
        );
    }

    #[test]
    fn control_characters_never_reach_the_page() {
        let mut l = Layout::new();
        l.text(
            "a\u{0}b\r\nc\u{1b}[31m",
            Style::new(Face::Mono, 8.0, INK),
            0.0,
            3,
        );
        let pages = l.finish(|_, _| String::new());
        let Item::Text { text, .. } = &pages[0][0] else {
            panic!("text first")
        };
        assert_eq!(text, "a b c [31m");
    }
}
