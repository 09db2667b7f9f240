"""Helpers shared by the Python benchmark scripts in scripts/ (imported, not run)."""
import os, subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def release_binary(product):
    """Builds `product` in release mode and returns the path of its executable."""
    subprocess.run(["swift", "build", "-c", "release", "--product", product], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    out = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.strip()
    return os.path.join(out, product)


def print_measures(rows, markdown, width=40):
    """Prints (measure, value) pairs as a Markdown table for docs/benchmarks.md or as aligned text."""
    if markdown:
        print("| measure | value |\n|---|---|")
        for k, v in rows:
            print(f"| {k} | {v} |")
    else:
        for k, v in rows:
            print(f"{k:{width}s} {v}")
