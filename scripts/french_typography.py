"""Put French typography's non-breaking spaces into the French catalogue, in place.

Before « : ; ? ! % » and after «, a French text wants a non-breaking space (here U+00A0);
a test fails when one is missing, and this fixes them all at once.
"""

import re
import sys
from pathlib import Path

NBSP = "\u00a0"
FRENCH = Path(__file__).resolve().parent.parent / "lib" / "locales" / "fr"


def fix(text: str) -> str:
    text = re.sub(r"(?<=\S) ([:;?!%»])", NBSP + r"\1", text)
    return re.sub(r"« ", "«" + NBSP, text)


TRIPLE = '"' * 3  # opens and closes a multi-line TOML string


def fix_lines(lines: list[str]) -> str:
    """Fix the values of ``key = "value"`` lines and every line inside a multi-line
    string; never a key, an '=' or a comment."""
    fixed, inside = [], False
    for line in lines:
        if inside:
            fixed.append(fix(line))
            inside = line.count(TRIPLE) % 2 == 0
            continue
        key, sep, value = line.partition(" = ")
        fixed.append(key + sep + fix(value) if sep else line)
        inside = bool(sep) and value.count(TRIPLE) % 2 == 1
    return "".join(fixed)


if __name__ == "__main__":
    for path in sorted(FRENCH.glob("*.toml")):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        fixed = fix_lines(lines)
        if fixed != "".join(lines):
            path.write_text(fixed, encoding="utf-8")
            print(f"fixed {path.name}", file=sys.stderr)
