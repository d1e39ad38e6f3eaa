"""Content Credentials (C2PA): each output carries a signed record of how it was made.

A manifest names what was done (``c2pa.created`` by a trained model, a composite
of such media, ``c2pa.edited`` where a person stepped in), what it was made from
(its ingredients, whose own manifests come along, so a film's credentials reach
back to every frame and line of sound) and Clapboard's own provenance assertion
(backend, model hash, prompt, seed, step and approver). The signature covers the
file's bytes: change one and the file reads as invalid.

Formats the C2PA SDK can write into (MP4/MOV, PNG, JPEG, WebP, WAV, MP3, FLAC,
M4A, PDF) carry the manifest inside; anything else (SRT, VTT, Markdown, MKV …)
gets a sidecar ``NAME.EXT.c2pa`` that binds the whole file by its hash.

Without a certificate of its own a project signs with a development certificate
made once in its trust folder: a private CA and a signer it issued. Every
manifest signed with it says so, and only readers given that CA trust it.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import io
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Literal

import c2pa
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

import clapboard
from clapboard.errors import ClapboardError
from clapboard.trust.licences import trained

if TYPE_CHECKING:
    from clapboard.store import Take

#: IPTC digital source types (https://cv.iptc.org/newscodes/digitalsourcetype/) the manifests use.
IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"
GENERATED = IPTC + "trainedAlgorithmicMedia"
ALGORITHMIC = IPTC + "algorithmicMedia"
COMPOSITE = IPTC + "compositeWithTrainedAlgorithmicMedia"
HUMAN_EDITS = IPTC + "humanEdits"
HUMAN_MADE = IPTC + "digitalCreation"

#: The label of Clapboard's own assertion in every manifest.
ASSERTION = "org.clapboard.provenance"
#: The key, in the claim generator's entry and in our assertion, that marks a development signature.
DEVELOPMENT_FLAG = "org.clapboard.development_certificate"

#: Formats the SDK writes a manifest into, by extension (each tested in tests/trust).
EMBEDDED: dict[str, str] = {
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".mov": "video/quicktime",
    ".m4a": "audio/mp4",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".wav": "audio/wav",
    ".mp3": "audio/mpeg",
    ".flac": "audio/flac",
    ".pdf": "application/pdf",
}
#: Media types named in sidecar manifests, for the formats Clapboard writes that cannot hold one.
SIDECAR_TYPES: dict[str, str] = {
    ".srt": "application/x-subrip",
    ".vtt": "text/vtt",
    ".ass": "text/x-ssa",
    ".md": "text/markdown",
    ".txt": "text/plain",
    ".html": "text/html",
    ".json": "application/json",
    ".otio": "application/json",
    ".csv": "text/csv",
    ".edl": "text/plain",
    ".xml": "application/xml",
    ".fcpxml": "application/xml",
    ".kdenlive": "application/xml",
    ".mkv": "video/x-matroska",
    ".mid": "audio/midi",
    ".fountain": "text/plain",
    ".fdx": "application/xml",
}
SIDECAR_SUFFIX = ".c2pa"

Relationship = Literal["componentOf", "parentOf", "inputTo"]
State = Literal["trusted", "valid", "invalid"]

_DEV_FILES = ("ca.pem", "ca-key.pem", "signer.pem", "signer-key.pem")
#: A development signer is reissued when it has less than this left to run.
_RENEW_BEFORE = dt.timedelta(days=30)
_UNTRUSTED = "signingCredential.untrusted"


class CredentialError(ClapboardError):
    """Content Credentials that cannot be made or read: a bad certificate, an unsigned format, a broken file."""


# --- who signs --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signatory:
    """A signing key and its certificate chain (PEM, signer first), and the roots a reader should trust.

    ``development`` marks the project's own development certificate: manifests
    signed with it say so, and no one outside the project trusts it.
    """

    chain: bytes = field(repr=False)
    key: bytes = field(repr=False)
    alg: str = "es256"
    roots: bytes | None = field(default=None, repr=False)
    development: bool = False
    tsa_url: str | None = None

    @property
    def name(self) -> str:
        """The signer's common name, as readers show it."""
        leaf = x509.load_pem_x509_certificates(self.chain)[0]
        names = leaf.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        return str(names[0].value) if names else leaf.subject.rfc4514_string()


