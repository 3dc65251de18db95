//! The fix file in pages an agent can afford: `get_fix_file` returns at most [`MAX_PAGE`] bytes of it, the fixes
//! chosen by severity floor or id, and a cursor for the rest. A page is cut between fixes, never inside one unless a
//! single fix is larger than a page.

use crate::model::Severity;

/// Bytes of Markdown one page holds at most.
pub const MAX_PAGE: usize = 20 * 1024;

/// One page of the fix file.
#[derive(Debug, PartialEq)]
pub struct Page {
    pub markdown: String,
    /// Fixes that pass the filters, in the whole file.
    pub total: usize,
    /// The ids of the fixes on this page (`FIX-3`...).
    pub returned: Vec<String>,
    /// Where the next page starts, when there is one.
    pub next_cursor: Option<String>,
}

/// Which fixes a page may hold.
#[derive(Debug, Default)]
pub struct Filter {
    /// Only fixes at or above this severity.
    pub floor: Option<Severity>,
    /// Only these fixes (`FIX-2`, case-insensitive); all when empty.
    pub ids: Vec<String>,
}

/// One `## FIX-n: title [SEVERITY]` section.
struct Fix<'a> {
    id: &'a str,
    severity: Option<Severity>,
    text: &'a str,
}

/// The page of `markdown` (a rendered fix file) that starts at `cursor` (the `next_cursor` of the page before, or
/// `None` for the first), or an error naming what is wrong with the cursor.
pub fn page(markdown: &str, filter: &Filter, cursor: Option<&str>) -> Result<Page, String> {
    let start = match cursor {
        None => 0,
        Some(c) => c.parse::<usize>().map_err(|_| {
            format!(
                "cursor '{c}' is not one this tool gave: pass the next_cursor of the previous page"
            )
        })?,
    };
    let (head, fixes, trailer) = split(markdown);
    let chosen: Vec<Fix> = fixes
        .into_iter()
        .filter(|f| {
            filter
                .floor
                .is_none_or(|floor| f.severity.is_some_and(|s| s >= floor))
        })
        .filter(|f| {
            filter.ids.is_empty()
                || filter
                    .ids
                    .iter()
                    .any(|id| id.trim().eq_ignore_ascii_case(f.id))
        })
        .collect();
    if start > chosen.len() {
        return Err(format!(
            "cursor '{start}' is past the last of the {} fixes: start again without a cursor",
            chosen.len()
        ));
    }
    let mut out = String::new();
    if start == 0 {
        out.push_str(head);
    }
    let mut returned = Vec::new();
    let mut next = start;
    for fix in &chosen[start..] {
        if !returned.is_empty() && out.len() + fix.text.len() > MAX_PAGE {
            break;
        }
        if fix.text.len() > MAX_PAGE {
            let cut = floor_char_boundary(
                fix.text,
                MAX_PAGE.saturating_sub(out.len().min(MAX_PAGE / 2)),
            );
            out.push_str(&fix.text[..cut]);
            out.push_str("\n\n[this fix is cut here: the resource named by `uri` in this result holds all of it]\n\n");
        } else {
            out.push_str(fix.text);
        }
        returned.push(fix.id.to_string());
        next += 1;
    }
    let more = next < chosen.len();
    if !more && out.len() + trailer.len() <= MAX_PAGE {
        out.push_str(trailer);
    }
    if more {
        out.push_str(&format!(
            "\n_Fixes {}-{} of {} on this page: call get_fix_file again with cursor \"{next}\" for the rest._\n",
            start + 1,
            next,
            chosen.len()
        ));
    }
    Ok(Page {
        markdown: out,
        total: chosen.len(),
        returned,
        next_cursor: more.then(|| next.to_string()),
    })
}

/// The text before the first fix, the fixes, and what follows them (the informational list).
fn split(markdown: &str) -> (&str, Vec<Fix<'_>>, &str) {
    let starts: Vec<usize> = section_starts(markdown);
    let Some(&first) = starts
        .iter()
        .find(|&&i| markdown[i..].starts_with("## FIX-"))
    else {
        return (markdown, Vec::new(), "");
    };
    let mut fixes = Vec::new();
    let mut trailer = "";
    let later: Vec<usize> = starts.into_iter().filter(|&i| i >= first).collect();
    for (n, &at) in later.iter().enumerate() {
        let end = later.get(n + 1).copied().unwrap_or(markdown.len());
        let text = &markdown[at..end];
        if !text.starts_with("## FIX-") {
            trailer = &markdown[at..];
            break;
        }
        let title = text.lines().next().unwrap_or("");
        let id = title
            .trim_start_matches("## ")
            .split(':')
            .next()
            .unwrap_or("")
            .trim();
        let severity = title
            .rsplit_once('[')
            .and_then(|(_, s)| s.strip_suffix(']'))
            .and_then(|s| s.parse().ok());
        fixes.push(Fix { id, severity, text });
    }
    (&markdown[..first], fixes, trailer)
}

