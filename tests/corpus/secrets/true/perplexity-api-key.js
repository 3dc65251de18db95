// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  perplexity: "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",
};
