// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  deepseekApiKey: "sk-c8712d5d779c934b6b0238b6dd344750",
};
