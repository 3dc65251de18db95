use super::*;
use crate::model::Severity;

fn v(s: &str) -> Version {
    Version::parse(s).unwrap()
}

fn ids(verdict: &Verdict<'_>) -> Vec<String> {
    verdict
        .advisories
        .iter()
        .flat_map(|a| a.ids.iter().cloned())
        .collect()
}

#[test]
fn the_bundled_database_reads_and_every_pattern_compiles() {
    let base = bundled::load();
    for (component, spec) in &base.extractors {
        if let Err(e) = Extractor::compile(component, spec, "bundled") {
            panic!("{component}: {} {e}", spec.pattern);
        }
    }
    let db = Advisories::bundled();
    for name in [
        "jquery",
        "jquery-ui",
        "jquery-migrate",
        "angularjs",
        "bootstrap",
        "lodash",
        "underscore",
        "moment",
        "handlebars",
        "mustache",
        "vue",
        "dompurify",
        "knockout",
        "dojo",
        "prototype",
        "tinymce",
        "ckeditor",
        "select2",
        "nginx",
        "apache-httpd",
        "php",
        "openssl",
        "iis",
        "tomcat",
        "wordpress",
        "drupal",
        "joomla",
    ] {
        let c = db
            .component(name)
            .unwrap_or_else(|| panic!("{name} missing"));
        assert!(
            !c.advisories.is_empty() || !c.eol.is_empty(),
            "{name} is empty"
        );
        for a in &c.advisories {
            assert!(
                !a.summary.is_empty() && !a.ranges.is_empty(),
                "{name} {:?}",
                a.ids
            );
        }
    }
    assert_eq!(db.extractors().len(), base.extractors.len());
    assert!(db.kev("CVE-2020-11023").is_some());
}

#[test]
fn jquery_1_12_4_lists_its_advisories_the_fix_kev_and_end_of_life() {
    let db = Advisories::bundled();
    let verdict = db.check("jquery", &v("1.12.4"), false).unwrap();
    let found = ids(&verdict);
    for id in [
        "CVE-2015-9251",
        "CVE-2019-11358",
        "CVE-2020-11022",
        "CVE-2020-11023",
    ] {
        assert!(found.iter().any(|i| i == id), "{id} in {found:?}");
    }
    assert!(
        !found.iter().any(|i| i == "CVE-2011-4969"),
        "fixed in 1.6.3"
    );
    assert_eq!(verdict.fixed_in.unwrap().to_string(), "3.5.0");
    assert!(verdict.eol.is_some());
    assert_eq!(verdict.kev[0].cve, "CVE-2020-11023");
}

#[test]
fn the_fix_is_the_lowest_version_no_advisory_affects() {
    let db = Advisories::bundled();
    let lodash = db.check("lodash", &v("4.17.15"), false).unwrap();
    let fix = lodash.fixed_in.clone().unwrap();
    assert!(
        db.check("lodash", &fix, false)
            .unwrap()
            .advisories
            .is_empty(),
        "{fix}"
    );
    assert!(fix > v("4.17.20"));
    let wp = db.check("wordpress", &v("5.8"), false).unwrap();
    assert!(ids(&wp).contains(&"CVE-2022-21661".to_string()));
    assert_eq!(
        wp.fixed_in.unwrap().to_string(),
        "5.8.7",
        "stays in the 5.8 branch"
    );
    let php = db.check("php", &v("7.4.3"), false).unwrap();
    assert!(php.fix_is_eol && php.eol.is_some());
    assert_eq!(
        php.advisories.first().map(|a| a.severity),
        Some(Severity::Critical)
    );
}

#[test]
fn current_versions_have_nothing_to_report() {
    let db = Advisories::bundled();
    for (name, version) in [
        ("jquery", "3.7.1"),
        ("jquery-ui", "1.14.1"),
        ("bootstrap", "5.3.3"),
        ("lodash", "4.18.0"),
        ("vue", "3.4.21"),
        ("nginx", "1.28.0"),
        ("apache-httpd", "2.4.65"),
        ("php", "8.3.14"),
        ("wordpress", "6.8.3"),
    ] {
        let verdict = db.check(name, &v(version), false).unwrap();
        assert!(
            verdict.advisories.is_empty() && verdict.eol.is_none(),
            "{name} {version}: {:?}",
            ids(&verdict)
        );
    }
}

