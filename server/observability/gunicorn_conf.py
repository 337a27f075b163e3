"""Gunicorn settings for `caremon serve`: a worker that exits stops counting in the summed metrics."""
from prometheus_client import multiprocess


def child_exit(server, worker):
    multiprocess.mark_process_dead(worker.pid)
