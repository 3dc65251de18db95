// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  airtable: "pateUpwAsq2Inihw1.1e053ecc7c7ed6775336f7c1507a0588b3a8b4ad92dffb7d71ca4c31f11d7ff0",
};
