{#- The pieces of ops/<op>_stubs.h that torchgen_mini/dest/dispatch_stubs.py renders. #}
{% macro declaration(name, pointer_type) %}
using {{ name }}_fn = {{ pointer_type }};
DECLARE_DISPATCH({{ name }}_fn, {{ name }});
{% endmacro %}
