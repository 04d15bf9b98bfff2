"""fork_map: the same results, in order, as a loop here; or None when forking does not pay."""

from __future__ import annotations

import os

import pytest

from site_builder.parallel import MIN_ITEMS_TO_FORK, can_fork, fork_map


def test_results_come_back_in_order_and_from_other_processes():
    here = os.getpid()
    items = list(range(40))
    results = fork_map(lambda n: (n * n, os.getpid()), items, jobs=2)  # a lambda: nothing is pickled but indexes
    assert [value for value, _ in results] == [n * n for n in items]
    assert here not in {pid for _, pid in results}


def test_items_are_read_in_the_workers_not_sent():
    class Unpicklable:
        def __init__(self, n):
            self.n = n

        def __reduce__(self):
            raise TypeError("must not be pickled")

    items = [Unpicklable(n) for n in range(MIN_ITEMS_TO_FORK)]
    assert fork_map(lambda item: item.n + 1, items, jobs=2) == [n + 1 for n in range(MIN_ITEMS_TO_FORK)]


@pytest.mark.parametrize("jobs, count", [(1, 100), (2, MIN_ITEMS_TO_FORK - 1), (0, 100)])
def test_one_job_or_few_items_do_nothing(jobs, count):
    assert not can_fork(jobs, count)
    assert fork_map(lambda n: n, list(range(count)), jobs) is None


def test_an_error_in_a_worker_is_raised_here():
    def fail_on_seven(n):
        if n == 7:
            raise ValueError("seven")
        return n

    with pytest.raises(ValueError, match="seven"):
        fork_map(fail_on_seven, list(range(20)), jobs=2)