def ensure_dev_certificate(folder: str | Path, project: str = "Clapboard project") -> Signatory:
    """The project's development signatory, made in ``folder`` the first time and reissued near expiry.

    The chain is what C2PA readers require: a private CA (P-256, CA:TRUE,
    keyCertSign) issuing an end-entity certificate with a critical
    digitalSignature key usage, the emailProtection and documentSigning EKUs,
    and key identifiers; a self-signed leaf is refused by the SDK.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with _locked(folder / "lock"):
        ca_path, ca_key_path, signer_path, signer_key_path = (folder / name for name in _DEV_FILES)
        now = dt.datetime.now(dt.UTC)
        if ca_path.is_file() and ca_key_path.is_file():
            ca = x509.load_pem_x509_certificate(ca_path.read_bytes())
            ca_key = serialization.load_pem_private_key(ca_key_path.read_bytes(), password=None)
        else:
            ca_key = ec.generate_private_key(ec.SECP256R1())
            ca = _dev_ca(ca_key, project, now)
            _write_private(ca_key_path, _pem_key(ca_key))
            _write_public(ca_path, ca.public_bytes(serialization.Encoding.PEM))
            signer_path.unlink(missing_ok=True)
        if not isinstance(ca_key, ec.EllipticCurvePrivateKey):
            raise CredentialError(f"{ca_key_path}: the development CA key is not an EC key; delete {folder} to renew")
        if not (signer_path.is_file() and signer_key_path.is_file()) or _expiring(signer_path, now):
            key = ec.generate_private_key(ec.SECP256R1())
            leaf = _dev_signer(key, ca, ca_key, project, now)
            chain = leaf.public_bytes(serialization.Encoding.PEM) + ca.public_bytes(serialization.Encoding.PEM)
            _write_private(signer_key_path, _pem_key(key))
            _write_public(signer_path, chain)
        return Signatory(
            chain=signer_path.read_bytes(),
            key=signer_key_path.read_bytes(),
            alg="es256",
            roots=ca_path.read_bytes(),
            development=True,
        )


def development_roots(folder: str | Path) -> bytes | None:
    """The project's development CA (PEM) for verifying its own files, or None when it never made one."""
    path = Path(folder) / _DEV_FILES[0]
    return path.read_bytes() if path.is_file() else None


