"""Hostile input gets a clear error finding and never stops the audit."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from aman.evidence.model import Status
from aman.frameworks.yaml_safe import YamlLimits
from aman.scanners.common.limits import Limits
from aman.scanners.common.problems import ProblemError
from aman.scanners.common.tree import FileRef, read_limited
from aman.scanners.fiveg.audit import AuditOptions, audit

BOMB = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefg", "bcdefgh", strict=True)
)


def errors(run: object) -> dict[str, str]:
    return {f.target: f.message for f in run.findings if f.check_id == "5g.input"}  # type: ignore[attr-defined]


def test_broken_files_are_errors_and_good_files_still_audited(
    write: Callable[..., Path], tmp_path: Path
) -> None:
    write("c/amf.yaml", "amf:\n  security:\n    integrity_order: [NIA2, NIA0\n")
    write("c/bomb.yaml", BOMB)
    write("c/tag.yaml", "amf: !!python/object/apply:os.system ['touch pwned']\n")
    write("c/bin.yaml", b"\x00\x01\x02amf: 1\n")
    write("c/latin.yaml", "amf: caf\xe9\n".encode("latin-1"))
    write("c/huge.yaml", "x" * 2048)
    write("c/nrf.yaml", "nrf:\n  sbi:\n    server:\n      - address: 10.0.0.1\n")
    (tmp_path / "c" / "escape.yaml").symlink_to("/etc/hostname")
    run = audit(tmp_path / "c", AuditOptions(limits=Limits(max_text_bytes=1024)))
    found = errors(run)
    assert "amf.yaml" in found and "YAML" in found["amf.yaml"]
    assert next(f for f in run.findings if f.target == "amf.yaml").line == 4
    assert "alias" in found["bomb.yaml"] or "nodes" in found["bomb.yaml"]
    assert "constructor" in found["tag.yaml"]
    assert "binary" in found["bin.yaml"] and "UTF-8" in found["latin.yaml"]
    assert "limit" in found["huge.yaml"] and "leaves the scanned root" in found["escape.yaml"]
    assert all(f.status is Status.ERROR for f in run.findings if f.check_id == "5g.input")
    assert not (tmp_path / "c" / "pwned").exists() and not Path("pwned").exists()
    tls = [f for f in run.findings if f.check_id == "5g.sbi.tls" and f.target == "nrf.yaml"]
    assert tls and tls[0].status is Status.FAIL


def test_file_vanishing_after_the_walk_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "gone.yaml"
    path.write_text("a: 1\n")
    ref = FileRef(path, "gone.yaml", 5, 0o100644)
    path.unlink()
    with pytest.raises(ProblemError) as caught:
        read_limited(ref, 100)
    assert caught.value.problem.code == "unreadable"


def test_file_swapped_for_a_symlink_is_not_followed(tmp_path: Path) -> None:
    path = tmp_path / "swap.yaml"
    os.symlink("/etc/hostname", path)
    ref = FileRef(path, "swap.yaml", 5, 0o100644)
    with pytest.raises(ProblemError):
        read_limited(ref, 1000)


def test_tight_yaml_limits_apply(write: Callable[..., Path], tmp_path: Path) -> None:
    deep = "a:\n" + "".join("  " * i + f"  k{i}:\n" for i in range(1, 40)) + "  " * 40 + "  v: 1\n"
    write("d/amf.yaml", deep)
    limits = Limits(yaml=YamlLimits(max_depth=10))
    assert "deeper" in errors(audit(tmp_path / "d", AuditOptions(limits=limits)))["amf.yaml"]


def test_too_many_files_stops_with_an_error(write: Callable[..., Path], tmp_path: Path) -> None:
    for i in range(5):
        write(f"m/nf{i}.yaml", "a: 1\n")
    run = audit(tmp_path / "m", AuditOptions(limits=Limits(max_files=3)))
    assert run.files == 3 and any(p.code == "too-many-files" for p in run.problems)
