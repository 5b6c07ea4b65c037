"""``SkillExecutor``: run skills (with files), follow their events live, download what they wrote."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import urllib.parse
from dataclasses import dataclass
from typing import Any, Dict, Iterator, Mapping, Optional, Union

from . import models as m
from ._http import Files
from .client import Client
from .errors import OpenSkillsError

__all__ = ["SkillExecutor", "DownloadedArtifact"]

_FILENAME_STAR = re.compile(r"filename\*=UTF-8''([^;]+)", re.IGNORECASE)


@dataclass(frozen=True)
class DownloadedArtifact:
    """An artifact's bytes, checked against its SHA-256 (the server's ETag)."""

    id: str
    #: The name the skill gave it.
    name: str
    media_type: str
    sha256: str
    content: bytes
    #: Where it was written, when ``download_artifact`` was given a path.
    path: Optional[str] = None


class SkillExecutor:
    """Runs skills and reads what they produce.

    >>> executor = SkillExecutor(base_url="http://localhost:8000", token=token)  # doctest: +SKIP
    >>> run = executor.run("excel-to-pptx", {"file": "q1.xlsx"}, files=["q1.xlsx"])  # doctest: +SKIP
    >>> executor.download_artifact(run["artifacts"][0]["id"], path="out/")  # doctest: +SKIP
    """

    def __init__(
        self,
        base_url: Optional[str] = None,
        token: Optional[str] = None,
        *,
        client: Optional[Client] = None,
        timeout: float = 120.0,
    ) -> None:
        if client is None:
            if base_url is None:
                raise ValueError("pass base_url (and token) or client")
            client = Client(base_url, token, timeout=timeout)
        self.client = client

    def run(
        self,
        skill: str,
        input: Any = None,
        files: Optional[Files] = None,
        version: Optional[str] = None,
        timeout_ms: Optional[int] = None,
    ) -> m.Run:
        """Runs a skill and returns the finished run, whatever its status (a failed skill is a run, not a raise).

        ``files`` are what the skill reads with ``ctx.files``: ``{name: path | bytes | file object}``, or a list of
        paths and file objects named by their file names; a file input's value names one of them. The call waits
        as long as the run takes (the server bounds it; with ``timeout_ms``, that plus a minute)."""
        wait = None if timeout_ms is None else timeout_ms / 1000 + 60
        return self.client.create_run(self._request(skill, input, version, timeout_ms, False), files, timeout=wait)

    def start(
        self,
        skill: str,
        input: Any = None,
        files: Optional[Files] = None,
        version: Optional[str] = None,
        timeout_ms: Optional[int] = None,
    ) -> m.Run:
        """Starts a run and returns at once with the queued run; follow it with ``stream(run["id"])``."""
        return self.client.create_run(self._request(skill, input, version, timeout_ms, True), files)

    @staticmethod
    def _request(skill: str, input: Any, version: Optional[str], timeout_ms: Optional[int], run_async: bool) -> Any:
        request: Dict[str, Any] = {"skill": skill, "input": {} if input is None else input}
        if version is not None:
            request["version"] = version
        if timeout_ms is not None:
            request["timeout_ms"] = timeout_ms
        if run_async:
            request["async"] = True
        return request

    def stream(self, run_id: str, timeout: Optional[float] = None) -> Iterator[Dict[str, Any]]:
        """A run's events as they happen (replayed from the start when it has finished): ``{"event", "data",
        "id"}`` with ``event`` one of ``status``, ``log``, ``artifact``, ``child``, ``done`` (``data``: the run)."""
        return self.client.run_events(run_id, timeout=timeout)

    def download_artifact(
        self, artifact_id: Union[str, Mapping[str, Any]], path: Union[str, "os.PathLike[str]", None] = None
    ) -> DownloadedArtifact:
        """An artifact's bytes, checked against its SHA-256. With ``path``, also written there (into it, under the
        artifact's name, when ``path`` is a folder); the file appears whole or not at all."""
        artifact = artifact_id if isinstance(artifact_id, str) else str(artifact_id["id"])
        with self.client.transport.open("GET", f"/artifacts/{urllib.parse.quote(artifact, safe='')}") as response:
            content = self.client.transport.read(response, f"artifact {artifact}")
            headers = {k.lower(): v for k, v in response.headers.items()}
        digest = hashlib.sha256(content).hexdigest()
        etag = re.sub(r'^W/|"', "", headers.get("etag", ""))
        if etag and etag != digest:
            raise OpenSkillsError(0, "Corrupt download", f"Artifact {artifact}: SHA-256 {digest} does not match {etag}")
        found = _FILENAME_STAR.search(headers.get("content-disposition", ""))
        name = urllib.parse.unquote(found.group(1)) if found else artifact
        written = _write_whole(path, name, content) if path is not None else None
        media_type = headers.get("content-type", "application/octet-stream")
        return DownloadedArtifact(artifact, name, media_type, digest, content, written)

    def emit_artifact_event(self, artifact: Mapping[str, Any]) -> Dict[str, Any]:
        """The AI SDK UI message stream chunk for a file a run produced: ``{"type": "file", "url", "mediaType"}``,
        with the URL made absolute, for apps that write their own stream to a ``useChat`` front end."""
        url = str(artifact["url"])
        if url.startswith("/"):
            url = self.client.base_url + url
        return {"type": "file", "url": url, "mediaType": artifact["mime_type"]}


def _write_whole(path: Union[str, "os.PathLike[str]"], name: str, content: bytes) -> str:
    target = os.fspath(path)
    if os.path.isdir(target) or target.endswith(os.sep):
        # The skill chose the name: keep only its last part, so it cannot point outside the folder.
        safe = os.path.basename(name.replace("\\", "/")) or "artifact"
        safe = "artifact" if safe in (".", "..") else safe
        os.makedirs(target, exist_ok=True)
        target = os.path.join(target, safe)
    folder = os.path.dirname(os.path.abspath(target))
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".download-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return target
