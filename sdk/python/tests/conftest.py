"""Starts a real open-skills server (embedded database, example skills loaded) for the session, unless
``OPEN_SKILLS_TEST_URL`` and ``OPEN_SKILLS_TEST_TOKEN`` name one already running.

The server is the repository's own (``node --import tsx src/main.ts``, three folders up); ``OPEN_SKILLS_NODE`` names
the Node.js binary (22+) when ``node`` on PATH is older.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Iterator, NamedTuple

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
from open_skills import Client, OpenSkillsError

#: Example skills the tests run or search for.
NEEDED = {"excel-to-pptx", "text-stats", "csv-to-json"}
START_TIMEOUT_S = 120.0


class Server(NamedTuple):
    url: str
    token: str


def _server_env(data_dir: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POSTGRES_", "S3_", "JWT_", "OPENAI_", "LANGFUSE_"))}
    env.update(
        PORT="0",
        HOST="127.0.0.1",
        DATA_DIR=data_dir,
        LOG_LEVEL="warn",
        LOAD_EXAMPLES="true",
        RUN_WORKERS="1",
    )
    env.pop("PUBLIC_URL", None)
    return env


def _wait_for_files(process: subprocess.Popen, data_dir: Path, log: Path, deadline: float) -> Server:
    url_file, token_file = data_dir / "server-url", data_dir / "admin-token"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        if url_file.exists() and token_file.exists() and token_file.read_text().strip():
            return Server(url_file.read_text().strip(), token_file.read_text().strip())
        time.sleep(0.1)
    raise RuntimeError(f"the server did not start in {START_TIMEOUT_S} s:\n{log.read_text()[-4000:]}")


def _wait_for_examples(server: Server, deadline: float) -> None:
    """The first start loads the example skills after listening; wait until those the tests use are published
    and the router finds them."""
    client = Client(server.url, server.token)
    while time.monotonic() < deadline:
        try:
            published = {s["name"] for s in client.iter_skills() if s["latest_version"]}
            found = client.search("turn this Excel workbook into a PowerPoint deck", top_k=1)["results"]
            if NEEDED <= published and found:
                return
        except OpenSkillsError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the example skills were not loaded in time")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    if os.environ.get("OPEN_SKILLS_TEST_URL") and os.environ.get("OPEN_SKILLS_TEST_TOKEN"):
        yield Server(os.environ["OPEN_SKILLS_TEST_URL"].rstrip("/"), os.environ["OPEN_SKILLS_TEST_TOKEN"])
        return
    data_dir = Path(tempfile.mkdtemp(prefix="open-skills-pytest-"))
    log = data_dir / "server.log"
    node = os.environ.get("OPEN_SKILLS_NODE", "node")
    command = [node, "--no-node-snapshot", "--import", "tsx", "src/main.ts"]
    with open(log, "wb") as output:
        process = subprocess.Popen(
            command, cwd=REPO, env=_server_env(str(data_dir)), stdout=output, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        running = _wait_for_files(process, data_dir, log, deadline)
        _wait_for_examples(running, deadline)
        yield running
    finally:
        _stop(process)
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def client(server: Server) -> Client:
    return Client(server.url, server.token)
