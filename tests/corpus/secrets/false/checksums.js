// Tokens shaped like GitHub and npm tokens whose CRC32 checksum is wrong: they cannot be real.
const a = "ghp_Zq8vN2rT5wXk9LmP4sYb7HcJ3dFg6hK1mN0p";
const b = "npm_Zq8vN2rT5wXk9LmP4sYb7HcJ3dFg6hK1mN0p";
const c = "gho_Q2vR7tZ1pL4wN8sB3cF6hJ0dG5yAXk9mZq8v";
