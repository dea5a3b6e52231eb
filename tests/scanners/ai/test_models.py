"""Model files: picklescan verdicts (never unpickling), Keras Lambda layers, safetensors
integrity, the format policy, and hostile containers."""

from __future__ import annotations

import io
import pickle
import struct
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aman.evidence.model import Finding, Severity, Status
from aman.scanners.ai.demo import (
    global_op,
    review_pickle,
    torch_like_pickle,
    write_keras,
    write_safetensors,
    write_torch_zip,
)
from aman.scanners.ai.pickles import BoundedReader, LimitReached
from aman.scanners.ai.safetensors import check_safetensors
from aman.scanners.ai.scan import AiOptions, scan
from aman.scanners.common.limits import MIB, Limits


def findings(root: Path, limits: Limits | None = None) -> dict[tuple[str, str], Finding]:
    run = scan(root, AiOptions(limits=limits or Limits(), validate_bom=False, scope="t"))
    return {(f.check_id, f.target): f for f in run.findings}


def test_dangerous_pickles_fail_and_nothing_runs(
    tmp_path: Path, marker: Path, evil_bytes: bytes, opener_bytes: bytes
) -> None:
    (tmp_path / "evil.pkl").write_bytes(evil_bytes)
    (tmp_path / "opener.joblib").write_bytes(opener_bytes)
    with zipfile.ZipFile(tmp_path / "model.pt", "w") as archive:
        archive.writestr("archive/data.pkl", evil_bytes)
        archive.writestr("archive/data/0", b"\0" * 64)
    (tmp_path / "legacy.bin").write_bytes(evil_bytes)
    found = findings(tmp_path)
    for target in ("evil.pkl", "opener.joblib", "model.pt", "legacy.bin"):
        verdict = found[("ai.pickle.dangerous-global", target)]
        assert verdict.status is Status.FAIL and verdict.severity is Severity.CRITICAL, target
        assert found[("ai.format.pickle-based", target)].status is Status.FAIL
    assert "system" in found[("ai.pickle.dangerous-global", "evil.pkl")].message
    assert "open" in found[("ai.pickle.dangerous-global", "opener.joblib")].message
    assert not marker.exists()


def test_clean_and_review_pickles(tmp_path: Path) -> None:
    write_torch_zip(tmp_path / "ok.pt", 256)
    (tmp_path / "sk.pkl").write_bytes(review_pickle())
    (tmp_path / "plain.pkl").write_bytes(pickle.dumps({"a": [1, 2.0, "x"]}))
    found = findings(tmp_path)
    ok = found[("ai.pickle.dangerous-global", "ok.pt")]
    assert ok.status is Status.PASS and "not proof of safety" in ok.message
    assert found[("ai.pickle.unknown-global", "ok.pt")].status is Status.PASS
    review = found[("ai.pickle.unknown-global", "sk.pkl")]
    assert review.status is Status.WARN and "needs review" in review.message
    assert found[("ai.pickle.unknown-global", "plain.pkl")].status is Status.PASS


def test_keras_lambda_and_custom_objects(tmp_path: Path) -> None:
    write_keras(tmp_path / "lam.keras", lambda_layer=True)
    write_keras(tmp_path / "ok.keras", lambda_layer=False)
    with zipfile.ZipFile(tmp_path / "nocfg.keras", "w") as archive:
        archive.writestr("weights.h5", b"x")
    found = findings(tmp_path)
    assert found[("ai.keras.lambda", "lam.keras")].status is Status.FAIL
    assert found[("ai.keras.lambda", "ok.keras")].status is Status.PASS
    assert found[("ai.keras.lambda", "nocfg.keras")].status is Status.ERROR
    assert found[("ai.format.pickle-based", "ok.keras")].status is Status.PASS