def load_signatory(
    certificate: str | Path, key: str | Path, *, roots: str | Path | None = None, tsa_url: str | None = None
) -> Signatory:
    """A signatory from PEM files a project configures: the chain (signer first), its private key, and
    optionally extra roots to trust when verifying. The algorithm follows the key (EC P-256/384/521, RSA-PSS,
    Ed25519)."""
    certificate, key = Path(certificate), Path(key)
    try:
        chain = certificate.read_bytes()
        leaf = x509.load_pem_x509_certificates(chain)[0]
    except (OSError, ValueError) as exc:
        raise CredentialError(f"{certificate}: not a PEM certificate chain ({exc})") from None
    try:
        private = serialization.load_pem_private_key(key.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise CredentialError(f"{key}: not an unencrypted PEM private key ({exc})") from None
    if _spki(private.public_key()) != _spki(leaf.public_key()):
        raise CredentialError(f"{key}: this key does not belong to the first certificate in {certificate}")
    extra = Path(roots).read_bytes() if roots is not None else None
    return Signatory(chain, key.read_bytes(), _algorithm(private, key), extra, False, tsa_url)


# --- what the manifest says --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """One entry of the manifest's actions: what was done, to what kind of media, by which software."""

    action: str
    source_type: str | None = None
    agent: str | None = None
    agent_version: str | None = None
    description: str | None = None

    def definition(self) -> dict[str, Any]:
        """The action as the C2PA actions assertion spells it."""
        entry: dict[str, Any] = {"action": self.action}
        if self.source_type:
            entry["digitalSourceType"] = self.source_type
        if self.agent:
            agent = {"name": self.agent}
            if self.agent_version:
                agent["version"] = self.agent_version
            entry["softwareAgent"] = agent
        if self.description:
            entry["description"] = self.description
        return entry

    @classmethod
    def read(cls, entry: Mapping[str, Any]) -> Action:
        """An action as a reader returns it."""
        agent = entry.get("softwareAgent")
        name = agent.get("name") if isinstance(agent, Mapping) else agent
        version = agent.get("version") if isinstance(agent, Mapping) else None
        source, description = entry.get("digitalSourceType"), entry.get("description")
        return cls(str(entry.get("action", "")), source, name, version, description)


@dataclass(frozen=True)
class Ingredient:
    """Something an output was made from: a frame in a film, a line of dialogue in a mix.

    ``source`` is the file or its bytes; a source that carries its own
    manifest brings it along, so the chain goes back to how the ingredient was made.
    """

    title: str
    source: Path | bytes = field(repr=False)
    media_type: str | None = None
    relationship: Relationship = "componentOf"

    @classmethod
    def file(cls, path: str | Path, relationship: Relationship = "componentOf") -> Ingredient:
        """The file at ``path`` as an ingredient titled with its name."""
        path = Path(path)
        return cls(path.name, path, media_type_of(path), relationship)

    def open(self) -> BinaryIO:
        """The ingredient's bytes as a stream."""
        return self.source.open("rb") if isinstance(self.source, Path) else io.BytesIO(self.source)

    def sha256(self) -> str:
        """The SHA-256 of the ingredient's bytes: for a store blob, its name."""
        sha = hashlib.sha256()
        with self.open() as stream:
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                sha.update(chunk)
        return sha.hexdigest()


@dataclass(frozen=True)
class Origin:
    """Clapboard's provenance assertion: the step, backend, model, prompt and seed behind an output, and who
    approved it."""

    step: str
    kind: str = ""
    key: str = ""
    backend: str | None = None
    backend_version: str | None = None
    model_hash: str | None = None
    prompt: str | None = None
    seed: int | None = None
    made_by: Literal["machine", "human"] = "machine"
    approved_by: str | None = None
    approved_at: str | None = None
    development_certificate: bool = False

    @classmethod
    def from_take(cls, take: Take) -> Origin:
        """The provenance of a catalogued take."""
        p = take.provenance
        return cls(
            step=p.name,
            kind=p.kind,
            key=p.key,
            backend=p.backend,
            backend_version=p.backend_version,
            model_hash=p.model_hash or None,
            prompt=p.prompt,
            seed=p.seed,
            made_by=p.made_by,
            approved_by=take.approved_by,
            approved_at=take.approved_at,
        )

    def data(self) -> dict[str, Any]:
        """The assertion's content: every field that is set."""
        fields = {name: getattr(self, name) for name in self.__dataclass_fields__}
        # Compared by identity: a seed of 0 is a seed, not a missing value.
        return {
            name: value for name, value in fields.items() if value is not None and value is not False and value != ""
        }

    @classmethod
    def read(cls, data: Mapping[str, Any]) -> Origin:
        """The assertion as a reader returns it; unknown fields are left out."""
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        return cls(**{"step": "", **known})


@dataclass(frozen=True)
class ManifestSpec:
    """What to say about one output: its title, actions, ingredients and Clapboard provenance."""

    title: str
    actions: tuple[Action, ...]
    ingredients: tuple[Ingredient, ...] = ()
    origin: Origin | None = None

    @classmethod
    def generated(cls, title: str, origin: Origin) -> ManifestSpec:
        """A file a backend made: ``c2pa.created`` as trained algorithmic media, or as algorithmic media when
        the backend makes it by rules or program (the sketch artist, eSpeak NG)."""
        source = GENERATED if trained(origin.backend) else ALGORITHMIC
        action = Action("c2pa.created", source, origin.backend, origin.backend_version)
        return cls(title, (action,), (), origin)

    @classmethod
    def human_made(cls, title: str, origin: Origin) -> ManifestSpec:
        """A file a person supplied in place of a generated take: created by a person, approved by them."""
        who = origin.approved_by or "a person"
        action = Action("c2pa.created", HUMAN_MADE, description=f"made by {who}, replacing the generated take")
        return cls(title, (action,), (), origin)

    @classmethod
    def for_take(cls, title: str, take: Take) -> ManifestSpec:
        """The manifest of a catalogued take, generated or human-made as its provenance says."""
        origin = Origin.from_take(take)
        return cls.human_made(title, origin) if origin.made_by == "human" else cls.generated(title, origin)

    @classmethod
    def composite(
        cls,
        title: str,
        ingredients: Sequence[Ingredient],
        origin: Origin | None = None,
        *,
        replaced: Sequence[str] = (),
    ) -> ManifestSpec:
        """An assembly (film, reel, mix) of generated media; ``replaced`` names the parts a person replaced,
        recorded as one ``c2pa.edited`` action."""
        actions = [Action("c2pa.created", COMPOSITE, "Clapboard", clapboard.__version__)]
        if replaced:
            note = "replaced by a person: " + ", ".join(replaced)
            actions.append(Action("c2pa.edited", HUMAN_EDITS, description=note))
        return cls(title, tuple(actions), tuple(ingredients), origin)


# --- signing ---------------------------------------------------------------------------------------------------------


def media_type_of(path: str | Path) -> str:
    """The media type a manifest records for ``path``, by its extension."""
    suffix = Path(path).suffix.lower()
    return EMBEDDED.get(suffix) or SIDECAR_TYPES.get(suffix, "application/octet-stream")


def embeds(path: str | Path) -> bool:
    """Whether a manifest goes inside a file like ``path`` (else beside it, in a sidecar)."""
    return Path(path).suffix.lower() in EMBEDDED


def sidecar_path(path: str | Path) -> Path:
    """Where the sidecar manifest of ``path`` lives: the file's name plus ``.c2pa``."""
    path = Path(path)
    return path.with_name(path.name + SIDECAR_SUFFIX)


def sign_file(path: str | Path, manifest: ManifestSpec, signer: Signatory) -> None:
    """Write a signed manifest into ``path``, replacing any it had; the file is swapped in whole, so a reader
    (or a crash) never sees half a file, and a hard link to a store blob is left alone."""
    path = Path(path)
    if not embeds(path):
        raise CredentialError(f"{path}: C2PA cannot embed a manifest in {path.suffix or 'this'} files; use a sidecar")
    media_type = EMBEDDED[path.suffix.lower()]
    tmp = path.with_name(f".{path.name}.{os.getpid()}.signing")
    try:
        with path.open("rb") as source, tmp.open("w+b") as target:
            _sign(manifest, signer, media_type, source, target, embed=True, concerning=path)
            target.flush()
            os.fsync(target.fileno())
        os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)


