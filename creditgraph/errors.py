"""The one exception tree of creditgraph.

Every error the product raises on purpose derives from :class:`CreditGraphError`,
so an entry point can catch one type and print a clean message. Driver and
library errors are wrapped at the boundary with ``raise ... from e`` so the
original stays attached for debugging.
"""

__all__ = [
    "CreditGraphError",
    "SchemaError",
    "LoaderError",
    "BadFileError",
    "MappingError",
    "StoreError",
    "StoreUnavailable",
    "StoreLocked",
    "NotFound",
    "Neo4jServerError",
    "ReportError",
    "AccessDenied",
]


class CreditGraphError(Exception):
    """Base class of every error raised by creditgraph."""


class SchemaError(CreditGraphError):
    """A label, relationship type or property is not in the schema, or breaks it."""


class LoaderError(CreditGraphError):
    """Loading input failed as a whole (a single bad row is quarantined instead)."""


class BadFileError(LoaderError):
    """A file cannot be read or parsed at all; the message names the file."""


class MappingError(LoaderError):
    """A source mapping is malformed or refers to something that does not exist."""


class StoreError(CreditGraphError):
    """The graph store refused or failed an operation."""


class StoreUnavailable(StoreError):
    """The store cannot be reached; retrying later may help."""


class StoreLocked(StoreError):
    """Another process owns the embedded store's data folder and cannot be reached."""


class NotFound(StoreError):
    """The requested entity is not in the graph."""


class Neo4jServerError(CreditGraphError):
    """The project's local Neo4j server could not be fetched, started or stopped."""


class ReportError(CreditGraphError):
    """An export (CSV, GraphML, PDF report) cannot be produced, e.g. no CJK font is installed."""


class AccessDenied(CreditGraphError):
    """The signed-in role may not see or do this (creditgraph/access.yaml); the message says what."""
