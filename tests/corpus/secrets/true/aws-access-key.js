// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
const s3 = new S3Client({
  region: "us-east-1",
  credentials: { accessKeyId: "AKIALRWFVEALKXWKKXZW", secretAccessKey: "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" },
});
