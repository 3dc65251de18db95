// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  mapsKey: "AIzaDbwFLCPJAXVhdrE3VJXjTCOGLgk37eI7O2p",
};
