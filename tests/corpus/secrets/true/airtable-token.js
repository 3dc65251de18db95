// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  airtable: "patZULI1py1clbZpv.0588b3a8b4ad92dffb7d71ca4c31f11d7ff095cf1cef514fbd84feddbb42e9d9",
};
