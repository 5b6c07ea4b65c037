"""The async variant: the same API for ``asyncio`` agents, with no dependency. Each call runs the blocking client in
a worker thread (``asyncio.to_thread``), so the event loop stays free and calls overlap.

>>> router = AsyncSkillRouter(base_url="http://localhost:8000", token=token)  # doctest: +SKIP
>>> tools = await router.tools(format="anthropic", query=request)  # doctest: +SKIP
>>> results = await asyncio.gather(*(router.route_call(block) for block in tool_use_blocks))  # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any, AsyncIterator, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Union

from . import models as m
from ._http import Files
from .client import Client
from .executor import DownloadedArtifact, SkillExecutor
from .router import DEFAULT_MIN_CONFIDENCE, SkillRouter
from .tools import SkillTool

__all__ = ["AsyncClient", "AsyncSkillExecutor", "AsyncSkillRouter"]


async def _iterate(iterator: Iterator[Dict[str, Any]]) -> AsyncIterator[Dict[str, Any]]:
    """A blocking iterator read in worker threads; closing the async one closes it (and its connection)."""
    try:
        while True:
            item = await asyncio.to_thread(next, iterator, None)
            if item is None:
                return
            yield item
    finally:
        close = getattr(iterator, "close", None)
        if close:
            await asyncio.to_thread(close)


class AsyncClient:
    """``Client`` with every method awaitable (same names and arguments); ``run_events`` is an async iterator."""

    def __init__(self, base_url: str, token: Optional[str] = None, *, timeout: float = 120.0) -> None:
        self.sync = Client(base_url, token, timeout=timeout)

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self.sync, name)
        if not callable(method):
            return method

        @functools.wraps(method)
        async def call(*args: Any, **kwargs: Any) -> Any:
            return await asyncio.to_thread(method, *args, **kwargs)

        return call

    def run_events(self, run_id: str, timeout: Optional[float] = None) -> AsyncIterator[Dict[str, Any]]:
        return _iterate(self.sync.run_events(run_id, timeout))


class AsyncSkillExecutor:
    """``SkillExecutor`` for ``asyncio``."""

    def __init__(
        self,
        base_url: Optional[str] = None,
        token: Optional[str] = None,
        *,
        client: Optional[Client] = None,
        timeout: float = 120.0,
    ) -> None:
        self.sync = SkillExecutor(base_url, token, client=client, timeout=timeout)

    async def run(
        self,
        skill: str,
        input: Any = None,
        files: Optional[Files] = None,
        version: Optional[str] = None,
        timeout_ms: Optional[int] = None,
    ) -> m.Run:
        return await asyncio.to_thread(self.sync.run, skill, input, files, version, timeout_ms)

    async def start(
        self,
        skill: str,
        input: Any = None,
        files: Optional[Files] = None,
        version: Optional[str] = None,
        timeout_ms: Optional[int] = None,
    ) -> m.Run:
        return await asyncio.to_thread(self.sync.start, skill, input, files, version, timeout_ms)

    def stream(self, run_id: str, timeout: Optional[float] = None) -> AsyncIterator[Dict[str, Any]]:
        return _iterate(self.sync.stream(run_id, timeout))

    async def download_artifact(
        self, artifact_id: Union[str, Mapping[str, Any]], path: Optional[str] = None
    ) -> DownloadedArtifact:
        return await asyncio.to_thread(self.sync.download_artifact, artifact_id, path)

    def emit_artifact_event(self, artifact: Mapping[str, Any]) -> Dict[str, Any]:
        return self.sync.emit_artifact_event(artifact)


class AsyncSkillRouter:
    """``SkillRouter`` for ``asyncio``."""

    def __init__(
        self,
        base_url: Optional[str] = None,
        token: Optional[str] = None,
        *,
        client: Optional[Client] = None,
        timeout: float = 120.0,
    ) -> None:
        self.sync = SkillRouter(base_url, token, client=client, timeout=timeout)
        self.executor = AsyncSkillExecutor(client=self.sync.client)

    async def search(
        self,
        query: str,
        top_k: int = 5,
        tags: Optional[Sequence[str]] = None,
        input_mime: Optional[str] = None,
        output_mime: Optional[str] = None,
        min_score: Optional[float] = None,
        min_confidence: Optional[float] = None,
    ) -> List[m.SearchHit]:
        return await asyncio.to_thread(
            self.sync.search, query, top_k, tags, input_mime, output_mime, min_score, min_confidence
        )

    async def tools(
        self,
        format: str = "openai",
        query: Optional[str] = None,
        top_k: Optional[int] = None,
        tags: Optional[Sequence[str]] = None,
        min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    ) -> List[Dict[str, Any]]:
        return await asyncio.to_thread(self.sync.tools, format, query, top_k, tags, min_confidence)

    async def skill_tools(
        self,
        query: Optional[str] = None,
        top_k: Optional[int] = None,
        tags: Optional[Sequence[str]] = None,
        min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    ) -> List[SkillTool]:
        return await asyncio.to_thread(self.sync.skill_tools, query, top_k, tags, min_confidence)

    async def available_skills_prompt(
        self,
        query: Optional[str] = None,
        skills: Optional[Sequence[str]] = None,
        top_k: Optional[int] = None,
        tags: Optional[Sequence[str]] = None,
    ) -> str:
        return await asyncio.to_thread(self.sync.available_skills_prompt, query, skills, top_k, tags)

    async def route_call(self, tool_call: Any, files: Optional[Files] = None, timeout_ms: Optional[int] = None) -> Any:
        return await asyncio.to_thread(self.sync.route_call, tool_call, files, timeout_ms)
