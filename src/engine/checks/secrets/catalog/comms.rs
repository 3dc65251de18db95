//! Messaging and email: Slack tokens and webhooks, Discord, Telegram, Microsoft Teams webhooks, Twilio, SendGrid,
//! Mailgun, Mailchimp, Brevo.

use super::super::detect::Tweak;
use super::super::pairs;
use super::{OWASP, ROTATE, Shape, checked, token};
use base64::Engine;

/// A Discord bot token starts with the bot's numeric id in base64.
fn discord(token: &str) -> Option<Tweak> {
    let id = token.split('.').next()?;
    let engines = [
        base64::engine::general_purpose::URL_SAFE_NO_PAD,
        base64::engine::general_purpose::STANDARD_NO_PAD,
    ];
    let decoded = engines.iter().find_map(|e| e.decode(id).ok())?;
    let numeric = (17..=20).contains(&decoded.len()) && decoded.iter().all(u8::is_ascii_digit);
    numeric.then(Tweak::default)
}

const WEBHOOK_FIX: &str = "Delete the webhook in the service's settings and create a new one; keep its URL on your server and post to it from there. Anyone holding the URL can post to the channel as your integration.";

formats! { ai: false;
    SLACK_BOT "slack-bot-token", Secrets High, "Slack bot token",
        "With it, anyone can act as the bot: read the channels it is in, post messages as it (phishing inside your workspace) and use every scope it was given.",
        fix ROTATE,
        refs ["https://api.slack.com/authentication/token-types", OWASP],
        keys ["xoxb-"],
        token(r"\b(xoxb-\d{8,14}-(?:\d{8,14}-)?[A-Za-z0-9]{18,34})\b", 3.5);
    SLACK_USER "slack-user-token", Secrets Critical, "Slack user token",
        "With it, anyone can act as the user who installed the app: read their messages and direct messages, and post as them.",
        fix ROTATE,
        refs ["https://api.slack.com/authentication/token-types", OWASP],
        keys ["xoxp-"],
        token(r"\b(xoxp-\d{8,14}-\d{8,14}-\d{8,14}-[A-Za-z0-9]{28,34})\b", 3.5);
    SLACK_APP "slack-app-token", Secrets High, "Slack app-level token",
        "With it, anyone can open Socket Mode connections as the app and receive its events.",
        fix ROTATE,
        refs ["https://api.slack.com/authentication/token-types", OWASP],
        keys ["xapp-"],
        token(r"\b(xapp-\d-[A-Z0-9]{8,12}-\d{10,14}-[A-Za-z0-9]{32,80})\b", 3.5);
    SLACK_OTHER "slack-token", Secrets High, "Slack token",
        "Legacy workspace, refresh and configuration tokens let anyone act on the workspace as the app or user they were issued to.",
        fix ROTATE,
        refs ["https://api.slack.com/authentication/token-types", OWASP],
        keys ["xoxa-", "xoxr-", "xoxo-", "xoxs-", "xoxe-", "xoxe.xox"],
        token(r"\b(xox[aors]-(?:\d+-){0,3}[A-Za-z0-9]{8,64}|xoxe(?:\.xox[bp])?-\d-[A-Za-z0-9]{140,170})\b", 3.5);
    SLACK_WEBHOOK "slack-webhook", Secrets Medium, "Slack incoming webhook",
        "With the URL, anyone can post messages into your channel as your integration: convincing phishing inside your workspace.",
        fix WEBHOOK_FIX,
        refs ["https://api.slack.com/messaging/webhooks", OWASP],
        keys ["hooks.slack.com/"],
        token(r"(https://hooks\.slack\.com/(?:services/T[A-Z0-9]{8,12}/B[A-Z0-9]{8,12}/[A-Za-z0-9]{20,32}|workflows/T[A-Z0-9]{8,12}/A[A-Z0-9]{8,12}/\d{15,20}/[A-Za-z0-9]{20,32}|triggers/T[A-Z0-9]{8,12}/\d{10,20}/[A-Za-z0-9]{20,40}))", 3.5);
    DISCORD_BOT "discord-bot-token", Secrets High, "Discord bot token",
        "With it, anyone can log in as the bot: read every server and channel it is in, post and moderate as it.",
        fix ROTATE,
        refs ["https://discord.com/developers/docs/topics/oauth2#bot-users", OWASP],
        keys ["discord"],
        checked(r"\b([MNO][\w-]{22,26}\.[\w-]{6}\.[\w-]{27,38})\b", 4.0, discord);
    DISCORD_WEBHOOK "discord-webhook", Secrets Medium, "Discord webhook",
        "With the URL, anyone can post messages into your channel as your integration.",
        fix WEBHOOK_FIX,
        refs ["https://support.discord.com/hc/en-us/articles/228383668-Intro-to-Webhooks", OWASP],
        keys ["discord.com/api/webhooks/", "discordapp.com/api/webhooks/"],
        token(r"(https://(?:(?:ptb|canary)\.)?discord(?:app)?\.com/api/webhooks/\d{17,20}/[\w-]{60,68})", 3.5);
    TELEGRAM "telegram-bot-token", Secrets High, "Telegram bot token",
        "With it, anyone can control the bot: read the messages sent to it and message its users as it.",
        fix "Revoke the token with @BotFather (/revoke), use the new one only on your server, and remove the old one from the site.",
        refs ["https://core.telegram.org/bots/features#botfather", OWASP],
        keys [":aa"],
        token(r"\b(\d{8,10}:AA[\w-]{33})(?:[^\w-]|$)", 3.5);
    TEAMS_WEBHOOK "teams-webhook", Secrets Medium, "Microsoft Teams webhook",
        "With the URL, anyone can post messages into your channel as your integration.",
        fix WEBHOOK_FIX,
        refs ["https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook", OWASP],
        keys ["webhook.office.com"],
        token(r"(https://[\w-]+\.webhook\.office\.com/webhookb2/[a-f0-9-]{36}@[a-f0-9-]{36}/IncomingWebhook/[a-f0-9]{32}/[a-f0-9-]{36}(?:/V2[\w-]+)?)", 3.0);
    TWILIO "twilio-auth-token", Secrets Critical, "Twilio account SID and auth token",
        "With the pair, anyone can use the whole Twilio account: send SMS and place calls on your bill, and read message and call logs.",
        fix ROTATE,
        refs ["https://www.twilio.com/docs/iam/api/authtoken", OWASP],
        keys ["twilio", "accountsid", "account_sid", "authtoken", "auth_token"],
        Shape::Custom(pairs::twilio);
    TWILIO_KEY "twilio-api-key", Secrets High, "Twilio API key and secret",
        "With the pair, anyone can call the Twilio API on your account: send SMS and place calls on your bill.",
        fix ROTATE,
        refs ["https://www.twilio.com/docs/iam/api-keys", OWASP],
        keys ["twilio", "apikey", "api_key"],
        Shape::Custom(pairs::twilio_key);
    SENDGRID "sendgrid-api-key", Secrets High, "SendGrid API key",
        "With it, anyone can send email as your domain (phishing that passes SPF and DKIM) and read your contacts.",
        fix ROTATE,
        refs ["https://www.twilio.com/docs/sendgrid/ui/account-and-settings/api-keys", OWASP],
        keys ["sg."],
        token(r"\b(SG\.[\w-]{22}\.[\w-]{43})(?:[^\w-]|$)", 4.0);
    MAILGUN "mailgun-api-key", Secrets High, "Mailgun API key",
        "With it, anyone can send email as your domains and read your logs and lists.",
        fix ROTATE,
        refs ["https://help.mailgun.com/hc/en-us/articles/203380100-Where-can-I-find-my-API-keys-and-SMTP-credentials", OWASP],
        keys ["key-"],
        token(r"\b(key-[a-f0-9]{32})\b", 3.0);
    MAILCHIMP "mailchimp-api-key", Secrets High, "Mailchimp API key",
        "With it, anyone can read and export your audience and send campaigns as you.",
        fix ROTATE,
        refs ["https://mailchimp.com/help/about-api-keys/", OWASP],
        keys ["-us"],
        token(r"\b([a-f0-9]{32}-us\d{1,2})\b", 3.0);
    BREVO "brevo-api-key", Secrets High, "Brevo (Sendinblue) API key",
        "With it, anyone can send email and SMS as you and read your contacts.",
        fix ROTATE,
        refs ["https://help.brevo.com/hc/en-us/articles/209467485", OWASP],
        keys ["xkeysib-"],
        token(r"\b(xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16})\b", 3.0);
}
