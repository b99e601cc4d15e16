"""Draw the installed app's icons (tracker/static/img/icon-*.png): a white tick on the navbar's blue.

Full-bleed, with the mark inside the central 60 % so the same file serves as a maskable icon.
Run once after changing the design: .venv/bin/python scripts/build_app_icons.py
"""
from pathlib import Path

from PIL import Image, ImageDraw

BLUE = (10, 88, 202)
GOLD = (242, 201, 76)
OUT = Path(__file__).resolve().parent.parent / "tracker" / "static" / "img"


def icon(size: int) -> Image.Image:
    """One square icon of the given size in pixels."""
    scale = 4  # drawn large, then reduced: smooth edges without an SVG renderer
    big = size * scale
    image = Image.new("RGB", (big, big), BLUE)
    draw = ImageDraw.Draw(image)
    unit = big / 100
    draw.ellipse([27 * unit, 27 * unit, 73 * unit, 73 * unit], outline=GOLD, width=round(5 * unit))
    draw.line([(38 * unit, 51 * unit), (47 * unit, 60 * unit), (63 * unit, 41 * unit)],
              fill=(255, 255, 255), width=round(7 * unit), joint="curve")
    return image.resize((size, size), Image.Resampling.LANCZOS)


if __name__ == "__main__":
    for size in (180, 192, 512):
        icon(size).save(OUT / f"icon-{size}.png", optimize=True)
        print(f"wrote {OUT / f'icon-{size}.png'}")
