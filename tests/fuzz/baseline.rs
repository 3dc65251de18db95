//! The baseline file parser (`.palisade-ignore`): any text gives entries or one line of error naming the file, and
//! accepted entries written back out read the same.

use palisade::report::gate::{Baseline, Entry};
use proptest::prelude::*;
use std::path::Path;

fn parse(text: &str) -> Result<Baseline, String> {
    Baseline::parse(text, Path::new(".palisade-ignore"))
}

/// A TOML string literal of `s`.
fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Entries as a file, the way a person would write them.
fn write(entries: &[Entry]) -> String {
    entries
        .iter()
        .map(|e| {
            let expires = e
                .expires
                .map(|d| format!("expires = {}\n", quoted(&d.to_string())))
                .unwrap_or_default();
            format!(
                "[[ignore]]\nfingerprint = {}\nreason = {}\n{expires}\n",
                quoted(&e.fingerprint),
                quoted(&e.reason)
            )
        })
        .collect()
}

fn fingerprint() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[0-9a-fA-F]{16}",
        1 => " [0-9a-f]{16}\t",
        1 => "[0-9a-gA-Z]{14,18}",
        1 => "\\PC{0,20}",
        1 => prop::sample::select(vec!["", "0x7c769d9088fba3", "７c769d9088fba335", "7c769d9088fba335\n"]).prop_map(String::from),
    ]
}

fn reason() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-zA-Z0-9 #.,:'-]{1,40}",
        1 => "\\PC{0,30}",
        1 => "[\\x00-\\x7f]{0,20}",
        1 => prop::sample::select(vec!["", "   ", "\"\"\"", "line\nbreak", "tab\there", "'''", "\\u0000"]).prop_map(String::from),
    ]
}

fn expires() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        2 => Just(None),
        2 => (1000i32..9999, 1u8..13, 1u8..32).prop_map(|(y, m, d)| Some(format!("{y:04}-{m:02}-{d:02}"))),
        1 => (1000i32..9999, 1u8..13, 1u8..29).prop_map(|(y, m, d)| Some(format!("\"{y:04}-{m:02}-{d:02}\""))),
        1 => prop::sample::select(vec![
            "2027-01-31T10:00:00Z", "\"next year\"", "20270131", "2027-02-30", "\"\"", "1", "true", "[]", "{}",
            "0000-01-01", "-2027-01-01", "2027-1-1", "\"2027-01-31 \"", "07:32:00", "1979-05-27T07:32:00",
        ])
        .prop_map(|s| Some(s.to_string())),
    ]
}

/// A file of generated entries, some well formed, and sometimes a stray line.
fn file() -> impl Strategy<Value = String> {
    let entry = (fingerprint(), reason(), expires()).prop_map(|(f, r, e)| {
        let e = e.map(|e| format!("expires = {e}\n")).unwrap_or_default();
        format!(
            "[[ignore]]\nfingerprint = {}\nreason = {}\n{e}",
            quoted(&f),
            quoted(&r)
        )
    });
    let stray = prop::sample::select(vec![
        "",
        "",
        "",
        "# a comment\n",
        "[[ignore]]\n",
        "[ignore]\n",
        "until = 2027-01-01\n",
        "fingerprint = 1\n",
        "[[ignore]\n",
        "\u{feff}",
        "x = \"\n",
    ]);
    (prop::collection::vec(entry, 0..4), stray, 0usize..5).prop_map(|(entries, stray, at)| {
        let mut text = entries.join("\n");
        let at = text
            .char_indices()
            .map(|(i, _)| i)
            .nth(at * 7)
            .unwrap_or(text.len());
        text.insert_str(at, stray);
        text
    })
}

fn check(text: &str) -> Result<(), TestCaseError> {
    match parse(text) {
        Err(e) => {
            prop_assert!(
                !e.contains('\n') && !e.contains('\r'),
                "a multi-line error for {text:?}:\n{e}"
            );
            prop_assert!(e.starts_with(".palisade-ignore"), "{e}");
            prop_assert!(e.len() < 600, "{} bytes of error", e.len());
        }
        Ok(b) => {
            for e in &b.entries {
                prop_assert!(
                    e.fingerprint.len() == 16
                        && e.fingerprint
                            .bytes()
                            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()),
                    "{e:?}"
                );
                prop_assert!(
                    !e.reason.trim().is_empty() && e.reason.trim() == e.reason,
                    "{e:?}"
                );
            }
            let again = parse(&write(&b.entries));
            prop_assert_eq!(
                again.map(|a| a.entries),
                Ok(b.entries.clone()),
                "written back: {}",
                write(&b.entries)
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(crate::config(2000))]

    #[test]
    fn generated_files_give_entries_that_round_trip_or_one_line_of_error(text in file()) {
        check(&text)?;
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,80}|[\\[\\]a-z =\"'\n#.0-9-]{0,120}") {
        check(&text)?;
    }

    #[test]
    fn well_formed_entries_are_accepted_as_written(
        fp in "[0-9a-fA-F]{16}",
        reason in "[a-zA-Z0-9][a-zA-Z0-9 .,:'#-]{0,30}",
        date in (1000i32..9999, 1u8..13, 1u8..29),
    ) {
        let (y, m, d) = date;
        let text = format!("[[ignore]]\nfingerprint = {}\nreason = {}\nexpires = {y:04}-{m:02}-{d:02}\n", quoted(&fp), quoted(&reason));
        let b = parse(&text).map_err(TestCaseError::fail)?;
        prop_assert_eq!(b.entries.len(), 1);
        prop_assert_eq!(&b.entries[0].fingerprint, &fp.to_ascii_lowercase());
        prop_assert_eq!(&b.entries[0].reason, reason.trim());
        prop_assert_eq!(b.entries[0].expires.map(|d| d.to_string()), Some(format!("{y:04}-{m:02}-{d:02}")));
    }
}

/// Found by the properties above: a fingerprint or date with a line break in it made a two-line error.
#[test]
fn values_with_line_breaks_give_one_line_of_error() {
    for text in [
        "[[ignore]]\nfingerprint = '''# a comment\n\\''''\nreason = \"a\"\n",
        "[[ignore]]\nfingerprint = \"7c769d9088fba335\"\nreason = \"a\"\nexpires = \"2027-01-31\\nlater\"\n",
    ] {
        let err = parse(text).unwrap_err();
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}
