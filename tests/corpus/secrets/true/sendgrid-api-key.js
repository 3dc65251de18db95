// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  sendgrid: "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",
};
