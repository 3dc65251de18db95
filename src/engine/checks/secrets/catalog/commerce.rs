//! Payments and shops: Stripe, Shopify, Square. Publishable keys (`pk_live_`, `pk_test_`) and Square application
//! ids are public by design and are not formats here.

use super::super::detect::Tweak;
use super::{OWASP, ROTATE, checked, token};
use crate::model::Severity;

/// Stripe test-mode keys move no money: low, and said so.
fn stripe_mode(key: &str) -> Option<Tweak> {
    let test = key.contains("_test_");
    Some(Tweak {
        severity: test.then_some(Severity::Low),
        note: Some(if test { "test mode" } else { "live mode" }),
    })
}

const STRIPE: &str = "https://docs.stripe.com/keys#rolling-keys";

formats! { ai: false;
    STRIPE_SECRET "stripe-secret-key", Secrets Critical, "Stripe secret key",
        "With a live key, anyone can create charges, issue refunds and payouts, and read every customer and payment of the account. A test-mode key moves no money but exposes test data and shows keys are handled in client code.",
        fix ROTATE,
        refs [STRIPE, OWASP],
        keys ["sk_live_", "sk_test_"],
        checked(r"\b(sk_(?:live|test)_[A-Za-z0-9]{20,247})\b", 3.0, stripe_mode);
    STRIPE_RESTRICTED "stripe-restricted-key", Secrets High, "Stripe restricted key",
        "With it, anyone can use the account as far as the key's permissions go, often reading customers and payments.",
        fix ROTATE,
        refs [STRIPE, OWASP],
        keys ["rk_live_", "rk_test_"],
        checked(r"\b(rk_(?:live|test)_[A-Za-z0-9]{20,247})\b", 3.0, stripe_mode);
    STRIPE_WEBHOOK "stripe-webhook-secret", Secrets Medium, "Stripe webhook signing secret",
        "With it, anyone can forge webhook events your server trusts: payments that never happened, subscriptions marked paid.",
        fix ROTATE,
        refs ["https://docs.stripe.com/webhooks#roll-endpoint-secrets", OWASP],
        keys ["whsec_"],
        token(r"\b(whsec_[A-Za-z0-9+/=]{32,80})(?:[^A-Za-z0-9+/=]|$)", 3.5);
    SHOPIFY_TOKEN "shopify-access-token", Secrets Critical, "Shopify access token",
        "With it, anyone can use the Admin API of the store as the app: orders, customers, products and settings.",
        fix ROTATE,
        refs ["https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens", OWASP],
        keys ["shpat_", "shpca_", "shppa_"],
        token(r"\b(shp(?:at|ca|pa)_[a-fA-F0-9]{32})\b", 3.0);
    SHOPIFY_SECRET "shopify-shared-secret", Secrets High, "Shopify app shared secret",
        "With it, anyone can forge webhooks and OAuth requests your app trusts.",
        fix ROTATE,
        refs ["https://shopify.dev/docs/apps/build/authentication-authorization/client-secrets", OWASP],
        keys ["shpss_"],
        token(r"\b(shpss_[a-fA-F0-9]{32})\b", 3.0);
    SQUARE_TOKEN "square-access-token", Secrets Critical, "Square access token",
        "With it, anyone can take payments, issue refunds and read the seller's customers and transactions.",
        fix ROTATE,
        refs ["https://developer.squareup.com/docs/build-basics/access-tokens", OWASP],
        keys ["eaaa", "sq0atp-"],
        token(r"\b(EAAA[\w-]{60}|sq0atp-[\w-]{22})(?:[^\w-]|$)", 3.5);
    SQUARE_SECRET "square-oauth-secret", Secrets High, "Square OAuth application secret",
        "With it, anyone can obtain and refresh access tokens of the sellers who authorised your application.",
        fix ROTATE,
        refs ["https://developer.squareup.com/docs/oauth-api/overview", OWASP],
        keys ["sq0csp-"],
        token(r"\b(sq0csp-[\w-]{43})(?:[^\w-]|$)", 3.5);
}
