"""Discovers checks: every module of a ``checks`` sub-package of a scanner declares one.

The sslyze plugin pattern: adding a check is adding a module that assigns ``CHECK`` (a
:class:`~aman.evidence.model.Check`) and whatever evaluation functions its scanner's engine
calls. Discovery is by package walk (``aman.scanners.<domain>.checks.*``) plus the
``aman.checks`` entry-point group, so an installed add-on can contribute checks too.
The evidence slice never imports a scanner by name: it only walks what is installed.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import entry_points
from types import ModuleType

from aman.evidence.model import Check

SCANNERS_PACKAGE = "aman.scanners"
ENTRY_POINT_GROUP = "aman.checks"


class RegistryError(Exception):
    """A check module is malformed or two checks share an id."""


@dataclass(frozen=True, slots=True)
class RegisteredCheck:
    """A check and the module that implements it."""

    check: Check
    module: ModuleType


def _check_modules(package_name: str) -> Iterator[ModuleType]:
    package = importlib.import_module(package_name)
    for info in pkgutil.iter_modules(package.__path__, prefix=f"{package_name}."):
        if not info.ispkg and not info.name.rsplit(".", 1)[1].startswith("_"):
            yield importlib.import_module(info.name)


def _scanner_check_packages(root: str) -> Iterator[str]:
    try:
        scanners = importlib.import_module(root)
    except ImportError:
        return
    for info in pkgutil.iter_modules(scanners.__path__, prefix=f"{root}."):
        candidate = f"{info.name}.checks"
        if info.ispkg and importlib.util.find_spec(candidate) is not None:
            yield candidate


def _entry_point_packages() -> Iterator[str]:
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        yield ep.value


class CheckRegistry:
    """All known checks by id, in a stable order (domain, then id)."""

    def __init__(self, registered: Iterable[RegisteredCheck]) -> None:
        by_id: dict[str, RegisteredCheck] = {}
        for item in registered:
            if item.check.id in by_id:
                other = by_id[item.check.id].module.__name__
                raise RegistryError(
                    f"check id {item.check.id!r} declared by {other} and {item.module.__name__}"
                )
            by_id[item.check.id] = item
        ordered = sorted(by_id.values(), key=lambda r: (r.check.domain, r.check.id))
        self._by_id = {r.check.id: r for r in ordered}

    def __contains__(self, check_id: object) -> bool:
        return check_id in self._by_id

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, check_id: str) -> Check | None:
        """The check with this id, or None."""
        item = self._by_id.get(check_id)
        return None if item is None else item.check

    def module(self, check_id: str) -> ModuleType:
        """The implementing module of a check (KeyError when unknown)."""
        return self._by_id[check_id].module

    def checks(self, domain: str | None = None) -> list[Check]:
        """All checks, optionally of one domain."""
        return [r.check for r in self._by_id.values() if domain in (None, r.check.domain)]

    def registered(self, domain: str | None = None) -> list[RegisteredCheck]:
        """Checks with their modules, optionally of one domain."""
        return [r for r in self._by_id.values() if domain in (None, r.check.domain)]

    @classmethod
    def from_packages(cls, packages: Iterable[str]) -> CheckRegistry:
        """Registry of the check modules found in the given packages."""
        found: list[RegisteredCheck] = []
        for package in packages:
            for module in _check_modules(package):
                check = getattr(module, "CHECK", None)
                if not isinstance(check, Check):
                    raise RegistryError(f"{module.__name__} does not declare CHECK = Check(...)")
                found.append(RegisteredCheck(check, module))
        return cls(found)


@lru_cache(maxsize=1)
def get_registry() -> CheckRegistry:
    """The process-wide registry of every installed check (discovered once)."""
    packages = [*_scanner_check_packages(SCANNERS_PACKAGE), *_entry_point_packages()]
    return CheckRegistry.from_packages(packages)
