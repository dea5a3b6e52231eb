"""Roles and the permissions each grants. Pure data: the single source of truth for access."""

from __future__ import annotations

FEDERATION_ADMIN = "federation-admin"
MEMBER_ADMIN = "member-admin"
ANALYST = "analyst"
ASSESSOR = "assessor"
VIEWER = "viewer"
ROLES = (FEDERATION_ADMIN, MEMBER_ADMIN, ANALYST, ASSESSOR, VIEWER)

# Permissions are "<area>.<verb>". A grant gives its role's permissions on its node's subtree.
REGISTRY_READ = "registry.read"
REGISTRY_WRITE = "registry.write"
MEMBERS_MANAGE = "members.manage"  # create/alter member bodies themselves: the federation's call
USERS_MANAGE = "users.manage"
AUDIT_READ = "audit.read"
FRAMEWORKS_PUBLISH = "frameworks.publish"  # import and publish framework packs
INTEL_READ = "intel.read"  # read shared intelligence (each object still filtered by its TLP)
INTEL_WRITE = "intel.write"  # push intelligence as the member (or the federation) of the grant
INTEL_MANAGE = "intel.manage"  # collections, sharing groups, constituency (ASNs, prefixes)
INTEL_PUBLISH = "intel.publish"  # review and publish the federation's threat-landscape report
SCANS_RUN = "scans.run"  # run scanners against an organisation and store their findings
EVIDENCE_READ = "evidence.read"  # read scan runs, findings, CBOMs and automated evidence
ASSESSMENTS_READ = "assessments.read"  # read assessments, answers, scores, roadmaps
ASSESSMENTS_WRITE = "assessments.write"  # answer, attach evidence, edit the roadmap, submit
ASSESSMENTS_REVIEW = "assessments.review"  # return or accept submitted assessments
CAMPAIGNS_MANAGE = "campaigns.manage"  # launch campaigns over the node's subtree
TRAINING_READ = "training.read"  # read programmes, cohorts, participants, results, capacity
TRAINING_MANAGE = "training.manage"  # edit the catalogue, generate and approve programmes
TRAINING_DELIVER = "training.deliver"  # cohorts, participants, attendance, results, certificates

_READ = {REGISTRY_READ, TRAINING_READ}
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    FEDERATION_ADMIN: frozenset(
        {
            REGISTRY_READ,
            REGISTRY_WRITE,
            MEMBERS_MANAGE,
            USERS_MANAGE,
            AUDIT_READ,
            FRAMEWORKS_PUBLISH,
            INTEL_READ,
            INTEL_WRITE,
            INTEL_MANAGE,
            INTEL_PUBLISH,
            SCANS_RUN,
            EVIDENCE_READ,
            ASSESSMENTS_READ,
            ASSESSMENTS_WRITE,
            ASSESSMENTS_REVIEW,
            CAMPAIGNS_MANAGE,
            TRAINING_READ,
            TRAINING_MANAGE,
            TRAINING_DELIVER,
        }
    ),
    MEMBER_ADMIN: frozenset(
        {
            REGISTRY_READ,
            REGISTRY_WRITE,
            USERS_MANAGE,
            AUDIT_READ,
            INTEL_READ,
            INTEL_WRITE,
            INTEL_MANAGE,
            SCANS_RUN,
            EVIDENCE_READ,
            ASSESSMENTS_READ,
            ASSESSMENTS_WRITE,
            ASSESSMENTS_REVIEW,
            CAMPAIGNS_MANAGE,
            TRAINING_READ,
            TRAINING_DELIVER,
        }
    ),
    ANALYST: frozenset(
        _READ | {INTEL_READ, INTEL_WRITE, SCANS_RUN, EVIDENCE_READ, ASSESSMENTS_READ}
    ),
    ASSESSOR: frozenset(_READ | {INTEL_READ, EVIDENCE_READ, ASSESSMENTS_READ, ASSESSMENTS_WRITE}),
    VIEWER: frozenset(_READ | {INTEL_READ, EVIDENCE_READ, ASSESSMENTS_READ}),
}

# Which node kinds a role may be granted on.
ROLE_SCOPES: dict[str, frozenset[str]] = {
    FEDERATION_ADMIN: frozenset({"federation"}),
    MEMBER_ADMIN: frozenset({"member"}),
    ANALYST: frozenset({"federation", "member"}),
    ASSESSOR: frozenset({"member", "organisation"}),
    VIEWER: frozenset({"federation", "member", "organisation"}),
}
