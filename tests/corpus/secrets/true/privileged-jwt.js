// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const supabase = createClient("https://eciarxecoaoxmoftzikw.supabase.co",
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6ImVjaWFyeGVjb2FveG1vZnR6aWt3Iiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImlhdCI6MTcwMDAwMDAwMCwiZXhwIjoyMDE1MDAwMDAwfQ.MVCQ0EorgQKIqJWMNfbgoOe7JV8yJhsZkcyDsR0iowz");
