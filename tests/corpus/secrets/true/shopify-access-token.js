// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  shopify: "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",
};
