"""The worker: arq only (queue, cron table, job functions); it calls the domain services.

Nothing outside this package imports arq (an import-linter contract), so it could be
swapped for another queue without touching a domain.
"""
