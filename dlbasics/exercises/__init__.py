"""Exercise checks for the course notebooks.

Each notebook ends with a few exercises. After writing an answer, the learner calls the
matching check, which prints either a confirmation or what is off (the expected shape, the
first wrong value ...). An answer left as ``...`` or ``None`` is reported as "not done yet"
rather than raising, so a notebook always runs top to bottom.

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
"""

from dlbasics.exercises._common import CheckFailed as CheckFailed
from dlbasics.exercises._common import assert_passes as assert_passes
