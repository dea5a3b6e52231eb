"""Keyset cursors: opaque, round-trip exactly, reject anything they did not issue."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aman.errors import InvalidInput
from aman.pagination import check_limit, decode_cursor, encode_cursor

values = st.one_of(
    st.text(max_size=30),
    st.integers(-(2**53), 2**53),
    st.uuids(),
    st.none(),
    st.datetimes(timezones=st.just(UTC)),
)


@given(st.lists(values, min_size=1, max_size=4))
def test_cursor_round_trip(vals: list[object]) -> None:
    assert decode_cursor(encode_cursor(vals), len(vals)) == vals


@given(st.text(max_size=40))
def test_garbage_cursor_is_a_clear_error(token: str) -> None:
    try:
        decode_cursor(token, 2)
    except InvalidInput as exc:
        assert exc.errors[0].field == "cursor"


def test_wrong_width_rejected() -> None:
    with pytest.raises(InvalidInput):
        decode_cursor(encode_cursor(["a", uuid.uuid4()]), 1)
    with pytest.raises(InvalidInput):
        decode_cursor(encode_cursor([{"x": 1}] if False else ["a"]) + "!", 1)
    assert decode_cursor(encode_cursor([datetime(2026, 1, 1, tzinfo=UTC)]), 1)[0].tzinfo


@pytest.mark.parametrize("bad", [0, -1, 501])
def test_limit_bounds(bad: int) -> None:
    with pytest.raises(InvalidInput):
        check_limit(bad)
    assert check_limit(None) == 50 and check_limit(500) == 500
