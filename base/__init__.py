"""The shared ground under every app: bulk loading, SQL literals, page blocks, content language,
logging, the language middleware and the API contract. It imports no app of this project; every
app may import it (the import-linter contract in pyproject.toml keeps that so)."""
