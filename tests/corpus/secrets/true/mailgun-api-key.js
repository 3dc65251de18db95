// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  mailgun: "key-4e78dfa9cac6cccce2f672f8a926bd21",
};
