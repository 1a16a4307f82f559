"""Hero images in several widths as WebP, so a phone downloads a picture its size."""

import io
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

RENDITION_WIDTHS = (480, 800, 1200)
WEBP_QUALITY = 78


def make_renditions(image_file) -> list[dict]:
    """Writes one WebP per width no larger than the original; returns their names and sizes."""
    image_file.open("rb")
    with Image.open(image_file) as original:
        original = ImageOps.exif_transpose(original).convert("RGB")
        stem = PurePosixPath(image_file.name).stem
        widths = [width for width in RENDITION_WIDTHS if width < original.width]
        widths.append(min(original.width, RENDITION_WIDTHS[-1]))
        renditions = []
        for width in sorted(set(widths)):
            height = round(original.height * width / original.width)
            buffer = io.BytesIO()
            original.resize((width, height), Image.Resampling.LANCZOS).save(
                buffer, "WEBP", quality=WEBP_QUALITY
            )
            name = default_storage.save(
                f"articles/renditions/{stem}-{width}.webp", ContentFile(buffer.getvalue())
            )
            renditions.append({"name": name, "width": width, "height": height})
    return renditions


def delete_renditions(renditions: list[dict]) -> None:
    for rendition in renditions:
        default_storage.delete(rendition["name"])
