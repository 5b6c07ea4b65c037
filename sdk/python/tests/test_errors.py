"""Refused requests raise one OpenSkillsError carrying the problem+json fields."""

from __future__ import annotations

import pytest

from open_skills import Client, OpenSkillsError, SkillExecutor


def test_unknown_skill_is_a_404_problem(client: Client) -> None:
    with pytest.raises(OpenSkillsError) as caught:
        client.get_skill("no-such-skill")
    error = caught.value
    assert error.status == 404
    assert error.title == "Not found"
    assert error.detail == 'Skill "no-such-skill" not found'
    assert error.type and error.type.endswith("/not-found")
    assert error.instance == "/skills/no-such-skill"
    assert error.request_id and error.request_id in str(error)


def test_running_an_unknown_skill_raises_with_the_detail(server) -> None:
    executor = SkillExecutor(base_url=server.url, token=server.token)
    with pytest.raises(OpenSkillsError) as caught:
        executor.run("no-such-skill", {"x": 1})
    assert caught.value.status == 404
    assert "no-such-skill" in caught.value.detail


def test_validation_problems_list_every_field(client: Client) -> None:
    with pytest.raises(OpenSkillsError) as caught:
        client.search("", top_k=0)
    error = caught.value
    assert error.status == 400
    fields = {e["field"] for e in error.errors}
    assert any("query" in f for f in fields) and any("top_k" in f for f in fields)


def test_a_bad_token_is_a_401(server) -> None:
    with pytest.raises(OpenSkillsError) as caught:
        Client(server.url, "not-a-token").me()
    assert caught.value.status == 401
    assert caught.value.request_id


def test_no_server_is_a_connection_error() -> None:
    with pytest.raises(OpenSkillsError) as caught:
        Client("http://127.0.0.1:9", "token", timeout=5).me()
    assert caught.value.status == 0 and caught.value.title == "Connection failed"


def test_base_url_must_be_http() -> None:
    with pytest.raises(ValueError):
        Client("localhost:8000")
