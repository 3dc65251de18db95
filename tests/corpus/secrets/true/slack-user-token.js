// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  slackUser: "xoxp-194285381095-504700235216-2249521363155-7f7d428a9c3bb77e804fe42a801b4664",
};
