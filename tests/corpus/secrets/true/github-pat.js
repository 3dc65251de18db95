// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  githubToken: "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",
};
