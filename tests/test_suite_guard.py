"""The suite refuses a SCOUTLY_TEST_MONGODB_URI that names the production (or any non-test) database."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("uri", ["mongodb://127.0.0.1:9/scoutly", "mongodb://127.0.0.1:9/jobs"])
def test_refuses_production_database(uri):
    env = {**os.environ, "SCOUTLY_TEST_MONGODB_URI": uri}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_redact.py"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 4, proc.stdout + proc.stderr
    assert "refusing" in proc.stdout + proc.stderr
