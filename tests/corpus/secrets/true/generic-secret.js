// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  clientSecret: "IdeYHWC7fVV8uoHaOseljChoPy9Iinf3tET0HbnS",
};
