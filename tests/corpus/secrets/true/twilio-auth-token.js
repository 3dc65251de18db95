// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
const twilio = require("twilio")(
  "AC9e9561d88aa12f365fb1067ab0f528f9",
  "f8d9f6b682fbc7d0136fee69c62a9f64"
);
