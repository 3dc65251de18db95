// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  herokuApiKey: "59523b5d-a8f2-72e4-a4a7-d8e2c3001c9e",
};
