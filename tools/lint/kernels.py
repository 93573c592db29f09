"""Every kernel native_functions.yaml names is defined in aten_mini/native: KC001.

The check itself is the codegen's (`torchgen_mini.kernel_check`, a step of
`torchgen_mini.pipeline`); the build's codegen step skips it so that a kernel
edit does not re-run the codegen, and this linter runs it instead.  See Note
[Where the kernel check runs] in torchgen_mini/pipeline.py.  A YAML that does
not load is the native-yaml linter's finding, not this one's.
"""

from __future__ import annotations

from pathlib import Path

from tools.lint.finding import Finding
from torchgen_mini.kernel_check import missing_kernels
from torchgen_mini.native_yaml import parse_native_yaml

YAML = "native_functions.yaml"
TAGS = "tags.yaml"


def lint_kernels(root: Path, fix: bool) -> list[Finding]:
    if not (root / YAML).is_file():
        return []  # native-yaml reports it
    parsed = parse_native_yaml(root / YAML, root / TAGS)
    if parsed.errors:
        return []  # native-yaml reports them (NF001, NF002)
    return [
        Finding(YAML, max(d.loc.line, 1), 1, "KC001", d.message)
        for d in missing_kernels(parsed.native_functions, root)
    ]