#[test]
fn a_major_alone_matches_only_end_of_life() {
    let db = Advisories::bundled();
    let drupal9 = db.check("drupal", &v("9"), true).unwrap();
    assert!(drupal9.eol.is_some() && drupal9.advisories.is_empty());
    let drupal10 = db.check("drupal", &v("10"), true).unwrap();
    assert!(drupal10.eol.is_none());
}

#[test]
fn imported_records_add_libraries_patterns_kev_and_osv() {
    let acme = Record::Library(ImportedLibrary {
        name: "acme-widget".into(),
        npm: Some("acme-widget".into()),
        advisories: vec![Advisory {
            ids: vec!["CVE-2099-1001".into()],
            severity: Severity::Medium,
            summary: "test".into(),
            ranges: vec![Range::parse("<2.0.0", Scheme::Semver).unwrap()],
            condition: None,
            source: "retire.js".into(),
        }],
        extractors: vec![ExtractorSpec::with_placeholder(
            On::Filename,
            r"^acme-widget-({version})\.js$",
            extract::PLACEHOLDER,
            None,
        )],
    });
    let kev = Record::Kev(KevEntry {
        cve: "CVE-2099-1001".into(),
        date_added: "2099-01-02".into(),
        due_date: "2099-01-23".into(),
        name: "Acme".into(),
        ransomware: false,
    });
    let osv = Record::Osv(OsvRecord {
        ids: vec!["CVE-2099-2002".into(), "GHSA-aaaa-bbbb-cccc".into()],
        severity: Severity::Low,
        summary: "osv".into(),
        packages: vec![OsvPackage {
            ecosystem: "npm".into(),
            name: "acme-widget".into(),
            ranges: vec![Range::parse("<1.5.0", Scheme::Semver).unwrap()],
        }],
    });
    let db = Advisories::build(&[kev, osv, acme]);
    let verdict = db.check("acme-widget", &v("1.2.3"), false).unwrap();
    assert_eq!(ids(&verdict).len(), 3);
    assert_eq!(verdict.kev.len(), 1);
    assert_eq!(verdict.fixed_in.unwrap().to_string(), "2.0.0");
    let x = db
        .extractors()
        .iter()
        .find(|x| x.component == "acme-widget")
        .unwrap();
    assert_eq!(x.find("acme-widget-1.2.3.min.js").unwrap().version, "1.2.3");
    assert!(db.resolves("npm", "acme-widget") && db.resolves("NPM", "jquery"));
}

#[test]
fn retire_end_of_life_notices_become_end_of_life_rules() {
    let notice = |name: &str| {
        Record::Library(ImportedLibrary {
            name: name.into(),
            npm: None,
            advisories: vec![Advisory {
                ids: vec![],
                severity: Severity::Low,
                summary: "Version 1 is End-of-Life and no longer maintained".into(),
                ranges: vec![Range::parse("<1.999.999", Scheme::Semver).unwrap()],
                condition: None,
                source: "retire.js".into(),
            }],
            extractors: vec![],
        })
    };
    let db = Advisories::build(&[notice("oldlib"), notice("jquery")]);
    let old = db.check("oldlib", &v("1.4.0"), false).unwrap();
    assert!(old.advisories.is_empty());
    assert_eq!(
        old.eol.unwrap().note,
        "Version 1 is End-of-Life and no longer maintained"
    );
    let jquery = db.check("jquery", &v("1.12.4"), false).unwrap();
    assert_eq!(
        jquery.fixed_in.unwrap().to_string(),
        "3.5.0",
        "no advisory without a fix added"
    );
    assert!(
        jquery.eol.unwrap().note.starts_with("jQuery 1.x and 2.x"),
        "the bundled rule wins"
    );
}

#[test]
fn deferred_patterns_are_checked_at_once_and_compiled_on_first_use() {
    let spec = |pattern: &str| ExtractorSpec {
        on: On::Content,
        pattern: pattern.into(),
        replace: None,
    };
    let bad = Extractor::deferred("acme", &spec(r"acme v([0-9"), "t").unwrap_err();
    assert!(bad.starts_with("syntax the regex crate rejects"), "{bad}");
    assert_eq!(
        Extractor::deferred("acme", &spec(r"acme v[0-9.]+"), "t").unwrap_err(),
        "no group for the version"
    );
    let x = Extractor::deferred("acme", &spec(r"acme v([0-9][0-9.]*)"), "t").unwrap();
    assert_eq!(x.find("/*! acme v2.4.1 */").unwrap().version, "2.4.1");
    assert!(x.find("nothing here").is_none());
}
