"""`aman intel`: collections, push/pull, search, sightings, correlation, routing, trends, reports.

The CLI runs as the local operator (full authority, audited under the OS account); pushes are
made as the federation unless `--as-member` names the member they come from.
"""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import orjson
import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from aman.cli_support import JsonOption, console, db, emit, emit_one, handle_errors, operator
from aman.errors import FieldError, InvalidInput, NotFound
from aman.intel import analysis, interop, landscape, misp, routing, service, taxii_client
from aman.intel.api import correlation_out, object_out, sightings_out
from aman.intel.models import Collection, Feed

app = typer.Typer(
    help="Threat intelligence: STIX 2.1 store and TAXII 2.1 exchange", no_args_is_help=True
)
groups_app = typer.Typer(help="Sharing groups (named sets of members)", no_args_is_help=True)
report_app = typer.Typer(help="The federation's threat-landscape report", no_args_is_help=True)
app.add_typer(groups_app, name="groups")
app.add_typer(report_app, name="report")


def _collection(session: Session, ref: str) -> Collection:
    service.ensure_default_collections(session)
    coll = service.find_collection(session, ref)
    if coll is None:
        raise NotFound(f"no collection {ref!r} (see `aman intel collections`)")
    return coll


def _member(session: Session, name: str | None) -> uuid.UUID | None:
    return service.member_ids_by_name(session, [name])[0] if name else None


@app.command("collections")
@handle_errors
def collections(as_json: bool = JsonOption) -> None:
    """List collections (and create the default ones if missing)."""
    with db() as session:
        service.ensure_default_collections(session)
        rows = [
            {
                "alias": v.collection.alias,
                "kind": v.collection.kind,
                "title": v.collection.title,
                "id": str(v.collection.id),
            }
            for v in service.list_collections(session, operator())
        ]
    emit(rows, ["alias", "kind", "title", "id"], as_json, "Collections")


@app.command("push")
@handle_errors
def push(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="STIX bundle or MISP JSON"),
    collection: str = typer.Option("federation", "--collection", "-c"),
    as_member: str | None = typer.Option(None, help="Originating member (name or id)"),
    to: list[str] = typer.Option([], "--to", help="Name a recipient member (repeatable)"),
    route: bool = typer.Option(False, help="Route each object to the responsible national CERT"),
) -> None:
    """Push a STIX bundle or a MISP event file into a collection."""
    with db() as session:
        coll = _collection(session, collection)
        recipients = service.member_ids_by_name(session, to)
        status, result, parsed = interop.import_document(
            session,
            operator(),
            coll,
            path.read_bytes(),
            as_member=_member(session, as_member),
            recipients=recipients,
        )
        routed = []
        if route:
            for _, obj in result.stored:
                routed += routing.route_object(session, operator(), coll, obj.id)
    console.print(
        f"{parsed.format}: {len(parsed.objects)} objects, {len(result.stored)} stored, "
        f"{len(result.successes) - len(result.stored)} already present, "
        f"{len(result.failures)} rejected (status {status.id})",
        highlight=False,
    )
    for failure in result.failures[:20]:
        console.print(f"  [red]rejected[/red] {failure.id}: {failure.message}", highlight=False)
    for skipped in parsed.skipped[:10]:
        console.print(f"  [yellow]skipped[/yellow] {skipped}", highlight=False)
    for r in routed:
        console.print(f"  routed to {r.collection_alias}: {r.reason}", highlight=False)


@app.command("export")
@handle_errors
def export(
    collection: str = typer.Option("federation", "--collection", "-c"),
    fmt: str = typer.Option("stix", "--format", "-f", help="stix or misp"),
    out: Path | None = typer.Option(None, "--out", "-o", dir_okay=False),
) -> None:
    """Export the latest version of every object as a STIX bundle or a MISP event."""
    if fmt not in ("stix", "misp"):
        raise InvalidInput("bad format", [FieldError("format", "stix or misp")])
    with db() as session:
        coll = _collection(session, collection)
        objects = interop.visible_objects(session, operator(), coll)
    doc = (
        misp.stix_to_event(objects, f"Aman export of {collection}")
        if fmt == "misp"
        else interop.bundle(objects)
    )
    data = orjson.dumps(doc, option=orjson.OPT_INDENT_2)
    if out is None:
        sys.stdout.write(data.decode() + "\n")
    else:
        out.write_bytes(data)
        console.print(f"wrote {len(objects)} objects to {out}")


