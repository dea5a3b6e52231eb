"""Dashboard pages through the TestClient: who lands where, what each principal may open,
the embedded chart specs, CSV/XLSX exports, languages and the CSP-clean markup."""

from __future__ import annotations

import csv
import importlib.util
import io
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import orjson
import pytest
from openpyxl import load_workbook

SPEC = re.compile(r'<script type="application/json" id="spec-([a-z_]+)">(.*?)</script>', re.S)


def _data_module() -> ModuleType:
    name = "aman_reports_test_data"
    if name not in sys.modules:
        path = Path(__file__).resolve().parents[1] / "reports" / "federation_data.py"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="session")
def pack_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("packs")


@pytest.fixture
def fed(factory: Any, web_world: Any, pack_cache: Path) -> Any:
    data = _data_module()
    data.sync_packs(factory, pack_cache)
    return data.build(factory, web_world)


def specs_of(html: str) -> dict[str, Any]:
    return {key: orjson.loads(body) for key, body in SPEC.findall(html)}


@pytest.mark.parametrize(
    ("who", "landing"),
    [
        ("fed_admin", "/dashboards/federation"),
        ("a_admin", "/dashboards/members/{member_a}"),
        ("a_assessor", "/dashboards/organisations/{org_a}"),
    ],
)
def test_each_role_lands_on_its_dashboard(fed: Any, logged_in: Any, who: str, landing: str) -> None:
    client = logged_in(who)
    response = client.get("/dashboards", follow_redirects=False)
    assert response.status_code == 303
    world = fed.world
    assert response.headers["location"] == landing.format(
        member_a=world.member_a, org_a=world.org_a
    )
    assert client.get(response.headers["location"]).status_code == 200


def test_federation_dashboard(fed: Any, logged_in: Any) -> None:
    html = logged_in("fed_admin").get("/dashboards/federation").text
    specs = specs_of(html)
    assert set(specs) == {"capacity", "heatmap", "progress", "pqc", "pqc_trend"}
    capacity = specs["capacity"]["datasets"]["rows"]
    assert [(r["label"], r["value"]) for r in capacity] == [("Oman", 100.0), ("Malaysia", 50.0)]
    assert "Role-modelling" in html and "National CERT" not in html  # world names: CERT A/B
    assert "fewer than 5 organisations" in html  # k = 5 by default: every sector suppressed
    for script in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html):
        assert 'type="application/json"' in script  # data blocks only: CSP script-src 'self'
    assert not re.search(r"\s(on[a-z]+|style)=", html)


def test_members_and_organisations_stay_in_their_subtree(fed: Any, logged_in: Any) -> None:
    client = logged_in("a_admin")
    world = fed.world
    assert client.get("/dashboards/federation").status_code == 403
    assert client.get(f"/dashboards/members/{world.member_b}").status_code == 403
    other_org = client.get(f"/dashboards/organisations/{world.org_b}")
    assert other_org.status_code == 404 and "Bank B" not in other_org.text
    page = client.get(f"/dashboards/members/{world.member_a}").text
    assert "Telco A" in page and "Cloud A" in page and "Bank B" not in page
    assert set(specs_of(page)) >= {"national", "sectors", "trend"}
    assessor = logged_in("a_assessor")
    assert assessor.get(f"/dashboards/members/{world.member_a}").status_code == 403
    assert assessor.get(f"/dashboards/organisations/{fed.orgs['Bank A']}").status_code == 404


def test_tables_export_as_csv_and_xlsx(fed: Any, logged_in: Any, web: Any) -> None:
    client = logged_in("fed_admin")
    response = client.get("/dashboards/federation?table=capacity&format=csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Country", "Member", "Index"]
    assert [r[0] for r in rows[1:]] == ["Oman", "Malaysia"]
    web.post(client, "/language", {"lang": "ar", "next": "/"}, page_url="/")
    xlsx = client.get("/dashboards/federation?table=heatmap&format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None and sheet.sheet_view.rightToLeft
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 3 and isinstance(values[1][-2], float)  # numbers stay numbers
    assert client.get("/dashboards/federation?table=nope&format=csv").status_code == 422
    member = logged_in("a_admin").get(
        f"/dashboards/members/{fed.world.member_a}?table=organisations&format=csv"
    )
    assert "Telco A" in member.text and "Bank B" not in member.text


def test_dashboards_speak_arabic(fed: Any, logged_in: Any, web: Any) -> None:
    client = logged_in("fed_admin")
    web.post(client, "/language", {"lang": "ar", "next": "/"}, page_url="/")
    html = client.get("/dashboards/federation").text
    assert '<html lang="ar" dir="rtl">' in html
    labels = [r["label"] for r in specs_of(html)["capacity"]["datasets"]["rows"]]
    assert labels == ["\u2067عمان\u2069", "\u2067ماليزيا\u2069"]  # isolated as RTL text