def sidecar(path: str | Path, manifest: ManifestSpec, signer: Signatory) -> Path:
    """Write a signed manifest for ``path`` beside it, as ``path.c2pa``, bound to the file's exact bytes."""
    path = Path(path)
    if path.suffix == SIDECAR_SUFFIX:
        raise CredentialError(f"{path}: this is a manifest already, not a file to sign")
    with path.open("rb") as source:
        found = _sign(manifest, signer, media_type_of(path), source, io.BytesIO(), embed=False, concerning=path)
    target = sidecar_path(path)
    _write_atomically(target, found)
    return target


def sign_bytes(data: bytes, media_type: str, manifest: ManifestSpec, signer: Signatory) -> bytes:
    """``data`` (a picture or sound of an embeddable ``media_type``) with a signed manifest inside: for a part
    that lives only in the store, such as a frame in a scene's bundle, to go into a film as a credited ingredient."""
    if media_type not in EMBEDDED.values():
        raise CredentialError(f"C2PA cannot embed a manifest in {media_type}")
    target = io.BytesIO()
    _sign(manifest, signer, media_type, io.BytesIO(data), target, embed=True, concerning=Path(manifest.title))
    return target.getvalue()


def sign_output(path: str | Path, manifest: ManifestSpec, signer: Signatory) -> Path:
    """Sign ``path`` the way its format allows: inside the file, or in a sidecar; returns the file holding
    the manifest."""
    path = Path(path)
    if embeds(path):
        sign_file(path, manifest, signer)
        return path
    return sidecar(path, manifest, signer)


