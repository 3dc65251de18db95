// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  stripeKey: "sk_test_51By2id0ykzJfIiWMUgvV4wuHTk19g4EosKktp0E6yQfff69H7uE5Fb0G4N2tJzu7dmxTuUB8UTkjS4g1AD9uq5McEJJuCbUVZu",
};
