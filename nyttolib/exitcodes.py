"""The command line's exit codes, shared by every subcommand: 0 done, 1 invalid input, 2 wrong usage."""

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
