// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  mailgun: "key-26bd216e7ee76db69393c2d25b4835c5",
};
