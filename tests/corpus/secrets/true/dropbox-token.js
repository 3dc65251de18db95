// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  dropbox: "sl.vpm2SUqGvm-AdjVhJUwQ0DZqE1owROqnZUSUqil9beUXIlIxpwHgXeDKP9VwSBhWEQdLDIoOoprp2nZKpL1LSrxp3jLS1T19TyH5Ny7m6XD_rEIqw-5vDiktwsnTrMKXUmvwpeSr_F",
};
