// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  shopify: "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",
};
