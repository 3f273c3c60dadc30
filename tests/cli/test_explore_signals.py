"""`creditgraph explore` ends its Streamlit child on SIGTERM / SIGINT: no process left, the port free again."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from testenv import fresh_env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state == "Z"  # a zombie holds no port and runs nothing; its parent (init) reaps it


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_explore_leaves_no_process_and_frees_the_port(tmp_path, sig):
    port = _free_port()
    env = fresh_env(CREDITGRAPH_ID_HASH_KEY=os.environ["CREDITGRAPH_ID_HASH_KEY"],
                    CREDITGRAPH_AUDIT_KEY="the-checkpoint-key-stays-with-the-operator")
    proc = subprocess.Popen([sys.executable, "-m", "creditgraph.cli", "explore", "--data-dir", str(tmp_path / "d"),
                             "--port", str(port)], env=env, cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    kids: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert proc.poll() is None, proc.stderr.read().decode()
            kids = kids or _children(proc.pid)
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the explorer never became healthy")
        kids = _children(proc.pid)
        assert kids, "streamlit runs as a child of creditgraph explore"
        environ = Path(f"/proc/{kids[0]}/environ").read_bytes()
        assert b"CREDITGRAPH_AUDIT_KEY" not in environ  # the explorer never holds the checkpoint key

        proc.send_signal(sig)  # to creditgraph alone, as a service manager or a shell would
        assert proc.wait(timeout=30) == 128 + sig
        deadline = time.monotonic() + 10
        while not all(map(_gone, kids)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert all(map(_gone, kids)), f"left running: {[k for k in kids if not _gone(k)]}"
        with socket.socket() as s:  # nothing holds the port
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", port))
    finally:
        for pid in [proc.pid, *kids]:
            if not _gone(pid):
                os.kill(pid, signal.SIGKILL)
        proc.wait()
