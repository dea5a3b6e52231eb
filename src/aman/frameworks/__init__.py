"""Framework packs: requirement trees, scoring schemes, mappings, and their import/export.

The pure engine (schemas, loader, compiler, diff, mapping graph, importers) lives in small
modules here; the database, API and CLI layers build on top of them.
"""
