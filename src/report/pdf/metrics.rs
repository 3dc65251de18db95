//! Text measuring and line wrapping for the PDF: advance widths read from the embedded TrueType font's `cmap`
//! (format 4) and `hmtx` tables, and a greedy wrapper that hard-breaks words wider than a line. Every read is
//! bounds-checked: a character the font lacks, or a font that cannot be read, gets a generous width, never a panic.

/// Width of a character the font has no glyph for (or of every character if the font cannot be read), in em:
/// wider than most glyphs, so lines measured with it never overflow.
const UNKNOWN_EM: f32 = 1.0;

/// Advance widths of one TrueType font.
#[derive(Debug, Clone)]
pub struct Metrics {
    data: &'static [u8],
    tables: Option<Tables>,
}

#[derive(Debug, Clone, Copy)]
struct Tables {
    units_per_em: f32,
    hmtx: usize,
    hmetrics: u16,
    /// Offset of the format 4 `cmap` subtable (Unicode BMP).
    cmap4: usize,
}

impl Metrics {
    /// Metrics of the font in `data`; widths are estimated if its tables cannot be read.
    pub fn new(data: &'static [u8]) -> Metrics {
        Metrics {
            data,
            tables: Tables::read(data),
        }
    }

    /// The width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.char_width(c, size)).sum()
    }

    /// The width of one character at `size` points.
    pub fn char_width(&self, c: char, size: f32) -> f32 {
        let em = self
            .tables
            .and_then(|t| {
                let glyph = t.glyph(self.data, c)?;
                Some(f32::from(t.advance(self.data, glyph)?) / t.units_per_em)
            })
            .unwrap_or(UNKNOWN_EM);
        em * size
    }
}

impl Tables {
    fn read(d: &[u8]) -> Option<Tables> {
        let table = |tag: &[u8; 4]| -> Option<usize> {
            let n = u16_at(d, 4)? as usize;
            (0..n).find_map(|i| {
                let rec = 12 + 16 * i;
                (d.get(rec..rec + 4)? == tag).then(|| u32_at(d, rec + 8).map(|o| o as usize))?
            })
        };
        let head = table(b"head")?;
        let hhea = table(b"hhea")?;
        let cmap = table(b"cmap")?;
        let units_per_em = f32::from(u16_at(d, head + 18)?.max(1));
        let subtables = u16_at(d, cmap + 2)? as usize;
        let cmap4 = (0..subtables).find_map(|i| {
            let rec = cmap + 4 + 8 * i;
            let (platform, encoding) = (u16_at(d, rec)?, u16_at(d, rec + 2)?);
            let sub = cmap + u32_at(d, rec + 4)? as usize;
            let unicode = platform == 0 || (platform == 3 && encoding == 1);
            (unicode && u16_at(d, sub)? == 4).then_some(sub)
        })?;
        Some(Tables {
            units_per_em,
            hmtx: table(b"hmtx")?,
            hmetrics: u16_at(d, hhea + 34)?.max(1),
            cmap4,
        })
    }

    /// The glyph of `c`; `None` when the font has none (or `c` is outside the BMP).
    fn glyph(&self, d: &[u8], c: char) -> Option<u16> {
        let c = u16::try_from(u32::from(c)).ok()?;
        let sub = self.cmap4;
        let seg_x2 = u16_at(d, sub + 6)? as usize;
        let ends = sub + 14;
        let starts = ends + seg_x2 + 2;
        let deltas = starts + seg_x2;
        let ranges = deltas + seg_x2;
        // The first segment whose end code is at or after c.
        let (mut lo, mut hi) = (0, seg_x2 / 2);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if u16_at(d, ends + 2 * mid)? < c {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let i = lo;
        if i >= seg_x2 / 2 {
            return None;
        }
        let start = u16_at(d, starts + 2 * i)?;
        if start > c {
            return None;
        }
        let delta = u16_at(d, deltas + 2 * i)?;
        let range = u16_at(d, ranges + 2 * i)? as usize;
        let glyph = if range == 0 {
            c.wrapping_add(delta)
        } else {
            let at = ranges + 2 * i + range + 2 * usize::from(c - start);
            match u16_at(d, at)? {
                0 => 0,
                g => g.wrapping_add(delta),
            }
        };
        (glyph != 0).then_some(glyph)
    }

    fn advance(&self, d: &[u8], glyph: u16) -> Option<u16> {
        let i = glyph.min(self.hmetrics - 1) as usize;
        u16_at(d, self.hmtx + 4 * i)
    }
}

fn u16_at(d: &[u8], at: usize) -> Option<u16> {
    let b = d.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([b[0], b[1]]))
}

