// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  telegram: "3976713784:AAtzxn10gkVNnRTww6nDSQPbR0iBUTiwzPz",
};
