"""Pure helpers: TLP ids and levels, timestamps, patterns, validation, values, warninglists."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aman.intel import extract, patterns, tlp, warninglists
from aman.intel.query import decode_next, encode_next
from aman.intel.timestamps import BadTimestamp, format_us, from_datetime, parse_query, parse_stix
from aman.intel.validation import Invalid, is_identifier, validate


def test_tlp2_marking_ids_are_pinned() -> None:
    """The OASIS TLP 2.0 ids; several public repositories carry wrong variants."""
    assert tlp.TLP2_IDS == {
        "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
        "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
        "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
        "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
        "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
    }
    assert all("-4f24-" not in v and not v.endswith("b7571b03f430") for v in tlp.TLP2_IDS.values())
    md = tlp.marking_definition(tlp.AMBER_STRICT)
    assert md["name"] == "TLP:AMBER+STRICT" and md["created"] == "2022-10-01T00:00:00.000Z"
    assert md["extensions"][tlp.TLP2_EXTENSION]["tlp_2_0"] == "amber+strict"
    assert validate(md).tlp == tlp.CLEAR  # the definitions themselves are public


def test_tlp1_ids_map_onto_tlp2() -> None:
    white = {"object_marking_refs": ["marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"]}
    assert tlp.level_of(white) == tlp.CLEAR
    for level, ref in tlp.TLP1_IDS.items():
        assert tlp.level_of({"object_marking_refs": [ref]}) == level


def test_level_is_most_restrictive_and_defaults_to_amber() -> None:
    assert tlp.level_of({}) == tlp.AMBER
    assert tlp.level_of({"object_marking_refs": ["marking-definition--" + str(uuid.uuid4())]}) == (
        tlp.AMBER
    )
    both = {"object_marking_refs": [tlp.TLP2_IDS["green"], tlp.TLP2_IDS["amber+strict"]]}
    assert tlp.level_of(both) == tlp.AMBER_STRICT
    granular = {
        "object_marking_refs": [tlp.TLP2_IDS["clear"]],
        "granular_markings": [{"marking_ref": tlp.TLP2_IDS["red"], "selectors": ["name"]}],
    }
    assert tlp.level_of(granular) == tlp.RED
    assert tlp.parse_level("TLP:WHITE") == tlp.CLEAR
    assert tlp.parse_level("tlp:amber+strict") == tlp.AMBER_STRICT
    assert tlp.parse_level("tlp:ochre") is None


@given(st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 31)))
def test_timestamp_round_trip(moment: datetime) -> None:
    aware = moment.replace(tzinfo=UTC)
    text = aware.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert parse_stix(text) == from_datetime(aware)
    assert format_us(parse_stix(text)) == text


@pytest.mark.parametrize(
    "bad",
    [
        "2024-02-30T00:00:00Z",
        "2023-02-29T00:00:00Z",
        "2024-01-01T24:00:00Z",
        "2024-01-01T00:00:00",
        "2024-01-01 00:00:00Z",
        "2024-1-1T00:00:00Z",
        "",
        "yesterday",
    ],
)
def test_bad_timestamps(bad: str) -> None:
    with pytest.raises(BadTimestamp):
        parse_stix(bad)


def test_query_timestamps_accept_offsets_and_truncate_nanoseconds() -> None:
    assert parse_query("2024-01-01T02:00:00+02:00") == parse_stix("2024-01-01T00:00:00Z")
    assert parse_query("2024-01-01T00:00:00.123456789Z") == parse_stix(
        "2024-01-01T00:00:00.123456Z"
    )
    assert parse_stix("2016-12-31T23:59:60Z") == parse_stix("2016-12-31T23:59:59Z")  # leap second


@given(st.integers(min_value=0, max_value=2**62))
def test_next_tokens_round_trip(us: int) -> None:
    assert decode_next(encode_next(us)) == us


_lower = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12)
_type = st.builds(lambda a, b: f"{a}-{b}" if b else a, _lower, st.sampled_from(["", "addr", "x"]))
_literal = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=20
).map(lambda s: "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'")
_comparison = st.builds(
    lambda t, p, op, lit: f"{t}:{p} {op} {lit}",
    _type,
    _lower,
    st.sampled_from(["=", "!="]),
    _literal,
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_comparison, min_size=1, max_size=3), st.sampled_from([" AND ", " OR "]))
def test_fast_pattern_path_agrees_with_the_full_grammar(parts: list[str], joiner: str) -> None:
    """Whatever the regular-expression fast path accepts, stix2-patterns accepts too."""
    from stix2patterns.validator import run_validator

    pattern = "[" + joiner.join(parts) + "]"
    if patterns.is_simple(pattern):
        assert run_validator(pattern, stix_version="2.1") == [], pattern


def test_patterns() -> None:
    assert patterns.pattern_problem("[ipv4-addr:value = '198.51.100.1']") is None
    assert patterns.pattern_problem("[file:hashes.'SHA-256' = 'abc']") is not None
    complex_ok = "[file:size > 10] AND [ipv4-addr:value = '1.2.3.4'] WITHIN 300 SECONDS"
    assert patterns.pattern_problem(complex_ok) is None
    assert "missing" in (patterns.pattern_problem("[ipv4-addr:value = '1.2.3.4'") or "")
    assert list(patterns.equality_comparisons("[url:value = 'http://a/\\'b' OR x:y != 'z']")) == [
        ("url", "value", "http://a/'b")
    ]


def _sdo(**extra: object) -> dict[str, object]:
    base: dict[str, object] = {
        "type": "malware",
        "spec_version": "2.1",
        "id": f"malware--{uuid.uuid4()}",
        "created": "2024-01-01T00:00:00.000Z",
        "modified": "2024-01-02T00:00:00.000Z",
        "name": "x",
        "is_family": True,
    }
    base.update(extra)
    return base


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": "malware--1234"}, "RFC 4122"),
        ({"id": f"indicator--{uuid.uuid4()}"}, "RFC 4122"),
        ({"type": "Malware"}, "type must be"),
        ({"spec_version": "2.0"}, "spec_version"),
        ({"modified": "2023-01-01T00:00:00.000Z"}, "earlier than created"),
        ({"created": "2024-01-01"}, "created"),
        ({"is_family": "yes"}, "is_family"),
        ({"created_by_ref": "someone"}, "created_by_ref"),
        ({"object_marking_refs": [f"identity--{uuid.uuid4()}"]}, "marking-definition"),
        ({"confidence": 101}, "confidence"),
        ({"revoked": "no"}, "revoked"),
    ],
)
def test_validation_messages(change: dict[str, object], message: str) -> None:
    with pytest.raises(Invalid, match=message):
        validate(_sdo(**change))


def test_validation_of_types_and_versions() -> None:
    ok = validate(_sdo())
    assert ok.modified_us == parse_stix("2024-01-02T00:00:00.000Z") and ok.tlp == tlp.AMBER
    sco = validate({"type": "ipv4-addr", "id": f"ipv4-addr--{uuid.uuid4()}", "value": "1.2.3.4"})
    assert sco.spec_version == "2.1" and sco.modified_us is None
    with pytest.raises(Invalid, match="'value'"):
        validate({"type": "ipv4-addr", "id": f"ipv4-addr--{uuid.uuid4()}"})
    with pytest.raises(Invalid, match="location needs"):
        validate({**_sdo(), "type": "location", "id": f"location--{uuid.uuid4()}"})
    with pytest.raises(Invalid, match="object_refs"):
        validate(
            {
                **_sdo(),
                "type": "report",
                "id": f"report--{uuid.uuid4()}",
                "published": "2024-01-01T00:00:00Z",
            }
        )
    custom = {**_sdo(), "type": "x-acme-widget", "id": f"x-acme-widget--{uuid.uuid4()}"}
    assert validate(custom).type == "x-acme-widget"
    assert is_identifier(f"indicator--{uuid.uuid4()}", "indicator")
    assert not is_identifier("indicator--00000000-0000-0000-0000-000000000000")  # not RFC 4122


def test_values_are_normalised_and_warninglisted() -> None:
    ind = {
        "type": "indicator",
        "id": "indicator--x",
        "pattern_type": "stix",
        "pattern": "[ipv4-addr:value = '10.1.2.3/32' OR domain-name:value = 'Evil.Example.COM.'"
        " OR file:hashes.'SHA-256' = "
        "'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855']",
    }
    values = {v.kind: v for v in extract.values_of(ind)}
    assert values["ipv4-addr:value"].value == "10.1.2.3"
    assert values["ipv4-addr:value"].warninglist == "rfc1918-private"
    assert values["domain-name:value"].value == "evil.example.com"
    assert values["domain-name:value"].warninglist is None
    assert values["file:hashes.sha-256"].warninglist == "empty-file-hashes"
    same = extract.make_value("file:hashes.SHA256", values["file:hashes.sha-256"].value)
    assert same is not None and same.digest == values["file:hashes.sha-256"].digest


@pytest.mark.parametrize(
    ("kind", "value", "listed"),
    [
        ("ipv4-addr:value", "192.168.1.1", "rfc1918-private"),
        ("ipv4-addr:value", "100.64.3.4", "rfc6598-shared-address-space"),
        ("ipv4-addr:value", "8.8.8.8", "public-dns-resolvers"),
        ("ipv4-addr:value", "8.8.8.9", None),
        ("ipv6-addr:value", "fe80::1", "link-local"),
        ("ipv6-addr:value", "2001:db8::5", "rfc3849-ipv6-documentation"),
        ("domain-name:value", "update.microsoft.com", "benign-domains"),
        ("domain-name:value", "microsoft.com.evil.net", None),
        ("domain-name:value", "anything.example", "reserved-tlds"),
        ("url:value", "https://www.google.com/search", "benign-domains"),
        ("url:value", "http://10.0.0.1:8080/x", "rfc1918-private"),
        ("email-addr:value", "someone@gmail.com", "benign-domains"),
        ("file:hashes.md5", "D41D8CD98F00B204E9800998ECF8427E", "empty-file-hashes"),
    ],
)
def test_warninglists(kind: str, value: str, listed: str | None) -> None:
    assert warninglists.match(kind, value) == listed


def test_links_tags_and_sightings() -> None:
    rel = {
        "type": "relationship",
        "id": "relationship--1",
        "relationship_type": "targets",
        "source_ref": "incident--a",
        "target_ref": "identity--b",
    }
    assert [(link.role, link.ref_id) for link in extract.links_of(rel)] == [
        ("victim", "identity--b")
    ]
    ident = {"type": "identity", "id": "identity--b", "sectors": ["energy", "not-a-sector"]}
    assert extract.tags_of(ident) == [("sector", "energy")]
    loc = {"type": "location", "id": "location--c", "country": "my"}
    assert extract.tags_of(loc) == [("country", "MY")]
    seen = {
        "type": "sighting",
        "id": "sighting--d",
        "sighting_of_ref": "indicator--e",
        "first_seen": "2024-05-02T00:00:00Z",
        "count": 4,
    }
    s = extract.sighting_of(seen)
    assert s is not None and s.count == 4 and s.first_seen_us == s.last_seen_us
    start = datetime(2024, 5, 2, tzinfo=UTC)
    assert s.first_seen_us == from_datetime(start)
    assert extract.activity_time_us(seen) == from_datetime(start + timedelta(0))
