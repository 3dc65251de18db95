//! Tests of layering, sources named in errors, and paths in configuration files.

use super::*;
use crate::lab::certs::LabCa;
use std::collections::HashMap;

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |k| map.get(k).cloned()
}

#[test]
fn layers_apply_in_order_defaults_file_env_flags() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("palisade.toml");
    std::fs::write(
        &file,
        "db = \"/from/file.db\"\n[scan]\nrate = 5.0\nconcurrency = 3\nprofile = \"deep\"\n",
    )
    .unwrap();
    let flags = Layer {
        scan: ScanLayer {
            rate: Some(7.0),
            ..Default::default()
        },
        ..Default::default()
    };
    let get = env(&[
        ("PALISADE_RATE", "6"),
        ("PALISADE_DB", "/from/env.db"),
        ("HOME", "/home/u"),
    ]);
    let config = Config::load_with(Some(&file), flags, get).unwrap();
    assert_eq!(config.scan.rate, 7.0, "flag wins over env and file");
    assert_eq!(
        config.db,
        PathBuf::from("/from/env.db"),
        "env wins over file"
    );
    assert_eq!(config.scan.concurrency, 3, "file wins over default");
    assert_eq!(config.scan.profile, Profile::Deep);
    assert_eq!(config.scan.timeout, Duration::from_secs(10), "default kept");
}

#[test]
fn default_database_follows_xdg() {
    let c = Config::load_with(None, Layer::default(), env(&[("HOME", "/home/u")])).unwrap();
    assert_eq!(
        c.db,
        PathBuf::from("/home/u/.local/share/palisade/palisade.db")
    );
    let c = Config::load_with(
        None,
        Layer::default(),
        env(&[("XDG_DATA_HOME", "/x"), ("HOME", "/h")]),
    )
    .unwrap();
    assert_eq!(c.db, PathBuf::from("/x/palisade/palisade.db"));
}

