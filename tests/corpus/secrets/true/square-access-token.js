// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  square: "EAAAjGW7gD33Sx8eJ-NfUtW3OzUErcfTN4qFFkYg-p78N2W2Ie2jCWj9tjySrs2o",
};
