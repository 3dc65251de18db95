// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  adminToken: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1XzY0NzM0MSIsInJvbGUiOiJhZG1pbiIsImlhdCI6MTcwMDAwMDAwMCwiZXhwIjoyMDUwMDAwMDAwfQ.-DT_CN0H20lDDfVZn3-eJ-Y9_qTu7cRaCY3RRqBX0Du",
};
