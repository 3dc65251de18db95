// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  mailchimp: "158c7bdc26548b75a49bdcb636a98f72-us21",
};
