"""``SkillRouter``: find skills, hand them to a model as tools, and run the tool calls it makes."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List, Optional, Sequence

from . import models as m
from ._http import Files
from .client import Client
from .errors import OpenSkillsError
from .executor import SkillExecutor
from .tools import (
    TOOL_NAME_PATTERN,
    SkillTool,
    read_tool_call,
    run_outcome,
    skill_tool,
    to_anthropic_tool,
    to_mcp_tool,
    to_openai_tool,
    tool_result,
)

__all__ = ["SkillRouter"]

_FORMATS = {"openai": to_openai_tool, "anthropic": to_anthropic_tool, "mcp": to_mcp_tool}
#: Versions fetched at once when building a tool list.
_DETAIL_CONCURRENCY = 8
_ALL_SKILLS_DEFAULT = 100
#: The confidence ``tools(query=...)`` asks for by default: the server's ``POST /skills/select`` default, so a
#: request no skill fits gets no tools rather than the least bad ones.
DEFAULT_MIN_CONFIDENCE = 0.5
#: The end of a tool name made for a non-ASCII skill name (see ``tool_name_for``).
_FINGERPRINTED = re.compile(r"_[0-9a-f]{8}$")


class SkillRouter:
    """Skills for an agent: search, tool definitions, the ``<available_skills>`` prompt block, and tool calls run.

    >>> router = SkillRouter(base_url="http://localhost:8000", token=token)  # doctest: +SKIP
    >>> tools = router.tools(format="openai", query="turn a spreadsheet into slides")  # doctest: +SKIP
    >>> message = router.route_call(response.choices[0].message.tool_calls[0])  # doctest: +SKIP
    """

    def __init__(
        self,
        base_url: Optional[str] = None,
        token: Optional[str] = None,
        *,
        client: Optional[Client] = None,
        timeout: float = 120.0,
    ) -> None:
        self.executor = SkillExecutor(base_url, token, client=client, timeout=timeout)
        self.client = self.executor.client
        #: Tools handed out by ``tools()``, by name, so ``route_call`` runs the version that was described.
        self._known: Dict[str, SkillTool] = {}

    def search(
        self,
        query: str,
        top_k: int = 5,
        tags: Optional[Sequence[str]] = None,
        input_mime: Optional[str] = None,
        output_mime: Optional[str] = None,
        min_score: Optional[float] = None,
        min_confidence: Optional[float] = None,
    ) -> List[m.SearchHit]:
        """The router's ranking for a request, best first (published skills only); ``min_confidence`` (0-1) drops
        the results less confident than it."""
        response = self.client.search(
            query,
            top_k=top_k,
            tags=tags,
            input_mime=input_mime,
            output_mime=output_mime,
            min_score=min_score,
            min_confidence=min_confidence,
        )
        return response["results"]

    def tools(
        self,
        format: str = "openai",
        query: Optional[str] = None,
        top_k: Optional[int] = None,
        tags: Optional[Sequence[str]] = None,
        min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    ) -> List[Dict[str, Any]]:
        """Tool definitions for the best-matching skills for ``query`` (default 5, only those at least
        ``min_confidence`` sure: none when no skill fits), or for every published runnable skill (at most ``top_k``,
        default 100), in the shape of ``format``: ``openai`` (Chat Completions), ``anthropic`` (Messages) or ``mcp``
        (``tools/list``)."""
        convert = _FORMATS.get(format)
        if convert is None:
            raise ValueError(f'Unknown tool format "{format}" (openai, anthropic or mcp)')
        tools = self.skill_tools(query=query, top_k=top_k, tags=tags, min_confidence=min_confidence)
        return [convert(tool) for tool in tools]

    def skill_tools(
        self,
        query: Optional[str] = None,
        top_k: Optional[int] = None,
        tags: Optional[Sequence[str]] = None,
        min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    ) -> List[SkillTool]:
        """The runnable skills as provider-neutral ``SkillTool``s (what ``tools()`` converts)."""
        if query:
            hits = self.search(query, top_k=top_k or 5, tags=tags, min_confidence=min_confidence)
            version_ids = [hit["skill"]["version_id"] for hit in hits]
        else:
            version_ids = self._published_version_ids(top_k or _ALL_SKILLS_DEFAULT, tags)
        with ThreadPoolExecutor(max_workers=_DETAIL_CONCURRENCY) as pool:
            versions = list(pool.map(self.client.get_version, version_ids))
        tools = [skill_tool(version) for version in versions if version["runnable"]]
        for tool in tools:
            self._known[tool.name] = tool
        return tools

    def _published_version_ids(self, limit: int, tags: Optional[Sequence[str]]) -> List[str]:
        ids: List[str] = []
        one_tag = tags[0] if tags and len(tags) == 1 else None
        for skill in self.client.iter_skills(tag=one_tag):
            tagged = not tags or all(tag in skill["tags"] for tag in tags)
            if skill["runnable"] and skill["latest_version_id"] and tagged:
                ids.append(skill["latest_version_id"])
                if len(ids) >= limit:
                    break
        return ids

    def available_skills_prompt(
        self,
        query: Optional[str] = None,
        skills: Optional[Sequence[str]] = None,
        top_k: Optional[int] = None,
        tags: Optional[Sequence[str]] = None,
    ) -> str:
        """The ``<available_skills>`` block for a system prompt: the router's best for ``query``, the named
        ``skills``, or every published skill."""
        return self.client.prompt(skills=skills, query=query, top_k=top_k, tags=tags)

    def route_call(self, tool_call: Any, files: Optional[Files] = None, timeout_ms: Optional[int] = None) -> Any:
        """Runs the skill a tool call names and returns the tool result in the call's own format: an OpenAI Chat
        Completions tool call gives a ``{"role": "tool", ...}`` message, a Responses ``function_call`` a
        ``function_call_output``, an Anthropic ``tool_use`` block a ``tool_result`` block, MCP ``tools/call``
        params a ``CallToolResult``. Calls may be dicts or the ``openai``/``anthropic`` packages' objects.

        Failures (a failed run, an unknown tool, bad arguments, a refused request) are error results the model
        can read, never raises. ``files`` are sent with the run for file inputs (see ``SkillExecutor.run``)."""
        call = read_tool_call(tool_call)
        if call.arguments is None:
            return tool_result(call, False, call.error)
        ok, result = self._execute(call.name, call.arguments, files, timeout_ms)
        return tool_result(call, ok, result)

    def _execute(
        self, tool_name: str, arguments: Dict[str, Any], files: Optional[Files], timeout_ms: Optional[int]
    ) -> Any:
        try:
            tool = self._resolve(tool_name)
            if tool is None:
                return False, f'Unknown tool "{tool_name}": no runnable skill has this tool name'
            run_input = arguments.get("input") if tool.wraps_input else arguments
            run = self.executor.run(tool.skill, run_input, files=files, version=tool.version, timeout_ms=timeout_ms)
        except OpenSkillsError as error:
            return False, f"{error.title}: {error.detail}" if error.detail else error.title
        return run_outcome(run)

    def _resolve(self, tool_name: str) -> Optional[SkillTool]:
        """The tool a name stands for: one ``tools()`` handed out, else the skill of that name, else (names of
        non-ASCII skills carry a fingerprint) the one among all runnable skills, so a router that did not list the
        tools itself (another process, a later request) routes the same calls."""
        known = self._known.get(tool_name)
        if known is not None or not TOOL_NAME_PATTERN.match(tool_name):
            return known
        try:
            skill = self.client.get_skill(tool_name)
        except OpenSkillsError as error:
            if error.status != 404:
                raise
        else:
            if skill["runnable"] and skill["latest_version_id"]:
                tool = skill_tool(self.client.get_version(skill["latest_version_id"]))
                if tool.name == tool_name:
                    self._known[tool.name] = tool
                    return tool
        if not _FINGERPRINTED.search(tool_name):
            return None
        self.skill_tools()
        return self._known.get(tool_name)
