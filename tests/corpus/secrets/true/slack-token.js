// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  slackLegacy: "xoxa-2-5FX5GXidgt7IuguthlAI8FdiOhKguy3fXMAH7Na6",
};
