// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  teams: "https://contoso.webhook.office.com/webhookb2/4817a17c-79a0-f86d-83aa-2be9271f8e3e@8ef29d3a-6a6e-9d0b-b6f8-5eed9d649ac4/IncomingWebhook/ec72a310f8b16d526bde37549e83b004/9919e956-1d88-aa12-f365-fb1067ab0f52",
};
