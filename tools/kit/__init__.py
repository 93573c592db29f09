"""The kit command line: `./kit <command>`. One module per command in commands/."""
