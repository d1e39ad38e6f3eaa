"""The invisible watermark: read back from generated frames, also after JPEG at quality 80, and never found in a
frame that does not carry it."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from clapboard.trust.watermark import WatermarkError, detect, embed, payload_for
from tests.trust.conftest import frame_png

MARK = payload_for("3f9a0c5e71d2b4a8" + "0" * 48)


def jpeg(png: bytes, quality: int) -> bytes:
    buffer = io.BytesIO()
    Image.open(io.BytesIO(png)).convert("RGB").save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.float64)


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (640, 360), (320, 180)])
def test_the_mark_survives_jpeg_at_quality_80(width: int, height: int) -> None:
    marked = embed(frame_png(width, height), MARK)
    assert detect(marked) == MARK
    assert detect(jpeg(marked, 80)) == MARK


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_mark_also_survives_quality_70_on_other_frames(seed: int) -> None:
    marked = embed(frame_png(seed=seed), MARK)
    assert detect(jpeg(marked, 70)) == MARK


def test_a_frame_without_a_mark_has_none_before_or_after_jpeg() -> None:
    for seed in (1, 2, 3):
        plain = frame_png(seed=seed)
        assert detect(plain) is None
        assert detect(jpeg(plain, 80)) is None


def test_the_mark_is_invisible() -> None:
    plain = frame_png(1280, 720)
    before, after = pixels(plain), pixels(embed(plain, MARK))
    psnr = 10 * np.log10(255**2 / np.mean((before - after) ** 2))
    assert psnr > 44
    assert np.abs(before - after).max() <= 8
    # Colours stay as they were: the change is the same on all three channels wherever nothing clipped.
    change = after - before
    inside = (before > 10).all(axis=-1) & (before < 245).all(axis=-1)
    assert np.abs(change[inside].max(axis=-1) - change[inside].min(axis=-1)).max() <= 1


def test_a_mark_is_replaced_by_a_later_one() -> None:
    other = payload_for("c0ffee00" * 8)
    assert detect(embed(embed(frame_png(), MARK), other)) == other


def test_transparency_is_kept() -> None:
    image = Image.open(io.BytesIO(frame_png())).convert("RGBA")
    image.putalpha(Image.linear_gradient("L").resize(image.size))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    marked = Image.open(io.BytesIO(embed(buffer.getvalue(), MARK)))
    assert marked.mode == "RGBA"
    assert np.array_equal(np.asarray(marked.getchannel("A")), np.asarray(image.getchannel("A")))
    assert detect(embed(buffer.getvalue(), MARK)) == MARK


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(WatermarkError, match="exactly 8 bytes"):
        embed(frame_png(), b"short")
    with pytest.raises(WatermarkError, match="too small"):
        embed(_tiny(), MARK)
    with pytest.raises(WatermarkError, match="not a picture"):
        detect(b"not an image")
    with pytest.raises(WatermarkError, match="hex"):
        payload_for("not-hex!")


def _tiny() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_smallest_sketch_frame_still_carries_it_losslessly() -> None:
    assert detect(embed(frame_png(64, 36), MARK)) == MARK
