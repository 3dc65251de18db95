// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const supabase = createClient("https://zdzebxkjiesismjjbabd.supabase.co",
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6InpkemVieGtqaWVzaXNtampiYWJkIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImlhdCI6MTcwMDAwMDAwMCwiZXhwIjoyMDE1MDAwMDAwfQ.Oe7JV8yJhsZkcyDsR0iowzfTZpvXX5E6R0NRvZZHYRi");
