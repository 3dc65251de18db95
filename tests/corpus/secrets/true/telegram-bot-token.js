// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  telegram: "6056135519:AAwzPzroTlUbnEYxqbIlatOY1rbsedqzdgN",
};
