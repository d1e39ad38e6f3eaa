"""Content Credentials on real files: signed with the project's development certificate, read back with the
C2PA SDK's own reader, and refused once a byte changes."""

from __future__ import annotations

import hashlib
import io
import json
import os
from dataclasses import replace
from pathlib import Path

import c2pa
import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID
from fpdf import FPDF
from PIL import Image

from clapboard.store import Provenance, Store
from clapboard.trust.credentials import (
    ASSERTION,
    COMPOSITE,
    GENERATED,
    HUMAN_EDITS,
    HUMAN_MADE,
    CredentialError,
    Ingredient,
    ManifestSpec,
    Origin,
    Signatory,
    development_roots,
    ensure_dev_certificate,
    format_chain,
    load_signatory,
    read_manifest,
    sidecar,
    sidecar_path,
    sign_bytes,
    sign_file,
    sign_output,
)
from clapboard.trust.verify import report, verify
from clapboard.trust.watermark import detect, embed, payload_for
from tests.trust.conftest import frame_png, tone_wav

FRAME = Origin(
    step="scene/1/frames/1A",
    kind="scene-frames",
    key="9f" * 32,
    backend="diffusers",
    backend_version="1+diffusers-0.40",
    model_hash="ab" * 32,
    prompt="INT. KITCHEN - DAY. Ruth, 60s, at the window.",
    seed=1234,
    approved_by="ana",
)
LINE = Origin(step="scene/1/speech/3", kind="speech", key="7c" * 32, backend="piper", backend_version="1", seed=5)


def sdk_read(path: Path, roots: bytes | None) -> dict:
    """The manifest store as the C2PA SDK's own Reader reports it."""
    settings = {"verify": {"remote_manifest_fetch": False}, "trust": {"user_anchors": roots.decode()} if roots else {}}
    with c2pa.Context.from_dict(settings) as context, c2pa.Reader(str(path), context=context) as reader:
        return json.loads(reader.json())


def made_film(film: Path, signatory: Signatory) -> Path:
    """The film signed as a composite of a watermarked frame and a recorded line, each signed first."""
    frame = film.parent / "1A.png"
    frame.write_bytes(embed(frame_png(), payload_for(FRAME.key)))
    sign_file(frame, ManifestSpec.generated(frame.name, FRAME), signatory)
    line = film.parent / "line-3.wav"
    line.write_bytes(tone_wav())
    sign_file(line, ManifestSpec.generated(line.name, LINE), signatory)
    assembly = Origin(step="film", kind="film", key="01" * 32, approved_by="ana")
    spec = ManifestSpec.composite(
        "film.mp4", [Ingredient.file(frame), Ingredient.file(line)], assembly, replaced=["scene/2/frames/2A"]
    )
    sign_file(film, spec, signatory)
    return film


def test_the_film_reads_back_with_its_actions_ingredients_and_provenance(film: Path, signatory: Signatory) -> None:
    made_film(film, signatory)
    store = sdk_read(film, signatory.roots)
    assert store["validation_state"] == "Trusted"
    manifest = store["manifests"][store["active_manifest"]]
    actions = next(a for a in manifest["assertions"] if a["label"].startswith("c2pa.actions"))["data"]["actions"]
    assert [(a["action"], a.get("digitalSourceType")) for a in actions] == [
        ("c2pa.created", COMPOSITE),
        ("c2pa.edited", HUMAN_EDITS),
    ]
    assert "scene/2/frames/2A" in actions[1]["description"]
    ingredients = {i["title"]: i for i in manifest["ingredients"]}
    assert set(ingredients) == {"1A.png", "line-3.wav"}
    assert {i["relationship"] for i in ingredients.values()} == {"componentOf"}
    assert ingredients["1A.png"]["format"] == "image/png"
    # Each ingredient brings its own signed manifest: the chain reaches back to the model that drew the frame.
    frame_manifest = store["manifests"][ingredients["1A.png"]["active_manifest"]]
    ours = next(a for a in frame_manifest["assertions"] if a["label"] == ASSERTION)["data"]
    assert ours["backend"] == "diffusers"
    assert ours["model_hash"] == "ab" * 32
    assert ours["prompt"].startswith("INT. KITCHEN")
    assert ours["seed"] == 1234
    assert ours["approved_by"] == "ana"
    assert ours["development_certificate"] is True
    frame_actions = next(a for a in frame_manifest["assertions"] if a["label"].startswith("c2pa.actions"))
    assert frame_actions["data"]["actions"][0]["digitalSourceType"] == GENERATED
    assert manifest["claim_generator_info"][0]["org.clapboard.development_certificate"] is True


