"""Listing, reading and searching skills, and the prompt block, through the package against a live server."""

from __future__ import annotations

import json
from pathlib import Path

from open_skills import Client, SkillRouter
from open_skills.router import DEFAULT_MIN_CONFIDENCE


def test_lists_every_example_skill_across_pages(client: Client) -> None:
    first = client.list_skills(limit=3)
    assert len(first["data"]) == 3 and first["next_cursor"]
    names = [s["name"] for s in client.iter_skills()]
    assert len(names) == len(set(names)) >= 10
    assert {"excel-to-pptx", "text-stats", "csv-to-json", "markdown-to-html"} <= set(names)


def test_reads_a_skill_and_its_version(client: Client) -> None:
    skill = client.get_skill("excel-to-pptx", include_instructions=True)
    assert skill["latest_version"] == "1.0.0" and skill["runnable"] is True
    assert "# Excel to PowerPoint summary" in skill["instructions"]
    version = client.get_version(skill["latest_version_id"])
    assert version["status"] == "published"
    assert [i["name"] for i in version["inputs"]][:2] == ["file", "title"]
    skill_md = client.version_file(version["id"], "SKILL.md").decode()
    assert skill_md.startswith("---") and "name: excel-to-pptx" in skill_md
    zipped = client.version_content(version["id"])
    assert zipped[:2] == b"PK"


def test_search_ranks_the_right_skill_first_and_filters(server) -> None:
    router = SkillRouter(base_url=server.url, token=server.token)
    hits = router.search("turn this Excel workbook into a PowerPoint presentation", top_k=3)
    assert 1 <= len(hits) <= 3
    assert hits[0]["skill"]["name"] == "excel-to-pptx"
    assert all(hits[i]["score"] >= hits[i + 1]["score"] for i in range(len(hits) - 1))
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    filtered = router.search("make a report", top_k=10, input_mime=xlsx)
    assert [h["skill"]["name"] for h in filtered] == ["excel-to-pptx"]
    tagged = router.search("convert data", top_k=10, tags=["csv"])
    assert tagged and all("csv" in h["skill"]["tags"] for h in tagged)


def test_tools_for_a_request_no_skill_fits_are_none(server) -> None:
    openapi = json.loads((Path(__file__).resolve().parents[3] / "openapi.json").read_text(encoding="utf-8"))
    select = openapi["components"]["schemas"]["SelectRequest"]["properties"]["min_confidence"]
    assert DEFAULT_MIN_CONFIDENCE == select["default"]  # the same threshold as POST /skills/select
    router = SkillRouter(base_url=server.url, token=server.token)
    assert router.tools(format="openai", query="book a hotel room in lisbon for two nights") == []
    hits = router.search("book a hotel room in lisbon for two nights", top_k=5)
    assert hits and all(h["confidence"] < DEFAULT_MIN_CONFIDENCE for h in hits)
    # Asking for less confidence brings the least bad ones back; a request that fits keeps its tool.
    assert router.tools(format="openai", query="book a hotel room in lisbon for two nights", min_confidence=0)
    named = [t["function"]["name"] for t in router.tools(format="openai", query="turn this Excel workbook into slides")]
    assert "excel-to-pptx" in named


def test_available_skills_prompt(server) -> None:
    router = SkillRouter(base_url=server.url, token=server.token)
    block = router.available_skills_prompt(query="count the words of my essay", top_k=2)
    assert block.startswith("<available_skills>") and block.rstrip().endswith("</available_skills>")
    assert block.count("<skill>") == 2 and "text-stats" in block
    named = router.available_skills_prompt(skills=["csv-to-json"])
    assert named.count("<skill>") == 1 and "csv-to-json" in named
