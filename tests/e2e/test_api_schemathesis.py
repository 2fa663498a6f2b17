"""schemathesis against the running server: the OpenAPI schema and the server agree.

``--checks all`` sends requests generated from /api/schema/ (valid ones, which must be accepted,
and invalid ones, which must be refused with a 4xx), and checks every answer against the schema:
status codes, content types, bodies and headers. Bounded so that it takes well under a minute.
"""

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

# Examples per operation and phase; about 600 requests in all, inside the API's hourly limit.
MAX_EXAMPLES = 30
TIME_LIMIT_SECONDS = 240


def test_schemathesis_finds_no_failure_with_all_checks(server):
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("st")),
            "run",
            f"{server.url}/api/schema/",
            "--checks",
            "all",
            "--max-examples",
            str(MAX_EXAMPLES),
            "--request-timeout",
            "20",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT_SECONDS,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "No issues found" in result.stdout
