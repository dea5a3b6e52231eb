"""`aman frameworks …`: list, show, validate, import, export, diff, map, coverage, search."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.tree import Tree

from aman.cli_support import JsonOption, console, db, emit, emit_one, handle_errors, operator
from aman.frameworks import service
from aman.frameworks.compiler import known_packs_index
from aman.frameworks.importers import Format, ImportRequest
from aman.frameworks.loader import LoadOptions, load_pack
from aman.frameworks.responses import PackOut
from aman.frameworks.schemas import Domain, LicenceClass, write_json_schema
from aman.frameworks.service import ExportFormat

app = typer.Typer(
    help="Framework packs: requirement trees, mappings, import and export", no_args_is_help=True
)


@app.command("list")
@handle_errors
def list_packs(as_json: bool = JsonOption) -> None:
    """Every pack version in the database."""
    with db() as session:
        rows = [PackOut.of(p) for p in service.list_packs(session, operator())]
    emit(
        rows,
        ["pack_id", "version", "requirement_count", "assessable_count", "licence_class", "origin"],
        as_json,
        "Framework packs",
    )


@app.command("show")
@handle_errors
def show(
    spec: str = typer.Argument(..., help="pack or pack@version"),
    depth: int = typer.Option(2, min=1, max=20, help="Tree levels to print"),
    lang: str = typer.Option("en", help="en, ar or fr"),
    as_json: bool = JsonOption,
) -> None:
    """A pack's metadata and the top of its requirement tree."""
    with db() as session:
        pack = service.get_pack(session, operator(), *service.parse_spec(spec))
        nodes = service.subtree(session, pack, None, depth, lang)
        out = PackOut.of(pack, lang)
        if as_json:
            emit_one(out, True)
            return
        tree = Tree(f"[bold]{pack.pack_id}@{pack.version}[/bold] {out.title_translated}")
        branches: dict[str, Tree] = {}
        for node in nodes:  # in tree order: parents first
            mark = " [dim](en)[/dim]" if node.fallback else ""
            parent = branches.get(node.parent or "", tree)
            branches[node.ref_id] = parent.add(f"{node.ref_id}  {node.title_translated}{mark}")
    console.print(tree)
    console.print(
        f"{out.requirement_count} requirements, {out.assessable_count} assessable; "
        f"sha256 {out.sha256[:16]}…"
    )


@app.command("validate")
def validate(
    files: list[Path] = typer.Argument(..., exists=True, dir_okay=False),
    warnings: bool = typer.Option(True, help="Print warnings too"),
) -> None:
    """Validate pack files; errors name file, line and requirement. Exit 1 on any error."""
    results = [load_pack(f) for f in files]
    index = known_packs_index([r.pack for r in results if r.pack is not None])
    failed = False
    for path in files:
        result = load_pack(path, LoadOptions(known_packs=index))
        for issue in result.errors:
            console.print(f"[red]error[/red] {issue}", highlight=False)
        if warnings:
            for issue in result.warnings:
                console.print(f"[yellow]warning[/yellow] {issue}", highlight=False)
        failed = failed or not result.ok
        state = "[green]ok[/green]" if result.ok else "[red]invalid[/red]"
        console.print(
            f"{path}: {state} ({len(result.errors)} errors, {len(result.warnings)} warnings)"
        )
    if failed:
        raise typer.Exit(1)


@app.command("import")
@handle_errors
def import_file(
    path: Path = typer.Argument(..., exists=True, dir_okay=False),
    fmt: Format = typer.Option("pack", "--format", "-f"),
    pack_id: str | None = typer.Option(None, help="Pack id (formats without one)"),
    version: str | None = typer.Option(None),
    title: str | None = typer.Option(None),
    publisher: str = typer.Option("imported"),
    licence: str = typer.Option("see source"),
    licence_class: LicenceClass = typer.Option(LicenceClass.FULL_TEXT),
    domain: Domain = typer.Option(Domain.GENERAL),
    catalog: str | None = typer.Option(None, help="pack@version a profile selects from"),
) -> None:
    """Import a pack, OSCAL catalog/profile, CISO Assistant library, CSV or XLSX."""
    with db() as session:
        base = None
        if catalog:
            row = service.get_pack(session, operator(), *service.parse_spec(catalog))
            base = service.pack_model(row)
        request = ImportRequest(
            fmt=fmt,
            pack_id=pack_id,
            version=version,
            title=title,
            publisher=publisher,
            licence=licence,
            licence_class=licence_class,
            domains=(domain,),
            base_catalog=base,
        )
        outcomes, warns = service.import_file(session, operator(), path, request)
        for o in outcomes:
            state = "imported" if o.created else "already present (same content)"
            console.print(
                f"{o.pack.pack_id}@{o.pack.version}: {state}, "
                f"{o.pack.requirement_count} requirements"
            )
    for w in warns[:20]:
        console.print(f"[yellow]warning[/yellow] {w}", highlight=False)


