// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  stripeKey: "sk_test_51hBn77vwxBEPIXjQelD4a2aXRpHD1o36btT17v4pG2NGlyVBy2id0ykzJfIiWMUgvV4wuHTk19g4EosKktp0E6yQfff69H7uE5",
};
