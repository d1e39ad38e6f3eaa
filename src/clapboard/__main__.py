"""``python -m clapboard``: the same command line as the ``clapboard`` script."""

from clapboard.cli import main

if __name__ == "__main__":
    main()
