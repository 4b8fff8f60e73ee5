"""Tables as plain columns: what a run builds and writes without importing pandas.

pandas takes a large part of a second to import, more than a small run's simulation, and a
run only stacks its replications' records and writes them. ``Table`` holds named columns of
equal length; ``to_pandas`` gives the DataFrame for the Python API, built on first use.
Stacking follows ``pandas.concat``: the union of the columns in the order first seen, with a
missing value where a record has no such column.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Table:
    """Named columns of equal length, in order."""

    columns: dict[str, list[Any]] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Sequence[Mapping[str, Any]]) -> Table:
        """One row per mapping; a key missing from a row is a missing value there."""
        names = list(dict.fromkeys(name for row in rows for name in row))
        return cls({name: [row.get(name) for row in rows] for name in names})

    @classmethod
    def empty_with(cls, names: Sequence[str]) -> Table:
        """A table with these columns and no rows."""
        return cls({name: [] for name in names})

    @classmethod
    def from_pandas(cls, frame: pd.DataFrame) -> Table:
        """The columns of a DataFrame (its index left out)."""
        return cls({str(name): frame[name].tolist() for name in frame.columns})

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()), []))

    @property
    def empty(self) -> bool:
        """No rows (or no columns), as ``DataFrame.empty``."""
        return len(self) == 0

    def __contains__(self, name: object) -> bool:
        return name in self.columns

    def __getitem__(self, name: str) -> list[Any]:
        return self.columns[name]

    def itertuples(self, index: bool = False) -> Iterator[NamedTuple]:
        """The rows as named tuples, as ``DataFrame.itertuples(index=False)`` gives them."""
        if index:
            raise ValueError("a Table has no index")
        row_type = namedtuple("Row", list(self.columns), rename=True)  # type: ignore[misc]
        for values in zip(*self.columns.values(), strict=True):
            yield row_type(*values)

    def to_pandas(self) -> pd.DataFrame:
        """The same table as a DataFrame (pandas imported here, on first use)."""
        import pandas as pd  # noqa: PLC0415  # only the Python API pays for pandas

        return pd.DataFrame(self.columns)


def stacked(parts: Sequence[tuple[Mapping[str, Any], Mapping[str, Sequence[Any]]]]) -> Table:
    """Columns of several records on top of each other, each led by its key columns.

    Each part is (key values, columns); key values (scenario, replication) are repeated down
    the part's rows. A column some parts lack is missing (None) in their rows.
    """
    names = list(dict.fromkeys(name for keys, data in parts for name in (*keys, *data)))
    columns: dict[str, list[Any]] = {name: [] for name in names}
    for keys, data in parts:
        length = len(next(iter(data.values()), []))
        for name in names:
            if name in keys:
                columns[name].extend([keys[name]] * length)
            elif name in data:
                columns[name].extend(data[name])
            else:
                columns[name].extend([None] * length)
    return Table(columns)
