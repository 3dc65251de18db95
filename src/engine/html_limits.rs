//! How much of a page the HTML parser is given: html5ever takes quadratic time on some hostile shapes (one tag with
//! hundreds of thousands of attributes took 191 s for 2 MiB; tens of thousands of nested elements likewise) and its
//! DOM takes about 45 times the bytes of a page of bare tags. The page is parsed up to the first tag past one of
//! these bounds; the checks still read the whole body as text.

/// Tags parsed from one page, at most (about 14 MB of DOM).
pub const MAX_TAGS: usize = 100_000;
/// Attributes of one tag, at most.
pub const MAX_ATTRIBUTES: usize = 256;
/// Elements open at once, at most (browsers stop nesting at 512 too).
pub const MAX_DEPTH: usize = 512;

/// Elements that never hold others, or that the parser closes by itself when the next one opens, so that they do
/// not deepen the tree.
const FLAT: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rb", "rt", "rp",
    "tbody", "thead", "tfoot", "colgroup", "caption",
];

/// The length of the prefix of `html` to parse, and whether the page was cut.
pub fn parse_len(html: &str) -> (usize, bool) {
    let b = html.as_bytes();
    let (mut i, mut tags, mut depth) = (0, 0usize, 0usize);
    while let Some(at) = b[i..].iter().position(|&c| c == b'<').map(|p| p + i) {
        let rest = &b[at + 1..];
        if rest.starts_with(b"!--") {
            i = find(b, at + 4, b"-->").map_or(b.len(), |e| e + 3);
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let name_at = at + 1 + usize::from(closing);
        let name_len = b[name_at..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-')
            .count();
        if name_len == 0 || !b[name_at].is_ascii_alphabetic() {
            i = at + 1;
            continue;
        }
        let name = html[name_at..name_at + name_len].to_ascii_lowercase();
        let (end, attributes) = tag_end(b, name_at + name_len);
        tags += 1;
        let flat = FLAT.contains(&name.as_str()) || b[..end].ends_with(b"/>");
        if closing {
            depth = depth.saturating_sub(usize::from(!flat));
        } else {
            depth += usize::from(!flat);
        }
        if tags > MAX_TAGS || attributes > MAX_ATTRIBUTES || depth > MAX_DEPTH {
            return (at, true);
        }
        i = end;
        if !closing && matches!(name.as_str(), "script" | "style" | "textarea" | "title") {
            // Raw text: nothing in it is a tag until its end tag.
            let close = format!("</{name}");
            i = find_ci(b, i, close.as_bytes()).unwrap_or(b.len());
        }
    }
    (html.len(), false)
}

/// The end of the tag whose attributes start at `from` (just past its `>`), and how many attributes it has.
fn tag_end(b: &[u8], from: usize) -> (usize, usize) {
    let (mut i, mut attributes, mut quote, mut gap) = (from, 0, None, true);
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == b'>' => return (i + 1, attributes),
            None if c == b'"' || c == b'\'' => quote = Some(c),
            None if c.is_ascii_whitespace() || c == b'/' => gap = true,
            None if c == b'=' => gap = false,
            None => {
                if gap {
                    attributes += 1;
                }
                gap = false;
            }
        }
        i += 1;
    }
    (b.len(), attributes)
}

fn find(b: &[u8], from: usize, what: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(what.len())
        .position(|w| w == what)
        .map(|p| p + from)
}

fn find_ci(b: &[u8], from: usize, what: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(what.len())
        .position(|w| w.eq_ignore_ascii_case(what))
        .map(|p| p + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_pages_are_parsed_whole() {
        let page = "<!doctype html><html><head><script>if (a < b) { x = '<div>'; }</script></head><body>\
            <!-- <div><div> --><p>one<p>two<ul><li>a<li>b</ul><img src=x alt=\"a > b\"><br/></body></html>";
        assert_eq!(parse_len(page), (page.len(), false));
        let sloppy = "<p>para".repeat(50_000);
        assert_eq!(parse_len(&sloppy), (sloppy.len(), false));
    }

    #[test]
    fn hostile_shapes_are_cut_before_the_tag_past_the_bound() {
        let attrs: String = (0..1000).map(|i| format!(" a{i}=\"x y\"")).collect();
        let page = format!("<p>ok</p><a{attrs}>x</a>");
        assert_eq!(parse_len(&page), (9, true));
        let nested = "<div>".repeat(2000);
        assert_eq!(parse_len(&nested), (MAX_DEPTH * 5, true));
        let tags = "<br>".repeat(MAX_TAGS + 10);
        assert_eq!(parse_len(&tags), (MAX_TAGS * 4, true));
    }
}
