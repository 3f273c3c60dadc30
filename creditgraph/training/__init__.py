"""Training the shipped models on synthetic cities: ``python -m creditgraph.training persons|shell``.

Training needs what scoring must not: the generator (:mod:`creditgraph.synth`) for labelled
cities and the real loaders to read them. It lives here, above ``analytics/``, which stays pure
functions over graphs and frames; the model files it writes are read back by
:func:`creditgraph.analytics.model_file.load_model`.

* :mod:`.cities` — generate a city of a profile, load it in memory, resolve it.
* :mod:`.persons` — the person-resolution model (``person_model.json``).
* :mod:`.shell` — the shell-company model (``shell_model.json``).
"""
