// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  ghRefresh: "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",
};
