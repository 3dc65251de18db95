/* Build metadata: hashes, ids and integrity values look random but are not credentials. */
const build = {
  commit: "9f2c4e1a7b3d5f6e8a0c2b4d6f8e1a3c5b7d9e0f",
  sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  md5: "d41d8cd98f00b204e9800998ecf8427e",
  requestId: "550e8400-e29b-41d4-a716-446655440000",
  sessionId: "3f6a1c9e-7b2d-4e8f-a5c3-9d1b7e4f2a6c",
  integrity: "sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC",
  chunkHashes: {"5c1f": "a9d3e7b2c4f6", "8e2a": "1b7c9d3e5f0a"},
  passwordHash: "$2b$12$KIXQ4sZ0FhB3b8m9Xq1iUeTtJ2yq7nZs1vP6wLkRr3cH5dF8gA9Ce",
  csrfToken: "Xk9mQ2vR7tZ1pL4wN8sB3cF6hJ0dG5yA",
  nonce: "r4nD0mN0nc3V4lu3Zq8vN2",
};
