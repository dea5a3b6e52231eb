"""Upload staging and bundle extraction refuse traversal, links, bombs and floods."""

from __future__ import annotations

import io
import stat
import tarfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aman.scanners.common.archive import extract_bundle, safe_member_path
from aman.scanners.common.limits import MIB, Limits
from aman.scanners.common.upload import Upload, safe_name, stage_uploads


def _zip(path: Path, members: dict[str, bytes], deflate: bool = False) -> Path:
    mode = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    with zipfile.ZipFile(path, "w", compression=mode) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@given(st.text(max_size=60))
def test_member_paths_never_climb_out(name: str) -> None:
    path = safe_member_path(name)
    if path is not None:
        assert not path.is_absolute() and ".." not in path.parts and path.parts


@given(st.text(max_size=80), st.integers(0, 5))
def test_upload_names_are_plain_file_names(name: str, index: int) -> None:
    cleaned = safe_name(name, index)
    assert cleaned and "/" not in cleaned and "\\" not in cleaned and not cleaned.startswith(".")


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_zip_with_traversal_links_and_duplicates(tmp_path: Path) -> None:
    archive = tmp_path / "b.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("ok/a.yaml", b"a: 1\n")
        z.writestr("../../evil.yaml", b"x")
        z.writestr("/etc/abs.yaml", b"x")
        z.writestr("C:\\win.yaml", b"x")
        link = zipfile.ZipInfo("link.yaml")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        z.writestr(link, "/etc/passwd")
        z.writestr("ok/a.yaml", b"again")
    out = tmp_path / "out"
    result = extract_bundle(archive, out, "b.zip", Limits())
    codes = sorted(p.code for p in result.problems)
    assert codes == ["duplicate-entry", "path-traversal", "path-traversal", "path-traversal",
                     "symlink-refused"]  # fmt: skip
    assert result.files == 1 and (out / "b.zip" / "ok" / "a.yaml").read_bytes() == b"a: 1\n"
    assert not (tmp_path / "evil.yaml").exists() and not list(out.rglob("*link*"))


def test_zip_bomb_is_refused_before_extraction(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "bomb.zip", {"z.yaml": b"\0" * (20 * MIB)}, deflate=True)
    assert archive.stat().st_size < 100_000
    result = extract_bundle(archive, tmp_path / "out", "bomb.zip", Limits())
    assert [p.code for p in result.problems] == ["archive-bomb"]
    assert result.files == 0 and not (tmp_path / "out" / "bomb.zip").exists()


def test_too_many_members_and_total_size(tmp_path: Path) -> None:
    many = _zip(tmp_path / "many.zip", {f"f{i}.yaml": b"a" for i in range(30)})
    result = extract_bundle(many, tmp_path / "o1", "many.zip", Limits(max_entries=10))
    assert "30 members" in result.problems[0].message
    big = _zip(tmp_path / "big.zip", {"a.yaml": b"a" * 5000, "b.yaml": b"b" * 5000})
    result = extract_bundle(big, tmp_path / "o2", "big.zip", Limits(max_expanded_bytes=6000))
    assert result.problems[0].code == "archive-bomb"


def test_tar_bomb_links_and_devices(tmp_path: Path) -> None:
    archive = tmp_path / "t.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name, kind in (
            ("hard", tarfile.LNKTYPE),
            ("dev", tarfile.CHRTYPE),
            ("sym", tarfile.SYMTYPE),
        ):
            info = tarfile.TarInfo(name)
            info.type = kind
            info.linkname = "/etc/shadow"
            tar.addfile(info)
        data = b"\0" * (8 * MIB)
        info = tarfile.TarInfo("zeros.yaml")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    result = extract_bundle(archive, tmp_path / "out", "t.tar.gz", Limits())
    codes = [p.code for p in result.problems]
    assert codes.count("link-refused") == 3 and codes[-1] == "archive-bomb"


def test_unreadable_archive_and_unknown_modes(tmp_path: Path) -> None:
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 not really")
    assert (
        extract_bundle(broken, tmp_path / "o", "broken.zip", Limits()).problems[0].code
        == "malformed"
    )
    plain = tmp_path / "plain.zip"
    with zipfile.ZipFile(plain, "w") as archive:
        info = zipfile.ZipInfo("k.key")
        info.create_system = 0  # written on Windows: no unix mode recorded
        archive.writestr(info, b"x")
    result = extract_bundle(plain, tmp_path / "o2", "plain.zip", Limits())
    assert result.unknown_modes == {"plain.zip/k.key"}


def test_stage_uploads_caps_size_and_keeps_names_inside(tmp_path: Path) -> None:
    uploads = [
        Upload("../../etc/passwd", io.BytesIO(b"a: 1\n")),
        Upload("big.yaml", io.BytesIO(b"x" * 5000)),
        Upload("b.zip", io.BytesIO(_zip(tmp_path / "src.zip", {"m.yaml": b"m: 1\n"}).read_bytes())),
    ]
    staged = stage_uploads(uploads, tmp_path / "scratch", Limits(max_expanded_bytes=1000))
    names = sorted(
        p.relative_to(staged.root).as_posix() for p in staged.root.rglob("*") if p.is_file()
    )
    assert names == ["b.zip/m.yaml", "passwd"]
    assert [p.code for p in staged.problems] == ["too-large"]
