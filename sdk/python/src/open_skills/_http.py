"""HTTP over the standard library (``urllib``): JSON and multipart requests, problem+json errors, SSE parsing."""

from __future__ import annotations

import io
import json
import mimetypes
import os
import secrets
import urllib.error
import urllib.parse
import urllib.request
from http.client import HTTPResponse
from typing import IO, Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

from ._version import __version__
from .errors import OpenSkillsError

#: What a file may be given as: a path, bytes (named by the mapping key) or an open binary file object.
FileInput = Union[str, "os.PathLike[str]", bytes, bytearray, IO[bytes]]
#: Files for a run: ``{name: file}``, or a list of paths and file objects (named by their file names).
Files = Union[Mapping[str, FileInput], Sequence[FileInput], str, "os.PathLike[str]"]

USER_AGENT = f"open-skills-python/{__version__}"

#: ``timeout=DEFAULT``: the transport's own timeout; ``timeout=None``: wait as long as the server takes (it bounds
#: every run), for synchronous runs and event streams.
DEFAULT: Any = object()


def quote_segment(value: str) -> str:
    """One path segment, percent-encoded (ids, names and labels may hold any character)."""
    return urllib.parse.quote(str(value), safe="")


class Transport:
    """Sends requests to one server with one bearer token; every failing status raises ``OpenSkillsError``."""

    def __init__(self, base_url: str, token: Optional[str] = None, timeout: float = 120.0) -> None:
        if not base_url or not base_url.startswith(("http://", "https://")):
            raise ValueError(f"base_url must be an http:// or https:// URL, got {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def url(self, path: str, query: Optional[Mapping[str, Any]] = None) -> str:
        """The absolute URL of an API path (or of an absolute URL the server returned), with its query string."""
        url = path if path.startswith(("http://", "https://")) else self.base_url + path
        pairs = [(k, _query_value(v)) for k, v in (query or {}).items() if v is not None]
        return f"{url}?{urllib.parse.urlencode(pairs)}" if pairs else url

    def open(
        self,
        method: str,
        path: str,
        *,
        query: Optional[Mapping[str, Any]] = None,
        json_body: Any = None,
        body: Optional[bytes] = None,
        content_type: Optional[str] = None,
        headers: Optional[Mapping[str, str]] = None,
        timeout: Any = DEFAULT,
    ) -> HTTPResponse:
        """Sends a request and returns the open response (the caller reads and closes it)."""
        all_headers = {"user-agent": USER_AGENT, "accept": "application/json, */*"}
        if json_body is not None:
            body = json.dumps(json_body).encode("utf-8")
            content_type = "application/json"
        if content_type:
            all_headers["content-type"] = content_type
        all_headers.update(headers or {})
        request = urllib.request.Request(self.url(path, query), data=body, method=method, headers=all_headers)
        if self.token:
            # Not carried over to where a redirect points (it may be another host).
            request.add_unredirected_header("Authorization", f"Bearer {self.token}")
        try:
            wait = self.timeout if timeout is DEFAULT else timeout
            return urllib.request.urlopen(request, timeout=wait)  # noqa: S310 (http/https only)
        except urllib.error.HTTPError as error:
            with error:
                raise OpenSkillsError.from_response(
                    error.code, str(error.reason), error.read(), _lower(error.headers)
                ) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise OpenSkillsError(0, "Connection failed", f"{method} {self.url(path)}: {reason}") from None

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """Sends a request and returns the decoded JSON answer (``None`` for 204, text for non-JSON answers)."""
        with self.open(method, path, **kwargs) as response:
            data = self.read(response, f"{method} {path}")
            kind = response.headers.get("content-type", "")
        if not data:
            return None
        if "json" in kind:
            return json.loads(data.decode("utf-8"))
        return data.decode("utf-8")

    def read_bytes(self, path: str, headers: Optional[Mapping[str, str]] = None) -> bytes:
        with self.open("GET", path, headers=headers) as response:
            return self.read(response, f"GET {path}")

    @staticmethod
    def read(response: HTTPResponse, what: str) -> bytes:
        """The whole body; a connection lost or timed out while reading it is an ``OpenSkillsError`` too."""
        try:
            return response.read()
        except OSError as error:
            raise OpenSkillsError(0, "Connection failed", f"{what}: {error}") from None

    def multipart(self, method: str, path: str, fields: Sequence[Tuple[str, Any]], timeout: Any = DEFAULT) -> Any:
        """Sends ``multipart/form-data``: string values as fields, ``(filename, bytes, media type)`` as file parts."""
        boundary = "open-skills-" + secrets.token_hex(16)
        return self.request(
            method,
            path,
            body=encode_multipart(fields, boundary),
            content_type=f"multipart/form-data; boundary={boundary}",
            timeout=timeout,
        )


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _lower(headers: Any) -> Dict[str, str]:
    return {k.lower(): v for k, v in (headers.items() if headers else [])}


def _disposition_value(value: str) -> str:
    # As browsers do (WHATWG multipart/form-data encoding): UTF-8, with quote and line breaks percent-encoded.
    return value.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def encode_multipart(fields: Sequence[Tuple[str, Any]], boundary: str) -> bytes:
    """The body of a ``multipart/form-data`` request with this boundary."""
    out = io.BytesIO()
    for name, value in fields:
        out.write(f"--{boundary}\r\n".encode())
        disposition = f'form-data; name="{_disposition_value(name)}"'
        if isinstance(value, tuple):
            filename, data, media_type = value
            disposition += f'; filename="{_disposition_value(filename)}"'
            out.write(f"Content-Disposition: {disposition}\r\nContent-Type: {media_type}\r\n\r\n".encode())
            out.write(data)
        else:
            out.write(f"Content-Disposition: {disposition}\r\n\r\n".encode())
            out.write(str(value).encode("utf-8"))
        out.write(b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue()


def read_files(files: Optional[Files]) -> List[Tuple[str, bytes, str]]:
    """Files as ``(name, content, media type)``, from a mapping, a list, or a single path."""
    if files is None:
        return []
    if isinstance(files, (str, os.PathLike)):
        files = [files]
    if isinstance(files, Mapping):
        named = [(str(name), value) for name, value in files.items()]
    else:
        named = [(_file_name(value), value) for value in files]
    out = []
    for name, value in named:
        media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        out.append((name, _file_bytes(value), media_type))
    return out


def _file_name(value: Any) -> str:
    if isinstance(value, (str, os.PathLike)):
        return os.path.basename(os.fspath(value))
    name = getattr(value, "name", None)
    if isinstance(name, str) and name:
        return os.path.basename(name)
    raise TypeError("bytes have no file name: pass files as a mapping, e.g. files={'data.csv': b'...'}")


def _file_bytes(value: Any) -> bytes:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, (str, os.PathLike)):
        with open(value, "rb") as handle:
            return handle.read()
    if hasattr(value, "read"):
        data = value.read()
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)
    raise TypeError(f"a file must be a path, bytes or a binary file object, got {type(value).__name__}")


def iter_sse(response: HTTPResponse) -> Iterator[Dict[str, Any]]:
    """Server-Sent Events of a response, as ``{"event", "data", "id"}`` with ``data`` decoded from JSON."""
    event, data, event_id = "message", [], None
    for raw in response:
        line = raw.decode("utf-8").rstrip("\r\n")
        if not line:
            if data:
                text = "\n".join(data)
                yield {"event": event, "data": _json_or_text(text), "id": event_id}
            event, data = "message", []
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if field == "event":
            event = value
        elif field == "data":
            data.append(value)
        elif field == "id":
            event_id = value


def _json_or_text(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text
