// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  linear: "lin_api_MjYopSvYQobwwPw2GN00wIbPvsrRtm50uUh2NXa0",
};
