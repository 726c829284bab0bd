"""The package's one error type for bad input.

Every problem with a user's data or arguments is raised as :class:`ReanalysisError`
with a one-line message; the CLI prints it to stderr and exits with status 2.
"""


class ReanalysisError(ValueError):
    """Bad input: a one-line message naming the file, row, column and what was expected."""
