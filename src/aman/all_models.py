"""Imports every slice's tables so that `Base.metadata` is complete (Alembic, tests)."""

from aman.assessments import models as assessment_models
from aman.auth import models as auth_models
from aman.db import Base
from aman.evidence import models as evidence_models
from aman.frameworks import models as framework_models
from aman.intel import models as intel_models
from aman.registry import models as registry_models
from aman.training import models as training_models

__all__ = [
    "Base",
    "assessment_models",
    "auth_models",
    "evidence_models",
    "framework_models",
    "intel_models",
    "registry_models",
    "training_models",
]
