// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
const client = new Mistral({ apiKey: "BJmmfjXOt1F7GaXv4h58oeuP1AsqWmEC" });
