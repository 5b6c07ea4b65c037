"""The async variant: the same calls awaited, overlapping on one event loop."""

from __future__ import annotations

import asyncio
import json

from open_skills import AsyncClient, AsyncSkillRouter, OpenSkillsError


def test_async_router_routes_calls_concurrently(server) -> None:
    async def main():
        router = AsyncSkillRouter(base_url=server.url, token=server.token)
        tools = await router.tools(format="anthropic", query="word count of a text", top_k=2)
        calls = [{"type": "tool_use", "id": f"t{i}", "name": "text-stats", "input": {"text": "a b " * i}} for i in (1, 2, 3)]
        answers = await asyncio.gather(*(router.route_call(c) for c in calls))
        hits = await router.search("readability of an essay", top_k=1)
        return tools, answers, hits

    tools, answers, hits = asyncio.run(main())
    assert tools[0]["name"] == "text-stats" and hits[0]["skill"]["name"] == "text-stats"
    assert [a["tool_use_id"] for a in answers] == ["t1", "t2", "t3"]
    assert [json.loads(a["content"])["output"]["words"] for a in answers] == [2, 4, 6]


def test_async_executor_streams_and_client_raises(server) -> None:
    async def main():
        router = AsyncSkillRouter(base_url=server.url, token=server.token)
        started = await router.executor.start("text-stats", {"text": "Hello there. General Kenobi."})
        events = [event async for event in router.executor.stream(started["id"])]
        client = AsyncClient(server.url, server.token)
        try:
            await client.get_skill("no-such-skill")
        except OpenSkillsError as error:
            return events, error
        return events, None

    events, error = asyncio.run(main())
    assert events[0]["event"] == "status" and events[-1]["event"] == "done"
    assert events[-1]["data"]["output"]["sentences"] == 2
    assert error is not None and error.status == 404