def test_our_reader_gives_the_same_chain_and_says_it_is_a_development_signature(
    film: Path, signatory: Signatory
) -> None:
    made_film(film, signatory)
    chain = read_manifest(film, signatory.roots)
    assert chain is not None
    assert chain.state == "trusted"
    assert chain.valid
    assert chain.development
    assert [a.action for a in chain.actions] == ["c2pa.created", "c2pa.edited"]
    frame, line = chain.ingredients
    assert frame.title == "1A.png"
    assert frame.sha256 == hashlib.sha256((film.parent / "1A.png").read_bytes()).hexdigest()
    assert frame.chain is not None
    assert frame.chain.origin == replace(FRAME, development_certificate=True)
    assert line.chain is not None
    assert line.chain.origin is not None
    assert line.chain.origin.backend == "piper"
    text = format_chain(chain)
    for words in ("film.mp4", "DEVELOPMENT CERTIFICATE", "assembled from model-made media", "1A.png", "line-3.wav"):
        assert words in text
    assert "backend diffusers 1+diffusers-0.40" in text
    assert "approved by ana" in text


def test_without_the_project_root_the_signature_holds_but_no_one_vouches_for_the_signer(
    film: Path, signatory: Signatory
) -> None:
    made_film(film, signatory)
    chain = read_manifest(film)
    assert chain is not None
    assert chain.state == "valid"
    assert any(p.startswith("signingCredential.untrusted") for p in chain.problems)
    assert "signer not on a trust list" in format_chain(chain)


def test_flipping_bytes_in_the_media_data_invalidates_the_film(film: Path, signatory: Signatory) -> None:
    made_film(film, signatory)
    data = bytearray(film.read_bytes())
    mdat = data.index(b"mdat")
    for at in range(mdat + 200, mdat + 208):
        data[at] ^= 0xFF
    film.write_bytes(bytes(data))
    assert sdk_read(film, signatory.roots)["validation_state"] == "Invalid"
    chain = read_manifest(film, signatory.roots)
    assert chain is not None
    assert not chain.valid
    assert any("bmffHash.mismatch" in problem for problem in chain.problems)
    assert "INVALID" in format_chain(chain)


def pdf() -> bytes:
    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=12)
    document.cell(text="INT. KITCHEN - DAY")
    return bytes(document.output())


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("frame.png", frame_png),
        ("frame.jpg", lambda: Image.open(io.BytesIO(frame_png())).convert("RGB")),
        ("line.wav", tone_wav),
        ("storyboard.pdf", pdf),
    ],
)
def test_each_embedding_format_is_signed_in_place_and_reads_back(
    tmp_path: Path, signatory: Signatory, name: str, make
) -> None:
    made = make()
    path = tmp_path / name
    if isinstance(made, bytes):
        path.write_bytes(made)
    else:
        made.save(path, quality=90)
    before = path.read_bytes()
    sign_file(path, ManifestSpec.generated(name, FRAME), signatory)
    assert path.read_bytes() != before
    assert sdk_read(path, signatory.roots)["validation_state"] == "Trusted"
    chain = read_manifest(path, signatory.roots)
    assert chain is not None
    assert chain.state == "trusted"
    assert chain.origin is not None
    assert chain.origin.seed == 1234
    assert not list(tmp_path.glob(".*.signing"))


