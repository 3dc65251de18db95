// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  stripeRestricted: "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",
};
