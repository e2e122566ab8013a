"""Rebuild the CJK font subset shipped in src/cnyx_sim/analysis/fonts/ (run by hand; not part of the build).

The plots label units and axes in Chinese. Matplotlib's default font has no Chinese glyphs, so the package
ships a subset of WenQuanYi Micro Hei (文泉驿微米黑, Apache License 2.0; Debian package fonts-wqy-microhei):
Latin-1, common punctuation and symbols, all 6763 hanzi of GB 2312 (which covers the names of every
prefecture-level city and district of Sichuan and Chongqing a user might add, such as 綦江) and every CJK
character that appears in the repository's data, scenarios, code and docs.

    apt-get install fonts-wqy-microhei
    .venv/bin/python tools/make_font_subset.py [/usr/share/fonts/truetype/wqy/wqy-microhei.ttc]
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "cnyx_sim" / "analysis" / "fonts" / "cnyx-cjk-subset.ttf"
SOURCE = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
UNICODES = ("U+0020-007E,U+00A0-00FF,U+2010-2027,U+2030-2044,U+2190-2193,U+2212,U+2248,U+2264,U+2265,"
            "U+221E,U+00D7,U+3000-303F,U+FF01-FF5E")
CJK = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]")


def characters() -> str:
    chars = set()
    for first in range(0xB0, 0xF8):  # GB 2312 hanzi rows
        for second in range(0xA1, 0xFF):
            try:
                chars.add(bytes([first, second]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    for path in ROOT.rglob("*"):
        if path.is_file() and path.suffix in (".py", ".csv", ".yaml", ".md", ".ipynb") and ".venv" not in str(path):
            chars |= set(CJK.findall(path.read_text(encoding="utf-8", errors="ignore")))
    return "".join(sorted(chars))


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else SOURCE
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False) as handle:
        handle.write(characters())
    subprocess.run([sys.executable, "-m", "fontTools.subset", str(source), "--font-number=0",
                    f"--text-file={handle.name}", f"--unicodes={UNICODES}", "--layout-features=*",
                    "--no-hinting", "--drop-tables+=FFTM", f"--output-file={OUT}"], check=True)
    Path(handle.name).unlink()
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
