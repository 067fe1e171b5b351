"""Provides finreader's two Textual themes: dark (default) and light.

Colours are picked from the xterm 256-colour cube (e.g. #5fafd7 is colour 74), so a 256-colour
terminal shows the same palette as a true-colour one instead of a nearest-match approximation.
"""

from __future__ import annotations

from textual.theme import Theme

DARK = Theme(
    name="finreader-dark",
    primary="#5fafd7",  # 74
    secondary="#87afaf",  # 109
    accent="#ffaf00",  # 214
    foreground="#d0d0d0",  # 252
    background="#121212",  # 233
    surface="#1c1c1c",  # 234
    panel="#262626",  # 235
    success="#5faf5f",  # 71
    warning="#d7af00",  # 178
    error="#d75f5f",  # 167
    dark=True,
)

LIGHT = Theme(
    name="finreader-light",
    primary="#005f87",  # 24
    secondary="#5f8787",  # 66
    accent="#af5f00",  # 130
    foreground="#1c1c1c",  # 234
    background="#eeeeee",  # 255
    surface="#e4e4e4",  # 254
    panel="#d0d0d0",  # 252
    success="#008700",  # 28
    warning="#af8700",  # 136
    error="#af0000",  # 124
    dark=False,
)

THEMES = {"dark": DARK, "light": LIGHT}


def theme_for(setting: str | None) -> Theme:
    """The theme named in the config ('dark' or 'light'); anything else falls back to dark."""
    return THEMES.get((setting or "dark").lower(), DARK)


def render_theme(theme_name: str) -> str:
    """The renderer's theme name ('dark'/'light') for a Textual theme name."""
    return "light" if theme_name == LIGHT.name else "dark"
