// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  mailchimp: "6e7ee76db69393c2d25b4835c5158c7b-us21",
};
