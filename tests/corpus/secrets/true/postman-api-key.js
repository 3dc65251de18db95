// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  postman: "PMAK-749044f3fcb71aad595a75dd-f5ba51b41a3e8a087b1d051b042ba6e950",
};
