"""``clapboard lab``: train the reference models on frames, draw samples from them, restore damaged frames.

Torch and the lab load inside each command, so ``clapboard`` itself starts
and runs without the ``lab`` extra; a lab command without it says how to
install it. Every file a command writes is written atomically.
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from clapboard.errors import BackendUnavailable, ClapboardError, FormatError

if TYPE_CHECKING:
    import torch
    from PIL import Image


INSTALL_HINT = "pip install 'clapboard[lab]'"
#: The value of ``--data`` that asks for the built-in synthetic set rather than a folder.
SHAPES = "shapes"
#: Images in the built-in set: enough that a small model does not learn it by heart, drawn in seconds at size 64.
SHAPES_COUNT = 2048
#: Kinds that can learn class labels: the conditional GAN always does, the diffusion model when given classes.
CLASS_AWARE = ("cgan", "ddpm")

app = typer.Typer(
    help="""The model lab: train small GAN, VAE, AAE and DDPM models on your frames, sample them, restore frames.

Needs the `lab` extra (`pip install 'clapboard[lab]'`). A trained checkpoint
also serves as the `lab` image backend (`model = "lab/dcgan/dcgan.safetensors"`).

**Examples**

    clapboard lab train dcgan --data shapes --size 32 --steps 2000
    clapboard lab sample lab/dcgan/dcgan.safetensors --count 64 --out dcgan.png
    clapboard lab restore frame.png --mask scratch.png --model lab/ddpm/ddpm.safetensors
