"""Per-episode work on a Dask distributed cluster (I/O): the only module that imports dask.

``podpub build --scheduler ADDRESS`` hands each episode's parse, align, render and tag to
the cluster's workers through ``Client.get_executor``, a ``concurrent.futures`` executor:
the build submits the same picklable function with the same arguments as it does to its
local process pool, so the outputs are byte-identical. Workers read the inputs and write
the stage and the item store at the same paths, so the show folder must be on a file
system they all share, and podpub must be importable on every worker.

dask[distributed] is an optional extra (``pip install 'podpub[cluster]'``): it is imported
only when a scheduler is given.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager

from podpub.errors import BuildError

CONNECT_TIMEOUT_S = 30


@contextmanager
def cluster_executor(address: str) -> Iterator[Executor]:
    """An executor running on the Dask scheduler at ``address``."""
    try:
        import distributed  # optional, and slow to import: only when asked for
    except ImportError:
        raise BuildError(
            "--scheduler needs dask.distributed, which is not installed",
            None,
            None,
            "pip install 'podpub[cluster]'",
        ) from None
    try:
        client = distributed.Client(address, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError, ValueError) as exc:
        raise BuildError(
            f"cannot reach the Dask scheduler at {address}: {exc}",
            None,
            None,
            "start it (dask scheduler) and its workers, or check the address",
        ) from None
    try:
        with client.get_executor(pure=False) as executor:
            yield executor
    finally:
        client.close()
