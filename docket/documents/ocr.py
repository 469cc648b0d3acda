"""OCR with Tesseract (Debian's tesseract-ocr, English), run as a command on one image at a time."""

from __future__ import annotations

import io
import os
import shutil
import subprocess

from PIL import Image

TIMEOUT_SECONDS = 120


class OcrUnavailable(RuntimeError):
    pass


def ocr_image(image: Image.Image, language: str = "eng") -> str:
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        raise OcrUnavailable("Tesseract is not installed (Debian package tesseract-ocr)")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    result = subprocess.run(
        [tesseract, "stdin", "stdout", "-l", language, "--psm", "3"],
        input=buffer.getvalue(),
        capture_output=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},  # threads only wait on each other on busy cores
    )
    if result.returncode != 0:
        raise OcrUnavailable(f"Tesseract failed: {result.stderr.decode(errors='replace').strip()[:300]}")
    return result.stdout.decode("utf-8", "replace").strip()
