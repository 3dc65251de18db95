//! What an agent instruction file reveals about the site's internals: private addresses, internal host names and
//! URLs, deploy commands and server paths. Any of them makes an exposed instruction file worth more than a note.

/// What `text` reveals, each as "kind: examples" (at most three of each kind), in a fixed order.
pub(super) fn internals(text: &str) -> Vec<String> {
    let kinds = [
        ("internal addresses", private_ips(text)),
        ("internal hosts", internal_hosts(text)),
        ("deploy commands", deploy_commands(text)),
        ("server paths", server_paths(text)),
    ];
    let mut out = Vec::new();
    for (what, mut found) in kinds {
        let mut seen = Vec::new();
        found.retain(|f| {
            let new = !seen.contains(f);
            seen.push(f.clone());
            new
        });
        if !found.is_empty() {
            found.truncate(3);
            out.push(format!("{what} {}", found.join(", ")));
        }
    }
    out
}

/// RFC 1918 IPv4 addresses.
fn private_ips(text: &str) -> Vec<String> {
    regex!(
        PRIVATE_IP,
        r"\b(10\.\d{1,3}|172\.(1[6-9]|2\d|3[01])|192\.168)\.\d{1,3}\.\d{1,3}\b"
    );
    PRIVATE_IP
        .find_iter(text)
        .map(|m| m.as_str().to_string())
        .collect()
}

/// Suffixes only private networks use.
const INTERNAL_SUFFIXES: &[&str] = &[
    ".internal",
    ".corp",
    ".intranet",
    ".intra",
    ".lan",
    ".local",
    ".localdomain",
    ".home.arpa",
    ".private",
];

fn internal_name(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    INTERNAL_SUFFIXES.iter().any(|s| host.ends_with(s))
}

/// Hosts of URLs that are internal names or single labels (`http://jenkins:8080/`), and bare names under an
/// internal suffix (`db1.prod.internal`). `.local` counts only in URLs: `.env.local` is a file name.
fn internal_hosts(text: &str) -> Vec<String> {
    regex!(
        URL_HOST,
        r"(?i)\b[a-z][a-z0-9+.-]*://(?:[^\s/@]+@)?([a-z0-9][a-z0-9.-]*[a-z0-9])"
    );
    regex!(
        BARE,
        r"(?i)\b([a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:internal|corp|intranet|localdomain|home\.arpa))\b([.-]\w)?"
    );
    let in_urls = URL_HOST.captures_iter(text).filter_map(|c| {
        let host = c[1].to_string();
        let single = !host.contains('.') && !host.eq_ignore_ascii_case("localhost");
        (single || internal_name(&host)).then_some(host)
    });
    let bare = BARE
        .captures_iter(text)
        .filter(|c| c.get(2).is_none())
        .map(|c| c[1].to_string());
    in_urls.chain(bare).collect()
}

/// Commands that reach servers or ship the site: ssh/scp/rsync to a host, `make deploy` and its kin, kubectl,
/// helm, terraform, ansible, docker push, pushes to a deploy remote.
fn deploy_commands(text: &str) -> Vec<String> {
    regex!(
        DEPLOY,
        r"(?i)\b((?:ssh|scp|rsync|sftp)\s+(?:-\S+\s+)*[\w.-]+@[\w.-]*\w|(?:make|npm run|yarn|pnpm(?: run)?|bun run|fly|flyctl|cap \w+|mix|firebase|netlify|wrangler|serverless|sls|eb|gcloud app)\s+deploy\b|kubectl\s+(?:apply|rollout|set image|delete|exec)\b|helm\s+(?:upgrade|install)\b|terraform\s+(?:apply|destroy)\b|ansible-playbook\b|docker\s+push\b|git\s+push\s+(?:production|prod|live|heroku|dokku|deploy)\b|vercel\s+(?:deploy\s+)?--prod\b|aws\s+(?:s3\s+sync|ecs\s+update-service|deploy)\b)"
    );
    DEPLOY
        .find_iter(text)
        .map(|m| crate::engine::context::truncate(m.as_str(), 60))
        .collect()
}

/// Absolute paths on a server (`/srv/acme`, `/var/www/html`, `C:\inetpub\wwwroot`).
fn server_paths(text: &str) -> Vec<String> {
    regex!(
        PATH,
        r#"(?m)(?:^|[\s`'"(=:])((?:/(?:srv|var|opt|home|etc|root|usr/local|mnt|Users)/|[A-Z]:\\)[^\s`'"()\[\]<>,;]+)"#
    );
    PATH.captures_iter(text)
        .map(|c| c[1].trim_end_matches(['.', ':']).to_string())
        .filter(|p| p.len() > 5)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn harmless_instructions_reveal_nothing() {
        for text in [
            "# AGENTS.md\n\n- Run npm test before you commit.\n- Use pnpm, never npm install -g.\n",
            "Read .env.local.example and settings.local.json; see https://docs.github.com/en and localhost:3000.",
            "Versions: Node 20.11.1, Python 3.12; the API lives under /api/v2/ and src/app/.",
        ] {
            assert_eq!(internals(text), Vec::<String>::new(), "{text}");
        }
    }

    #[test]
    fn internals_are_named() {
        let lab = "# CLAUDE.md\n\n## Project\nAcme shop, Django 3.2 on /srv/acme.\n\n## Deploy\n- ssh deploy@10.0.3.12 and run `make deploy`\n- database backups go to /backup.sql\n";
        assert_eq!(
            internals(lab),
            vec![
                "internal addresses 10.0.3.12",
                "deploy commands ssh deploy@10.0.3.12, make deploy",
                "server paths /srv/acme",
            ]
        );
        let hosts = "Metrics at http://grafana:3000/ and https://ci.acme.corp/job; the DB is db1.prod.internal.";
        assert_eq!(
            internals(hosts),
            vec!["internal hosts grafana, ci.acme.corp, db1.prod.internal"]
        );
        assert_eq!(
            internals("Ship it with `kubectl apply -f k8s/` then `git push heroku main`."),
            vec!["deploy commands kubectl apply, git push heroku"]
        );
        assert_eq!(
            internals("Logs are in C:\\inetpub\\logs and /var/log/acme/app.log."),
            vec!["server paths C:\\inetpub\\logs, /var/log/acme/app.log"]
        );
    }
}
