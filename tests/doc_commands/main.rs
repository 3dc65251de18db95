//! The doc-check: every command of every ```sh block in the README, CONTRIBUTING.md and `docs/` either runs here and
//! succeeds, or carries a marker before its block saying why it cannot run here and which test covers it instead.
//! Every `palisade` command line, marked or not, must parse with the real CLI parser. Commands run in a sandbox
//! (see `sandbox.rs`) inside a network namespace of their own where one can be made, and a command naming a host
//! that is neither loopback nor pinned to the lab is refused, so nothing but loopback is ever contacted.

#[path = "../support/mod.rs"]
mod support;

mod blocks;
mod sandbox;

use blocks::{Command, is_assignment, words};
use clap::Parser;
use palisade::cli::{Cli, Command as Sub};
use sandbox::Sandbox;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const NAME: &str = "every_command_in_the_docs_runs_or_is_marked";

#[test]
fn every_command_in_the_docs_runs_or_is_marked() {
    if !support::netns::inside() {
        if support::netns::rerun(NAME, "-rn") {
            return;
        }
    } else {
        support::netns::run(&["ip", "link", "set", "lo", "up"]);
    }
    let started = std::time::Instant::now();
    let mut sandbox = Sandbox::new(&root());
    let mut failures = Vec::new();
    let (mut ran, mut marked) = (0, 0);
    let mut seen = std::collections::HashSet::new();
    for page in blocks::pages(&root()) {
        let name = page.strip_prefix(root()).unwrap().display().to_string();
        let text = std::fs::read_to_string(&page).unwrap();
        let commands = match blocks::commands(&name, &text) {
            Ok(c) => c,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        sandbox.prelude.clear();
        let mut block = 0;
        for cmd in commands {
            // A server a block started serves that block's commands only (a second process writing the same
            // database while it runs may find it locked).
            if cmd.block != block {
                block = cmd.block;
                if let Err(e) = sandbox.stop() {
                    failures.push(format!("{}: the server its block started: {e}", cmd.at));
                }
            }
            let began = std::time::Instant::now();
            let result = match &cmd.marker {
                Some(_) => check_marked(&cmd).map(|()| marked += 1),
                // A scan the README and the guide both show runs once; other commands make state and run each time.
                None if cmd.text.starts_with("palisade scan ")
                    && !seen.insert(cmd.text.clone()) =>
                {
                    Ok(())
                }
                None => run(&mut sandbox, &cmd).map(|()| ran += 1),
            };
            if began.elapsed() > std::time::Duration::from_secs(2) {
                eprintln!(
                    "doc-check: {:.1} s for {}",
                    began.elapsed().as_secs_f64(),
                    cmd.at
                );
            }
            if let Err(e) = result {
                failures.push(format!("{}: `{}`: {e}", cmd.at, cmd.text));
            }
        }
        if let Err(e) = sandbox.stop() {
            failures.push(format!("{name}: the server its commands started: {e}"));
        }
    }
    eprintln!(
        "doc-check: {ran} commands ran, {marked} marked, in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "doc commands that failed (see CONTRIBUTING.md, \"Commands in the docs\"):\n{}",
        failures.join("\n")
    );
    assert!(
        ran >= 40,
        "only {ran} commands ran: did the extraction break?"
    );
}

/// The program a command runs, after its `NAME=value` words.
fn program(words: &[String]) -> Option<&str> {
    words.iter().find(|w| !is_assignment(w)).map(String::as_str)
}

/// A `palisade` command line parsed by the real CLI parser.
fn parse(words: &[String]) -> Result<Cli, String> {
    let argv = words.iter().skip_while(|w| is_assignment(w));
    Cli::try_parse_from(argv).map_err(|e| {
        let text = e.to_string();
        format!("the CLI refuses it: {}", text.lines().next().unwrap_or(""))
    })
}

/// A marked command: its marker names files that exist, a `palisade` command still parses, and a `cargo test
/// --test NAME` names a test that exists.
fn check_marked(cmd: &Command) -> Result<(), String> {
    let m = cmd.marker.as_ref().unwrap();
    for path in &m.covered_by {
        if !root().join(path).exists() {
            return Err(format!(
                "its marker ({}) names {path}, which does not exist",
                m.at
            ));
        }
    }
    let w = words(&cmd.text);
    match program(&w) {
        Some("palisade") => parse(&w).map(|_| ()),
        Some("cargo") if w.contains(&"--test".to_string()) => {
            let name = w
                .iter()
                .skip_while(|x| *x != "--test")
                .nth(1)
                .cloned()
                .unwrap_or_default();
            let exists = root().join(format!("tests/{name}.rs")).exists()
                || root().join(format!("tests/{name}/main.rs")).exists();
            exists
                .then_some(())
                .ok_or(format!("there is no test named {name}"))
        }
        Some(p) if p.contains('/') => {
            let exists = root().join(p).is_file();
            exists.then_some(()).ok_or(format!("{p} does not exist"))
        }
        _ => Ok(()),
    }
}

/// Runs an unmarked command in the sandbox.
fn run(sandbox: &mut Sandbox, cmd: &Command) -> Result<(), String> {
    let text = sandbox.prepare(&cmd.text)?;
    let w = words(&text);
    if w.iter().all(|x| is_assignment(x)) {
        sandbox.guard(&text, &[])?;
        sandbox.prelude.push_str(&format!("{text}\n"));
        return Ok(());
    }
    match program(&w) {
        Some("palisade") => palisade(sandbox, &text, &w),
        Some("curl") => {
            sandbox.guard(&text, &[])?;
            let out = sandbox.run(&text);
            if out.code != Some(0) || out.stdout.trim_start().starts_with("{\"error\"") {
                return Err(format!("exit {:?}: {}{}", out.code, out.stdout, out.stderr));
            }
            Ok(())
        }
        _ => Err(
            "this command is not run by the doc-check: mark its block with <!-- doc-check: not run \"PREFIX\": \
             WHY; covered by tests/FILE.rs --> (CONTRIBUTING.md says how)"
                .into(),
        ),
    }
}

fn palisade(sandbox: &mut Sandbox, text: &str, w: &[String]) -> Result<(), String> {
    let cli = parse(w)?;
    let targets = match &cli.command {
        Sub::Scan(args) => args.targets.clone(),
        _ => Vec::new(),
    };
    sandbox.guard(text, &targets)?;
    match cli.command {
        Sub::Serve(_) => return sandbox.start(text, true),
        Sub::Lab(_) => {
            sandbox.start(text, false)?;
            return sandbox.stop();
        }
        _ => {}
    }
    let gate = matches!(&cli.command, Sub::Scan(args) if args.fail_on.is_some());
    let out = sandbox.run(text);
    let ok = out.code == Some(0) || (gate && out.code == Some(1));
    if !ok {
        return Err(format!(
            "exit {:?} (expected 0{}):\n{}{}",
            out.code,
            if gate { " or the gate's 1" } else { "" },
            tail(&out.stdout),
            tail(&out.stderr)
        ));
    }
    Ok(())
}

fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let from = lines.len().saturating_sub(15);
    lines[from..].join("\n") + "\n"
}
