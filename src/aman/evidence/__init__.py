"""The common evidence model every scanner reports through.

A :class:`~aman.evidence.model.Check` says what is verified and why; a
:class:`~aman.evidence.model.Finding` says what one check saw on one target at one time;
a scan run stores findings for one organisation. Framework packs declare which checks
evidence which requirement (requirement -> checks, the Prowler pattern), and
:func:`~aman.evidence.mapping.requirement_evidence` turns the latest findings into an
automated verdict per requirement.
"""
