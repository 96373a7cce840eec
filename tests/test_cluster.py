"""podpub build --scheduler: the bundled show built on a local Dask cluster (a scheduler
and two worker processes started here) is byte-identical to the local build."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import sha256_tree

from podpub.build import build
from podpub.errors import PodpubError
from podpub.media import CACHE_DIR, FEED_DIR

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster() -> Iterator[distributed.LocalCluster]:
    # worker processes inherit this process's environment (PYTHONPATH included), so
    # they import the same podpub
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        yield cluster


def test_a_cluster_build_is_byte_identical_to_a_local_build(
    bundled_show: Path, cluster: distributed.LocalCluster, tmp_path: Path
) -> None:
    root = tmp_path / "show"
    shutil.copytree(
        bundled_show, root, ignore=shutil.ignore_patterns(FEED_DIR, CACHE_DIR, "podpub.lock")
    )
    report = build(root, scheduler=cluster.scheduler_address)
    assert len(report.episodes) >= 2
    # the episodes ran as tasks on the cluster (the scheduler counts them by name)
    episodes = cluster.scheduler.task_prefixes["build_episode"]  # dask drops the leading "_"
    assert episodes.state_counts["memory"] == len(report.episodes)
    assert len(cluster.workers) == 2
    assert sha256_tree(root / FEED_DIR) == sha256_tree(bundled_show / FEED_DIR)
    assert (root / "podpub.lock").read_bytes() == (bundled_show / "podpub.lock").read_bytes()


def test_an_unreachable_scheduler_is_a_clear_error(tiny_show: Path) -> None:
    with pytest.raises(PodpubError, match="cannot reach the Dask scheduler"):
        build(tiny_show, align=False, scheduler="tcp://127.0.0.1:9")
