// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  mongo: "mongodb+srv://api:C6RxAoVrvXCqcuDiEWIU@cluster0.q8x2m.mongodb.net/shop",
};
