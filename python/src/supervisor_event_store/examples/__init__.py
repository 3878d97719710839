"""Small, runnable consumers of the store, tested like the package (see the README)."""