fn u32_at(d: &[u8], at: usize) -> Option<u32> {
    let b = d.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

/// Breaks `text` into lines no wider than `max` (as `width` measures a character): greedy on spaces, with words
/// wider than a line broken between characters. Runs of spaces collapse; an empty text gives no lines.
pub fn wrap(text: &str, max: f32, width: impl Fn(char) -> f32) -> Vec<String> {
    let space = width(' ');
    let mut lines = Vec::new();
    let (mut line, mut line_w) = (String::new(), 0.0);
    for word in text.split_whitespace() {
        let word_w: f32 = word.chars().map(&width).sum();
        if !line.is_empty() && line_w + space + word_w <= max {
            line.push(' ');
            line.push_str(word);
            line_w += space + word_w;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            line_w = 0.0;
        }
        if word_w <= max {
            line.push_str(word);
            line_w = word_w;
            continue;
        }
        for c in word.chars() {
            let w = width(c);
            if !line.is_empty() && line_w + w > max {
                lines.push(std::mem::take(&mut line));
                line_w = 0.0;
            }
            line.push(c);
            line_w += w;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Like [`wrap`], keeping at most `max_lines` lines (at least one); the last kept line ends with "…" when text
/// was cut.
pub fn wrap_lines(
    text: &str,
    max: f32,
    max_lines: usize,
    width: impl Fn(char) -> f32,
) -> Vec<String> {
    let mut lines = wrap(text, max, &width);
    let keep = max_lines.max(1);
    if lines.len() <= keep {
        return lines;
    }
    lines.truncate(keep);
    if let Some(last) = lines.last_mut() {
        let ellipsis = width('…');
        let mut w: f32 = last.chars().map(&width).sum();
        while w + ellipsis > max {
            match last.pop() {
                Some(c) => w -= width(c),
                None => break,
            }
        }
        last.push('…');
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mono(_: char) -> f32 {
        1.0
    }

    #[test]
    fn wraps_on_spaces_and_hard_breaks_long_words() {
        assert_eq!(wrap("aa bb cc", 5.0, mono), vec!["aa bb", "cc"]);
        assert_eq!(wrap("abcdefgh x", 3.0, mono), vec!["abc", "def", "gh", "x"]);
        assert_eq!(wrap("  ", 3.0, mono), Vec::<String>::new());
        assert_eq!(
            wrap("a", 0.0, mono),
            vec!["a"],
            "a line holds at least one character"
        );
    }

    #[test]
    fn a_five_thousand_character_word_breaks_into_lines_that_fit() {
        let long = "x".repeat(5000);
        let lines = wrap(&long, 100.0, mono);
        assert_eq!(lines.len(), 50);
        assert!(lines.iter().all(|l| l.chars().count() == 100));
        let cut = wrap_lines(&long, 100.0, 3, mono);
        assert_eq!(cut.len(), 3);
        assert!(cut[2].ends_with('…') && cut[2].chars().count() == 100);
    }

    #[test]
    fn dejavu_widths_come_from_the_font() {
        let m = Metrics::new(dejavu::sans::regular());
        assert!(m.tables.is_some(), "tables read");
        let w = |c| m.char_width(c, 1000.0).round();
        // DejaVu Sans: 2048 units per em; space 651, 'M' 1767, 'i' 569.
        assert_eq!((w(' '), w('M'), w('i')), (318.0, 863.0, 278.0));
        assert_eq!(w('Ж'), 1077.0, "Cyrillic is in the font (2206 units)");
        assert_eq!(w('\u{1F600}'), 1000.0, "outside the font: a generous width");
        let mono = Metrics::new(dejavu::sans_mono::regular());
        assert_eq!(mono.width("iiii", 10.0), mono.width("MMMM", 10.0));
        let broken = Metrics::new(&[0, 1, 0]);
        assert_eq!(
            broken.width("ab", 10.0),
            20.0,
            "an unreadable font still measures"
        );
    }
}
