"""`tqcheck server` driven as an editor drives it: JSON-RPC over the server's stdin and stdout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
from conftest import ROOT

pytest.importorskip("pygls")

URI = "file:///work/news/a.md"
PAGE = "# Talks end\n\nOfficials said the the talks went well.\n\nLeave a Reply\n"


class Client:
    def __init__(self) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tqcheck", "server", "--lang", "en"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            env=env,
        )
        self.next_id = 0

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def receive(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        length = 0
        while (line := self.process.stdout.readline()) not in (b"\r\n", b""):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        assert length, (
            self.process.stderr.read().decode() if self.process.poll() is not None else "no message"
        )
        return json.loads(self.process.stdout.read(length))

    def request(self, method: str, params: dict[str, Any]) -> Any:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        while True:
            message = self.receive()
            if message.get("id") == self.next_id and "method" not in message:
                return message["result"]

    def notification(self, method: str) -> dict[str, Any]:
        while True:
            message = self.receive()
            if message.get("method") == method:
                return message["params"]

    def close(self) -> None:
        self.request("shutdown", {})
        self.send({"method": "exit"})
        self.process.wait(timeout=30)


@pytest.fixture
def client():
    client = Client()
    yield client
    if client.process.poll() is None:
        client.process.kill()


def test_diagnostics_and_quick_fixes(client: Client) -> None:
    result = client.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    assert result["serverInfo"]["name"] == "tqcheck"
    assert result["capabilities"]["codeActionProvider"]
    client.send({"method": "initialized", "params": {}})
    client.send(
        {
            "method": "textDocument/didOpen",
            "params": {"textDocument": {"uri": URI, "languageId": "markdown", "version": 1, "text": PAGE}},
        }
    )
    published = client.notification("textDocument/publishDiagnostics")
    assert published["uri"] == URI
    found = {d["code"]: d for d in published["diagnostics"]}
    assert set(found) == {"TQ202", "TQ101"}
    # 0-based lines; minor below the gate is information (3), major at the gate an error (1).
    assert found["TQ202"]["range"]["start"] == {"line": 2, "character": 15}
    assert (found["TQ202"]["severity"], found["TQ101"]["severity"]) == (3, 1)
    assert found["TQ101"]["codeDescription"]["href"].endswith("docs/rules.md#tq101")

    actions = client.request(
        "textDocument/codeAction",
        {
            "textDocument": {"uri": URI},
            "range": found["TQ202"]["range"],
            "context": {"diagnostics": [found["TQ202"]]},
        },
    )
    (action,) = actions
    assert action["title"] == "TQ202: “the”" and action["isPreferred"]
    (edit,) = action["edit"]["changes"][URI]
    assert edit["newText"] == "the" and edit["range"] == found["TQ202"]["range"]

    # Typing the fix: the diagnostic goes away.
    fixed = PAGE.replace("the the", "the")
    client.send(
        {
            "method": "textDocument/didChange",
            "params": {"textDocument": {"uri": URI, "version": 2}, "contentChanges": [{"text": fixed}]},
        }
    )
    published = client.notification("textDocument/publishDiagnostics")
    assert [d["code"] for d in published["diagnostics"]] == ["TQ101"]
    client.close()
    assert client.process.returncode == 0
