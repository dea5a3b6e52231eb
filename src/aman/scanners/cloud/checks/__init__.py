"""Cloud checks, one module each (discovered by ``aman.evidence.registry``).

Kubernetes checks declare ``evaluate_workload(w, ctx)`` and/or ``evaluate_resource(r, ctx)``.
The ``iac_*`` and ``image_*`` modules declare the checks that checkov results are mapped
onto (no evaluate function: checkov does the evaluating, ``checkov_map`` says which of its
ids land on which of these checks). ``_base`` holds what they share.
"""
