//! The exposure probe list: which paths are requested in which profile, and what each kind of file is.

use super::rules::*;
use super::{Proof, agents, binary, credentials, dumps, pages, text};
use crate::engine::net::HttpResponse;
use crate::engine::registry::Rule;
use crate::model::Profile;

/// What a probed path is expected to be, which decides how its content is verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    GitHead,
    GitConfig,
    SvnEntries,
    SvnDb,
    HgRequires,
    DsStore,
    Env,
    /// A database dump expected as text (`.sql`): read far enough for its statements.
    SqlDump,
    /// A database file or binary dump: its header is all that is read.
    DbFile,
    Archive,
    PhpConfig,
    VimSwap,
    ApacheStatus,
    ApacheInfo,
    NginxStatus,
    PhpInfo,
    ActuatorIndex,
    ActuatorEnv,
    BootEnv,
    OpenApi,
    OpenApiYaml,
    AgentDoc,
    AgentRulesDir,
    McpConfig,
    AgentSettings,
    Htpasswd,
    GitCredentials,
    Npmrc,
}

/// How verified probes become findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Grouping {
    /// One finding per file, at the file's URL.
    Own,
    /// One finding for the group, at this path (a repository directory, the actuator root).
    At(&'static str),
    /// One finding for the family, at the first path (in list order) that verified.
    Family(&'static str),
}

/// One request of the exposure check.
#[derive(Debug)]
pub(crate) struct Probe {
    pub path: &'static str,
    pub profile: Profile,
    pub kind: Kind,
}

macro_rules! probes {
    ($($profile:ident $kind:ident $path:literal,)*) => {
        &[$(Probe { path: $path, profile: Profile::$profile, kind: Kind::$kind }),*]
    };
}

/// Every probe, in report order. The standard profile sends the `Standard` ones; deep sends all.
pub(crate) static PROBES: &[Probe] = probes![
    Standard GitHead "/.git/HEAD",
    Standard GitConfig "/.git/config",
    Standard SvnEntries "/.svn/entries",
    Standard DsStore "/.DS_Store",
    Standard Env "/.env",
    Standard Env "/.env.local",
    Standard Env "/.env.production",
    Standard SqlDump "/backup.sql",
    Standard SqlDump "/dump.sql",
    Standard SqlDump "/database.sql",
    Standard DbFile "/db.sqlite3",
    Standard Archive "/backup.zip",
    Standard Archive "/backup.tar.gz",
    Standard PhpConfig "/wp-config.php.bak",
    Standard PhpConfig "/wp-config.php~",
    Standard PhpConfig "/wp-config.php.save",
    Standard PhpConfig "/wp-config.php.old",
    Standard ApacheStatus "/server-status",
    Standard NginxStatus "/nginx_status",
    Standard PhpInfo "/phpinfo.php",
    Standard PhpInfo "/info.php",
    Standard ActuatorIndex "/actuator",
    Standard ActuatorEnv "/actuator/env",
    Standard OpenApi "/openapi.json",
    Standard OpenApi "/swagger.json",
    Standard OpenApi "/v3/api-docs",
    Standard OpenApi "/v2/api-docs",
    Standard AgentDoc "/CLAUDE.md",
    Standard AgentDoc "/AGENTS.md",
    Standard AgentDoc "/GEMINI.md",
    Standard AgentDoc "/.cursorrules",
    Standard AgentDoc "/.windsurfrules",
    Standard AgentDoc "/.github/copilot-instructions.md",
    Standard AgentRulesDir "/.cursor/rules/",
    Standard McpConfig "/.mcp.json",
    Deep SvnDb "/.svn/wc.db",
    Deep HgRequires "/.hg/requires",
    Deep Env "/.env.prod",
    Deep Env "/.env.dev",
    Deep Env "/.env.development",
    Deep Env "/.env.staging",
    Deep Env "/.env.bak",
    Deep Env "/.env.old",
    Deep Env "/.env.save",
    Deep SqlDump "/db.sql",
    Deep SqlDump "/data.sql",
    Deep SqlDump "/backup/backup.sql",
    Deep DbFile "/db.sqlite",
    Deep DbFile "/database.sqlite",
    Deep DbFile "/backup.dump",
    Deep DbFile "/db.dump",
    Deep DbFile "/dump.rdb",
    Deep DbFile "/dump.archive",
    Deep Archive "/site.zip",
    Deep Archive "/www.zip",
    Deep Archive "/backup.tgz",
    Deep Archive "/backup.tar",
    Deep PhpConfig "/wp-config.php.orig",
    Deep PhpConfig "/wp-config.txt",
    Deep PhpConfig "/config.php.bak",
    Deep PhpConfig "/configuration.php.bak",
    Deep VimSwap "/.wp-config.php.swp",
    Deep ApacheInfo "/server-info",
    Deep NginxStatus "/basic_status",
    Deep NginxStatus "/stub_status",
    Deep PhpInfo "/php_info.php",
    Deep BootEnv "/env",
    Deep OpenApi "/api-docs",
    Deep OpenApi "/swagger/v1/swagger.json",
    Deep OpenApi "/api/openapi.json",
    Deep OpenApiYaml "/openapi.yaml",
    Deep AgentDoc "/.clinerules",
    Deep AgentDoc "/.claude/CLAUDE.md",
    Deep AgentDoc "/copilot-instructions.md",
    Deep AgentDoc "/.cursor/rules/project.mdc",
    Deep McpConfig "/.cursor/mcp.json",
    Deep McpConfig "/.vscode/mcp.json",
    Deep AgentSettings "/.claude/settings.json",
    Deep AgentSettings "/.claude/settings.local.json",
    Deep Htpasswd "/.htpasswd",
    Deep GitCredentials "/.git-credentials",
    Deep Npmrc "/.npmrc",
];

const SMALL: usize = 64 * 1024;
/// Magic bytes are all an archive or database check needs; never download the file.
const MAGIC: usize = 4 * 1024;
const DOCUMENT: usize = 512 * 1024;

impl Kind {
    /// The rule a verified probe of this kind reports.
    pub fn rule(self) -> &'static Rule {
        use Kind::*;
        match self {
            GitHead | GitConfig | SvnEntries | SvnDb | HgRequires => &REPOSITORY,
            DsStore => &DS_STORE,
            Env => &ENV_FILE,
            SqlDump | DbFile => &DATABASE,
            Archive => &ARCHIVE,
            PhpConfig | VimSwap => &CONFIG_BACKUP,
            ApacheStatus | ApacheInfo | NginxStatus => &STATUS_PAGE,
            PhpInfo => &PHPINFO,
            ActuatorIndex | ActuatorEnv | BootEnv => &ACTUATOR,
            OpenApi | OpenApiYaml => &OPENAPI,
            AgentDoc | AgentRulesDir | McpConfig | AgentSettings => &AGENT_FILES,
            Htpasswd | GitCredentials | Npmrc => &CREDENTIALS,
        }
    }

    /// What the file is, for the finding's title.
    pub fn what(self) -> &'static str {
        use Kind::*;
        match self {
            GitHead | GitConfig => "Git repository",
            SvnEntries | SvnDb => "Subversion working copy",
            HgRequires => "Mercurial repository",
            DsStore => ".DS_Store file",
            Env => "Environment file",
            SqlDump | DbFile => "Database dump",
            Archive => "Backup archive",
            PhpConfig => "PHP configuration backup",
            VimSwap => "Vim swap file of wp-config.php",
            ApacheStatus => "Apache server-status page",
            ApacheInfo => "Apache server-info page",
            NginxStatus => "nginx stub_status page",
            PhpInfo => "phpinfo() page",
            ActuatorIndex | ActuatorEnv | BootEnv => "Spring Boot Actuator",
            OpenApi | OpenApiYaml => "OpenAPI document",
            AgentDoc => "AI agent instruction file",
            AgentRulesDir => "Cursor rules directory",
            McpConfig => "MCP client configuration",
            AgentSettings => "Claude Code settings",
            Htpasswd => ".htpasswd file",
            GitCredentials => ".git-credentials file",
            Npmrc => ".npmrc with a registry token",
        }
    }

    /// How verified probes of this kind are grouped into findings.
    pub fn grouping(self) -> Grouping {
        use Kind::*;
        match self {
            GitHead | GitConfig => Grouping::At("/.git/"),
            SvnEntries | SvnDb => Grouping::At("/.svn/"),
            HgRequires => Grouping::At("/.hg/"),
            ActuatorIndex | ActuatorEnv => Grouping::At("/actuator"),
            OpenApi | OpenApiYaml => Grouping::Family("openapi"),
            _ => Grouping::Own,
        }
    }

    /// Bytes of body to read.
    pub fn max_body(self) -> usize {
        use Kind::*;
        match self {
            DbFile | SvnDb | Archive | VimSwap => MAGIC,
            PhpInfo | OpenApi | OpenApiYaml | ActuatorEnv | BootEnv => DOCUMENT,
            _ => SMALL,
        }
    }

    /// Checks that the response really is this kind of file, and says what it shows.
    pub fn verify(self, resp: &HttpResponse) -> Option<Proof> {
        use Kind::*;
        match self {
            GitHead => text::git_head(resp),
            GitConfig => text::git_config(resp),
            SvnEntries => text::svn_entries(resp),
            SvnDb => binary::sqlite(resp, "Subversion working-copy database (wc.db, SQLite)"),
            HgRequires => text::hg_requires(resp),
            DsStore => binary::ds_store(resp),
            Env => text::env(resp),
            // Whatever the path promised, the dump's own header says what it is.
            SqlDump | DbFile => dumps::database(resp),
            Archive => binary::archive(resp),
            PhpConfig => text::php_config(resp),
            VimSwap => binary::vim_swap(resp),
            ApacheStatus => pages::apache_status(resp),
            ApacheInfo => pages::apache_info(resp),
            NginxStatus => pages::nginx_status(resp),
            PhpInfo => pages::phpinfo(resp),
            ActuatorIndex => pages::actuator_index(resp),
            ActuatorEnv => pages::actuator_env(resp),
            BootEnv => pages::boot1_env(resp),
            OpenApi => pages::openapi(resp),
            OpenApiYaml => pages::openapi_yaml(resp),
            AgentDoc => agents::instructions(resp),
            AgentRulesDir => agents::rules_listing(resp),
            McpConfig => agents::mcp_config(resp),
            AgentSettings => agents::settings(resp),
            Htpasswd => credentials::htpasswd(resp),
            GitCredentials => credentials::git_credentials(resp),
            Npmrc => credentials::npmrc(resp),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_unique_and_the_standard_part_is_small() {
        let mut paths: Vec<&str> = PROBES.iter().map(|p| p.path).collect();
        paths.sort();
        paths.dedup();
        assert_eq!(paths.len(), PROBES.len(), "a path is listed twice");
        let standard = PROBES
            .iter()
            .filter(|p| p.profile <= Profile::Standard)
            .count();
        assert!((25..=40).contains(&standard), "{standard} standard probes");
        assert!(PROBES.iter().all(|p| p.path.starts_with('/')));
    }
}
