// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  openaiKey: "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",
};
