"""The one error type that crosses the input boundary."""

from __future__ import annotations

from simulator.text import printable


class InputError(ValueError):
    """Bad input, named by place and problem.

    ``str(err)`` is the single line shown to a user: ``"<where>: <problem>"``.

    Parameters
    ----------
    where : str
        The place: a file, a key path such as ``indices.par_index.groups[2].planned`` or a row
        and column of an uploaded table.
    problem : str
        What is wrong, in plain words.

    Both are kept on one line: control characters that a key or a value brings in (a newline, an
    ANSI escape) are escaped (:func:`simulator.text.printable`).
    """

    def __init__(self, where: str, problem: str) -> None:
        where, problem = printable(where), printable(problem)
        self.where = where
        self.problem = problem
        super().__init__(f"{where}: {problem}" if where else problem)
