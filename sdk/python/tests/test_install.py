"""The package installs with pip from this folder alone, with no package index and no build isolation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE_DIR = Path(__file__).resolve().parents[1]


def test_pip_installs_offline_without_build_isolation(tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-index", "--no-build-isolation", "--target", str(target),
         str(PACKAGE_DIR)],
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"},
    )
    files = sorted(p.name for p in (target / "open_skills").iterdir() if p.suffix in (".py", ".typed"))
    assert files == ["__init__.py", "_http.py", "_version.py", "aio.py", "client.py", "errors.py", "executor.py",
                     "models.py", "py.typed", "router.py", "tools.py"]
    [info] = target.glob("open_skills-*.dist-info")
    metadata = (info / "METADATA").read_text()
    assert "Name: open-skills" in metadata and "Requires-Python: >=3.10" in metadata and "Requires-Dist" not in metadata
    probe = "import open_skills, sys; print(open_skills.__file__); print(open_skills.SkillRouter.__name__)"
    shown = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(target)!r}); {probe}"],
        check=True, capture_output=True, text=True, cwd=tmp_path,
    ).stdout.split()
    assert shown == [str(target / "open_skills" / "__init__.py"), "SkillRouter"]


def test_pyproject_metadata_matches_the_backend() -> None:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    sys.path.insert(0, str(PACKAGE_DIR / "_build"))
    try:
        import backend
    finally:
        sys.path.pop(0)
    project = tomllib.loads((PACKAGE_DIR / "pyproject.toml").read_text())["project"]
    assert (project["name"], project["version"], project["description"]) == (backend.NAME, backend.version(), backend.SUMMARY)
    assert project["requires-python"] == backend.REQUIRES_PYTHON and project["classifiers"] == backend.CLASSIFIERS
    assert project["dependencies"] == []
