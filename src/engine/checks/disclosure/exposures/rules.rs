//! The rules of the exposure probes: what each kind of exposed file means and how to stop serving it.

const WSTG_BACKUPS: &str = "https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/02-Configuration_and_Deployment_Management_Testing/04-Review_Old_Backup_and_Unreferenced_Files_for_Sensitive_Information";
const WSTG_METAFILES: &str = "https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/01-Information_Gathering/03-Review_Webserver_Metafiles_for_Information_Leakage";

rule!(
    REPOSITORY,
    "disclosure.repository-exposed",
    Disclosure,
    High,
    Some(527),
    "Version-control repository is served",
    "The site serves its .git (or .svn/.hg) directory. Tools such as git-dumper rebuild the whole source tree and its history from it, including credentials and keys that were ever committed.",
    "Deploy a build or `git archive` output instead of a checkout, or deny the directory at the server. nginx: `location ~ /\\.(git|svn|hg) { deny all; }` Apache: `RedirectMatch 404 /\\.(git|svn|hg)`. Then rotate any secret the history contains.",
    [
        WSTG_METAFILES,
        "https://cwe.mitre.org/data/definitions/527.html"
    ]
);
rule!(
    ENV_FILE,
    "disclosure.env-exposed",
    Secrets,
    Critical,
    Some(538),
    "Environment (.env) file is served",
    "The .env file holds the application's configuration, usually database passwords, API keys and signing secrets. Anyone can download it.",
    "Keep .env outside the web root (serve from a public/ subdirectory), or deny dot paths except /.well-known/ (Let's Encrypt and security.txt live there): nginx `location ~ /\\.(?!well-known/) { return 404; }`, Apache `RedirectMatch 404 \"/\\.(?!well-known/)\"`. Rotate every secret the file held: it must be treated as leaked.",
    [
        WSTG_BACKUPS,
        "https://cwe.mitre.org/data/definitions/538.html"
    ]
);
rule!(
    CREDENTIALS,
    "disclosure.credentials-file-exposed",
    Secrets,
    Critical,
    Some(538),
    "Credentials file is served",
    "A file holding credentials (.htpasswd hashes, .git-credentials, an .npmrc auth token) can be downloaded; the hashes can be cracked offline and tokens used directly.",
    "Remove the file from the web root or deny dot paths at the server except /.well-known/ (nginx `location ~ /\\.(?!well-known/) { return 404; }`), then rotate the credentials it held.",
    [
        WSTG_BACKUPS,
        "https://cwe.mitre.org/data/definitions/538.html"
    ]
);
rule!(
    DS_STORE,
    "disclosure.ds-store-exposed",
    Disclosure,
    Low,
    Some(538),
    ".DS_Store file is served",
    "macOS writes .DS_Store files with the names of the files in a folder. Served from the web root, it lists files (backups, admin pages) that are not linked anywhere.",
    "Delete .DS_Store files from the deployment (add them to .gitignore and the build's exclude list) and deny dotfiles at the server.",
    [WSTG_METAFILES]
);
rule!(
    DATABASE,
    "disclosure.database-exposed",
    Disclosure,
    Critical,
    Some(530),
    "Database dump or database file is served",
    "A SQL dump or SQLite database can be downloaded: user records, password hashes and every other row of the application's data.",
    "Remove the file from the web root now and keep backups outside it (or in storage that is not public). Treat the data as leaked: rotate credentials, reset password hashes if needed, and assess notification duties.",
    [
        WSTG_BACKUPS,
        "https://cwe.mitre.org/data/definitions/530.html"
    ]
);
rule!(
    ARCHIVE,
    "disclosure.backup-archive-exposed",
    Disclosure,
    High,
    Some(530),
    "Backup archive is served",
    "An archive (zip, tar, gzip, 7z) of the site can be downloaded; such backups usually contain the source code and its configuration with credentials.",
    "Remove the archive from the web root and store backups elsewhere; check what it contained and rotate the secrets.",
    [
        WSTG_BACKUPS,
        "https://cwe.mitre.org/data/definitions/530.html"
    ]
);
rule!(
    CONFIG_BACKUP,
    "disclosure.config-backup-exposed",
    Secrets,
    Critical,
    Some(530),
    "Backup of a configuration file is served as source",
    "A copy of a server-side configuration file (wp-config.php.bak, an editor's ~ or .save file, a Vim swap file) is served as plain text because its extension is no longer executed, revealing database credentials and keys.",
    "Delete editor and backup copies from the web root and deny them at the server, e.g. nginx `location ~* (\\.(bak|old|orig|save|swp)|~)$ { deny all; }`. Rotate the credentials the file held.",
    [
        WSTG_BACKUPS,
        "https://cwe.mitre.org/data/definitions/530.html"
    ]
);
rule!(
    STATUS_PAGE,
    "disclosure.status-page-exposed",
    Disclosure,
    Medium,
    Some(200),
    "Server status page is public",
    "Apache's server-status and server-info pages show the server version, configuration, client addresses and the URLs being requested right now (tokens in query strings included); nginx's stub_status shows traffic counters.",
    "Restrict the page to localhost or an admin network. Apache: `<Location \"/server-status\"> Require local </Location>`; nginx: `location = /nginx_status { stub_status; allow 127.0.0.1; deny all; }`.",
    [
        "https://httpd.apache.org/docs/2.4/mod/mod_status.html",
        "https://nginx.org/en/docs/http/ngx_http_stub_status_module.html"
    ]
);
rule!(
    PHPINFO,
    "disclosure.phpinfo-exposed",
    Disclosure,
    Medium,
    Some(200),
    "phpinfo() page is public",
    "A phpinfo() page shows the PHP version and modules, file system paths, server configuration and environment variables, which may include secrets.",
    "Delete the file (phpinfo.php, info.php...) from the server. If it is needed for debugging, protect it with authentication and remove it afterwards.",
    ["https://www.php.net/manual/en/function.phpinfo.php"]
);
rule!(
    ACTUATOR,
    "disclosure.actuator-exposed",
    Disclosure,
    High,
    Some(200),
    "Sensitive Spring Boot Actuator endpoints are public",
    "Actuator endpoints such as env, heapdump, httpexchanges, configprops and mappings expose configuration, memory contents (credentials, session tokens) and the application's routes to anyone.",
    "Expose only health (and info) over the web: `management.endpoints.web.exposure.include=health,info`, and put the rest behind Spring Security or a separate management port bound to localhost (`management.server.port`).",
    ["https://docs.spring.io/spring-boot/reference/actuator/endpoints.html"]
);
rule!(
    OPENAPI,
    "disclosure.openapi-exposed",
    Api,
    Info,
    None,
    "API description (OpenAPI/Swagger) is public",
    "The site publishes a machine-readable description of its API. This is often intended; if the API is internal, it hands an attacker a map of every endpoint and parameter.",
    "If the API is not meant to be public, serve the document only to authenticated users or internal networks (e.g. disable springdoc/Swashbuckle in production); otherwise no change is needed.",
    ["https://owasp.org/API-Security/editions/2023/en/0xa9-improper-inventory-management/"]
);
rule!(
    AGENT_FILES,
    "disclosure.agent-files-exposed",
    Disclosure,
    Medium,
    Some(538),
    "AI coding-agent instructions or configuration are served",
    "Files written for coding agents (CLAUDE.md, AGENTS.md, .cursorrules, copilot-instructions.md, .mcp.json...) describe the project's internals: architecture, internal hosts, deploy steps, sometimes tokens. Being served also shows the repository root is the web root. An instruction file that says nothing worth hiding is low; one naming internal hosts, addresses, server paths or deploy commands is medium; credentials make any of them high or critical.",
    "Do not deploy the repository root: serve only the build output or a public/ directory, or deny these files at the server (nginx `location ~ ^/(CLAUDE|AGENTS|GEMINI)\\.md$ { return 404; }`, and `location ~ /\\.(?!well-known/) { return 404; }` for dot files). Rotate any token found in them.",
    [
        "https://docs.claude.com/en/docs/claude-code/memory",
        "https://cwe.mitre.org/data/definitions/538.html"
    ]
);
