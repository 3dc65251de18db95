//! Credentials that are documents rather than tokens: Google Cloud service account files and PEM private keys.
//! They come first so that the key inside a service account file is one finding, the file's.

use super::super::keys;
use super::{OWASP, Shape};

formats! { ai: false;
    GCP_SERVICE_ACCOUNT "gcp-service-account", Secrets Critical, "Google Cloud service account key",
        "The JSON key file (\"type\": \"service_account\" with its private key) lets anyone act as the service account: every role it holds on the project's data and infrastructure.",
        fix "Delete the key in Google Cloud console > IAM > Service accounts > Keys (deleting it is what revokes it), create a new one only if a workload truly needs a key file (prefer workload identity federation or the attached service account), and keep it out of anything served to browsers.",
        refs ["https://cloud.google.com/iam/docs/keys-create-delete", "https://cloud.google.com/iam/docs/best-practices-for-managing-service-account-keys", OWASP],
        keys ["service_account"],
        Shape::Custom(keys::service_account);
    PRIVATE_KEY "private-key", Secrets High, "Private key",
        "A PEM private key (RSA, EC, DSA, OpenSSH, PGP or PKCS#8) lets anyone impersonate what it belongs to: decrypt TLS traffic, sign as you, log in over SSH. An encrypted key still invites an offline attack on its passphrase.",
        fix "Treat the key as compromised: generate a new key pair, replace the certificate, SSH authorized key or signing key that used it, and revoke the old certificate. Never ship private keys in web roots or bundles.",
        refs ["https://cheatsheetseries.owasp.org/cheatsheets/Cryptographic_Storage_Cheat_Sheet.html", OWASP],
        keys ["private key-----", "private key block-----"],
        Shape::Custom(keys::pem);
}
