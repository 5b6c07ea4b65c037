"""The one error the SDK raises: an RFC 9457 problem (``application/problem+json``) from the server, or the same
shape for a failure that never reached it (connection refused, timeout, an answer that is not JSON)."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

__all__ = ["OpenSkillsError"]


class OpenSkillsError(Exception):
    """A failed API call, carrying the problem+json fields the server answered with.

    ``status`` is the HTTP status (0 when no answer came back), ``title`` the problem's summary, ``detail`` what
    went wrong in this case, ``errors`` every validation problem by field (``[{"field", "message"}]``) and
    ``request_id`` the server's request id (also its ``x-request-id`` header), to quote in a bug report.
    """

    def __init__(
        self,
        status: int,
        title: str,
        detail: str = "",
        *,
        errors: Optional[List[Dict[str, str]]] = None,
        request_id: Optional[str] = None,
        type: Optional[str] = None,
        instance: Optional[str] = None,
        problem: Optional[Dict[str, Any]] = None,
    ) -> None:
        self.status = status
        self.title = title
        self.detail = detail
        self.errors: List[Dict[str, str]] = list(errors or [])
        self.request_id = request_id
        self.type = type
        self.instance = instance
        self.problem: Dict[str, Any] = dict(problem or {})
        super().__init__(self._message())

    def _message(self) -> str:
        text = f"{self.status} {self.title}" if self.status else self.title
        if self.detail:
            text += f": {self.detail}"
        for error in self.errors[:5]:
            text += f"\n  {error.get('field', '?')}: {error.get('message', '')}"
        if self.request_id:
            text += f"\n  (request id {self.request_id})"
        return text

    @classmethod
    def from_response(
        cls, status: int, reason: str, body: bytes, headers: Optional[Dict[str, str]] = None
    ) -> "OpenSkillsError":
        """The error for an HTTP answer with a failing status, read from its problem+json body when it has one."""
        request_id = (headers or {}).get("x-request-id")
        try:
            problem = json.loads(body.decode("utf-8")) if body else None
        except (UnicodeDecodeError, ValueError):
            problem = None
        if not isinstance(problem, dict):
            snippet = body[:500].decode("utf-8", "replace").strip()
            return cls(status, reason or "HTTP error", snippet, request_id=request_id)
        return cls(
            int(problem.get("status") or status),
            str(problem.get("title") or reason or "HTTP error"),
            str(problem.get("detail") or ""),
            errors=problem.get("errors") if isinstance(problem.get("errors"), list) else None,
            request_id=problem.get("request_id") or request_id,
            type=problem.get("type"),
            instance=problem.get("instance"),
            problem=problem,
        )
