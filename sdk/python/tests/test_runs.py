"""Running skills with files, streaming their events and downloading their artifacts, through the package."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

from open_skills import SkillExecutor

REPO = Path(__file__).resolve().parents[3]
WORKBOOK = REPO / "bundles" / "excel-to-pptx" / "tests" / "fixtures" / "sales.xlsx"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def _slides(deck: bytes) -> list:
    with zipfile.ZipFile(io.BytesIO(deck)) as archive:
        names = archive.namelist()
        assert "ppt/presentation.xml" in names
        return sorted(n for n in names if n.startswith("ppt/slides/slide") and n.endswith(".xml"))


def test_excel_to_pptx_with_a_file_path_and_download(server, tmp_path: Path) -> None:
    executor = SkillExecutor(base_url=server.url, token=server.token)
    run = executor.run("excel-to-pptx", {"file": "sales.xlsx", "title": "Q1 sales"}, files=[str(WORKBOOK)])
    assert run["status"] == "succeeded", run["error"]
    assert run["output"]["title"] == "Q1 sales" and run["output"]["slide_count"] == 4
    assert [s["name"] for s in run["output"]["sheets"]] == ["Sales", "Targets", "Notes"]
    [artifact] = run["artifacts"]
    assert artifact["name"] == "summary.pptx" and artifact["mime_type"] == PPTX

    downloaded = executor.download_artifact(artifact["id"], path=tmp_path)
    assert downloaded.name == "summary.pptx" and downloaded.media_type.startswith(PPTX)
    assert downloaded.path == str(tmp_path / "summary.pptx")
    on_disk = (tmp_path / "summary.pptx").read_bytes()
    assert on_disk == downloaded.content and len(on_disk) == artifact["size"]
    assert hashlib.sha256(on_disk).hexdigest() == artifact["sha256"] == downloaded.sha256
    assert len(_slides(on_disk)) == 4
    assert [p.name for p in tmp_path.iterdir()] == ["summary.pptx"]


def test_files_as_bytes_and_file_objects(server) -> None:
    executor = SkillExecutor(base_url=server.url, token=server.token)
    with open(WORKBOOK, "rb") as handle:
        by_object = executor.run("excel-to-pptx", {"file": "sales.xlsx", "rows": 2}, files=[handle])
    by_bytes = executor.run(
        "excel-to-pptx",
        {"file": "données.xlsx", "artifact_name": "deck.pptx"},
        files={"données.xlsx": WORKBOOK.read_bytes()},
    )
    assert by_object["status"] == "succeeded" and by_bytes["status"] == "succeeded", by_bytes["error"]
    assert by_bytes["output"]["title"] == "données"
    assert by_bytes["artifacts"][0]["name"] == "deck.pptx"
    deck = executor.download_artifact(by_bytes["artifacts"][0])
    assert len(_slides(deck.content)) == 4 and deck.path is None


def test_stream_yields_a_runs_events_until_done(server) -> None:
    executor = SkillExecutor(base_url=server.url, token=server.token)
    started = executor.start("excel-to-pptx", {"file": "workbook.xlsx"}, files={"workbook.xlsx": WORKBOOK})
    assert started["status"] in ("queued", "running", "succeeded")
    events = list(executor.stream(started["id"], timeout=60))
    kinds = [e["event"] for e in events]
    assert kinds[0] == "status" and kinds[-1] == "done" and kinds.count("done") == 1
    logs = [e["data"]["message"] for e in events if e["event"] == "log"]
    assert any("wrote summary.pptx" in line for line in logs)
    [artifact] = [e["data"] for e in events if e["event"] == "artifact"]
    done = events[-1]["data"]
    assert done["id"] == started["id"] and done["status"] == "succeeded"
    assert artifact["id"] == done["artifacts"][0]["id"]
    assert executor.emit_artifact_event(artifact) == {
        "type": "file",
        "url": f"{server.url}/artifacts/{artifact['id']}",
        "mediaType": PPTX,
    }
    # A finished run replays the same story.
    replay = [e["event"] for e in executor.stream(started["id"])]
    assert replay[0] == "status" and replay[-1] == "done" and "artifact" in replay


def test_a_failing_skill_is_a_failed_run_not_an_error(server) -> None:
    executor = SkillExecutor(base_url=server.url, token=server.token)
    run = executor.run("excel-to-pptx", {"file": "notes.xlsx"}, files={"notes.xlsx": b"not a workbook"})
    assert run["status"] == "failed"
    assert run["error"]["type"] and run["error"]["message"]
    assert run["artifacts"] == []
