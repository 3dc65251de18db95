// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  stripeRestricted: "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",
};
