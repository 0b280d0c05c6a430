"""Product pictures for the demo shop, drawn with Pillow: a silhouette of the kind of product
in its colour on a light tint, with the brand and name underneath. Nothing is downloaded."""

from io import BytesIO

from PIL import Image, ImageDraw, ImageFont

SIZE = 800

# Silhouettes on a unit square: ("poly", points) | ("ellipse", box) | ("rect", box, radius)
# | ("pie", box, start, end) | ("line", points, width). Drawn in the product colour;
# ("hole", …) primitives are drawn in the background tint.
SHAPES: dict[str, list[tuple]] = {
    "jacket": [
        (
            "poly",
            [
                (0.38, 0.08),
                (0.62, 0.08),
                (0.86, 0.2),
                (0.98, 0.72),
                (0.84, 0.75),
                (0.76, 0.42),
                (0.76, 0.95),
                (0.24, 0.95),
                (0.24, 0.42),
                (0.16, 0.75),
                (0.02, 0.72),
                (0.14, 0.2),
            ],
        ),
        ("line", [(0.5, 0.14), (0.5, 0.95)], 6),
        ("hole", "poly", [(0.42, 0.08), (0.5, 0.2), (0.58, 0.08)]),
    ],
    "shirt": [
        (
            "poly",
            [
                (0.36, 0.1),
                (0.64, 0.1),
                (0.92, 0.24),
                (0.84, 0.42),
                (0.74, 0.38),
                (0.74, 0.92),
                (0.26, 0.92),
                (0.26, 0.38),
                (0.16, 0.42),
                (0.08, 0.24),
            ],
        ),
        ("hole", "pie", (0.4, 0.0, 0.6, 0.2), 0, 180),
    ],
    "trousers": [
        (
            "poly",
            [
                (0.28, 0.05),
                (0.72, 0.05),
                (0.8, 0.95),
                (0.56, 0.95),
                (0.5, 0.35),
                (0.44, 0.95),
                (0.2, 0.95),
            ],
        ),
        ("line", [(0.28, 0.12), (0.72, 0.12)], 5),
    ],
    "shoe": [
        (
            "poly",
            [
                (0.1, 0.3),
                (0.36, 0.3),
                (0.42, 0.5),
                (0.72, 0.6),
                (0.92, 0.68),
                (0.94, 0.8),
                (0.06, 0.8),
            ],
        ),
        ("rect", (0.05, 0.78, 0.95, 0.86), 8),
        ("line", [(0.38, 0.42), (0.5, 0.38)], 5),
        ("line", [(0.42, 0.5), (0.55, 0.45)], 5),
    ],
    "sandal": [
        ("rect", (0.08, 0.68, 0.92, 0.8), 24),
        ("line", [(0.3, 0.7), (0.45, 0.45), (0.6, 0.7)], 14),
        ("line", [(0.12, 0.7), (0.2, 0.5), (0.3, 0.7)], 14),
    ],
    "backpack": [
        ("rect", (0.22, 0.1, 0.78, 0.95), 70),
        ("hole", "rect", (0.32, 0.52, 0.68, 0.82), 30),
        ("rect", (0.36, 0.56, 0.64, 0.78), 20),
        ("line", [(0.4, 0.1), (0.4, 0.02), (0.6, 0.02), (0.6, 0.1)], 8),
    ],
    "bag": [
        ("rect", (0.08, 0.35, 0.92, 0.85), 60),
        ("line", [(0.3, 0.36), (0.35, 0.18), (0.65, 0.18), (0.7, 0.36)], 12),
        ("hole", "line", [(0.15, 0.5), (0.85, 0.5)], 6),
    ],
    "tent": [
        ("poly", [(0.5, 0.12), (0.96, 0.88), (0.04, 0.88)]),
        ("hole", "poly", [(0.5, 0.42), (0.66, 0.88), (0.34, 0.88)]),
        ("line", [(0.5, 0.12), (0.5, 0.04)], 6),
    ],
    "sleepingbag": [
        ("rect", (0.3, 0.05, 0.7, 0.95), 120),
        ("hole", "ellipse", (0.4, 0.1, 0.6, 0.24)),
        ("line", [(0.3, 0.4), (0.7, 0.4)], 4),
        ("line", [(0.3, 0.6), (0.7, 0.6)], 4),
        ("line", [(0.3, 0.8), (0.7, 0.8)], 4),
    ],
    "mat": [
        ("ellipse", (0.06, 0.3, 0.34, 0.7)),
        ("rect", (0.2, 0.3, 0.94, 0.7), 10),
        ("hole", "line", [(0.34, 0.34), (0.34, 0.66)], 4),
    ],
    "stove": [
        ("rect", (0.3, 0.45, 0.7, 0.9), 40),
        ("rect", (0.2, 0.36, 0.8, 0.44), 6),
        ("line", [(0.22, 0.36), (0.12, 0.2)], 8),
        ("line", [(0.78, 0.36), (0.88, 0.2)], 8),
        ("pie", (0.4, 0.12, 0.6, 0.42), 180, 360),
    ],
    "pot": [
        ("rect", (0.18, 0.35, 0.82, 0.85), 30),
        ("rect", (0.14, 0.3, 0.86, 0.38), 8),
        ("line", [(0.86, 0.34), (0.98, 0.3)], 10),
        ("ellipse", (0.44, 0.2, 0.56, 0.3)),
    ],
    "bottle": [
        ("rect", (0.32, 0.25, 0.68, 0.95), 50),
        ("rect", (0.4, 0.12, 0.6, 0.26), 10),
        ("rect", (0.38, 0.04, 0.62, 0.14), 10),
    ],
    "lamp": [
        ("line", [(0.1, 0.5), (0.9, 0.5)], 24),
        ("rect", (0.35, 0.36, 0.65, 0.64), 20),
        ("hole", "ellipse", (0.43, 0.43, 0.57, 0.57)),
    ],
    "helmet": [
        ("pie", (0.1, 0.2, 0.9, 1.0), 180, 360),
        ("rect", (0.1, 0.56, 0.9, 0.62), 4),
        ("hole", "rect", (0.3, 0.3, 0.38, 0.5), 10),
        ("hole", "rect", (0.46, 0.26, 0.54, 0.5), 10),
        ("hole", "rect", (0.62, 0.3, 0.7, 0.5), 10),
    ],
    "glove": [
        ("rect", (0.28, 0.4, 0.72, 0.95), 30),
        ("rect", (0.28, 0.12, 0.38, 0.5), 20),
        ("rect", (0.4, 0.06, 0.5, 0.5), 20),
        ("rect", (0.52, 0.08, 0.62, 0.5), 20),
        ("rect", (0.64, 0.16, 0.72, 0.5), 20),
        ("line", [(0.3, 0.6), (0.12, 0.4)], 36),
    ],
    "beanie": [
        ("pie", (0.15, 0.2, 0.85, 0.9), 180, 360),
        ("rect", (0.13, 0.52, 0.87, 0.68), 12),
        ("ellipse", (0.42, 0.08, 0.58, 0.24)),
    ],
    "sock": [
        (
            "poly",
            [
                (0.36, 0.05),
                (0.64, 0.05),
                (0.64, 0.6),
                (0.9, 0.74),
                (0.86, 0.92),
                (0.42, 0.86),
                (0.36, 0.7),
            ],
        ),
        ("hole", "line", [(0.36, 0.14), (0.64, 0.14)], 6),
    ],
    "glasses": [
        ("ellipse", (0.08, 0.36, 0.46, 0.64)),
        ("ellipse", (0.54, 0.36, 0.92, 0.64)),
        ("line", [(0.44, 0.44), (0.56, 0.44)], 10),
    ],
    "poles": [
        ("line", [(0.38, 0.05), (0.46, 0.95)], 14),
        ("line", [(0.62, 0.05), (0.54, 0.95)], 14),
        ("rect", (0.32, 0.04, 0.44, 0.24), 12),
        ("rect", (0.56, 0.04, 0.68, 0.24), 12),
    ],
}


