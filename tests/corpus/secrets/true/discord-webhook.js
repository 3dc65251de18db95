// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  discordHook: "https://discord.com/api/webhooks/7103036272199209857/3HFb15ENCcZvOnNwdT_TkEvRO9Y_0HT68dwZgoFDr5Y9nA6Ktzxn10gkVNnRTww6nDSQ",
};
