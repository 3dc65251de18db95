// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  mapboxAdmin: "sk.eyJ1Ijoi6s4kyF91dTzDE3OlLIci.-U2Iq8531TSsi6M1LGILL4",
};
