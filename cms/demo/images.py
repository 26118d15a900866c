"""Simple abstract banner images, drawn in code so the demo ships no binary files."""

import io
import random

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images.models import Image

# (title, base colour, accent colour): sober tones on the site's palette.
BANNERS = {
    "hero": ("Coalition banner", (11, 79, 108), (205, 232, 245)),
    "news": ("News banner", (8, 58, 80), (243, 245, 247)),
    "statement": ("Statement banner", (156, 42, 27), (255, 244, 214)),
    "blog": ("Blog banner", (74, 85, 96), (213, 219, 225)),
}


def _draw(base: tuple[int, int, int], accent: tuple[int, int, int], seed: int) -> bytes:
    rng = random.Random(seed)  # noqa: S311 (shapes, not secrets)
    width, height = 1200, 675
    image = PILImage.new("RGB", (width, height), base)
    draw = ImageDraw.Draw(image)
    for _ in range(7):
        radius = rng.randint(80, 320)
        x, y = rng.randint(0, width), rng.randint(0, height)
        shade = tuple((b * 3 + a) // 4 for b, a in zip(base, accent, strict=True))
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), outline=shade, width=10)
    for i in range(0, width, 60):
        draw.line((i, height - 40, i + 30, height - 40), fill=accent, width=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def ensure_images() -> dict[str, Image]:
    """One image per banner key, created once and found again by title."""
    images = {}
    for seed, (key, (title, base, accent)) in enumerate(BANNERS.items()):
        image = Image.objects.filter(title=title).first()
        if image is None:
            content = _draw(base, accent, seed)
            image = Image(title=title)
            image.file = ImageFile(io.BytesIO(content), name=f"demo-{key}.png")
            image.save()
        images[key] = image
    return images
