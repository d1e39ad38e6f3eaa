"""What ``clapboard verify FILE`` finds in a file: its Content Credentials and, in a picture, the watermark."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from clapboard.trust.credentials import Chain, format_chain, read_manifest
from clapboard.trust.watermark import WatermarkError, detect

#: Extensions worth looking in for a watermark: the stills Clapboard writes and their usual re-encodings.
PICTURES = (".png", ".jpg", ".jpeg", ".webp", ".tif", ".tiff", ".bmp")


@dataclass(frozen=True)
class Verdict:
    """A file's credentials (None when it has none) and its watermark payload (None when it carries none)."""

    path: Path
    chain: Chain | None
    watermark: bytes | None
    picture: bool

    @property
    def intact(self) -> bool:
        """False only when credentials are present and show the file changed or the signature is bad."""
        return self.chain is None or self.chain.valid


def verify(path: str | Path, roots: bytes | None = None) -> Verdict:
    """Read ``path``'s Content Credentials (trusting ``roots``, such as the project's development CA) and look
    for the watermark when it is a picture."""
    path = Path(path)
    chain = read_manifest(path, roots)
    picture = path.suffix.lower() in PICTURES
    mark = None
    if picture:
        try:
            mark = detect(path.read_bytes())
        except WatermarkError:
            mark = None  # too small or unreadable to carry one: the credentials still speak for it
    return Verdict(path, chain, mark, picture)


def report(verdict: Verdict) -> str:
    """The verdict as text: the credential chain, then the watermark line."""
    lines = [format_chain(verdict.chain)] if verdict.chain else [f"{verdict.path.name}: no Content Credentials"]
    if verdict.picture:
        if verdict.watermark is None:
            lines.append("watermark: none found")
        else:
            found = verdict.watermark.hex()
            lines.append(
                f"watermark: {found} (a frame Clapboard generated; the SHA-256 of the frame as drawn begins so)"
            )
    return "\n".join(lines)