@app.command("search")
@handle_errors
def search(
    value: str | None = typer.Option(None, "--value", "-v", help="IP, domain, URL, hash or id"),
    kind: list[str] = typer.Option([], "--type", "-t", help="STIX type (repeatable)"),
    tlp: str | None = typer.Option(None),
    collection: str | None = typer.Option(None, "--collection", "-c"),
    limit: int = typer.Option(50, min=1, max=500),
    as_json: bool = JsonOption,
) -> None:
    """Search the latest versions of stored objects."""
    with db() as session:
        coll_id = _collection(session, collection).id if collection else None
        page = analysis.search(
            session,
            operator(),
            value=value,
            types=tuple(kind),
            tlp=tlp,
            collection_id=coll_id,
            limit=limit,
        )
        rows = [object_out(r) for r in page.rows]
    emit(rows, ["stix_id", "type", "tlp", "name", "version"], as_json, "Objects")


@app.command("show")
@handle_errors
def show(stix_id: str, as_json: bool = JsonOption) -> None:
    """One object, its sightings across members and its correlations."""
    with db() as session:
        row = service.latest_visible(session, operator(), stix_id)
        body = orjson.loads(row.body)
        seen = sightings_out(analysis.sighting_summary(session, operator(), stix_id))
        links = [
            correlation_out(c) for c in analysis.correlate_object(session, operator(), stix_id)
        ]
    if as_json:
        payload = {
            "object": body,
            "sightings": seen.model_dump(mode="json"),
            "correlations": [c.model_dump() for c in links],
        }
        sys.stdout.write(orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    console.print_json(orjson.dumps(body).decode())
    console.print(f"[bold]Sightings[/bold]: {seen.summary}")
    for c in links:
        note = f" (warninglist {c.warninglist})" if c.warninglist else ""
        console.print(
            f"[bold]{c.kind}[/bold] {c.value}{note}: held by {c.members} member(s), "
            f"{len(c.matches)} other visible object(s)",
            highlight=False,
        )


@app.command("correlate")
@handle_errors
def correlate(value: str, as_json: bool = JsonOption) -> None:
    """Which objects carry a value, how many members hold it, is it warninglisted."""
    with db() as session:
        rows = [correlation_out(c) for c in analysis.correlate_text(session, operator(), value)]
    flat = [{**r.model_dump(exclude={"matches"}), "matches": len(r.matches)} for r in rows]
    emit(flat, ["kind", "value", "warninglist", "members", "matches"], as_json, "Correlation")


@app.command("route")
@handle_errors
def route(stix_id: str, collection: str = typer.Option("federation", "--collection", "-c")) -> None:
    """Send an object to the inbox of the national CERT responsible for what it is about."""
    with db() as session:
        coll = _collection(session, collection)
        routed = routing.route_object(session, operator(), coll, stix_id)
    if not routed:
        console.print("no responsible member found (declare constituencies first)")
    for r in routed:
        console.print(f"routed to {r.collection_alias}: {r.reason}", highlight=False)


@app.command("constituency")
@handle_errors
def constituency(
    member: str,
    asn: list[str] = typer.Option([], "--asn", help="AS number (repeatable)"),
    prefix: list[str] = typer.Option([], "--prefix", help="IP prefix (repeatable)"),
) -> None:
    """Declare the ASNs and prefixes a member is responsible for (replaces the old list)."""
    with db() as session:
        member_id = _member(session, member)
        assert member_id is not None
        rows = routing.set_constituency(session, operator(), member_id, asn, prefix)
    console.print(f"{len(rows)} entries for {member}")


@app.command("pull")
@handle_errors
def pull(
    name: str = typer.Argument(..., help="Feed name (created with --url the first time)"),
    url: str | None = typer.Option(None, help="TAXII 2.1 collection URL of a new feed"),
    into: str = typer.Option("federation", "--into", help="Local collection for a new feed"),
    user: str | None = typer.Option(None, envvar="AMAN_TAXII_USER"),
    password: str | None = typer.Option(None, envvar="AMAN_TAXII_PASSWORD", hidden=True),
    token: str | None = typer.Option(None, envvar="AMAN_TAXII_TOKEN", hidden=True),
    as_member: str | None = typer.Option(None, help="Member the pulled objects come from"),
) -> None:
    """Pull new objects from another TAXII 2.1 server (credentials from the environment:
    AMAN_TAXII_USER/AMAN_TAXII_PASSWORD or AMAN_TAXII_TOKEN)."""
    with db() as session:
        feed = session.scalar(select(Feed).where(Feed.name == name))
        if feed is None:
            if url is None:
                raise NotFound(f"no feed {name!r}; give --url to create it")
            feed = taxii_client.add_feed(session, operator(), name, url, _collection(session, into))
        creds = taxii_client.Credentials(user, password, token)
        result = taxii_client.pull(
            session, operator(), feed, creds, as_member=_member(session, as_member)
        )
    console.print(
        f"{result.feed}: {result.pages} page(s), {result.received} received, "
        f"{result.stored} stored, {result.failed} rejected; next pull after "
        f"{result.added_after or 'the beginning'}",
        highlight=False,
    )


@app.command("trends")
@handle_errors
def trends(
    dimension: str | None = typer.Option(None, help="sector, country or technique"),
    start: str | None = typer.Option(None, help="First month, YYYY-MM"),
    end: str | None = typer.Option(None, help="Last month, YYYY-MM"),
    k: int = typer.Option(landscape.MIN_K, help="Minimum contributing members per cell"),
    as_json: bool = JsonOption,
) -> None:
    """Trend cells (each backed by at least k members; smaller cells are suppressed)."""
    with db() as session:
        cells = landscape.trend_cells(
            session, operator(), dimension=dimension, start=start, end=end, k=k
        )
    rows = [{**c.__dict__, "bar": "█" * min(40, c.activities)} for c in cells]
    emit(rows, ["dimension", "value", "month", "members", "activities", "bar"], as_json, "Trends")


@groups_app.command("list")
@handle_errors
def groups_list(as_json: bool = JsonOption) -> None:
    with db() as session:
        rows = [
            {"name": g.name, "members": n, "id": str(g.id)}
            for g, n in service.list_sharing_groups(session, operator())
        ]
    emit(rows, ["name", "members", "id"], as_json, "Sharing groups")


@groups_app.command("create")
@handle_errors
def groups_create(
    name: str,
    member: list[str] = typer.Option(..., "--member", "-m", help="Member (repeatable)"),
    alias: str | None = typer.Option(None, help="Also create a TAXII collection for it"),
) -> None:
    with db() as session:
        ids = service.member_ids_by_name(session, member)
        group = service.create_sharing_group(session, operator(), name, ids, None)
        if alias:
            service.create_group_collection(session, operator(), group.id, alias, name)
    console.print(f"sharing group {name}: {len(set(ids))} members", highlight=False)


@report_app.command("list")
@handle_errors
def report_list(as_json: bool = JsonOption) -> None:
    with db() as session:
        rows = [
            {
                "id": str(r.id),
                "title": r.title,
                "status": r.status,
                "cells": len(r.cells),
                "period": f"{r.period_start}..{r.period_end}",
            }
            for r in landscape.list_reports(session, operator())
        ]
    emit(rows, ["id", "title", "period", "status", "cells"], as_json, "Threat-landscape reports")


@report_app.command("draft")
@handle_errors
def report_draft(
    title: str,
    start: str = typer.Option(..., help="YYYY-MM"),
    end: str = typer.Option(..., help="YYYY-MM"),
    summary: str = typer.Option(""),
    k: int = typer.Option(landscape.MIN_K),
) -> None:
    with db() as session:
        report = landscape.create_draft(session, operator(), title, start, end, summary, k)
        console.print(f"draft {report.id}: {len(report.cells)} cells")


@report_app.command("submit")
@handle_errors
def report_submit(report_id: uuid.UUID) -> None:
    with db() as session:
        landscape.submit(session, operator(), report_id)
    console.print("submitted for review")


@report_app.command("show")
@handle_errors
def report_show(report_id: uuid.UUID, as_json: bool = JsonOption) -> None:
    with db() as session:
        r = landscape.get_report(session, operator(), report_id)
        data = {
            "title": r.title,
            "status": r.status,
            "period": f"{r.period_start}..{r.period_end}",
            "k": r.k,
            "author": r.author,
            "reviewer": r.reviewer,
            "stix_id": r.stix_id,
            "cells": len(r.cells),
        }
    emit_one(data, as_json)


@report_app.command("publish")
@handle_errors
def report_publish(report_id: uuid.UUID) -> None:
    """Approve and publish a report in review (not by its author: four eyes)."""
    with db() as session:
        report = landscape.publish(session, operator(), report_id)
        console.print(f"published as {report.stix_id} in the threat-landscape collection")
