// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  mapboxAdmin: "sk.eyJ1IjoiSXqrss5Cku7LDpFH3Wxc.ZpRHD4FL-9lzVS40LHGod-",
};
