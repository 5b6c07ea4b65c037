"""Authoring through the Client: upload a bundle, new versions, publish, labels, run by label, delete."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from open_skills import Client, OpenSkillsError, SkillExecutor, SkillRouter, tool_name_for

SKILL_MD = """---
name: {name}
description: Greets someone by name. Use when a user wants a greeting.
version: {version}
entrypoint: scripts/main.js
inputs:
  - name: name
    type: string
    required: true
---

# Greeter
"""
MAIN_JS = "export default async function run(input) {{ return {{ greeting: `{word}, ${{input.name}}!` }}; }}\n"


def _bundle(version: str, word: str, name: str = "py-sdk-greeter") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(f"{name}/SKILL.md", SKILL_MD.format(version=version, name=name))
        archive.writestr(f"{name}/scripts/main.js", MAIN_JS.format(word=word))
    return out.getvalue()


def test_upload_publish_label_run_and_delete(client: Client, server) -> None:
    created = client.upload_skill(_bundle("1.0.0", "Hello"), filename="greeter.zip", publish=True)
    assert created["outcome"] == "created" and created["version"]["status"] == "published"
    try:
        with pytest.raises(OpenSkillsError) as clash:
            client.upload_skill(_bundle("1.0.0", "Hello"), filename="greeter.zip")
        assert clash.value.status == 409 and "/versions" in clash.value.detail
        again = client.upload_version("py-sdk-greeter", _bundle("1.0.0", "Hello"), filename="greeter.zip")
        assert again["outcome"] == "unchanged" and again["version"]["id"] == created["version"]["id"]
        draft = client.upload_version("py-sdk-greeter", _bundle("1.1.0", "Hi"))
        assert draft["version"]["status"] == "draft"
        versions = client.list_versions("py-sdk-greeter")["data"]
        assert sorted(v["version"] for v in versions) == ["1.0.0", "1.1.0"]
        client.publish_version(draft["version"]["id"])
        client.set_label("py-sdk-greeter", "stable", "1.0.0")
        executor = SkillExecutor(client=client)
        assert executor.run("py-sdk-greeter", {"name": "Ada"})["output"] == {"greeting": "Hi, Ada!"}
        assert executor.run("py-sdk-greeter", {"name": "Ada"}, version="stable")["output"] == {"greeting": "Hello, Ada!"}
        invalid = executor.run("py-sdk-greeter", {})
        assert invalid["status"] == "failed" and invalid["error"]["type"] == "invalid_input"
        updated = client.update_skill("py-sdk-greeter", tags=["greeting"])
        assert updated["tags"] == ["greeting"] and updated["labels"] == {"stable": "1.0.0"}
        assert client.get_skill_version("py-sdk-greeter", "stable")["version"] == "1.0.0"
    finally:
        client.delete_skill("py-sdk-greeter")
    with pytest.raises(OpenSkillsError) as caught:
        client.get_skill("py-sdk-greeter")
    assert caught.value.status == 404


def test_a_bad_bundle_is_a_problem_with_field_errors(client: Client) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("bad/SKILL.md", "---\nname: Not Valid\n---\n")
    with pytest.raises(OpenSkillsError) as caught:
        client.upload_skill(out.getvalue())
    assert caught.value.status in (400, 422)
    assert any("name" in e["field"] for e in caught.value.errors)


def test_a_non_ascii_skill_is_routed_by_its_fingerprinted_tool_name(client: Client, server) -> None:
    name = "grüße-sager"
    client.upload_skill(_bundle("1.0.0", "Grüß Gott", name), publish=True)
    try:
        tool = tool_name_for(name)
        assert tool == "gru_e-sager_a7d7a0af"  # ß has no NFKD decomposition: it becomes "_"
        listed = SkillRouter(base_url=server.url, token=server.token).tools(format="mcp")
        assert tool in [t["name"] for t in listed]
        # A router that never listed the tools finds the skill behind the fingerprint.
        fresh = SkillRouter(base_url=server.url, token=server.token)
        answer = fresh.route_call({"type": "tool_use", "id": "t", "name": tool, "input": {"name": "Ada"}})
        assert "is_error" not in answer, answer
        assert json.loads(answer["content"])["output"] == {"greeting": "Grüß Gott, Ada!"}
    finally:
        client.delete_skill(name)
