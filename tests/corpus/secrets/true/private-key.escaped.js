// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  signingKey: "-----BEGIN EC PRIVATE KEY-----\n7tTftx9/aG/9aAaeRA0iWneu9ZsacwRo0gEBZEiTaDLaNvcLKyXtt1YwVdVnX0qp\nJcxByWRgXLtCNY9NiWQRs+O0CH11kOsmSrp5me1uUNMmCMdL1rJNveG7b53fyIJ9\nrY//gAOnxTanZdzUgHDoAMLQlrEwWwWt3BwMSUi2XBX9i9uV9UfmRTBdmAOYtaBq\n-----END EC PRIVATE KEY-----",
};
