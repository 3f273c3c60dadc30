"""The one typed settings object.

Values come from flags, then ``CREDITGRAPH_*`` environment variables, then a
``.env`` file in the working directory. Only entry points (CLI, app, test
fixtures) build a :class:`Settings`; library code takes plain arguments.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "DEFAULT_ID_HASH_KEY"]

# The published demo key: hashes made with it can be reversed, so only `creditgraph demo` (on
# synthetic data) accepts it; every other command that touches a store refuses it
# (creditgraph/keys.py). Deployments set CREDITGRAPH_ID_HASH_KEY; tests set their own.
DEFAULT_ID_HASH_KEY = "creditgraph-dev-key-change-me"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CREDITGRAPH_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # Which store: a Neo4j URI switches from the embedded default to Neo4j.
    neo4j_uri: str | None = Field(None, description="bolt:// or neo4j:// URI; unset = embedded store")
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr | None = None
    neo4j_database: str | None = None

    # Embedded ArcadeDB store.
    data_dir: Path = Field(Path(".creditgraph"), description="where the embedded store and caches live")
    embedded_heap: str = Field("1g", description="JVM heap of the embedded store")
    embedded_page_ram_mb: int | None = Field(None, ge=16, description="ArcadeDB's page cache, on the heap, in MB "
                                             "(unset: half the heap); lower it to leave a large load --bulk the heap")
    embedded_port: int = Field(0, description="Bolt port of the embedded store; 0 picks a free one")
    embedded_class_cache: bool = Field(True, description="start the embedded store's JVM from a class cache, "
                                       "made once per ArcadeDB build in the background (graph/jvm_cache.py)")

    # Extra flags for every JVM creditgraph starts: the embedded store's, a local Neo4j's, neo4j-admin.
    jvm_options: str = Field("", description="extra JVM flags, shell-quoted, for the embedded store, a local "
                             "Neo4j and neo4j-admin; e.g. '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC' starts short "
                             "commands on small stores on about half the CPU (the tests use it), but long loads "
                             "run slower")

    # Privacy: full ID numbers are kept only as a keyed hash.
    id_hash_key: SecretStr = SecretStr(DEFAULT_ID_HASH_KEY)

    # Signs the query register's checkpoints (`creditgraph audit checkpoint`). Held by the
    # operator who anchors the register, never by the explorer process.
    audit_key: SecretStr | None = Field(None, description="HMAC key of the audit checkpoints")

    # Who is asking, for the query register (查询登记).
    user: str = "anonymous"

    # Explorer logins (creditgraph/access.py): a users file with hashed passwords and roles, or
    # the user name a reverse proxy puts in a request header (trusted only when named here).
    # With neither, the explorer serves loopback only, to one local user with ``role``.
    users_file: Path | None = Field(None, description="explorer users and roles (unset: <data dir>/users.yaml)")
    auth_header: str | None = Field(None, description="request header in which a reverse proxy names the "
                                    "signed-in user, e.g. X-Forwarded-User; unset = not trusted")
    role: str = Field("admin", description="role of the local user when no logins are configured")

    # The explorer shows times (query register, reports) in the deployment's zone.
    display_tz: str = Field("Asia/Shanghai", description="IANA time zone the explorer shows times in")

    batch_size: int = Field(2000, ge=1, description="rows per UNWIND batch")
    embedded_tx_rows: int = Field(20000, ge=1, description="rows per transaction of the embedded store's "
                                     "in-process write-backs (links, resolved keys, scores): ArcadeDB writes a "
                                     "row ~2x faster in 20,000-row transactions than in 2,000 "
                                     "(bench/results/writeback_tx_rows.txt)")
    scoring_processes: int = Field(2, ge=1, le=2, description="2: scoring runs spread and clusters in a forked "
                                   "child beside the firm scorers (Linux, Neo4j; the embedded store's JVM "
                                   "runs in this process and cannot be forked); 1: all in one process")

    @property
    def use_neo4j(self) -> bool:
        return bool(self.neo4j_uri)

    @field_validator("jvm_options")
    @classmethod
    def _jvm_options_split(cls, value: str) -> str:
        shlex.split(value)  # an unclosed quote: ValueError, reported as a settings error, not later in a JVM start
        return value

    @property
    def jvm_option_list(self) -> list[str]:
        return shlex.split(self.jvm_options)

    @property
    def embedded_dir(self) -> Path:
        return self.data_dir / "embedded"

    @property
    def users_path(self) -> Path:
        return self.users_file or self.data_dir / "users.yaml"

    @property
    def neo4j_home(self) -> Path:
        return self.data_dir / "neo4j"
