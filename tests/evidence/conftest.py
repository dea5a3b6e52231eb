"""Evidence-test fixtures. ``helpers.py`` is loaded under a unique module name because tests
run with ``--import-mode=importlib`` (the directory is not on sys.path)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType


def _load_helpers() -> ModuleType:
    name = "aman_evidence_test_helpers"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("helpers.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


helpers = _load_helpers()
