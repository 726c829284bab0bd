"""The package's one error type for bad input.

Every problem with a user's data or arguments is raised as :class:`ReanalysisError`
with a one-line message; the CLI prints it to stderr and exits with status 2.
"""


class ReanalysisError(ValueError):
    """Bad input: a one-line message naming the file, row, column and what was expected."""


class BuildInterrupted(ReanalysisError):
    """A build stopped by SIGINT or SIGTERM; ``exit_status`` is 128 + the signal number."""

    def __init__(self, message: str, signal_number: int) -> None:
        super().__init__(message)
        self.signal_number = signal_number
        self.exit_status = 128 + signal_number
