"""Colour contrast (WCAG 2.1), to put readable text on the official SDG colours."""

# Pure black: with white, one of the two always reaches 4.58:1 on any background.
BLACK, WHITE = "#000000", "#FFFFFF"


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(hex_colour: str) -> float:
    digits = hex_colour.lstrip("#")
    if len(digits) != 6:
        raise ValueError(f"not a #RRGGBB colour: {hex_colour!r}")
    r, g, b = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable_text_colour(background: str) -> str:
    """Black or white, whichever contrasts more with `background`."""
    return max((BLACK, WHITE), key=lambda text: contrast_ratio(background, text))
