"""What a person did wrong, in words meant for them.

``DocketError`` carries a message a policy officer can act on ("The folder … is not
empty and is not an earlier export: choose an empty folder"), never a traceback. The
command line prints it and exits 1; workspace views show it as an error summary.
Each area subclasses it; programming errors stay ordinary exceptions and still surface.
"""

from __future__ import annotations


class DocketError(Exception):
    """A mistake a person can fix; ``str(error)`` is the whole message for them."""
