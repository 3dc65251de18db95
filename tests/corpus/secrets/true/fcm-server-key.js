// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
export const config = {
  region: "eu-west-1",
  fcmServerKey: "AAAAlQ70Mxr:APA91bbgPN9A5Ps05abweVOX3CFavUZdFf8DbklH7MDj_t5iovL-_VCt7I3II5c7MlF_E_-gAMcM06RECaQqtkmhLBfXqdy1NGZZ2vdNpez8QotcpFNC0wBe_TgZLmc7VMPENbYFZSbW",
};