/// Byte offsets of the lines that open a `## ` section, outside fenced code blocks.
fn section_starts(markdown: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut fenced = false;
    let mut at = 0;
    for line in markdown.split_inclusive('\n') {
        if line.starts_with("```") {
            fenced = !fenced;
        } else if !fenced && line.starts_with("## ") {
            starts.push(at);
        }
        at += line.len();
    }
    starts
}

fn floor_char_boundary(s: &str, mut at: usize) -> usize {
    at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(fixes: &[(&str, usize)]) -> String {
        let mut s = String::from(
            "---\nformat: security-fix/v1\n---\n# Security fixes: a.test\n\nApply in order.\n\n",
        );
        for (n, (sev, size)) in fixes.iter().enumerate() {
            s += &format!(
                "## FIX-{}: fix {} [{sev}]\n\n```nginx\n## not a section\n```\n{}\n\n",
                n + 1,
                n + 1,
                "x".repeat(*size)
            );
        }
        s + "## Also noted (informational, no fix needed)\n\n- something\n"
    }

    #[test]
    fn pages_hold_whole_fixes_within_the_limit_and_a_cursor_walks_them_all() {
        let md = file(&[
            ("CRITICAL", 9000),
            ("HIGH", 9000),
            ("MEDIUM", 9000),
            ("LOW", 100),
        ]);
        let one = page(&md, &Filter::default(), None).unwrap();
        assert_eq!(one.returned, vec!["FIX-1", "FIX-2"]);
        assert!(one.markdown.starts_with("---\nformat") && one.markdown.len() <= MAX_PAGE + 200);
        assert!(!one.markdown.contains("Also noted"));
        let two = page(&md, &Filter::default(), one.next_cursor.as_deref()).unwrap();
        assert_eq!(two.returned, vec!["FIX-3", "FIX-4"]);
        assert!(
            !two.markdown.contains("format: security-fix"),
            "the head only once"
        );
        assert!(two.markdown.contains("## Also noted"));
        assert_eq!(two.next_cursor, None);
        assert_eq!(one.total, 4);
        // Nothing is sent twice across the pages.
        assert!(!two.markdown.contains("## FIX-2:"));
    }

    #[test]
    fn a_floor_and_ids_choose_fixes_and_bad_cursors_say_what_to_do() {
        let md = file(&[("CRITICAL", 10), ("LOW", 10), ("HIGH", 10)]);
        let high = Filter {
            floor: Some(Severity::High),
            ids: vec![],
        };
        assert_eq!(
            page(&md, &high, None).unwrap().returned,
            vec!["FIX-1", "FIX-3"]
        );
        let by_id = Filter {
            floor: None,
            ids: vec!["fix-2".into()],
        };
        let p = page(&md, &by_id, None).unwrap();
        assert_eq!(
            (p.returned.clone(), p.total),
            (vec!["FIX-2".to_string()], 1)
        );
        assert!(
            page(&md, &Filter::default(), Some("x"))
                .unwrap_err()
                .contains("next_cursor")
        );
        assert!(
            page(&md, &Filter::default(), Some("9"))
                .unwrap_err()
                .contains("without a cursor")
        );
    }

    #[test]
    fn a_fix_larger_than_a_page_is_cut_and_says_where_the_rest_is() {
        let md = file(&[("HIGH", MAX_PAGE * 2), ("LOW", 10)]);
        let p = page(&md, &Filter::default(), None).unwrap();
        assert_eq!(p.returned, vec!["FIX-1"]);
        assert!(p.markdown.len() <= MAX_PAGE + 300, "{}", p.markdown.len());
        assert!(p.markdown.contains("this fix is cut here"));
        assert_eq!(p.next_cursor.as_deref(), Some("1"));
    }
}
