"""TAXII 2.1 server under /taxii2/: discovery, API root, collections, objects, manifest,
versions and status, with per-member TLP views and TAXII error objects on every error."""
