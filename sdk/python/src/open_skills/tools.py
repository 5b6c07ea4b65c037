"""Tool definitions for skills and the tool calls that come back, in each runtime's shape: OpenAI (Chat Completions
``tools``, ``message.tool_calls``; Responses ``function_call``), Anthropic Messages (``tools``, ``tool_use``) and MCP
(``tools/list`` entries, ``tools/call`` params).

The rules are the TypeScript SDK's (``sdk/src/tool-names.ts``, ``tools.ts``, ``tool-calls.ts``), so both SDKs give
the same skill the same tool name, description and schema: ``tests/test_tools_fixture.py`` checks them against
``tests/fixtures/tools.expected.json``.
"""

from __future__ import annotations

import dataclasses
import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple

__all__ = [
    "TOOL_NAME_PATTERN",
    "SkillTool",
    "ToolCall",
    "tool_name_for",
    "tool_input_schema",
    "skill_tool",
    "to_openai_tool",
    "to_anthropic_tool",
    "to_mcp_tool",
    "read_tool_call",
    "tool_result",
]

#: Tool names every provider accepts (OpenAI, Anthropic, MCP clients, the AI SDK).
TOOL_NAME_PATTERN = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
_COMBINING_MARKS = re.compile("[\u0300-\u036f]")
_NOT_NAME = re.compile(r"[^a-zA-Z0-9_-]+")
_EDGES = re.compile(r"^[_-]+|[_-]+$")


def _fnv1a(text: str) -> int:
    """32-bit FNV-1a of the UTF-16 code units (as the TypeScript SDK computes it over a JS string)."""
    hash_ = 0x811C9DC5
    units = text.encode("utf-16-le")
    for i in range(0, len(units), 2):
        hash_ ^= units[i] | (units[i + 1] << 8)
        hash_ = (hash_ * 0x01000193) & 0xFFFFFFFF
    return hash_


def tool_name_for(skill: str) -> str:
    """The tool name of a skill: the skill name itself when it fits ``^[a-zA-Z0-9_-]{1,64}$`` (ASCII names always
    do), else an ASCII rendering of it plus a fingerprint of the whole name (``_`` + 8 hex digits of FNV-1a over its
    UTF-16 code units), so two skills never share a name and a skill keeps its name from call to call.

    >>> tool_name_for("csv-to-json")
    'csv-to-json'
    >>> tool_name_for("мой-навык")[:6]
    'skill_'
    """
    if TOOL_NAME_PATTERN.match(skill):
        return skill
    ascii_name = _COMBINING_MARKS.sub("", unicodedata.normalize("NFKD", skill))
    ascii_name = _EDGES.sub("", _NOT_NAME.sub("_", ascii_name))
    return f"{(ascii_name or 'skill')[: 64 - 9]}_{_fnv1a(skill):08x}"


def _field_schema(field: Mapping[str, Any]) -> Dict[str, Any]:
    description = field.get("description")
    if field.get("type") == "file":
        mime = field.get("mime")
        what = "the name of a file sent with the run" + (f" ({mime})" if mime else "")
        return {"type": "string", "description": f"{description}: {what}" if description else f"File: {what}"}
    schema: Dict[str, Any] = {"type": field.get("type")}
    if description:
        schema["description"] = description
    return schema


def tool_input_schema(version: Mapping[str, Any]) -> Tuple[Dict[str, Any], bool]:
    """The tool's argument schema from what a version declares, and whether it wraps the input: the version's
    ``input_schema`` when it has one (wrapped as ``{"input": ...}`` when it does not describe an object), else one
    property per declared input, ``required`` listing those marked required."""
    own = version.get("input_schema")
    if own:
        if own.get("type") == "object":
            return {"properties": {}, **own, "type": "object"}, False
        return {"type": "object", "properties": {"input": own}, "required": ["input"]}, True
    fields = version.get("inputs") or []
    schema: Dict[str, Any] = {"type": "object", "properties": {f["name"]: _field_schema(f) for f in fields}}
    required = [f["name"] for f in fields if f.get("required")]
    if required:
        schema["required"] = required
    return schema, False


@dataclass(frozen=True)
class SkillTool:
    """One runnable skill version as a tool, before it is put in a provider's shape."""

    name: str
    skill: str
    version: str
    description: str
    input_schema: Dict[str, Any]
    #: The skill's own input is not an object: the tool takes ``{"input": ...}`` and the value of ``input`` is run.
    wraps_input: bool


def skill_tool(version: Mapping[str, Any]) -> SkillTool:
    """A skill version (``GET /skill-versions/{id}``, level 2) as a ``SkillTool``."""
    schema, wraps = tool_input_schema(version)
    return SkillTool(
        name=tool_name_for(version["name"]),
        skill=version["name"],
        version=version["version"],
        description=version["description"],
        input_schema=schema,
        wraps_input=wraps,
    )


def to_openai_tool(tool: SkillTool) -> Dict[str, Any]:
    """A Chat Completions tool: ``{"type": "function", "function": {name, description, parameters}}``."""
    return {
        "type": "function",
        "function": {"name": tool.name, "description": tool.description, "parameters": tool.input_schema},
    }


def to_anthropic_tool(tool: SkillTool) -> Dict[str, Any]:
    """An Anthropic Messages tool: ``{name, description, input_schema}``."""
    return {"name": tool.name, "description": tool.description, "input_schema": tool.input_schema}


