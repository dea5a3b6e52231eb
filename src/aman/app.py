"""The FastAPI application factory."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from aman import __version__, problems
from aman.assessments.api import router as assessments_router
from aman.auth.api import router as auth_router
from aman.db import make_engine, make_sessionmaker
from aman.evidence.api import router as evidence_router
from aman.frameworks.api import router as frameworks_router
from aman.intel.api import router as intel_router
from aman.intel.taxii.routes import router as taxii_router
from aman.middleware import RequestContext
from aman.migrate import current_revisions, head_revisions
from aman.registry.api import router as registry_router
from aman.reports.api import router as reports_router
from aman.scanners.ai.api import router as ai_scanner_router
from aman.scanners.cloud.api import router as cloud_scanner_router
from aman.scanners.fiveg.api import router as fiveg_scanner_router
from aman.scanners.pqc.api import router as pqc_scanner_router
from aman.settings import Settings, get_settings
from aman.training.api import router as training_router
from aman.training.api import verify_router as training_verify_router
from aman.web.setup import install as install_web

API_PREFIX = "/api/v1"


def _include_pages(app: FastAPI) -> None:
    """Dashboards, assessment pages and report downloads (imported here: their `nav`
    registrations must run before the first page renders)."""
    from aman.assessments.views import router as assessment_pages
    from aman.intel.views import router as intel_pages
    from aman.reports.views import router as report_pages
    from aman.training.views import router as training_pages
    from aman.web.dashboards import router as dashboard_pages

    app.include_router(dashboard_pages)
    app.include_router(assessment_pages)
    app.include_router(report_pages)
    app.include_router(intel_pages)
    app.include_router(training_pages)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Long-running servers move everything alive after start-up (modules, caches) out of the
    garbage collector's reach: full collections then stop walking it, which removes the 200+ ms
    pauses that otherwise dominate the tail latency of big responses (see benchmarks)."""
    if app.state.settings.gc_freeze:
        gc.collect()
        gc.freeze()
    yield


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    settings.ensure_data_dir()
    app = FastAPI(
        lifespan=_lifespan,
        title="Aman",
        version=__version__,
        description="Frameworks, assessments, automated evidence, threat intelligence and "
        "training for a federation of national CERTs.",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    engine = make_engine(settings.sqlalchemy_url, pool_pre_ping=True)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    problems.install(app)
    app.add_middleware(RequestContext, max_body=settings.max_upload_bytes)
    app.include_router(auth_router, prefix=API_PREFIX)
    app.include_router(registry_router, prefix=API_PREFIX)
    app.include_router(frameworks_router, prefix=API_PREFIX)
    app.include_router(assessments_router, prefix=API_PREFIX)
    app.include_router(evidence_router, prefix=API_PREFIX)
    app.include_router(pqc_scanner_router, prefix=API_PREFIX)
    app.include_router(fiveg_scanner_router, prefix=API_PREFIX)
    app.include_router(cloud_scanner_router, prefix=API_PREFIX)
    app.include_router(ai_scanner_router, prefix=API_PREFIX)
    app.include_router(intel_router, prefix=API_PREFIX)
    app.include_router(taxii_router)
    app.include_router(training_router, prefix=API_PREFIX)
    app.include_router(training_verify_router)
    app.include_router(reports_router, prefix=API_PREFIX)
    install_web(app)  # pages, /static and HTML error pages (after the API routes)
    _include_pages(app)

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["health"], response_model=None)
    def readyz(request: Request) -> Any:
        """Readiness: the database answers and its schema is at the code's migration head."""
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            current = current_revisions(engine)
        except Exception as exc:  # any driver error means "not ready"
            return JSONResponse(
                {"status": "unavailable", "database": type(exc).__name__}, status_code=503
            )
        head = head_revisions()
        if current != head:
            return JSONResponse(
                {"status": "migrating", "current": current, "head": head}, status_code=503
            )
        return {"status": "ready", "revision": ",".join(current)}

    return app