def _sign(
    spec: ManifestSpec,
    signer: Signatory,
    media_type: str,
    source: BinaryIO,
    target: BinaryIO,
    *,
    embed: bool,
    concerning: Path,
) -> bytes:
    try:
        with (
            _context(signer.roots) as context,
            c2pa.Builder(_definition(spec, signer), context=context) as builder,
            c2pa.Signer.from_info(c2pa.C2paSignerInfo(signer.alg, signer.chain, signer.key, signer.tsa_url)) as seal,
        ):
            if not embed:
                builder.set_no_embed()
            for ingredient in spec.ingredients:
                _add_ingredient(builder, ingredient)
            return builder.sign(seal, media_type, source, target)
    except c2pa.C2paError as exc:
        raise CredentialError(f"{concerning}: could not sign it ({' '.join(str(exc).split())})") from None


def _definition(spec: ManifestSpec, signer: Signatory) -> dict[str, Any]:
    generator: dict[str, Any] = {"name": "Clapboard", "version": clapboard.__version__}
    if signer.development:
        generator[DEVELOPMENT_FLAG] = True
    assertions: list[dict[str, Any]] = [
        {"label": "c2pa.actions.v2", "data": {"actions": [action.definition() for action in spec.actions]}}
    ]
    if spec.origin is not None or signer.development:
        origin = spec.origin or Origin(step=spec.title)
        data = origin.data() | ({"development_certificate": True} if signer.development else {})
        assertions.append({"label": ASSERTION, "data": data})
    return {"claim_generator_info": [generator], "title": spec.title, "assertions": assertions}


def _add_ingredient(builder: c2pa.Builder, ingredient: Ingredient) -> None:
    media_type = ingredient.media_type or media_type_of(ingredient.title)
    definition = {
        "title": ingredient.title,
        "relationship": ingredient.relationship,
        # The SDK keeps no plain digest of an ingredient without a manifest; ours ties it to its store blob.
        "metadata": {"org.clapboard.sha256": ingredient.sha256()},
    }
    with ingredient.open() as stream:
        builder.add_ingredient(definition, media_type, stream)


@contextmanager
def _context(roots: bytes | None) -> Iterator[c2pa.Context]:
    settings: dict[str, Any] = {
        # Nothing goes to the network: no remote manifests, no OCSP, and thumbnails are left out.
        "verify": {"remote_manifest_fetch": False, "ocsp_fetch": False},
        "builder": {"thumbnail": {"enabled": False}},
    }
    if roots:
        settings["trust"] = {"user_anchors": roots.decode()}
    with c2pa.Context.from_dict(settings) as context:
        yield context


# --- reading ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """An ingredient as a manifest records it, with the chain of its own manifest when it had one."""

    title: str
    media_type: str | None
    relationship: str
    sha256: str | None
    chain: Chain | None


