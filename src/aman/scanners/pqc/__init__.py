"""Post-quantum readiness scanner: TLS and SSH probes, certificate inventory.

Layout: ``tls_*``/``ssh_messages`` hold pure wire-format code (build, parse, classify);
``tls_probe``, ``ssh_probe``, ``certs`` and ``starttls`` do the network I/O on top of them.
"""
