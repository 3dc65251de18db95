// A Twilio account SID alone is an identifier, not a secret.
const accountSid = "AC8f3e1d2c4b6a7980f1e2d3c4b5a69788";
const messagingServiceSid = "MG2c4b6a7980f1e2d3c4b5a6978f3e1d2c";
// A 32-character hex value nearby is not its auth token unless it is named or passed as one.
const searchOnlyKey = "6be0576ff61c053d5f9a3225e2a90f76";
