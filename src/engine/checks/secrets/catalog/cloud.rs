//! Cloud and infrastructure credentials: AWS, Google Cloud and Firebase, Azure, Alibaba, DigitalOcean, Heroku,
//! Cloudflare, Vercel, Netlify, Databricks, HashiCorp, Pulumi, PlanetScale, Doppler, 1Password, Supabase, age.

use super::super::{google, pairs};
use super::{OWASP, ROTATE, Shape, named, token};

formats! { ai: false;
    AWS "aws-access-key", Secrets Critical, "AWS access key",
        "With the key id and its secret key, anyone can call AWS as the IAM user or role that owns them: read and delete data in S3, start machines billed to you, and go as far as the key's policy allows.",
        fix ROTATE,
        refs ["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html", OWASP],
        keys ["akia", "asia", "secret_access_key", "secretaccesskey"],
        Shape::Custom(pairs::aws);
    ALIBABA "alibaba-access-key", Secrets Critical, "Alibaba Cloud AccessKey",
        "With the AccessKey id and secret, anyone can call Alibaba Cloud APIs as their owner.",
        fix ROTATE,
        refs ["https://www.alibabacloud.com/help/en/ram/user-guide/create-an-accesskey-pair", OWASP],
        keys ["ltai"],
        Shape::Custom(pairs::alibaba);
    GOOGLE_API_KEY "google-api-key", Secrets Low, "Google API key",
        "Keys meant for browsers (Maps, Firebase) are public by design and are safe only when restricted in the Google Cloud console to your site's referrers and to the APIs it needs; an unrestricted key lets anyone call every API enabled in the project on your bill, Gemini included.",
        fix "Open the key in Google Cloud console > APIs & Services > Credentials: add an HTTP referrer restriction for your domains and an API restriction to the APIs the page uses. A key that must not be public (server calls, Gemini) is rotated there and moved to your backend.",
        refs ["https://cloud.google.com/docs/authentication/api-keys#securing", OWASP],
        keys ["aiza"],
        Shape::Custom(google::api_keys);
    GOOGLE_OAUTH "google-oauth-client-secret", Secrets High, "Google OAuth client secret",
        "With it, anyone can complete OAuth flows as your application and exchange stolen authorization codes for users' tokens.",
        fix ROTATE,
        refs ["https://support.google.com/cloud/answer/6158849", OWASP],
        keys ["gocspx-"],
        token(r"\b(GOCSPX-[\w-]{28})(?:[^\w-]|$)", 3.5);
    FCM "fcm-server-key", Secrets High, "Firebase Cloud Messaging server key",
        "With it, anyone can send push notifications to every user of the app.",
        fix ROTATE,
        refs ["https://firebase.google.com/docs/cloud-messaging/migrate-v1", OWASP],
        keys [":apa91b"],
        token(r"\b(AAAA[\w-]{7}:APA91b[\w-]{130,150})(?:[^\w-]|$)", 4.0);
    AZURE_STORAGE "azure-storage-key", Secrets Critical, "Azure storage account key",
        "An account or shared access key in a connection string gives full access to the storage account (or Service Bus namespace): read, overwrite and delete every blob, queue and table.",
        fix ROTATE,
        refs ["https://learn.microsoft.com/en-us/azure/storage/common/storage-account-keys-manage", OWASP],
        keys ["accountkey=", "sharedaccesskey="],
        token(r"(?i:AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{42,86}={1,2})(?:[^A-Za-z0-9+/=]|$)", 4.0);
    AZURE_AD "azure-ad-client-secret", Secrets High, "Microsoft Entra ID client secret",
        "With it, anyone can sign in as your application registration and use every permission it was granted (Microsoft Graph included).",
        fix ROTATE,
        refs ["https://learn.microsoft.com/en-us/entra/identity-platform/how-to-add-credentials", OWASP],
        keys ["q~"],
        token(r#"(?:^|[\\'"`\s>=:(,)])([\w~.]{3}\dQ~[\w~.-]{31,34})(?:$|[\\'"`\s<),])"#, 3.5);
    DIGITALOCEAN "digitalocean-token", Secrets Critical, "DigitalOcean token",
        "With it, anyone can create, read and destroy droplets, databases and storage in the team.",
        fix ROTATE,
        refs ["https://docs.digitalocean.com/reference/api/create-personal-access-token/", OWASP],
        keys ["dop_v1_", "doo_v1_", "dor_v1_"],
        token(r"\b(do[por]_v1_[a-f0-9]{64})\b", 3.0);
    HEROKU "heroku-api-key", Secrets Critical, "Heroku API key",
        "With it, anyone can deploy code to, read the configuration (and secrets) of, and delete the apps of the account.",
        fix ROTATE,
        refs ["https://devcenter.heroku.com/articles/authentication", OWASP],
        keys ["hrku-", "heroku"],
        token(r"\b(HRKU-AA[\w-]{58})(?:[^\w-]|$)", 4.0),
        named(assigned!("heroku", r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), 3.0);
    CLOUDFLARE "cloudflare-api-token", Secrets Critical, "Cloudflare API token",
        "With it, anyone can change DNS records, TLS and firewall settings or Workers of your zones, as far as the token's permissions go.",
        fix ROTATE,
        refs ["https://developers.cloudflare.com/fundamentals/api/get-started/create-token/", OWASP],
        keys ["cloudflare", "cf_api"],
        named(assigned!("cloudflare|cf_api", r"[\w-]{40}|[a-f0-9]{37}"), 3.5);
    VERCEL "vercel-token", Secrets Critical, "Vercel access token",
        "With it, anyone can deploy to your projects and read their environment variables.",
        fix ROTATE,
        refs ["https://vercel.com/docs/rest-api/reference/welcome#creating-an-access-token", OWASP],
        keys ["vercel"],
        named(assigned!("vercel", r"[A-Za-z0-9]{24}"), 3.5);
    NETLIFY "netlify-token", Secrets Critical, "Netlify access token",
        "With it, anyone can deploy to your sites and read their environment variables.",
        fix ROTATE,
        refs ["https://docs.netlify.com/api/get-started/#authentication", OWASP],
        keys ["netlify"],
        named(assigned!("netlify", r"[\w-]{40,46}"), 3.5);
    DATABRICKS "databricks-token", Secrets Critical, "Databricks access token",
        "With it, anyone can run jobs and read data in the workspace as the token's owner.",
        fix ROTATE,
        refs ["https://docs.databricks.com/en/dev-tools/auth/pat.html", OWASP],
        keys ["dapi"],
        token(r"\b(dapi[a-f0-9]{32}(?:-\d)?)\b", 3.0);
    TERRAFORM "terraform-cloud-token", Secrets Critical, "Terraform Cloud API token",
        "With it, anyone can read state (with every secret in it) and run plans and applies against your infrastructure.",
        fix ROTATE,
        refs ["https://developer.hashicorp.com/terraform/cloud-docs/users-teams-organizations/api-tokens", OWASP],
        keys [".atlasv1."],
        token(r"\b([A-Za-z0-9]{14}\.atlasv1\.[\w=-]{60,70})(?:[^\w=-]|$)", 3.5);
    VAULT "vault-token", Secrets Critical, "HashiCorp Vault token",
        "With it, anyone can read the secrets its policies allow.",
        fix ROTATE,
        refs ["https://developer.hashicorp.com/vault/docs/concepts/tokens", OWASP],
        keys ["hvs.", "hvb."],
        token(r"\b(hv[sb]\.[\w-]{90,300})(?:[^\w-]|$)", 4.0);
    PULUMI "pulumi-token", Secrets Critical, "Pulumi access token",
        "With it, anyone can read stack state and secrets and update your infrastructure.",
        fix ROTATE,
        refs ["https://www.pulumi.com/docs/pulumi-cloud/access-management/access-tokens/", OWASP],
        keys ["pul-"],
        token(r"\b(pul-[a-f0-9]{40})\b", 3.0);
    PLANETSCALE "planetscale-token", Secrets Critical, "PlanetScale token or password",
        "With it, anyone can connect to or manage your databases.",
        fix ROTATE,
        refs ["https://planetscale.com/docs/concepts/service-tokens", OWASP],
        keys ["pscale_"],
        token(r"\b(pscale_(?:tkn|pw|oauth)_[\w.=-]{32,64})(?:[^\w.=-]|$)", 3.5);
    DOPPLER "doppler-token", Secrets Critical, "Doppler token",
        "With it, anyone can read every secret of the projects it reaches.",
        fix ROTATE,
        refs ["https://docs.doppler.com/docs/service-tokens", OWASP],
        keys ["dp.pt.", "dp.st.", "dp.ct.", "dp.sa.", "dp.scim.", "dp.audit."],
        token(r"\b(dp\.(?:pt|st|ct|sa|scim|audit)\.[A-Za-z0-9]{40,44})\b", 3.5);
    ONEPASSWORD "onepassword-service-token", Secrets Critical, "1Password service account token",
        "With it, anyone can read the vaults the service account can read.",
        fix ROTATE,
        refs ["https://developer.1password.com/docs/service-accounts/manage-service-accounts/", OWASP],
        keys ["ops_eyj"],
        token(r"\b(ops_eyJ[A-Za-z0-9+/]{250,}={0,3})", 4.0);
    SUPABASE_SECRET "supabase-secret-key", Secrets Critical, "Supabase secret API key",
        "It bypasses Row Level Security: anyone can read, change and delete every row of the project's database.",
        fix ROTATE,
        refs ["https://supabase.com/docs/guides/api/api-keys", OWASP],
        keys ["sb_secret_"],
        token(r"\b(sb_secret_[\w-]{20,80})(?:[^\w-]|$)", 3.5);
    SUPABASE_PAT "supabase-access-token", Secrets Critical, "Supabase personal access token",
        "With it, anyone can manage every project of the account through the Management API.",
        fix ROTATE,
        refs ["https://supabase.com/docs/reference/api/introduction", OWASP],
        keys ["sbp_"],
        token(r"\b(sbp_[a-f0-9]{40})\b", 3.0);
    AGE "age-secret-key", Secrets High, "Age secret key",
        "With it, anyone can decrypt every file encrypted to its public key (SOPS files included).",
        fix "Generate a new key with `age-keygen`, re-encrypt what the old key protected to the new recipient, and remove the old key from the site and from every place it was copied to.",
        refs ["https://github.com/FiloSottile/age", OWASP],
        keys ["age-secret-key-1"],
        token(r"\b(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})\b", 3.0);
}
