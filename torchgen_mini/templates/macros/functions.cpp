{#- The pieces of ops/<op>.h that torchgen_mini/dest/functions.py renders. #}
{% macro inline_function(schema, decl, call) %}
// {{ schema }}
inline {{ decl }} {
  return {{ call }};
}
{% endmacro %}