@dataclass(frozen=True)
class Chain:
    """A file's Content Credentials as read back: what it says and whether its signature holds.

    ``state`` is ``trusted`` (valid, signed by a certificate the reader trusts),
    ``valid`` (intact, but the certificate is on no trust list given) or
    ``invalid`` (the file or manifest changed after signing, or the signature is bad).
    """

    title: str
    state: State
    problems: tuple[str, ...]
    signer: str
    issuer: str
    signed_at: str | None
    generator: str
    development: bool
    actions: tuple[Action, ...]
    ingredients: tuple[Link, ...]
    origin: Origin | None
    sidecar: bool = False

    @property
    def valid(self) -> bool:
        """Whether the file is as it was signed and the signature is sound."""
        return self.state != "invalid"


def read_manifest(path: str | Path, roots: bytes | None = None) -> Chain | None:
    """The Content Credentials of ``path`` (embedded, or in its ``.c2pa`` sidecar), validated against the file;
    None when it has none. ``roots`` are CA certificates (PEM) to trust, such as the project's development CA."""
    path = Path(path)
    if not path.is_file():
        raise CredentialError(f"{path}: no such file")
    side = sidecar_path(path)
    try:
        with _context(roots) as context, path.open("rb") as stream:
            if embeds(path):
                reader = c2pa.Reader.try_create(EMBEDDED[path.suffix.lower()], stream, None, context=context)
                if reader is not None or not side.is_file():
                    return _chain_of(reader) if reader is not None else None
                stream.seek(0)
            if not side.is_file():
                return None
            reader = c2pa.Reader(media_type_of(path), stream, side.read_bytes(), context=context)
            return _chain_of(reader, sidecar=True)
    except c2pa.C2paError as exc:
        problem = " ".join(str(exc).split())
        raise CredentialError(f"{path}: its Content Credentials cannot be read ({problem})") from None


def _chain_of(reader: c2pa.Reader, *, sidecar: bool = False) -> Chain:
    with reader:
        store = json.loads(reader.json())
    results = store.get("validation_results") or {}
    # The reader validates the active manifest's ingredients now; what an ingredient entry carries was recorded
    # when it was signed in, so for those the deltas win.
    deltas = {
        str(delta.get("ingredientAssertionURI", "")).rsplit("/", 1)[-1]: delta.get("validationDeltas") or {}
        for delta in results.get("ingredientDeltas") or []
    }
    chain = _manifest_chain(
        store.get("manifests", {}),
        store.get("active_manifest"),
        _state_name(str(store.get("validation_state", "Invalid")).lower()),
        (results.get("activeManifest") or {}).get("failure", []),
        deltas,
        depth=0,
    )
    return replace(chain, sidecar=sidecar)


def _manifest_chain(
    manifests: Mapping[str, Any],
    label: str | None,
    state: State,
    failures: Sequence[Mapping[str, Any]],
    deltas: Mapping[str, Mapping[str, Any]],
    depth: int,
) -> Chain:
    manifest = manifests.get(label or "", {})
    actions: list[Action] = []
    origin: Origin | None = None
    for assertion in manifest.get("assertions", []):
        if str(assertion.get("label", "")).startswith("c2pa.actions"):
            actions.extend(Action.read(entry) for entry in assertion.get("data", {}).get("actions", []))
        elif assertion.get("label") == ASSERTION:
            origin = Origin.read(assertion.get("data", {}))
    generators = manifest.get("claim_generator_info") or [{}]
    generator = generators[0] if isinstance(generators[0], Mapping) else {}
    signature = manifest.get("signature_info") or {}
    links = tuple(_link(manifests, entry, deltas, depth) for entry in manifest.get("ingredients", []))
    problems = dict.fromkeys(f"{item.get('code')}: {item.get('explanation', '')}".rstrip(": ") for item in failures)
    return Chain(
        title=str(manifest.get("title", "")),
        state=state,
        problems=tuple(problems),
        signer=str(signature.get("common_name", "")),
        issuer=str(signature.get("issuer", "")),
        signed_at=signature.get("time"),
        generator=" ".join(str(generator.get(key, "")) for key in ("name", "version")).strip(),
        development=bool(generator.get(DEVELOPMENT_FLAG)) or bool(origin and origin.development_certificate),
        actions=tuple(actions),
        ingredients=links,
        origin=origin,
    )


