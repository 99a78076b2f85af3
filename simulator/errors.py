"""The one error type that crosses the input boundary."""

from __future__ import annotations


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
    """

    def __init__(self, where: str, problem: str) -> None:
        self.where = where
        self.problem = problem
        super().__init__(f"{where}: {problem}" if where else problem)
