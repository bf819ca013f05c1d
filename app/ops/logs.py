"""The service's log lines: JSON objects for a log collector, or readable text on a
terminal, each naming the request it was written for (``app.ops.request_ids``).

``configure_logging`` sets up the process (the command line calls it); ``logging_config`` is
the same as a ``logging.config.dictConfig`` dict, which uvicorn applies in each of its
worker processes, so its own loggers (``uvicorn.error``, ``uvicorn.access``) come out the
same way.
"""

from __future__ import annotations

import json
import logging
import logging.config
import sys
from datetime import UTC, datetime
from typing import Any

from app.ops import request_ids
from app.settings import Settings

# What every LogRecord has: anything else on a record was passed in ``extra=``.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "color_message",  # uvicorn's coloured copy of the message
    "request_id",
}
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


def extras(record: logging.LogRecord) -> dict[str, Any]:
    """The fields given in ``extra=`` (``log.warning("slow", extra={"ms": 612})``)."""
    return {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}


def _request_id(record: logging.LogRecord) -> str | None:
    given = getattr(record, "request_id", None)
    return str(given) if given else request_ids.current()


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, the extras, and
    the traceback (``exc``) if any."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": _request_id(record),
            **extras(record),
        }
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """``12:00:01 WARNING app.graphql [request id] message key=value ...``"""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s %(message)s", "%H:%M:%S")

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        text = super().formatMessage(record)
        rid = _request_id(record)
        fields = "".join(f" {k}={v}" for k, v in extras(record).items())
        return text + fields + (f" [{rid}]" if rid else "")


def json_lines(settings: Settings) -> bool:
    """Whether logs are JSON: asked for, or (auto) stderr is not a terminal."""
    if settings.log_format == "auto":
        return not sys.stderr.isatty()
    return settings.log_format == "json"


def logging_config(settings: Settings) -> dict[str, Any]:
    """The process's logging, as a ``dictConfig`` dict: one stderr handler on the root
    logger, uvicorn's loggers passing their lines to it."""
    level = settings.log_level.upper()
    formatter = JsonFormatter if json_lines(settings) else TextFormatter
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"ranked": {"()": f"{formatter.__module__}.{formatter.__qualname__}"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "ranked",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {
            name: {"level": level, "handlers": [], "propagate": True} for name in UVICORN_LOGGERS
        },
    }


def configure_logging(settings: Settings) -> None:
    """Set up this process's logging (see :func:`logging_config`)."""
    logging.config.dictConfig(logging_config(settings))
