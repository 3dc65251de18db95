//! The commands of the docs' ```sh blocks: continuation lines joined, comments cut, each with the doc-check markers
//! written before its block, and split into words as the shell would for the simple cases the docs use.

use std::path::Path;

/// One command line of a ```sh block.
#[derive(Debug, Clone)]
pub struct Command {
    /// `docs/guide.md:52`
    pub at: String,
    /// The line of its block's opening fence: commands with the same `block` share a block.
    pub block: usize,
    /// The command without its trailing comment.
    pub text: String,
    /// What the markers before its block say about it, if one names it.
    pub marker: Option<Marker>,
}

/// `<!-- doc-check: not run "PREFIX", ...: WHY; covered by PATH, ... -->`: commands starting with one of the prefixes
/// are not run by the doc-check, for the reason given, and the named files (tests, scripts) cover them instead.
#[derive(Debug, Clone)]
pub struct Marker {
    pub at: String,
    pub prefixes: Vec<String>,
    /// Why the commands cannot run here (shown to readers of the source; required, so no marker is bare).
    #[allow(dead_code)]
    pub why: String,
    pub covered_by: Vec<String>,
}

const OPEN: &str = "<!-- doc-check:";

/// Every command of every ```sh block of the page at `path` (named `page`), or what is wrong with a marker.
pub fn commands(page: &str, text: &str) -> Result<Vec<Command>, String> {
    let mut out = Vec::new();
    let mut markers: Vec<Marker> = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        if line.starts_with(OPEN) {
            markers.push(marker(&format!("{page}:{}", i + 1), line)?);
        } else if line.starts_with("```") {
            let sh = line == "```sh";
            let fence = i + 1;
            let begin = out.len();
            i += 1;
            let mut joined = String::new();
            let mut first = 0;
            while i < lines.len() && !lines[i].trim_start().starts_with("```") {
                if sh {
                    let l = lines[i];
                    if joined.is_empty() {
                        first = i + 1;
                    }
                    match l.strip_suffix('\\') {
                        Some(part) => joined.push_str(part),
                        None => {
                            joined.push_str(l);
                            let text = cut_comment(&joined).trim().to_string();
                            if !text.is_empty() {
                                out.push(Command {
                                    at: format!("{page}:{first}"),
                                    block: fence,
                                    marker: markers.iter().find(|m| covers(m, &text)).cloned(),
                                    text,
                                });
                            }
                            joined.clear();
                        }
                    }
                }
                i += 1;
            }
            if sh {
                let used = |m: &Marker| {
                    out[begin..]
                        .iter()
                        .any(|c: &Command| c.marker.as_ref().is_some_and(|cm| cm.at == m.at))
                };
                if let Some(unused) = markers.iter().find(|m| !used(m)) {
                    return Err(format!(
                        "{}: this doc-check marker names no command of the block after it",
                        unused.at
                    ));
                }
            } else if let Some(m) = markers.first() {
                return Err(format!(
                    "{}: a doc-check marker belongs before a ```sh block",
                    m.at
                ));
            }
            markers.clear();
        } else if !line.is_empty() && !markers.is_empty() {
            let m = &markers[0];
            return Err(format!(
                "{}: a doc-check marker must come right before its ```sh block",
                m.at
            ));
        }
        i += 1;
    }
    Ok(out)
}

/// Whether `m` names the command `text` (compared without leading `NAME=value` words).
fn covers(m: &Marker, text: &str) -> bool {
    let bare = words(text)
        .into_iter()
        .skip_while(|w| is_assignment(w))
        .collect::<Vec<_>>()
        .join(" ");
    m.prefixes.iter().any(|p| bare.starts_with(p.as_str()))
}

