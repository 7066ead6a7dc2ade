"""Evaluating a run's buckets of employees on a Dask cluster: the same per-bucket function
as in one process, so the same outputs.

The evaluation's `Work` (agreements, rules, days) is sent to every worker once; each
bucket's tables go to a worker, which evaluates it and sends its results back, in the order
of the buckets. Without a scheduler address a `distributed.LocalCluster` of two worker
processes runs on this machine. Dask is an optional extra: `pip install 'paycalc[dask]'`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from paycalc.engine import BucketMap
from paycalc.errors import InputError

LOCAL_WORKERS = 2
"""Worker processes of the local cluster started when no scheduler is given."""


@contextmanager
def dask_buckets(scheduler: str | None = None) -> Iterator[BucketMap]:
    """A `BucketMap` that evaluates buckets on the Dask cluster at `scheduler` (an address
    such as tcp://10.0.0.5:8786), or on a local cluster started for the run and closed
    after it. Raises `InputError` when Dask is not installed."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise InputError("the dask executor needs Dask: pip install 'paycalc[dask]'") from exc
    cluster = None if scheduler else LocalCluster(
        n_workers=LOCAL_WORKERS, threads_per_worker=1, processes=True,
        dashboard_address=None)
    try:
        with Client(scheduler or cluster) as client:
            def run(evaluate: Callable[[Any, Any], Any], work: Any, parts: list[Any]
                    ) -> Iterable[Any]:
                shared = client.scatter(work, broadcast=True)
                tables = client.scatter(parts)  # straight to the workers, not in the graph
                futures = client.map(evaluate, [shared] * len(parts), tables, pure=False)
                return (future.result() for future in futures)

            yield run
    finally:
        if cluster is not None:
            cluster.close()
