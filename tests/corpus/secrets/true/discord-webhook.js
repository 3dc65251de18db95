// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  discordHook: "https://discord.com/api/webhooks/4015738729663146335/-xWh6BtbKEkyc2nfygD0v6smvfQ93HFb15ENCcZvOnNwdT_TkEvRO9Y_0HT68dwZgoFD",
};
