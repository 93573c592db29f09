"""The mock reviewer: reads a branch's diff, applies review rules, reports comments.

`diff` parses the diff (unidiff), `context` gives rules the files of both
sides, `rules/` holds one small function per rule, `engine` runs them,
`render` prints them (terminal, Markdown), `github` posts them to a PR.
"""