def to_mcp_tool(tool: SkillTool) -> Dict[str, Any]:
    """An MCP ``tools/list`` entry: ``{name, description, inputSchema}``."""
    return {"name": tool.name, "description": tool.description, "inputSchema": tool.input_schema}


@dataclass(frozen=True)
class ToolCall:
    """A tool call as read: its format (to answer in), id, tool name, and arguments or why they cannot be read."""

    format: str
    id: str
    name: str
    arguments: Optional[Dict[str, Any]]
    error: Optional[str] = None


def _as_dict(call: Any) -> Dict[str, Any]:
    """A tool call given as an official SDK object (pydantic models in ``openai`` and ``anthropic``) as a dict."""
    if isinstance(call, Mapping):
        return dict(call)
    for method in ("model_dump", "to_dict"):
        if callable(getattr(call, method, None)):
            return dict(getattr(call, method)())
    if dataclasses.is_dataclass(call) and not isinstance(call, type):
        return {f.name: getattr(call, f.name) for f in dataclasses.fields(call)}
    if hasattr(call, "__dict__"):
        return {k: v for k, v in vars(call).items() if not k.startswith("_")}
    raise TypeError(f"not a tool call: {type(call).__name__}")


def _format_of(call: Mapping[str, Any]) -> str:
    if "function" in call or "custom" in call:
        return "openai"
    kind = call.get("type")
    if kind == "tool_use":
        return "anthropic"
    if kind == "function_call":
        return "openai-responses"
    if kind == "tool-call":
        return "ai-sdk"
    return "mcp"


def _parts(call: Mapping[str, Any], fmt: str) -> Tuple[str, str, Any]:
    if "function" in call:
        fn = _as_dict(call["function"])
        return str(call.get("id") or ""), str(fn.get("name") or ""), fn.get("arguments")
    if "custom" in call:
        custom = _as_dict(call["custom"])
        return str(call.get("id") or ""), str(custom.get("name") or ""), custom.get("input")
    if fmt == "openai-responses":
        return str(call.get("call_id") or ""), str(call.get("name") or ""), call.get("arguments")
    if fmt == "ai-sdk":
        return str(call.get("toolCallId") or ""), str(call.get("toolName") or ""), call.get("input")
    if fmt == "anthropic":
        return str(call.get("id") or ""), str(call.get("name") or ""), call.get("input")
    arguments = call.get("arguments")
    return "", str(call.get("name") or ""), {} if arguments is None else arguments


def read_tool_call(call: Any) -> ToolCall:
    """Reads a tool call in any supported format (dict or SDK object) without raising on bad arguments."""
    data = _as_dict(call)
    fmt = _format_of(data)
    call_id, name, raw = _parts(data, fmt)
    if isinstance(raw, str):
        try:
            raw = {} if raw.strip() == "" else json.loads(raw)
        except ValueError:
            return ToolCall(fmt, call_id, name, None, f'The arguments of "{name}" are not valid JSON')
    if not isinstance(raw, dict):
        return ToolCall(fmt, call_id, name, None, f'The arguments of "{name}" must be a JSON object')
    return ToolCall(fmt, call_id, name, raw)


def _json_text(value: Any) -> str:
    # JSON.stringify's spelling, so both SDKs hand a model the same text.
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def tool_result(call: ToolCall, ok: bool, result: Any) -> Dict[str, Any]:
    """The answer to ``call`` in its own format: ``result`` (JSON) when ``ok``, else ``result`` is the error text."""
    text = _json_text(result) if ok else str(result)
    if call.format == "openai":
        return {"role": "tool", "tool_call_id": call.id, "content": text}
    if call.format == "openai-responses":
        return {"type": "function_call_output", "call_id": call.id, "output": text}
    if call.format == "anthropic":
        answer: Dict[str, Any] = {"type": "tool_result", "tool_use_id": call.id, "content": text}
        if not ok:
            answer["is_error"] = True
        return answer
    if call.format == "ai-sdk":
        output = {"type": "json", "value": result} if ok else {"type": "error-text", "value": text}
        return {"type": "tool-result", "toolCallId": call.id, "toolName": call.name, "output": output}
    if ok:
        return {"content": [{"type": "text", "text": text}], "structuredContent": result}
    return {"content": [{"type": "text", "text": text}], "isError": True}


def run_outcome(run: Mapping[str, Any]) -> Tuple[bool, Any]:
    """What a tool result says about a finished run: ``(True, {run_id, output, artifacts})`` or ``(False, why)``."""
    if run.get("status") == "succeeded":
        artifacts: List[Dict[str, Any]] = [
            {"id": a["id"], "name": a["name"], "media_type": a["mime_type"], "size": a["size"], "url": a["url"]}
            for a in run.get("artifacts") or []
        ]
        return True, {"run_id": run["id"], "output": run.get("output"), "artifacts": artifacts}
    error = run.get("error")
    reason = f"{error.get('type')}: {error.get('message')}" if error else run.get("status")
    fields = "; ".join(f"{e.get('field')} {e.get('message')}" for e in (error or {}).get("errors") or [])
    return False, f"Run {run.get('id')} {run.get('status')}: {reason}" + (f" ({fields})" if fields else "")
