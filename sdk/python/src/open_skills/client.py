"""``Client``: one method per API route (skills, versions, labels, search, prompt, runs, artifacts, tokens, members,
secrets, audit). Answers are the JSON the server sent, typed by the generated ``models``; any failing status raises
``OpenSkillsError``."""

from __future__ import annotations

import json
import urllib.parse
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Union, cast

from . import models as m
from ._http import DEFAULT, FileInput, Files, Transport, iter_sse, quote_segment, read_files
from .errors import OpenSkillsError

__all__ = ["Client"]

_q = quote_segment


def _body(**fields: Any) -> Dict[str, Any]:
    """A JSON body without the fields left at ``None`` (the server applies its defaults)."""
    return {k: v for k, v in fields.items() if v is not None}


class Client:
    """The whole open-skills API over HTTP, with the standard library only.

    >>> client = Client("http://localhost:8000", token)          # doctest: +SKIP
    >>> client.search("turn a spreadsheet into slides")["results"][0]["skill"]["name"]  # doctest: +SKIP
    'excel-to-pptx'
    """

    def __init__(self, base_url: str, token: Optional[str] = None, *, timeout: float = 120.0) -> None:
        self.transport = Transport(base_url, token, timeout)

    @property
    def base_url(self) -> str:
        return self.transport.base_url

    def _get(self, path: str, **query: Any) -> Any:
        return self.transport.request("GET", path, query=query)

    def _send(self, method: str, path: str, body: Any = None, **query: Any) -> Any:
        return self.transport.request(method, path, json_body=body, query=query)

    # Health and identity

    def health(self) -> m.Health:
        return cast(m.Health, self._get("/healthz"))

    def ready(self) -> m.Readiness:
        return cast(m.Readiness, self._get("/readyz"))

    def me(self) -> m.Caller:
        return cast(m.Caller, self._get("/me"))

    # Skills

    def list_skills(
        self,
        q: Optional[str] = None,
        tag: Optional[str] = None,
        visibility: Optional[str] = None,
        cursor: Optional[str] = None,
        limit: Optional[int] = None,
    ) -> m.SkillPage:
        """One page of skills (level 1); pass ``next_cursor`` back as ``cursor`` for the next."""
        return cast(m.SkillPage, self._get("/skills", q=q, tag=tag, visibility=visibility, cursor=cursor, limit=limit))

    def iter_skills(self, q: Optional[str] = None, tag: Optional[str] = None) -> Iterator[m.SkillSummary]:
        """Every skill the caller sees, page after page."""
        cursor: Optional[str] = None
        while True:
            page = self.list_skills(q=q, tag=tag, cursor=cursor, limit=100)
            yield from page["data"]
            cursor = page["next_cursor"]
            if not cursor:
                return

    def get_skill(self, skill: str, include_instructions: bool = False) -> m.SkillDetail:
        include = "instructions" if include_instructions else None
        return cast(m.SkillDetail, self._get(f"/skills/{_q(skill)}", include=include))

    def create_skill(self, name: str, description: Optional[str] = None, visibility: Optional[str] = None) -> Any:
        """An empty skill (versions come with ``upload_version``)."""
        return self._send("POST", "/skills", _body(name=name, description=description, visibility=visibility))

    def upload_skill(
        self,
        bundle: FileInput,
        *,
        filename: str = "bundle.zip",
        publish: bool = False,
        visibility: Optional[str] = None,
    ) -> m.UploadResult:
        """Creates a skill (or a new version of it) from a zip or tar.gz bundle."""
        return cast(m.UploadResult, self._upload("/skills", bundle, filename, publish=publish, visibility=visibility))

    def update_skill(
        self,
        skill: str,
        *,
        description: Optional[str] = None,
        tags: Optional[List[str]] = None,
        visibility: Optional[str] = None,
    ) -> m.SkillSummary:
        body = _body(description=description, tags=tags, visibility=visibility)
        return cast(m.SkillSummary, self._send("PATCH", f"/skills/{_q(skill)}", body))

    def delete_skill(self, skill: str) -> None:
        self._send("DELETE", f"/skills/{_q(skill)}")

    # Versions

    def upload_version(
        self,
        skill: str,
        bundle: FileInput,
        *,
        filename: str = "bundle.zip",
        publish: bool = False,
        version: Optional[str] = None,
    ) -> m.UploadResult:
        path = f"/skills/{_q(skill)}/versions"
        return cast(m.UploadResult, self._upload(path, bundle, filename, publish=publish, version=version))

    def _upload(self, path: str, bundle: FileInput, filename: str, **fields: Any) -> Any:
        [(name, data, media_type)] = read_files({filename: bundle} if isinstance(bundle, (bytes, bytearray)) else [bundle])
        parts: List[Any] = [("bundle", (name, data, media_type))]
        parts += [(k, "true" if v is True else v) for k, v in fields.items() if v not in (None, False)]
        return self.transport.multipart("POST", path, parts)

    def list_versions(
        self, skill: str, status: Optional[str] = None, cursor: Optional[str] = None, limit: Optional[int] = None
    ) -> m.VersionPage:
        path = f"/skills/{_q(skill)}/versions"
        return cast(m.VersionPage, self._get(path, status=status, cursor=cursor, limit=limit))

    def get_version(self, version_id: str) -> m.SkillVersion:
        """A version by id (level 2: instructions, inputs, outputs, schemas, files)."""
        return cast(m.SkillVersion, self._get(f"/skill-versions/{_q(version_id)}"))

    def get_skill_version(self, skill: str, version: str) -> m.SkillVersion:
        """A version by skill and semantic version, label or ``latest``."""
        return cast(m.SkillVersion, self._get(f"/skills/{_q(skill)}/versions/{_q(version)}"))

    def publish_version(self, version_id: str, require_tests: Optional[bool] = None) -> m.SkillVersion:
        path = f"/skill-versions/{_q(version_id)}/publish"
        return cast(m.SkillVersion, self._send("POST", path, require_tests=require_tests))

    def deprecate_version(self, version_id: str) -> m.SkillVersion:
        return cast(m.SkillVersion, self._send("POST", f"/skill-versions/{_q(version_id)}/deprecate"))

    def version_file(self, version_id: str, path: str) -> bytes:
        """One file of a version (e.g. ``SKILL.md``), as bytes."""
        return self.transport.read_bytes(f"/skill-versions/{_q(version_id)}/files/{urllib.parse.quote(path, safe='/')}")

    def version_content(self, version_id: str) -> bytes:
        """A version's files as a zip."""
        return self.transport.read_bytes(f"/skill-versions/{_q(version_id)}/content")

    def skill_version_content(self, skill: str, version: str) -> bytes:
        return self.transport.read_bytes(f"/skills/{_q(skill)}/versions/{_q(version)}/content")

    def set_label(self, skill: str, label: str, version: str) -> m.Label:
        return cast(m.Label, self._send("PUT", f"/skills/{_q(skill)}/labels/{_q(label)}", {"version": version}))

    def delete_label(self, skill: str, label: str) -> None:
        self._send("DELETE", f"/skills/{_q(skill)}/labels/{_q(label)}")

    def test_triggers(self, skill: str, request: Optional[m.TriggerRequest] = None) -> m.TriggerReport:
        """Checks trigger requests against the router (the version's ``tests/triggers.json`` by default)."""
        return cast(m.TriggerReport, self._send("POST", f"/skills/{_q(skill)}/triggers", dict(request or {})))

    def import_skills(
        self, archive: FileInput, *, filename: str = "skills.zip", publish: bool = False, visibility: Optional[str] = None
    ) -> m.ImportResult:
        """Imports every skill folder of one archive."""
        [(name, data, media_type)] = read_files({filename: archive} if isinstance(archive, bytes) else [archive])
        parts: List[Any] = [("archive", (name, data, media_type))]
        parts += [(k, "true" if v is True else v) for k, v in {"publish": publish, "visibility": visibility}.items() if v]
        return cast(m.ImportResult, self.transport.multipart("POST", "/skills/import", parts))

    # Search and prompt

    def search(
        self,
        query: str,
        top_k: Optional[int] = None,
        tags: Optional[Sequence[str]] = None,
        input_mime: Optional[str] = None,
        output_mime: Optional[str] = None,
        *,
        include_drafts: Optional[bool] = None,
        min_score: Optional[float] = None,
        min_confidence: Optional[float] = None,
        mode: Optional[str] = None,
        explain: Optional[bool] = None,
    ) -> m.SearchResponse:
        """The router's ranking for a request, best first."""
        body = _body(
            query=query,
            top_k=top_k,
            tags=list(tags) if tags is not None else None,
            input_mime=input_mime,
            output_mime=output_mime,
            include_drafts=include_drafts,
            min_score=min_score,
            min_confidence=min_confidence,
            mode=mode,
            explain=explain,
        )
        return cast(m.SearchResponse, self._send("POST", "/skills/search", body))

    def select(self, query: str, max_skills: Optional[int] = None) -> m.SelectResponse:
        """The skills (level 2) an agent should load for a request."""
        return cast(m.SelectResponse, self._send("POST", "/skills/select", _body(query=query, max_skills=max_skills)))

    def prompt(
        self,
        skills: Optional[Sequence[str]] = None,
        query: Optional[str] = None,
        top_k: Optional[int] = None,
        tags: Optional[Sequence[str]] = None,
    ) -> str:
        """The ``<available_skills>`` XML block for a system prompt."""
        body = _body(
            skills=list(skills) if skills is not None else None,
            query=query,
            top_k=top_k,
            tags=list(tags) if tags is not None else None,
        )
        return cast(str, self._send("POST", "/skills/prompt", body))

    def skill_prompt(self, skill: str) -> str:
        return cast(str, self._get(f"/skills/{_q(skill)}/prompt"))

    # Runs

    def create_run(self, request: m.RunRequest, files: Optional[Files] = None, timeout: Any = DEFAULT) -> m.Run:
        """Starts a run (``async: True`` answers at once with the queued run); files go as multipart parts.
        ``timeout`` (seconds; ``None``: as long as the server takes) bounds the wait for a synchronous run."""
        loaded = read_files(files)
        if not loaded:
            return cast(m.Run, self.transport.request("POST", "/runs", json_body=dict(request), timeout=timeout))
        parts: List[Any] = [("request", json.dumps(request))]
        parts += [("files[]", file) for file in loaded]
        return cast(m.Run, self.transport.multipart("POST", "/runs", parts, timeout=timeout))

    def list_runs(
        self,
        status: Optional[str] = None,
        skill: Optional[str] = None,
        since: Optional[str] = None,
        parent_run_id: Optional[str] = None,
        cursor: Optional[str] = None,
        limit: Optional[int] = None,
    ) -> m.RunPage:
        query = dict(status=status, skill=skill, since=since, parent_run_id=parent_run_id, cursor=cursor, limit=limit)
        return cast(m.RunPage, self._get("/runs", **query))

    def skill_runs(
        self, skill: str, status: Optional[str] = None, cursor: Optional[str] = None, limit: Optional[int] = None
    ) -> m.RunPage:
        return cast(m.RunPage, self._get(f"/skills/{_q(skill)}/runs", status=status, cursor=cursor, limit=limit))

    def get_run(self, run_id: str) -> m.Run:
        return cast(m.Run, self._get(f"/runs/{_q(run_id)}"))

    def cancel_run(self, run_id: str) -> m.Run:
        return cast(m.Run, self._send("POST", f"/runs/{_q(run_id)}/cancel"))

    def run_events(self, run_id: str, timeout: Optional[float] = None) -> Iterator[Dict[str, Any]]:
        """A run's Server-Sent Events from its start (replayed when it has finished), ending with ``done``.
        ``timeout`` bounds the wait for each event (default: as long as the run lasts, which the server bounds)."""
        response = self.transport.open(
            "GET", f"/runs/{_q(run_id)}/events", headers={"accept": "text/event-stream"}, timeout=timeout
        )
        with response:
            try:
                for event in iter_sse(response):
                    yield event
                    if event["event"] == "done":
                        return
            except OSError as error:  # a reset connection or a read timeout, mid-stream
                raise OpenSkillsError(0, "Connection failed", f"events of run {run_id}: {error}") from None
        raise OpenSkillsError(0, "Stream ended", f"the events of run {run_id} ended before done")

    def run_artifacts(self, run_id: str) -> m.ArtifactList:
        return cast(m.ArtifactList, self._get(f"/runs/{_q(run_id)}/artifacts"))

    def download_artifact(self, artifact_id: str, byte_range: Optional[str] = None) -> bytes:
        """An artifact's bytes (``byte_range`` like ``bytes=0-99`` for a part)."""
        headers = {"range": byte_range} if byte_range else None
        return self.transport.read_bytes(f"/artifacts/{_q(artifact_id)}", headers=headers)

    # Tokens, members, secrets, audit

    def issue_token(
        self,
        name: str,
        role: Optional[str] = None,
        user_id: Optional[str] = None,
        expires_in_days: Optional[int] = None,
    ) -> m.IssuedToken:
        body = _body(name=name, role=role, user_id=user_id, expires_in_days=expires_in_days)
        return cast(m.IssuedToken, self._send("POST", "/tokens", body))

    def list_tokens(
        self, user: Optional[str] = None, cursor: Optional[str] = None, limit: Optional[int] = None
    ) -> m.TokenPage:
        return cast(m.TokenPage, self._get("/tokens", user=user, cursor=cursor, limit=limit))

    def revoke_token(self, token_id: str) -> None:
        self._send("DELETE", f"/tokens/{_q(token_id)}")

    def list_members(
        self, org: str, role: Optional[str] = None, cursor: Optional[str] = None, limit: Optional[int] = None
    ) -> m.MemberPage:
        return cast(m.MemberPage, self._get(f"/orgs/{_q(org)}/members", role=role, cursor=cursor, limit=limit))

    def get_member(self, org: str, user: str) -> m.Member:
        return cast(m.Member, self._get(f"/orgs/{_q(org)}/members/{_q(user)}"))

    def put_member(self, org: str, user: str, role: str) -> m.Member:
        return cast(m.Member, self._send("PUT", f"/orgs/{_q(org)}/members/{_q(user)}", {"role": role}))

    def remove_member(self, org: str, user: str) -> None:
        self._send("DELETE", f"/orgs/{_q(org)}/members/{_q(user)}")

    def put_secret(self, org: str, name: str, value: str) -> m.SecretInfo:
        return cast(m.SecretInfo, self._send("PUT", f"/orgs/{_q(org)}/secrets/{_q(name)}", {"value": value}))

    def list_secrets(self, org: str) -> m.SecretList:
        return cast(m.SecretList, self._get(f"/orgs/{_q(org)}/secrets"))

    def delete_secret(self, org: str, name: str) -> None:
        self._send("DELETE", f"/orgs/{_q(org)}/secrets/{_q(name)}")

    def list_audit(self, **filters: Union[str, int, None]) -> m.AuditPage:
        """Audit entries (admin); filters ``actor``, ``action``, ``target``, ``outcome``, ``since``, ``until``,
        ``cursor``, ``limit``."""
        return cast(m.AuditPage, self._get("/audit", **filters))

    def request(self, method: str, path: str, *, query: Optional[Mapping[str, Any]] = None, body: Any = None) -> Any:
        """Any other route, as JSON in and out."""
        return self.transport.request(method, path, query=query, json_body=body)