def test_a_signed_frame_keeps_its_watermark(tmp_path: Path, signatory: Signatory) -> None:
    path = tmp_path / "1A.png"
    path.write_bytes(embed(frame_png(), payload_for(FRAME.key)))
    sign_file(path, ManifestSpec.generated(path.name, FRAME), signatory)
    assert detect(path.read_bytes()) == payload_for(FRAME.key)


def test_a_subtitle_file_gets_a_sidecar_bound_to_its_bytes(tmp_path: Path, signatory: Signatory) -> None:
    subtitles = tmp_path / "film.en.srt"
    subtitles.write_text("1\n00:00:01,000 --> 00:00:02,500\nI told you once.\n", encoding="utf-8")
    written = sign_output(subtitles, ManifestSpec.generated(subtitles.name, LINE), signatory)
    assert written == sidecar_path(subtitles) == tmp_path / "film.en.srt.c2pa"
    chain = read_manifest(subtitles, signatory.roots)
    assert chain is not None
    assert chain.sidecar
    assert chain.state == "trusted"
    assert "manifest in a sidecar file" in format_chain(chain)
    subtitles.write_text("1\n00:00:01,000 --> 00:00:02,500\nI told you twice.\n", encoding="utf-8")
    changed = read_manifest(subtitles, signatory.roots)
    assert changed is not None
    assert not changed.valid


def test_sign_file_refuses_formats_that_need_a_sidecar(tmp_path: Path, signatory: Signatory) -> None:
    notes = tmp_path / "credits.md"
    notes.write_text("# Credits\n", encoding="utf-8")
    with pytest.raises(CredentialError, match="sidecar"):
        sign_file(notes, ManifestSpec.generated(notes.name, LINE), signatory)
    written = sidecar(notes, ManifestSpec.generated(notes.name, LINE), signatory)
    assert read_manifest(notes, signatory.roots) is not None
    with pytest.raises(CredentialError, match="a manifest already"):
        sign_output(written, ManifestSpec.generated(written.name, LINE), signatory)


def test_signing_replaces_the_file_and_leaves_a_hard_linked_blob_alone(tmp_path: Path, signatory: Signatory) -> None:
    blob = tmp_path / "blob"
    blob.write_bytes(frame_png())
    exported = tmp_path / "out.png"
    os.link(blob, exported)
    sign_file(exported, ManifestSpec.generated(exported.name, FRAME), signatory)
    assert blob.read_bytes() == frame_png()
    assert read_manifest(blob) is None
    # Signing again replaces the manifest rather than stacking a second one.
    sign_file(exported, ManifestSpec.generated(exported.name, LINE), signatory)
    store = sdk_read(exported, signatory.roots)
    assert len(store["manifests"]) == 1
    chain = read_manifest(exported, signatory.roots)
    assert chain is not None
    assert chain.origin is not None
    assert chain.origin.backend == "piper"


def test_a_human_replacement_take_is_credited_to_the_person(tmp_path: Path, signatory: Signatory) -> None:
    with Store.open(tmp_path / ".clapboard") as store:
        made = Provenance("k1", "scene/1/frames/1A", "previs", "scene-frames", "s1", 1, 7, "{}", (), "sketch", "1")
        store.record(made, frame_png())
        mine = Provenance("k2", "scene/1/frames/1A", "previs", "scene-frames", "s1", 1, 7, "{}", (), made_by="human")
        take = store.replace("k1", mine, frame_png(seed=2), reviewer="ana")
    path = tmp_path / "1A.png"
    path.write_bytes(frame_png(seed=2))
    sign_file(path, ManifestSpec.for_take(path.name, take), signatory)
    chain = read_manifest(path, signatory.roots)
    assert chain is not None
    assert chain.actions[0].source_type == HUMAN_MADE
    assert chain.origin is not None
    assert (chain.origin.made_by, chain.origin.approved_by) == ("human", "ana")


def test_a_file_without_credentials_reads_as_none(tmp_path: Path) -> None:
    path = tmp_path / "plain.png"
    path.write_bytes(frame_png())
    assert read_manifest(path) is None
    with pytest.raises(CredentialError, match="no such file"):
        read_manifest(tmp_path / "missing.png")


