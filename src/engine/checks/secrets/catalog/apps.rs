//! Productivity and platform APIs: Dropbox, Notion, Airtable, Mapbox secret tokens, X (Twitter) app bearer tokens.
//! Mapbox public tokens (`pk.eyJ`) are public by design and are not a format here.

use super::{OWASP, ROTATE, token};

formats! { ai: false;
    DROPBOX "dropbox-token", Secrets High, "Dropbox access token",
        "With it, anyone can read, change and delete the files the app can reach.",
        fix ROTATE,
        refs ["https://developers.dropbox.com/oauth-guide", OWASP],
        keys ["sl."],
        token(r"\b(sl\.[\w.=-]{130,})", 4.5);
    NOTION "notion-token", Secrets High, "Notion integration token",
        "With it, anyone can read and change every page and database shared with the integration.",
        fix ROTATE,
        refs ["https://developers.notion.com/docs/authorization", OWASP],
        keys ["ntn_", "secret_"],
        token(r"\b(ntn_\d{11}[A-Za-z0-9]{35}|secret_[A-Za-z0-9]{43})\b", 4.0);
    AIRTABLE "airtable-token", Secrets High, "Airtable personal access token",
        "With it, anyone can read and change the bases the token reaches.",
        fix ROTATE,
        refs ["https://airtable.com/developers/web/guides/personal-access-tokens", OWASP],
        keys ["pat"],
        token(r"\b(pat[A-Za-z0-9]{14}\.[a-f0-9]{64})\b", 3.5);
    MAPBOX "mapbox-secret-token", Secrets High, "Mapbox secret token",
        "With it, anyone can manage your styles, tilesets and uploads and create tokens on your account. Public tokens (pk.) are meant for browsers; secret ones (sk.) are not.",
        fix ROTATE,
        refs ["https://docs.mapbox.com/accounts/guides/tokens/", OWASP],
        keys ["sk.eyj"],
        token(r"\b(sk\.eyJ[\w-]{20,}\.[\w-]{20,})(?:[^\w.-]|$)", 4.0);
    TWITTER "twitter-bearer-token", Secrets Medium, "X (Twitter) app bearer token",
        "With it, anyone can call the X API as your app, spending its rate limits and quota.",
        fix ROTATE,
        refs ["https://docs.x.com/resources/fundamentals/authentication/oauth-2-0/bearer-tokens", OWASP],
        keys ["aaaaaaaaaaaaaaaaaaaaaa"],
        token(r"\b(A{22}[A-Za-z0-9%]{80,120})(?:[^A-Za-z0-9%]|$)", 4.0);
}
