"""Entity resolution over the exported graph: which nodes are the same real-world entity.

Pure functions over NetworkX graphs; each returns its decisions with the evidence for
them, and lists what it could not decide rather than guessing.
"""
