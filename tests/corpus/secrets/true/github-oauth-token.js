// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  ghOauth: "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",
};
