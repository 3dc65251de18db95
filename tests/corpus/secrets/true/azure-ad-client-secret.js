// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  msal: "Rw07Q~ISgKbP9rWw.q-E_-HDcdBhWuNTdVZj3pWN",
};
