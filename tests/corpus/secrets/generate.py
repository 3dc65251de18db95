#!/usr/bin/env python3
"""Writes the true cases of the secrets corpus: one fake credential per format, with the right shape (prefix,
charset, length, checksum where the vendor has one) and random bodies, in the kind of file it is found in.

Every value is made up here from a fixed seed: none is, or was, a real credential. Run from this directory:
`python3 generate.py`; it rewrites true/ and the generated-* files of false/ (the others are written by hand).
"""

import base64
import binascii
import json
import os
import random
import string

R = random.Random(20261121)
ALNUM = string.ascii_letters + string.digits
UPPER_DIGITS = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"
URLSAFE = ALNUM + "_-"
B64 = ALNUM + "+/"
BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
BANNED = ["example", "sample", "dummy", "placeholder", "redacted", "changeme", "your", "insert", "replace",
          "fake", "xxxx", "test"]
HEADER = "FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing."


def clean(s):
    low = s.lower()
    if any(w in low for w in BANNED):
        return False
    run_same = run_up = run_down = 1
    for a, b in zip(s, s[1:]):
        run_same = run_same + 1 if a == b else 1
        run_up = run_up + 1 if a.isalnum() and b.isalnum() and ord(b) == ord(a) + 1 else 1
        run_down = run_down + 1 if a.isalnum() and b.isalnum() and ord(a) == ord(b) + 1 else 1
        if max(run_same, run_up, run_down) >= 5:
            return False
    return True


def rnd(charset, n):
    while True:
        s = "".join(R.choice(charset) for _ in range(n))
        has = lambda cs: any(c in cs for c in s)
        mixed = charset != ALNUM or (has(string.ascii_lowercase) and has(string.ascii_uppercase) and has(string.digits))
        if clean(s) and mixed:
            return s


def raw(charset, n):
    """Random characters without the checks of rnd(): for blobs, where any substring may turn up."""
    return "".join(R.choice(charset) for _ in range(n))


def digits(n):
    return R.choice("123456789") + rnd(string.digits, n - 1)


def base62(n):
    out = ""
    for _ in range(6):
        out = BASE62[n % 62] + out
        n //= 62
    return out


def checksummed(prefix):
    body = rnd(ALNUM, 30)
    return prefix + body + base62(binascii.crc32(body.encode()))


def b64url(obj):
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")


def jwt(payload):
    return b64url({"alg": "HS256", "typ": "JWT"}) + "." + b64url(payload) + "." + rnd(URLSAFE, 43)


def pem_body(n):
    lines = [rnd(B64, 64) for _ in range(n)]
    return "\n".join(lines)


def js(name, value):
    return f"// {HEADER}\nexport const config = {{\n  region: \"eu-west-1\",\n  {name}: \"{value}\",\n}};\n"


def env(pairs):
    return f"# {HEADER}\nAPP_ENV=production\nPORT=8080\n" + "".join(f"{k}={v}\n" for k, v in pairs)


def html(script):
    return (f"<!doctype html>\n<html><head><title>Shop</title></head>\n<body>\n<!-- {HEADER} -->\n"
            f"<script>\n{script}\n</script>\n</body></html>\n")


