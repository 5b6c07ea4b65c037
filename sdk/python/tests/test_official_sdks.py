"""The README's agent loop with the real ``openai`` package against a local OpenAI-compatible server that replays
a scripted tool call, and the ``anthropic`` package's objects. These packages are not dependencies of open_skills;
the tests run where they are installed (``pip install openai anthropic``) and are skipped elsewhere."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator, List

import pytest

from open_skills import SkillRouter

TEXT = "Skills make agents useful. They run in a sandbox. Every run is traced."


class _ScriptedChat(BaseHTTPRequestHandler):
    """``POST /v1/chat/completions``: first a call of ``text-stats``, then an answer built from the tool result."""

    requests: List[dict] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        self.requests.append(body)
        tool_messages = [m for m in body["messages"] if m.get("role") == "tool"]
        if not tool_messages:
            arguments = json.dumps({"text": TEXT})
            call = {"id": "call_1", "type": "function", "function": {"name": "text-stats", "arguments": arguments}}
            message, finish = {"role": "assistant", "content": None, "tool_calls": [call]}, "tool_calls"
        else:
            words = json.loads(tool_messages[-1]["content"])["output"]["words"]
            message, finish = {"role": "assistant", "content": f"The text has {words} words."}, "stop"
        answer = {
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion",
            "created": 0,
            "model": body["model"],
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        }
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def chat_url() -> Iterator[str]:
    _ScriptedChat.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ScriptedChat)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def test_readme_agent_loop_with_the_openai_package(server, chat_url: str) -> None:
    openai = pytest.importorskip("openai")
    router = SkillRouter(base_url=server.url, token=server.token)
    llm = openai.OpenAI(base_url=chat_url, api_key="test", max_retries=0)
    request = "How many words are in this text? " + TEXT

    # The loop of sdk/python/README.md.
    messages = [
        {"role": "system", "content": "You can use skills.\n" + router.available_skills_prompt(query=request)},
        {"role": "user", "content": request},
    ]
    tools = router.tools(format="openai", query=request, top_k=5)
    while True:
        reply = llm.chat.completions.create(model="gpt-test", messages=messages, tools=tools).choices[0].message
        messages.append(reply)
        if not reply.tool_calls:
            break
        for call in reply.tool_calls:
            messages.append(router.route_call(call))

    assert reply.content == "The text has 13 words."
    first, second = _ScriptedChat.requests
    assert "text-stats" in [t["function"]["name"] for t in first["tools"]]
    assert "<available_skills>" in first["messages"][0]["content"]
    [tool_message] = [m for m in second["messages"] if m["role"] == "tool"]
    assert tool_message["tool_call_id"] == "call_1"
    assert json.loads(tool_message["content"])["output"]["sentences"] == 3


def test_openai_responses_and_anthropic_objects(server) -> None:
    responses = pytest.importorskip("openai.types.responses")
    anthropic_types = pytest.importorskip("anthropic.types")
    router = SkillRouter(base_url=server.url, token=server.token)
    function_call = responses.ResponseFunctionToolCall(
        type="function_call", call_id="fc_1", name="text-stats", arguments='{"text": "One two three four."}'
    )
    output = router.route_call(function_call)
    assert output["type"] == "function_call_output" and output["call_id"] == "fc_1"
    assert json.loads(output["output"])["output"]["words"] == 4
    block = anthropic_types.ToolUseBlock(type="tool_use", id="toolu_1", name="text-stats", input={"text": "Hi there."})
    result = router.route_call(block)
    assert result["type"] == "tool_result" and result["tool_use_id"] == "toolu_1"
    assert json.loads(result["content"])["output"]["words"] == 2
