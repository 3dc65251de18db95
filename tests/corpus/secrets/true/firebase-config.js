// FAKE credential generated for Palisade's test corpus: it is not a real key and grants nothing.
const firebaseConfig = {
  apiKey: "AIzajVwp6sc_VEn2KnPoYLgTaHL-E9yTYL-9S4x",
  authDomain: "shop-3f9a2.firebaseapp.com",
  projectId: "shop-3f9a2",
  storageBucket: "shop-3f9a2.appspot.com",
  messagingSenderId: "804217736215",
};
initializeApp(firebaseConfig);
