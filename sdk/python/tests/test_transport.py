"""What the transport does with answers no open-skills server gives: a proxy's HTML error page, a stream cut short."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

import pytest

from open_skills import Client, OpenSkillsError, SkillExecutor


class _Proxy(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("location", "/seen-token")
            body = b""
        elif self.path == "/seen-token":
            body = json.dumps({"authorization": self.headers.get("authorization")}).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
        elif self.path.endswith("/events"):
            body = b'event: status\ndata: {"id":"r1","status":"running"}\n\nevent: log\ndata: {"message":"hi"}\n\n'
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
        else:
            body = b"<html><body>502 Bad Gateway</body></html>"
            self.send_response(502, "Bad Gateway")
            self.send_header("content-type", "text/html")
            self.send_header("x-request-id", "proxy-1")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def proxy_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Proxy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_an_error_without_problem_json_keeps_status_and_text(proxy_url: str) -> None:
    with pytest.raises(OpenSkillsError) as caught:
        Client(proxy_url, "t").me()
    error = caught.value
    assert (error.status, error.title, error.request_id) == (502, "Bad Gateway", "proxy-1")
    assert "502 Bad Gateway" in error.detail and error.problem == {}


def test_a_stream_that_ends_before_done_raises(proxy_url: str) -> None:
    events = []
    with pytest.raises(OpenSkillsError) as caught:
        for event in SkillExecutor(proxy_url, "t").stream("r1"):
            events.append(event)
    assert [e["event"] for e in events] == ["status", "log"]
    assert events[0]["data"] == {"id": "r1", "status": "running"}
    assert caught.value.title == "Stream ended"


def test_the_token_is_not_sent_where_a_redirect_points(proxy_url: str) -> None:
    client = Client(proxy_url, "secret-token")
    assert client.request("GET", "/seen-token") == {"authorization": "Bearer secret-token"}
    assert client.request("GET", "/moved") == {"authorization": None}
