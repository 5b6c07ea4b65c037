"""Tool lists from a live server, and tool calls routed to runs, in each runtime's format."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from open_skills import SkillRouter

WORKBOOK = Path(__file__).resolve().parents[3] / "bundles" / "excel-to-pptx" / "tests" / "fixtures" / "sales.xlsx"
TEXT = "The cat sat on the mat. The dog sat on the log. Cats and dogs!"


@pytest.fixture()
def router(server) -> SkillRouter:
    return SkillRouter(base_url=server.url, token=server.token)


def test_tool_lists_for_every_runnable_skill(router: SkillRouter, client) -> None:
    runnable = {s["name"] for s in client.iter_skills() if s["runnable"] and s["latest_version"]}
    openai = router.tools(format="openai")
    anthropic = router.tools(format="anthropic")
    mcp = router.tools(format="mcp")
    assert {t["function"]["name"] for t in openai} == runnable
    for o, a, m in zip(openai, anthropic, mcp):
        fn = o["function"]
        assert o["type"] == "function" and re.fullmatch(r"[a-zA-Z0-9_-]{1,64}", fn["name"])
        assert (a["name"], a["description"], a["input_schema"]) == (fn["name"], fn["description"], fn["parameters"])
        assert (m["name"], m["description"], m["inputSchema"]) == (fn["name"], fn["description"], fn["parameters"])
    excel = next(t["function"] for t in openai if t["function"]["name"] == "excel-to-pptx")
    assert excel["description"] == client.get_skill("excel-to-pptx")["description"]
    properties = excel["parameters"]["properties"]
    assert excel["parameters"]["type"] == "object"
    assert list(properties) == ["file", "title", "rows", "max_columns", "sheets", "artifact_name"]
    assert properties["file"]["type"] == "string" and "spreadsheetml.sheet" in properties["file"]["description"]
    assert properties["rows"] == {"type": "number", "description": properties["rows"]["description"]}


def test_tools_for_a_query_are_the_search_results(router: SkillRouter) -> None:
    tools = router.tools(format="anthropic", query="count the words of my essay", top_k=2)
    assert len(tools) <= 2 and tools[0]["name"] == "text-stats"
    # One matched word is not enough for the default confidence (as POST /skills/select); asked for less, it ranks.
    assert router.tools(format="anthropic", query="how readable is my essay", top_k=2) == []
    ranked = router.tools(format="anthropic", query="how readable is my essay", top_k=2, min_confidence=0)
    assert ranked[0]["name"] == "text-stats"
    with pytest.raises(ValueError):
        router.tools(format="gemini")


def test_openai_chat_tool_call_runs_the_skill(router: SkillRouter) -> None:
    router.tools(format="openai", query="word count and readability", top_k=3)
    call = {"id": "call_1", "type": "function", "function": {"name": "text-stats", "arguments": json.dumps({"text": TEXT})}}
    message = router.route_call(call)
    assert message["role"] == "tool" and message["tool_call_id"] == "call_1"
    result = json.loads(message["content"])
    assert result["output"]["words"] == 15 and result["output"]["sentences"] == 3
    assert re.fullmatch(r"[0-9a-f-]{36}", result["run_id"]) and result["artifacts"] == []


def test_anthropic_tool_use_with_a_file_runs_the_skill(router: SkillRouter) -> None:
    block = {"type": "tool_use", "id": "toolu_1", "name": "excel-to-pptx", "input": {"file": "sales.xlsx"}}
    answer = router.route_call(block, files=[str(WORKBOOK)])
    assert answer["type"] == "tool_result" and answer["tool_use_id"] == "toolu_1" and "is_error" not in answer
    result = json.loads(answer["content"])
    assert result["output"]["slide_count"] == 4
    [artifact] = result["artifacts"]
    assert artifact["name"] == "summary.pptx" and artifact["url"] == f"/artifacts/{artifact['id']}"


# The shapes of the official SDKs' objects (openai's ChatCompletionMessageToolCall, anthropic's ToolUseBlock):
# attributes, not dict keys.
@dataclass
class Function:
    name: str
    arguments: str


@dataclass
class ChatCompletionMessageToolCall:
    id: str
    function: Function
    type: str = "function"


@dataclass
class ToolUseBlock:
    id: str
    name: str
    input: dict
    type: str = "tool_use"


def test_sdk_objects_are_accepted(router: SkillRouter) -> None:
    openai_call = ChatCompletionMessageToolCall("call_2", Function("text-stats", json.dumps({"text": "One two."})))
    assert json.loads(router.route_call(openai_call)["content"])["output"]["words"] == 2
    anthropic_call = ToolUseBlock("toolu_2", "text-stats", {"text": "One two three."})
    assert json.loads(router.route_call(anthropic_call)["content"])["output"]["words"] == 3


def test_responses_and_mcp_calls(router: SkillRouter) -> None:
    responses = {"type": "function_call", "call_id": "fc_1", "name": "text-stats", "arguments": '{"text":"Hi there."}'}
    output = router.route_call(responses)
    assert output["type"] == "function_call_output" and output["call_id"] == "fc_1"
    assert json.loads(output["output"])["output"]["words"] == 2
    mcp = router.route_call({"name": "text-stats", "arguments": {"text": "A b c d."}})
    assert mcp["structuredContent"]["output"]["words"] == 4
    assert json.loads(mcp["content"][0]["text"]) == mcp["structuredContent"]


def test_failures_are_error_results_not_raises(router: SkillRouter) -> None:
    bad_json = router.route_call({"id": "c", "type": "function", "function": {"name": "text-stats", "arguments": "{"}})
    assert bad_json["content"] == 'The arguments of "text-stats" are not valid JSON'
    unknown = router.route_call({"type": "tool_use", "id": "t", "name": "no-such-skill", "input": {}})
    assert unknown["is_error"] is True
    assert unknown["content"] == 'Unknown tool "no-such-skill": no runnable skill has this tool name'
    invalid_name = router.route_call({"type": "tool_use", "id": "t", "name": "no such tool!", "input": {}})
    assert invalid_name["content"] == 'Unknown tool "no such tool!": no runnable skill has this tool name'
    instructions_only = router.route_call({"type": "tool_use", "id": "t", "name": "code-review-checklist", "input": {}})
    assert instructions_only["is_error"] is True and "no runnable skill" in instructions_only["content"]
    failed = router.route_call(
        {"type": "tool_use", "id": "t", "name": "excel-to-pptx", "input": {"file": "x.xlsx"}}, files={"x.xlsx": b"nope"}
    )
    assert failed["is_error"] is True and re.match(r"Run [0-9a-f-]{36} failed: ", failed["content"])
    not_object = router.route_call({"name": "text-stats", "arguments": [1, 2]})
    assert not_object["isError"] is True and "must be a JSON object" in not_object["content"][0]["text"]


def test_a_fresh_router_routes_names_it_did_not_hand_out(server, client) -> None:
    # Another process listed the tools; this one only sees the call. It runs the latest version of the skill.
    fresh = SkillRouter(base_url=server.url, token=server.token)
    answer = fresh.route_call({"name": "text-stats", "arguments": {"text": "One two three."}})
    assert answer["structuredContent"]["output"]["words"] == 3
    run = client.get_run(answer["structuredContent"]["run_id"])
    assert run["version"] == client.get_skill("text-stats")["latest_version"]