TENSORS = st.dictionaries(
    st.text("abcdefgh", min_size=1, max_size=6),
    st.tuples(st.sampled_from(["F32", "F16", "BF16", "I64", "U8"]),
              st.lists(st.integers(0, 5), max_size=3)),
    min_size=1, max_size=5,
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(TENSORS, st.binary(min_size=1, max_size=16))
def test_safetensors_valid_files_pass_and_appended_bytes_fail(
    tmp_path_factory: pytest.TempPathFactory, tensors: dict[str, tuple[str, list[int]]], tail: bytes
) -> None:
    path = write_safetensors(tmp_path_factory.mktemp("s") / "m.safetensors", dict(tensors.items()))
    size = path.stat().st_size
    with path.open("rb") as handle:
        assert check_safetensors(handle, size).problems == ()
    path.write_bytes(path.read_bytes() + tail)
    with path.open("rb") as handle:
        facts = check_safetensors(handle, size + len(tail))
    assert facts.problems == (f"{len(tail)} bytes appended after the last tensor",)


@pytest.mark.parametrize(
    ("mutate", "problem"),
    [
        (lambda h, d: struct.pack("<Q", 10**12) + h[8:] + d, "exceeds"),
        (lambda h, d: struct.pack("<Q", len(h) + 50) + h[8:] + d, "past the end"),
        (lambda h, d: h.replace(b'"F32"', b'"O64"') + d, "not allowed"),
        (lambda h, d: h.replace(b"[0, 16]", b"[4, 20]") + d, "gap"),
        (lambda h, d: h + d[:-4], "past the end of the file"),
        (lambda h, d: h.replace(b'"w"', b'"b"') + d, "duplicate"),
        (lambda h, d: h[:8] + b"[" + h[9:] + d, "start with"),
    ],
)
def test_safetensors_header_tampering(tmp_path: Path, mutate: object, problem: str) -> None:
    path = write_safetensors(
        tmp_path / "m.safetensors", {"w": ("F32", [2, 2]), "b": ("F32", [2, 2])}
    )
    raw = path.read_bytes()
    length = struct.unpack("<Q", raw[:8])[0]
    header, data = raw[: 8 + length], raw[8 + length :]
    path.write_bytes(mutate(header, data))  # type: ignore[operator]
    verdict = findings(tmp_path)[("ai.safetensors.integrity", "m.safetensors")]
    assert verdict.status is Status.FAIL and problem in verdict.message, verdict.message


def test_zip_bomb_and_member_flood_are_refused(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "bomb.pt", "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("archive/data.pkl", b"\0" * (30 * MIB))
    with zipfile.ZipFile(tmp_path / "flood.zip", "w") as archive:
        for i in range(50):
            archive.writestr(f"m{i}.pkl", torch_like_pickle())
    run = scan(tmp_path, AiOptions(limits=Limits(max_entries=20), validate_bom=False))
    errors = {f.target: f.message for f in run.findings if f.check_id == "ai.input"}
    assert "zip bomb" in errors["bomb.pt"] and "50 members" in errors["flood.zip"]
    assert not [
        f
        for f in run.findings
        if f.check_id == "ai.pickle.dangerous-global"
        and f.target in errors
        and f.status is Status.PASS
    ]


def test_oversized_streams_are_errors_with_bounded_reads(tmp_path: Path) -> None:
    # a BINBYTES8 opcode claiming 2**40 bytes: the reader must refuse before allocating
    bogus = b"\x80\x04" + b"\x8e" + struct.pack("<Q", 2**40) + b"x" * 16
    (tmp_path / "liar.pkl").write_bytes(bogus)
    big = (
        b"\x80\x02"
        + global_op("collections", "OrderedDict")
        + b")R"
        + b"X"
        + struct.pack("<I", 4000)
        + b"a" * 4000
        + b"0."
    )
    (tmp_path / "big.pkl").write_bytes(big)
    found = findings(tmp_path, Limits(max_pickle_bytes=1000))
    assert found[("ai.pickle.dangerous-global", "big.pkl")].status is Status.ERROR
    assert "not fully scanned" in found[("ai.pickle.dangerous-global", "big.pkl")].message
    assert found[("ai.pickle.dangerous-global", "liar.pkl")].status is Status.ERROR
    reader = BoundedReader(io.BytesIO(b"abc"), 2)
    assert reader.read(2) == b"ab"
    with pytest.raises(LimitReached):
        reader.read(5)


def test_dangerous_import_after_the_limit_is_not_claimed_clean(
    tmp_path: Path, evil_bytes: bytes
) -> None:
    padding = b"\x80\x02X" + struct.pack("<I", 3000) + b"p" * 3000 + b"0"
    (tmp_path / "late.pkl").write_bytes(padding + evil_bytes[2:])
    verdict = findings(tmp_path, Limits(max_pickle_bytes=1000))[
        ("ai.pickle.dangerous-global", "late.pkl")
    ]
    assert verdict.status is not Status.PASS


def test_object_numpy_arrays_are_scanned(tmp_path: Path, evil_bytes: bytes) -> None:
    header = b"{'descr': '|O', 'fortran_order': False, 'shape': (1,), }"
    header += b" " * (64 - (10 + len(header)) % 64 - 1) + b"\n"
    npy = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + evil_bytes
    (tmp_path / "obj.npy").write_bytes(npy)
    plain = header.replace(b"|O", b"<f4")
    (tmp_path / "f.npy").write_bytes(
        b"\x93NUMPY\x01\x00" + struct.pack("<H", len(plain)) + plain + b"\0" * 4
    )
    found = findings(tmp_path)
    assert found[("ai.pickle.dangerous-global", "obj.npy")].status is Status.FAIL
    assert found[("ai.pickle.dangerous-global", "f.npy")].status is Status.NOT_APPLICABLE
    assert found[("ai.format.pickle-based", "f.npy")].status is Status.NOT_APPLICABLE