fn marker(at: &str, line: &str) -> Result<Marker, String> {
    let bad = |what: &str| {
        format!(
            "{at}: {what}; write <!-- doc-check: not run \"PREFIX\", ...: WHY; covered by tests/FILE.rs, ... -->"
        )
    };
    let body = line
        .strip_prefix(OPEN)
        .and_then(|l| l.strip_suffix("-->"))
        .ok_or_else(|| bad("the marker does not end with -->"))?
        .trim();
    let rest = body
        .strip_prefix("not run ")
        .ok_or_else(|| bad("the marker does not start with `not run`"))?;
    let (quoted, rest) = rest
        .rsplit_once("\":")
        .ok_or_else(|| bad("the marker names no \"PREFIX\""))?;
    let prefixes: Vec<String> = quoted
        .split(',')
        .map(|p| p.trim().trim_matches('"').to_string())
        .collect();
    let (why, covered) = rest
        .split_once("; covered by ")
        .ok_or_else(|| bad("the marker says no `; covered by`"))?;
    if why.trim().is_empty() || prefixes.iter().any(String::is_empty) {
        return Err(bad("the marker needs prefixes and a reason"));
    }
    Ok(Marker {
        at: at.to_string(),
        prefixes,
        why: why.trim().to_string(),
        covered_by: covered.split(',').map(|p| p.trim().to_string()).collect(),
    })
}

/// `text` without a `#` comment (one after white space, outside quotes).
pub fn cut_comment(text: &str) -> &str {
    let (mut single, mut double) = (false, false);
    let mut prev = ' ';
    for (i, c) in text.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '#' if !single && !double && prev.is_whitespace() => return &text[..i],
            _ => {}
        }
        prev = c;
    }
    text
}

/// `NAME=value`
pub fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    })
}

/// The words of a simple command line, quotes removed, up to the first shell operator (`;`, `|`, `&&`, `>`,
/// `>>`, `<`); `$(...)` stays inside its word.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let (mut single, mut double, mut depth) = (false, false, 0usize);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' if !double && depth == 0 => {
                single = !single;
                in_word = true;
            }
            '"' if !single && depth == 0 => {
                double = !double;
                in_word = true;
            }
            '$' if !single && chars.peek() == Some(&'(') => {
                depth += 1;
                word.push(c);
                word.push(chars.next().unwrap());
                in_word = true;
            }
            ')' if depth > 0 => {
                depth -= 1;
                word.push(c);
            }
            c if single || double || depth > 0 => word.push(c),
            ';' | '|' | '&' | '>' | '<' => break,
            c if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        out.push(word);
    }
    out
}

/// The pages whose commands are checked, in the order they run: the README, CONTRIBUTING.md, then `docs/`.
pub fn pages(root: &Path) -> Vec<std::path::PathBuf> {
    let mut docs: Vec<_> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    let mut pages = vec![root.join("README.md"), root.join("CONTRIBUTING.md")];
    pages.extend(docs);
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_joined_cut_and_marked() {
        let page = "text\n\n<!-- doc-check: not run \"cargo bench\": slow; covered by benches/scan.rs -->\n```sh\n\
                    cargo bench   # figures\nA=1 palisade scan \\\n  'https://x.example' >> \"$OUT\"\n# a note\n```\n";
        let cmds = commands("p.md", page).unwrap();
        assert_eq!(cmds.len(), 2, "{cmds:?}");
        assert_eq!(cmds[0].text, "cargo bench");
        assert_eq!(
            cmds[0].marker.as_ref().unwrap().covered_by,
            ["benches/scan.rs"]
        );
        assert!(cmds[1].marker.is_none());
        assert_eq!(
            words(&cmds[1].text),
            ["A=1", "palisade", "scan", "https://x.example"]
        );
        assert_eq!(
            words("K=$(openssl rand -hex 24) palisade serve"),
            ["K=$(openssl rand -hex 24)", "palisade", "serve"]
        );
        assert!(
            commands(
                "p.md",
                "<!-- doc-check: not run \"x\": y; covered by z -->\n```sh\nls\n```\n"
            )
            .is_err()
        );
    }
}