#[test]
fn bad_values_name_their_source() {
    let e =
        Config::load_with(None, Layer::default(), env(&[("PALISADE_RATE", "fast")])).unwrap_err();
    assert_eq!(e.to_string(), "PALISADE_RATE: 'fast' is not a number");
    let flags = Layer {
        scan: ScanLayer {
            profile: Some("turbo".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    let e = Config::load_with(None, flags, env(&[]))
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("--profile: unknown profile 'turbo'"), "{e}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.toml");
    std::fs::write(&file, "[scan]\nrat = 1\n").unwrap();
    let e = Config::load_with(Some(&file), Layer::default(), env(&[]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown field `rat`"), "{e}");
}

#[test]
fn errors_from_a_file_name_that_file_as_given() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad2.toml");
    std::fs::write(&file, "[scan]\nrate = -1\n").unwrap();
    let e = Config::load_with(Some(&file), Layer::default(), env(&[]))
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        format!(
            "{} scan.rate: -1 is out of range: give 0.1 to 10000 requests per second",
            file.display()
        )
    );
    let other = dir.path().join("other.toml");
    std::fs::write(&other, "[network]\nresolve = [\"nonsense\"]\n").unwrap();
    let e = Config::load_with(
        None,
        Layer::default(),
        env(&[("PALISADE_CONFIG", other.to_str().unwrap())]),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.starts_with(&format!("{} network.resolve: ", other.display())),
        "{e}"
    );
}

#[test]
fn relative_paths_in_a_file_are_taken_from_its_directory() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("conf");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(sub.join("ca.pem"), LabCa::new("Test CA").cert_pem()).unwrap();
    let file = sub.join("palisade.toml");
    std::fs::write(
        &file,
        "db = \"data/scans.db\"\n[network]\nca_certs = [\"ca.pem\"]\n",
    )
    .unwrap();
    let config = Config::load_with(Some(&file), Layer::default(), env(&[])).unwrap();
    assert_eq!(config.db, sub.join("data/scans.db"));
    assert_eq!(config.network.ca_certs.len(), 1);
    std::fs::write(&file, "db = \"/abs/scans.db\"\n").unwrap();
    let config = Config::load_with(Some(&file), Layer::default(), env(&[])).unwrap();
    assert_eq!(
        config.db,
        PathBuf::from("/abs/scans.db"),
        "absolute paths stay"
    );
    let flags = Layer {
        db: Some(PathBuf::from("flag.db")),
        ..Default::default()
    };
    let config = Config::load_with(Some(&file), flags, env(&[])).unwrap();
    assert_eq!(
        config.db,
        PathBuf::from("flag.db"),
        "paths from flags stay relative to the working directory"
    );
}

#[test]
fn smtp_comes_from_file_and_environment_and_needs_a_sender() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("palisade.toml");
    std::fs::write(
        &file,
        "[smtp]\nurl = \"smtps://alerts%40example.com:pw@smtp.example.com\"\nfrom = \"Palisade <alerts@example.com>\"\n",
    )
    .unwrap();
    let config = Config::load_with(Some(&file), Layer::default(), env(&[])).unwrap();
    let smtp = config.smtp.expect("smtp settings");
    assert_eq!(
        (smtp.host.as_str(), smtp.port, smtp.username.as_deref()),
        ("smtp.example.com", 465, Some("alerts@example.com"))
    );
    assert_eq!(smtp.from, "Palisade <alerts@example.com>");

    let get = env(&[("PALISADE_SMTP_URL", "smtp://127.0.0.1:2525")]);
    let config = Config::load_with(Some(&file), Layer::default(), get).unwrap();
    let smtp = config.smtp.unwrap();
    assert_eq!((smtp.port, smtp.tls), (2525, SmtpTls::None), "env wins");
    assert_eq!(smtp.from, "Palisade <alerts@example.com>", "from the file");

    let get = env(&[("PALISADE_SMTP_URL", "smtp://127.0.0.1:2525")]);
    let e = Config::load_with(None, Layer::default(), get).unwrap_err();
    assert!(e.to_string().contains("PALISADE_SMTP_FROM"), "{e}");
    let get = env(&[
        ("PALISADE_SMTP_URL", "smtp://127.0.0.1:2525"),
        ("PALISADE_SMTP_FROM", "nobody"),
    ]);
    let e = Config::load_with(None, Layer::default(), get).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("PALISADE_SMTP_FROM: 'nobody' is not a sender address"),
        "{e}"
    );
    let get = env(&[("PALISADE_SMTP_FROM", "Palisade <alerts@example.com>")]);
    let e = Config::load_with(None, Layer::default(), get).unwrap_err();
    assert!(
        e.to_string().contains("a sender without a mail server"),
        "{e}"
    );

    let get = env(&[
        ("PALISADE_SMTP_URL", "smtp://127.0.0.1:2525"),
        ("PALISADE_SMTP_FROM", "Palisade <alerts@example.com>"),
        (
            "PALISADE_SMTP_ALLOWED_DOMAINS",
            "example.com, *.Example.org",
        ),
    ]);
    let smtp = Config::load_with(None, Layer::default(), get)
        .unwrap()
        .smtp
        .unwrap();
    assert_eq!(smtp.allowed_domains, vec!["example.com", "example.org"]);
    let get = env(&[("PALISADE_SMTP_ALLOWED_DOMAINS", "localhost")]);
    let e = Config::load_with(None, Layer::default(), get).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("PALISADE_SMTP_ALLOWED_DOMAINS: 'localhost' is not a mail domain"),
        "{e}"
    );
}

#[test]
fn allowed_hosts_and_origins_that_the_guard_could_never_match_are_refused() {
    for (var, bad) in [
        ("PALISADE_ALLOWED_HOSTS", "palisade.example.com/x"),
        ("PALISADE_ALLOWED_HOSTS", "admin@palisade.example.com"),
        ("PALISADE_ALLOWED_ORIGINS", "https://dash.example/app"),
        ("PALISADE_ALLOWED_ORIGINS", "https://u@dash.example"),
        ("PALISADE_ALLOWED_ORIGINS", "ftp://dash.example"),
    ] {
        let e = Config::load_with(None, Layer::default(), env(&[(var, bad)]))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with(&format!("{var}: '{bad}' is not")), "{e}");
    }
    let ok = Config::load_with(
        None,
        Layer::default(),
        env(&[
            (
                "PALISADE_ALLOWED_HOSTS",
                "palisade.example.com,palisade.internal:8477",
            ),
            (
                "PALISADE_ALLOWED_ORIGINS",
                "https://dash.example/,http://localhost:6274",
            ),
        ]),
    )
    .unwrap();
    assert_eq!(ok.server.allowed_hosts.len(), 2);
    assert_eq!(ok.server.allowed_origins.len(), 2);
}