def _link(
    manifests: Mapping[str, Any], entry: Mapping[str, Any], deltas: Mapping[str, Mapping[str, Any]], depth: int
) -> Link:
    chain = None
    label = entry.get("active_manifest")
    if label in manifests and depth < 8:
        recorded = (entry.get("validation_results") or {}).get("activeManifest") or {}
        now = deltas.get(str(entry.get("label"))) if depth == 0 else None
        failures = (now if now is not None else recorded).get("failure", [])
        codes = {item.get("code") for item in failures}
        trusted = "signingCredential.trusted" in {item.get("code") for item in recorded.get("success", [])}
        state: State = "valid" if _UNTRUSTED in codes or not trusted else "trusted"
        if codes - {_UNTRUSTED}:
            state = "invalid"
        chain = _manifest_chain(manifests, label, state, failures, {}, depth + 1)
    return Link(
        title=str(entry.get("title", "")),
        media_type=entry.get("format"),
        relationship=str(entry.get("relationship", "")),
        sha256=(entry.get("metadata") or {}).get("org.clapboard.sha256"),
        chain=chain,
    )


def _state_name(state: str) -> State:
    if state in ("trusted", "valid"):
        return state  # type: ignore[return-value]
    return "invalid"


def format_chain(chain: Chain) -> str:
    """The chain as ``clapboard verify`` prints it: the file, its signature, what was done, by what, from what."""
    return "\n".join(_lines(chain, "", None))


def _lines(chain: Chain, pad: str, parent: Chain | None) -> list[str]:
    lines = [f"{pad}{chain.title or '(untitled)'}: {_verdict(chain)}"]
    # An ingredient signed by the same signer as the file that holds it would only repeat the same two lines.
    if parent is None or (chain.signer, chain.development) != (parent.signer, parent.development):
        signed = f"{pad}  signed by {chain.signer or 'an unnamed signer'}"
        signed += f" ({chain.issuer})" if chain.issuer and chain.issuer != chain.signer else ""
        signed += f" on {chain.signed_at}" if chain.signed_at else ""
        signed += f", with {chain.generator}" if chain.generator else ""
        lines.append(signed + ("; manifest in a sidecar file" if chain.sidecar else ""))
        if chain.development:
            lines.append(f"{pad}  DEVELOPMENT CERTIFICATE: made by Clapboard for this project; no one else trusts it")
    lines.extend(f"{pad}  - {_describe(action)}" for action in chain.actions)
    if chain.origin is not None:
        lines.extend(f"{pad}  {line}" for line in _origin_lines(chain.origin))
    # The verdict already says when the signer is on no trust list.
    lines.extend(f"{pad}  ! {problem}" for problem in chain.problems if not problem.startswith(_UNTRUSTED))
    if chain.ingredients:
        lines.append(f"{pad}  made from:")
    for link in chain.ingredients:
        role = _RELATIONSHIPS.get(link.relationship, link.relationship)
        head = f"{pad}    * {link.title} ({link.media_type or 'unknown type'}, {role})"
        head += f" sha256 {link.sha256[:16]}…" if link.sha256 else ""
        lines.append(head + ("" if link.chain else ": no credentials of its own"))
        if link.chain is not None:
            lines.extend(_lines(link.chain, pad + "      ", chain))
    return lines


_RELATIONSHIPS = {"componentOf": "a part", "parentOf": "the original", "inputTo": "an input"}
_SOURCES = {
    GENERATED: "made by a trained model",
    ALGORITHMIC: "made by a program (no trained model)",
    COMPOSITE: "assembled from model-made media",
    HUMAN_EDITS: "edited by a person",
    HUMAN_MADE: "made by a person",
}


