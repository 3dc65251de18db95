use super::*;
use crate::advisories::Advisories;

fn ok(json: &str) -> Parsed {
    parse(json.as_bytes(), &Advisories::bundled()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn retire_repositories_load_and_count_what_they_skip() {
    let p = ok(r#"{
        "retire-example": {"vulnerabilities": [], "extractors": {}},
        "acme": {
            "npmname": "acme",
            "vulnerabilities": [
                {"below": "1.2.0", "severity": "high", "identifiers": {"CVE": ["CVE-2099-0001"], "githubID": "GHSA-aaaa-bbbb-cccc", "summary": "bad\nthing"}},
                {"atOrAbove": "2.0.0", "below": "2.1.0", "severity": "low", "identifiers": {}},
                {"severity": "low", "identifiers": {}}
            ],
            "extractors": {
                "filename": ["acme-(§§version§§)(\\.min)?\\.js"],
                "filecontent": ["/\\*! Acme v(§§version§§)", "(?<=x)acme (§§version§§)"],
                "filecontentreplace": ["/acme=\\{major:([0-9]+),minor:([0-9]+)/$1.$2/"],
                "func": ["acme.version"],
                "hashes": {"abc": "1.0.0", "def": "1.1.0"}
            }
        },
        "dont check": {"extractors": {"uri": ["^http://x/"]}}
    }"#);
    assert_eq!(p.kind, FeedKind::Retirejs);
    assert_eq!(p.records.len(), 1);
    let r = &p.report;
    assert_eq!(r.loaded["libraries"], 1);
    assert_eq!(r.loaded["advisories"], 2);
    assert_eq!(r.loaded["detection patterns"], 3);
    assert_eq!(
        r.skipped["func extractors (they need a JavaScript runtime)"],
        1
    );
    assert_eq!(r.skipped["file hashes (palisade does not hash scripts)"], 2);
    assert_eq!(
        r.skipped["vulnerabilities without an upper bound (below)"],
        1
    );
    assert_eq!(
        r.skipped["filecontent patterns with look-around (the regex crate does not support it)"],
        1
    );
    assert_eq!(r.skipped_total(), 7);
    let Record::Library(lib) = &p.records[0].1 else {
        panic!()
    };
    assert_eq!(lib.advisories[0].summary, "bad");
    assert_eq!(
        lib.advisories[0].ids,
        ["CVE-2099-0001", "GHSA-aaaa-bbbb-cccc"]
    );
    let replace = lib.extractors.iter().find(|x| x.replace.is_some()).unwrap();
    let x = crate::advisories::Extractor::compile("acme", replace, "t").unwrap();
    assert_eq!(x.find("acme={major:3,minor:14}").unwrap().version, "3.14");
}

#[test]
fn kev_catalogs_load_and_skip_bad_entries() {
    let p = ok(
        r#"{"catalogVersion": "2099.01.02", "dateReleased": "2099-01-02T00:00:00Z", "count": 3,
        "vulnerabilities": [
            {"cveID": "CVE-2099-1001", "dateAdded": "2099-01-02", "dueDate": "2099-01-23", "vulnerabilityName": "x", "knownRansomwareCampaignUse": "Known"},
            {"cveID": "not-a-cve", "dateAdded": "2099-01-02", "dueDate": "2099-01-23"},
            {"cveID": "CVE-2099-1002", "dateAdded": "2099-01-02"}
        ]}"#,
    );
    assert_eq!(p.kind, FeedKind::Kev);
    assert_eq!(p.version.as_deref(), Some("2099.01.02"));
    assert_eq!(p.records.len(), 1);
    assert_eq!(p.report.skipped_total(), 2);
    let Record::Kev(k) = &p.records[0].1 else {
        panic!()
    };
    assert!(k.ransomware && k.due_date == "2099-01-23");
}

#[test]
fn osv_records_arrays_and_wrappers_load() {
    let record = r#"{"id": "GHSA-aaaa-bbbb-cccc", "modified": "2099-01-01T00:00:00Z", "aliases": ["CVE-2099-2002"],
        "summary": "A bug", "database_specific": {"severity": "MODERATE"},
        "affected": [{"package": {"ecosystem": "npm", "name": "jquery"},
            "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.5.0"}, {"introduced": "2.0.0"}, {"last_affected": "2.1.0"}]},
                       {"type": "GIT", "repo": "x", "events": [{"introduced": "abc"}]}]}]}"#;
    let one = ok(record);
    assert_eq!(one.kind, FeedKind::Osv);
    let Record::Osv(o) = &one.records[0].1 else {
        panic!()
    };
    assert_eq!(o.ids, ["CVE-2099-2002", "GHSA-aaaa-bbbb-cccc"]);
    assert_eq!(o.severity, crate::model::Severity::Medium);
    let ranges: Vec<String> = o.packages[0].ranges.iter().map(|r| r.to_string()).collect();
    assert_eq!(ranges, ["<1.5.0", ">=2.0.0 <=2.1.0"]);
    assert_eq!(one.report.skipped["GIT ranges (commits, not versions)"], 1);
    assert_eq!(
        one.report.notes["affected packages of components palisade detects"],
        1
    );
    let array = ok(&format!(
        "[{record}, {{\"id\": \"X-1\", \"modified\": \"x\", \"withdrawn\": \"2099\"}}]"
    ));
    assert_eq!(
        (
            array.records.len(),
            array.report.skipped["withdrawn records"]
        ),
        (1, 1)
    );
    let wrapped = ok(&format!("{{\"vulns\": [{record}]}}"));
    assert_eq!(wrapped.records.len(), 1);
}

#[test]
fn bad_files_are_refused_with_what_to_do() {
    let cut = parse(
        b"{\"catalogVersion\": \"1\", \"vulnerabilities\": [",
        &Advisories::bundled(),
    )
    .unwrap_err();
    assert!(matches!(cut, ImportError::NotJson { line: 1, .. }), "{cut}");
    assert!(cut.to_string().contains("download the feed again"));
    let unknown = parse(br#"{"name": "x", "items": []}"#, &Advisories::bundled()).unwrap_err();
    assert!(
        unknown
            .to_string()
            .contains("an object with keys items, name"),
        "{unknown}"
    );
    let no_list = parse(
        br#"{"catalogVersion": "1", "vulnerabilities": 3}"#,
        &Advisories::bundled(),
    )
    .unwrap_err();
    assert!(
        no_list.to_string().contains("no \"vulnerabilities\" list"),
        "{no_list}"
    );
    let osv_without_ranges =
        parse(br#"{"id": "X-1", "modified": "x", "affected": [{"package": {"ecosystem": "npm", "name": "a"}}]}"#, &Advisories::bundled())
            .unwrap_err();
    assert!(
        osv_without_ranges.to_string().contains("OSV"),
        "{osv_without_ranges}"
    );
}