""",
    no_args_is_help=True,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
    add_completion=False,
    pretty_exceptions_show_locals=False,
)

DeviceOption = Annotated[str, typer.Option(help="Where to run: cpu, cuda or cuda:N.")]
SeedOption = Annotated[int, typer.Option(help="Seed of the noise; the same seed gives the same images.")]


def _need_torch() -> None:
    """Fail in one line, before any import, when the lab extra is missing."""
    if find_spec("torch") is None or find_spec("safetensors") is None:
        raise BackendUnavailable("lab", INSTALL_HINT)


@app.command("train")
def train_command(
    model: Annotated[str, typer.Argument(metavar="MODEL", help="dcgan, cgan, vae, aae or ddpm.", show_default=False)],
    data: Annotated[
        str,
        typer.Option(
            metavar="FOLDER",
            help="Pictures to learn from (PNG, JPEG, WebP, searched recursively), or `shapes` for a built-in "
            "synthetic set of discs, squares and triangles (write ./shapes for a folder of that name).",
            show_default=False,
        ),
    ],
    steps: Annotated[int, typer.Option(min=1, help="Train up to this step.", show_default=False)],
    size: Annotated[int, typer.Option(help="Side of the square images the model learns, a power of two.")] = 64,
    batch: Annotated[int, typer.Option(min=1, help="Images a training step.")] = 32,
    out: Annotated[
        Path | None,
        typer.Option(metavar="DIR", help="Where the checkpoint, samples and losses go [default: lab/MODEL]."),
    ] = None,
    every: Annotated[int, typer.Option(min=1, help="Checkpoint and sample sheet every this many steps.")] = 500,
    seed: SeedOption = 0,
    device: DeviceOption = "cpu",
    width: Annotated[int | None, typer.Option(min=1, help="Feature width of the nets [default: the model's].")] = None,
    classes_from_folders: Annotated[
        bool,
        typer.Option(
            "--classes-from-folders", help="Learn classes (ddpm): one per sub-folder of FOLDER. A cgan always does."
        ),
    ] = False,
) -> None:
    """Train a model, writing `DIR/MODEL.safetensors` and a sample sheet every `--every` steps and `DIR/losses.csv`.

    Run it again with the same DIR to go on from the last checkpoint, with a higher
    `--steps` to train longer. A run is repeatable: the seed fixes the first weights,
    the order of the batches and the training noise.

    **Examples**

        clapboard lab train dcgan --data shapes --size 32 --steps 2000
        clapboard lab train cgan --data frames/ --steps 20000 --device cuda   # frames/night, frames/day…
        clapboard lab train ddpm --data frames/ --steps 50000 --out lab/ddpm-64 --width 64
    """
    _need_torch()
    import torch
    from rich.console import Console

    from clapboard.lab import base
    from clapboard.lab.train import LOSSES, SAMPLES, train

    if model not in base.KINDS:
        raise ClapboardError(f"unknown model {model!r}; choose one of {', '.join(base.KINDS)}")
    if classes_from_folders and model not in CLASS_AWARE:
        raise ClapboardError(
            f"a {model} learns no classes; --classes-from-folders applies to {' and '.join(CLASS_AWARE)}"
        )
    where = _device(device)
    labelled = model == "cgan" or classes_from_folders
    classes = _classes(data) if labelled else ()
    config: dict[str, object] = {"kind": model, "size": size, "channels": 3}
    if classes:
        config["classes"] = len(classes)
    if width is not None:
        config["width"] = width
    torch.manual_seed(seed)  # the first weights come from the seed too, so a whole run repeats
    try:
        built = base.build(config)
    except (ValueError, TypeError) as exc:
        raise ClapboardError(f"cannot build a {model}: {exc}") from None
    images, labels = _training_set(data, size=size, classes=classes)
    folder = out if out is not None else Path("lab") / model
    if classes:
        typer.echo("classes: " + ", ".join(f"{label} {name}" for label, name in enumerate(classes)))
    console = Console(stderr=True)
    done = train(
        built,
        images,
        labels,
        steps=steps,
        out=folder,
        batch=batch,
        every=every,
        seed=seed,
        device=where,
        progress=console.is_terminal,
        console=console,
    )
    if done.steps == 0:
        typer.echo(f"{done.checkpoint} is already at step {done.step}; give a higher --steps to train on")
        return
    start = f"step {done.first}" if done.first else "scratch"
    losses = ", ".join(f"{name} {value:.4g}" for name, value in done.losses.items())
    typer.echo(
        f"trained {model} from {start} to step {done.step} in {done.seconds:.1f} s ({done.rate:.1f} steps/s); {losses}"
    )
    typer.echo(f"wrote {done.checkpoint}, {folder / SAMPLES}/ and {folder / LOSSES}")


@app.command()
def sample(
    checkpoint_file: Annotated[
        Path, typer.Argument(metavar="CHECKPOINT", help="A .safetensors file from `lab train`.", show_default=False)
    ],
    count: Annotated[int, typer.Option(min=1, help="Images on the sheet.")] = 16,
    seed: SeedOption = 0,
    out: Annotated[Path, typer.Option(metavar="FILE", help="The contact sheet to write.")] = Path("grid.png"),
    label: Annotated[
        int | None, typer.Option(metavar="N", help="Draw only class N (conditional models) [default: a row a class].")
    ] = None,
    steps: Annotated[
        int | None, typer.Option(min=1, help="Sampler steps, for ddpm (DDIM) [default: 50].", show_default=False)
    ] = None,
    device: DeviceOption = "cpu",
) -> None:
    """Draw samples from a trained model onto one contact sheet.

    **Examples**

        clapboard lab sample lab/dcgan/dcgan.safetensors --count 64 --out dcgan.png
        clapboard lab sample lab/cgan/cgan.safetensors --label 2 --seed 7
        clapboard lab sample lab/ddpm/ddpm.safetensors --steps 100
    """
    _need_torch()
    from clapboard.lab import checkpoint
    from clapboard.lab.train import contact_sheet

    model, step = checkpoint.load(checkpoint_file, device=_device(device))
    _save(out, contact_sheet(model, count, seed=seed, label=label, steps=steps))
    typer.echo(f"wrote {out}: {count} samples of the {model.kind} at step {step}")


@app.command()
def restore(
    frame: Annotated[Path, typer.Argument(metavar="FRAME", help="The frame to restore.", show_default=False)],
    model_file: Annotated[
        Path,
        typer.Option(
            "--model", metavar="CHECKPOINT", help="A ddpm checkpoint to fill damage, or a vae one for in-betweens."
        ),
    ],
    mask: Annotated[
        Path | None,
        typer.Option(
            metavar="MASK", help="Picture of FRAME's size, white where it is damaged (ddpm).", show_default=False
        ),
    ] = None,
    to: Annotated[
        Path | None, typer.Option(metavar="FRAME2", help="The frame to in-between towards (vae).", show_default=False)
    ] = None,
    count: Annotated[int, typer.Option(min=1, help="In-between frames to make (vae).")] = 1,
    out: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="Where to write [default: FRAME-restored.png; FRAME-tween-01.png… for vae]."),
    ] = None,
    steps: Annotated[
        int | None, typer.Option(min=1, help="RePaint steps (ddpm) [default: 50].", show_default=False)
    ] = None,
    seed: SeedOption = 0,
    device: DeviceOption = "cpu",
) -> None:
    """Fill the damaged part of a frame with a diffusion model, or make in-between frames with a VAE.

    With a ddpm checkpoint and `--mask`, every pixel outside the mask stays exactly
    as it was. With a vae checkpoint and `--to`, the `--count` frames between FRAME
    and FRAME2 are written as FILE-01.png, FILE-02.png…

    **Examples**

        clapboard lab restore frame.png --mask scratch.png --model lab/ddpm/ddpm.safetensors
        clapboard lab restore key-a.png --to key-b.png --count 3 --model lab/vae/vae.safetensors --out tween.png
    """
    _need_torch()
    from clapboard.lab import checkpoint
    from clapboard.lab import restore as lab_restore
    from clapboard.lab.ddpm import DDPM
    from clapboard.lab.vae import VAE

    model, _ = checkpoint.load(model_file, device=_device(device))
    picture = _open(frame)
    if isinstance(model, DDPM):
        if mask is None:
            raise ClapboardError(f"{model_file} is a ddpm: give --mask, white where {frame} is damaged")
        if to is not None:
            raise ClapboardError(
                f"{model_file} is a ddpm, which fills damage; in-betweens (--to) need a vae checkpoint"
            )
        damage = _sized_as(_open(mask), mask, picture, frame, "the mask must match the frame")
        if damage.convert("L").getbbox() is None:
            raise ClapboardError(f"{mask} is black all over: nothing is marked as damaged (white marks damage)")
        target = out if out is not None else frame.with_name(f"{frame.stem}-restored.png")
        options = {} if steps is None else {"steps": steps}
        _save(target, lab_restore.inpaint_frame(model, picture, damage, seed=seed, **options))
        typer.echo(f"wrote {target}")
    elif isinstance(model, VAE):
        if to is None:
            raise ClapboardError(f"{model_file} is a vae, which makes in-betweens: give --to FRAME2")
        if steps is not None:
            raise ClapboardError(f"{model_file} is a vae, which decodes in one pass; --steps is for a ddpm")
        if mask is not None:
            raise ClapboardError(
                f"{model_file} is a vae, which makes in-betweens; filling a --mask needs a ddpm checkpoint"
            )
        last = _sized_as(_open(to), to, picture, frame, "in-betweens join frames of one size")
        stem = out if out is not None else frame.with_name(f"{frame.stem}-tween.png")
        suffix = stem.suffix or ".png"
        written = []
        for number, tween in enumerate(lab_restore.inbetween(model, picture, last, count), start=1):
            target = stem.with_name(f"{stem.stem}-{number:02d}{suffix}")
            _save(target, tween)
            written.append(str(target))
        typer.echo(f"wrote {', '.join(written)}")
    else:
        raise ClapboardError(
            f"{model_file} is a {model.kind}, which cannot restore frames; "
            "give a ddpm checkpoint (with --mask) or a vae one (with --to)"
        )


def _device(name: str) -> str:
    """``name`` checked: a device torch knows and this machine has."""
    import torch

    try:
        device = torch.device(name)
    except RuntimeError as exc:
        raise ClapboardError(f"--device {name}: not a device torch knows ({exc}); use cpu, cuda or cuda:N") from None
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ClapboardError(f"--device {name}: torch {torch.__version__} finds no CUDA GPU here; use --device cpu")
    if device.type not in ("cpu", "cuda"):
        raise ClapboardError(f"--device {name}: the lab runs on cpu or cuda")
    return str(device)


def _classes(data: str) -> tuple[str, ...]:
    """The class names of ``--data`` by label: the shapes', or the sub-folder names of a folder."""
    from clapboard.lab import data as lab_data

    if data == SHAPES:
        return lab_data.CLASSES
    folder = _folder(data)
    loose = sorted(p.name for p in folder.iterdir() if p.is_file() and p.suffix.lower() in lab_data.PICTURES)
    if loose:
        raise ClapboardError(
            f"{folder}: classes come from its sub-folders, but {loose[0]} lies directly in it; move it into its class"
        )
    classes = tuple(sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")))
    if len(classes) < 2:
        raise ClapboardError(
            f"{folder}: classes come from its sub-folders, and it has {len(classes)}; give two or more"
        )
    return classes


def _folder(data: str) -> Path:
    folder = Path(data)
    if not folder.is_dir():
        raise ClapboardError(f"--data {data}: no such folder (give a folder of pictures, or `shapes`)")
    return folder


def _training_set(data: str, *, size: int, classes: tuple[str, ...]) -> tuple[torch.Tensor, torch.Tensor | None]:
    """The images of ``--data`` at ``size``, with their labels when the model learns ``classes``."""
    import torch

    from clapboard.lab import data as lab_data

    if data == SHAPES:
        images, labels = lab_data.shapes(SHAPES_COUNT, size=size, seed=0)
        return images, labels if classes else None
    folder = _folder(data)
    if not classes:
        return lab_data.folder(folder, size=size), None
    parts = [lab_data.folder(folder / name, size=size) for name in classes]
    labels = torch.cat([torch.full((len(part),), label, dtype=torch.int64) for label, part in enumerate(parts)])
    return torch.cat(parts), labels


def _sized_as(image: Image.Image, path: Path, frame: Image.Image, frame_path: Path, why: str) -> Image.Image:
    """``image`` when it is the size of ``frame``; a one-line error naming both files otherwise."""
    if image.size != frame.size:
        raise ClapboardError(
            f"{path} is {image.width}×{image.height} but {frame_path} is {frame.width}×{frame.height}; {why}"
        )
    return image


def _open(path: Path) -> Image.Image:
    """The picture at ``path``, read whole; ClapboardError naming it when it cannot be."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as opened:
            opened.load()
            return opened.copy()
    except FileNotFoundError:
        raise ClapboardError(f"{path}: no such file") from None
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ClapboardError(f"{path}: cannot be read as a picture ({exc})") from None


def _save(path: Path, picture: Image.Image) -> None:
    """Write ``picture`` atomically in the format ``path``'s extension names."""
    import io

    from PIL import Image

    from clapboard.screenplay.formats import write_atomic

    encoder = Image.registered_extensions().get(path.suffix.lower())
    if encoder is None or encoder not in Image.SAVE:
        raise FormatError(f"{path}: cannot write {path.suffix or 'extension-less'} pictures; use .png")
    buffer = io.BytesIO()
    try:
        picture.save(buffer, format=encoder)
    except (OSError, ValueError) as exc:
        raise FormatError(f"{path}: cannot write this picture as {encoder} ({exc}); use .png") from None
    try:
        write_atomic(path, buffer.getvalue())
    except OSError as exc:
        raise ClapboardError(f"{path}: cannot be written ({exc.strerror or exc})") from None
