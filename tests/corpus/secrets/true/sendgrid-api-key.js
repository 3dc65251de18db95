// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  sendgrid: "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",
};
