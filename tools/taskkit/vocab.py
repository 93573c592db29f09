"""The fixed words of the curriculum: the topics a task may name and the tracks of the path.

A task's `topics:` uses only TOPICS, its `track:` one of TRACKS; the spec
loader refuses any other word with file:line and the closest known word.
The words are what `./kit tasks --topic`, the practice summary of `./kit
status` and the topic table in tools/tasks/README.md are made of, so one
spelling per idea: a new idea is a new entry here (with its meaning), not a
variant spelling in one task.yaml.
"""

from __future__ import annotations

# (topic, what a task with it practises), in the order summaries list them.
TOPIC_MEANINGS: tuple[tuple[str, str], ...] = (
    ("schema", "an op's function schema: arguments, defaults, overloads, returns"),
    ("native_functions.yaml", "an op's entry in native_functions.yaml: dispatch, variants, tags"),
    ("variants", "in-place and out= variants and their alias annotations"),
    ("codegen", "the code generator (torchgen_mini) and its generated C++ and stubs"),
    ("python bindings", "the generated Python bindings: argument parsing and defaults"),
    ("docs", "docstrings with runnable examples"),
    ("new op", "an operator added end to end"),
    ("composite", "CompositeImplicitAutograd / CompositeExplicitAutograd kernels"),
    ("pointwise", "elementwise (unary and binary) kernels"),
    ("reduction", "reductions over dims, keepdim"),
    ("TensorIterator", "TensorIterator: iteration, broadcasting, strides, output allocation"),
    ("DispatchStub", "per-device and per-CPU-capability kernel registration"),
    ("vectorization", "Vectorized<T> CPU loops"),
    ("CUDA", "CUDA kernels"),
    ("type promotion", "result dtypes of mixed inputs, Scalars and 0-dim tensors"),
    ("dtypes", "the dtypes an op supports: reduced precision, complex, opmath"),
    ("memory format", "strides and memory format (channels-last) of results"),
    ("autograd", "backward formulas in derivatives.yaml, gradcheck, saved tensors"),
    ("forward AD", "forward-mode AD formulas (result:)"),
    ("vmap", "batching rules"),
    ("structured kernels", "structured: True ops with meta functions"),
    ("dispatcher", "dispatch keys, the dispatcher, TorchDispatchMode"),
    ("torch.compile", "fake kernels, shape functions, graph breaks"),
    ("profiling", "finding where the time goes with torch.profiler"),
    ("performance", "making an op faster and measuring it with ./kit bench"),
    ("backward compatibility", "changing a schema without breaking callers"),
    ("OpInfo", "OpInfo entries and sample inputs that test an op"),
    ("testing", "writing the test that catches a bug: regression and mutation-graded tests"),
    ("bug fix", "a planted or reported bug found and fixed"),
    ("code review", "answering a reviewer the way a PR author does"),
)
TOPICS: tuple[str, ...] = tuple(name for name, _ in TOPIC_MEANINGS)

# (track, what it is about), in path order: `./kit tasks` lists the tracks in
# this order and `./kit next` walks them in it.
TRACK_MEANINGS: tuple[tuple[str, str], ...] = (
    ("foundations", "schemas, native_functions.yaml, the code generator, bindings and docs"),
    ("kernels", "CPU and CUDA kernels: pointwise, reductions, vectorization, memory format"),
    ("autograd", "derivatives: backward and forward formulas, batching rules"),
    ("compiler-and-dispatcher", "the dispatcher, structured kernels, torch.compile readiness"),
    ("upstream-practice", "what a PyTorch PR meets: BC, review, tests that catch bugs, speed"),
)
TRACKS: tuple[str, ...] = tuple(name for name, _ in TRACK_MEANINGS)
