// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  grok: "xai-TISefDulmiESKgty0e4HGGDMWYpMD0YCBLrYJc85xSOZwJfDu0uvMiBQuV9fsPwFX0hk4JXXdpzoxvkk",
};
