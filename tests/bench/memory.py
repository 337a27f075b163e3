"""A gunicorn worker's resident memory, read from /proc, for the benchmarks that watch a server."""
from __future__ import annotations

from pathlib import Path


def _worker(server) -> Path:
    (worker,) = [p for p in Path("/proc").glob("[0-9]*") if parent_pid(p) == server.proc.pid]
    return worker


def worker_memory_mb(server, reset_peak: bool = False) -> dict[str, float]:
    """The gunicorn worker's current (VmRSS) and peak (VmHWM) resident memory.

    reset_peak brings the peak down to the current size first (clear_refs 5), so a
    later peak is the highest the worker reached since, not since it started.
    """
    worker = _worker(server)
    if reset_peak:
        (worker / "clear_refs").write_text("5")
    status = dict(line.split(":", 1) for line in (worker / "status").read_text().splitlines())
    return {name: int(status[name].split()[0]) / 1024 for name in ("VmRSS", "VmHWM")}


def parent_pid(proc: Path) -> int | None:
    try:
        return int(next(line for line in (proc / "status").read_text().splitlines()
                        if line.startswith("PPid:")).split()[1])
    except (OSError, StopIteration):
        return None
