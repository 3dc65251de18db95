// A Twilio account SID alone is an identifier, not a secret.
const accountSid = "AC8f3e1d2c4b6a7980f1e2d3c4b5a69788";
const messagingServiceSid = "MG2c4b6a7980f1e2d3c4b5a6978f3e1d2c";
