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

_READ = {REGISTRY_READ}
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    FEDERATION_ADMIN: frozenset(
        {
            REGISTRY_READ,
            REGISTRY_WRITE,
            MEMBERS_MANAGE,
            USERS_MANAGE,
            AUDIT_READ,
            FRAMEWORKS_PUBLISH,
        }
    ),
    MEMBER_ADMIN: frozenset({REGISTRY_READ, REGISTRY_WRITE, USERS_MANAGE, AUDIT_READ}),
    ANALYST: frozenset(_READ),
    ASSESSOR: frozenset(_READ),
    VIEWER: frozenset(_READ),
}

# Which node kinds a role may be granted on.
ROLE_SCOPES: dict[str, frozenset[str]] = {
    FEDERATION_ADMIN: frozenset({"federation"}),
    MEMBER_ADMIN: frozenset({"member"}),
    ANALYST: frozenset({"federation", "member"}),
    ASSESSOR: frozenset({"member", "organisation"}),
    VIEWER: frozenset({"federation", "member", "organisation"}),
}
