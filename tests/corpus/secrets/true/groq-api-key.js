// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  groq: "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",
};
