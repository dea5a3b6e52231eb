"""`aman check 5g|cloud|ai PATH`: the file-based checkers under one command.

Each domain's command lives in its own ``cli.py``; this module only assembles them, plus
``aman check import`` for other tools' SARIF, Trivy and KICS reports.
"""

from __future__ import annotations

import typer

from aman.scanners.ai.cli import check_ai
from aman.scanners.cloud.cli import check_cloud, import_results
from aman.scanners.fiveg.cli import check_5g

app = typer.Typer(
    help="Automated checks of 5G core configurations, cloud/IaC files and AI model files",
    no_args_is_help=True,
)
app.command("5g")(check_5g)
app.command("cloud")(check_cloud)
app.command("ai")(check_ai)
app.command("import")(import_results)
