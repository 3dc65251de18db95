// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  replicate: "r8_cneC6e4fbCKDx5cdfUXLl72ftDsznAbJ99mKj",
};
