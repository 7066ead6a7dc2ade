"""Buckets of whole employees: the tables cut by ranges of employee ids, and a function
mapped over the buckets in threads, worker processes or on an executor (a Dask cluster).

Every rule works per employee, so any cut into buckets gives the same results as one pass;
the engine cuts its tables to keep every frame small, and a batch run cuts its inputs to
evaluate and write one bucket at a time (`paycalc.batch.run`).
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from functools import partial
from typing import Any, Protocol, TypeVar

import polars as pl

from paycalc.tables.cut import WEIGHED

WORKERS = 2
"""Buckets evaluated at once, each in its own thread (Polars releases the GIL while it
works, so two buckets keep two cores busy where one bucket's small frames would not)."""

AHEAD = 2
"""Parts each thread or process may have done or under way beyond the one taken next."""
W = TypeVar("W")
P = TypeVar("P")
R = TypeVar("R")


class BucketMap(Protocol):
    """Where buckets are evaluated: called with the function that evaluates one bucket,
    what every bucket shares and the buckets, it gives each bucket's result in the order
    of the buckets (a cluster, say: `paycalc.batch.dask_executor`)."""

    def __call__(self, evaluate: Callable[[Any, Any], Any], work: Any,
                 parts: list[Any]) -> Iterable[Any]: ...


_SHARED: tuple[Callable[[Any, Any], Any], Any] | None = None
"""A worker process's function and what every bucket shares, set once when it starts."""


def _start_worker(evaluate: Callable[[Any, Any], Any], work: Any) -> None:
    global _SHARED
    _SHARED = (evaluate, work)


def _in_worker(part: Any) -> Any:
    assert _SHARED is not None
    evaluate, work = _SHARED
    return evaluate(work, part)


def map_buckets(evaluate: Callable[[W, P], R], work: W, parts: list[P],
                workers: int | None = None,
                progress: Callable[[int, int], None] | None = None,
                executor: BucketMap | None = None) -> list[R]:
    """`evaluate(work, part)` of every part, in order (`each_bucket`), as a list."""
    return list(each_bucket(evaluate, work, parts, workers, progress, executor))


def each_bucket(evaluate: Callable[[W, P], R], work: W, parts: list[P],
                workers: int | None = None,
                progress: Callable[[int, int], None] | None = None,
                executor: BucketMap | None = None, *, release: bool = False) -> Iterator[R]:
    """`evaluate(work, part)` of every part, given in order as each is done: by
    `executor` when given; else in `workers` processes (started fresh, each given
    `evaluate` and `work` once; `evaluate` must be a module's function), or with `workers`
    None or 1 (or a single part) in WORKERS threads of this process. Threads and processes
    work at most AHEAD parts each beyond the one the caller waits for, so results not yet
    taken stay few. With `release` the parts are taken out of the list as they are handed
    on, so that each part's tables are freed once evaluated. `progress(done, total)` hears
    each part done."""
    total = len(parts)
    queued: Iterator[P] = _taken(parts) if release else iter(parts)
    with contextlib.ExitStack() as stack:
        results: Iterator[R]
        if executor is not None:
            results = iter(executor(evaluate, work, list(queued)))
        else:
            if workers is None or workers < 2 or total < 2:
                count = WORKERS
                pool: Executor = stack.enter_context(ThreadPoolExecutor(max_workers=count))
                call: Callable[[P], R] = partial(evaluate, work)
            else:
                count = min(workers, total)
                pool = stack.enter_context(ProcessPoolExecutor(
                    max_workers=count, mp_context=multiprocessing.get_context("spawn"),
                    initializer=_start_worker, initargs=(evaluate, work)))
                call = _in_worker
            results = _ahead(pool, call, queued, count * AHEAD)
        for done, result in enumerate(results, start=1):
            if progress is not None:
                progress(done, total)
            yield result


def _taken(parts: list[P]) -> Iterator[P]:
    """The parts, each taken out of the list as it is given."""
    parts.reverse()
    while parts:
        yield parts.pop()


def _ahead(pool: Executor, call: Callable[[P], R], queued: Iterator[P], window: int
           ) -> Iterator[R]:
    """`call` of each queued part on `pool`, in order, with at most `window` submitted
    and not yet taken."""
    waiting: collections.deque[Future[R]] = collections.deque()
    for part in itertools.islice(queued, window):
        waiting.append(pool.submit(call, part))
    while waiting:
        result = waiting.popleft().result()
        for part in itertools.islice(queued, 1):
            waiting.append(pool.submit(call, part))
        yield result


def cut_by_employee(tables: dict[str, pl.DataFrame], count: int, *,
                    numbered: bool = False) -> list[dict[str, pl.DataFrame]]:
    """`tables` cut into `count` buckets (fewer when there are fewer employees) as
    consecutive ranges of employee ids, every table keyed by `employee_id`; a row without
    an employee id goes to the first. With `numbered` every row of an employee carries its
    `employee_no`, the employee's place among all ids in order (see
    `exprs.employee_day`)."""
    # each table's ids made unique on its own (in parallel) before the few are merged
    people = pl.concat([t.lazy().select(pl.col("employee_id").unique())
                        for t in tables.values()]).unique().drop_nulls().sort(
        "employee_id").with_columns(
        pl.int_range(pl.len()).alias("employee_no"),
        (pl.int_range(pl.len()) * count // pl.len()).alias("bucket")).collect()
    if not numbered:
        people = people.drop("employee_no")
    # a row without an employee id has no employee_no either: like its id, it matches
    # no assignment, so it is rejected as before
    keyed = {name: frame.join(people, on="employee_id", how="left", maintain_order="left"
                              ).with_columns(pl.col("bucket").fill_null(0))
             for name, frame in tables.items()}
    if count <= 1:
        return [{name: frame.drop("bucket") for name, frame in keyed.items()}]
    parts = {name: frame.partition_by("bucket", as_dict=True, include_key=False)
             for name, frame in keyed.items()}
    empty = {name: frame.drop("bucket").clear() for name, frame in keyed.items()}
    used = sorted({b for table in parts.values() for (b,) in table})
    return [{name: parts[name].get((b,), empty[name]) for name in tables} for b in used]


def bucket_count(tables: dict[str, pl.DataFrame], rows: int) -> int:
    """How many buckets cut `tables` into buckets of about `rows` rows of the WEIGHED
    tables (at least one)."""
    weight = sum(tables[t].height for t in WEIGHED if tables.get(t) is not None)
    return max(1, -(-weight // rows))
