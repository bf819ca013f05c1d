"""Benchmarks of the Ranked service, run by ``make bench`` (``python -m bench.run``).

``run`` orchestrates; ``stores`` prepares PostgreSQL and Redis; ``service`` drives the
``ranked`` command line and the server; ``driver`` is the closed-loop load driver shared by
``http_load`` and ``redis_load`` (each run in a separate process); ``live`` runs the
live-subscription scenarios with ``live_subscribers`` and ``live_driver`` processes, driven
through ``children``; ``cpu`` samples CPU time of the processes under test; ``report``
prints the table and writes ``results/*.json``; ``console`` prints progress.
"""
