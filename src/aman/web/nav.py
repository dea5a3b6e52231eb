"""The main navigation: each slice registers its entries with the permission that shows them.

Registering (instead of listing every slice here) keeps the dependency arrow pointing one way:
the web package knows no slice; a slice's `views.py` adds its entry when it is imported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aman.auth.permissions import Principal


@dataclass(frozen=True)
class NavItem:
    """An entry of the main navigation. `label` is an English msgid (mark it with `N_`)."""

    key: str
    label: str
    href: str
    order: int
    visible: Callable[[Principal], bool]
    description: str = ""  # an English msgid shown on the home page

    def active(self, path: str) -> bool:
        if self.href == "/":
            return path == "/"
        return path == self.href or path.startswith(self.href.rstrip("/") + "/")


_ITEMS: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    """Add (or replace, by key) a navigation entry."""
    _ITEMS[item.key] = item


def items_for(principal: Principal | None) -> list[NavItem]:
    """The entries this principal may use, in order (none before login)."""
    if principal is None:
        return []
    return sorted(
        (i for i in _ITEMS.values() if i.visible(principal)), key=lambda i: (i.order, i.key)
    )


def anyone(principal: Principal) -> bool:
    return True


def community(principal: Principal) -> bool:
    """Holders of any grant: the directory, the frameworks."""
    return principal.system or principal.is_federation_member


def having(permission: str) -> Callable[[Principal], bool]:
    """Visible when the principal holds `permission` somewhere in the tree."""

    def check(principal: Principal) -> bool:
        return not principal.visible(permission).nothing

    return check
