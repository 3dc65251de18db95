// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  feedUrl: "https://feeds:vLv2u587B3BqvgLo86Yz@partner-feeds.shop.io/v1/products.xml",
};
