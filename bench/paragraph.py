#!/usr/bin/env python3
"""Benchmark: one huge paragraph against the same text in paragraphs (issue #30).

Usage, from the repository's root (Python 3.8+, standard library only):

    python3 bench/paragraph.py                  # 10 MB, 5 runs each
    python3 bench/paragraph.py --mb 3 --runs 3  # a quicker look
    python3 bench/paragraph.py --binary PATH    # time this binary, skip cargo build

What it does:

1. `cargo build --release` (about two minutes from scratch: fat LTO), then copies
   the binary into the workdir. `--binary PATH` skips this step.
2. Generates a corpus with ../shared/bench/gen_corpus.py (enough articles for
   `--mb` MB of article text), and from it two dossiers of one article each,
   with the corpus's people.yaml: "paragraphs" holds every article body one after
   the other, as they were written; "one paragraph" holds the same blocks joined
   by a space instead of a blank line (and the few headings, quotes and list
   items made plain text), so that the whole text is a single paragraph.
   The articles' sidecars and claims are left out: they anchor quotes in their
   own article.
3. Times `dossier build` of each, interleaved, into an emptied output folder, and
   prints the median wall time of each and their ratio. The target is at most
   2x: every stage is linear in the length of a paragraph.
"""

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_GEN = REPO.parent / "shared" / "bench" / "gen_corpus.py"
# gen_corpus.py writes about 4.7 KB of Markdown per article.
BYTES_PER_ARTICLE = 4_700
TARGET = 2.0


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def die(msg):
    log(f"bench: {msg}")
    sys.exit(1)


def release_binary(workdir):
    log("== cargo build --release")
    if subprocess.run(["cargo", "build", "--release"], cwd=REPO).returncode != 0:
        die("cargo build --release failed")
    binary = workdir / "dossier"
    shutil.copy2(REPO / "target" / "release" / "dossier", binary)
    return binary


def bodies(corpus):
    """The article bodies of a generated dossier, front matter cut off."""
    out = []
    for path in sorted((corpus / "content" / "articles").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        parts = text.split("\n---\n", 1)
        out.append(parts[1] if text.startswith("---\n") and len(parts) == 2 else text)
    return out


def dossier(path, people, body):
    shutil.rmtree(path, ignore_errors=True)
    (path / "content" / "articles").mkdir(parents=True)
    (path / "config.yaml").write_text("title: One paragraph\n", encoding="utf-8")
    shutil.copy2(people, path / "content" / "people.yaml")
    front = '---\ntitle: "All of it"\noutlet: "Bench"\npublished: 2025-05-21\n---\n'
    (path / "content" / "articles" / "all.md").write_text(front + body, encoding="utf-8")


def timed_build(binary, root):
    output = root / "public"
    shutil.rmtree(output, ignore_errors=True)
    shutil.rmtree(root / ".public.staging", ignore_errors=True)
    start = time.perf_counter()
    run = subprocess.run(
        [str(binary), "build", "--root", str(root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    seconds = time.perf_counter() - start
    if run.returncode != 0:
        die(f"build of {root} failed:\n{run.stderr.decode(errors='replace')[-2000:]}")
    return seconds


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mb", type=float, default=10, help="MB of article text (default 10)")
    ap.add_argument("--runs", type=int, default=5, help="builds of each dossier (default 5)")
    ap.add_argument("--binary", type=Path, help="time this binary instead of a release build")
    ap.add_argument("--gen", type=Path, default=DEFAULT_GEN, help="gen_corpus.py")
    ap.add_argument("--workdir", type=Path, default=Path("/dev/shm/dossier-paragraph"))
    args = ap.parse_args()
    if not args.gen.is_file():
        die(f"no {args.gen}; pass --gen PATH")
    args.workdir.mkdir(parents=True, exist_ok=True)
    binary = args.binary.resolve() if args.binary else release_binary(args.workdir)

    size = int(args.mb * 1_000_000)
    corpus = args.workdir / "corpus"
    shutil.rmtree(corpus, ignore_errors=True)
    articles = size // BYTES_PER_ARTICLE + 1
    log(f"== generating {articles} articles")
    gen = subprocess.run(
        [sys.executable, str(args.gen), "--articles", str(articles), "--out", str(corpus)],
        stdout=subprocess.DEVNULL,
    )
    if gen.returncode != 0:
        die("gen_corpus.py failed")

    blocks = [
        block.strip()
        for body in bodies(corpus)
        for block in re.split(r"\n\s*\n", body)
        if block.strip()
    ]
    # Both texts hold the same blocks, cut to the same size; in the one
    # paragraph, what starts a heading, quote or list item is dropped and
    # line breaks become spaces.
    kept, total = [], 0
    for block in blocks:
        if total >= size:
            break
        kept.append(block)
        total += len(block.encode("utf-8")) + 2
    plain = [
        " ".join(re.sub(r"^(#+|>|[-*]|\d+\.)\s+", "", line) for line in block.splitlines())
        for block in kept
    ]
    people = corpus / "content" / "people.yaml"
    dossiers = {
        "paragraphs": ("\n\n".join(plain) + "\n", args.workdir / "paragraphs"),
        "one paragraph": (" ".join(plain) + "\n", args.workdir / "one-paragraph"),
    }
    for body, path in dossiers.values():
        dossier(path, people, body)
    log(f"== {len(plain)} blocks, {total / 1e6:.1f} MB; {args.runs} builds of each")

    times = {name: [] for name in dossiers}
    for _ in range(args.runs):
        for name, (_, path) in dossiers.items():
            times[name].append(timed_build(binary, path))
    medians = {name: statistics.median(t) for name, t in times.items()}
    for name, t in times.items():
        print(f"{name:<14} median {medians[name]:7.3f} s  (min {min(t):.3f}, max {max(t):.3f})")
    ratio = medians["one paragraph"] / medians["paragraphs"]
    verdict = "PASS" if ratio <= TARGET else "FAIL"
    print(f"one paragraph / paragraphs: {ratio:.2f}x (target <= {TARGET:.0f}x) {verdict}")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
