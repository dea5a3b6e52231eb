"""What the file-based checkers (5G, cloud, AI) share: input limits, a walk that stays inside
the scanned root, safe archive handling, multi-document YAML, and a generic check engine.

Nothing here knows a domain: each domain package brings its parsers and ``checks/``.
"""
