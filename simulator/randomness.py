"""Seeds per SPEC 7: every stochastic entry point takes ``rng`` and normalises it here, once.

``rng`` may be a whole number ≥ 0, a :class:`numpy.random.SeedSequence`, a
:class:`numpy.random.Generator` or ``None`` (fresh entropy from the operating system). The
library spawns independent child streams from it and records the *root* seed (the sequence's
entropy) in every result, so that the record names the number a user typed, never a child's.

* An int or a SeedSequence is a value: passing the same one twice gives the same children (the
  SeedSequence is copied, never advanced).
* A Generator is a state: its children are spawned from it, so passing the same Generator twice
  gives new streams, as SPEC 7 prescribes. A fresh ``np.random.default_rng(s)`` gives the same
  children as ``s``.

:data:`DEFAULT_SEED` is the one default of the command line and the app, so a plan shows the
same numbers in both.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np

from simulator.errors import InputError
from simulator.limits import DEFAULT_SEED

RandomLike = int | np.random.SeedSequence | np.random.Generator | None


def spawn(rng: RandomLike, n: int) -> tuple[list[np.random.SeedSequence], int | tuple[int, ...] | None]:
    """``n`` independent child seed sequences of ``rng`` and the root seed to record.

    Parameters
    ----------
    rng : int, SeedSequence, Generator or None
        See the module docstring.
    n : int
        Number of children.

    Returns
    -------
    children : list of SeedSequence
    root : int, tuple of int or None
        The root entropy (``None`` for a Generator that was not seeded from a sequence).

    Raises
    ------
    InputError
        When ``rng`` is none of the above, or a negative number.

    Examples
    --------
    >>> a, root = spawn(np.random.SeedSequence(7).spawn(1)[0], 2)
    >>> root
    7
    >>> b, _ = spawn(7, 2)
    >>> c, _ = spawn(np.random.default_rng(7), 2)
    >>> b[1].generate_state(1) == c[1].generate_state(1)
    array([ True])
    """
    if isinstance(rng, np.random.Generator):
        seq = rng.bit_generator.seed_seq
        if not isinstance(seq, np.random.SeedSequence):
            seq = np.random.SeedSequence(int(rng.integers(2**63)))
        return seq.spawn(n), _root(seq)
    if isinstance(rng, np.random.SeedSequence):
        copy = np.random.SeedSequence(
            rng.entropy,
            spawn_key=rng.spawn_key,
            pool_size=rng.pool_size,
            n_children_spawned=rng.n_children_spawned,
        )
        return copy.spawn(n), _root(rng)
    if rng is None:
        seq = np.random.SeedSequence()
        return seq.spawn(n), _root(seq)
    if isinstance(rng, Integral) and not isinstance(rng, bool):
        if int(rng) < 0:
            raise InputError("seed", f"{int(rng)} is negative; a seed is a whole number ≥ 0")
        return np.random.SeedSequence(int(rng)).spawn(n), int(rng)
    raise InputError(
        "seed", f"{type(rng).__name__} is not a seed: give a whole number ≥ 0, a SeedSequence or a Generator"
    )


def _root(seq: np.random.SeedSequence) -> int | tuple[int, ...] | None:
    entropy = seq.entropy
    if entropy is None:
        return None
    if isinstance(entropy, Integral):
        return int(entropy)
    return tuple(int(e) for e in entropy)


__all__ = ["DEFAULT_SEED", "RandomLike", "spawn"]