def cases():
    aws_id = "AKIA" + rnd("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
    yield "aws-access-key.js", (f"// {HEADER}\nconst s3 = new S3Client({{\n  region: \"us-east-1\",\n"
                                f"  credentials: {{ accessKeyId: \"{aws_id}\", secretAccessKey: \"{rnd(B64, 40)}\" }},\n}});\n")
    yield "aws-access-key.env", env([("AWS_ACCESS_KEY_ID", "ASIA" + rnd("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)),
                                     ("AWS_SECRET_ACCESS_KEY", rnd(B64, 40))])
    yield "alibaba-access-key.js", js("aliyun", "LTAI" + rnd(ALNUM, 20)).replace(
        "region:", f"accessKeySecret: \"{rnd(ALNUM, 30)}\",\n  region:")
    yield "google-api-key.js", js("mapsKey", "AIza" + rnd(URLSAFE, 35))
    yield "firebase-config.js", (f"// {HEADER}\nconst firebaseConfig = {{\n  apiKey: \"AIza{rnd(URLSAFE, 35)}\",\n"
                                 "  authDomain: \"shop-3f9a2.firebaseapp.com\",\n  projectId: \"shop-3f9a2\",\n"
                                 "  storageBucket: \"shop-3f9a2.appspot.com\",\n  messagingSenderId: \"804217736215\",\n"
                                 "};\ninitializeApp(firebaseConfig);\n")
    yield "google-oauth-client-secret.json", json.dumps({"web": {"client_id": digits(12) + "-" + rnd(string.ascii_lowercase + string.digits, 32) + ".apps.googleusercontent.com", "client_secret": "GOCSPX-" + rnd(URLSAFE, 28)}}, indent=2)
    yield "fcm-server-key.js", js("fcmServerKey", "AAAA" + rnd(URLSAFE, 7) + ":APA91b" + rnd(URLSAFE, 134))
    yield "azure-storage-key.env", env([("AZURE_STORAGE_CONNECTION_STRING",
                                         "DefaultEndpointsProtocol=https;AccountName=shopmedia;AccountKey=" + rnd(B64, 86) + "==;EndpointSuffix=core.windows.net")])
    yield "azure-ad-client-secret.js", js("msal", rnd(ALNUM, 3) + R.choice(string.digits) + "Q~" + rnd(URLSAFE + "~.", 34))
    yield "digitalocean-token.env", env([("DO_TOKEN", "dop_v1_" + rnd(HEX, 64))])
    yield "heroku-api-key.env", env([("HEROKU_DEPLOY", "HRKU-AA" + rnd(URLSAFE, 58))])
    yield "heroku-api-key.named.js", js("herokuApiKey", "-".join(rnd(HEX, n) for n in (8, 4, 4, 4, 12)))
    yield "cloudflare-api-token.env", env([("CLOUDFLARE_API_TOKEN", rnd(URLSAFE, 40))])
    yield "vercel-token.env", env([("VERCEL_TOKEN", rnd(ALNUM, 24))])
    yield "netlify-token.env", env([("NETLIFY_AUTH_TOKEN", rnd(URLSAFE, 43))])
    yield "databricks-token.js", js("databricks", "dapi" + rnd(HEX, 32))
    yield "terraform-cloud-token.env", env([("TFC_TOKEN", rnd(ALNUM, 14) + ".atlasv1." + rnd(URLSAFE, 67))])
    yield "vault-token.env", env([("VAULT_TOKEN", "hvs." + rnd(URLSAFE, 95))])
    yield "pulumi-token.env", env([("PULUMI_ACCESS_TOKEN", "pul-" + rnd(HEX, 40))])
    yield "planetscale-token.env", env([("PLANETSCALE_DB", "pscale_pw_" + rnd(URLSAFE, 43))])
    yield "doppler-token.env", env([("DOPPLER_TOKEN", "dp.st." + rnd(ALNUM, 43))])
    yield "onepassword-service-token.env", env([("OP_SERVICE_ACCOUNT_TOKEN", "ops_eyJ" + rnd(B64, 300))])
    yield "supabase-secret-key.js", js("supabaseAdmin", "sb_secret_" + rnd(URLSAFE, 31))
    yield "supabase-access-token.env", env([("SUPABASE_ACCESS_TOKEN", "sbp_" + rnd(HEX, 40))])
    yield "age-secret-key.txt", f"# {HEADER}\n# created: 2026-01-01T00:00:00Z\nAGE-SECRET-KEY-1{rnd('QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L', 58)}\n"
    yield "anthropic-api-key.js", js("anthropicKey", "sk-ant-api03-" + rnd(URLSAFE, 93) + "AA")
    yield "openai-api-key.js", js("openaiKey", "sk-proj-" + rnd(URLSAFE, 74) + "T3BlbkFJ" + rnd(URLSAFE, 74))
    yield "huggingface-token.html", html(f"window.HF_TOKEN = \"hf_{rnd(string.ascii_letters, 34)}\";")
    yield "groq-api-key.js", js("groq", "gsk_" + rnd(ALNUM, 52))
    yield "replicate-api-token.js", js("replicate", "r8_" + rnd(ALNUM, 37))
    yield "perplexity-api-key.js", js("perplexity", "pplx-" + rnd(ALNUM, 48))
    yield "xai-api-key.js", js("grok", "xai-" + rnd(ALNUM, 80))
    yield "mistral-api-key.js", f"// {HEADER}\nconst client = new Mistral({{ apiKey: \"{rnd(ALNUM, 32)}\" }});\n"
    yield "cohere-api-key.env", env([("CO_API_KEY", rnd(ALNUM, 40))])
    yield "deepseek-api-key.js", js("deepseekApiKey", "sk-" + rnd(HEX, 32))
    yield "github-pat.js", js("githubToken", checksummed("ghp_"))
    yield "github-fine-grained-pat.env", env([("GH_TOKEN", "github_pat_" + rnd(ALNUM, 22) + "_" + rnd(ALNUM, 59))])
    yield "github-oauth-token.js", js("ghOauth", checksummed("gho_"))
    yield "github-app-token.js", js("installationToken", checksummed("ghs_"))
    yield "github-refresh-token.js", js("ghRefresh", checksummed("ghr_"))
    yield "gitlab-pat.js", js("gitlab", "glpat-" + rnd(URLSAFE, 20))
    yield "gitlab-token.env", env([("CI_DEPLOY_TOKEN", "gldt-" + rnd(URLSAFE, 20))])
    yield "npm-token.txt", f"# {HEADER}\n//registry.npmjs.org/:_authToken={checksummed('npm_')}\n"
    yield "pypi-token.txt", f"# {HEADER}\n[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmc{rnd(URLSAFE, 70)}\n"
    yield "postman-api-key.js", js("postman", "PMAK-" + rnd(HEX, 24) + "-" + rnd(HEX, 34))
    yield "linear-api-key.js", js("linear", "lin_api_" + rnd(ALNUM, 40))
    yield "atlassian-api-token.env", env([("JIRA_API_TOKEN", "ATATT3" + rnd(URLSAFE, 186))])
    yield "sentry-auth-token.env", env([("SENTRY_AUTH_TOKEN", "sntryu_" + rnd(HEX, 64))])
    yield "new-relic-api-key.env", env([("NEW_RELIC_API_KEY", "NRAK-" + rnd(UPPER_DIGITS, 27))])
    yield "datadog-api-key.env", env([("DD_API_KEY", rnd(HEX, 32))])
    yield "grafana-token.env", env([("GRAFANA_SA_TOKEN", "glsa_" + rnd(ALNUM, 32) + "_" + rnd(HEX, 8))])
    yield "slack-bot-token.js", js("slackBot", f"xoxb-{digits(12)}-{digits(13)}-{rnd(ALNUM, 24)}")
    yield "slack-user-token.js", js("slackUser", f"xoxp-{digits(12)}-{digits(12)}-{digits(13)}-{rnd(HEX, 32)}")
    yield "slack-app-token.env", env([("SLACK_APP_TOKEN", f"xapp-1-A{rnd(UPPER_DIGITS, 10)}-{digits(13)}-{rnd(HEX, 64)}")])
    yield "slack-token.js", js("slackLegacy", f"xoxa-2-{rnd(ALNUM, 40)}")
    yield "slack-webhook.js", js("alerts", f"https://hooks.slack.com/services/T{rnd(UPPER_DIGITS, 8)}/B{rnd(UPPER_DIGITS, 10)}/{rnd(ALNUM, 24)}")
    hook = f"https://hooks.slack.com/services/T{rnd(UPPER_DIGITS, 8)}/B{rnd(UPPER_DIGITS, 10)}/{rnd(ALNUM, 24)}"
    yield "slack-webhook.escaped.json", json.dumps({"notify": {"slack": hook}}).replace("/", "\\/")
    bot_id = digits(18)
    discord = base64.urlsafe_b64encode(bot_id.encode()).decode().rstrip("=") + "." + rnd(URLSAFE, 6) + "." + rnd(URLSAFE, 38)
    yield "discord-bot-token.env", env([("DISCORD_BOT_TOKEN", discord)])
    yield "discord-webhook.js", js("discordHook", f"https://discord.com/api/webhooks/{digits(19)}/{rnd(URLSAFE, 68)}")
    yield "telegram-bot-token.js", js("telegram", f"{digits(10)}:AA{rnd(URLSAFE, 33)}")
    uuid = lambda: "-".join(rnd(HEX, n) for n in (8, 4, 4, 4, 12))
    yield "teams-webhook.js", js("teams", f"https://contoso.webhook.office.com/webhookb2/{uuid()}@{uuid()}/IncomingWebhook/{rnd(HEX, 32)}/{uuid()}")
    yield "twilio-auth-token.js", (f"// {HEADER}\nconst twilio = require(\"twilio\")(\n  \"AC{rnd(HEX, 32)}\",\n"
                                   f"  \"{rnd(HEX, 32)}\"\n);\n")
    yield "twilio-api-key.env", env([("TWILIO_API_KEY", "SK" + rnd(HEX, 32)), ("TWILIO_API_SECRET", rnd(ALNUM, 32))])
    yield "sendgrid-api-key.js", js("sendgrid", "SG." + rnd(URLSAFE, 22) + "." + rnd(URLSAFE, 43))
    yield "mailgun-api-key.js", js("mailgun", "key-" + rnd(HEX, 32))
    yield "mailchimp-api-key.js", js("mailchimp", rnd(HEX, 32) + "-us21")
    yield "brevo-api-key.env", env([("BREVO_API_KEY", "xkeysib-" + rnd(HEX, 64) + "-" + rnd(ALNUM, 16))])
    yield "stripe-secret-key.js", js("stripeKey", "sk_live_51" + rnd(ALNUM, 97))
    yield "stripe-secret-key.test-mode.js", js("stripeKey", "sk_test_51" + rnd(ALNUM, 97))
    yield "stripe-restricted-key.js", js("stripeRestricted", "rk_live_51" + rnd(ALNUM, 97))
    yield "stripe-webhook-secret.env", env([("STRIPE_WEBHOOK_SECRET", "whsec_" + rnd(ALNUM, 32))])
    yield "shopify-access-token.js", js("shopify", "shpat_" + rnd(HEX, 32))
    yield "shopify-shared-secret.env", env([("SHOPIFY_API_SECRET", "shpss_" + rnd(HEX, 32))])
    yield "square-access-token.js", js("square", "EAAA" + rnd(URLSAFE, 60))
    yield "square-oauth-secret.env", env([("SQUARE_APP_SECRET", "sq0csp-" + rnd(URLSAFE, 43))])
    yield "dropbox-token.js", js("dropbox", "sl." + rnd(URLSAFE, 138))
    yield "notion-token.env", env([("NOTION_TOKEN", "ntn_" + digits(11) + rnd(ALNUM, 35))])
    yield "airtable-token.js", js("airtable", "pat" + rnd(ALNUM, 14) + "." + rnd(HEX, 64))
    yield "mapbox-secret-token.js", js("mapboxAdmin", "sk.eyJ1Ijoi" + rnd(ALNUM, 20) + "." + rnd(URLSAFE, 22))
    yield "twitter-bearer-token.env", env([("TWITTER_BEARER_TOKEN", "A" * 22 + rnd(ALNUM, 90))])
    sa = {"type": "service_account", "project_id": "shop-prod-2291", "private_key_id": rnd(HEX, 40),
          "private_key": "-----BEGIN PRIVATE KEY-----\n" + pem_body(20) + "\n-----END PRIVATE KEY-----\n",
          "client_email": "exporter@shop-prod-2291.iam.gserviceaccount.com", "client_id": digits(21)}
    yield "gcp-service-account.json", json.dumps(sa, indent=2)
    yield "private-key.txt", f"# {HEADER}\n-----BEGIN RSA PRIVATE KEY-----\n{pem_body(20)}\n-----END RSA PRIVATE KEY-----\n"
    yield "private-key.escaped.js", js("signingKey", "-----BEGIN EC PRIVATE KEY-----\\n" + pem_body(3).replace("\n", "\\n") + "\\n-----END EC PRIVATE KEY-----")
    ref = rnd(string.ascii_lowercase, 20)
    yield "privileged-jwt.js", (f"// {HEADER}\nexport const supabase = createClient(\"https://{ref}.supabase.co\",\n"
                                f"  \"{jwt({'iss': 'supabase', 'ref': ref, 'role': 'service_role', 'iat': 1700000000, 'exp': 2015000000})}\");\n")
    yield "privileged-jwt.admin.js", js("adminToken", jwt({"sub": "u_" + digits(6), "role": "admin", "iat": 1700000000, "exp": 2050000000}))
    yield "database-url.env", env([("DATABASE_URL", f"postgres://shop_app:{rnd(ALNUM, 24)}@db-primary.internal.shop.io:5432/shop")])
    yield "database-url.mongo.js", js("mongo", f"mongodb+srv://api:{rnd(ALNUM, 20)}@cluster0.q8x2m.mongodb.net/shop")
    yield "url-credentials.js", js("feedUrl", f"https://feeds:{rnd(ALNUM, 20)}@partner-feeds.shop.io/v1/products.xml")
    yield "generic-secret.js", js("clientSecret", rnd(ALNUM, 40))
    yield "generic-secret.env", env([("SESSION_SECRET", rnd(ALNUM, 48)), ("DB_PASSWORD", "Tr0ub4dor&3-" + digits(4))])


def minified():
    """Minified code: short random identifiers, content hashes and random-looking strings, no credential."""
    ident = lambda: R.choice(string.ascii_letters) + raw(ALNUM, R.randint(1, 3))
    parts = []
    for _ in range(400):
        a, b, c = ident(), ident(), ident()
        parts.append(R.choice([
            f"var {a}=function({b}){{return {b}.{c}}};",
            f"{a}[\"{rnd(HEX, 8)}\"]=\"{rnd(ALNUM, R.randint(16, 44))}\";",
            f"{a}.{b}=\"{rnd(URLSAFE, R.randint(20, 60))}\";",
            f"if({a}&&{b}.{c}){{{a}({rnd(string.digits, 6)})}}",
        ]))
    return "!function(){" + "".join(parts) + "}();"


def false_cases():
    blob = raw(B64, 24000)
    yield "generated-base64-image.html", f'<!doctype html><html><body><img alt="logo" src="data:image/png;base64,{blob}=="></body></html>'
    mapped = base64.b64encode(json.dumps({"version": 3, "sources": ["src/a.ts"], "sourcesContent": [raw(ALNUM, 4000)], "mappings": raw(B64, 3000)}).encode()).decode()
    yield "generated-inline-source-map.js", f"console.log(1);\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,{mapped}"
    yield "generated-minified.js", minified()


def write(directory, files, clear):
    os.makedirs(directory, exist_ok=True)
    for name in os.listdir(directory):
        if clear(name):
            os.remove(os.path.join(directory, name))
    for name, content in files:
        with open(os.path.join(directory, name), "w") as f:
            f.write(content if content.endswith("\n") else content + "\n")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    write(os.path.join(here, "true"), cases(), lambda _: True)
    write(os.path.join(here, "false"), false_cases(), lambda n: n.startswith("generated-"))


if __name__ == "__main__":
    main()
