"""A Dask cluster kept for a whole job, each scenario scattered to its workers once.

(dask.distributed ships without complete annotations: its untyped calls are marked here.)

The client (and, for ``local``, a ``LocalCluster`` on loopback) starts on the first batch
and stays until the job ends. Each distinct scenario is scattered once to every worker
(``Client.scatter(..., broadcast=True)``); tasks then travel as ``SlimTask``s with the
scenario's future, which Dask resolves to the copy the worker holds.
"""

from __future__ import annotations

import socket
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from klarsim.config import Scenario
from klarsim.experiments.process_pool import REMEMBERED_SCENARIOS, Outcome, attempt
from klarsim.experiments.tasks import SlimTask, Task

if TYPE_CHECKING:
    from dask.distributed import Client, LocalCluster
    from dask.distributed import Future as DaskFuture

CONNECT_TIMEOUT_S = 5.0
"""How long to wait for a Dask scheduler to answer (Dask's own default is 30 s)."""


class SchedulerError(Exception):
    """The Dask scheduler given by ``--scheduler`` cannot be reached: a fault, not bad input."""


class DaskWorkers:
    """A Dask client for ``scheduler`` (``local``: a cluster of ``workers`` processes)."""

    def __init__(self, workers: int, scheduler: str) -> None:
        self.workers = workers
        self.scheduler = scheduler
        self._cluster: LocalCluster | None = None
        self._client: Client | None = None
        self._scattered: OrderedDict[int, tuple[Scenario, DaskFuture[Scenario]]] = OrderedDict()

    def results(self, tasks: Sequence[Task]) -> Iterator[tuple[int, Outcome]]:
        """Each task's position and outcome as it finishes; on an interrupt or an error the
        client and cluster are closed (so the cluster drops the job's tasks)."""
        # Imported here: dask is slow to import and only this executor needs it.
        from dask.distributed import as_completed  # noqa: PLC0415

        client = self._connected()
        futures = [
            client.submit(
                run_on_dask,
                self._scenario(client, task.scenario),
                SlimTask.of(task, ""),
                pure=False,
            )
            for task in tasks
        ]
        index = {future.key: position for position, future in enumerate(futures)}
        finished = False
        try:
            for future in as_completed(futures):
                yield index[future.key], _dask_outcome(future)
            finished = True
        finally:
            if not finished:
                self.close()

    def close(self) -> None:
        """Close the client and the local cluster, if started."""
        client, self._client = self._client, None
        cluster, self._cluster = self._cluster, None
        self._scattered.clear()
        try:
            if client is not None:
                client.close()
        finally:
            if cluster is not None:
                cluster.close()

    def _connected(self) -> Client:
        from dask.distributed import Client, LocalCluster  # noqa: PLC0415

        if self._client is None:
            if self.scheduler == "local" and self._cluster is None:
                self._cluster = LocalCluster(
                    n_workers=max(1, self.workers),
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                )
            address = self._cluster if self._cluster is not None else self.scheduler
            self._client = _client(Client, address)
        return self._client

    def _scenario(self, client: Client, scenario: Scenario) -> DaskFuture[Scenario]:
        """The scenario's future, scattered to every worker the first time it is seen."""
        known = self._scattered.get(id(scenario))
        if known is not None:
            self._scattered.move_to_end(id(scenario))
            return known[1]
        # In a list: a pydantic model is iterable, and scatter would split it.
        scattered = client.scatter([scenario], broadcast=True, hash=False)
        future: DaskFuture[Scenario] = scattered[0]
        self._scattered[id(scenario)] = (scenario, future)  # held, so the id stays its own
        if len(self._scattered) > REMEMBERED_SCENARIOS:
            self._scattered.popitem(last=False)  # tasks that use it keep it on the cluster
        return future


def run_on_dask(scenario: Scenario, slim: SlimTask) -> Outcome:
    """On a Dask worker: run a slim task on the worker's copy of its scenario."""
    return attempt(slim.task(scenario))


def _client(client_class: type[Client], address: LocalCluster | str) -> Client:
    """A Dask client, or ``SchedulerError`` after ``CONNECT_TIMEOUT_S``."""
    try:
        return client_class(address, timeout=CONNECT_TIMEOUT_S)
    except (OSError, ValueError) as error:
        raise SchedulerError(f"cannot reach the Dask scheduler at {address}: {error}") from None


def _dask_outcome(future: DaskFuture[Outcome]) -> Outcome:
    """The task's outcome; a lost worker or task fails that task, not the job."""
    try:
        result: Outcome = future.result()
    except Exception as error:
        return error
    return result


def check_scheduler(address: str, timeout: float | None = None) -> None:
    """Refuse a malformed Dask address (``ValueError``) or an unreachable one, quickly.

    A TCP, TLS or websocket address is tried with a plain socket first, so a scheduler that is not
    there is reported at once, before any results folder is made, and without a Dask client
    left to warn when it is collected.
    """
    from distributed.comm.addressing import parse_address, parse_host_port  # noqa: PLC0415
    from distributed.comm.registry import get_backend  # noqa: PLC0415

    scheme, location = parse_address(address)
    get_backend(scheme)
    if scheme == "inproc":
        raise ValueError(f"an inproc:// scheduler lives in another process, not here: {address!r}")
    if scheme not in {"tcp", "tls", "ws", "wss"}:
        return
    host, port = parse_host_port(location)
    if not 0 < int(port) < 2**16:
        raise ValueError(f"port {port} out of range 1-65535 in {address!r}")
    wait = timeout if timeout is not None else CONNECT_TIMEOUT_S
    try:
        _probe(host, int(port), answers_first=scheme == "tcp", timeout=wait)
    except OSError as error:
        reason = error.strerror or str(error) or type(error).__name__
        raise SchedulerError(f"cannot reach the Dask scheduler at {address}: {reason}") from None


def _probe(host: str, port: int, *, answers_first: bool, timeout: float) -> None:
    """Connect; over plain TCP also wait for the first byte of a scheduler's handshake.

    Dask's own client waits without limit for that handshake (a port that accepts but
    never answers would hang it), so it is checked here with a timeout.
    """
    with socket.create_connection((host, port), timeout=timeout) as connection:
        if answers_first:
            try:
                first = connection.recv(1)
            except TimeoutError:
                raise TimeoutError(f"no answer within {timeout:g} s") from None
            if not first:
                raise ConnectionError("the connection was closed without an answer")
