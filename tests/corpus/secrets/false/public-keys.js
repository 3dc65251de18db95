// Keys that are public by design: publishable, anon, browser ingest and site keys.
const stripe = Stripe("pk_live_51Hq8ZtK3vN9wQ2rT5yXk7LmPa1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuVwXyZ00AbCdEfGh");
const supabase = createClient(
  "https://qwhzkcvbmlsnrtyfdpxa.supabase.co",
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6InF3aHprY3ZibWxzbnJ0eWZkcHhhIiwicm9sZSI6ImFub24iLCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6MjAxNTAwMDAwMH0.T7vK2mQ9xL4pN8rZ1cW6sB3yF5hJ0dG2aE7uI9oP4kM"
);
const supabaseNew = createClient("https://qwhzkcvbmlsnrtyfdpxa.supabase.co", "sb_publishable_Zq8vN2rT5wXk9LmP4sYb7H_cJ3dFg6h");
mapboxgl.accessToken = "pk.eyJ1IjoiZ2l0c2hvcCIsImEiOiJjbDhxZjJ6N3Ywa3JqM29wZ3V2Y2Q4ZmIyIn0.Zq8vN2rT5wXk9LmP4sYb7H";
Sentry.init({ dsn: "https://4f9c2a7e1b3d5c6a8e0f2b4d6c8a0e1f@o451234.ingest.sentry.io/5512345" });
datadogRum.init({ clientToken: "pub4f9c2a7e1b3d5c6a8e0f2b4d6c8a0e1f", applicationId: "8e0f2b4d-6c8a-4e1f-9b3d-5c6a8e0f2b4d" });
const algolia = algoliasearch("LATENCY8Q2", "6be0576ff61c053d5f9a3225e2a90f76");
window.NREUM = { loader_config: { licenseKey: "NRJS-9f2c4e1a7b3d5f6e8a0" } };
grecaptcha.render("captcha", { sitekey: "6LcQ8vUpAAAAAN2rT5wXk9LmP4sYb7HcJ3dFg6h" });
posthog.init("phc_Zq8vN2rT5wXk9LmP4sYb7HcJ3dFg6hK1mN0pQ2sT4vW", { api_host: "https://eu.posthog.com" });
