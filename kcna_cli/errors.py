"""Exit codes and the one exception type for expected failures."""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    OK = 0
    #: some input failed (the rest was still done), or the database is unusable
    FAILED = 1
    #: the command line is wrong: unknown option, bad date, unknown place
    USAGE = 2
    #: a bug in kcna: an exception nobody expected
    INTERNAL = 70


class KcnaError(Exception):
    """An expected failure, shown to the user as one line on stderr."""

    def __init__(self, message: str, exit_code: ExitCode = ExitCode.FAILED):
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class UsageError(KcnaError):
    """The user asked for something that cannot be: exit code 2."""

    def __init__(self, message: str):
        super().__init__(message, ExitCode.USAGE)
