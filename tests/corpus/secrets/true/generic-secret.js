// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  clientSecret: "iYIYUC6RxAoVrvXCqcuDiEWIUvLv2u587B3BqvgL",
};
