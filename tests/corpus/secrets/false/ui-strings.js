!function(){"use strict";var e={password:"Password",passwordConfirm:"Confirm password",passwordHint:"At least 12 characters",
secretQuestion:"What was the name of your first pet?",apiKeyLabel:"API key",apiKeyPlaceholder:"Paste your API key here",
tokenExpired:"Your session expired",passwordRegex:"^(?=.*[A-Z])(?=.*[0-9]).{12,}$",secretLength:32,
privateKeyFile:"id_ed25519",forgotPassword:"/account/forgot-password",resetPasswordUrl:"/account/reset?token=",
clientSecretName:"STRIPE_SECRET_KEY",showPassword:!0,secretMode:"hidden"};
function t(n){return n.replace(/([a-z])([A-Z])/g,"$1-$2").toLowerCase()}var r="sk-"+t("proj"),o="ghp_"+r;
var ssl={key:"tls.key",cert:"tls.crt"},url="https://"+user+":"+pass+"@"+host;
window.__APP__=e}();
