"""`python -m scoutly` runs the CLI."""

from scoutly.cli.app import main

if __name__ == "__main__":
    main()
