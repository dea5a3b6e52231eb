"""5G configuration checks, one module each (discovered by ``aman.evidence.registry``).

A module declares ``CHECK`` and ``evaluate_nf(nf, ctx)`` (one network function) and/or
``evaluate_core(core, ctx)`` (every function of the audit), returning an ``Outcome`` or
None when it has nothing to say. ``_base`` and ``_keys`` hold what they share.
"""