def test_the_development_certificate_is_made_once_with_what_c2pa_requires(tmp_path: Path) -> None:
    folder = tmp_path / "trust"
    first = ensure_dev_certificate(folder, "My film")
    again = ensure_dev_certificate(folder, "My film")
    assert first == again
    assert first.development
    assert development_roots(folder) == first.roots
    assert (folder / "signer-key.pem").stat().st_mode & 0o777 == 0o600
    assert (folder / "ca-key.pem").stat().st_mode & 0o777 == 0o600
    leaf, ca = x509.load_pem_x509_certificates(first.chain)
    assert leaf.issuer == ca.subject != leaf.subject
    usage = leaf.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical
    assert usage.value.digital_signature
    assert ExtendedKeyUsageOID.EMAIL_PROTECTION in leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert not leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert "development" in first.name


def test_a_configured_certificate_signs_without_the_development_mark(tmp_path: Path) -> None:
    folder = tmp_path / "trust"
    ensure_dev_certificate(folder)
    configured = load_signatory(folder / "signer.pem", folder / "signer-key.pem", roots=folder / "ca.pem")
    assert configured.alg == "es256"
    assert not configured.development
    path = tmp_path / "frame.png"
    path.write_bytes(frame_png())
    sign_file(path, ManifestSpec.generated(path.name, FRAME), configured)
    chain = read_manifest(path, configured.roots)
    assert chain is not None
    assert chain.state == "trusted"
    assert not chain.development
    assert "DEVELOPMENT" not in format_chain(chain)


def test_a_key_that_does_not_match_its_certificate_is_refused(tmp_path: Path) -> None:
    one, other = ensure_dev_certificate(tmp_path / "one"), ensure_dev_certificate(tmp_path / "other")
    assert one.chain != other.chain
    with pytest.raises(CredentialError, match="does not belong"):
        load_signatory(tmp_path / "one" / "signer.pem", tmp_path / "other" / "signer-key.pem")


def test_verify_reports_the_chain_and_the_watermark_of_a_reencoded_frame(tmp_path: Path, signatory: Signatory) -> None:
    frame = tmp_path / "1A.png"
    frame.write_bytes(embed(frame_png(), payload_for(FRAME.key)))
    sign_file(frame, ManifestSpec.generated(frame.name, FRAME), signatory)
    found = verify(frame, signatory.roots)
    assert found.intact
    assert found.watermark == payload_for(FRAME.key)
    text = report(found)
    assert "signature VALID" in text
    assert f"watermark: {FRAME.key[:16]}" in text
    # Someone re-saves the frame as a JPEG: the credentials are gone, the watermark stays.
    copy = tmp_path / "copy.jpg"
    Image.open(frame).convert("RGB").save(copy, quality=80)
    again = verify(copy)
    assert again.chain is None
    assert again.watermark == payload_for(FRAME.key)
    assert "no Content Credentials" in report(again)


def test_a_seed_of_zero_is_recorded() -> None:
    assert Origin(step="x", seed=0).data() == {"step": "x", "seed": 0, "made_by": "machine"}
    assert Origin.read(Origin(step="x", seed=0).data()).seed == 0


def test_a_frame_signed_in_memory_joins_the_film_with_its_credentials(film: Path, signatory: Signatory) -> None:
    frame = sign_bytes(frame_png(), "image/png", ManifestSpec.generated("1A.png", FRAME), signatory)
    sign_file(film, ManifestSpec.composite("film.mp4", [Ingredient("1A.png", frame, "image/png")]), signatory)
    chain = read_manifest(film, signatory.roots)
    assert chain is not None
    (link,) = chain.ingredients
    assert link.sha256 == hashlib.sha256(frame).hexdigest()
    assert link.chain is not None
    assert link.chain.origin is not None
    assert link.chain.origin.prompt == FRAME.prompt
    with pytest.raises(CredentialError, match="cannot embed"):
        sign_bytes(b"1\n", "application/x-subrip", ManifestSpec.generated("x.srt", LINE), signatory)
