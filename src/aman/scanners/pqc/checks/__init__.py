"""PQC checks, one module each (discovered by ``aman.evidence.registry``).

A module declares ``CHECK`` and one ``evaluate_<kind>(subject, ctx)`` function per subject
kind it judges (tls, ssh, certificate, key, code, run), returning an ``Outcome`` or None
when it has nothing to say about that subject. ``_base`` holds what they share.
"""
