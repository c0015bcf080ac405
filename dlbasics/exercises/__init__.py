"""Exercise checks for the course notebooks.

Each notebook ends with a few exercises. After writing an answer, the learner calls the
matching check, which prints either a confirmation or what is off: a diagnosis (the shape, a
sign, a forgotten bias, a sum where a mean belongs, which entries are wrong, too large or too
small) that never gives the right answer away. An answer left as ``...`` or ``None`` is reported
as "not done yet" rather than raising, so a notebook always runs top to bottom.

Every check has hints: ``ch01.hint("walk_kcal")`` prints the first hint for the exercise that
``ch01.check_walk_kcal`` checks, the next call the next one; ``ch01.hint()`` lists the exercises.
The notebook's collapsed solution cell is the last resort.

One module per notebook: ``ch01`` ... ``ch07``. Every check also has a raising form, for
``assert``, tests and autograders: ``assert_passes(ch01.check_walk_kcal, answer)`` raises
:class:`CheckFailed` (an ``AssertionError``) with the same feedback unless the check says ✅.

Examples
--------
>>> from dlbasics.exercises._common import check_close
>>> check_close("kcal", 226.8, 30 * 7.56)
✅ kcal: correct.
>>> check_close("kcal", ..., 226.8)
⏳ kcal: not done yet — replace the ... with your answer.
>>> check_close("kcal", 0, 226.8)
❌ kcal: not yet — far too small
"""

from dlbasics.exercises._common import CheckFailed as CheckFailed
from dlbasics.exercises._common import assert_passes as assert_passes
