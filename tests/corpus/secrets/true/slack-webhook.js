// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  alerts: "https://hooks.slack.com/services/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",
};
