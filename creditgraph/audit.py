"""The query register (查询登记): who looked up what, when, and how much came back.

Append-only JSON lines; the product only ever appends. Query text is masked
(full ID numbers are replaced by their masked form) before it is written.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from creditgraph.loaders.report import json_line
from creditgraph.loaders.transforms import scrub_ids

__all__ = ["AuditLog"]


class AuditLog:
    def __init__(self, path: Path, user: str) -> None:
        self.path = Path(path)
        self.user = user

    def record(self, action: str, query: Any, results: int) -> None:
        """Append one entry; opened in append mode so earlier entries are never rewritten."""
        entry = {
            "at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "user": self.user,
            "action": action,
            "query": scrub_ids(json.dumps(query, ensure_ascii=False)),
            "results": results,
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as fh:
            fh.write(json_line(entry))

    def entries(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line]
