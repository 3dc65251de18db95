// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  installationToken: "ghs_ERc2l1q2y73tSYzNZfF3Pvn9thmBEH3xHnPA",
};
