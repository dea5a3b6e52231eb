"""The web UI: server-rendered pages (Jinja2 + htmx), vendored assets, message catalogues."""
