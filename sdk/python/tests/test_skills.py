"""Listing, reading and searching skills, and the prompt block, through the package against a live server."""

from __future__ import annotations

from open_skills import Client, SkillRouter


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


def test_available_skills_prompt(server) -> None:
    router = SkillRouter(base_url=server.url, token=server.token)
    block = router.available_skills_prompt(query="count the words of my essay", top_k=2)
    assert block.startswith("<available_skills>") and block.rstrip().endswith("</available_skills>")
    assert block.count("<skill>") == 2 and "text-stats" in block
    named = router.available_skills_prompt(skills=["csv-to-json"])
    assert named.count("<skill>") == 1 and "csv-to-json" in named
