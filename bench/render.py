"""Benchmark: personalised letters per second, PDF and DOCX, against baselines measured in the same run.

    .venv/bin/python bench/render.py [--letters 1000] [--baseline-letters 200] [--workers N]

Needs the bench extras: pip install -e ".[bench]" (WeasyPrint, pypandoc-binary) and Debian's
libharfbuzz-subset0 (without it WeasyPrint is about 3x slower and the comparison unfair).

- Docket PDF: `render_all` (the path `docket render` takes): template, Markdown, document model,
  Typst compile, files and manifest, on every core.
- Bare Typst: the same Typst layout and the same JSON inputs compiled with plain `typst.compile`,
  on the same cores: the ceiling our wrapping could reach.
- WeasyPrint: the same letters' HTML (Docket's own HTML writer, done beforehand) to PDF.
- Docket DOCX: `render_all` to DOCX with real footnotes.
- pandoc: the same letters' Markdown (with footnotes) to DOCX, one pandoc run per letter.
Baselines run on a sample (--baseline-letters) because they are slow; rates are per letter.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from multiprocessing import get_context
from pathlib import Path

# The repository first, not bench/: bench/queue.py would hide the standard library's queue.
sys.path[0] = str(Path(__file__).resolve().parents[1])


def example_inputs(count: int):
    """The example campaign, with `count` recipients made from its three (each name and sentence distinct)."""
    os.environ["DOCKET_DATA_DIR"] = tempfile.mkdtemp(prefix="docket-bench-")
    os.environ["DOCKET_DATABASE_URL"] = f"sqlite:///{os.environ['DOCKET_DATA_DIR']}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "docket.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from docket.campaigns.examples import load_example
    from docket.campaigns.letters import campaign_data, recipient_data, recipients_for_rendering

    campaign, _ = load_example("iasc-vru-2020")
    bases = [recipient_data(r) for r in recipients_for_rendering(campaign)]
    recipients = []
    for number in range(count):
        base = bases[number % len(bases)]
        fields = dict(base.fields, vru_work=f"{base.fields['vru_work']} (area {number})")
        recipients.append(replace(base, id=str(number + 1), full_name=f"{base.full_name} {number}", fields=fields))
    return campaign_data(campaign), recipients


def chunks(items: list, size: int = 16) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def bare_typst(inputs: list[str], folder: str) -> int:
    import typst

    from docket.letters.pdf import FONTS, LAYOUT

    for number, letter in enumerate(inputs):
        pdf = typst.compile(
            str(LAYOUT),
            root="/",
            font_paths=[str(FONTS)],
            ignore_system_fonts=True,
            sys_inputs={"letter": letter},
            pdf_standards=["ua-1"],
        )
        Path(folder, f"{os.getpid()}-{number}-{time.monotonic_ns()}.pdf").write_bytes(pdf)
    return len(inputs)


def weasyprint_pdf(pages: list[bytes], folder: str) -> int:
    import weasyprint

    for number, page in enumerate(pages):
        weasyprint.HTML(string=page.decode()).write_pdf(
            Path(folder, f"{os.getpid()}-{number}-{time.monotonic_ns()}.pdf")
        )
    return len(pages)


def pandoc_docx(documents: list[bytes], folder: str) -> int:
    import pypandoc

    for number, markdown in enumerate(documents):
        target = Path(folder, f"{os.getpid()}-{number}-{time.monotonic_ns()}.docx")
        pypandoc.convert_text(markdown.decode(), "docx", format="markdown", outputfile=str(target))
    return len(documents)


def in_pool(function, items: list, workers: int) -> float:
    """Seconds to run `function` over `items` in chunks on `workers` processes (pool start-up included)."""
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
            done = sum(pool.map(function, chunks(items), [folder] * len(chunks(items))))
        assert done == len(items)
        return time.perf_counter() - start


def ours(campaign, recipients, fmt: str, workers: int) -> float:
    from docket.letters.bulk import render_all

    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        render_all(campaign, recipients, [fmt], Path(folder), workers=workers)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--baseline-letters", type=int, default=200)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    campaign, recipients = example_inputs(args.letters)
    from docket.letters import build_letter
    from docket.letters.html import to_html
    from docket.letters.pdf import letter_json
    from docket.letters.text import to_markdown

    letters = [build_letter(campaign, r) for r in recipients]
    sample = letters[: args.baseline_letters]
    workers = args.workers
    print(f"{args.letters} letters of the example campaign, {workers} worker process(es); baselines on {len(sample)}")

    rate = {}
    rate["Docket PDF"] = args.letters / ours(campaign, recipients, "pdf", workers)
    rate["bare Typst compile"] = args.letters / in_pool(bare_typst, [letter_json(x) for x in letters], workers)
    rate["WeasyPrint HTML to PDF"] = len(sample) / in_pool(weasyprint_pdf, [to_html(x) for x in sample], workers)
    rate["Docket DOCX"] = args.letters / ours(campaign, recipients, "docx", workers)
    rate["pandoc Markdown to DOCX"] = len(sample) / in_pool(pandoc_docx, [to_markdown(x) for x in sample], workers)

    for name, value in rate.items():
        print(f"  {name:<26} {value:8.1f} letters/s")
    print(
        f"PDF:  {rate['Docket PDF'] / rate['WeasyPrint HTML to PDF']:.1f}x WeasyPrint (target >= 8x); "
        f"{rate['Docket PDF'] / rate['bare Typst compile']:.2f} of the bare Typst compile (target >= 0.85); "
        f"{rate['Docket PDF']:.0f}/s (target >= 90)"
    )
    print(
        f"DOCX: {rate['Docket DOCX'] / rate['pandoc Markdown to DOCX']:.1f}x pandoc; "
        f"{rate['Docket DOCX']:.0f}/s (target >= 100)"
    )


if __name__ == "__main__":
    main()
