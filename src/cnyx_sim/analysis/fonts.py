"""The CJK font shipped with the package, registered with matplotlib on first use (never at import).

``fonts/cnyx-cjk-subset.ttf`` is a subset of WenQuanYi Micro Hei (Apache License 2.0; see fonts/README.md):
Latin-1, punctuation, the 6763 hanzi of GB 2312 and every CJK character of the repository. It is put first in
matplotlib's sans-serif list, so Chinese and Latin labels share one font; characters it lacks fall back to the
next fonts in the list (matplotlib >= 3.6 falls back glyph by glyph).
"""

from __future__ import annotations

from pathlib import Path

FONT_FILE = Path(__file__).resolve().parent / "fonts" / "cnyx-cjk-subset.ttf"
_family: str | None = None


def font_family() -> str:
    """Register the bundled font with matplotlib (once) and return its family name."""
    global _family
    if _family is None:
        from matplotlib import font_manager

        font_manager.fontManager.addfont(str(FONT_FILE))
        _family = font_manager.FontProperties(fname=str(FONT_FILE)).get_name()
    return _family


def use_cjk_font() -> str:
    """Make the bundled font matplotlib's first sans-serif font (a global rcParams change, made when a
    cnyx_sim plot is drawn or when called explicitly). Returns the family name."""
    import matplotlib

    family = font_family()
    fonts = [family] + [f for f in matplotlib.rcParams["font.sans-serif"] if f != family]
    matplotlib.rcParams["font.sans-serif"] = fonts
    matplotlib.rcParams["font.family"] = ["sans-serif"]
    return family


def has_glyphs(text: str) -> bool:
    """True when the bundled font has a glyph for every character of ``text`` (spaces aside)."""
    from fontTools.ttLib import TTFont

    cmap = TTFont(str(FONT_FILE), lazy=True).getBestCmap()
    return all(ord(c) in cmap for c in text if not c.isspace())
