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


def fix_line(line: str) -> str:
    # Only the quoted value of a ``key = "value"`` line, never the key or the '='.
    key, sep, value = line.partition(" = ")
    return key + sep + fix(value) if sep else line


if __name__ == "__main__":
    for path in sorted(FRENCH.glob("*.toml")):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        fixed = "".join(fix_line(line) for line in lines)
        if fixed != "".join(lines):
            path.write_text(fixed, encoding="utf-8")
            print(f"fixed {path.name}", file=sys.stderr)
