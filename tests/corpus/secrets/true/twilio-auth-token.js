// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
const twilio = require("twilio")(
  "AC8f9f8d9f6b682fbc7d0136fee69c62a9",
  "f6426e267806bc10d12daaf748247901"
);
