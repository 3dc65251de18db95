// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  stripeKey: "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",
};