@app.command("export")
@handle_errors
def export(
    spec: str,
    fmt: ExportFormat = typer.Option("oscal-catalog", "--format", "-f"),
    out: Path = typer.Option(..., "--out", "-o", dir_okay=False),
) -> None:
    """Export a pack version as pack JSON/YAML, an OSCAL catalog or mapping collection, or XLSX."""
    with db() as session:
        content, _ = service.export(session, operator(), spec, fmt)
    out.write_bytes(content)
    console.print(f"wrote {out} ({len(content)} bytes)")


@app.command("diff")
@handle_errors
def diff(
    old: str = typer.Argument(..., help="pack@v1"),
    new: str = typer.Argument(..., help="pack@v2"),
    as_json: bool = JsonOption,
) -> None:
    """Added, removed and changed requirements between two versions."""
    with db() as session:
        result = service.diff(session, operator(), old, new)
    if as_json:
        emit_one(result, True)
        return
    for ref in result.added:
        console.print(f"[green]+ {ref}[/green]")
    for ref in result.removed:
        console.print(f"[red]- {ref}[/red]")
    for change in result.changed:
        console.print(f"[yellow]~ {change.ref_id}[/yellow] {', '.join(change.fields)}")
    console.print(
        f"{len(result.added)} added, {len(result.removed)} removed, {len(result.changed)} changed"
    )


@app.command("map")
@handle_errors
def map_requirement(
    spec: str = typer.Argument(..., help="pack"),
    ref_id: str = typer.Argument(...),
    depth: int = typer.Option(3, min=1, max=6),
    as_json: bool = JsonOption,
) -> None:
    """Requirements mapped to one requirement, transitively (weakest link on each path)."""
    pack_id, _ = service.parse_spec(spec)
    with db() as session:
        found = service.mappings_of(session, operator(), pack_id, ref_id, depth)
    rows = [
        {
            "pack": r.node[0],
            "ref_id": r.node[1],
            "relationship": r.relationship.value,
            "hops": r.path_length,
            "via": " → ".join(f"{s.node[0]}:{s.node[1]}" for s in r.path[:-1]),
        }
        for r in found
    ]
    emit(
        rows,
        ["pack", "ref_id", "relationship", "hops", "via"],
        as_json,
        f"Mapped to {pack_id}:{ref_id}",
    )


@app.command("coverage")
@handle_errors
def coverage(pack: str, by: str, as_json: bool = JsonOption) -> None:
    """How much of PACK the requirements of BY cover through mappings."""
    with db() as session:
        c = service.pack_coverage(session, operator(), pack, by)
    if as_json:
        emit_one(
            c.model_dump() | {"full_ratio": c.full_ratio, "partial_ratio": c.partial_ratio}, True
        )
        return
    console.print(
        f"{c.pack} covered by {c.by_pack}: {c.full_ratio:.0%} fully, "
        f"{c.partial_ratio:.0%} partly, {len(c.uncovered)} of {c.total} not at all"
    )


@app.command("search")
@handle_errors
def search(
    query: str,
    pack: str | None = None,
    lang: str = typer.Option("en"),
    limit: int = typer.Option(20, min=1, max=200),
    as_json: bool = JsonOption,
) -> None:
    """Search requirement titles and descriptions in English, Arabic and French."""
    with db() as session:
        hits = service.search(session, operator(), query, pack_id=pack, limit=limit)
        rows = [
            {
                "pack": p.pack_id,
                "ref_id": r.ref_id,
                "title": service.titles(r, lang)[0],
                "score": round(s, 2),
            }
            for r, p, s in hits
        ]
    emit(rows, ["pack", "ref_id", "title", "score"], as_json, f"“{query}”")


@app.command("schema")
def schema(out: Path = typer.Option(Path("docs/pack.schema.json"), "--out", "-o")) -> None:
    """Write the JSON Schema of the pack format."""
    write_json_schema(out)
    console.print(f"wrote {out}")
