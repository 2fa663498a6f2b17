"""JSON-lines log formatting: one JSON object per record, one record per line, on stderr.

A traceback becomes a string field, so a multi-line stack never splits a record across lines.
Request details are limited to method, path and status: query strings and bodies can carry
personal data and stay out of the logs.
"""

import json
import logging
from datetime import UTC, datetime


class JsonLinesFormatter(logging.Formatter):
    """Format a log record as a single line of JSON."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        status_code = getattr(record, "status_code", None)
        if status_code is not None:
            entry["status_code"] = status_code
        request = getattr(record, "request", None)
        method = getattr(request, "method", None)
        if method is not None:
            entry["method"] = method
            entry["path"] = getattr(request, "path", "")
        if record.exc_info and record.exc_info[0] is not None:
            entry["exc_type"] = record.exc_info[0].__name__
            entry["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
