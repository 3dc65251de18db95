// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  accessKeySecret: "GX0h9JKN7E28r4unICHo1mYQ9qB24g",
  region: "eu-west-1",
  aliyun: "LTAIZonkP5GYIRkt5srlSHfW",
};
