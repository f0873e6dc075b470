"""Builds the Glue artifacts: ``lean_ops_jobs.zip`` (for ``--extra-py-files``) with the job
SQL inside the package (``lean_ops_jobs/sql/``: the ``jobs/sql`` templates, dialects.json and
table_columns.json, read through importlib.resources, so nothing else has to be shipped), and
copies of the four entry-point scripts.

    python jobs/glue/package.py [--out dist/glue]

The zip is byte-for-byte reproducible (sorted entries, fixed timestamps), so a deploy can
tell from its hash whether the jobs changed.
"""

from __future__ import annotations

import argparse
import shutil
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SQL_DIR = HERE.parent / "sql"
PACKAGE = HERE / "lean_ops_jobs"
ENTRY_POINTS = ("bootstrap_job.py", "curation_job.py", "semantic_job.py", "maintenance_job.py")
_EPOCH = (1980, 1, 1, 0, 0, 0)


def _add(zf: zipfile.ZipFile, arcname: str, data: bytes) -> None:
    info = zipfile.ZipInfo(arcname, date_time=_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zf.writestr(info, data)


def build(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    entries: dict[str, bytes] = {}
    for path in sorted(PACKAGE.glob("*.py")):
        entries[f"lean_ops_jobs/{path.name}"] = path.read_bytes()
    for path in sorted([*SQL_DIR.glob("*.sql"), *SQL_DIR.glob("*.json")]):
        entries[f"lean_ops_jobs/sql/{path.name}"] = path.read_bytes()
    archive = out / "lean_ops_jobs.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name in sorted(entries):
            _add(zf, name, entries[name])
    for script in ENTRY_POINTS:
        shutil.copyfile(HERE / script, out / script)
    return archive


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(HERE.parent.parent / "dist" / "glue"))
    print(build(Path(parser.parse_args().out)))


if __name__ == "__main__":
    main()
