// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  supabaseAdmin: "sb_secret_Z39DCGn5wRyS23B7-PCzU8iwji5Fr4k",
};