def _verdict(chain: Chain) -> str:
    if chain.state == "trusted":
        return "signature VALID, signer trusted"
    if chain.state == "valid":
        return "signature VALID, signer not on a trust list"
    return "INVALID: changed after signing, or a bad signature"


def _describe(action: Action) -> str:
    text = action.action
    if action.source_type:
        text += f": {_SOURCES.get(action.source_type, action.source_type.rsplit('/', 1)[-1])}"
    if action.agent:
        text += f" with {action.agent}" + (f" {action.agent_version}" if action.agent_version else "")
    if action.description:
        text += f" ({action.description})"
    return text


def _origin_lines(origin: Origin) -> list[str]:
    lines = [f"step {origin.step}" + (f" ({origin.kind})" if origin.kind else "") + f", {origin.made_by}-made"]
    if origin.backend:
        model = f", model sha256 {origin.model_hash[:16]}…" if origin.model_hash else ""
        lines.append(f"backend {origin.backend} {origin.backend_version or ''}".rstrip() + model)
    if origin.seed is not None and origin.made_by == "machine":
        lines.append(f"seed {origin.seed}")
    if origin.prompt:
        prompt = " ".join(origin.prompt.split())
        lines.append(f"prompt: {prompt[:200]}{'…' if len(prompt) > 200 else ''}")
    lines.append(f"approved by {origin.approved_by}" if origin.approved_by else "not yet approved by a person")
    return lines


# --- the development certificate ------------------------------------------------------------------------------------


def _dev_ca(key: ec.EllipticCurvePrivateKey, project: str, now: dt.datetime) -> x509.Certificate:
    name = _name(f"Clapboard development CA: {project}")
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(sign_certificates=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )


def _dev_signer(
    key: ec.EllipticCurvePrivateKey,
    ca: x509.Certificate,
    ca_key: ec.EllipticCurvePrivateKey,
    project: str,
    now: dt.datetime,
) -> x509.Certificate:
    return (
        x509.CertificateBuilder()
        .subject_name(_name(f"Clapboard development signer: {project}"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(min(now + dt.timedelta(days=730), ca.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(sign_certificates=False), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION, x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36")]),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Clapboard development certificate (not trusted)"),
        ]
    )


def _key_usage(*, sign_certificates: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not sign_certificates,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=sign_certificates,
        crl_sign=sign_certificates,
        encipher_only=False,
        decipher_only=False,
    )


def _expiring(chain_path: Path, now: dt.datetime) -> bool:
    leaf = x509.load_pem_x509_certificates(chain_path.read_bytes())[0]
    return leaf.not_valid_after_utc - now < _RENEW_BEFORE


def _algorithm(private: object, path: Path) -> str:
    if isinstance(private, ec.EllipticCurvePrivateKey):
        found = {"secp256r1": "es256", "secp384r1": "es384", "secp521r1": "es512"}.get(private.curve.name)
        if found:
            return found
    elif isinstance(private, rsa.RSAPrivateKey):
        return "ps256"
    elif isinstance(private, ed25519.Ed25519PrivateKey):
        return "ed25519"
    raise CredentialError(f"{path}: C2PA signs with EC P-256/384/521, RSA or Ed25519 keys, not this one")


def _spki(public: Any) -> bytes:
    return public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    pkcs8 = serialization.PrivateFormat.PKCS8
    return key.private_bytes(serialization.Encoding.PEM, pkcs8, serialization.NoEncryption())


def _write_private(path: Path, data: bytes) -> None:
    _write_atomically(path, data, mode=0o600)


def _write_public(path: Path, data: bytes) -> None:
    _write_atomically(path, data, mode=0o644)


def _write_atomically(path: Path, data: bytes, mode: int = 0o644) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    # A rename is durable only once the folder entry reaches the disk.
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    # Two runs starting at once must not each mint a CA: the second waits and then finds the first one's files.
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
