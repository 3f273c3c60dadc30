"""Declarative source mappings: which columns of a file become which nodes and edges.

A mapping is a YAML file (format in the README, built-ins in ``loaders/mappings/``), and it
is untrusted input: :func:`load_mapping` first checks its structure (pydantic models below;
an error names the path in the mapping, ``entities.firm.properties.uscc``), then parses and
checks it against the schema once. Lookup files must lie in the data file's folder, and a
``record_id`` template may hold only plain ``{column}`` fields. :meth:`SourceMapping.apply`
turns one input row into node and edge rows, or raises :class:`RowError` with the reason
the row is quarantined.

Modules: :mod:`.specs` (the parts of a mapping as values: columns, conditions, entities,
relationships), :mod:`.source` (:class:`SourceMapping`: the columns it reads, and one row in,
node and edge rows out), :mod:`.structure` (what a mapping file may hold, checked before
anything reads it), :mod:`.parse` (a file to a :class:`SourceMapping`, checked against the
schema; the built-in mappings).
"""

from creditgraph.loaders.mapping.parse import BUILTIN_DIR, builtin_mappings, load_mapping, load_mappings
from creditgraph.loaders.mapping.source import SourceMapping
from creditgraph.loaders.mapping.specs import (DEFAULT_NULLS, NAME_ONLY, NAME_ONLY_RISK, Condition, Derive, EntitySpec,
                                               PropSpec, RelSpec, RowError)

__all__ = ["RowError", "Condition", "Derive", "PropSpec", "EntitySpec", "RelSpec", "SourceMapping",
           "load_mapping", "load_mappings", "builtin_mappings", "DEFAULT_NULLS", "NAME_ONLY", "NAME_ONLY_RISK",
           "BUILTIN_DIR"]
