"""Commands run at the root of the checkout, as a developer runs them."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_in_checkout(command: list[str], env: dict[str, str]) -> str:
    """What the command prints, run at the root of the checkout with this environment alone;
    the test fails if it does."""
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout
