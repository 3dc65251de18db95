// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  teams: "https://contoso.webhook.office.com/webhookb2/43b2b037-c540-8204-acd4-041046019481@7a17c79a-0f86-d83a-a2be-9271f8e3e8ef/IncomingWebhook/29d3a6a6e9d0bb6f85eed9d649ac4ec7/2a310f8b-16d5-26bd-e375-49e83b004991",
};
