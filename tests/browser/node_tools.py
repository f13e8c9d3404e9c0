"""Third-party scripts the browser tests load into Chromium, pinned in tests/js/package.json
(pym.js as a news site's host script, axe-core for the WCAG checks). They are installed
from the npm registry by ``npm ci`` the first time a test asks for one, never committed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

JS_DIR = Path(__file__).resolve().parent.parent / "js"
PYM = "pym.js/dist/pym.v1.min.js"
AXE = "axe-core/axe.min.js"


def node_file(relative: str) -> Path:
    """``tests/js/node_modules/<relative>``, after ``npm ci`` when it is missing.

    A missing npm or a failed install is a failure, never a skip: CI must run these tests.
    """
    target = JS_DIR / "node_modules" / relative
    if not target.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm not found: install Node.js and npm to run the browser tests")
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
            cwd=JS_DIR,
            check=True,
            timeout=300,
            stdout=subprocess.DEVNULL,
        )
    if not target.exists():
        pytest.fail(f"npm ci did not install {relative}")
    return target
