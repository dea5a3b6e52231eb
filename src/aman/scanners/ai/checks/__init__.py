"""AI model checks, one module each (discovered by ``aman.evidence.registry``).

A module declares ``CHECK`` and ``evaluate_model(model, ctx)`` (one model file) or
``evaluate_inventory(inventory, ctx)`` (the run's AI-BOM), returning an ``Outcome`` or None.
"""
