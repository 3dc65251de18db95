// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  databricks: "dapi6800747fd66a43ef18fe3eef28ad442d",
};
