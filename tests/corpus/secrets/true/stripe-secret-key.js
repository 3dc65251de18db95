// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  stripeKey: "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",
};