def _tint(colour: tuple[int, int, int], amount: float) -> tuple[int, int, int]:
    return tuple(round(c + (255 - c) * amount) for c in colour)


def _font(size: int):
    """DejaVu Sans where installed (it has umlauts); Pillow's built-in font otherwise."""
    try:
        return ImageFont.truetype("DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default(size=size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and draw.textlength(candidate, font=font) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line][:2]


def draw_product(
    *, shape: str, colour: tuple[int, int, int], title: str, subtitle: str, fmt: str = "JPEG"
) -> bytes:
    """A square product picture as encoded bytes (JPEG by default)."""
    background = _tint(colour, 0.86)
    image = Image.new("RGB", (SIZE, SIZE), background)
    draw = ImageDraw.Draw(image)
    box = (150, 70, 650, 570)  # where the silhouette goes
    draw.ellipse((120, 500, 680, 600), fill=_tint(colour, 0.74))  # its shadow

    def at(x: float, y: float) -> tuple[float, float]:
        return box[0] + x * (box[2] - box[0]), box[1] + y * (box[3] - box[1])

    def rect(b):
        return (*at(b[0], b[1]), *at(b[2], b[3]))

    for primitive in SHAPES.get(shape, SHAPES["bag"]):
        fill = colour
        if primitive[0] == "hole":
            fill, primitive = background, primitive[1:]
        kind, *args = primitive
        if kind == "poly":
            draw.polygon([at(*p) for p in args[0]], fill=fill)
        elif kind == "ellipse":
            draw.ellipse(rect(args[0]), fill=fill)
        elif kind == "rect":
            draw.rounded_rectangle(rect(args[0]), radius=args[1], fill=fill)
        elif kind == "pie":
            draw.pieslice(rect(args[0]), args[1], args[2], fill=fill)
        elif kind == "line":
            draw.line([at(*p) for p in args[0]], fill=fill, width=args[1], joint="curve")

    text_colour = colour if sum(colour) < 380 else (40, 40, 40)
    small, large = _font(30), _font(44)
    draw.text((SIZE / 2, 640), subtitle.upper(), font=small, fill=(90, 90, 90), anchor="mm")
    for i, line in enumerate(_wrap(draw, title, large, SIZE - 80)):
        draw.text((SIZE / 2, 696 + i * 52), line, font=large, fill=text_colour, anchor="mm")

    out = BytesIO()
    image.save(out, format=fmt, quality=85)
    return out.getvalue()
