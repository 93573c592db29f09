# ruff: noqa: E501  (expected compiler output is data: its lines stay whole)
"""Every validation and parse error, with its exact message and line.

Each test feeds one bad native_functions.yaml to the loader and pins the
full error output with `assertExpectedInline`.  To update after changing a
message: `EXPECTTEST_ACCEPT=1 python -m pytest test/model/test_errors.py`.
"""

from __future__ import annotations

import expecttest
from model_testutil import errors_of


class TestErrors(expecttest.TestCase):
    def test_unknown_key(self) -> None:
        text = """
        - func: relu(Tensor self) -> Tensor
          dispach:
            CPU: relu
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:2: error: unknown key 'dispach'
  hint: did you mean 'dispatch'?""",
        )

    def test_unknown_dispatch_key(self) -> None:
        text = """
        - func: relu(Tensor self) -> Tensor
          dispatch:
            CPU, CUDAA: relu
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:3: error: unknown dispatch key 'CUDAA'
  hint: did you mean 'CUDA'?""",
        )

    def test_dispatch_key_twice(self) -> None:
        text = """
        - func: relu(Tensor self) -> Tensor
          dispatch:
            CPU: relu
            CPU, CUDA: relu_cuda
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:4: error: dispatch key 'CPU' is given twice
  hint: give each key one kernel""",
        )

    def test_bad_kernel_name(self) -> None:
        text = """
        - func: relu(Tensor self) -> Tensor
          dispatch:
            CPU: relu-cpu
        """
        self.assertExpectedInline(
            errors_of(text),
            """native_functions.yaml:3: error: kernel name for 'CPU' must be a C++ name, got 'relu-cpu'""",
        )

    def test_unknown_tag(self) -> None:
        text = """
        - func: relu(Tensor self) -> Tensor
          tags: [core, pointwse]
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:2: error: unknown tag 'pointwse'
  hint: did you mean 'pointwise'?""",
        )

    def test_duplicate_operator(self) -> None:
        text = """
        - func: relu(Tensor self) -> Tensor

        - func: relu(Tensor self) -> Tensor
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:3: error: operator relu is declared twice (first on line 1)
  hint: give it a new overload name""",
        )

    def test_overload_name_clash(self) -> None:
        text = """
        - func: foo.a_b(Tensor self) -> Tensor

        - func: foo_a.b(Tensor self, int x) -> Tensor
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:3: error: overload names of foo_a.b and foo.a_b clash: both become foo_a_b in C++
  hint: choose a different overload name""",
        )

    def test_same_signature(self) -> None:
        text = """
        - func: foo.one(Tensor self) -> Tensor

        - func: foo.two(Tensor self) -> Tensor
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:3: error: foo.two has the same signature and kind as foo.one (line 1)
  hint: overloads must differ in their argument types""",
        )

    def test_out_return_count(self) -> None:
        text = """
        - func: relu.out(Tensor self, *, Tensor(a!) out) -> ()
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:1: error: out= op relu.out has 1 out argument(s) but 0 return(s)
  hint: return the out arguments: -> Tensor(a!)""",
        )

    def test_out_return_alias(self) -> None:
        text = """
        - func: minmax.out(Tensor self, *, Tensor(a!) lo, Tensor(b!) hi) -> (Tensor(b!), Tensor(a!))
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:1: error: return 0 of minmax.out must alias out argument 'lo'
  hint: annotate both as Tensor(a!)
native_functions.yaml:1: error: return 1 of minmax.out must alias out argument 'hi'
  hint: annotate both as Tensor(b!)""",
        )

    def test_out_method_variant(self) -> None:
        text = """
        - func: relu.out(Tensor self, *, Tensor(a!) out) -> Tensor(a!)
          variants: function, method
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:2: error: out= op relu.out must be 'variants: function' only
  hint: an out= op is never a Tensor method""",
        )

    def test_out_list_returns(self) -> None:
        text = """
        - func: split.out(Tensor self, *, Tensor(a!)[] out) -> Tensor[]
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:1: error: out= op split.out with non-Tensor out arguments must return ()
  hint: returning a list of tensors allows no method chaining""",
        )

    def test_out_positional(self) -> None:
        text = """
        - func: relu.out(Tensor self, Tensor(a!) out) -> Tensor(a!)
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:1: error: out argument 'out' of relu.out must be keyword-only
  hint: put '*, ' before Tensor(a!) out
native_functions.yaml:1: error: mutable return Tensor(a!) of relu.out must alias self or an out argument
  hint: did you forget to make the out argument keyword-only with '*'?""",
        )

    def test_inplace_and_out(self) -> None:
        text = """
        - func: relu_.out(Tensor(a!) self, *, Tensor(b!) out) -> Tensor(b!)
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:1: error: relu_.out is both in-place (name ends in '_') and out= (has out arguments)
native_functions.yaml:1: error: in-place op relu_.out must return self
  hint: end the schema with -> Tensor(a!)""",
        )

    def test_inplace_immutable_self(self) -> None:
        text = """
        - func: relu_(Tensor self) -> Tensor
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:1: error: in-place op relu_ needs a mutable 'self' argument
  hint: write Tensor(a!) self""",
        )

    def test_inplace_returns_other(self) -> None:
        text = """
        - func: relu_(Tensor(a!) self) -> Tensor
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:1: error: in-place op relu_ must return self
  hint: end the schema with -> Tensor(a!)""",
        )

    def test_mutable_positional_returned(self) -> None:
        text = """
        - func: fill(Tensor self, Tensor(a!) buf) -> Tensor(a!)
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:1: error: mutable positional argument 'buf' of fill is returned
  hint: return only self or out arguments; make it an out argument after '*'
native_functions.yaml:1: error: mutable return Tensor(a!) of fill must alias self or an out argument
  hint: did you forget to make the out argument keyword-only with '*'?""",
        )

    def test_mixed_returns(self) -> None:
        text = """
        - func: foo.out(Tensor self, *, Tensor(a!) out) -> (Tensor(a!), Tensor)
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:1: error: out= op foo.out has 1 out argument(s) but 2 return(s)
  hint: return the out arguments: -> Tensor(a!)
native_functions.yaml:1: error: foo.out mixes mutable and fresh returns
  hint: return either only aliased out/self tensors or only new tensors""",
        )

    def test_shared_alias_set(self) -> None:
        text = """
        - func: foo.out(Tensor self, *, Tensor(a!) out, Tensor(a!) out2) -> (Tensor(a!), Tensor(a!))
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:1: error: arguments 'out' and 'out2' share alias set 'a'
  hint: give each mutable argument its own letter: a!, b!, ...""",
        )

    def test_return_aliases_nothing(self) -> None:
        text = """
        - func: view_it(Tensor(a) self) -> Tensor(b)
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:1: error: return Tensor(b) of view_it aliases no argument
  hint: use the alias letter of the argument it aliases""",
        )

    def test_mutable_return_not_out(self) -> None:
        text = """
        - func: view_it(Tensor(a) self) -> Tensor(a!)
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:1: error: mutable return Tensor(a!) of view_it must alias self or an out argument
  hint: did you forget to make the out argument keyword-only with '*'?""",
        )

    def test_keyword_argument_name(self) -> None:
        text = """
        - func: foo(Tensor self, float lambda) -> Tensor
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:1: error: argument name 'lambda' is a reserved Python keyword
  hint: rename it, for example to 'lambda_'""",
        )

    def test_keyword_only_from(self) -> None:
        text = """
        - func: foo(Tensor self, *, int from) -> Tensor
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:1: error: argument name 'from' is a reserved Python keyword
  hint: rename it, for example to 'from_'""",
        )

    def test_argument_twice(self) -> None:
        text = """
        - func: foo(Tensor self, int x, int x) -> Tensor
        """
        self.assertExpectedInline(
            errors_of(text),
            """native_functions.yaml:1: error: argument name 'x' is used twice in foo""",
        )

    def test_method_without_self(self) -> None:
        text = """
        - func: foo(Tensor input) -> Tensor
          variants: method
        """
        self.assertExpectedInline(
            errors_of(text),
            """native_functions.yaml:2: error: foo is a method but has no 'self' argument""",
        )

    def test_default_int_float(self) -> None:
        text = """
        - func: foo(Tensor self, int x=1.5) -> Tensor
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:1: error: default '1.5' does not fit type int of 'x'
  hint: see the table of defaults in docs/native_functions.md""",
        )

    def test_default_none_not_optional(self) -> None:
        text = """
        - func: foo(Tensor self, Tensor other=None) -> Tensor
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:1: error: default 'None' does not fit type Tensor of 'other'
  hint: only optional types take None: write Tensor? other=None""",
        )

    def test_default_bool_number(self) -> None:
        text = """
        - func: foo(Tensor self, bool flag=1) -> Tensor
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:1: error: default '1' does not fit type bool of 'flag'
  hint: see the table of defaults in docs/native_functions.md""",
        )

    def test_default_str_unquoted(self) -> None:
        text = """
        - func: foo(Tensor self, str mode=mean) -> Tensor
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:1: error: default 'mean' does not fit type str of 'mode'
  hint: see the table of defaults in docs/native_functions.md""",
        )

    def test_default_list_element(self) -> None:
        text = """
        - func: foo(Tensor self, int[2] dims=[0,x]) -> Tensor
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:1: error: default '[0,x]' does not fit type int[2] of 'dims'
  hint: see the table of defaults in docs/native_functions.md""",
        )

    def test_default_list_size(self) -> None:
        text = """
        - func: foo(Tensor self, bool[3] mask=[True,False]) -> Tensor
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:1: error: default '[True,False]' does not fit type bool[3] of 'mask'
  hint: see the table of defaults in docs/native_functions.md""",
        )

    def test_conflicting_composites(self) -> None:
        text = """
        - func: foo(Tensor self) -> Tensor
          dispatch:
            CompositeImplicitAutograd: foo
            CompositeExplicitAutograd: foo_explicit
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:2: error: conflicting composite keys CompositeImplicitAutograd and CompositeExplicitAutograd
  hint: each composite key subsumes the others; keep one""",
        )

    def test_structured_not_out(self) -> None:
        text = """
        - func: foo(Tensor self) -> Tensor
          structured: True
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:2: error: only out= ops can be structured, but foo is functional
  hint: put 'structured: True' on the .out entry and 'structured_delegate' on the others""",
        )

    def test_structured_delegate_missing(self) -> None:
        text = """
        - func: foo(Tensor self) -> Tensor
          structured_delegate: fo.out
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:2: error: structured_delegate fo.out is not declared in this file
  hint: did you mean 'foo'?""",
        )

    def test_structured_delegate_not_out(self) -> None:
        text = """
        - func: foo.out(Tensor self, *, Tensor(a!) out) -> Tensor(a!)
          structured: True

        - func: foo(Tensor self) -> Tensor
          structured_delegate: foo_

        - func: foo_(Tensor(a!) self) -> Tensor(a!)
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:5: error: structured_delegate foo_ is not an out= op
  hint: delegate to the .out overload""",
        )

    def test_structured_delegate_not_structured(self) -> None:
        text = """
        - func: foo.out(Tensor self, *, Tensor(a!) out) -> Tensor(a!)

        - func: foo(Tensor self) -> Tensor
          structured_delegate: foo.out
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:4: error: structured_delegate foo.out is not structured
  hint: add 'structured: True' to line 1""",
        )

    def test_structured_and_delegate(self) -> None:
        text = """
        - func: foo.out(Tensor self, *, Tensor(a!) out) -> Tensor(a!)
          structured: True
          structured_delegate: foo.out
        """
        self.assertExpectedInline(
            errors_of(text),
            """native_functions.yaml:3: error: an entry is either structured or delegates, not both""",
        )

    def test_structured_inherits_alone(self) -> None:
        text = """
        - func: foo.out(Tensor self, *, Tensor(a!) out) -> Tensor(a!)
          structured_inherits: TensorIteratorBase
        """
        self.assertExpectedInline(
            errors_of(text),
            """native_functions.yaml:2: error: structured_inherits needs 'structured: True'""",
        )

    def test_delegate_with_cpu_kernel(self) -> None:
        text = """
        - func: foo.out(Tensor self, *, Tensor(a!) out) -> Tensor(a!)
          structured: True

        - func: foo(Tensor self) -> Tensor
          structured_delegate: foo.out
          dispatch:
            CPU: foo_cpu
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:6: error: CPU kernel given although the entry has structured_delegate
  hint: the delegate's kernel is used; remove it""",
        )

    def test_precomputed_without_structured(self) -> None:
        text = """
        - func: foo.out(Tensor self, int dim, *, Tensor(a!) out) -> Tensor(a!)
          precomputed:
          - dim -> int dim
        """
        self.assertExpectedInline(
            errors_of(text),
            """native_functions.yaml:2: error: precomputed needs 'structured: True'""",
        )

    def test_structured_without_functional_delegate(self) -> None:
        text = """
        - func: foo.out(Tensor self, *, Tensor(a!) out) -> Tensor(a!)
          structured: True
          dispatch:
            CPU: foo_out
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:2: error: structured foo.out has no functional variant that delegates to it
  hint: declare the functional overload with 'structured_delegate: foo.out'""",
        )

    def test_cpp_no_default_args_no_default(self) -> None:
        text = """
        - func: foo(Tensor self, int dim) -> Tensor
          cpp_no_default_args: [dim]
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:2: error: cpp_no_default_args names 'dim', which has no default
  hint: list only arguments that have a default""",
        )

    def test_cpp_no_default_args_unknown(self) -> None:
        text = """
        - func: foo(Tensor self, int dim=0) -> Tensor
          cpp_no_default_args: [dims]
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:2: error: cpp_no_default_args names 'dims', which is not an argument of foo
  hint: did you mean 'dim'?""",
        )

    def test_noncanonical_spaces(self) -> None:
        text = """
        - func: foo(Tensor  self,int dim) -> Tensor
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:1: error: schema is not in canonical form: 'foo(Tensor  self,int dim) -> Tensor'
  hint: write 'foo(Tensor self, int dim) -> Tensor'""",
        )

    def test_noncanonical_annotation(self) -> None:
        text = """
        - func: foo_(Tensor?(a!) self) -> Tensor(a!)
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:1: error: schema is not in canonical form: 'foo_(Tensor?(a!) self) -> Tensor(a!)'
  hint: write 'foo_(Tensor(a!)? self) -> Tensor(a!)'""",
        )

    def test_unknown_type(self) -> None:
        text = """
        - func: foo(Tensor self, Int dim) -> Tensor
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:1: error: unknown type 'Int' in 'foo(Tensor self, Int dim) -> Tensor'
  hint: did you mean 'int'?""",
        )

    def test_reserved_out_suffix(self) -> None:
        text = """
        - func: foo_out(Tensor self) -> Tensor
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:1: error: operator name 'foo_out' ends in '_out', which is reserved
  hint: name the op 'foo' and give the out= variant the overload name 'out'""",
        )

    def test_star_twice(self) -> None:
        text = """
        - func: foo(Tensor self, *, int a, *, int b) -> Tensor
        """
        self.assertExpectedInline(
            errors_of(text),
            """native_functions.yaml:1: error: '*' appears twice in 'foo(Tensor self, *, int a, *, int b) -> Tensor'""",
        )

    def test_immutable_after_out(self) -> None:
        text = """
        - func: foo.out(Tensor self, *, Tensor(a!) out, int b) -> Tensor(a!)
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:1: error: argument 'b' is not mutable but follows the out arguments
  hint: put out arguments (Tensor(a!) out) last""",
        )

    def test_annotation_on_int(self) -> None:
        text = """
        - func: foo(Tensor self, int(a) x) -> Tensor
        """
        self.assertExpectedInline(
            errors_of(text),
            """native_functions.yaml:1: error: alias annotations are only allowed on Tensor, Tensor? and Tensor[], not int in 'foo(Tensor self, int(a) x) -> Tensor'""",
        )

    def test_mutable_alias_union(self) -> None:
        text = """
        - func: foo(Tensor(a|b!) self) -> Tensor
        """
        self.assertExpectedInline(
            errors_of(text),
            """native_functions.yaml:1: error: a mutable alias annotation names one alias set, not a|b! in 'foo(Tensor(a|b!) self) -> Tensor'""",
        )

    def test_missing_arrow(self) -> None:
        text = """
        - func: foo(Tensor self) Tensor
        """
        self.assertExpectedInline(
            errors_of(text),
            """native_functions.yaml:1: error: expected '->' but found 'Tensor' in 'foo(Tensor self) Tensor'""",
        )

    def test_duplicate_yaml_key(self) -> None:
        text = """
        - func: relu(Tensor self) -> Tensor
          variants: function
          variants: method
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:3:3: error: duplicate key 'variants' (first given on line 2)
  hint: YAML keeps only one of them; merge the two or delete one""",
        )

    def test_missing_func(self) -> None:
        text = """
        - variants: function
          dispatch:
            CPU: relu
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:1: error: entry has no 'func' key
  hint: every entry starts with '- func: name(args) -> ret'""",
        )

    def test_func_not_string(self) -> None:
        text = """
        - func: [relu]
        """
        self.assertExpectedInline(
            errors_of(text),
            """native_functions.yaml:1: error: 'func' must be a schema string, got a list""",
        )

    def test_entry_not_mapping(self) -> None:
        text = """
        - relu(Tensor self) -> Tensor
        """
        self.assertExpectedInline(
            errors_of(text),
            """native_functions.yaml:1: error: an entry must be a mapping with a 'func' key, got str 'relu(Tensor self) -> Tensor'""",
        )

    def test_document_not_list(self) -> None:
        text = """
        func: relu(Tensor self) -> Tensor
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:1: error: expected a list of entries, got a mapping
  hint: each entry is a list item: '- func: ...'""",
        )

    def test_empty_file(self) -> None:
        text = ""
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml: error: file is empty
  hint: add at least one entry""",
        )

    def test_tab_indent(self) -> None:
        text = "- func: relu(Tensor self) -> Tensor\n\tvariants: function\n"
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:2:1: error: tab character in YAML
  hint: indent with spaces; YAML does not allow tabs""",
        )

    def test_invalid_yaml(self) -> None:
        text = """
        - func: relu(Tensor self) -> Tensor
          dispatch: {CPU: relu
        """
        self.assertExpectedInline(
            errors_of(text),
            """native_functions.yaml:3:1: error: not valid YAML: did not find expected ',' or '}'""",
        )

    def test_unknown_variant(self) -> None:
        text = """
        - func: relu(Tensor self) -> Tensor
          variants: function, methd
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:2: error: unknown variant 'methd'
  hint: variants are 'function' and 'method'""",
        )

    def test_bad_device_check(self) -> None:
        text = """
        - func: relu(Tensor self) -> Tensor
          device_check: Exact
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:2: error: unknown device_check 'Exact'
  hint: use NoCheck or ExactSame""",
        )

    def test_bool_key_not_bool(self) -> None:
        text = """
        - func: relu(Tensor self) -> Tensor
          device_guard: 0
        """
        self.assertExpectedInline(
            errors_of(text),
            """native_functions.yaml:2: error: 'device_guard' must be True or False, got int 0""",
        )

    def test_stub_bad_type(self) -> None:
        text = """
        - func: relu(Tensor self) -> Tensor
          dispatch_stub:
            relu_stub: TensorIteratorBase&
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:3: error: stub 'relu_stub' needs a C++ function type, got 'TensorIteratorBase&'
  hint: for example: void(at::TensorIteratorBase&)""",
        )

    def test_stub_declared_twice(self) -> None:
        text = """
        - func: relu(Tensor self) -> Tensor
          dispatch_stub:
            relu_stub: void(at::TensorIteratorBase&)

        - func: relu_(Tensor(a!) self) -> Tensor(a!)
          dispatch_stub:
            relu_stub: void(at::TensorIteratorBase&)
        """
        self.assertExpectedInline(
            errors_of(text),
            """native_functions.yaml:7: error: dispatch stub 'relu_stub' is declared twice (first on line 3)""",
        )

    def test_manual_registration_with_dispatch(self) -> None:
        text = """
        - func: relu(Tensor self) -> Tensor
          manual_kernel_registration: True
          dispatch:
            CPU: relu
        """
        self.assertExpectedInline(
            errors_of(text),
            """native_functions.yaml:3: error: manual_kernel_registration and dispatch cannot both be given""",
        )

    def test_several_errors_in_one_file(self) -> None:
        text = """
        - func: relu(Tensor self) -> Tensor
          tags: pointwse

        - func: relu_(Tensor self) -> Tensor

        - func: relu.out(Tensor self, *, Tensor(a!) out) -> Tensor
          variants: method
        """
        self.assertExpectedInline(
            errors_of(text),
            """\
native_functions.yaml:2: error: unknown tag 'pointwse'
  hint: did you mean 'pointwise'?
native_functions.yaml:4: error: in-place op relu_ needs a mutable 'self' argument
  hint: write Tensor(a!) self
native_functions.yaml:6: error: return 0 of relu.out must alias out argument 'out'
  hint: annotate both as Tensor(a!)
native_functions.yaml:7: error: out= op relu.out must be 'variants: function' only
  hint: an out= op is never a Tensor method""",
        )
