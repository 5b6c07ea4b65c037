"""open-skills for Python: find, run and route Agent Skills on an open-skills server (standard library only).

>>> from open_skills import SkillRouter, SkillExecutor  # doctest: +SKIP
"""

from . import models
from ._version import __version__
from .aio import AsyncClient, AsyncSkillExecutor, AsyncSkillRouter
from .client import Client
from .errors import OpenSkillsError
from .executor import DownloadedArtifact, SkillExecutor
from .router import SkillRouter
from .tools import SkillTool, tool_input_schema, tool_name_for

__all__ = [
    "AsyncClient",
    "AsyncSkillExecutor",
    "AsyncSkillRouter",
    "Client",
    "DownloadedArtifact",
    "OpenSkillsError",
    "SkillExecutor",
    "SkillRouter",
    "SkillTool",
    "__version__",
    "models",
    "tool_input_schema",
    "tool_name_for",
]
