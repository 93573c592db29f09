{#- The pieces of RegisterAutograd.cpp that torchgen_mini/dest/autograd.py renders: backward
    nodes and the Autograd / ADInplaceOrView kernels.  See Note [Autograd kernel kinds]
    there and Note [Logic-free templates]. #}
{% macro node_struct(func, name, releases, members) %}
// Backward of {{ func }}, from tools/autograd/derivatives.yaml
struct {{ name }} final : public torch::autograd::Node {
  std::string name() const override { return "{{ name }}"; }
  void release_variables() override {
    std::lock_guard<std::mutex> lock(mutex_);
{% for s in releases %}
    {{ s.member }}.reset_data();
{% endfor %}
  }
  torch::autograd::variable_list apply(torch::autograd::variable_list&& grads) override;
{% for s in members %}
  {{ s.cpp_type }} {{ s.member }};
{% endfor %}
};
{% endmacro %}

{#- Per wanted gradient: unpack the saved variables it needs, evaluate its formula. #}
{% macro node_apply(name, n_inputs, gradients) %}
torch::autograd::variable_list {{ name }}::apply(torch::autograd::variable_list&& grads) {
  std::lock_guard<std::mutex> lock(mutex_);
  const at::Tensor& grad = grads[0];
  torch::autograd::variable_list grad_inputs({{ n_inputs }});
{% for g in gradients %}
  if (grad.defined() && task_should_compute_output({{ g.index }})) {  // {{ g.name }}
{% for s in g.unpacks %}
    auto {{ s.unpacked }} = {{ s.member }}.unpack({{ s.unpack_arg }});
{% endfor %}
    grad_inputs[{{ g.index }}] = {{ g.formula }};
  }
{% endfor %}
  return grad_inputs;
}
{% endmacro %}

{#- The op itself, called below the given dispatch keys. #}
{% macro call_below(returns, guard, op, keyset, args) %}
  decltype(auto) result = [&]() -> {{ returns }} {
    {{ guard }} guard;
    return {{ op }}::redispatch(ks & {{ keyset }}, {{ args }});
  }();
{% endmacro %}

{#- An overload with no gradient: refuses inputs that require grad or carry a tangent. #}
{% macro refusing_kernel(returns, name, params, check, message, forbid, below) %}
{{ returns }} {{ name }}({{ params }}) {
  TORCH_CHECK(!{{ check }},
      {{ message }});
{% for piece in forbid %}
{{ piece }}
{% endfor %}
{{ below }}
  return result;
}
{% endmacro %}

{#- An entry without backward formulas: the result simply has no gradient. #}
{% macro non_differentiable_kernel(returns, name, params, below) %}
{{ returns }} {{ name }}({{ params }}) {
{{ below }}
  return result;
}
{% endmacro %}

{#- A functional or in-place overload with a backward node: records the node, runs the
    op, sets the history (and the tangent, with forward-AD pieces).  `after_call` is one
    group of saves, or none: what is saved after the call (a result) keeps its tangent. #}
{% macro differentiable_kernel(returns, name, params, inputs, inplace_checks, forward_ad_before, node, saves, below, history, forward_ad_after, after_call) %}
{{ returns }} {{ name }}({{ params }}) {
  const bool requires_grad = torch::autograd::compute_requires_grad({{ inputs }});
{% for t in inplace_checks %}
  torch::autograd::check_inplace({{ t }}, requires_grad);
{% endfor %}
{% for piece in forward_ad_before %}
{{ piece }}
{% endfor %}
  at_mini::autograd::NodePtr<{{ node }}> grad_fn;
  if (requires_grad) {
    grad_fn = at_mini::autograd::make_node<{{ node }}>();
    grad_fn->set_next_edges(torch::autograd::collect_next_edges({{ inputs }}));
{% for s in saves %}
    if ({{ s.condition }}) grad_fn->{{ s.member }} = {{ s.value }};
{% endfor %}
  }
{{ below }}
  if (grad_fn) {
    torch::autograd::{{ history }}(result, grad_fn);
  }
{% for piece in forward_ad_after %}
{{ piece }}
{% endfor %}
{% for group in after_call %}
  if (grad_fn) {
{% for s in group %}
    if ({{ s.condition }}) grad_fn->{{ s.member }} = {{ s.value }};
{% endfor %}
  }
{% endfor %}
  return result;
}
{% endmacro %}

{#- Below autograd, a mutating overload bumps the version of what it writes. #}
{% macro inplace_or_view_kernel(returns, name, params, below, written) %}
{{ returns }} {{ name }}({{ params }}) {
{{ below }}
{% for t in written %}
  torch::autograd::increment_version({{ t }});
{% endfor %}
  return result;
}
{% endmacro %}
