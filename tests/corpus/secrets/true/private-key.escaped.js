// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  signingKey: "-----BEGIN EC PRIVATE KEY-----\nWneu9ZsacwRo0gEBZEiTaDLaNvcLKyXtt1YwVdVnX0qpJcxByWRgXLtCNY9NiWQR\ns+O0CH11kOsmSrp5me1uUNMmCMdL1rJNveG7b53fyIJ9rY//gAOnxTanZdzUgHDo\nAMLQlrEwWwWt3BwMSUi2XBX9i9uV9UfmRTBdmAOYtaBqsiHcrl5d7X7xIRMVCQ0E\n-----END EC PRIVATE KEY-----",
};
