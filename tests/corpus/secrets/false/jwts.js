// JWTs that are not privileged, not live, or documented defaults.
// Supabase's local development service_role key (iss supabase-demo) is printed by `supabase start` for everyone.
const local = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU";
// A signed-in user's own session token.
const session = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI4ZjNrMnEiLCJyb2xlIjoiYXV0aGVudGljYXRlZCIsImV4cCI6MjA1MDAwMDAwMH0.Q2vR7tZ1pL4wN8sB3cF6hJ0dG5yAXk9mZq8vN2rT5wX";
// An admin token that expired in 2021.
const expired = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI4ZjNrMnEiLCJyb2xlIjoiYWRtaW4iLCJleHAiOjE2MDk0NTkyMDB9.pL4wN8sB3cF6hJ0dG5yAXk9mZq8vN2rT5wXQ2vR7tZ1";
// jwt.io's example token: no role at all.
const demo = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
