// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  slackBot: "xoxb-673895082378-5940088855620-GsTK1V98DMz1vNoHGTDEHtPX",
};
