// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  anthropicKey: "sk-ant-api03-QWs4CCHZCAXsIXwXkciL9EZp03TxBuO0xi8gQYBS3_Lsoxvk80xkZ3m_CzPDygL0Jz-BwFqifMDZFIEz4a_HRRoYVpNpIAA",
};
