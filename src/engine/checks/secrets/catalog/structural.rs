//! Credentials recognised by structure rather than by a vendor prefix: JWTs whose claims grant a privileged role,
//! database URLs with passwords, other URLs with credentials, and secret-named assignments (the generic rule,
//! last, for what no format names). Also the Firebase web configuration, reported as information only.

use super::super::{generic, jwt, urls};
use super::{OWASP, ROTATE, Shape};
use crate::engine::registry::Rule;
use crate::model::{Category, Severity};

formats! { ai: false;
    PRIVILEGED_JWT "privileged-jwt", Secrets Critical, "JWT granting a privileged role",
        "Its claims (decoded, not verified) give it a privileged role: a Supabase service_role key bypasses Row Level Security and can read, change and delete every row; an admin token acts as an administrator until it expires. Supabase anon keys and users' own session tokens are public by design and are not reported.",
        fix "Rotate the signing secret or the key: for Supabase, roll the JWT secret or the secret API key in the dashboard (Settings > API), which invalidates the leaked service_role key, and use only the anon or publishable key in browsers, with Row Level Security on every table. Keep privileged tokens in server-side environment variables.",
        refs ["https://supabase.com/docs/guides/api/api-keys", "https://datatracker.ietf.org/doc/html/rfc7519", OWASP],
        keys ["eyj"],
        Shape::Custom(jwt::privileged);
    DATABASE_URL "database-url", Secrets High, "Database connection URL with a password",
        "With the user name and password, anyone who can reach the database server can connect to it as that user: read, change and delete its data.",
        fix "Change the database user's password (or create a new user and drop the old one), restrict who can reach the database (private network, allow-listed addresses), and keep the URL in a server-side environment variable that is never bundled or served.",
        refs ["https://cheatsheetseries.owasp.org/cheatsheets/Database_Security_Cheat_Sheet.html", OWASP],
        keys ["postgres://", "postgresql://", "mysql://", "mariadb://", "mongodb://", "mongodb+srv://", "redis://", "rediss://", "amqp://", "amqps://", "mssql://", "sqlserver://"],
        Shape::Custom(urls::database);
    URL_CREDENTIALS "url-credentials", Secrets Medium, "URL with a user name and password",
        "The URL carries a login (https://user:password@host): anyone can use it to sign in to that service.",
        fix "Change the password at the service, then pass credentials in a server-side configuration or an Authorization header set by your backend, never inside URLs shipped to browsers.",
        refs ["https://cwe.mitre.org/data/definitions/598.html", OWASP],
        keys ["://"],
        Shape::Custom(urls::credentials);
    GENERIC "generic-secret", Secrets Medium, "Hard-coded secret",
        "A value assigned to a secret-named variable (a password, a client secret, a private key) looks random enough to be a real credential of a service this scanner has no format for.",
        fix ROTATE,
        refs ["https://cwe.mitre.org/data/definitions/798.html", OWASP],
        keys ["secret", "password", "passwd", "private_key", "privatekey", "token", "api_key", "apikey", "api-key", "access_key", "accesskey", "credential", "pwd"],
        Shape::Custom(generic::assignments);
}

/// A Firebase web configuration: its `apiKey` is public by design, so this is information, not a leak.
pub static FIREBASE_CONFIG: Rule = Rule {
    id: "secrets.firebase-config",
    category: Category::Baas,
    severity: Severity::Info,
    title: "Firebase web configuration",
    description: "The page carries a Firebase web configuration (apiKey, authDomain, projectId). Its apiKey only identifies the project to Google and is public by design: it is not a secret. What protects the data is the project's Security Rules (Firestore, Realtime Database, Storage) and App Check; this check did not test them.",
    remediation: "Nothing to rotate. Make sure Firestore, Realtime Database and Storage Security Rules deny what anonymous users must not read or write, enable App Check, and restrict the API key to your domains and the Firebase APIs in the Google Cloud console.",
    references: &[
        "https://firebase.google.com/docs/projects/api-keys",
        "https://firebase.google.com/docs/rules/basics",
    ],
    cwe: None,
};
