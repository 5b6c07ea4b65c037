"""The tool definitions agree with the TypeScript SDK's for the same skills.

``fixtures/skill-versions.json`` holds the example skills' versions as the server serves them (``GET
/skill-versions/{id}``) plus names and schemas that exercise every rule (accents, Cyrillic, CJK, an astral letter,
64-character names, declared ``input_schema`` objects and non-objects, a skill without code).
``fixtures/tools.expected.json`` is what the TypeScript SDK's ``skillTool``/``toOpenAITool``/``toAnthropicTool``/
``toMcpTool`` (``sdk/src/tools.ts``) made of that file; a TypeScript test can read the same two files.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from open_skills.tools import (
    read_tool_call,
    skill_tool,
    to_anthropic_tool,
    to_mcp_tool,
    to_openai_tool,
    tool_name_for,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _load(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def test_tool_lists_equal_the_typescript_sdks() -> None:
    versions = _load("skill-versions.json")["versions"]
    expected = _load("tools.expected.json")
    tools = [skill_tool(v) for v in versions if v["runnable"]]
    assert [to_openai_tool(t) for t in tools] == expected["openai"]
    assert [to_anthropic_tool(t) for t in tools] == expected["anthropic"]
    assert [to_mcp_tool(t) for t in tools] == expected["mcp"]
    assert {t.name: t.wraps_input for t in tools} == expected["wraps_input"]


def test_tool_names_are_valid_unique_and_stable() -> None:
    versions = _load("skill-versions.json")["versions"]
    names = [tool_name_for(v["name"]) for v in versions]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[a-zA-Z0-9_-]{1,64}", n) for n in names)
    assert tool_name_for("csv-to-json") == "csv-to-json"
    assert tool_name_for("café-menu") == "cafe-menu_e9b68af4"
    assert tool_name_for("café-menu") != tool_name_for("cafe-menu")
    assert len(tool_name_for("é" * 64)) == 64


def test_arguments_are_read_from_json_text() -> None:
    call = read_tool_call({"id": "1", "type": "function", "function": {"name": "t", "arguments": ""}})
    assert call.arguments == {} and call.format == "openai"
    assert read_tool_call({"type": "tool_use", "id": "2", "name": "t", "input": {"a": 1}}).arguments == {"a": 1}
    assert read_tool_call({"name": "t"}).format == "mcp"
