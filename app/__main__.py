"""``python -m app``: the ``ranked`` command line."""

from app.cli import main

main()
